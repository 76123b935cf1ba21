using System.Text;

namespace Vrrp.Linux.Processes;

/// <summary>
/// Decides whether a process is one of a <see cref="TrackedProcessDefinition"/>'s, by keepalived's rules (see the
/// definition's remarks): an exact comparison of the process name, or of argv[0] and then the parameters as
/// <c>param_match</c> says.
/// </summary>
internal sealed class ProcessMatcher
{
    /// <summary>The longest process name the kernel keeps (TASK_COMM_LEN 16, less the NUL).</summary>
    internal const int MaxCommLength = 15;

    private readonly byte[] _process;
    private readonly byte[] _parameters;

    /// <summary>Compiles a (valid) definition.</summary>
    public ProcessMatcher(TrackedProcessDefinition definition)
    {
        _process = Encoding.UTF8.GetBytes(definition.Process);
        Match = definition.EffectiveParameterMatch;
        MatchesCommandLine = definition.MatchesCommandLine;

        // The parameters as /proc/PID/cmdline holds them after argv[0]: each one followed by a NUL.
        var parameters = new List<byte>();
        foreach (string parameter in definition.Parameters)
        {
            parameters.AddRange(Encoding.UTF8.GetBytes(parameter));
            parameters.Add(0);
        }

        _parameters = [.. parameters];
    }

    /// <summary>True when the command line is compared, false when the process name (comm) is.</summary>
    public bool MatchesCommandLine { get; }

    /// <summary>How the parameters are compared.</summary>
    public ProcessParameterMatch Match { get; }

    /// <summary>
    /// How many bytes of the command line decide a match: argv[0] and its NUL, then the parameters. One more byte
    /// read tells an exact match from a longer command line.
    /// </summary>
    public int CommandLineBytesNeeded => MatchesCommandLine ? _process.Length + 1 + _parameters.Length : 0;

    /// <summary>Compares a process's name and command line.</summary>
    /// <param name="comm">The process name (/proc/PID/comm without its newline, or a comm event's name).</param>
    /// <param name="commandLine">/proc/PID/cmdline (NUL-separated words), possibly cut after
    /// <see cref="CommandLineBytesNeeded"/> + 1 bytes; only looked at when <see cref="MatchesCommandLine"/>.</param>
    public bool Matches(ReadOnlySpan<byte> comm, ReadOnlySpan<byte> commandLine)
    {
        if (!MatchesCommandLine)
        {
            return comm.SequenceEqual(_process);
        }

        // A process that rewrote its command line may have no NUL at all: then the whole text is argv[0].
        int end = commandLine.IndexOf((byte)0);
        var argv0 = end < 0 ? commandLine : commandLine[..end];
        if (!argv0.SequenceEqual(_process))
        {
            return false;
        }

        return Match == ProcessParameterMatch.None || ParametersMatch(end < 0 ? default : commandLine[(end + 1)..]);
    }

    /// <summary>Compares the parameters (the command line after argv[0] and its NUL) with the configured ones.</summary>
    private bool ParametersMatch(ReadOnlySpan<byte> actual)
    {
        if (Match == ProcessParameterMatch.Exact)
        {
            return actual.SequenceEqual(_parameters);
        }

        if (actual.Length < _parameters.Length)
        {
            return false;
        }

        if (_parameters.Length == 0)
        {
            return true;
        }

        // Partial: the configured words, each with its NUL, begin the actual ones. Initial: the same but the last
        // configured word's NUL, so that word only has to begin the actual one.
        return Match == ProcessParameterMatch.Partial
            ? actual.StartsWith(_parameters)
            : actual.StartsWith(_parameters.AsSpan(0, _parameters.Length - 1));
    }
}
