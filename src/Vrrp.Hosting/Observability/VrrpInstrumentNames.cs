namespace Vrrp.Hosting;

/// <summary>
/// The names of the metrics the library publishes on the meter <see cref="MeterName"/> (created through
/// <c>IMeterFactory</c>). Every instrument carries the tag <see cref="InstanceTag"/>; drops also carry
/// <see cref="ReasonTag"/>, transitions <see cref="StateTag"/>.
/// </summary>
/// <remarks>
/// Collect them with OpenTelemetry (<c>.AddVrrpInstrumentation()</c>, which is <c>.AddMeter("Vrrp")</c>) or
/// <c>dotnet-counters monitor --counters Vrrp</c>. Exporters to Prometheus turn dots into underscores and add unit
/// suffixes (<c>vrrp.instance.master.time</c> becomes <c>vrrp_instance_master_time_seconds_total</c>).
/// </remarks>
public static class VrrpInstrumentNames
{
    /// <summary>The meter name: <c>Vrrp</c>.</summary>
    public const string MeterName = "Vrrp";

    /// <summary>Tag naming the instance (keepalived's <c>vrrp_instance</c> name).</summary>
    public const string InstanceTag = "vrrp.instance";

    /// <summary>Tag naming the state entered, on <see cref="Transitions"/>: <c>Initialize</c>, <c>Backup</c>, <c>Master</c>, <c>Fault</c> or <c>Stopped</c>.</summary>
    public const string StateTag = "vrrp.state";

    /// <summary>Tag naming why a packet was dropped, on <see cref="Drops"/> (a <c>DropReason</c> name such as <c>TtlNot255</c>).</summary>
    public const string ReasonTag = "vrrp.drop.reason";

    /// <summary>
    /// Observable gauge <c>vrrp.instance.state</c>, unit <c>{state}</c>: the current state as the <c>VrrpState</c>
    /// number: 0 Initialize, 1 Backup, 2 Master, 3 Fault, 4 Stopped (in Prometheus <c>vrrp_instance_state</c>; alert
    /// on <c>!= 2</c> for a node that must be master). For a label instead of a number, use <see cref="StateCurrent"/>.
    /// </summary>
    public const string State = "vrrp.instance.state";

    /// <summary>
    /// Observable gauge <c>vrrp.instance.state.current</c>, unit <c>{state}</c>: one measurement per state for each
    /// instance, tagged <see cref="StateTag"/>, 1 for the state it is in and 0 for the others (a Prometheus "state
    /// set": <c>vrrp_instance_state_current{vrrp_state="Master"} == 1</c>).
    /// </summary>
    public const string StateCurrent = "vrrp.instance.state.current";

    /// <summary>Observable gauge <c>vrrp.instance.vips.held</c>, unit <c>{instance}</c>: 1 while this node holds the instance's virtual addresses (added, not yet removed), else 0.</summary>
    public const string VirtualAddressesHeld = "vrrp.instance.vips.held";

    /// <summary>
    /// Observable gauge <c>vrrp.instance.version.mismatch</c>, unit <c>{instance}</c>: 1 while a peer on the instance's
    /// interface and VRID speaks the other VRRP version (v2 against v3; both may be master), else 0.
    /// </summary>
    public const string VersionMismatch = "vrrp.instance.version.mismatch";

    /// <summary>
    /// Observable gauge <c>vrrp.instance.split_brain</c>, unit <c>{instance}</c>: 1 while the instance is master and
    /// hears another master on its VRID that keeps advertising after its answer (a split brain), else 0.
    /// </summary>
    public const string SplitBrain = "vrrp.instance.split_brain";

    /// <summary>Observable counter <c>vrrp.instance.split_brain.episodes</c>, unit <c>{episode}</c>: split-brain episodes since start.</summary>
    public const string SplitBrainEpisodes = "vrrp.instance.split_brain.episodes";

    /// <summary>Observable gauge <c>vrrp.instance.drained</c>, unit <c>{instance}</c>: 1 while an operator has drained the instance (<c>IVrrpController.Drain</c>), else 0.</summary>
    public const string Drained = "vrrp.instance.drained";

    /// <summary>Counter <c>vrrp.instance.transitions</c>, unit <c>{transition}</c>: state changes, tagged with the state entered.</summary>
    public const string Transitions = "vrrp.instance.transitions";

    /// <summary>Counter <c>vrrp.advertisements.sent</c>, unit <c>{advertisement}</c>: adverts sent (priority 0 ones included).</summary>
    public const string AdvertisementsSent = "vrrp.advertisements.sent";

    /// <summary>Counter <c>vrrp.advertisements.received</c>, unit <c>{advertisement}</c>: valid adverts received.</summary>
    public const string AdvertisementsReceived = "vrrp.advertisements.received";

    /// <summary>Counter <c>vrrp.packets.dropped</c>, unit <c>{packet}</c>: received packets dropped, tagged with the reason.</summary>
    public const string Drops = "vrrp.packets.dropped";

    /// <summary>Observable gauge <c>vrrp.instance.priority</c>, unit <c>{priority}</c>: the effective priority (configured, adjusted by trackers).</summary>
    public const string EffectivePriority = "vrrp.instance.priority";

    /// <summary>Observable counter <c>vrrp.instance.master.time</c>, unit <c>s</c>: total time spent as master since start.</summary>
    public const string MasterTime = "vrrp.instance.master.time";
}
