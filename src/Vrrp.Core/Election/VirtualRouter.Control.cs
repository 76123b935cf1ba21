namespace Vrrp.Election;

// Operator inputs: drain (step down with priority 0 and stay Backup until resumed) and a priority override.
public partial class VirtualRouter
{
    private bool _drained;
    private byte _priorityOverride;

    /// <summary>True while the router is drained (<see cref="Drain"/>): it never becomes master until <see cref="Resume"/>.</summary>
    public bool IsDrained => _drained;

    /// <summary>The operator's priority override (<see cref="SetPriorityOverride"/>), or null when the configured priority is in use.</summary>
    public int? PriorityOverride => _priorityOverride == 0 ? null : _priorityOverride;

    /// <summary>
    /// Drains the router for maintenance: a master sends an advert with priority 0 (the backups take over after their
    /// Skew_Time), removes its addresses and enters Backup (reason <see cref="StateChangeReason.Drained"/>); from then
    /// on the router stays in Backup (or Fault) and never takes over, whatever it hears, until <see cref="Resume"/>.
    /// Allowed in any state; a router drained before <see cref="Start"/> starts in Backup (an owner too).
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <returns>False when it was already drained (nothing changes).</returns>
    public bool Drain(long now)
    {
        if (_drained)
        {
            return false;
        }

        _drained = true;
        _masterDownDeadline = Off;
        _preemptDeadline = Off;
        if (_state == VrrpState.Master)
        {
            SendAdvertisement(0, now);
            ClearTimers();
            SetState(VrrpState.Backup, StateChangeReason.Drained, now);
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.RemoveAddresses, Time = now });
            _masterAddress = null;
        }

        return true;
    }

    /// <summary>
    /// Ends a drain: a Backup router runs its Master_Down_Timer again (a full Master_Down_Interval; with preemption it
    /// then takes over from a lower-priority master), and an address owner takes over at once.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <returns>False when it was not drained (nothing changes).</returns>
    public bool Resume(long now)
    {
        if (!_drained)
        {
            return false;
        }

        _drained = false;
        if (_state == VrrpState.Backup)
        {
            if (_config.IsAddressOwner)
            {
                BecomeMaster(now, StateChangeReason.OwnerStartup);
            }
            else
            {
                _masterDownDeadline = now + MasterDownInterval;
            }
        }

        return true;
    }

    /// <summary>
    /// Overrides the configured priority (the trackers' weights still apply on top of it), or goes back to the
    /// configured one. A master advertises the new priority at once, so that a backup that now outranks it takes over.
    /// </summary>
    /// <param name="priority">1..254, or null to use the configured priority again.</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not 1..254.</exception>
    /// <exception cref="InvalidOperationException">The router is the address owner (priority 255 is not overridden).</exception>
    public void SetPriorityOverride(int? priority, long now)
    {
        if (priority is { } p && (p < 1 || p > 254))
        {
            throw new ArgumentOutOfRangeException(nameof(priority), p, "A priority override must be 1..254 (255 is the address owner's, 0 is a drain).");
        }

        if (_config.IsAddressOwner && priority is not null)
        {
            throw new InvalidOperationException($"Virtual router '{Name}' is the address owner (priority 255); its priority cannot be overridden (drain it instead).");
        }

        _priorityOverride = (byte)(priority ?? 0);
        OnPriorityInputsChanged(now);
    }
}
