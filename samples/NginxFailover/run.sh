#!/usr/bin/env bash
# The seed scenario end to end (root): two nginx reverse proxies sharing VIP 172.16.1.25 with the seed's two
# keepalived.conf files UNCHANGED, a web backend and a client, each in its own network namespace on a bridge.
# The client requests http://172.16.1.25/ every 20 ms; the master's link is cut, then healed.
#
#   sudo samples/NginxFailover/run.sh [--daemon vrrpd|keepalived]
#
# vrrpd is samples/Vrrpd (published on first use; set VRRPD=/path/to/vrrpd to use a given binary).
# Prints a timeline and one line "RESULT ..." that the CI test reads. Cleans up everything it made.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
daemon=vrrpd
while [ $# -gt 0 ]; do
  case "$1" in
    --daemon) daemon="$2"; shift 2 ;;
    *) echo "usage: $0 [--daemon vrrpd|keepalived]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh needs root (network namespaces)" >&2; exit 2; }
for t in ip nginx python3; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 2; }; done

tag="nf$(printf '%04x' $((RANDOM % 65536)))"
run="$(mktemp -d /tmp/nginx-failover.XXXXXX)"
VIP=172.16.1.25
pids=()

cleanup() {
  set +e
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq 30); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  for n in r1 r2; do [ -f "$run/$n/nginx.pid" ] && kill -QUIT "$(cat "$run/$n/nginx.pid")" 2>/dev/null; done
  for ns in r1 r2 web client lan; do ip netns del "$tag-$ns" 2>/dev/null; done
  [ -n "${KEEP_RUN_DIR:-}" ] || rm -rf "$run"
}
trap cleanup EXIT

now() { date +%s.%N; }
log() { awk -v t="$(now)" -v t0="$t0" -v m="$*" 'BEGIN { printf "[%6.2fs] %s\n", t - t0, m }'; }
t0=$(now)

if [ "$daemon" = vrrpd ] && [ -z "${VRRPD:-}" ]; then
  log "publishing samples/Vrrpd"
  dotnet publish "$repo/samples/Vrrpd" -c Release -o "$run/vrrpd-bin" -v quiet -nologo >/dev/null
  VRRPD="$run/vrrpd-bin/vrrpd"
fi

# --- the LAN: a bridge in its own namespace, one veth per host; proxies' interfaces are named ens160 ---
ip netns add "$tag-lan"
ip -n "$tag-lan" link add br0 type bridge
ip -n "$tag-lan" link set br0 up
host() { # name ifname address
  local ns="$tag-$1"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "$tag-$1-e" type veth peer name "$tag-$1-p"
  ip link set "$tag-$1-e" netns "$ns"
  ip link set "$tag-$1-p" netns "$tag-lan"
  ip -n "$ns" link set "$tag-$1-e" name "$2"
  ip -n "$ns" addr add "$3/24" dev "$2"
  ip -n "$ns" link set "$2" up
  ip -n "$tag-lan" link set "$tag-$1-p" master br0
  ip -n "$tag-lan" link set "$tag-$1-p" up
}
host r1 ens160 172.16.1.11
host r2 ens160 172.16.1.12
host web eth0 172.16.1.30
host client eth0 172.16.1.50
log "LAN up: r1 172.16.1.11, r2 172.16.1.12 (ens160), web 172.16.1.30, client 172.16.1.50; VIP $VIP"

# --- the web backend and the two reverse proxies ---
mkdir -p "$run/www" && echo "hello from the backend" > "$run/www/index.html"
ip netns exec "$tag-web" python3 -m http.server 8080 --bind 172.16.1.30 --directory "$run/www" >/dev/null 2>&1 &
pids+=($!)
for n in r1 r2; do
  mkdir -p "$run/$n"
  sed -e "s|RUNDIR|$run/$n|g" -e "s|BACKEND|172.16.1.30|" -e "s|NAME|$n|" "$here/nginx.conf.template" > "$run/$n/nginx.conf"
  ip netns exec "$tag-$n" nginx -c "$run/$n/nginx.conf" -g 'daemon off;' >/dev/null 2>&1 &
  pids+=($!)
done

# --- the VRRP daemons, with the seed's configuration files unchanged ---
start_daemon() { # name conf
  local n="$1" conf="$2"
  if [ "$daemon" = keepalived ]; then
    ip netns exec "$tag-$n" keepalived -n -l -D --vrrp -f "$conf" -p "$run/$n/k.pid" -r "$run/$n/v.pid" -c "$run/$n/c.pid" \
      >"$run/$n/daemon.log" 2>&1 &
  else
    ip netns exec "$tag-$n" "$VRRPD" -f "$conf" >"$run/$n/daemon.log" 2>&1 &
  fi
  pids+=($!)
}
start_daemon r1 "$here/keepalived-master.conf"
start_daemon r2 "$here/keepalived-backup.conf"
log "started $daemon on r1 (keepalived-master.conf, priority 101) and r2 (keepalived-backup.conf, priority 99)"

holder() { # prints which proxies hold the VIP
  local h=""
  for n in r1 r2; do ip -n "$tag-$n" -4 addr show dev ens160 | grep -q " $VIP/" && h="$h$n "; done
  echo "${h:-none}"
}
wait_for() { # who timeout: wait until the client gets an answer from who
  local who="$1" deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    r=$(ip netns exec "$tag-client" python3 -c "
import http.client
try:
    c=http.client.HTTPConnection('$VIP',80,timeout=0.3); c.request('GET','/'); print(c.getresponse().getheader('X-Served-By'))
except Exception: print('none')")
    [ "$r" = "$who" ] && return 0
    sleep 0.1
  done
  return 1
}

wait_for r1 20 || { log "VIP never answered via r1"; tail -n 20 "$run"/r*/daemon.log; echo "RESULT ok=0 stage=initial"; exit 1; }
log "VIP answers via r1; holders: $(holder)"

# --- client loop, cut, heal ---
ip netns exec "$tag-client" python3 "$here/client.py" "$VIP" 0.02 60 >"$run/client.log" 2>&1 &
client=$!; pids+=($client)
sleep 2
tcut=$(now); ip -n "$tag-lan" link set "$tag-r1-p" down
log "CUT r1's link"
wait_for r2 15 && log "VIP answers via r2; holders: $(holder)" || log "VIP did not move to r2"
sleep 1.5
theal=$(now); ip -n "$tag-lan" link set "$tag-r1-p" up
log "HEALED r1's link"
wait_for r1 20 && log "VIP answers via r1 again (preemption); holders: $(holder)" || log "r1 did not take the VIP back"
sleep 1
kill "$client" 2>/dev/null || true; wait "$client" 2>/dev/null || true
final_holders="$(holder)"
log "final holders: $final_holders"

python3 - "$run/client.log" "$tcut" "$theal" "$final_holders" <<'PY'
import sys
log, tcut, theal, holders = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4].split()
rows = [(float(t), w) for t, w in (l.split() for l in open(log) if l.strip())]
before = [w for t, w in rows if t < tcut and not w.startswith("FAIL")]
cut = [(t, w) for t, w in rows if tcut <= t < theal]
heal = [(t, w) for t, w in rows if t >= theal]
failed = sum(1 for _, w in rows if w.startswith("FAIL"))
first_r2 = next((t for t, w in cut if w == "r2"), None)
outage = (first_r2 - tcut) if first_r2 else float("nan")
last_ok = max((t for t, w in rows if t < tcut and not w.startswith("FAIL")), default=tcut)
first_r1_back = next((t for t, w in heal if w == "r1"), None)
print(f"requests {len(rows)}, failed {failed}; before the cut: {sorted(set(before))}; "
      f"service back via r2 {outage:.3f} s after the cut; via r1 again {((first_r1_back - theal) if first_r1_back else float('nan')):.3f} s after healing")
ok = (set(before) == {"r1"} and first_r2 is not None and outage <= 4.0 and first_r1_back is not None
      and heal[-1][1] == "r1" and len(holders) == 1 and holders == ["r1"])
print(f"RESULT ok={int(ok)} before={','.join(sorted(set(before)))} outage_s={outage:.3f} failed={failed} "
      f"after_heal={heal[-1][1] if heal else 'none'} holders={','.join(holders)}")
sys.exit(0 if ok else 1)
PY
