namespace Vrrp.Linux.Processes;

/// <summary>A tracked process definition's reported state changed (or, from <see cref="ProcessTable.Load"/>, its
/// first state).</summary>
/// <param name="Index">The definition's position in the list the table was made from.</param>
/// <param name="Name">The definition's name.</param>
/// <param name="Up">True when the number of matching processes is within [quorum, quorum_max].</param>
/// <param name="Count">The number of matching processes at the time of the report.</param>
internal readonly record struct ProcessQuorumChange(int Index, string Name, bool Up, int Count);

/// <summary>
/// The processes that match each tracked process definition, and each definition's up/down state, kept from the
/// kernel's process events. It does no I/O and reads no clock: it is fed a /proc listing, events (with the process
/// read from /proc for an exec), and the time in nanoseconds of any monotonic clock; it answers with state changes.
/// </summary>
/// <remarks>
/// <para>
/// Call order: <see cref="Load"/> once, then any Handle call or <see cref="Rescan"/>; after each, drain
/// <see cref="TryPollChange"/> and sleep until <see cref="NextTimeout"/>, then call <see cref="HandleTimeout"/>
/// (spurious calls are harmless). Events may repeat what the listing already showed (the listing is read after
/// subscribing): each process counts once per definition whatever the order.
/// </para>
/// <para>
/// Delays, as keepalived: a change of state caused by a fork waits <c>fork_delay</c>, one caused by an exit waits
/// <c>terminate_delay</c>; if the count comes back before the delay ends, nothing is reported (a restart without a
/// bounce). A change caused by an exec or a rename (a process becoming, or ceasing to be, a match) is reported at
/// once unless a delay is already running. After lost events, the re-read listing's changes wait <c>fork_delay</c>
/// going up and <c>terminate_delay</c> going down.
/// </para>
/// </remarks>
internal sealed class ProcessTable
{
    private const long NanosecondsPerTick = 100;

    private readonly TrackedProcessDefinition[] _definitions;
    private readonly ProcessMatcher[] _matchers;
    private readonly int[] _counts;
    private readonly bool[] _up;
    private readonly long?[] _deadlines;
    private readonly Dictionary<int, bool[]> _members = [];
    private readonly Queue<ProcessQuorumChange> _changes = new();

    /// <summary>Makes a table for the definitions (each is validated).</summary>
    /// <exception cref="ArgumentException">A definition is invalid, or two share a name.</exception>
    public ProcessTable(IReadOnlyList<TrackedProcessDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            ArgumentNullException.ThrowIfNull(definition, nameof(definitions));
            definition.Validate();
            if (!names.Add(definition.Name))
            {
                throw new ArgumentException($"Two tracked processes are named '{definition.Name}'.", nameof(definitions));
            }
        }

        _definitions = [.. definitions];
        _matchers = [.. _definitions.Select(d => new ProcessMatcher(d))];
        _counts = new int[_definitions.Length];
        _up = new bool[_definitions.Length];
        _deadlines = new long?[_definitions.Length];
        int needed = _matchers.Max(m => (int?)m.CommandLineBytesNeeded) ?? 0;
        CommandLineLimit = needed == 0 ? 0 : needed + 1;
    }

    /// <summary>The definitions, in order.</summary>
    public IReadOnlyList<TrackedProcessDefinition> Definitions => _definitions;

    /// <summary>
    /// How many bytes of a command line to read from /proc for the matches (0: none compares command lines): the
    /// longest argv[0] and parameters, plus one byte to tell a longer command line.
    /// </summary>
    public int CommandLineLimit { get; }

    /// <summary>How many processes match at least one definition.</summary>
    public int TrackedProcessCount => _members.Count;

    /// <summary>The earliest deadline of a pending delay, in nanoseconds; null when none is running.</summary>
    public long? NextTimeout
    {
        get
        {
            long? next = null;
            foreach (long? deadline in _deadlines)
            {
                if (deadline is long d && (next is null || d < next))
                {
                    next = d;
                }
            }

            return next;
        }
    }

    /// <summary>The number of processes matching definition <paramref name="index"/>.</summary>
    public int CountOf(int index) => _counts[index];

    /// <summary>The reported state of definition <paramref name="index"/>.</summary>
    public bool IsUp(int index) => _up[index];

    /// <summary>True when <paramref name="pid"/> matches definition <paramref name="index"/>.</summary>
    public bool IsMember(int pid, int index) => _members.TryGetValue(pid, out var member) && member[index];

    /// <summary>Takes the first listing: every definition's count and state, each reported once.</summary>
    public void Load(IEnumerable<ProcessEntry> processes)
    {
        Fill(processes);
        for (int i = 0; i < _definitions.Length; i++)
        {
            _deadlines[i] = null;
            Report(i, InQuorum(i));
        }
    }

    /// <summary>Replaces what the events built with a new listing (after the kernel dropped events).</summary>
    public void Rescan(IEnumerable<ProcessEntry> processes, long now)
    {
        Fill(processes);
        for (int i = 0; i < _definitions.Length; i++)
        {
            Evaluate(i, Cause.Rescan, now);
        }
    }

    /// <summary>A process forked: the child matches what its parent matches.</summary>
    /// <param name="parentPid">The parent's process id (its tgid).</param>
    /// <param name="childPid">The child's process id.</param>
    /// <param name="now">The time, in nanoseconds.</param>
    public void HandleFork(int parentPid, int childPid, long now)
    {
        if (!_members.TryGetValue(parentPid, out var parent))
        {
            return;
        }

        var child = Membership(childPid);
        for (int i = 0; i < parent.Length; i++)
        {
            if (parent[i] && !child[i])
            {
                child[i] = true;
                _counts[i]++;
                Evaluate(i, Cause.Fork, now);
            }
        }
    }

    /// <summary>A process ran a new program: it is compared again with every definition.</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="process">The process as /proc shows it now; null when it is already gone (its exit follows).</param>
    /// <param name="now">The time, in nanoseconds.</param>
    public void HandleExec(int pid, ProcessEntry? process, long now)
    {
        if (process is not { } entry)
        {
            return;
        }

        for (int i = 0; i < _matchers.Length; i++)
        {
            Set(pid, i, _matchers[i].Matches(entry.Comm, entry.CommandLine), now);
        }

        Prune(pid);
    }

    /// <summary>A process renamed itself: it is compared again with the definitions that compare names.</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="comm">The new name.</param>
    /// <param name="now">The time, in nanoseconds.</param>
    public void HandleCommChange(int pid, ReadOnlySpan<byte> comm, long now)
    {
        for (int i = 0; i < _matchers.Length; i++)
        {
            if (!_matchers[i].MatchesCommandLine)
            {
                Set(pid, i, _matchers[i].Matches(comm, default), now);
            }
        }

        Prune(pid);
    }

    /// <summary>A process exited.</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="now">The time, in nanoseconds.</param>
    public void HandleExit(int pid, long now)
    {
        if (!_members.Remove(pid, out var member))
        {
            return;
        }

        for (int i = 0; i < member.Length; i++)
        {
            if (member[i])
            {
                _counts[i]--;
                Evaluate(i, Cause.Exit, now);
            }
        }
    }

    /// <summary>Reports the changes whose delay has ended.</summary>
    /// <param name="now">The time, in nanoseconds.</param>
    public void HandleTimeout(long now)
    {
        for (int i = 0; i < _deadlines.Length; i++)
        {
            if (_deadlines[i] is long deadline && deadline <= now)
            {
                _deadlines[i] = null;
                bool desired = InQuorum(i);
                if (desired != _up[i])
                {
                    Report(i, desired);
                }
            }
        }
    }

    /// <summary>Takes the next state change to report.</summary>
    public bool TryPollChange(out ProcessQuorumChange change) => _changes.TryDequeue(out change);

    private enum Cause
    {
        Fork,
        Exit,
        Match,
        Rescan,
    }

    private bool InQuorum(int index) => _counts[index] >= _definitions[index].Quorum && _counts[index] <= _definitions[index].QuorumMax;

    private void Fill(IEnumerable<ProcessEntry> processes)
    {
        _members.Clear();
        Array.Clear(_counts);
        foreach (var process in processes)
        {
            for (int i = 0; i < _matchers.Length; i++)
            {
                if (_matchers[i].Matches(process.Comm, process.CommandLine))
                {
                    var member = Membership(process.Pid);
                    if (!member[i])
                    {
                        member[i] = true;
                        _counts[i]++;
                    }
                }
            }
        }
    }

    private bool[] Membership(int pid)
    {
        if (!_members.TryGetValue(pid, out var member))
        {
            member = new bool[_definitions.Length];
            _members[pid] = member;
        }

        return member;
    }

    private void Set(int pid, int index, bool matches, long now)
    {
        bool was = IsMember(pid, index);
        if (matches == was)
        {
            return;
        }

        Membership(pid)[index] = matches;
        _counts[index] += matches ? 1 : -1;
        Evaluate(index, Cause.Match, now);
    }

    private void Prune(int pid)
    {
        if (_members.TryGetValue(pid, out var member) && Array.IndexOf(member, true) < 0)
        {
            _members.Remove(pid);
        }
    }

    /// <summary>Decides what a count change means for definition <paramref name="index"/>'s state.</summary>
    private void Evaluate(int index, Cause cause, long now)
    {
        bool desired = InQuorum(index);
        if (desired == _up[index])
        {
            // Back where it was reported (a restart within terminate_delay, a fork's child exec'ing something else
            // within fork_delay): the pending change is cancelled.
            _deadlines[index] = null;
            return;
        }

        if (_deadlines[index] is not null)
        {
            return; // a delay already leads to this state
        }

        var definition = _definitions[index];
        TimeSpan delay = cause switch
        {
            Cause.Fork => definition.ForkDelay,
            Cause.Exit => definition.TerminateDelay,
            Cause.Rescan => desired ? definition.ForkDelay : definition.TerminateDelay,
            _ => TimeSpan.Zero,
        };

        if (delay > TimeSpan.Zero)
        {
            _deadlines[index] = now + (delay.Ticks * NanosecondsPerTick);
        }
        else
        {
            Report(index, desired);
        }
    }

    private void Report(int index, bool up)
    {
        _up[index] = up;
        _changes.Enqueue(new ProcessQuorumChange(index, _definitions[index].Name, up, _counts[index]));
    }
}
