#!/usr/bin/env python3
"""What the host application's GC does to a library user's failover (issue 16).

    sudo tests/Vrrp.Benchmarks/lab/gc_pressure.py --minutes 10 --intervals 1,0.1,0.01
    sudo tests/Vrrp.Benchmarks/lab/gc_pressure.py --minutes 2 --intervals 0.01 --env DOTNET_gcServer=1 \
        --env DOTNET_GCgen0size=0x4000000 --latency-mode SustainedLowLatency

On a namespace LAN (a bridge and two hosts), tests/Vrrp.Benchmarks/GcPressure (an ordinary AddVrrp().UseLinux()
application, priority 150) holds master of one instance while it churns allocations (default 1 GB/s over a 2 GB live
heap), against a vrrpd peer at priority 100 (or keepalived, --peer). For each advert interval it runs --minutes and
counts false failovers: the peer entering MASTER while the application is running (vrrpd's and keepalived's log line
"Entering MASTER STATE"), and, from a capture on the bridge, the application's advert gaps and, for each takeover,
whether the application had really been silent for Master_Down_Interval or the peer took over although the adverts
were on time. The application reports the GC settings in effect (GC.GetConfigurationVariables), its allocation rate,
and every GC pause (runtime events, in-process). GC settings: --env DOTNET_gcServer=1 and friends (sudo drops the
caller's environment; DOTNET_* and GCP_* variables of this script's own environment are passed on too).
"""

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlab import (Keepalived, Lab, Vrrpd, install_signal_handlers, keepalived_conf, loadavg, log,  # noqa: E402
                      machine_cpu, machine_description, master_down_interval, median, publish_vrrpd,
                      require_root_and_tools, run, wait_until)

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
APP_PRIORITY, PEER_PRIORITY, VRID = 150, 100, 51


def gcp_lines(path, kind):
    """The application's "GCP <kind> k=v ..." lines as dictionaries."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith(f"GCP {kind} "):
                    d = {}
                    for part in line.split()[2:]:
                        k, _, v = part.partition("=")
                        d[k] = v
                    out.append(d)
    except FileNotFoundError:
        pass
    return out


def grep(path, text):
    try:
        with open(path, errors="replace") as f:
            return [line.rstrip("\n") for line in f if text in line]
    except FileNotFoundError:
        return []


def analyse_capture(adverts, app_ip, peer_ip, t0, t1, interval):
    """The application's advert gaps and the peer's takeovers within [t0, t1]."""
    mdi = master_down_interval(interval, PEER_PRIORITY)
    app = [a.t for a in adverts if a.src == app_ip and a.vrid == VRID and a.priority > 0 and t0 <= a.t <= t1]
    peer = [a.t for a in adverts if a.src == peer_ip and a.vrid == VRID and a.priority > 0 and t0 <= a.t <= t1]
    gaps = sorted(b - a for a, b in zip(app, app[1:]))
    takeovers = []
    previous = None
    for t in peer:
        if previous is None or t - previous > mdi:  # the start of a run of peer adverts
            before = [a for a in app if a < t]
            silent = t - before[-1] if before else float("inf")
            takeovers.append({"at": t, "app_silent_ms": silent * 1000, "app_silent_over_mdi": silent >= mdi})
        previous = t
    p = (lambda q: gaps[min(len(gaps) - 1, int(q * len(gaps)))] * 1000) if gaps else (lambda q: float("nan"))
    return {
        "app_adverts": len(app), "peer_adverts": len(peer),
        "gap_median_ms": p(0.5), "gap_p999_ms": p(0.999), "gap_max_ms": gaps[-1] * 1000 if gaps else float("nan"),
        "gaps_over_2x": sum(1 for g in gaps if g > 2 * interval), "gaps_over_mdi": sum(1 for g in gaps if g >= mdi),
        "wire_takeovers": len(takeovers),
        "wire_takeovers_app_silent": sum(1 for t in takeovers if t["app_silent_over_mdi"]),
        "takeovers": takeovers,
    }


def run_interval(lab, args, app_dir, peer_impl, app_host, peer_host, bridge, interval, env):
    tag = f"gc-{interval:g}"
    mdi = master_down_interval(interval, PEER_PRIORITY)
    capture = None if args.no_capture else lab.start_capture(bridge, tag)
    app_log = lab.path(tag + "-app.log")
    app_cmd = ["dotnet", os.path.join(app_dir, "GcPressure.dll"), "--interface", "eth0", "--vrid", str(VRID),
               "--priority", str(APP_PRIORITY), "--interval", f"{interval:g}", "--vip", "10.60.1.1/16",
               "--live-mb", str(args.live_mb), "--alloc-mb-per-s", str(args.alloc_mb_per_s),
               "--threads", str(args.threads), "--report", str(args.report)]
    if args.latency_mode:
        app_cmd += ["--latency-mode", args.latency_mode]
    app = lab.start(app_cmd, ns=app_host.ns, output=app_log, env=env)
    peer = None
    try:
        log(f"advert_int {interval:g} s (Master_Down_Interval {mdi * 1000:.3f} ms): starting the application "
            f"(building a {args.live_mb} MB live heap)")
        wait_until(lambda: app.poll() is not None or grep(app_log, "-> Master"), 180 + 5 * mdi,
                   "the application to become master", step=0.2)
        if app.poll() is not None:
            raise RuntimeError(f"the application exited ({app.returncode}); see {app_log}")
        for line in grep(app_log, "GCP settings") + grep(app_log, "GCP live set"):
            log("  " + line[4:])
        peer_conf = keepalived_conf("gc_peer", 1, interval, PEER_PRIORITY, "BACKUP", VRID)
        peer = peer_impl.start(lab, peer_host, peer_conf, tag + "-peer")
        wait_until(lambda: b"Entering BACKUP STATE" in open(peer.logfile, "rb").read(), 30,
                   "the peer to enter BACKUP", step=0.1)
        time.sleep(max(1.0, 2 * mdi))
        baseline = peer.masters_entered()
        t0 = time.time()
        loads, busy0 = [], machine_cpu()
        end = t0 + args.minutes * 60
        log(f"  running {args.minutes:g} min; the peer entered MASTER {baseline} times before the start")
        next_status = 0
        while time.time() < end:
            time.sleep(min(5.0, max(0.0, end - time.time())))
            loads.append(loadavg())
            if app.poll() is not None:
                raise RuntimeError(f"the application exited ({app.returncode}) during the run; see {app_log}")
            status = gcp_lines(app_log, "status")
            if len(status) > next_status:
                s = status[-1]
                log(f"  app {s.get('t')} {s.get('state')} alloc {s.get('alloc_gb_s')} GB/s heap {s.get('heap_mb')} MB "
                    f"gcs {s.get('gcs')} pause max {s.get('pause_max_ms')} ms p99 {s.get('pause_p99_ms')} ms; "
                    f"peer took over {peer.masters_entered() - baseline} times; load {loads[-1]:.2f}")
                next_status = len(status)
        t1 = time.time()
        busy1 = machine_cpu()
        false_failovers = peer.masters_entered() - baseline
        app_left = len(grep(app_log, "GCP state Master ->"))
        lab.stop(app, timeout=20)
        summary = (gcp_lines(app_log, "summary") or [{}])[-1]
        settings = (gcp_lines(app_log, "settings") or [{}])[-1]
        histogram = [line[4:] for line in grep(app_log, "GCP pause_") + grep(app_log, "GCP probe_late_histogram")]
        wire = {}
        if capture:
            capture.stop()
            wire = analyse_capture(capture.reader.adverts, app_host.address, peer_host.address, t0, t1, interval)
        result = {
            "interval": interval, "mdi_ms": mdi * 1000, "minutes": (t1 - t0) / 60, "false_failovers": false_failovers,
            "app_left_master": app_left, "settings": settings, "summary": summary, "histograms": histogram,
            "wire": wire, "load_min": min(loads), "load_median": median(loads), "load_max": max(loads),
            "machine_busy": 100 * (busy1[0] - busy0[0]) / max(1, busy1[2] - busy0[2]),
        }
        return result
    finally:
        if app.poll() is None:
            lab.stop(app, timeout=20)
        if peer is not None:
            peer.stop()
        if capture and capture.process.poll() is None:
            capture.stop()


def print_results(results, peer_name):
    print()
    print(f"== GC pressure: AddVrrp application (priority {APP_PRIORITY}) vs {peer_name} (priority {PEER_PRIORITY}) ==")
    for r in results:
        s, g, w = r["summary"], r["settings"], r["wire"]
        print(f"-- advert_int {r['interval']:g} s, {r['minutes']:.1f} min, Master_Down_Interval {r['mdi_ms']:.1f} ms; "
              f"load {r['load_min']:.1f}-{r['load_max']:.1f} (median {r['load_median']:.1f}), "
              f"machine busy {r['machine_busy']:.0f} %")
        print(f"   GC: {g.get('gc')}, concurrent={g.get('concurrent')}, latency={g.get('latency')}, "
              f"gen0size={g.get('gen0size')}, gen0_max_budget={g.get('gen0_max_budget')}, "
              f"heap_count={g.get('heap_count')}, DATAS={g.get('datas')}, conserve={g.get('conserve')}")
        print(f"   churn: {s.get('alloc_gb_s')} GB/s over a {s.get('live_mb')} MB live set (heap {s.get('heap_mb')} MB); "
              f"GCs gen0/1/2 {s.get('gc0')}/{s.get('gc1')}/{s.get('gc2')}; paused {s.get('pause_pct')} % of the time")
        print(f"   pauses: n={s.get('pauses')} median {s.get('pause_median_ms')} ms, p99 {s.get('pause_p99_ms')} ms, "
              f"p99.9 {s.get('pause_p999_ms')} ms, max {s.get('pause_max_ms')} ms; "
              f"a 5 ms sleeper woke late by up to {s.get('probe_late_max_ms')} ms (p99.9 {s.get('probe_late_p999_ms')})")
        for h in r["histograms"]:
            print(f"   {h}")
        print(f"   FALSE FAILOVERS (peer entered MASTER): {r['false_failovers']}; the application left MASTER "
              f"{r['app_left_master']} times")
        if w:
            print(f"   wire: app adverts {w['app_adverts']}, gap median {w['gap_median_ms']:.2f} ms, p99.9 "
                  f"{w['gap_p999_ms']:.2f} ms, max {w['gap_max_ms']:.2f} ms; gaps > 2 x interval {w['gaps_over_2x']}, "
                  f">= Master_Down_Interval {w['gaps_over_mdi']}; peer takeovers seen {w['wire_takeovers']} "
                  f"({w['wire_takeovers_app_silent']} after the application was silent >= Master_Down_Interval)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=2.0, help="minutes per interval (default 2; the issue asks 10)")
    ap.add_argument("--intervals", default="0.1,0.01", help="advert intervals in seconds (default %(default)s)")
    ap.add_argument("--live-mb", type=int, default=2048)
    ap.add_argument("--alloc-mb-per-s", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=2, help="churn threads (default 2)")
    ap.add_argument("--latency-mode", help="GCSettings.LatencyMode: Batch, Interactive, LowLatency, SustainedLowLatency")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment of the application, e.g. DOTNET_gcServer=1 (repeatable)")
    ap.add_argument("--report", type=float, default=10, help="the application's status period in seconds")
    ap.add_argument("--peer", choices=["vrrpd", "keepalived"], default="vrrpd")
    ap.add_argument("--vrrpd", help="the vrrpd binary (default: dotnet publish samples/Vrrpd into the run folder)")
    ap.add_argument("--app", help="a folder with a built GcPressure.dll (default: dotnet build into the run folder)")
    ap.add_argument("--no-capture", action="store_true", help="no tcpdump (counts from the peer's log only)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--keep-files", action="store_true")
    args = ap.parse_args()

    require_root_and_tools("ip", "tcpdump", "dotnet", *(["keepalived"] if args.peer == "keepalived" else []))
    install_signal_handlers()
    env = dict(os.environ)
    env.setdefault("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
    for kv in args.env:
        k, sep, v = kv.partition("=")
        if not sep:
            sys.exit(f"--env {kv}: expected NAME=VALUE")
        env[k] = v
    machine = machine_description()
    log(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), kernel {machine['kernel']}, {machine['memory_mb']} MB; "
        f"load {loadavg():.2f}; application environment: "
        + " ".join(f"{k}={v}" for k, v in sorted(env.items()) if k.startswith(("DOTNET_", "GCP_", "COMPlus_"))))
    lab = Lab(keep_files=args.keep_files)
    try:
        app_dir = os.path.abspath(args.app) if args.app else lab.path("gcpressure")
        if not args.app:
            log("building tests/Vrrp.Benchmarks/GcPressure (Release)")
            run("dotnet", "build", os.path.join(REPO, "tests", "Vrrp.Benchmarks", "GcPressure"), "-c", "Release",
                "-o", app_dir, "-nologo", "-v", "quiet")
        if args.peer == "vrrpd":
            binary = os.path.abspath(args.vrrpd) if args.vrrpd else publish_vrrpd(REPO, lab.path("vrrpd-bin"))
            peer_impl = Vrrpd(binary)
        else:
            peer_impl = Keepalived("keepalived")
        bridge = lab.add_bridge("br0")
        app_host = lab.add_host("app", bridge, "10.60.0.11/16")
        peer_host = lab.add_host("peer", bridge, "10.60.0.12/16")
        results = []
        for interval in [float(x) for x in args.intervals.split(",")]:
            results.append(run_interval(lab, args, app_dir, peer_impl, app_host, peer_host, bridge, interval, env))
            r = results[-1]
            log(f"  advert_int {interval:g}: false failovers {r['false_failovers']}")
        print_results(results, args.peer)
        print(f"\n{machine['date']}, {machine['nproc']} CPUs, kernel {machine['kernel']}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"machine": machine, "args": vars(args), "results": results}, f, indent=1, default=str)
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        return 130
    except Exception:
        lab.keep_files = True  # the logs and the capture explain the failure
        raise
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    random.seed()
    sys.exit(main())
