"""Shared pieces of the lab benchmarks (vrrp_bench.py, gc_pressure.py): a network-namespace LAN that removes
everything it made (also on Ctrl-C and failure), background processes, an incremental pcap reader for VRRP, /proc
sampling and small statistics. Python 3 standard library only; run as root.

The LAN follows docs test-lab.md: a bridge namespace with one or more bridges (multicast snooping off, no forward
delay), one namespace per host with eth0 on a veth pair whose other end is a bridge port. Every name carries a
per-run prefix ("vb" + 4 hex digits), so parallel runs do not collide.
"""

import atexit
import json
import os
import random
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(time.strftime("%H:%M:%S ") + msg, flush=True)


def run(*cmd, check=True, capture=True):
    """Runs a command to completion; returns its stdout (text)."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout if capture else ""


def require_root_and_tools(*tools):
    if os.geteuid() != 0:
        sys.exit(f"{os.path.basename(sys.argv[0])} needs root (network namespaces, raw sockets)")
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        sys.exit("missing tools: " + ", ".join(missing))


def install_signal_handlers():
    """SIGINT (Ctrl-C), SIGTERM and SIGHUP end the run: the finally blocks and atexit handlers clean up. SIGINT is set
    explicitly because a shell starts background jobs with it ignored, and Python keeps an ignored SIGINT."""
    def handler(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


class Host:
    def __init__(self, lab, name, ns, port, address):
        self.lab, self.name, self.ns, self.port, self.address = lab, name, ns, port, address

    def cut(self):
        """Takes the host's bridge port down: the host is off the LAN (its eth0 loses carrier too)."""
        run("ip", "-n", self.lab.lan, "link", "set", self.port, "down")

    def heal(self):
        run("ip", "-n", self.lab.lan, "link", "set", self.port, "up")

    def exec(self, *cmd, check=True):
        return run("ip", "netns", "exec", self.ns, *cmd, check=check)

    def packets(self, dev="eth0"):
        """(sent, received) packet counters of the host's interface."""
        stats = json.loads(run("ip", "-n", self.ns, "-s", "-j", "link", "show", "dev", dev))[0]["stats64"]
        return stats["tx"]["packets"], stats["rx"]["packets"]

    def ipv4_addresses(self, dev="eth0"):
        out = run("ip", "-n", self.ns, "-o", "-4", "addr", "show", "dev", dev, check=False)
        return [line.split()[3] for line in out.splitlines() if " inet " in line]


class Lab:
    """The namespaces, processes and files of one run. close() (also called at exit) removes all of them."""

    def __init__(self, keep_files=False):
        self.prefix = "vb%04x" % random.randrange(0x10000)
        self.dir = tempfile.mkdtemp(prefix=f"vrrp-bench-{self.prefix}-")
        os.chmod(self.dir, 0o755)
        self.keep_files = keep_files
        self.namespaces = []
        self.processes = []
        self.hosts = {}
        self._ports = 0
        self._closed = False
        atexit.register(self.close)
        self.lan = self.add_namespace("lan")

    def add_namespace(self, name):
        ns = f"{self.prefix}-{name}"
        run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
        return ns

    def add_bridge(self, name):
        run("ip", "-n", self.lan, "link", "add", name, "type", "bridge", "mcast_snooping", "0", "forward_delay", "0")
        run("ip", "-n", self.lan, "link", "set", name, "up")
        return name

    def add_host(self, name, bridge, ipv4):
        ns = self.add_namespace(name)
        n = self._ports
        self._ports += 1
        inside, port = f"{self.prefix}{n}a", f"{self.prefix}{n}p"
        run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
            "net.ipv6.conf.default.accept_dad=0")
        run("ip", "link", "add", inside, "netns", ns, "type", "veth", "peer", "name", port, "netns", self.lan)
        run("ip", "-n", ns, "link", "set", inside, "name", "eth0")
        run("ip", "-n", ns, "addr", "add", ipv4, "dev", "eth0")
        run("ip", "-n", ns, "link", "set", "eth0", "up")
        run("ip", "-n", self.lan, "link", "set", port, "master", bridge)
        run("ip", "-n", self.lan, "link", "set", port, "up")
        host = Host(self, name, ns, port, ipv4.split("/")[0])
        self.hosts[name] = host
        return host

    def path(self, name):
        return os.path.join(self.dir, name)

    def start(self, cmd, ns=None, output=None, env=None, nice=0):
        """Starts a background process (in its own session, so Ctrl-C reaches only this script, which then stops
        it in order). `ip netns exec` execs the command, so the pid is the command's own. `nice` is set before the
        exec, so every thread and child of the process has it (on Linux nice is per thread)."""
        if ns is not None:
            cmd = ["ip", "netns", "exec", ns] + list(cmd)
        out = open(output, "ab") if output else subprocess.DEVNULL
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True, env=env,
                                 preexec_fn=(lambda: os.nice(nice)) if nice else None)
        finally:
            if output:
                out.close()
        self.processes.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=10.0):
        """Stops one process we started: CONT (it may be stopped), the signal, then KILL after the timeout."""
        if p.poll() is None:
            for s in (signal.SIGCONT, sig):
                try:
                    os.kill(p.pid, s)
                except ProcessLookupError:
                    pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(5)
        if p in self.processes:
            self.processes.remove(p)
        return p.returncode

    def start_capture(self, bridge, name, bpf="ip proto 112"):
        """tcpdump on a bridge, immediate mode, nanosecond timestamps; waits until it listens."""
        pcap = self.path(name + ".pcap")
        logf = self.path(name + ".tcpdump.log")
        p = self.start(["tcpdump", "-i", bridge, "--immediate-mode", "-U", "-n", "-s", "128",
                        "--time-stamp-precision=nano", "-w", pcap] + bpf.split(), ns=self.lan, output=logf)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(logf, "rb") as f:
                if b"listening on" in f.read():
                    return Capture(self, p, pcap, logf)
            if p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("tcpdump did not start: " + open(logf, errors="replace").read())

    def close(self):
        if self._closed:
            return
        self._closed = True
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second Ctrl-C must not stop the clean-up
            signal.signal(s, signal.SIG_IGN)
        for p in list(reversed(self.processes)):
            try:
                self.stop(p, timeout=5)
            except Exception as e:  # keep cleaning up
                print(f"cleanup: pid {p.pid}: {e}", file=sys.stderr)
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        self.namespaces.clear()
        if self.keep_files:
            print(f"files kept in {self.dir}", file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class Capture:
    def __init__(self, lab, process, pcap, logf):
        self.lab, self.process, self.file, self.logf = lab, process, pcap, logf
        self.reader = PcapReader(pcap)

    def poll(self):
        return self.reader.poll()

    def stop(self):
        time.sleep(0.1)  # immediate mode, but let the last packet land
        self.lab.stop(self.process, sig=signal.SIGINT)
        self.reader.poll()


class Advert:
    __slots__ = ("t", "src", "version", "vrid", "priority", "interval")

    def __init__(self, t, src, version, vrid, priority, interval):
        self.t, self.src, self.version, self.vrid, self.priority, self.interval = t, src, version, vrid, priority, interval

    def __repr__(self):
        return f"{self.t:.6f} {self.src} v{self.version} vrid {self.vrid} prio {self.priority}"


class PcapReader:
    """Reads a classic pcap file that tcpdump is still writing: poll() returns the VRRP adverts added since the
    last call (IPv4, Ethernet or Linux cooked framing; partial records are left for the next poll)."""

    def __init__(self, path):
        self.path, self.offset, self.header = path, 0, None
        self.scale, self.endian, self.linktype = 1e-6, "<", 1
        self.adverts = []

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return []
        pos, new = 0, []
        if self.header is None:
            if len(data) < 24:
                return []
            magic = data[:4]
            if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
                self.endian = "<"
            elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
                self.endian = ">"
            else:
                raise RuntimeError(f"{self.path}: not a classic pcap file")
            self.scale = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
            self.linktype = struct.unpack(self.endian + "I", data[20:24])[0] & 0x0FFFFFFF
            self.header = data[:24]
            pos = 24
        rec = struct.Struct(self.endian + "IIII")
        while pos + 16 <= len(data):
            sec, frac, incl, _orig = rec.unpack_from(data, pos)
            if pos + 16 + incl > len(data):
                break
            frame = data[pos + 16:pos + 16 + incl]
            pos += 16 + incl
            a = self._decode(sec + frac * self.scale, frame)
            if a is not None:
                new.append(a)
        self.offset += pos
        self.adverts.extend(new)
        return new

    def _decode(self, t, frame):
        if self.linktype == 1:  # Ethernet
            off, ethertype = 14, frame[12:14] if len(frame) >= 14 else b""
            if ethertype == b"\x81\x00":
                off, ethertype = 18, frame[16:18]
        elif self.linktype == 113:  # Linux cooked v1
            off, ethertype = 16, frame[14:16]
        else:
            return None
        if ethertype != b"\x08\x00" or len(frame) < off + 20:
            return None
        ihl = (frame[off] & 0x0F) * 4
        if frame[off + 9] != 112 or len(frame) < off + ihl + 8:
            return None
        src = ".".join(str(b) for b in frame[off + 12:off + 16])
        v = frame[off + ihl:]
        version, vrid, priority = v[0] >> 4, v[1], v[2]
        if version == 3:
            interval = (struct.unpack(">H", v[4:6])[0] & 0x0FFF) / 100.0
        else:
            interval = float(v[5])
        return Advert(t, src, version, vrid, priority, interval)


def master_down_interval(interval, backup_priority, version=3):
    """RFC 9568 section 6.1 (v3) and RFC 3768 section 6.1 (v2): 3 x interval + skew."""
    if version == 3:
        return 3 * interval + (256 - backup_priority) * interval / 256
    return 3 * interval + (256 - backup_priority) / 256


# --- /proc -------------------------------------------------------------------------------------------------------

def proc_cpu_seconds(pid):
    """utime + stime of a process (all its threads, the ones that exited included), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_memory_kb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                out[key] = int(rest.split()[0])
    return out


def proc_context_switches(pid):
    """Voluntary + involuntary context switches summed over the process's current threads."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                for line in f:
                    if "ctxt_switches:" in line:  # voluntary_ and nonvoluntary_
                        total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total


def proc_comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def machine_cpu():
    """(busy, steal, total) jiffies of the whole machine from /proc/stat (busy excludes idle, iowait and steal)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    total = sum(v[:8])
    return total - v[3] - v[4] - v[7], v[7], total


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def machine_description():
    u = os.uname()
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    return {"nproc": os.cpu_count(), "kernel": u.release, "cpu": model, "memory_mb": mem,
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


# --- statistics --------------------------------------------------------------------------------------------------

def median(xs):
    xs = [x for x in xs if x == x]  # without NaN (a figure an older run did not record)
    return statistics.median(xs) if xs else float("nan")


def fmt(x, digits=2, sign=False):
    if x is None or x != x:
        return "n/a"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def ratio(a, b):
    return a / b if b else float("nan")


def wait_until(predicate, timeout, what, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- the two daemons --------------------------------------------------------------------------------------------

def keepalived_conf(router_id, instances, interval, priority, state, first_vrid=1):
    """A keepalived.conf that keepalived and vrrpd both read: VRRPv3, one /16 VIP per instance (10.60.x.y)."""
    lines = ["global_defs {", f"    router_id {router_id}", "    vrrp_version 3", "}"]
    for i in range(instances):
        vrid = first_vrid + i
        lines += [
            f"vrrp_instance VI_{vrid} {{",
            f"    state {state}",
            "    interface eth0",
            f"    virtual_router_id {vrid}",
            f"    priority {priority}",
            f"    advert_int {interval:g}",
            "    virtual_ipaddress {",
            f"        10.60.{1 + i // 250}.{1 + i % 250}/16",
            "    }",
            "}",
        ]
    return "\n".join(lines) + "\n"


class Daemon:
    """One running keepalived or vrrpd: `proc` is what we started, `pid` the process that runs VRRP."""

    def __init__(self, lab, impl, host, proc, pid, logfile):
        self.lab, self.impl, self.host, self.proc, self.pid, self.logfile = lab, impl, host, proc, pid, logfile

    def masters_entered(self):
        """How many times the log says "Entering MASTER STATE" (keepalived and vrrpd print the same phrase)."""
        try:
            with open(self.logfile, "rb") as f:
                return f.read().count(b"Entering MASTER STATE")
        except FileNotFoundError:
            return 0

    def stop(self):
        self.lab.stop(self.proc, timeout=15)


class Keepalived:
    name = "keepalived"

    def __init__(self, binary, nice=0):
        self.binary, self.nice = binary, nice

    def start(self, lab, host, conf, tag, wrapper=()):
        """keepalived -n --vrrp with its own pid files; the Daemon's pid is the VRRP child (from -r FILE). With a
        wrapper (valgrind ...), the child is whatever process the pid file names."""
        base = lab.path(tag)
        with open(base + ".conf", "w") as f:
            f.write(conf)
        for suffix in (".pid", ".vrrp.pid", ".chk.pid"):
            if os.path.exists(base + suffix):
                os.remove(base + suffix)
        proc = lab.start(list(wrapper) + [self.binary, "-n", "-l", "-D", "-G", "--vrrp", "-f", base + ".conf",
                                          "-p", base + ".pid", "-r", base + ".vrrp.pid", "-c", base + ".chk.pid"],
                         ns=host.ns, output=base + ".log", nice=self.nice)
        child = []

        def vrrp_child_up():
            if proc.poll() is not None:
                raise RuntimeError(f"keepalived exited ({proc.returncode}); log {base}.log")
            try:
                pid = int(open(base + ".vrrp.pid").read().strip())
                if pid != proc.pid and (wrapper or proc_comm(pid) == "keepalived"):
                    child.append(pid)
                    return True
            except (OSError, ValueError):
                pass
            return False
        wait_until(vrrp_child_up, 60 if wrapper else 15, "keepalived's VRRP child pid file")
        return Daemon(lab, self, host, proc, child[0], base + ".log")


class Vrrpd:
    name = "vrrpd"

    def __init__(self, binary, nice=0):
        self.binary, self.nice = binary, nice

    def start(self, lab, host, conf, tag, wrapper=(), binary=None):
        """vrrpd -f CONF -p PIDFILE; `ip netns exec` (and valgrind) exec it, so the pid is the one we started."""
        base = lab.path(tag)
        with open(base + ".conf", "w") as f:
            f.write(conf)
        proc = lab.start(list(wrapper) + [binary or self.binary, "-f", base + ".conf", "-p", base + ".pid"],
                         ns=host.ns, output=base + ".log", nice=self.nice)
        if wrapper:
            wait_until(lambda: proc.poll() is not None or os.path.exists(base + ".pid"), 60, "vrrpd's pid file")
        else:
            wait_until(lambda: proc.poll() is not None or (os.path.exists(f"/proc/{proc.pid}/comm")
                                                            and proc_comm(proc.pid) == "vrrpd"), 10, "vrrpd to exec")
        if proc.poll() is not None:
            raise RuntimeError(f"vrrpd exited ({proc.returncode}); log {base}.log")
        return Daemon(lab, self, host, proc, proc.pid, base + ".log")


def keepalived_version(binary):
    r = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.stdout.strip().splitlines()[0] if r.stdout.strip() else binary


def publish_vrrpd(repo, out_dir):
    """dotnet publish samples/Vrrpd (native AOT) into out_dir; returns the binary's path."""
    log(f"publishing samples/Vrrpd (native AOT) into {out_dir}")
    run("dotnet", "publish", os.path.join(repo, "samples", "Vrrpd"), "-c", "Release", "-o", out_dir, "-nologo",
        "-v", "quiet")
    return os.path.join(out_dir, "vrrpd")
