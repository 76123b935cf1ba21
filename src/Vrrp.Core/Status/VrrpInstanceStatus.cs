using System.Text.Json.Serialization;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp;

/// <summary>A snapshot of one instance (virtual router): its state, priorities, master and counters.</summary>
public sealed record VrrpInstanceStatus
{
    /// <summary>The status of an instance that has not started: its configuration and nothing else.</summary>
    /// <param name="configuration">The instance's configuration.</param>
    /// <returns>A status in <see cref="VrrpState.Initialize"/>.</returns>
    public static VrrpInstanceStatus NotStarted(Election.VirtualRouterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new VrrpInstanceStatus
        {
            Name = configuration.Name,
            Interface = configuration.InterfaceName,
            VirtualRouterId = configuration.VirtualRouterId,
            Family = configuration.Family,
            Version = configuration.Version,
            State = VrrpState.Initialize,
            ConfiguredPriority = configuration.Priority,
            EffectivePriority = configuration.Priority,
            VirtualAddresses = configuration.VirtualAddresses,
            MasterAdvertisementInterval = configuration.AdvertisementInterval,
        };
    }

    /// <summary>The instance name.</summary>
    [JsonInclude]
    public string Name { get; internal init; } = "";

    /// <summary>The interface it runs on.</summary>
    [JsonInclude]
    public string Interface { get; internal init; } = "";

    /// <summary>The virtual router identifier.</summary>
    [JsonInclude]
    public int VirtualRouterId { get; internal init; }

    /// <summary>The address family.</summary>
    [JsonInclude]
    public VrrpAddressFamily Family { get; internal init; }

    /// <summary>The protocol version.</summary>
    [JsonInclude]
    public VrrpVersion Version { get; internal init; } = VrrpVersion.V3;

    /// <summary>The current state.</summary>
    [JsonInclude]
    public VrrpState State { get; internal init; }

    /// <summary>The configured priority.</summary>
    [JsonInclude]
    public int ConfiguredPriority { get; internal init; }

    /// <summary>The effective priority: the configured one adjusted by the trackers' weights (keepalived semantics).</summary>
    [JsonInclude]
    public int EffectivePriority { get; internal init; }

    /// <summary>The virtual addresses (as configured, advertised order).</summary>
    [JsonInclude]
    public IReadOnlyList<VirtualAddress> VirtualAddresses { get; internal init; } = [];

    /// <summary>The address adverts are sent from, or null before start.</summary>
    [JsonInclude]
    public IPAddressValue? LocalAddress { get; internal init; }

    /// <summary>The master's address when known (this node's own when master), else null.</summary>
    [JsonInclude]
    public IPAddressValue? MasterAddress { get; internal init; }

    /// <summary>The master's priority, or 0 when unknown.</summary>
    [JsonInclude]
    public int MasterPriority { get; internal init; }

    /// <summary>True while a fault holds (interface down, a weight-0 tracker down, a sync group member in fault).</summary>
    [JsonInclude]
    public bool IsFaulted { get; internal init; }

    /// <summary>What keeps the instance in Fault, in keepalived's words (<c>track_script chk_nginx</c>); empty otherwise.</summary>
    [JsonInclude]
    public IReadOnlyList<string> Faults { get; internal init; } = [];

    /// <summary>Master_Adver_Interval in use (learned from the master in v3).</summary>
    [JsonInclude]
    public TimeSpan MasterAdvertisementInterval { get; internal init; }

    /// <summary>Advertisements sent since start (priority 0 ones included; one per advert, whatever the number of unicast peers).</summary>
    [JsonInclude]
    public long AdvertisementsSent { get; internal init; }

    /// <summary>Valid advertisements received since start.</summary>
    [JsonInclude]
    public long AdvertisementsReceived { get; internal init; }

    /// <summary>Priority-0 advertisements sent.</summary>
    [JsonInclude]
    public long PriorityZeroSent { get; internal init; }

    /// <summary>Priority-0 advertisements received.</summary>
    [JsonInclude]
    public long PriorityZeroReceived { get; internal init; }

    /// <summary>State transitions.</summary>
    [JsonInclude]
    public long Transitions { get; internal init; }

    /// <summary>Times this instance became master.</summary>
    [JsonInclude]
    public long BecameMaster { get; internal init; }

    /// <summary>Messages the transport failed to send.</summary>
    [JsonInclude]
    public long SendErrors { get; internal init; }

    /// <summary>Total time spent as master since start.</summary>
    [JsonInclude]
    public TimeSpan TimeAsMaster { get; internal init; }

    /// <summary>Received packets attributed to this instance and dropped, by reason (only non-zero counts).</summary>
    [JsonInclude]
    public IReadOnlyDictionary<DropReason, long> Drops { get; internal init; } = new Dictionary<DropReason, long>();

    /// <summary>The last state change, or null when there has been none.</summary>
    [JsonInclude]
    public VrrpStateChange? LastStateChange { get; internal init; }

    /// <summary>When the instance last changed state, or null when it has not yet.</summary>
    public DateTimeOffset? LastTransition => LastStateChange?.Timestamp;

    /// <summary>Why the instance last changed state, or <see cref="StateChangeReason.None"/> when it has not yet.</summary>
    public StateChangeReason LastTransitionReason => LastStateChange?.Reason ?? StateChangeReason.None;

    /// <summary>
    /// Whether the virtual addresses are on this node now: true from the moment a master's addresses were all added
    /// until their removal starts (a step down, a fault, a drain, a stop); false otherwise, also when adding failed.
    /// </summary>
    [JsonInclude]
    public bool HoldsVirtualAddresses { get; internal init; }

    /// <summary>The last failure of adding, announcing or removing the virtual addresses, or null when the last address work succeeded.</summary>
    [JsonInclude]
    public string? AddressError { get; internal init; }

    /// <summary>True while an operator has drained the instance: it stays Backup (or Fault) and never takes over until resumed.</summary>
    [JsonInclude]
    public bool IsDrained { get; internal init; }

    /// <summary>An operator's priority override (it replaces <see cref="ConfiguredPriority"/>; trackers still apply), or null.</summary>
    [JsonInclude]
    public int? PriorityOverride { get; internal init; }

    /// <summary>
    /// A peer on this instance's interface and VRID that speaks the other VRRP version (RFC 3768 v2 against RFC 9568
    /// v3): the two ignore each other's adverts and may both be master. Null when none was heard recently (for three
    /// of the peer's advertisement intervals).
    /// </summary>
    [JsonInclude]
    public VrrpVersionMismatch? VersionMismatch { get; internal init; }

    /// <summary>
    /// Another master on this instance's VRID while this one is master (split brain): a router whose adverts this
    /// master beats (lower priority, or equal from a lower address) keeps advertising after it must have heard this
    /// master's answer. Null when there is none now (the episode ends after three of the peer's intervals without
    /// such an advert, or when this instance stops being master).
    /// </summary>
    [JsonInclude]
    public VrrpSplitBrain? SplitBrain { get; internal init; }

    /// <summary>Split-brain episodes (see <see cref="SplitBrain"/>) since start.</summary>
    [JsonInclude]
    public long SplitBrainEpisodes { get; internal init; }

    /// <summary>Adverts from another master (lower priority, or equal from a lower address) received while master, since start; one now and then is a normal handover.</summary>
    [JsonInclude]
    public long OtherMasterAdvertisements { get; internal init; }
}

/// <summary>A peer heard on an instance's interface and VRID that speaks the other VRRP version.</summary>
public sealed class VrrpVersionMismatch
{
    /// <summary>The peer's address.</summary>
    [JsonInclude]
    public IPAddressValue Peer { get; internal init; }

    /// <summary>The version the peer speaks.</summary>
    [JsonInclude]
    public VrrpVersion PeerVersion { get; internal init; }

    /// <summary>The version this instance is configured for (keepalived <c>version</c>).</summary>
    [JsonInclude]
    public VrrpVersion Version { get; internal init; }

    /// <summary>When the episode began (the first such advert after a quiet spell).</summary>
    [JsonInclude]
    public DateTimeOffset Since { get; internal init; }

    /// <summary>When the last such advert arrived.</summary>
    [JsonInclude]
    public DateTimeOffset LastSeen { get; internal init; }

    /// <summary>Adverts of the other version dropped in this episode.</summary>
    [JsonInclude]
    public long Adverts { get; internal init; }
}

/// <summary>Another master heard on an instance's VRID while it is master itself.</summary>
public sealed class VrrpSplitBrain
{
    /// <summary>The other master's address.</summary>
    [JsonInclude]
    public IPAddressValue Peer { get; internal init; }

    /// <summary>The priority it advertises.</summary>
    [JsonInclude]
    public byte PeerPriority { get; internal init; }

    /// <summary>This instance's effective priority when it was last heard.</summary>
    [JsonInclude]
    public byte Priority { get; internal init; }

    /// <summary>When the episode began (its second advert after this master's answer).</summary>
    [JsonInclude]
    public DateTimeOffset Since { get; internal init; }

    /// <summary>When its last advert arrived.</summary>
    [JsonInclude]
    public DateTimeOffset LastSeen { get; internal init; }

    /// <summary>Its adverts received in this episode.</summary>
    [JsonInclude]
    public long Adverts { get; internal init; }
}
