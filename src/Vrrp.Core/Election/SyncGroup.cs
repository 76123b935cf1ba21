namespace Vrrp.Election;

/// <summary>
/// A sync group (keepalived <c>vrrp_sync_group</c>): member virtual routers change state together. A member going
/// Master on its own pulls the Backup members to Master; a member stepping down from Master pulls the other masters to
/// Backup; a member in Fault puts the others in Fault until it recovers.
/// </summary>
/// <remarks>
/// Deterministic and without I/O like <see cref="VirtualRouter"/>. After draining a member's actions, call
/// <see cref="OnMemberStateChanged"/> for each <see cref="VirtualRouterActionKind.StateChanged"/> action, then drain the
/// actions of every member again (the driver does this).
/// </remarks>
internal sealed class SyncGroup
{
    private readonly VirtualRouter[] _members;

    /// <summary>Creates a group.</summary>
    /// <param name="name">The group name.</param>
    /// <param name="members">Two or more routers, each in at most one group.</param>
    /// <param name="trackingWeight">
    /// keepalived's <c>sync_group_tracking_weight</c>: when false (the default, as keepalived), tracker weights of the
    /// members are ignored and any failing tracker puts its member (and so the group) in Fault, because members with
    /// diverging priorities would make the group flap between nodes.
    /// </param>
    /// <exception cref="ArgumentException">Fewer than two members, or a member listed twice.</exception>
    public SyncGroup(string name, IEnumerable<VirtualRouter> members, bool trackingWeight = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        _members = [.. members];
        if (_members.Length < 2)
        {
            throw new ArgumentException($"Sync group '{name}' needs at least two members.", nameof(members));
        }

        if (_members.Distinct().Count() != _members.Length)
        {
            throw new ArgumentException($"Sync group '{name}' lists a member twice.", nameof(members));
        }

        foreach (var member in _members)
        {
            if (member.Group is not null)
            {
                throw new ArgumentException($"Virtual router '{member.Name}' is already in sync group '{member.Group.Name}'.", nameof(members));
            }
        }

        foreach (var member in _members)
        {
            member.Group = this;
            member.IgnoreTrackerWeights(!trackingWeight);
        }

        TrackingWeight = trackingWeight;

        Name = name;
    }

    /// <summary>The group name.</summary>
    public string Name { get; }

    /// <summary>Whether the members' tracker weights apply (keepalived <c>sync_group_tracking_weight</c>).</summary>
    public bool TrackingWeight { get; }

    /// <summary>The members.</summary>
    public IReadOnlyList<VirtualRouter> Members => _members;

    /// <summary>Propagates a member's state change to the others.</summary>
    /// <param name="member">The member whose state changed.</param>
    /// <param name="change">Its <see cref="VirtualRouterActionKind.StateChanged"/> action.</param>
    /// <param name="now">The current time.</param>
    public void OnMemberStateChanged(VirtualRouter member, in VirtualRouterAction change, long now)
    {
        ArgumentNullException.ThrowIfNull(member);
        foreach (var other in _members)
        {
            if (ReferenceEquals(other, member))
            {
                continue;
            }

            other.SetGroupFault(AnyOtherHasOwnFault(other), now);
        }

        if (change.Reason == StateChangeReason.SyncGroup)
        {
            return;
        }

        foreach (var other in _members)
        {
            if (ReferenceEquals(other, member))
            {
                continue;
            }

            if (change.To == VrrpState.Master)
            {
                other.FollowSyncGroup(VrrpState.Master, now);
            }
            else if (change.To == VrrpState.Backup && change.From == VrrpState.Master)
            {
                other.FollowSyncGroup(VrrpState.Backup, now);
            }
        }
    }

    /// <summary>
    /// Whether a member whose Master_Down_Timer expired may take over: not while another member follows a master it
    /// must not preempt (the group would flap between the two nodes), nor while another member is in Fault or drained
    /// (an operator's drain of one member holds the whole group in Backup).
    /// </summary>
    /// <param name="member">The member about to take over.</param>
    /// <returns>True when it may.</returns>
    public bool AllowsTakeover(VirtualRouter member)
    {
        foreach (var other in _members)
        {
            if (!ReferenceEquals(other, member) && (other.IsFollowingMaster || other.State == VrrpState.Fault || other.IsDrained))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Ungroups the members (a reload that removes or changes the group): each goes on alone, with its own tracker weights.</summary>
    /// <param name="now">The current time.</param>
    public void Dissolve(long now)
    {
        foreach (var member in _members)
        {
            member.Group = null;
            member.IgnoreTrackerWeights(false);
            member.SetGroupFault(false, now);
        }
    }

    private bool AnyOtherHasOwnFault(VirtualRouter member)
    {
        foreach (var other in _members)
        {
            if (!ReferenceEquals(other, member) && other.HasOwnFault && other.State is not (VrrpState.Initialize or VrrpState.Stopped))
            {
                return true;
            }
        }

        return false;
    }
}
