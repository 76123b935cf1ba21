using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp;

/// <summary>A snapshot of one instance (virtual router): its state, priorities, master and counters.</summary>
public sealed record VrrpInstanceStatus
{
    /// <summary>The instance name.</summary>
    public required string Name { get; init; }

    /// <summary>The interface it runs on.</summary>
    public required string Interface { get; init; }

    /// <summary>The virtual router identifier.</summary>
    public required int VirtualRouterId { get; init; }

    /// <summary>The address family.</summary>
    public VrrpAddressFamily Family { get; init; }

    /// <summary>The protocol version.</summary>
    public VrrpVersion Version { get; init; } = VrrpVersion.V3;

    /// <summary>The current state.</summary>
    public required VrrpState State { get; init; }

    /// <summary>The configured priority.</summary>
    public required int ConfiguredPriority { get; init; }

    /// <summary>The effective priority: the configured one adjusted by the trackers' weights (keepalived semantics).</summary>
    public required int EffectivePriority { get; init; }

    /// <summary>The virtual addresses (as configured, advertised order).</summary>
    public IReadOnlyList<VirtualAddress> VirtualAddresses { get; init; } = [];

    /// <summary>The address adverts are sent from, or null before start.</summary>
    public IPAddressValue? LocalAddress { get; init; }

    /// <summary>The master's address when known (this node's own when master), else null.</summary>
    public IPAddressValue? MasterAddress { get; init; }

    /// <summary>The master's priority, or 0 when unknown.</summary>
    public int MasterPriority { get; init; }

    /// <summary>True while a fault holds (interface down, a weight-0 tracker down, a sync group member in fault).</summary>
    public bool IsFaulted { get; init; }

    /// <summary>What keeps the instance in Fault, in keepalived's words (<c>track_script chk_nginx</c>); empty otherwise.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>Master_Adver_Interval in use (learned from the master in v3).</summary>
    public TimeSpan MasterAdvertisementInterval { get; init; }

    /// <summary>Advertisements sent since start (priority 0 ones included; one per advert, whatever the number of unicast peers).</summary>
    public long AdvertisementsSent { get; init; }

    /// <summary>Valid advertisements received since start.</summary>
    public long AdvertisementsReceived { get; init; }

    /// <summary>Priority-0 advertisements sent.</summary>
    public long PriorityZeroSent { get; init; }

    /// <summary>Priority-0 advertisements received.</summary>
    public long PriorityZeroReceived { get; init; }

    /// <summary>State transitions.</summary>
    public long Transitions { get; init; }

    /// <summary>Times this instance became master.</summary>
    public long BecameMaster { get; init; }

    /// <summary>Messages the transport failed to send.</summary>
    public long SendErrors { get; init; }

    /// <summary>Total time spent as master since start.</summary>
    public TimeSpan TimeAsMaster { get; init; }

    /// <summary>Received packets attributed to this instance and dropped, by reason (only non-zero counts).</summary>
    public IReadOnlyDictionary<DropReason, long> Drops { get; init; } = new Dictionary<DropReason, long>();

    /// <summary>The last state change, or null when there has been none.</summary>
    public VrrpStateChange? LastStateChange { get; init; }

    /// <summary>When the instance last changed state, or null when it has not yet.</summary>
    public DateTimeOffset? LastTransition => LastStateChange?.Timestamp;

    /// <summary>Why the instance last changed state, or <see cref="StateChangeReason.None"/> when it has not yet.</summary>
    public StateChangeReason LastTransitionReason => LastStateChange?.Reason ?? StateChangeReason.None;

    /// <summary>
    /// Whether the virtual addresses are on this node now: true from the moment a master's addresses were all added
    /// until their removal starts (a step down, a fault, a drain, a stop); false otherwise, also when adding failed.
    /// </summary>
    public bool HoldsVirtualAddresses { get; init; }

    /// <summary>The last failure of adding, announcing or removing the virtual addresses, or null when the last address work succeeded.</summary>
    public string? AddressError { get; init; }

    /// <summary>True while an operator has drained the instance: it stays Backup (or Fault) and never takes over until resumed.</summary>
    public bool IsDrained { get; init; }

    /// <summary>An operator's priority override (it replaces <see cref="ConfiguredPriority"/>; trackers still apply), or null.</summary>
    public int? PriorityOverride { get; init; }

    /// <summary>
    /// A peer on this instance's interface and VRID that speaks the other VRRP version (RFC 3768 v2 against RFC 9568
    /// v3): the two ignore each other's adverts and may both be master. Null when none was heard recently (for three
    /// of the peer's advertisement intervals).
    /// </summary>
    public VrrpVersionMismatch? VersionMismatch { get; init; }

    /// <summary>
    /// Another master on this instance's VRID while this one is master (split brain): a router whose adverts this
    /// master beats (lower priority, or equal from a lower address) keeps advertising after it must have heard this
    /// master's answer. Null when there is none now (the episode ends after three of the peer's intervals without
    /// such an advert, or when this instance stops being master).
    /// </summary>
    public VrrpSplitBrain? SplitBrain { get; init; }

    /// <summary>Split-brain episodes (see <see cref="SplitBrain"/>) since start.</summary>
    public long SplitBrainEpisodes { get; init; }

    /// <summary>Adverts from another master (lower priority, or equal from a lower address) received while master, since start; one now and then is a normal handover.</summary>
    public long OtherMasterAdvertisements { get; init; }
}

/// <summary>Another master heard on an instance's VRID while it is master itself.</summary>
public sealed record VrrpSplitBrain
{
    /// <summary>The other master's address.</summary>
    public required IPAddressValue Peer { get; init; }

    /// <summary>The priority it advertises.</summary>
    public required byte PeerPriority { get; init; }

    /// <summary>This instance's effective priority when it was last heard.</summary>
    public required byte Priority { get; init; }

    /// <summary>When the episode began (its second advert after this master's answer).</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>When its last advert arrived.</summary>
    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>Its adverts received in this episode.</summary>
    public long Adverts { get; init; }
}

/// <summary>A peer heard on an instance's interface and VRID that speaks the other VRRP version.</summary>
public sealed record VrrpVersionMismatch
{
    /// <summary>The peer's address.</summary>
    public required IPAddressValue Peer { get; init; }

    /// <summary>The version the peer speaks.</summary>
    public required VrrpVersion PeerVersion { get; init; }

    /// <summary>The version this instance is configured for (keepalived <c>version</c>).</summary>
    public required VrrpVersion Version { get; init; }

    /// <summary>When the episode began (the first such advert after a quiet spell).</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>When the last such advert arrived.</summary>
    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>Adverts of the other version dropped in this episode.</summary>
    public long Adverts { get; init; }
}
