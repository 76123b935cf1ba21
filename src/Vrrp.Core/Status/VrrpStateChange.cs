using Vrrp.Election;

namespace Vrrp;

/// <summary>
/// A transition of one instance (virtual router), as drivers report it to observers and the hosting layer delivers it
/// to callbacks, notify scripts and monitors.
/// </summary>
/// <remarks>Changes of one instance are delivered in the order they happened; <see cref="Sequence"/> counts them.</remarks>
public sealed record VrrpStateChange
{
    /// <summary>The instance name (keepalived's <c>vrrp_instance</c> name), for example <c>VI_1</c>.</summary>
    public required string InstanceName { get; init; }

    /// <summary>The state before the change.</summary>
    public required VrrpState PreviousState { get; init; }

    /// <summary>The state after the change.</summary>
    public required VrrpState State { get; init; }

    /// <summary>Why it changed.</summary>
    public StateChangeReason Reason { get; init; }

    /// <summary>The effective priority at the time of the change (configured priority adjusted by trackers).</summary>
    public required int Priority { get; init; }

    /// <summary>The master's address when known: this node's own when <see cref="State"/> is Master, the advertising master's when Backup; otherwise null.</summary>
    public IPAddressValue? MasterAddress { get; init; }

    /// <summary>The priority the master we now follow advertised (a higher-priority advert that made us step down), or 0.</summary>
    public int MasterPriority { get; init; }

    /// <summary>When the change happened (from the driver's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The change's position among this instance's changes, from 1.</summary>
    public long Sequence { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"({InstanceName}) {PreviousState} -> {State} priority {Priority} ({Reason})";
}
