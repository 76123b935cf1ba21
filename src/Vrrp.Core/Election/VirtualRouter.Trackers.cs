using Vrrp.Packets;

namespace Vrrp.Election;

// The inputs that are not adverts or time: the interface, tracked objects and the sync group, and what they do to the priority and the Fault state.
public partial class VirtualRouter
{
    /// <summary>Reports the state of the instance's own interface: down is a fault (unless <see cref="VirtualRouterConfiguration.DontTrackPrimary"/>).</summary>
    /// <param name="up">True when up.</param>
    /// <param name="now">The current time.</param>
    public void SetInterfaceState(bool up, long now)
    {
        _interfaceUp = up;
        ReevaluateFault(now);
    }

    /// <summary>Reports an up/down tracked object's state (any kind but <see cref="TrackerKind.File"/>).</summary>
    /// <param name="kind">Its kind.</param>
    /// <param name="name">Its name.</param>
    /// <param name="up">True when up.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when the router tracks no such object.</returns>
    public bool SetTrackerState(TrackerKind kind, string name, bool up, long now) => SetTrackerValue(kind, name, up ? 1 : 0, now);

    /// <summary>Reports a tracked object's value: 1 or 0 (up or down), or a tracked file's number.</summary>
    /// <param name="kind">Its kind.</param>
    /// <param name="name">Its name.</param>
    /// <param name="value">The value.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when the router tracks no such object.</returns>
    /// <remarks>The priority and the fault are re-evaluated once, so a file's new number moves the priority in one step.</remarks>
    public bool SetTrackerValue(TrackerKind kind, string name, long value, long now)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_tracked.TrySet(kind, name, value, out bool changed))
        {
            return false;
        }

        if (changed)
        {
            OnTrackersChanged(now);
        }

        return true;
    }

    /// <summary>A tracked object's value now, or null when the router tracks no such object.</summary>
    /// <param name="kind">Its kind.</param>
    /// <param name="name">Its name.</param>
    /// <returns>The value.</returns>
    internal long? GetTrackerValue(TrackerKind kind, string name) => _tracked.ValueOf(kind, name);

    /// <summary>What holds the router in Fault now, in keepalived's words (empty when nothing does).</summary>
    /// <returns>The reasons.</returns>
    internal List<string> GetFaults()
    {
        var faults = _tracked.Faults();
        if (!_interfaceUp && !_config.DontTrackPrimary)
        {
            faults.Insert(0, $"interface {_config.InterfaceName} down");
        }

        if (_addressFault is not null)
        {
            faults.Add(_addressFault);
        }

        if (NoUnicastPeers)
        {
            faults.Add("unicast without any peers (unicast_fault_no_peer)");
        }

        if (_sourceAddressMissing)
        {
            faults.Add($"source address {_config.SourceAddress} not on {_config.InterfaceName} (track_src_ip)");
        }

        if (_groupFault && faults.Count == 0)
        {
            faults.Add("sync group member in fault");
        }

        return faults;
    }

    /// <summary>
    /// Reports a fault of the virtual addresses themselves (the platform refused to add one while master), or clears it
    /// with null: a master that cannot hold its addresses must not stay master (issue 13), so it goes to Fault, sends
    /// priority 0 and gives up what it did add; clearing it sends the router back through Backup to the election.
    /// </summary>
    /// <param name="reason">Why, in words for the status's fault list; null clears the fault.</param>
    /// <param name="now">The current time.</param>
    internal void SetAddressFault(string? reason, long now)
    {
        if (string.Equals(_addressFault, reason, StringComparison.Ordinal))
        {
            return;
        }

        _addressFault = reason;
        ReevaluateFault(now);
    }

    /// <summary>
    /// keepalived's <c>track_src_ip</c>: reports that the configured source address left the instance's interface
    /// (a fault) or is back. Ignored unless <see cref="VirtualRouterConfiguration.TrackSourceAddress"/> is set with a
    /// <see cref="VirtualRouterConfiguration.SourceAddress"/>.
    /// </summary>
    /// <param name="present">Whether the address is on the interface.</param>
    /// <param name="now">The current time.</param>
    internal void SetSourceAddressPresent(bool present, long now)
    {
        bool missing = !present && _config.TrackSourceAddress && _config.SourceAddress is not null;
        if (missing == _sourceAddressMissing)
        {
            return;
        }

        _sourceAddressMissing = missing;
        ReevaluateFault(now);
    }

    /// <summary>The address fault set by <see cref="SetAddressFault"/>, or null.</summary>
    internal string? AddressFault => _addressFault;

    /// <summary>Sync groups: makes this member follow a state another member entered on its own.</summary>
    /// <param name="groupState">Master or Backup.</param>
    /// <param name="now">The current time.</param>
    internal void FollowSyncGroup(VrrpState groupState, long now)
    {
        if (groupState == VrrpState.Master && _state == VrrpState.Backup && !_drained)
        {
            BecomeMaster(now, StateChangeReason.SyncGroup);
        }
        else if (groupState == VrrpState.Backup && _state == VrrpState.Master)
        {
            StepDownToBackup(now, StateChangeReason.SyncGroup, default, 0);
        }
    }

    /// <summary>Sync groups: as keepalived (without <c>sync_group_tracking_weight</c>), tracker weights are ignored and every tracker acts as a fault tracker.</summary>
    /// <param name="ignored">True to ignore weights.</param>
    internal void IgnoreTrackerWeights(bool ignored)
    {
        _tracked.WeightsIgnored = ignored;
        _effectivePriority = ComputeEffectivePriority();
    }

    /// <summary>Sync groups: another member is (or is no longer) in Fault.</summary>
    /// <param name="faulted">True while another member has a fault.</param>
    /// <param name="now">The current time.</param>
    internal void SetGroupFault(bool faulted, long now)
    {
        if (_groupFault == faulted)
        {
            return;
        }

        _groupFault = faulted;
        ReevaluateFault(now);
    }

    private void OnTrackersChanged(long now)
    {
        OnPriorityInputsChanged(now);
        ReevaluateFault(now);
    }

    // The configured priority, its override or the trackers' weights changed: recompute, report, and tell the backups.
    private void OnPriorityInputsChanged(long now)
    {
        byte old = _effectivePriority;
        _effectivePriority = ComputeEffectivePriority();
        if (old != _effectivePriority)
        {
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.PriorityChanged, Priority = _effectivePriority, Time = now });
            if (_state == VrrpState.Master)
            {
                // Tell the backups at once: a backup that now outranks us takes over without waiting a whole interval.
                SendAdvertisement(_effectivePriority, now);
                _advertisementDeadline = now + _advertisementInterval;
            }
        }
    }

    private byte ComputeEffectivePriority()
    {
        if (_config.IsAddressOwner)
        {
            return 255;
        }

        long priority = (_priorityOverride != 0 ? _priorityOverride : _config.Priority) + _tracked.PriorityDelta();
        return (byte)Math.Clamp(priority, 1, 254);
    }

    private void ReevaluateFault(long now)
    {
        bool faulted = IsFaulted;
        if (faulted && _state is VrrpState.Backup or VrrpState.Master)
        {
            var reason = HasOwnFault ? StateChangeReason.FaultDetected : StateChangeReason.SyncGroup;
            bool wasMaster = _state == VrrpState.Master;
            ClearTimers();
            SetState(VrrpState.Fault, reason, now);
            if (wasMaster)
            {
                SendAdvertisement(0, now);
                Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.RemoveAddresses, Time = now });
            }
        }
        else if (!faulted && _state == VrrpState.Fault)
        {
            EnterAfterStartup(now, StateChangeReason.FaultCleared);
        }
    }
}
