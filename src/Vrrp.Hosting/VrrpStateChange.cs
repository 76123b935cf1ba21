namespace Vrrp.Hosting;

/// <summary>A transition of one instance (virtual router), as delivered to callbacks, notify scripts and monitors.</summary>
/// <remarks>Changes of one instance are delivered in the order they happened; <see cref="Sequence"/> counts them.</remarks>
public sealed record VrrpStateChange
{
    /// <summary>The instance name (keepalived's <c>vrrp_instance</c> name), for example <c>VI_1</c>.</summary>
    public required string InstanceName { get; init; }

    /// <summary>The state before the change.</summary>
    public required VrrpState PreviousState { get; init; }

    /// <summary>The state after the change.</summary>
    public required VrrpState State { get; init; }

    /// <summary>The effective priority at the time of the change (configured priority adjusted by trackers).</summary>
    public required int Priority { get; init; }

    /// <summary>The master's address when known: this node's own address when <see cref="State"/> is Master, the advertising master's when Backup; otherwise null.</summary>
    public IPAddressValue? MasterAddress { get; init; }

    /// <summary>When the change happened (from the host's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Why it changed, in the protocol core's words: <c>Startup</c>, <c>OwnerStartup</c>, <c>MasterDownTimerExpired</c>, <c>HigherPriorityAdvertisement</c>, <c>FaultDetected</c>, <c>FaultCleared</c>, <c>SyncGroup</c>, <c>Shutdown</c>; null when not known.</summary>
    public string? Reason { get; init; }

    /// <summary>The change's position among this instance's changes, from 1.</summary>
    public long Sequence { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"({InstanceName}) {PreviousState} -> {State} priority {Priority}";
}
