using System.Globalization;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests.Chaos;

/// <summary>Which daemon a chaos router runs.</summary>
internal enum RouterKind
{
    Vrrpd,
    Keepalived,
}

/// <summary>What the schedule has done to a router's process.</summary>
internal enum NodeLife
{
    /// <summary>Not started in this phase, or stopped with SIGTERM: must hold no VIP.</summary>
    Stopped,

    /// <summary>Running and expected to take part in the election.</summary>
    Running,

    /// <summary>SIGSTOP: alive but silent; its addresses are whatever they were when it froze.</summary>
    Frozen,

    /// <summary>kill -9: dead; a VIP it held stays on its interface until it is restarted (a dead host).</summary>
    Killed,
}

/// <summary>
/// One router of the chaos LAN: a namespace (r1, r2, r3 at 192.0.2.11-13) running vrrpd or keepalived 2.2.7 with a
/// keepalived.conf, and the faults done to its process. The output of every run is kept for the failure report.
/// </summary>
internal sealed class ChaosNode(NetworkLab lab, LabHost host, string address) : IDisposable
{
    private readonly List<string> _pastRuns = [];
    private BackgroundProcess? _process;

    public LabHost Host => host;

    public string Name => host.Name;

    /// <summary>The address on eth0 (the source of its adverts; the tie-break between equal priorities).</summary>
    public string Address => address;

    public RouterKind Kind { get; private set; }

    public byte Priority { get; private set; }

    public NodeLife Life { get; private set; } = NodeLife.Stopped;

    /// <summary>Its bridge port is down (the carrier of its eth0 drops: it must go to Fault and hold no VIP).</summary>
    public bool LinkDown { get; set; }

    /// <summary>Its partition: it hears VRRP only from routers of the same group.</summary>
    public int Group { get; set; }

    /// <summary>The share of received VRRP packets its namespace drops (nftables), in percent.</summary>
    public int LossPercent { get; set; }

    /// <summary>Sets the daemon and configuration for the next start (the node must be stopped).</summary>
    public void Configure(RouterKind kind, byte priority, string config)
    {
        Kind = kind;
        Priority = priority;
        File.WriteAllText(ConfigFile, config);
    }

    private string ConfigFile => Path.Combine(lab.Directory, Name + ".conf");

    private string PidFile(string which) => Path.Combine(lab.Directory, $"{Name}.{which}.pid");

    /// <summary>Starts the daemon and waits (bounded) until it has entered Backup, its first state.</summary>
    public void Start()
    {
        if (_process is not null)
        {
            _pastRuns.Add(_process.Output); // the lab disposes the old process
        }

        foreach (string which in new[] { "main", "vrrp", "checker" })
        {
            File.Delete(PidFile(which));
        }

        _process = lab.Track(new BackgroundProcess("ip", Kind == RouterKind.Vrrpd
            ? ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", ConfigFile, "-p", PidFile("main")]
            : ["netns", "exec", host.Namespace, "keepalived", "-n", "-l", "-D", "-G", "--vrrp", "--dont-respawn", "-f", ConfigFile,
               "-p", PidFile("main"), "-r", PidFile("vrrp"), "-c", PidFile("checker"), "-i", Name]));
        Life = NodeLife.Running;
        string started = Kind == RouterKind.Vrrpd ? "(VI_1) Entering BACKUP STATE" : "(VI_1) Entering BACKUP STATE (init)";
        if (!_process.WaitForOutput(started, TimeSpan.FromSeconds(20)))
        {
            throw new ChaosException($"{Name} ({Kind}) did not start within 20 s");
        }
    }

    /// <summary>kill -9 (keepalived: its VRRP child first, then the parent, which does not respawn it).</summary>
    public void Kill()
    {
        if (Kind == RouterKind.Keepalived && VrrpChildPid() is int child)
        {
            Signal(child, "KILL");
        }

        _process!.Signal("KILL");
        Life = NodeLife.Killed;
    }

    /// <summary>SIGTERM and a bounded wait for the exit; returns the exit status.</summary>
    public int Stop()
    {
        if (_process is null || _process.HasExited)
        {
            Life = NodeLife.Stopped;
            return _process?.ExitCode ?? 0;
        }

        if (Life == NodeLife.Frozen)
        {
            Thaw();
        }

        _process.Signal("TERM");
        Life = NodeLife.Stopped;
        return _process.HasExited ? _process.ExitCode : -1;
    }

    /// <summary>SIGSTOP (keepalived: the VRRP child and the parent).</summary>
    public void Freeze()
    {
        if (Kind == RouterKind.Keepalived && VrrpChildPid() is int child)
        {
            Signal(child, "STOP");
        }

        _process!.Signal("STOP", waitForExit: false);
        Life = NodeLife.Frozen;
    }

    /// <summary>SIGCONT.</summary>
    public void Thaw()
    {
        _process!.Signal("CONT", waitForExit: false);
        if (Kind == RouterKind.Keepalived && VrrpChildPid() is int child)
        {
            Signal(child, "CONT");
        }

        Life = NodeLife.Running;
    }

    /// <summary>True when the process of a running or frozen node has exited.</summary>
    public bool ExitedUnexpectedly(out string detail)
    {
        detail = "";
        if (Life is NodeLife.Running or NodeLife.Frozen && _process is { HasExited: true } p)
        {
            detail = $"{Name} ({Kind}) exited with status {p.ExitCode}";
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="vip"/> is on eth0, as <c>ip -n NS addr</c> shows it.</summary>
    public bool HoldsVip(string vip) => Host.Addresses().Contains(" " + vip + "/", StringComparison.Ordinal);

    /// <summary>The last lines of its output, over all its runs.</summary>
    public string Tail(int lines)
    {
        var all = _pastRuns.Append(_process?.Output ?? "")
            .SelectMany(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        return string.Join('\n', all.Skip(Math.Max(0, all.Count - lines)));
    }

    /// <summary>How many times a line containing <paramref name="text"/> appears in the current run's output.</summary>
    public int Count(string text) => (_process?.Output ?? "").Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    public override string ToString() => $"{Name} {(Kind == RouterKind.Vrrpd ? "vrrpd" : "keepalived")} p{Priority}";

    private int? VrrpChildPid()
    {
        for (int i = 0; i < 100; i++)
        {
            if (File.Exists(PidFile("vrrp")) && int.TryParse(File.ReadAllText(PidFile("vrrp")).Trim(), CultureInfo.InvariantCulture, out int pid))
            {
                return pid;
            }

            Thread.Sleep(20);
        }

        return null;
    }

    private static void Signal(int pid, string signal) =>
        LabProcess.Run("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)], allowFailure: true);

    public void Dispose()
    {
        if (Life == NodeLife.Frozen && _process is { HasExited: false })
        {
            Thaw();
        }

        _process?.Dispose();
    }
}

/// <summary>A chaos run cannot go on (a router that does not start, a lab command that fails).</summary>
internal sealed class ChaosException(string message) : Exception(message);
