namespace Vrrp.Election;

/// <summary>What a <see cref="VirtualRouter"/> asks its driver to do (or to report).</summary>
public enum VirtualRouterActionKind
{
    /// <summary>Send one advertisement with <see cref="VirtualRouterAction.Priority"/> to <see cref="VirtualRouterAction.Destination"/>; write it with <see cref="VirtualRouter.WriteAdvertisement(in VirtualRouterAction, Span{byte})"/>. An advert to several unicast peers is one action per peer.</summary>
    SendAdvertisement = 1,

    /// <summary>Put the virtual (and excluded) addresses on the interface.</summary>
    AddAddresses,

    /// <summary>Take the virtual (and excluded) addresses off the interface.</summary>
    RemoveAddresses,

    /// <summary>Announce the virtual addresses (gratuitous ARP / unsolicited NA), <see cref="VirtualRouterAction.Repeat"/> times each.</summary>
    Announce,

    /// <summary>The state changed from <see cref="VirtualRouterAction.From"/> to <see cref="VirtualRouterAction.To"/> because of <see cref="VirtualRouterAction.Reason"/>.</summary>
    StateChanged,

    /// <summary>Report: a master received a lower-priority advert from <see cref="VirtualRouterAction.Peer"/> (another master on the segment) and discarded it (it answers at once and re-announces).</summary>
    LowerPriorityAdvertisementDiscarded,

    /// <summary>Report: the address owner received an advert for its VRID from <see cref="VirtualRouterAction.Peer"/> (RFC 9568 erratum: log it).</summary>
    OwnerReceivedAdvertisement,

    /// <summary>Report: an advert from <see cref="VirtualRouterAction.Peer"/> lists other addresses than ours (logged, not dropped). Reported once until the lists match again.</summary>
    AddressListMismatch,

    /// <summary>Report: the effective priority changed to <see cref="VirtualRouterAction.Priority"/> (trackers).</summary>
    PriorityChanged,

    /// <summary>Report (RFC 9568 section 7.1, SHOULD log): a v3 backup learned another advertisement interval, <see cref="VirtualRouterAction.Interval"/> centiseconds, from <see cref="VirtualRouterAction.Peer"/>.</summary>
    IntervalLearned,

    /// <summary>Report (RFC 9568 section 8.3.2): <see cref="VirtualRouterAction.Peer"/> advertises priority 255 while <see cref="VirtualRouterAction.OtherPeer"/> did too: two routers claim to own the addresses.</summary>
    MultipleOwners,

    /// <summary>
    /// Report (keepalived <c>old_unicast_checksum</c>, default mode): <see cref="VirtualRouterAction.Peer"/> sent a unicast
    /// advert with keepalived's old checksum form; the router sends and accepts that form from now on.
    /// </summary>
    OldUnicastChecksumAdopted,
}

/// <summary>Why a state changed.</summary>
public enum StateChangeReason
{
    /// <summary>Not a state change.</summary>
    None = 0,

    /// <summary>Started (Initialize to Backup, or to Fault when a fault is present).</summary>
    Startup,

    /// <summary>Started as the address owner (priority 255): straight to Master.</summary>
    OwnerStartup,

    /// <summary>The Master_Down_Timer expired: no advert from a master that should be kept (keepalived "Receive advertisement timeout").</summary>
    MasterDownTimerExpired,

    /// <summary>A master heard an advert with a higher priority, or an equal priority from a higher address.</summary>
    HigherPriorityAdvertisement,

    /// <summary>The interface went down or a weight-0 tracker failed.</summary>
    FaultDetected,

    /// <summary>Every fault condition cleared.</summary>
    FaultCleared,

    /// <summary>Another member of the sync group changed state and pulled this one with it.</summary>
    SyncGroup,

    /// <summary>Shut down.</summary>
    Shutdown,

    /// <summary>An operator drained the instance (<see cref="VirtualRouter.Drain"/>): it sent priority 0 and stays Backup until resumed.</summary>
    Drained,
}

/// <summary>Why an announcement burst is sent.</summary>
public enum AnnouncementReason
{
    /// <summary>Not an announcement.</summary>
    None = 0,

    /// <summary>The first burst on becoming master.</summary>
    Takeover,

    /// <summary>The second burst, <c>garp_master_delay</c> after takeover.</summary>
    SecondBurst,

    /// <summary>Periodic refresh while master (<c>garp_master_refresh</c>).</summary>
    Refresh,

    /// <summary>A master heard a lower-priority advert (split brain healing; <c>garp_lower_prio_repeat</c>).</summary>
    LowerPriorityAdvertisement,

    /// <summary>A master got new virtual addresses from a configuration reload (<see cref="VirtualRouter.Reconfigure"/>).</summary>
    Reload,

    /// <summary>
    /// Periodic re-announcement, while master, of the addresses on other interfaces than the instance's own (keepalived
    /// <c>garp_extra_if</c>; every interface with <see cref="VirtualRouterConfiguration.GarpExtraInterfacesAll"/>).
    /// </summary>
    ExtraInterfaces,
}

/// <summary>
/// One output of a <see cref="VirtualRouter"/>: a plain value; which fields matter depends on <see cref="Kind"/>.
/// </summary>
public readonly struct VirtualRouterAction
{
    /// <summary>What to do.</summary>
    public VirtualRouterActionKind Kind { get; internal init; }

    /// <summary>The router that asks for it.</summary>
    public VirtualRouter? Router { get; internal init; }

    /// <summary>The index of the router set's channel to perform it on (see <see cref="VirtualRouterSet.GetChannel"/>); 0 outside a set.</summary>
    public int Channel { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.SendAdvertisement"/>: the IP destination, the multicast group (224.0.0.18, ff02::12) or a unicast peer.</summary>
    public IPAddressValue Destination { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.SendAdvertisement"/>: the priority to send (0 when leaving); state changes and <see cref="VirtualRouterActionKind.PriorityChanged"/>: the effective priority.</summary>
    public byte Priority { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.StateChanged"/>: the old state.</summary>
    public VrrpState From { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.StateChanged"/>: the new state.</summary>
    public VrrpState To { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.StateChanged"/>: why.</summary>
    public StateChangeReason Reason { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.Announce"/>: announcements per address.</summary>
    public int Repeat { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.Announce"/>: why.</summary>
    public AnnouncementReason Announcement { get; internal init; }

    /// <summary>The peer concerned (the sender of the advert that caused it), when there is one.</summary>
    public IPAddressValue Peer { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.MultipleOwners"/>: the other router that advertised priority 255.</summary>
    public IPAddressValue OtherPeer { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.IntervalLearned"/>: the interval learned, in centiseconds; <see cref="VirtualRouterActionKind.LowerPriorityAdvertisementDiscarded"/>: the advert's interval (centiseconds in v3, seconds in v2).</summary>
    public int Interval { get; internal init; }

    /// <summary>The priority the peer advertised, when there is a peer.</summary>
    public byte PeerPriority { get; internal init; }

    /// <summary>The time of the input that produced the action (core nanoseconds).</summary>
    public long Time { get; internal init; }

    /// <summary><see cref="VirtualRouterActionKind.SendAdvertisement"/> with AH: the sequence number of the advert.</summary>
    internal uint AuthenticationSequence { get; init; }

    /// <summary><see cref="VirtualRouterActionKind.SendAdvertisement"/> with AH: the IPv4 identification of the advert.</summary>
    internal ushort IPIdentification { get; init; }
}
