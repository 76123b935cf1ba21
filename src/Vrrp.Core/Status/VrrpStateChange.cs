using System.Text.Json.Serialization;
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
    [JsonInclude]
    public string InstanceName { get; internal init; } = "";

    /// <summary>The state before the change.</summary>
    [JsonInclude]
    public VrrpState PreviousState { get; internal init; }

    /// <summary>The state after the change.</summary>
    [JsonInclude]
    public VrrpState State { get; internal init; }

    /// <summary>Why it changed.</summary>
    [JsonInclude]
    public StateChangeReason Reason { get; internal init; }

    /// <summary>The effective priority at the time of the change (configured priority adjusted by trackers).</summary>
    [JsonInclude]
    public int Priority { get; internal init; }

    /// <summary>The master's address when known: this node's own when <see cref="State"/> is Master, the advertising master's when Backup; otherwise null.</summary>
    [JsonInclude]
    public IPAddressValue? MasterAddress { get; internal init; }

    /// <summary>The priority the master we now follow advertised (a higher-priority advert that made us step down), or 0.</summary>
    [JsonInclude]
    public int MasterPriority { get; internal init; }

    /// <summary>When the change happened (from the driver's <see cref="TimeProvider"/>).</summary>
    [JsonInclude]
    public DateTimeOffset Timestamp { get; internal init; }

    /// <summary>The change's position among this instance's changes, from 1.</summary>
    [JsonInclude]
    public long Sequence { get; internal init; }

    /// <summary>
    /// Whether this node held the virtual addresses when the change was delivered: true for a Master change once
    /// every address was added (and the first announcement sent); false when adding failed (see
    /// <see cref="AddressError"/>) and for every other state, whose changes are delivered after the addresses were
    /// removed. Set on the changes a driver reports through <c>VrrpObserver.OnStateApplied</c>, which the hosting
    /// layer gives callbacks and <c>IVrrpMonitor.WatchAsync</c>; false in <c>VrrpObserver.OnStateChanged</c>, which
    /// runs before any address work.
    /// </summary>
    [JsonInclude]
    public bool HoldsVirtualAddresses { get; internal init; }

    /// <summary>
    /// The first failure of the address work this change started (adding, announcing or removing the virtual
    /// addresses), for example <c>add 192.0.2.100/24 on eth0: Operation not permitted</c>; null when it all
    /// succeeded (and always in <c>VrrpObserver.OnStateChanged</c>).
    /// </summary>
    [JsonInclude]
    public string? AddressError { get; internal init; }

    /// <inheritdoc />
    public override string ToString() => $"({InstanceName}) {PreviousState} -> {State} priority {Priority} ({Reason})";
}
