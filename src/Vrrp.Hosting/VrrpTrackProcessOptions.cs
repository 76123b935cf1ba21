namespace Vrrp.Hosting;

/// <summary>How a tracked process's parameters are compared (keepalived <c>param_match</c>).</summary>
public enum ProcessParameterMatch
{
    /// <summary>Not given: parameters are compared exactly when some are listed, otherwise not at all.</summary>
    None = 0,

    /// <summary><c>param_match</c> alone: the process has exactly the listed parameters (none when none are listed).</summary>
    Exact = 1,

    /// <summary><c>param_match partial</c>: the first parameters are the listed ones; more may follow.</summary>
    Partial = 2,

    /// <summary><c>param_match initial</c>: as partial, and the last listed parameter only has to begin the process's.</summary>
    Initial = 3,
}

/// <summary>
/// A tracked process (<c>vrrp_track_process NAME { process NAME [PARAM...]; param_match; quorum; quorum_max; weight W
/// [reverse]; delay; terminate_delay; fork_delay; full_command }</c>): up while the number of matching processes is
/// within <see cref="Quorum"/>..<see cref="QuorumMax"/>.
/// </summary>
public sealed class VrrpTrackProcessOptions
{
    /// <summary>The tracker's name, referenced by <c>track_process</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>The process name (at most 15 bytes, as the kernel keeps it), or argv[0] when the command line is compared.</summary>
    public string Process { get; set; } = "";

    /// <summary>The parameters after <see cref="Process"/>; listing any compares the command line.</summary>
    public List<string> Parameters { get; set; } = [];

    /// <summary>How parameters are compared (<c>param_match</c>).</summary>
    public ProcessParameterMatch ParameterMatch { get; set; }

    /// <summary>Compare <see cref="Process"/> with argv[0] rather than the process name (<c>full_command</c>).</summary>
    public bool FullCommand { get; set; }

    /// <summary>The fewest matching processes for up (<c>quorum</c>, default 1; 0 only with <see cref="QuorumMax"/> 0).</summary>
    public int Quorum { get; set; } = 1;

    /// <summary>The most matching processes for up (<c>quorum_max</c>, 0..65535); null is no limit.</summary>
    public int? QuorumMax { get; set; }

    /// <summary>Weight (default 1 in keepalived.conf; -254..254): as a tracked script's.</summary>
    public int Weight { get; set; }

    /// <summary>keepalived's <c>weight W reverse</c>: counted the other way round.</summary>
    public bool Reverse { get; set; }

    /// <summary>How long a change caused by an exit waits before it counts (<c>terminate_delay</c>, or <c>delay</c>); zero: at once.</summary>
    public TimeSpan TerminateDelay { get; set; }

    /// <summary>How long a change caused by a start waits before it counts (<c>fork_delay</c>, or <c>delay</c>); zero: at once.</summary>
    public TimeSpan ForkDelay { get; set; }
}
