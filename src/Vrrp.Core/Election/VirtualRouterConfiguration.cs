using Vrrp.Packets;

namespace Vrrp.Election;

/// <summary>
/// The immutable configuration of one virtual router (keepalived's <c>vrrp_instance</c>). Create it with an object
/// initializer; <see cref="Validate"/> (called by <see cref="VirtualRouter"/> and the driver) reports the first
/// invalid value with a specific message. Lists are copied on assignment, so later changes to the caller's list
/// have no effect.
/// </summary>
public sealed record VirtualRouterConfiguration
{
    private readonly IReadOnlyList<VirtualAddress> _virtualAddresses = [];
    private readonly IReadOnlyList<VirtualAddress> _excludedAddresses = [];
    private readonly IReadOnlyList<TrackerConfiguration> _trackers = [];
    private readonly IReadOnlyList<IPAddressValue> _unicastPeers = [];
    private readonly IReadOnlyDictionary<IPAddressValue, HopLimitRange> _peerHopLimits = new Dictionary<IPAddressValue, HopLimitRange>();

    /// <summary>The instance name used in logs, for example <c>VI_1</c>.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The interface the instance runs on, for example <c>eth0</c>; or empty for none, as keepalived 2.2.7 runs a unicast
    /// instance without <c>interface</c>: then the router needs <see cref="UnicastPeers"/> and a
    /// <see cref="SourceAddress"/> (not IPv6 link-local), every address names its <see cref="VirtualAddress.Device"/>,
    /// its channel's sockets are bound to no device (or to <see cref="Vrf"/>) and adverts are routed to the peers, and
    /// it tracks no interface of its own (only its addresses' devices).
    /// </summary>
    public required string InterfaceName { get; init; }

    /// <summary>
    /// The VRF device a router without an interface (<see cref="InterfaceName"/> empty) runs in (keepalived <c>vrf</c>):
    /// its sockets are bound to that device, so adverts to the unicast peers are routed in the VRF's table and adverts
    /// received in the VRF are seen. Null (the default) for the default VRF, and always with an interface: a router on
    /// an interface enslaved to a VRF is in that VRF already.
    /// </summary>
    public string? Vrf { get; init; }

    /// <summary>Whether the router runs without an interface (<see cref="InterfaceName"/> empty: a keepalived unicast instance without <c>interface</c>).</summary>
    internal bool HasNoInterface => InterfaceName.Length == 0;

    /// <summary>The virtual router identifier, 1..255.</summary>
    public required byte VirtualRouterId { get; init; }

    /// <summary>The configured priority: 1..254, or 255 for the address owner (default 100).</summary>
    public byte Priority { get; init; } = 100;

    /// <summary>The protocol version (default 3).</summary>
    public VrrpVersion Version { get; init; } = VrrpVersion.V3;

    /// <summary>
    /// The advertisement interval (default 1 s): VRRPv3 10 ms..40.95 s in steps of 10 ms; VRRPv2 whole seconds 1..255.
    /// </summary>
    public TimeSpan AdvertisementInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The virtual addresses (1..255 of them, all of one family); they are advertised in this order. A VRRPv2 router may
    /// have none (keepalived runs one, warning "at least one is sensible"): its adverts carry a count of 0.
    /// </summary>
    public required IReadOnlyList<VirtualAddress> VirtualAddresses
    {
        get => _virtualAddresses;
        init => _virtualAddresses = [.. value ?? throw new ArgumentNullException(nameof(VirtualAddresses))];
    }

    /// <summary>Addresses added and removed with the virtual ones but not advertised (<c>virtual_ipaddress_excluded</c>).</summary>
    public IReadOnlyList<VirtualAddress> ExcludedAddresses
    {
        get => _excludedAddresses;
        init => _excludedAddresses = [.. value ?? throw new ArgumentNullException(nameof(ExcludedAddresses))];
    }

    /// <summary>The address family of the instance: that of its virtual addresses.</summary>
    public VrrpAddressFamily Family => _virtualAddresses.Count > 0 ? _virtualAddresses[0].Family : VrrpAddressFamily.IPv4;

    /// <summary>Whether a higher-priority backup takes over from a live lower-priority master (default true; keepalived <c>nopreempt</c> sets false).</summary>
    public bool Preempt { get; init; } = true;

    /// <summary>How long a backup keeps accepting a lower-priority master before preempting it (<c>preempt_delay</c>, 0..1000 s).</summary>
    public TimeSpan PreemptDelay { get; init; }

    /// <summary>
    /// VRRPv2 authentication type (default none): a simple password, or an IP Authentication Header (keepalived
    /// <c>auth_type AH</c>: adverts are IPv4 protocol 51 with HMAC-MD5-96 keyed by <see cref="AuthenticationPassword"/>;
    /// the router then shares its channel only with other AH routers).
    /// </summary>
    public AuthenticationType AuthenticationType { get; init; }

    /// <summary>VRRPv2 simple password, or the AH key; the first 8 bytes are used, zero padded (<c>auth_pass</c>).</summary>
    public string? AuthenticationPassword { get; init; }

    /// <summary>The v3/IPv4 checksum form to send (receivers accept either).</summary>
    public Ipv4ChecksumMode ChecksumMode { get; init; } = Ipv4ChecksumMode.PseudoHeader;

    /// <summary>
    /// keepalived <c>old_unicast_checksum</c> (unicast VRRPv3/IPv4 only): the pseudo-header destination of the old form is
    /// <see cref="MulticastGroup"/> (224.0.0.18 by default). <see cref="OldUnicastChecksum.Auto"/> (the default) switches to
    /// the old form when a peer's advert has it; <see cref="OldUnicastChecksum.Never"/> drops such adverts.
    /// </summary>
    public OldUnicastChecksum OldUnicastChecksum { get; init; }

    /// <summary>The advert source address, or null for the interface's primary address (<c>mcast_src_ip</c> / <c>unicast_src_ip</c>).</summary>
    public IPAddressValue? SourceAddress { get; init; }

    /// <summary>
    /// keepalived <c>track_src_ip</c>: while the configured <see cref="SourceAddress"/> is not on the instance's interface
    /// (deleted after start), the router is in Fault; it leaves Fault when the address is back. Without a
    /// <see cref="SourceAddress"/> it has no effect (as keepalived, which then clears it). Off by default: a configured
    /// source address that disappears is then ignored.
    /// </summary>
    public bool TrackSourceAddress { get; init; }

    /// <summary>Unicast peers; when not empty adverts go to each of them (<c>unicast_peer</c>).</summary>
    public IReadOnlyList<IPAddressValue> UnicastPeers
    {
        get => _unicastPeers;
        init => _unicastPeers = [.. value ?? throw new ArgumentNullException(nameof(UnicastPeers))];
    }

    /// <summary>
    /// With no <see cref="UnicastPeers"/>, stay in Fault instead of advertising to the multicast group (keepalived
    /// <c>unicast_fault_no_peer</c>): for an instance meant to run unicast whose peer list can be emptied (by a reload,
    /// say), so that it never falls back to multicast. Off by default.
    /// </summary>
    public bool FaultWithoutUnicastPeers { get; init; }

    /// <summary>Accept adverts only from the unicast peers (<c>vrrp_check_unicast_src</c>).</summary>
    public bool AcceptOnlyUnicastPeers { get; init; }

    /// <summary>
    /// The TTL (IPv4) or hop limit (IPv6) of adverts sent to unicast peers (keepalived <c>unicast_ttl</c>), 0..255;
    /// default 255. 0 is sent as keepalived 2.2.7 sends it: the adverts carry TTL / hop limit 0, which a peer on the
    /// same link receives and a router does not forward. Multicast adverts are always sent with 255 (RFC 9568 section 5.1.1.3), and this is ignored without
    /// unicast peers. keepalived 2.2.7 sends IPv6 unicast adverts with the kernel's default hop limit (64) unless
    /// <c>unicast_ttl</c> is set; 255 is sent here by default for both families, which every receiver accepts.
    /// </summary>
    public byte UnicastHopLimit { get; init; } = 255;

    /// <summary>
    /// What this router adds to its channel's receive buffer, in bytes (keepalived's <c>vrrp_rx_bufs_policy</c> size or
    /// ADVERT); the routers of a channel add up (<see cref="VrrpChannelOptions.ReceiveBufferSize"/>). 0 adds nothing.
    /// </summary>
    public int ReceiveBufferSize { get; init; }

    /// <summary>How many interface MTUs this router adds to its channel's receive buffer (<c>vrrp_rx_bufs_policy MTU</c>).</summary>
    public int ReceiveBufferMtus { get; init; }

    /// <summary>
    /// The TTL / hop limit range that each listed unicast peer's adverts must arrive with (keepalived's
    /// <c>unicast_peer { ADDR min_ttl N max_ttl M }</c>); an advert outside it is dropped as
    /// <see cref="DropReason.TtlOutOfRange"/>. Every key must be one of <see cref="UnicastPeers"/>. As in keepalived,
    /// listing any range also turns on the source check (<see cref="AcceptOnlyUnicastPeers"/>). Without a range a unicast
    /// advert is accepted whatever its TTL (a peer may be routed hops away); multicast adverts must arrive with 255
    /// (<see cref="DropReason.TtlNot255"/>).
    /// </summary>
    public IReadOnlyDictionary<IPAddressValue, HopLimitRange> PeerHopLimits
    {
        get => _peerHopLimits;
        init => _peerHopLimits = new Dictionary<IPAddressValue, HopLimitRange>(value ?? throw new ArgumentNullException(nameof(PeerHopLimits)));
    }

    /// <summary>
    /// The trackers the router runs with: <see cref="Trackers"/>, and (keepalived's rule) the interface of every virtual or
    /// excluded address that names another device and is not <see cref="VirtualAddress.NoTrack"/>, with weight 0 (the
    /// interface going down means Fault), unless that interface is tracked already.
    /// </summary>
    internal IReadOnlyList<TrackerConfiguration> EffectiveTrackers
    {
        get
        {
            List<TrackerConfiguration>? implied = null;
            foreach (var address in _virtualAddresses.Concat(_excludedAddresses))
            {
                if (address.Device is not { } device || address.NoTrack || string.Equals(device, InterfaceName, StringComparison.Ordinal) ||
                    _trackers.Any(t => t.Kind == TrackerKind.Interface && string.Equals(t.Name, device, StringComparison.Ordinal)) ||
                    (implied?.Any(t => string.Equals(t.Name, device, StringComparison.Ordinal)) ?? false))
                {
                    continue;
                }

                (implied ??= []).Add(new TrackerConfiguration(TrackerKind.Interface, device, 0));
            }

            return implied is null ? _trackers : [.. _trackers, .. implied];
        }
    }

    /// <summary>True when unicast adverts are accepted only from the peers: <see cref="AcceptOnlyUnicastPeers"/>, or a peer has a <see cref="PeerHopLimits"/> range.</summary>
    internal bool ChecksUnicastSource => _unicastPeers.Count > 0 && (AcceptOnlyUnicastPeers || _peerHopLimits.Count > 0);

    /// <summary>The network namespace to open sockets in, or null for the current one.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>
    /// Accept_Mode (RFC 9568 section 6.1): whether a master that does not own the addresses accepts packets sent to them.
    /// The RFC's default is false; the default here is true, as keepalived's without <c>vrrp_strict</c> (<c>accept</c>),
    /// because the service that holds a virtual address usually listens on it (a reverse proxy, say) and would be cut
    /// off. Set false (keepalived <c>no_accept</c>, implied by <c>vrrp_strict</c>) for the RFC's behaviour: the platform
    /// then drops traffic to the addresses in the kernel while a non-owner instance is master. An owner (priority 255)
    /// always accepts.
    /// </summary>
    public bool AcceptMode { get; init; } = true;

    /// <summary>Ignore the instance's own interface going down (<c>dont_track_primary</c>).</summary>
    public bool DontTrackPrimary { get; init; }

    /// <summary>
    /// RFC-strict receive step 9: drop IPv6 adverts whose first address is not link-local (RFC 9568 section 5.2.9).
    /// Off by default because keepalived 2.2.7 sends its configured addresses as they are, often a global one first.
    /// </summary>
    public bool RequireLinkLocalFirstAddress { get; init; }

    /// <summary>Log (never drop) adverts whose address list differs from ours (keepalived 2.3.3+ behaviour; default true).</summary>
    public bool CheckAddressList { get; init; } = true;

    /// <summary>Tracked objects (interfaces, scripts, health checks...) and their weights.</summary>
    public IReadOnlyList<TrackerConfiguration> Trackers
    {
        get => _trackers;
        init => _trackers = [.. value ?? throw new ArgumentNullException(nameof(Trackers))];
    }

    /// <summary>
    /// The multicast group adverts are sent to and received on (keepalived <c>vrrp_mcast_group4</c> /
    /// <c>vrrp_mcast_group6</c>, <c>mcast_dst_ip</c>), or null for the RFC's 224.0.0.18 / ff02::12. An IPv6 group must
    /// be link-local scoped (ffX2::/16), as keepalived requires. Every router of the group must use the same one.
    /// </summary>
    public IPAddressValue? MulticastGroup { get; init; }

    /// <summary>
    /// A master that hears a higher priority sends one more advert (at its own, lower priority) before it steps down
    /// (keepalived <c>higher_prio_send_advert</c>): the other master, if it was also master (a healed split), hears a
    /// lower priority and re-announces its addresses (<see cref="GarpLowerPriorityRepeat"/>). Off by default.
    /// </summary>
    public bool HigherPrioritySendAdvertisement { get; init; }

    /// <summary>
    /// A master that hears a lower priority does not answer with an advert of its own (keepalived
    /// <c>lower_prio_no_advert</c>, forced by strict mode): RFC 9568 section 6.4.3 discards such an advert. By default
    /// (false, keepalived's default) the master advertises at once, so that the other side, if it is also master, steps
    /// down without waiting for the next interval.
    /// </summary>
    public bool LowerPriorityNoAdvertisement { get; init; }

    /// <summary>
    /// The number of advertisement intervals in Master_Down_Interval (keepalived <c>down_timer_adverts</c>, 1..100;
    /// default 3, RFC 9568 section 6.1): Master_Down_Interval = this x Master_Adver_Interval + Skew_Time, the Skew_Time
    /// unchanged. A backup takes over after this many missed adverts (fewer: faster failover, more false ones on a
    /// lossy link). keepalived refuses anything but 3 in strict mode. Every router of the group should use the same.
    /// </summary>
    public int DownTimerAdvertisements { get; init; } = 3;

    /// <summary>The delay between two gratuitous ARPs sent on one interface (keepalived <c>vrrp_garp_interval</c> / <c>garp_interval</c>); zero (the default) sends them back to back.</summary>
    public TimeSpan GarpInterval { get; init; }

    /// <summary>The delay between two unsolicited neighbour advertisements sent on one interface (keepalived <c>vrrp_gna_interval</c> / <c>gna_interval</c>); zero (the default) sends them back to back.</summary>
    public TimeSpan GnaInterval { get; init; }

    /// <summary>
    /// Interfaces that pace their announcements together (keepalived <c>garp_group</c>); on them, the group's gaps
    /// replace <see cref="GarpInterval"/> and <see cref="GnaInterval"/>. Empty (the default): each interface is paced
    /// on its own with those two.
    /// </summary>
    public IReadOnlyList<AnnouncementPacingGroup> AnnouncementPacingGroups { get; init; } = [];

    /// <summary>
    /// keepalived <c>garp_extra_if N</c>: while master, re-announce every N the addresses that are on other interfaces
    /// than the instance's own (so that switches keep those MACs); zero (the default) is off.
    /// </summary>
    public TimeSpan GarpExtraInterfacesInterval { get; init; }

    /// <summary>keepalived <c>garp_extra_if all N</c>: the periodic re-announcement of <see cref="GarpExtraInterfacesInterval"/> covers every interface of the instance, its own too.</summary>
    public bool GarpExtraInterfacesAll { get; init; }

    /// <summary>Delay of the second burst of announcements after takeover (<c>garp_master_delay</c>, default 5 s; zero disables).</summary>
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Announcements per address in each burst (<c>garp_master_repeat</c>, default 5; zero disables announcing).</summary>
    public int GarpMasterRepeat { get; init; } = 5;

    /// <summary>Period of re-announcements while master (<c>garp_master_refresh</c>); zero (the default) is off.</summary>
    public TimeSpan GarpMasterRefresh { get; init; }

    /// <summary>Announcements per address at each refresh (<c>garp_master_refresh_repeat</c>, default 1).</summary>
    public int GarpMasterRefreshRepeat { get; init; } = 1;

    /// <summary>Delay of a second set of announcements after a master hears a lower-priority advert (<c>garp_lower_prio_delay</c>; default 0, none; the first set goes at once).</summary>
    public TimeSpan GarpLowerPriorityDelay { get; init; }

    /// <summary>Announcements per address when a master hears a lower-priority advert, at once and again after <see cref="GarpLowerPriorityDelay"/> (<c>garp_lower_prio_repeat</c>, default 5; zero disables; independent of <see cref="GarpMasterRepeat"/>, as in keepalived).</summary>
    public int GarpLowerPriorityRepeat { get; init; } = 5;

    /// <summary>True when the configured priority is 255: this node owns the addresses.</summary>
    public bool IsAddressOwner => Priority == 255;

    /// <summary>The advertisement interval in centiseconds (the v3 wire unit).</summary>
    public int AdvertisementIntervalCentiseconds => (int)(AdvertisementInterval.Ticks / (TimeSpan.TicksPerMillisecond * 10));

    // keepalived 2.2.7 (vrrp_complete_instance, chk_min_cfg): an instance without an interface is unicast, with its
    // source address given and not IPv6 link-local; an address without a device has nowhere to go; vrf is only for it.
    private void ValidateNoInterface(string who)
    {
        if (Vrf is { } vrf && (vrf.Length == 0 || !HasNoInterface))
        {
            throw new ArgumentException(vrf.Length == 0
                ? $"{who}: the VRF name is empty."
                : $"{who}: a VRF is only for a router without an interface (one on an interface enslaved to a VRF runs in that VRF).", nameof(Vrf));
        }

        if (!HasNoInterface)
        {
            return;
        }

        if (_unicastPeers.Count == 0)
        {
            throw new ArgumentException($"{who}: a router without an interface must be unicast (give its unicast peers).", nameof(UnicastPeers));
        }

        if (SourceAddress is not { } source)
        {
            throw new ArgumentException($"{who}: a unicast router without an interface needs its source address (unicast_src_ip).", nameof(SourceAddress));
        }

        if (source.ToIPAddress().IsIPv6LinkLocal)
        {
            throw new ArgumentException($"{who}: a router without an interface needs a source address that is not IPv6 link-local, not {source}.", nameof(SourceAddress));
        }

        foreach (var address in _virtualAddresses.Concat(_excludedAddresses))
        {
            if (address.Device is null)
            {
                throw new ArgumentException($"{who}: the router has no interface, so the address {address} must name its device.", nameof(VirtualAddresses));
            }
        }
    }

    /// <summary>
    /// Whether two routers would answer to the same adverts, so their VRIDs must differ (per family): the same interface
    /// and namespace; without an interface, also the same VRF and source address (each such channel receives only the
    /// adverts sent to its own address).
    /// </summary>
    internal static bool SharesAdverts(VirtualRouterConfiguration a, VirtualRouterConfiguration b) =>
        a.VirtualRouterId == b.VirtualRouterId && a.Family == b.Family &&
        string.Equals(a.InterfaceName, b.InterfaceName, StringComparison.Ordinal) &&
        string.Equals(a.NetworkNamespace, b.NetworkNamespace, StringComparison.Ordinal) &&
        (!a.HasNoInterface || (string.Equals(a.Vrf, b.Vrf, StringComparison.Ordinal) && a.SourceAddress == b.SourceAddress));

    /// <summary>Checks every value and cross-field rule.</summary>
    /// <exception cref="ArgumentException">A value is invalid; the message names the instance and the setting.</exception>
    public void Validate()
    {
        string who = string.IsNullOrEmpty(Name) ? "A virtual router" : $"Virtual router '{Name}'";
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("A virtual router needs a name (for example VI_1).", nameof(Name));
        }

        if (InterfaceName is null || (InterfaceName.Length > 0 && string.IsNullOrWhiteSpace(InterfaceName)))
        {
            throw new ArgumentException($"{who} needs an interface name (or an empty one for a unicast router without an interface).", nameof(InterfaceName));
        }

        ValidateNoInterface(who);

        if (VirtualRouterId == 0)
        {
            throw new ArgumentException($"{who}: the virtual router id must be 1..255, not 0.", nameof(VirtualRouterId));
        }

        if (Priority == 0)
        {
            throw new ArgumentException($"{who}: the priority must be 1..255 (0 is reserved for a master that is leaving).", nameof(Priority));
        }

        if (ReceiveBufferSize < 0 || ReceiveBufferMtus < 0)
        {
            throw new ArgumentException($"{who}: the receive buffer's share must not be negative.", nameof(ReceiveBufferSize));
        }

        if (Version is not (VrrpVersion.V2 or VrrpVersion.V3))
        {
            throw new ArgumentException($"{who}: unknown version {Version}.", nameof(Version));
        }

        // RFC 3768 section 5.3.5 sets no lower bound; keepalived 2.2.7 runs a VRRPv2 instance without addresses (its
        // adverts carry a count of 0) but requires one for VRRPv3 (RFC 9568 section 5.2.5).
        if (_virtualAddresses.Count > 255 || (_virtualAddresses.Count == 0 && Version != VrrpVersion.V2))
        {
            throw new ArgumentException($"{who} needs 1..255 virtual addresses (0..255 with VRRPv2), not {_virtualAddresses.Count}.", nameof(VirtualAddresses));
        }

        var family = Family;
        foreach (var address in _virtualAddresses)
        {
            if (address.Family != family)
            {
                throw new ArgumentException($"{who}: the virtual addresses must all be of one family ({address} is not {family}).", nameof(VirtualAddresses));
            }
        }

        if (Version == VrrpVersion.V2)
        {
            // VRRPv2 over IPv6 is not in RFC 3768; keepalived 2.2.7 runs it (no authentication data on the wire), not with AH.
            if (family != VrrpAddressFamily.IPv4 && AuthenticationType == AuthenticationType.IPAuthenticationHeader)
            {
                throw new ArgumentException($"{who}: AH authentication is IPv4 only.", nameof(AuthenticationType));
            }

            if (AdvertisementInterval.Ticks % TimeSpan.TicksPerSecond != 0 || AdvertisementInterval < TimeSpan.FromSeconds(1) || AdvertisementInterval > TimeSpan.FromSeconds(255))
            {
                throw new ArgumentException($"{who}: a VRRPv2 advertisement interval must be whole seconds 1..255, not {AdvertisementInterval}.", nameof(AdvertisementInterval));
            }
        }
        else
        {
            if (AdvertisementInterval.Ticks % (TimeSpan.TicksPerMillisecond * 10) != 0 || AdvertisementInterval < TimeSpan.FromMilliseconds(10) || AdvertisementInterval > TimeSpan.FromMilliseconds(40950))
            {
                throw new ArgumentException($"{who}: a VRRPv3 advertisement interval must be 0.01..40.95 s in steps of 0.01 s, not {AdvertisementInterval}.", nameof(AdvertisementInterval));
            }

            if (AuthenticationType != AuthenticationType.None)
            {
                throw new ArgumentException($"{who}: VRRPv3 has no authentication (RFC 9568 removed it).", nameof(AuthenticationType));
            }
        }

        if (AuthenticationType is AuthenticationType.SimplePassword or AuthenticationType.IPAuthenticationHeader && string.IsNullOrEmpty(AuthenticationPassword))
        {
            throw new ArgumentException($"{who}: {(AuthenticationType == AuthenticationType.SimplePassword ? "simple password" : "AH")} authentication needs a password.", nameof(AuthenticationPassword));
        }

        if (AuthenticationType is not (AuthenticationType.None or AuthenticationType.SimplePassword or AuthenticationType.IPAuthenticationHeader))
        {
            throw new ArgumentException($"{who}: unknown authentication type {AuthenticationType}.", nameof(AuthenticationType));
        }

        if (PreemptDelay < TimeSpan.Zero || PreemptDelay > TimeSpan.FromSeconds(1000))
        {
            throw new ArgumentException($"{who}: the preempt delay must be 0..1000 s, not {PreemptDelay}.", nameof(PreemptDelay));
        }

        if (GarpMasterDelay < TimeSpan.Zero || GarpMasterRefresh < TimeSpan.Zero || GarpLowerPriorityDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"{who}: announcement delays must not be negative.", nameof(GarpMasterDelay));
        }

        if (GarpInterval < TimeSpan.Zero || GnaInterval < TimeSpan.Zero || GarpExtraInterfacesInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"{who}: announcement intervals must not be negative.", nameof(GarpInterval));
        }

        if (AnnouncementPacingGroups.Any(static g => g.GarpInterval < TimeSpan.Zero || g.GnaInterval < TimeSpan.Zero))
        {
            throw new ArgumentException($"{who}: announcement pacing group intervals must not be negative.", nameof(AnnouncementPacingGroups));
        }

        if (MulticastGroup is { } group)
        {
            Span<byte> bytes = stackalloc byte[16];
            group.WriteTo(bytes);
            bool valid = group.Family == VrrpAddressFamily.IPv4 ? (bytes[0] & 0xF0) == 0xE0 : bytes[0] == 0xFF && (bytes[1] & 0x0F) == 0x02;
            if (group.Family != family || !valid)
            {
                throw new ArgumentException(
                    $"{who}: the multicast group {group} must be an {family} multicast address{(family == VrrpAddressFamily.IPv6 ? " of link-local scope (ffX2::/16)" : " (224.0.0.0/4)")}.",
                    nameof(MulticastGroup));
            }
        }

        if (DownTimerAdvertisements is < 1 or > 100)
        {
            throw new ArgumentException($"{who}: the adverts before Master_Down (down_timer_adverts) must be 1..100, not {DownTimerAdvertisements}.", nameof(DownTimerAdvertisements));
        }

        if (GarpMasterRepeat < 0 || GarpMasterRefreshRepeat < 0 || GarpLowerPriorityRepeat < 0)
        {
            throw new ArgumentException($"{who}: announcement repeat counts must not be negative.", nameof(GarpMasterRepeat));
        }

        if (SourceAddress is { } source && source.Family != family)
        {
            throw new ArgumentException($"{who}: the source address {source} is not {family}.", nameof(SourceAddress));
        }

        foreach (var peer in _unicastPeers)
        {
            if (peer.Family != family)
            {
                throw new ArgumentException($"{who}: the unicast peer {peer} is not {family}.", nameof(UnicastPeers));
            }
        }

        foreach (var (peer, range) in _peerHopLimits)
        {
            if (!_unicastPeers.Contains(peer))
            {
                throw new ArgumentException($"{who}: a TTL range is given for {peer}, which is not a unicast peer.", nameof(PeerHopLimits));
            }

            if (range.Minimum > range.Maximum)
            {
                throw new ArgumentException($"{who}: min_ttl {range.Minimum} > max_ttl {range.Maximum} for {peer}: every advert would be dropped.", nameof(PeerHopLimits));
            }
        }

        for (int i = 0; i < _trackers.Count; i++)
        {
            var tracker = _trackers[i] ?? throw new ArgumentException($"{who}: tracker {i} is null.", nameof(Trackers));
            if (string.IsNullOrWhiteSpace(tracker.Name))
            {
                throw new ArgumentException($"{who}: tracker {i} has no name.", nameof(Trackers));
            }

            int limit = tracker.Kind is TrackerKind.File or TrackerKind.Process ? 254 : 253;
            if (tracker.Weight < -limit || tracker.Weight > limit)
            {
                throw new ArgumentException($"{who}: the weight of tracker '{tracker.Name}' must be -{limit}..{limit}, not {tracker.Weight}.", nameof(Trackers));
            }

            for (int j = 0; j < i; j++)
            {
                if (_trackers[j].Kind == tracker.Kind && string.Equals(_trackers[j].Name, tracker.Name, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"{who}: tracker '{tracker.Name}' is listed twice.", nameof(Trackers));
                }
            }
        }
    }
}

/// <summary>What a tracked object follows (keepalived's <c>track_*</c> keywords).</summary>
public enum TrackerKind
{
    /// <summary>Something whose up/down state the application pushes itself.</summary>
    External = 0,

    /// <summary>An interface (<c>track_interface</c>); the driver feeds its link state from the link monitor.</summary>
    Interface = 1,

    /// <summary>A check script (<c>track_script</c>): up while it succeeds.</summary>
    Script = 2,

    /// <summary>A health check of Microsoft.Extensions.Diagnostics.HealthChecks: up while healthy.</summary>
    HealthCheck = 3,

    /// <summary>A tracked file (<c>track_file</c>): its value is the number the file holds.</summary>
    File = 4,

    /// <summary>A tracked process (<c>track_process</c>): up while its quorum of processes runs.</summary>
    Process = 5,
}

/// <summary>
/// A tracked object: a kind, a name and a weight; its value is reported while the router runs. For every kind but
/// <see cref="TrackerKind.File"/> the value is 1 (up) or 0 (down): weight 0 puts the router in Fault while down, a
/// positive weight is added while up, a negative one while down. A file adds value x weight (weight 0: Fault on any
/// non-zero value; a contribution of -254 or less: Fault). The sum is clamped to 1..254; an owner (255) is never changed.
/// </summary>
/// <param name="kind">What it follows.</param>
/// <param name="name">Its name (for <see cref="TrackerKind.Interface"/>, the interface name).</param>
/// <param name="weight">-253..253 (a file: -254..254).</param>
/// <param name="initialValue">Its value before the first report: by default 1 (up), and 0 for a file.</param>
public sealed class TrackerConfiguration(TrackerKind kind, string name, int weight = 0, long? initialValue = null)
{
    /// <summary>What it follows.</summary>
    public TrackerKind Kind { get; } = kind;

    /// <summary>Its name (for <see cref="TrackerKind.Interface"/>, the interface name).</summary>
    public string Name { get; } = name;

    /// <summary>-253..253 (a file: -254..254).</summary>
    public int Weight { get; } = weight;

    /// <summary>Its value before the first report: by default 1 (up), and 0 for a file.</summary>
    public long? InitialValue { get; } = initialValue;

    /// <summary>
    /// keepalived's <c>reverse</c>: the object counts the other way round. With weight 0 the router is in Fault while the
    /// object is up (a file: while it holds 0); otherwise the contribution is negated (a positive weight is subtracted
    /// while up, a negative one added while down; a file adds -(value x weight)).
    /// </summary>
    public bool Reverse { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name} weight {Weight}{(Reverse ? " reverse" : "")}";
}
