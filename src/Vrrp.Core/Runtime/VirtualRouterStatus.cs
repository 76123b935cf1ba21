using Vrrp.Packets;

namespace Vrrp.Runtime;

/// <summary>A snapshot of one instance's state and counters.</summary>
public sealed record VirtualRouterStatus
{
    /// <summary>The instance name.</summary>
    public required string Name { get; init; }

    /// <summary>The state.</summary>
    public required VrrpState State { get; init; }

    /// <summary>The configured priority.</summary>
    public required byte ConfiguredPriority { get; init; }

    /// <summary>The effective priority (trackers applied).</summary>
    public required byte EffectivePriority { get; init; }

    /// <summary>The address adverts are sent from, or null before start.</summary>
    public IPAddressValue? LocalAddress { get; init; }

    /// <summary>The current master's address as far as this instance knows (its own when master), or null.</summary>
    public IPAddressValue? MasterAddress { get; init; }

    /// <summary>The current master's priority, or 0 when unknown.</summary>
    public byte MasterPriority { get; init; }

    /// <summary>True while a fault holds (interface down, weight-0 tracker down, sync group in fault).</summary>
    public bool IsFaulted { get; init; }

    /// <summary>Master_Adver_Interval in use (learned from the master in v3).</summary>
    public TimeSpan MasterAdvertisementInterval { get; init; }

    /// <summary>Advertisements sent.</summary>
    public long AdvertisementsSent { get; init; }

    /// <summary>Advertisements received and accepted.</summary>
    public long AdvertisementsReceived { get; init; }

    /// <summary>Priority-0 advertisements sent.</summary>
    public long PriorityZeroSent { get; init; }

    /// <summary>Priority-0 advertisements received.</summary>
    public long PriorityZeroReceived { get; init; }

    /// <summary>State transitions.</summary>
    public long Transitions { get; init; }

    /// <summary>Advertisements the transport failed to send.</summary>
    public long SendErrors { get; init; }

    /// <summary>Times this instance became master.</summary>
    public long BecameMaster { get; init; }

    /// <summary>Total time as master.</summary>
    public TimeSpan TimeAsMaster { get; init; }

    /// <summary>Drops attributed to this instance, by reason (only non-zero counts).</summary>
    public IReadOnlyDictionary<DropReason, long> Drops { get; init; } = new Dictionary<DropReason, long>();

    /// <summary>The last state change, if any.</summary>
    public RouterStateChange? LastStateChange { get; init; }
}
