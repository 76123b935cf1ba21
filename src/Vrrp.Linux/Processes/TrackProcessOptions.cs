namespace Vrrp.Linux;

/// <summary>How a tracked process's parameters are compared (keepalived's <c>param_match</c>).</summary>
public enum TrackProcessParameterMatch
{
    /// <summary>Not given: exact when <see cref="TrackProcessOptions.Parameters"/> are listed, otherwise not compared.</summary>
    None,

    /// <summary><c>param_match</c>: the process has exactly these parameters (none when none are listed).</summary>
    Exact,

    /// <summary><c>param_match partial</c>: the first parameters are these; more may follow.</summary>
    Partial,

    /// <summary><c>param_match initial</c>: as Partial, but the last listed parameter only has to begin the process's.</summary>
    Initial,
}

/// <summary>
/// A tracked process (keepalived's <c>vrrp_track_process NAME { ... }</c>, referenced by an instance's
/// <c>track_process</c>): up while the number of matching processes is within [<see cref="Quorum"/>,
/// <see cref="QuorumMax"/>]. Followed from the kernel's process connector (fork, exec, exit events) after one scan of
/// /proc, as keepalived does: no polling, no scripts. Add one with <c>TrackProcess</c> on the builder (Vrrp.Linux).
/// </summary>
public sealed class TrackProcessOptions
{
    /// <summary>
    /// The process: its name as the kernel keeps it (<c>/proc/PID/comm</c>, at most 15 bytes), or with
    /// <see cref="FullCommand"/> or parameters, the first word of its command line (<c>/usr/sbin/nginx</c>).
    /// </summary>
    public string Process { get; set; } = "";

    /// <summary>The parameters after the process's first word (keepalived lists them after the process).</summary>
    public List<string> Parameters { get; set; } = [];

    /// <summary>How the parameters are compared (<c>param_match</c>).</summary>
    public TrackProcessParameterMatch ParameterMatch { get; set; }

    /// <summary>Compare <see cref="Process"/> with the command line's first word rather than the process name (<c>full_command</c>).</summary>
    public bool FullCommand { get; set; }

    /// <summary>The fewest matching processes for up (<c>quorum</c>, default 1).</summary>
    public int Quorum { get; set; } = 1;

    /// <summary>The most matching processes for up (<c>quorum_max</c>, default unlimited).</summary>
    public int QuorumMax { get; set; } = int.MaxValue;

    /// <summary>
    /// The weight (<c>weight</c>, -254..254, default 0): 0 puts the instance in Fault while down; positive adds while up;
    /// negative subtracts while down.
    /// </summary>
    public int Weight { get; set; }

    /// <summary>How long a change caused by a process starting waits before it counts (<c>fork_delay</c>, or <c>delay</c>).</summary>
    public TimeSpan ForkDelay { get; set; }

    /// <summary>How long a change caused by a process ending waits before it counts (<c>terminate_delay</c>, or <c>delay</c>).</summary>
    public TimeSpan TerminateDelay { get; set; }
}
