#!/usr/bin/env python3
"""Requests http://VIP/ every INTERVAL seconds for DURATION seconds; prints one line per request:
<monotonic seconds> <proxy name or FAIL:reason>. Bounded in count and time."""
import http.client, sys, time

vip, interval, duration = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
end = time.monotonic() + duration
while time.monotonic() < end:
    t = time.monotonic()
    try:
        c = http.client.HTTPConnection(vip, 80, timeout=0.25)
        c.request("GET", "/")
        r = c.getresponse()
        body = r.read()
        who = r.getheader("X-Served-By") or "?"
        print(f"{time.time():.4f} {who if r.status == 200 else 'FAIL:http' + str(r.status)}", flush=True)
        c.close()
    except Exception as e:  # every failure is one line, never a crash
        print(f"{time.time():.4f} FAIL:{type(e).__name__}", flush=True)
    time.sleep(max(0.0, interval - (time.monotonic() - t)))
