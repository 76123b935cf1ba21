#!/usr/bin/env python3
"""keepalived 2.2.7 and vrrpd side by side on a network-namespace LAN, in the same run (issue 16).

    sudo tests/Vrrp.Benchmarks/lab/vrrp_bench.py                       # everything, about 10-15 minutes
    sudo tests/Vrrp.Benchmarks/lab/vrrp_bench.py --only takeover --intervals 0.01 --cuts 9
    sudo tests/Vrrp.Benchmarks/lab/vrrp_bench.py --only cpu --cpu-configs 255x0.01 --cpu-reps 5
    sudo tests/Vrrp.Benchmarks/lab/vrrp_bench.py --vrrpd out/vrrpd --json results.json
    tests/Vrrp.Benchmarks/lab/vrrp_bench.py --report run1.json run2.json     # the tables, samples of all runs pooled

Prints, for each implementation and the ratio vrrpd/keepalived:
  takeover  takeover excess = (first advert of the new master) - (old master's last advert) - Master_Down_Interval,
            from a tcpdump capture on the bridge, median and max over --cuts cuts per advert interval (VRRPv3,
            priority 150 vs 100). The old master is cut by taking its bridge port down (--cut port, the default) or
            by SIGSTOP (--cut stop); the original master is restored and back in charge before the next cut.
  cpu       CPU (utime+stime from /proc/PID/stat over a --cpu-window, as % of one core) of the master and the
            backup, and their VmRSS and VmHWM, with N instances at interval I (--cpu-configs, default 255x0.01 and
            100x0.1). For keepalived the VRRP child process is measured (its pid from -r FILE); for vrrpd the process.
The two implementations alternate (ABBA order) so that machine noise hits both; the machine's load average and its
busy share during each measurement are printed with the figures. See README.md next to this script for the method.
"""

import argparse
import json
import os
import random
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlab import (Keepalived, Lab, Vrrpd, fmt, install_signal_handlers, keepalived_conf,  # noqa: E402
                      keepalived_version, loadavg, log, machine_cpu, machine_description, master_down_interval, median,
                      proc_context_switches, proc_cpu_seconds, proc_memory_kb, publish_vrrpd, ratio,
                      require_root_and_tools, run, wait_until)

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
MASTER_PRIORITY, BACKUP_PRIORITY = 150, 100
TAKEOVER_VRID = 51


class Pair:
    """A master host and a backup host on their own bridge, for one implementation."""

    def __init__(self, lab, impl, index):
        self.impl = impl
        self.bridge = lab.add_bridge(f"br{index}")
        self.master = lab.add_host(f"{impl.name[:2]}m", self.bridge, "10.60.0.11/16")
        self.backup = lab.add_host(f"{impl.name[:2]}b", self.bridge, "10.60.0.12/16")
        self.lab = lab
        self.daemons = []

    def start(self, instances, interval, first_vrid, tag):
        self.reset_addresses()
        m = self.impl.start(self.lab, self.master, keepalived_conf(f"{tag}_m", instances, interval, MASTER_PRIORITY,
                                                                    "MASTER", first_vrid), f"{tag}-{self.impl.name}-m")
        b = self.impl.start(self.lab, self.backup, keepalived_conf(f"{tag}_b", instances, interval, BACKUP_PRIORITY,
                                                                    "BACKUP", first_vrid), f"{tag}-{self.impl.name}-b")
        self.daemons = [m, b]
        return m, b

    def stop(self):
        for d in self.daemons:
            d.stop()
        self.daemons = []

    def reset_addresses(self):
        """Removes VIPs a stopped daemon may have left, so each start begins from the host address alone."""
        for h in (self.master, self.backup):
            for a in h.ipv4_addresses():
                if a.split("/")[0] != h.address:
                    run("ip", "-n", h.ns, "addr", "del", a, "dev", "eth0", check=False)

    def vip_counts(self):
        return (len(self.master.ipv4_addresses()) - 1, len(self.backup.ipv4_addresses()) - 1)


# --- takeover ----------------------------------------------------------------------------------------------------

class TakeoverRun:
    """One pair at one interval with its capture: cut, measure, restore."""

    def __init__(self, pair, interval, cut_mode, idle=0.0):
        self.pair, self.interval, self.cut_mode, self.idle = pair, interval, cut_mode, idle
        self.mdi = master_down_interval(interval, BACKUP_PRIORITY)
        self.capture = None
        self.adverts = []  # ours (VRID), in capture order

    def poll(self):
        for a in self.capture.poll():
            if a.vrid == TAKEOVER_VRID:
                self.adverts.append(a)

    def settled(self):
        """The original master alone has advertised for the last max(2.5 x interval, 0.1 s)."""
        self.poll()
        window = max(2.5 * self.interval, 0.1)
        since = time.time() - window
        recent = [a for a in self.adverts[-400:] if a.t >= since]
        m, b = self.pair.master.address, self.pair.backup.address
        return (sum(1 for a in recent if a.src == m and a.priority > 0) >= 2
                and not any(a.src == b for a in recent))

    def wait_settled(self, what):
        wait_until(self.settled, 20 + 4 * self.mdi, f"{self.pair.impl.name}: {what}", step=0.02)

    def cut_once(self):
        self.wait_settled("the original master alone on the LAN")
        if self.idle:
            # Both daemons idle before the cut: vrrpd has compacted its heap and released the code pages that start-up
            # and the last failover touched (samples/Vrrpd/MemoryTrim.cs), so the takeover runs from cold pages.
            time.sleep(self.idle)
            self.wait_settled("the original master alone on the LAN after the idle time")
        time.sleep(random.uniform(0, self.interval))  # a random phase in the advert schedule
        if not self.settled():
            return None  # the backup spoke again (it flapped): not a clean start, the caller retries
        m, b = self.pair.master.address, self.pair.backup.address
        master_daemon = self.pair.daemons[0]
        load = loadavg()
        t_before = time.time()
        if self.cut_mode == "port":
            self.pair.master.cut()
        else:
            os.kill(master_daemon.pid, signal.SIGSTOP)
        first_new = []

        def new_master_advert():
            self.poll()
            for a in reversed(self.adverts[-50:]):
                if a.src == b and a.t > t_before and a.priority > 0:
                    first_new.append(a)
            return bool(first_new)
        try:
            wait_until(new_master_advert, 10 + 3 * self.mdi, f"{self.pair.impl.name}: the backup's takeover", 0.01)
        finally:
            if self.cut_mode == "port":
                self.pair.master.heal()
            else:
                os.kill(master_daemon.pid, signal.SIGCONT)
        new = min(first_new, key=lambda a: a.t)
        old = [a for a in self.adverts if a.src == m and a.t < new.t]
        if not old:
            raise RuntimeError("no advert of the old master in the capture")
        last_old = old[-1]
        excess = new.t - last_old.t - self.mdi
        self.wait_settled("the original master back after the heal")
        return {"excess_ms": excess * 1000, "last_old": last_old.t, "first_new": new.t, "cut_at": t_before,
                "load": load}


def run_takeover(lab, pairs, intervals, cuts, cut_mode, results, idle=0.0):
    for interval in intervals:
        mdi = master_down_interval(interval, BACKUP_PRIORITY)
        log(f"takeover at advert_int {interval:g} s (Master_Down_Interval {mdi * 1000:.3f} ms), {cuts} cuts each, "
            f"cut = {cut_mode}")
        runs = []
        try:
            for i, pair in enumerate(pairs):
                r = TakeoverRun(pair, interval, cut_mode, idle)
                r.capture = lab.start_capture(pair.bridge, f"takeover-{interval:g}-{pair.impl.name}")
                pair.start(1, interval, TAKEOVER_VRID, f"to{i}")
                runs.append(r)
            for r in runs:
                r.wait_settled("the first election")
            samples = {r.pair.impl.name: [] for r in runs}
            flaps = {r.pair.impl.name: 0 for r in runs}
            for k in range(cuts):
                order = runs if k % 2 == 0 else list(reversed(runs))
                for r in order:
                    s, retries = None, 0
                    while s is None and retries < 10:
                        s = r.cut_once()
                        retries += s is None
                    flaps[r.pair.impl.name] += retries
                    if s is None:
                        log(f"  {r.pair.impl.name:10} cut {k + 1}: skipped, the backup kept taking over")
                        continue
                    samples[r.pair.impl.name].append(s)
                    log(f"  {r.pair.impl.name:10} cut {k + 1}: excess {s['excess_ms']:+8.3f} ms  "
                        f"(load {s['load']:.2f})" + (f"  after {retries} false starts (the backup flapped)"
                                                     if retries else ""))
        finally:
            for r in runs:
                r.pair.stop()
                if r.capture:
                    r.capture.stop()
        results.append({"interval": interval, "mdi_ms": mdi * 1000, "samples": samples, "false_starts": flaps})


def print_takeover(results, names):
    print()
    print("== Takeover excess (ms) = new master's first advert - old master's last advert - Master_Down_Interval ==")
    print("   VRRPv3, priority 150 vs 100, capture on the bridge; median / max over the cuts; load = 1-min load average")
    head = f"{'advert_int':>10} {'MDI ms':>9}"
    for n in names:
        head += f" | {n + ' median':>17} {'max':>8} {'n':>3}"
    if len(names) == 2:
        head += f" | {'diff of medians':>15} {'ratio':>7}"
    head += f" | {'load':>9}"
    print(head)
    for r in results:
        line = f"{r['interval']:>10g} {r['mdi_ms']:>9.3f}"
        meds = []
        loads = []
        for n in names:
            xs = [s["excess_ms"] for s in r["samples"].get(n, [])]
            loads += [s["load"] for s in r["samples"].get(n, [])]
            meds.append(median(xs))
            line += f" | {fmt(median(xs), 3, True):>17} {fmt(max(xs) if xs else None, 3, True):>8} {len(xs):>3}"
        if len(names) == 2:
            line += f" | {fmt(meds[1] - meds[0], 3, True):>15} {fmt(ratio(meds[1], meds[0]), 1):>7}"
        line += f" | {min(loads):4.1f}-{max(loads):<4.1f}" if loads else " | n/a"
        print(line)
    if len(names) == 2:
        print(f"   diff and ratio are {names[1]} vs {names[0]}")
    for r in results:
        if any(r["false_starts"].values()):
            print(f"   at {r['interval']:g} s the backup took over by itself (no cut) before some cuts: "
                  + ", ".join(f"{n} {c} times" for n, c in r["false_starts"].items()))


# --- CPU and memory ----------------------------------------------------------------------------------------------

def cpu_sample(pair, instances, interval, warmup, window, tag):
    m, b = pair.start(instances, interval, 1, tag)
    try:
        mdi = master_down_interval(interval, BACKUP_PRIORITY)
        wait_until(lambda: pair.vip_counts() == (instances, 0), 30 + 5 * mdi,
                   f"{pair.impl.name}: {instances} VIPs on the master, none on the backup", step=0.2)
        time.sleep(warmup)
        load0 = loadavg()
        flips0 = b.masters_entered()
        busy0, steal0, total0 = machine_cpu()
        t0 = time.monotonic()
        p0 = (pair.master.packets()[0], pair.backup.packets()[0])
        c0 = (proc_cpu_seconds(m.pid), proc_cpu_seconds(b.pid))
        x0 = (proc_context_switches(m.pid), proc_context_switches(b.pid))
        time.sleep(window)
        c1 = (proc_cpu_seconds(m.pid), proc_cpu_seconds(b.pid))
        x1 = (proc_context_switches(m.pid), proc_context_switches(b.pid))
        p1 = (pair.master.packets()[0], pair.backup.packets()[0])
        t1 = time.monotonic()
        busy1, steal1, total1 = machine_cpu()
        mem = (proc_memory_kb(m.pid), proc_memory_kb(b.pid))
        flips = b.masters_entered() - flips0
        vips = pair.vip_counts()
        wall = t1 - t0
        # the master's interface counter: did it send every advert? (a starved master sends fewer, and then its
        # CPU figure is for less work)
        sent = (p1[0] - p0[0]) / wall / (instances / interval)
        return {
            "impl": pair.impl.name, "instances": instances, "interval": interval,
            "master_cpu": 100 * (c1[0] - c0[0]) / wall, "backup_cpu": 100 * (c1[1] - c0[1]) / wall,
            "master_rss_mb": mem[0]["VmRSS"] / 1024, "master_hwm_mb": mem[0]["VmHWM"] / 1024,
            "backup_rss_mb": mem[1]["VmRSS"] / 1024, "backup_hwm_mb": mem[1]["VmHWM"] / 1024,
            "master_cs_per_s": (x1[0] - x0[0]) / wall, "backup_cs_per_s": (x1[1] - x0[1]) / wall,
            "master_threads": mem[0]["Threads"], "backup_threads": mem[1]["Threads"],
            "master_pid": m.pid, "backup_pid": b.pid,
            "machine_busy": 100 * (busy1 - busy0) / max(1, total1 - total0),
            "machine_steal": 100 * (steal1 - steal0) / max(1, total1 - total0),
            "load": (load0 + loadavg()) / 2, "window": wall,
            "backup_takeovers": flips, "vips_at_end": vips, "master_sent_share": sent,
            "backup_sent_per_s": (p1[1] - p0[1]) / wall,
            "valid": flips == 0 and vips == (instances, 0) and 0.95 <= sent <= 1.05,
        }
    finally:
        pair.stop()


def run_cpu(pairs, configs, reps, warmup, window, results):
    for instances, interval in configs:
        log(f"CPU/RSS at {instances} x {interval * 1000:g} ms: {reps} samples each, {warmup:g} s warm-up, "
            f"{window:g} s window, one pair at a time")
        for k in range(reps):
            order = pairs if k % 2 == 0 else list(reversed(pairs))
            for pair in order:
                s = cpu_sample(pair, instances, interval, warmup, window, f"cpu{instances}x{interval:g}-{k}")
                results.append(s)
                log(f"  {s['impl']:10} master {s['master_cpu']:6.2f} %  backup {s['backup_cpu']:6.2f} %  "
                    f"RSS {s['master_rss_mb']:5.1f}/{s['backup_rss_mb']:5.1f} MB  "
                    f"HWM {s['master_hwm_mb']:5.1f}/{s['backup_hwm_mb']:5.1f} MB  "
                    f"ctx sw/s {s['master_cs_per_s']:.0f}/{s['backup_cs_per_s']:.0f}  machine busy "
                    f"{s['machine_busy']:5.1f} % (steal {s['machine_steal']:.1f} %)  load {s['load']:.2f}"
                    + f"  sent {100 * s['master_sent_share']:.0f} %"
                    + ("" if s["valid"] else f"  INVALID: backup took over {s['backup_takeovers']} times, "
                                             f"VIPs {s['vips_at_end']}"))


def print_cpu(results, configs, names):
    print()
    print("== CPU (% of one core, utime+stime over the window), context switches and memory (MB) ==")
    print("   median [min-max] of the valid samples. keepalived: its VRRP child process; vrrpd: the process.")
    print("   ctx sw/s: context switches of all its threads; busy % = the whole machine during the windows")
    print("   (100 = every CPU busy); load = 1-min load average; takeovers = median count of the backup's")
    print("   'Entering MASTER STATE' lines per window, all samples (one stall of the backup costs one per instance);")
    print("   sent % = packets the master's eth0 sent / (instances / interval), all samples. A sample is valid when the")
    print("   backup never took over, every VIP is where it belongs and the master sent 95-105 % of its adverts.")
    groups = [
        [("master CPU %", "master_cpu", 2), ("backup CPU %", "backup_cpu", 2),
         ("master ctx sw/s", "master_cs_per_s", 0), ("backup ctx sw/s", "backup_cs_per_s", 0)],
        [("master RSS", "master_rss_mb", 1), ("backup RSS", "backup_rss_mb", 1),
         ("master HWM", "master_hwm_mb", 1), ("backup HWM", "backup_hwm_mb", 1)],
    ]
    invalid = False
    for instances, interval in configs:
        print(f"-- {instances} instances x {interval * 1000:g} ms (v3)")
        samples = {}
        for n in names:
            ss = [s for s in results if s["impl"] == n and s["instances"] == instances and s["interval"] == interval]
            ok = [s for s in ss if s["valid"]]
            invalid |= len(ok) < len(ss)
            samples[n] = (ss, ok if ok else ss, not ok and bool(ss))
        for gi, cols in enumerate(groups):
            head = f"   {'':12}" + "".join(f"{c[0]:>23}" for c in cols)
            print(head + (f"{'n':>4}{'takeovers':>10}{'sent %':>7}{'busy %':>7}{'load':>11}" if gi == 0 else ""))
            meds = {}
            for n in names:
                ss, ok, all_invalid = samples[n]
                meds[n] = {}
                line = f"   {n + ('!' if all_invalid else ''):12}"
                for _, key, d in cols:
                    xs = [s[key] for s in ok]
                    meds[n][key] = median(xs)
                    cell = f"{fmt(median(xs), d)} [{fmt(min(xs), d)}-{fmt(max(xs), d)}]" if xs else "n/a"
                    line += f"{cell:>23}"
                if gi == 0 and ss:
                    loads = [s["load"] for s in ss]
                    line += f"{0 if all_invalid else len(ok):>4}{fmt(median([s['backup_takeovers'] for s in ss]), 0):>10}"
                    line += f"{fmt(100 * median([s['master_sent_share'] for s in ss]), 0):>7}"
                    line += f"{fmt(median([s['machine_busy'] for s in ss]), 0):>7}"
                    line += f"{min(loads):>6.1f}-{max(loads):<4.1f}"
                print(line)
            if len(names) == 2:
                a, b = names
                line = f"   {'ratio':12}" + "".join(f"{fmt(ratio(meds[b][k], meds[a][k]), 2):>23}" for _, k, _ in cols)
                print(line + (f"   ({b} / {a}, ratio of medians)" if gi == 0 else ""))
    if invalid:
        print("   invalid samples are left out; '!' marks a row where every sample was invalid (shown anyway, n = 0)")


# --- instructions (valgrind callgrind) ----------------------------------------------------------------------------

def callgrind_control(action, pid):
    out = run("callgrind_control", action, str(pid))
    if "OK." not in out:  # it exits 0 also when it finds no such run
        raise RuntimeError(f"callgrind_control {action} {pid}: {out.strip()}")


def instruction_sample(lab, pair, role, instances, interval, warmup, window):
    """The user-space instructions (callgrind's Ir) of one daemon over a window, the daemon run under valgrind in
    `role` and its peer natively. Counts do not depend on machine load, but valgrind runs the threads one at a time
    and about 50 times slower, so only low advert rates are meaningful (default 10 x 100 ms)."""
    impl = pair.impl
    measured_host, native_host = (pair.backup, pair.master) if role == "backup" else (pair.master, pair.backup)
    measured_prio, native_prio = (BACKUP_PRIORITY, MASTER_PRIORITY) if role == "backup" else \
        (MASTER_PRIORITY, BACKUP_PRIORITY)
    tag = f"ir-{impl.name}-{role}"
    out = lab.path(tag + ".callgrind")
    # --trace-children: without it, keepalived's forked VRRP child is not reachable by callgrind_control
    wrapper = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}.%p"]
    pair.reset_addresses()
    native = impl.start(lab, native_host, keepalived_conf(tag + "_n", instances, interval, native_prio, "BACKUP"),
                        tag + "-native")
    measured = None
    try:
        conf = keepalived_conf(tag + "_v", instances, interval, measured_prio, "BACKUP")
        if isinstance(impl, Vrrpd):
            # valgrind 3.19 cannot read the DWARF 5 of vrrpd.dbg and gives up: run a copy without it
            os.makedirs(lab.path("vrrpd-nodbg"), exist_ok=True)
            binary = lab.path("vrrpd-nodbg/vrrpd")
            if not os.path.exists(binary):
                shutil.copy2(impl.binary, binary)
            measured = impl.start(lab, measured_host, conf, tag, wrapper=wrapper, binary=binary)
        else:
            measured = impl.start(lab, measured_host, conf, tag, wrapper=wrapper)
        backup_daemon = measured if role == "backup" else native
        wait_until(lambda: pair.vip_counts() == (instances, 0), 120, f"{impl.name}: the election under valgrind", 0.5)
        time.sleep(warmup)
        flips0 = backup_daemon.masters_entered()
        callgrind_control("-z", measured.pid)
        t0 = time.monotonic()
        time.sleep(window)
        callgrind_control("-d", measured.pid)
        wall = time.monotonic() - t0
        flips = backup_daemon.masters_entered() - flips0
        dump = f"{out}.{measured.pid}.1"
        wait_until(lambda: os.path.exists(dump) and "totals:" in open(dump, errors="replace").read(), 30,
                   "the callgrind dump")
        ir = next(int(line.split()[1]) for line in open(dump, errors="replace") if line.startswith("totals:"))
        adverts = instances * wall / interval
        return {"impl": impl.name, "role": role, "instances": instances, "interval": interval, "ir": ir,
                "window": wall, "ir_per_advert": ir / adverts, "backup_takeovers": flips, "valid": flips == 0}
    finally:
        for d in (measured, native):
            if d is not None:
                d.stop()


def run_instructions(lab, pairs, instances, interval, warmup, window, results):
    log(f"instructions under callgrind at {instances} x {interval * 1000:g} ms: {warmup:g} s warm-up, "
        f"{window:g} s window")
    for role in ("backup", "master"):
        for pair in pairs:
            s = instruction_sample(lab, pair, role, instances, interval, warmup, window)
            results.append(s)
            log(f"  {s['impl']:10} {role:6} {s['ir'] / 1e6:8.2f} M instructions in {s['window']:.1f} s, "
                f"{s['ir_per_advert']:8.0f} per advert" + ("" if s["valid"] else
                                                            f"  INVALID: {s['backup_takeovers']} takeovers"))


def print_instructions(results, names):
    print()
    print("== User-space instructions per advert (valgrind callgrind Ir; kernel work not counted) ==")
    for role in ("backup", "master"):
        per = {n: [s["ir_per_advert"] for s in results if s["impl"] == n and s["role"] == role] for n in names}
        line = f"   {role:8}" + "".join(f"{n:>12} {fmt(median(per[n]), 0):>8}" for n in names)
        if len(names) == 2:
            line += f"   ratio {fmt(ratio(median(per[names[1]]), median(per[names[0]])), 2)}"
        print(line)


def parse_configs(text):
    out = []
    for part in text.split(","):
        n, i = part.lower().split("x")
        out.append((int(n), float(i)))
    return out


def report(files):
    """--report: the tables of one or more --json files, their samples pooled (medians over every run)."""
    takeover, cpu, instructions, names, configs = {}, [], [], [], []
    for path in files:
        with open(path) as f:
            d = json.load(f)
        print(f"{path}: {d['machine']['date']}, cut {d.get('cut')}, nice {d.get('nice', 0)}")
        for t in d["takeover"]:
            merged = takeover.setdefault(t["interval"], {"interval": t["interval"], "mdi_ms": t["mdi_ms"],
                                                         "samples": {}, "false_starts": {}})
            for n, ss in t["samples"].items():
                merged["samples"].setdefault(n, []).extend(ss)
                merged["false_starts"][n] = merged["false_starts"].get(n, 0) + t.get("false_starts", {}).get(n, 0)
                if n not in names:
                    names.append(n)
        for s in d["cpu"]:
            s.setdefault("master_sent_share", float("nan"))
            cpu.append(s)
            if (s["instances"], s["interval"]) not in configs:
                configs.append((s["instances"], s["interval"]))
            if s["impl"] not in names:
                names.append(s["impl"])
        instructions += d.get("instructions", [])
    names.sort()  # keepalived first, as in a run
    if takeover:
        print_takeover([takeover[i] for i in sorted(takeover)], names)
    if cpu:
        print_cpu(cpu, configs, names)
    if instructions:
        print_instructions(instructions, sorted({s["impl"] for s in instructions}))
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--report":
        return report(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="takeover,cpu",
                    help="takeover, cpu, instructions (comma separated; default takeover,cpu)")
    ap.add_argument("--impls", default="keepalived,vrrpd", help="which implementations (default both)")
    ap.add_argument("--intervals", default="0.01,0.1,1", help="takeover advert intervals in seconds")
    ap.add_argument("--cuts", type=int, default=5, help="cuts per implementation and interval (default 5)")
    ap.add_argument("--cut", choices=["port", "stop"], default="port",
                    help="cut the old master by its bridge port down (default) or SIGSTOP")
    ap.add_argument("--idle", type=float, default=0.0,
                    help="seconds both daemons stay idle before each cut (25: vrrpd has released its cold pages)")
    ap.add_argument("--cpu-configs", default="255x0.01,100x0.1", help="INSTANCESxINTERVAL,... (default %(default)s)")
    ap.add_argument("--cpu-reps", type=int, default=3, help="CPU samples per implementation and config (default 3)")
    ap.add_argument("--cpu-warmup", type=float, default=7.0,
                    help="seconds after the election before measuring (past the second GARP burst at 5 s)")
    ap.add_argument("--cpu-window", type=float, default=15.0, help="seconds measured per sample (default 15)")
    ap.add_argument("--ir-config", default="10x0.1", help="instructions phase: INSTANCESxINTERVAL (default 10x0.1)")
    ap.add_argument("--ir-warmup", type=float, default=15.0)
    ap.add_argument("--ir-window", type=float, default=20.0)
    ap.add_argument("--vrrpd", help="the vrrpd binary (default: dotnet publish samples/Vrrpd into the run folder)")
    ap.add_argument("--keepalived", default="keepalived", help="the keepalived binary (default from PATH)")
    ap.add_argument("--nice", type=int, default=0,
                    help="run both daemons at this nice value (e.g. -10 on a shared machine; default 0)")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    ap.add_argument("--keep-files", action="store_true", help="keep the run folder (configs, logs, captures)")
    ap.add_argument("--seed", type=int, help="seed of the random cut phases (printed)")
    args = ap.parse_args()

    only = set(args.only.split(","))
    names = args.impls.split(",")
    require_root_and_tools("ip", "tcpdump", *(["keepalived"] if "keepalived" in names else []),
                           *(["valgrind", "callgrind_control"] if "instructions" in only else []))
    install_signal_handlers()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    started = time.time()
    machine = machine_description()
    log(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), kernel {machine['kernel']}, {machine['memory_mb']} MB; "
        f"load {loadavg():.2f}; seed {seed}")

    lab = Lab(keep_files=args.keep_files)
    try:
        impls = []
        for n in names:
            if n == "keepalived":
                impls.append(Keepalived(args.keepalived, args.nice))
                log(keepalived_version(args.keepalived))
            elif n == "vrrpd":
                binary = os.path.abspath(args.vrrpd) if args.vrrpd else publish_vrrpd(REPO, lab.path("vrrpd-bin"))
                impls.append(Vrrpd(binary, args.nice))
                log(f"vrrpd: {binary}")
            else:
                sys.exit(f"unknown implementation {n}")
        pairs = [Pair(lab, impl, i) for i, impl in enumerate(impls)]
        if args.nice:
            log(f"both daemons run at nice {args.nice}")
        results = {"machine": machine, "seed": seed, "cut": args.cut, "nice": args.nice,
                   "takeover": [], "cpu": [], "instructions": []}
        cpu_configs = parse_configs(args.cpu_configs)
        if "takeover" in only:
            run_takeover(lab, pairs, [float(x) for x in args.intervals.split(",")], args.cuts, args.cut,
                         results["takeover"], args.idle)
        if "cpu" in only:
            run_cpu(pairs, cpu_configs, args.cpu_reps, args.cpu_warmup, args.cpu_window, results["cpu"])
        if "instructions" in only:
            (n_ir, i_ir), = parse_configs(args.ir_config)
            run_instructions(lab, pairs, n_ir, i_ir, args.ir_warmup, args.ir_window, results["instructions"])
        if results["takeover"]:
            print_takeover(results["takeover"], names)
        if results["cpu"]:
            print_cpu(results["cpu"], cpu_configs, names)
        if results["instructions"]:
            print_instructions(results["instructions"], names)
        results["duration_s"] = time.time() - started
        print(f"\n{machine['date']}, {machine['nproc']} CPUs, kernel {machine['kernel']}; "
              f"run took {results['duration_s'] / 60:.1f} min; load average now {loadavg():.2f}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(results, f, indent=1)
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        return 130
    except Exception:
        lab.keep_files = True  # the configs, logs and captures explain the failure
        raise
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
