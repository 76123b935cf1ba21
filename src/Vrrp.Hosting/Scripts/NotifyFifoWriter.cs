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
/// <item>a member's line is left out when its group already reported that state (its notifies went out before);</item>
/// <item>with <c>notify_priority_changes</c>, every change of an instance's effective priority:
/// <c>INSTANCE "NAME" MASTER_PRIORITY|BACKUP_PRIORITY PRIORITY</c> (MASTER_ when it is master, BACKUP_ in any other
/// state), when it happens;</item>
/// <item>an instance a reload removes: <c>INSTANCE "NAME" DELETED PRIORITY</c> with <c>notify_deleted</c>, else
/// <c>FAULT</c> (nothing when it was in Fault already), never STOP.</item>
/// </list>
/// </summary>
internal sealed class NotifyFifoWriter
{
    private readonly Lock _gate = new();
    private IReadOnlyList<NotifyFifo> _fifos;
    private readonly FifoLines _lines;
    private readonly Dictionary<string, VrrpState> _states = new(StringComparer.Ordinal);
    private readonly InstanceDeletions _deletions;
    private HashSet<string> _priorityChanges = new(StringComparer.Ordinal);

    public NotifyFifoWriter(IReadOnlyList<NotifyFifo> fifos, IEnumerable<(string Name, IReadOnlyList<string> Members)> groups, InstanceDeletions? deletions = null)
    {
        _fifos = fifos;
        _lines = new FifoLines(groups);
        _deletions = deletions ?? new InstanceDeletions();
    }

    /// <summary>The instances whose priority changes are written (<c>notify_priority_changes</c>), at start and after a reload.</summary>
    public void SetPriorityChanges(IEnumerable<string> instances)
    {
        lock (_gate)
        {
            _priorityChanges = new HashSet<string>(instances, StringComparer.Ordinal);
        }
    }

    /// <summary>The instance's state as the protocol sees it now (keepalived's <c>vrrp->state</c>), for the priority lines.</summary>
    public void OnStateChanged(string instance, VrrpState state)
    {
        lock (_gate)
        {
            _states[instance] = state;
        }
    }

    /// <summary>The effective priority of <paramref name="instance"/> changed: its line, when it asks for them.</summary>
    public void OnPriorityChanged(string instance, int priority)
    {
        lock (_gate)
        {
            if (_priorityChanges.Contains(instance))
            {
                bool master = _states.TryGetValue(instance, out var state) && state == VrrpState.Master;
                Write(NotifyFifo.Line(false, instance, master ? "MASTER_PRIORITY" : "BACKUP_PRIORITY", priority));
            }
        }
    }

    private void Write(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line);
        foreach (var fifo in _fifos)
        {
            fifo.Write(bytes);
        }
    }

    /// <summary>The FIFOs written to.</summary>
    public IReadOnlyList<NotifyFifo> Fifos
    {
        get
        {
            lock (_gate)
            {
                return _fifos;
            }
        }
    }

    /// <summary>After a reload: the FIFOs to write to from now on (the caller closes those it dropped).</summary>
    public void SetFifos(IReadOnlyList<NotifyFifo> fifos)
    {
        lock (_gate)
        {
            _fifos = fifos;
        }
    }

    /// <summary>
    /// keepalived's <c>fifo_write_vrrp_states_on_reload</c> (<c>vrrp_init_state</c> at a reload): every sync group's
    /// state, then the state of each instance the reload kept and that is not master (a master that stays master
    /// writes nothing), with its effective priority.
    /// </summary>
    public void WriteStatesOnReload(IEnumerable<VrrpInstanceStatus> kept)
    {
        lock (_gate)
        {
            foreach (string line in _lines.GroupStates())
            {
                Write(line);
            }

            foreach (var status in kept)
            {
                if (status.State != VrrpState.Master && FifoLines.Word(status.State) is { } word)
                {
                    Write(NotifyFifo.Line(false, status.Name, word, status.EffectivePriority));
                }
            }
        }
    }

    /// <summary>After a reload: the sync groups as configured now (a group of the same name keeps its state).</summary>
    public void UpdateGroups(IEnumerable<(string Name, IReadOnlyList<string> Members)> groups)
    {
        lock (_gate)
        {
            _lines.UpdateGroups(groups);
        }
    }

    /// <summary>Writes the lines of an applied change (a removed instance's Stopped is its deletion).</summary>
    public void OnApplied(VrrpStateChange change)
    {
        if (change.State == VrrpState.Stopped && _deletions.TryTake(InstanceDeletions.Consumer.Fifo, change.InstanceName, out var deletion))
        {
            lock (_gate)
            {
                _states.Remove(change.InstanceName);
                _lines.Forget(change.InstanceName);
                if (deletion.Word is { } word)
                {
                    Write(NotifyFifo.Line(false, change.InstanceName, word, change.Priority));
                }
            }

            return;
        }

        OnApplied(change.InstanceName, change.PreviousState, change.State, change.Priority);
    }

    /// <summary>Writes the lines of an instance's change from <paramref name="previous"/> to <paramref name="state"/>.</summary>
    public void OnApplied(string instance, VrrpState previous, VrrpState state, int priority)
    {
        lock (_gate)
        {
            foreach (string line in _lines.For(instance, previous, state, priority))
            {
                Write(line);
            }
        }
    }
}

/// <summary>The FIFO lines of each change (the ordering rules of <see cref="NotifyFifoWriter"/>); not thread-safe.</summary>
internal sealed class FifoLines
{
    private readonly List<Group> _groups;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VrrpState> _states = new(StringComparer.Ordinal);
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

    /// <summary>Each group's line for its current state (groups that have one).</summary>
    public IEnumerable<string> GroupStates() =>
        _groups.Where(static g => Word(g.State) is not null).Select(static g => NotifyFifo.Line(true, g.Name, Word(g.State)!, 0)).ToList();

    /// <summary>keepalived's word for a state in FIFO lines, or null for a state it never reports.</summary>
    public static string? Word(VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        VrrpState.Fault => "FAULT",
        VrrpState.Stopped => "STOP",
        _ => null,
    };

    /// <summary>A reload removed the instance: it no longer counts (its report was a deletion, not a stop).</summary>
    public void Forget(string instance)
    {
        _states.Remove(instance);
        _reported.Remove(instance);
    }

    public List<string> For(string instance, VrrpState previous, VrrpState state, int priority)
    {
        var lines = new List<string>();
        if (Word(state) is not { } word)
        {
            return lines;
        }

        if (!_started && previous == VrrpState.Initialize && state == VrrpState.Backup)
        {
            // At start keepalived reports its sync groups' BACKUP before any instance's BACKUP (vrrp_init_state); an
            // instance a tracker keeps in Fault is reported before that, as the tracker's start reports it.
            foreach (var group in _groups.Where(static g => g.State == VrrpState.Initialize))
            {
                group.State = VrrpState.Backup;
                group.Pending = true;
                lines.Add(NotifyFifo.Line(true, group.Name, "BACKUP", 0));
            }
        }

        _started |= previous != VrrpState.Initialize || state == VrrpState.Backup;
        _states[instance] = state;
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

            if (state != VrrpState.Stopped && group.State != state && group.Members.All(m => group.States.TryGetValue(m, out var s) && s == state))
            {
                group.State = state;
                lines.Add(NotifyFifo.Line(true, group.Name, word, 0));
            }
        }

        // At stop keepalived writes every instance's STOP, then every group's (notify_shutdown).
        if (state == VrrpState.Stopped && _states.Values.All(static s => s == VrrpState.Stopped))
        {
            foreach (var group in _groups.Where(static g => g.State != VrrpState.Stopped && g.Members.All(m => g.States.TryGetValue(m, out var s) && s == VrrpState.Stopped)))
            {
                group.State = VrrpState.Stopped;
                lines.Add(NotifyFifo.Line(true, group.Name, "STOP", 0));
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
