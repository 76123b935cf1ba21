using System.Text;

namespace Vrrp.Hosting;

/// <summary>
/// Turns applied state changes into keepalived's notify FIFO lines, in keepalived 2.2.7's order, and writes each line
/// to every open FIFO (<c>notify_fifo</c> and <c>vrrp_notify_fifo</c> get the same lines). Lines are written as the
/// changes are applied, one change at a time under a lock, so every reader sees them in the order they happened (the
/// guarantee keepalived gives FIFOs over notify scripts). The rules, as keepalived 2.2.7 writes them:
/// <list type="bullet">
/// <item>an instance: <c>INSTANCE "NAME" MASTER|BACKUP|FAULT|STOP PRIORITY</c> with its effective priority;</item>
/// <item>a sync group: <c>GROUP "NAME" STATE 0</c> once every member is in that state, after the member's own line,
/// except at start, where every group's BACKUP comes before the first instance's BACKUP;</item>
/// <item>a member's line is left out when its group already reported that state (its notifies went out before).</item>
/// </list>
/// </summary>
internal sealed class NotifyFifoWriter
{
    private readonly Lock _gate = new();
    private readonly IReadOnlyList<NotifyFifo> _fifos;
    private readonly FifoLines _lines;

    public NotifyFifoWriter(IReadOnlyList<NotifyFifo> fifos, IEnumerable<(string Name, IReadOnlyList<string> Members)> groups)
    {
        _fifos = fifos;
        _lines = new FifoLines(groups);
    }

    /// <summary>The FIFOs written to.</summary>
    public IReadOnlyList<NotifyFifo> Fifos => _fifos;

    /// <summary>After a reload: the sync groups as configured now (a group of the same name keeps its state).</summary>
    public void UpdateGroups(IEnumerable<(string Name, IReadOnlyList<string> Members)> groups)
    {
        lock (_gate)
        {
            _lines.UpdateGroups(groups);
        }
    }

    /// <summary>Writes the lines of an applied change.</summary>
    public void OnApplied(VrrpStateChange change) => OnApplied(change.InstanceName, change.PreviousState, change.State, change.Priority);

    /// <summary>Writes the lines of an instance's change from <paramref name="previous"/> to <paramref name="state"/>.</summary>
    public void OnApplied(string instance, VrrpState previous, VrrpState state, int priority)
    {
        lock (_gate)
        {
            foreach (string line in _lines.For(instance, previous, state, priority))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(line);
                foreach (var fifo in _fifos)
                {
                    fifo.Write(bytes);
                }
            }
        }
    }
}

/// <summary>The FIFO lines of each change (the ordering rules of <see cref="NotifyFifoWriter"/>); not thread-safe.</summary>
internal sealed class FifoLines
{
    private readonly List<Group> _groups;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private bool _started;

    public FifoLines(IEnumerable<(string Name, IReadOnlyList<string> Members)> groups) =>
        _groups = [.. groups.Select(g => new Group(g.Name, g.Members))];

    /// <summary>Replaces the groups; one of the same name keeps what its members last reported and its own state.</summary>
    public void UpdateGroups(IEnumerable<(string Name, IReadOnlyList<string> Members)> groups)
    {
        var previous = _groups.ToDictionary(static g => g.Name, StringComparer.Ordinal);
        var next = new List<Group>();
        foreach (var (name, members) in groups)
        {
            var group = new Group(name, members);
            if (previous.TryGetValue(name, out var old))
            {
                group.State = old.State;
                group.Pending = old.Pending;
                foreach (var (member, state) in old.States)
                {
                    group.States[member] = state;
                }
            }

            next.Add(group);
        }

        _groups.Clear();
        _groups.AddRange(next);
    }

    /// <summary>keepalived's word for a state in FIFO lines, or null for a state it never reports.</summary>
    public static string? Word(VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        VrrpState.Fault => "FAULT",
        VrrpState.Stopped => "STOP",
        _ => null,
    };

    public List<string> For(string instance, VrrpState previous, VrrpState state, int priority)
    {
        var lines = new List<string>();
        if (Word(state) is not { } word)
        {
            return lines;
        }

        if (!_started && previous == VrrpState.Initialize && state == VrrpState.Backup)
        {
            // At start keepalived reports its sync groups' BACKUP before any instance's own line.
            foreach (var group in _groups.Where(static g => g.State == VrrpState.Initialize))
            {
                group.State = VrrpState.Backup;
                group.Pending = true;
                lines.Add(NotifyFifo.Line(true, group.Name, "BACKUP", 0));
            }
        }

        _started = true;
        var groups = _groups.Where(g => g.Members.Contains(instance, StringComparer.Ordinal)).ToList();
        foreach (var group in groups)
        {
            group.States[instance] = state;
        }

        bool suppressed = _reported.Contains(instance) && groups.Any(g => g.State == state && !g.Pending);
        if (!suppressed)
        {
            lines.Add(NotifyFifo.Line(false, instance, word, priority));
            _reported.Add(instance);
        }

        foreach (var group in groups)
        {
            if (group.Pending && group.Members.All(m => group.States.TryGetValue(m, out var s) && s != VrrpState.Initialize))
            {
                group.Pending = false;
            }

            if (group.State != state && group.Members.All(m => group.States.TryGetValue(m, out var s) && s == state))
            {
                group.State = state;
                lines.Add(NotifyFifo.Line(true, group.Name, word, 0));
            }
        }

        return lines;
    }

    private sealed class Group(string name, IReadOnlyList<string> members)
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> Members { get; } = members;

        public Dictionary<string, VrrpState> States { get; } = new(StringComparer.Ordinal);

        public VrrpState State { get; set; } = VrrpState.Initialize;

        /// <summary>True from the group's start-up BACKUP until every member has reported its first state.</summary>
        public bool Pending { get; set; }
    }
}
