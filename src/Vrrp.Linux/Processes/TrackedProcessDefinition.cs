using System.Text;

namespace Vrrp.Linux.Processes;

/// <summary>How a tracked process's parameters are compared (keepalived's <c>param_match</c>).</summary>
internal enum ProcessParameterMatch
{
    /// <summary>Not given: parameters are not compared (exact when parameters are listed).</summary>
    None,

    /// <summary>
    /// <c>param_match</c> alone, or implied by listing parameters: the process has exactly these parameters (none when
    /// none are listed).
    /// </summary>
    Exact,

    /// <summary><c>param_match partial</c>: the first parameters are exactly these; more may follow.</summary>
    Partial,

    /// <summary>
    /// <c>param_match initial</c>: as <see cref="Partial"/>, except that the last listed parameter only has to begin
    /// the process's parameter in that position (<c>10</c> matches <c>100</c>).
    /// </summary>
    Initial,
}

/// <summary>
/// One tracked process, as keepalived's <c>vrrp_track_process NAME { ... }</c> block: which processes count, how many
/// make it up, and how long to wait before reporting a change caused by a fork or an exit.
/// </summary>
/// <remarks>
/// <para>
/// Without a command line match, <see cref="Process"/> is compared with the process name the kernel keeps
/// (<c>/proc/PID/comm</c>: the executable's file name, or what the process set with prctl, cut to 15 bytes), so a
/// name longer than 15 bytes never matches. With one (<see cref="FullCommand"/>, parameters, or a
/// <see cref="ParameterMatch"/>), <see cref="Process"/> is compared with the whole first word of
/// <c>/proc/PID/cmdline</c> (argv[0], as the program was started: <c>/usr/sbin/nginx</c> is not <c>nginx</c>), and
/// the parameters with the words after it. Comparisons are exact, byte for byte (keepalived's "pgrep '^name$'").
/// </para>
/// <para>Zombies (exited, not yet reaped) do not count.</para>
/// </remarks>
internal sealed record TrackedProcessDefinition
{
    /// <summary>The block's name, used by <c>track_process</c> references and in reports.</summary>
    public required string Name { get; init; }

    /// <summary>The process name, or argv[0] when the command line is matched (<c>process</c>'s first word).</summary>
    public required string Process { get; init; }

    /// <summary>The parameters after <see cref="Process"/> (<c>process</c>'s other words); listing any implies an
    /// exact command line match unless <see cref="ParameterMatch"/> says otherwise.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>How parameters are compared (<c>param_match</c>); anything but None implies a command line match.</summary>
    public ProcessParameterMatch ParameterMatch { get; init; }

    /// <summary>Compare <see cref="Process"/> with argv[0] rather than the process name (<c>full_command</c>).</summary>
    public bool FullCommand { get; init; }

    /// <summary>The fewest matching processes for up (<c>quorum</c>, default 1; keepalived accepts 1..65535, and 0 only
    /// through <c>quorum_max 0</c>).</summary>
    public int Quorum { get; init; } = 1;

    /// <summary>The most matching processes for up (<c>quorum_max</c>, 0..65535, default unlimited).</summary>
    public int QuorumMax { get; init; } = int.MaxValue;

    /// <summary>How long a change caused by a fork waits before it is reported (<c>fork_delay</c>, or <c>delay</c>);
    /// zero: at once.</summary>
    public TimeSpan ForkDelay { get; init; }

    /// <summary>How long a change caused by an exit waits before it is reported (<c>terminate_delay</c>, or
    /// <c>delay</c>); zero: at once.</summary>
    public TimeSpan TerminateDelay { get; init; }

    /// <summary>The parameter comparison in force: <see cref="ProcessParameterMatch.Exact"/> when parameters are
    /// listed without a <see cref="ParameterMatch"/>.</summary>
    public ProcessParameterMatch EffectiveParameterMatch =>
        ParameterMatch == ProcessParameterMatch.None && Parameters.Count > 0 ? ProcessParameterMatch.Exact : ParameterMatch;

    /// <summary>True when the command line rather than the process name is compared.</summary>
    public bool MatchesCommandLine => FullCommand || EffectiveParameterMatch != ProcessParameterMatch.None;

    /// <summary>Checks the definition; these are the caller's mistakes, so they throw.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("A tracked process needs a name.", nameof(Name));
        }

        if (string.IsNullOrEmpty(Process))
        {
            throw new ArgumentException($"Tracked process '{Name}': the process to look for is empty.", nameof(Process));
        }

        foreach (string parameter in Parameters)
        {
            if (parameter is null || parameter.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Tracked process '{Name}': a parameter is null or holds a NUL.", nameof(Parameters));
            }
        }

        if (Process.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Tracked process '{Name}': the process holds a NUL.", nameof(Process));
        }

        if (Quorum < 0 || QuorumMax < Quorum)
        {
            throw new ArgumentException($"Tracked process '{Name}': quorum {Quorum} and quorum_max {QuorumMax} need 0 <= quorum <= quorum_max.", nameof(Quorum));
        }

        if (ForkDelay < TimeSpan.Zero || TerminateDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"Tracked process '{Name}': delays cannot be negative.", nameof(ForkDelay));
        }
    }

    /// <summary>True when the process name can never match: compared with comm, it is longer than 15 bytes.</summary>
    public bool IsLongerThanProcessNames => !MatchesCommandLine && Encoding.UTF8.GetByteCount(Process) > ProcessMatcher.MaxCommLength;
}
