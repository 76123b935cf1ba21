using Vrrp.Packets;

namespace Vrrp.Election;

/// <summary>
/// One VRRP virtual router (RFC 9568 section 6.4, RFC 3768 for v2, with keepalived's Fault state, trackers,
/// preemption knobs and announcement timers): a deterministic state machine with no I/O, no threads and no clock.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> Every input carries <c>now</c>, a monotonic time in nanoseconds from any origin (the core's time
/// unit; see <see cref="ProtocolTimers"/> for the exact arithmetic). Deadlines are absolute times on the same scale.</para>
/// <para><b>Call order.</b> Not thread-safe: one caller at a time.</para>
/// <list type="number">
/// <item><description>Construct with a validated configuration and the local (primary) address that adverts are sent from.</description></item>
/// <item><description>Optionally report the initial interface and tracker states (<see cref="SetInterfaceState"/>, <see cref="SetTrackerValue"/>), then call <see cref="Start"/>.</description></item>
/// <item><description>Feed inputs: <see cref="HandleAdvertisement"/> for every parsed advert of this VRID, <see cref="HandleTimeout"/> when
/// <see cref="NextTimeout"/> is reached (calling it early or twice is harmless), tracker and interface changes as they happen.</description></item>
/// <item><description>After ANY input, drain <see cref="TryPollAction"/> until it returns false and perform the actions in order, then read
/// <see cref="NextTimeout"/> and arm a timer for it.</description></item>
/// <item><description><see cref="Shutdown"/> at the end (a master sends priority 0 and gives up its addresses); <see cref="Start"/> may be called again.</description></item>
/// </list>
/// </remarks>
public sealed partial class VirtualRouter
{
    private const long Off = long.MaxValue;
    private const int MaxDelayedLowerPriorityBursts = 64;
    private static readonly IPAddressValue IPv4Group = IPAddressValue.FromIPv4([224, 0, 0, 18]);
    private static readonly IPAddressValue IPv6Group = IPAddressValue.FromIPv6([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12]);

    // Not readonly: Reconfigure (VirtualRouter.Reconfiguration.cs) replaces them in place on a configuration reload.
    private VirtualRouterConfiguration _config;
    private bool _oldUnicastChecksum;
    private IPAddressValue[] _advertised;
    private byte[] _password;
    private TrackedObjects _tracked;
    private IPAddressValue[] _destinations;
    private long _advertisementInterval;
    private long _preemptDelay;
    private long _garpMasterDelay;
    private long _garpMasterRefresh;
    private long _garpLowerPriorityDelay;
    private ushort _wireInterval;
    private bool _alwaysPreempt;
    private long _garpExtraInterfaces;

    // A step queues a few actions (a state change, an advert per destination, an announcement); the queue doubles the
    // first time a step needs more and keeps that size. Small to start: a daemon holds one per instance (255 x 128 bytes
    // per slot).
    private VirtualRouterAction[] _actions = new VirtualRouterAction[4];
    private int _actionHead;
    private int _actionCount;

    private VrrpState _state = VrrpState.Initialize;
    private byte _effectivePriority;
    private bool _interfaceUp = true;
    private bool _sourceAddressMissing;   // track_src_ip: the configured source address was deleted from the interface
    private bool _groupFault;
    private string? _addressFault;
    private long _masterAdvertisementInterval;
    private IPAddressValue? _masterAddress;
    private byte _masterPriority;
    private bool _addressMismatchReported;
    private long _masterSince;
    private long _lastLowerPriorityAnnouncement = long.MinValue;
    private IPAddressValue? _lastOwner;

    // auth_type AH (keepalived's ipsecah_counter): one sequence number for sending and receiving, and the "cycle" flag
    // set when it would pass 0xFFFFFFFD; the IPv4 identification of our adverts (never 0: the kernel would replace it).
    private uint _ahSequence;
    private bool _ahCycle;
    private ushort _ipIdentification;

    private long _advertisementDeadline = Off;
    private long _masterDownDeadline = Off;
    private long _preemptDeadline = Off;
    private long _secondBurstDeadline = Off;
    private long _refreshDeadline = Off;
    private long _lowerPriorityAnnounceDeadline = Off;   // the earliest of _lowerPriorityPending
    private readonly Queue<long> _lowerPriorityPending = new();   // delayed garp_lower_prio bursts, one per burst at once (keepalived: a timer each)
    private long _extraInterfacesDeadline = Off;

    /// <summary>Creates a virtual router in the Initialize state.</summary>
    /// <param name="configuration">The configuration; validated here.</param>
    /// <param name="localAddress">The primary address adverts are sent from (IPv6: the link-local address); used in tie-breaks, to recognise our own adverts, and in v3 checksums.</param>
    /// <exception cref="ArgumentNullException"><paramref name="configuration"/> is null.</exception>
    /// <exception cref="ArgumentException">The configuration is invalid, or the local address is not of its family.</exception>
    public VirtualRouter(VirtualRouterConfiguration configuration, IPAddressValue localAddress)
        : this(configuration)
    {
        SetLocalAddress(localAddress);
    }

    /// <summary>Creates a router whose local address is set before start by its router set (from its channel).</summary>
    internal VirtualRouter(VirtualRouterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Validate();
        MulticastGroup = configuration.MulticastGroup ?? (configuration.Family == VrrpAddressFamily.IPv4 ? IPv4Group : IPv6Group);
        ApplyConfiguration(configuration, new TrackedObjects(configuration.EffectiveTrackers));
        _masterAdvertisementInterval = _advertisementInterval;
        _effectivePriority = ComputeEffectivePriority();
    }

    /// <summary>The configuration.</summary>
    public VirtualRouterConfiguration Configuration => _config;

    /// <summary>The instance name.</summary>
    public string Name => _config.Name;

    /// <summary>The address adverts are sent from (the unspecified address until a router set has opened its channel).</summary>
    public IPAddressValue LocalAddress { get; private set; }

    /// <summary>The multicast group: the configured one, or the family's 224.0.0.18 or ff02::12.</summary>
    internal IPAddressValue MulticastGroup { get; }

    /// <summary>
    /// True while this VRRPv3/IPv4 router sends and accepts keepalived's old unicast checksum form (the pseudo-header
    /// destination is the multicast group): from the start with <see cref="OldUnicastChecksum.Always"/>, or once a unicast
    /// peer's advert had it with <see cref="OldUnicastChecksum.Auto"/> (as keepalived 2.2.7).
    /// </summary>
    public bool UsesOldUnicastChecksum => _oldUnicastChecksum;

    /// <summary>Where each advert goes: the multicast group, or every unicast peer.</summary>
    internal IReadOnlyList<IPAddressValue> Destinations => _destinations;

    /// <summary>The index of the router set's channel the router sends and receives on (0 outside a set).</summary>
    internal int ChannelIndex { get; set; }

    /// <summary>The router's position in its router set's deadline heap (-1 when not in it).</summary>
    internal int HeapIndex { get; set; } = -1;

    /// <summary>The current state.</summary>
    public VrrpState State => _state;

    /// <summary>The priority in use: the configured one adjusted by tracker weights and clamped to 1..254; 255 for an owner.</summary>
    public byte EffectivePriority => _effectivePriority;

    /// <summary>Master_Adver_Interval in nanoseconds: our own interval, or (v3) the one learned from the current master.</summary>
    internal long MasterAdvertisementInterval => _masterAdvertisementInterval;

    /// <summary>Our advertisement interval in nanoseconds.</summary>
    internal long AdvertisementInterval => _advertisementInterval;

    /// <summary>
    /// The current Master_Down_Interval in nanoseconds (from our priority and <see cref="MasterAdvertisementInterval"/>,
    /// with the Skew_Time of the configured version, and <see cref="VirtualRouterConfiguration.DownTimerAdvertisements"/>
    /// intervals: 3 unless keepalived's <c>down_timer_adverts</c> says otherwise).
    /// </summary>
    internal long MasterDownInterval => ProtocolTimers.MasterDownInterval(_config.Version, _effectivePriority, _masterAdvertisementInterval, _config.DownTimerAdvertisements);

    /// <summary>The master's address as far as we know: ours when master, the last accepted advert's source when backup, else null.</summary>
    public IPAddressValue? MasterAddress => _state == VrrpState.Master ? LocalAddress : _state == VrrpState.Backup ? _masterAddress : null;

    /// <summary>The priority of the master we follow (ours when master), or 0 when unknown.</summary>
    public byte MasterPriority => _state == VrrpState.Master ? _effectivePriority : _state == VrrpState.Backup && _masterAddress.HasValue ? _masterPriority : (byte)0;

    /// <summary>True while a fault condition of this router (interface down, a weight-0 tracker down) holds, or its sync group is in fault.</summary>
    public bool IsFaulted => HasOwnFault || _groupFault;

    /// <summary>True while a fault condition of this router itself holds (not counting its sync group).</summary>
    internal bool HasOwnFault => (!_interfaceUp && !_config.DontTrackPrimary) || _tracked.AnyFault() || _addressFault is not null || NoUnicastPeers || _sourceAddressMissing;

    /// <summary>unicast_fault_no_peer without peers: a fault for as long as the configuration has no unicast peer.</summary>
    private bool NoUnicastPeers => _config.FaultWithoutUnicastPeers && _config.UnicastPeers.Count == 0;

    /// <summary>The counters.</summary>
    internal VirtualRouterCounters Counters { get; } = new();

    /// <summary>The sync group this router belongs to, or null.</summary>
    internal SyncGroup? Group { get; set; }

    /// <summary>True in Backup while following a master this router must not preempt (higher or equal priority, or preemption off).</summary>
    internal bool IsFollowingMaster =>
        _state == VrrpState.Backup && _masterAddress.HasValue &&
        (_masterPriority >= _effectivePriority || !(_config.Preempt || _alwaysPreempt));

    /// <summary>The Master_Down_Timer deadline, or null when not running.</summary>
    internal long? MasterDownDeadline => _masterDownDeadline == Off ? null : _masterDownDeadline;

    /// <summary>The Adver_Timer deadline, or null when not running.</summary>
    internal long? AdvertisementDeadline => _advertisementDeadline == Off ? null : _advertisementDeadline;

    /// <summary>The earliest deadline (core nanoseconds) at which <see cref="HandleTimeout"/> must be called, or null when none.</summary>
    public long? NextTimeout
    {
        get
        {
            long next = Math.Min(
                Math.Min(_advertisementDeadline, _masterDownDeadline),
                Math.Min(Math.Min(_secondBurstDeadline, _extraInterfacesDeadline), Math.Min(_refreshDeadline, _lowerPriorityAnnounceDeadline)));
            return next == Off ? null : next;
        }
    }

    /// <summary>The length of our advertisement in bytes.</summary>
    /// <remarks>With <see cref="AuthenticationType.IPAuthenticationHeader"/> the advertisement is the whole IPv4 packet (header, AH, message).</remarks>
    public int AdvertisementLength => UsesAuthenticationHeader
        ? AuthenticationHeader.GetPacketLength(VrrpPacket.GetLength(_config.Version, _config.Family, _advertised.Length))
        : VrrpPacket.GetLength(_config.Version, _config.Family, _advertised.Length);

    /// <summary>Whether the router sends and expects an IP Authentication Header (keepalived <c>auth_type AH</c>).</summary>
    internal bool UsesAuthenticationHeader => _config.AuthenticationType == AuthenticationType.IPAuthenticationHeader;

    /// <summary>The AH sequence number: the last sent or accepted (keepalived's <c>ipsecah_counter</c>).</summary>
    internal uint AuthenticationSequence => _ahSequence;

    /// <summary>Total time spent as master up to <paramref name="now"/>, in nanoseconds.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>Nanoseconds.</returns>
    internal long GetTimeAsMaster(long now) =>
        Counters.CompletedMasterNanoseconds + (_state == VrrpState.Master ? Math.Max(0, now - _masterSince) : 0);

    /// <summary>Starts the router (RFC 9568 section 6.4.1): the owner goes straight to Master, everyone else to Backup (or to Fault when a fault is present).</summary>
    /// <param name="now">The current time.</param>
    /// <exception cref="InvalidOperationException">The router is already running.</exception>
    public void Start(long now)
    {
        if (_state is not (VrrpState.Initialize or VrrpState.Stopped))
        {
            throw new InvalidOperationException($"Virtual router '{Name}' is already running ({_state}).");
        }

        ClearTimers();
        _masterAddress = null;
        _addressMismatchReported = false;
        if (IsFaulted)
        {
            SetState(VrrpState.Fault, StateChangeReason.FaultDetected, now);
            return;
        }

        EnterAfterStartup(now, _config.IsAddressOwner ? StateChangeReason.OwnerStartup : StateChangeReason.Startup);
    }

    /// <summary>Handles a parsed advertisement (validation steps 6-8, 10 and 11 of the receive order, then the state machine).</summary>
    /// <param name="advertisement">The advert, parsed and checked by the codec.</param>
    /// <param name="now">The current time.</param>
    /// <returns><see cref="DropReason.None"/> when accepted (also when ignored because not running or in Fault); otherwise why it was dropped (already counted).</returns>
    public DropReason HandleAdvertisement(in Advertisement advertisement, long now)
    {
        if (_state is VrrpState.Initialize or VrrpState.Stopped)
        {
            return DropReason.None;
        }

        DropReason reason = Validate(in advertisement);
        if (reason != DropReason.None)
        {
            Counters.CountDrop(reason);
            return reason;
        }

        Counters.AdvertisementsReceived++;
        byte priority = advertisement.Priority;
        if (priority == 0)
        {
            Counters.PriorityZeroReceived++;
        }

        if (_config.IsAddressOwner)
        {
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.OwnerReceivedAdvertisement, Peer = advertisement.Source, PeerPriority = priority, Time = now });
        }
        else if (priority == 255)
        {
            // RFC 9568 8.3.2: two routers claiming the addresses is a misconfiguration worth a line, once per pair.
            if (_lastOwner is { } other && other != advertisement.Source)
            {
                Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.MultipleOwners, Peer = advertisement.Source, OtherPeer = other, PeerPriority = priority, Time = now });
            }

            _lastOwner = advertisement.Source;
        }

        if (_config.CheckAddressList)
        {
            CheckAddressList(in advertisement, now);
        }

        if (_state == VrrpState.Backup)
        {
            OnAdvertisementAsBackup(in advertisement, now);
        }
        else if (_state == VrrpState.Master)
        {
            OnAdvertisementAsMaster(in advertisement, now);
        }

        return DropReason.None;
    }

    /// <summary>Fires every deadline that is due. Calling it early, late or repeatedly is harmless.</summary>
    /// <param name="now">The current time.</param>
    public void HandleTimeout(long now)
    {
        if (_state == VrrpState.Backup)
        {
            if (_masterDownDeadline <= now)
            {
                if (Group is { } group && !group.AllowsTakeover(this))
                {
                    // keepalived's sync rule: do not take over while another member follows a master it must not
                    // preempt; the group would only flap. Check again after another Master_Down_Interval.
                    _masterDownDeadline = now + MasterDownInterval;
                    return;
                }

                BecomeMaster(now, StateChangeReason.MasterDownTimerExpired);
            }

            return;
        }

        if (_state != VrrpState.Master)
        {
            return;
        }

        if (_advertisementDeadline <= now)
        {
            SendAdvertisement(_effectivePriority, now);

            // Keep the phase (no drift under load), but never send a burst to catch up.
            _advertisementDeadline += _advertisementInterval;
            if (_advertisementDeadline <= now)
            {
                _advertisementDeadline = now + _advertisementInterval;
            }
        }

        if (_secondBurstDeadline <= now)
        {
            _secondBurstDeadline = Off;
            Announce(AnnouncementReason.SecondBurst, _config.GarpMasterRepeat, now);
        }

        if (_refreshDeadline <= now)
        {
            _refreshDeadline = now + _garpMasterRefresh;
            Announce(AnnouncementReason.Refresh, _config.GarpMasterRefreshRepeat, now);
        }

        while (_lowerPriorityAnnounceDeadline <= now)
        {
            _lowerPriorityPending.Dequeue();
            _lowerPriorityAnnounceDeadline = _lowerPriorityPending.Count > 0 ? _lowerPriorityPending.Peek() : Off;
            Announce(AnnouncementReason.LowerPriorityAdvertisement, _config.GarpLowerPriorityRepeat, now);
        }

        if (_extraInterfacesDeadline <= now)
        {
            _extraInterfacesDeadline = now + _garpExtraInterfaces;
            Announce(AnnouncementReason.ExtraInterfaces, 1, now);
        }
    }

    /// <summary>Shuts the router down: a master sends priority 0 and removes its addresses; the state becomes Stopped.</summary>
    /// <param name="now">The current time.</param>
    public void Shutdown(long now)
    {
        if (_state is VrrpState.Initialize or VrrpState.Stopped)
        {
            return;
        }

        if (_state == VrrpState.Master)
        {
            SendAdvertisement(0, now);
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.RemoveAddresses, Time = now });
        }

        SetState(VrrpState.Stopped, StateChangeReason.Shutdown, now);
        ClearTimers();
    }

    private void OnAdvertisementAsBackup(in Advertisement advertisement, long now)
    {
        byte priority = advertisement.Priority;
        if (priority == 0)
        {
            // RFC 9568 6.4.2 (RFC 3768 6.4.2): the master is leaving; take over after Skew_Time only (never when drained).
            _masterDownDeadline = _drained ? Off : now + ProtocolTimers.SkewTime(_config.Version, _effectivePriority, _masterAdvertisementInterval);
            _masterAddress = null;
            return;
        }

        // A drained router never preempts: it follows whichever master it hears, so its status names that master.
        bool accept = _drained || priority >= _effectivePriority || !(_config.Preempt || _alwaysPreempt);
        if (!accept && _preemptDelay > 0 && !_alwaysPreempt)
        {
            // keepalived preempt_delay: keep following a lower-priority master for this long after first seeing it.
            if (_preemptDeadline == Off)
            {
                _preemptDeadline = now + _preemptDelay;
            }

            accept = now < _preemptDeadline;
        }

        if (!accept)
        {
            // Lower priority with preemption on: discard; the Master_Down_Timer runs out and we take over.
            return;
        }

        if (priority >= _effectivePriority)
        {
            _preemptDeadline = Off;
        }

        LearnInterval(in advertisement);
        _masterAddress = advertisement.Source;
        _masterPriority = priority;
        _masterDownDeadline = _drained ? Off : now + MasterDownInterval;
    }

    private void OnAdvertisementAsMaster(in Advertisement advertisement, long now)
    {
        byte priority = advertisement.Priority;
        if (priority == 0)
        {
            // RFC 9568 6.4.3: a leaving master: answer at once so the backups keep following us.
            SendAdvertisement(_effectivePriority, now);
            _advertisementDeadline = now + _advertisementInterval;
            return;
        }

        if (priority > _effectivePriority || (priority == _effectivePriority && advertisement.Source > LocalAddress))
        {
            _ahCycle = false;
            if (_config.HigherPrioritySendAdvertisement)
            {
                // keepalived higher_prio_send_advert: one last advert at our (lower) priority, so that the other master,
                // if it was one too, hears a lower priority and re-announces its addresses.
                SendAdvertisement(_effectivePriority, now);
            }

            LearnInterval(in advertisement);
            StepDownToBackup(now, StateChangeReason.HigherPriorityAdvertisement, advertisement.Source, priority);
            _masterAddress = advertisement.Source;
            _masterPriority = priority;
            return;
        }

        // Lower priority (or equal from a lower address): the sender acts as master too. Discard it, and (RFC 9568)
        // advertise at once so the other side steps down fast; re-announce our addresses to heal the ARP caches it
        // poisoned, as keepalived 2.2.7 does (vrrp_state_master_rx): garp_lower_prio_repeat announcements at once, and
        // as many again garp_lower_prio_delay later when the delay is not zero. keepalived does it for every such advert;
        // here at most once per half advertisement interval of ours (the same for a peer that advertises at our rate,
        // with room for jitter, and a bound when a hostile host floods us with them); each burst at once has its
        // delayed one (at most 64 pending). lower_prio_no_advert (LowerPriorityNoAdvertisement) skips the answer.
        if (advertisement.HasAuthenticationHeader)
        {
            // keepalived (vrrp_state_master_rx): with AH, continue from the other master's sequence number.
            _ahSequence = advertisement.AuthenticationSequence + 1;
            _ahCycle = false;
        }

        Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.LowerPriorityAdvertisementDiscarded, Peer = advertisement.Source, PeerPriority = priority, Priority = _effectivePriority, Interval = advertisement.Interval, Time = now });
        if (!_config.LowerPriorityNoAdvertisement)
        {
            SendAdvertisement(_effectivePriority, now);
            _advertisementDeadline = now + _advertisementInterval;
        }

        if (_config.GarpLowerPriorityRepeat > 0 &&
            (_lastLowerPriorityAnnouncement == long.MinValue || now - _lastLowerPriorityAnnouncement >= _advertisementInterval / 2))
        {
            _lastLowerPriorityAnnouncement = now;
            Announce(AnnouncementReason.LowerPriorityAdvertisement, _config.GarpLowerPriorityRepeat, now);
            if (_garpLowerPriorityDelay > 0 && _lowerPriorityPending.Count < MaxDelayedLowerPriorityBursts)
            {
                _lowerPriorityPending.Enqueue(now + _garpLowerPriorityDelay);
                _lowerPriorityAnnounceDeadline = _lowerPriorityPending.Peek();
            }
        }
    }

    private void LearnInterval(in Advertisement advertisement)
    {
        if (_config.Version != VrrpVersion.V3)
        {
            return;
        }

        long learned = advertisement.Interval * ProtocolTimers.NanosecondsPerCentisecond;
        if (learned != _masterAdvertisementInterval)
        {
            // RFC 9568 7.1: a backup that learns another interval SHOULD log it (once per change).
            Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.IntervalLearned, Peer = advertisement.Source, Interval = advertisement.Interval, PeerPriority = advertisement.Priority });
        }

        _masterAdvertisementInterval = learned;
    }

    private void EnterAfterStartup(long now, StateChangeReason reason)
    {
        _masterAdvertisementInterval = _advertisementInterval;
        if (_config.IsAddressOwner && !_drained)
        {
            BecomeMaster(now, reason);
            return;
        }

        ClearTimers();
        _masterAddress = null;
        _masterDownDeadline = _drained ? Off : now + MasterDownInterval;
        SetState(VrrpState.Backup, reason, now);
    }

    private void BecomeMaster(long now, StateChangeReason reason)
    {
        if (_ahCycle)
        {
            // keepalived: a master whose AH sequence number ran out starts again from 0 (the old master is gone).
            _ahCycle = false;
            _ahSequence = 0;
        }

        ClearTimers();
        SetState(VrrpState.Master, reason, now);
        Counters.BecameMaster++;
        _masterSince = now;
        _masterAddress = null;
        _masterAdvertisementInterval = _advertisementInterval;
        SendAdvertisement(_effectivePriority, now);
        Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.AddAddresses, Time = now });
        _advertisementDeadline = now + _advertisementInterval;
        if (_config.GarpMasterRepeat > 0)
        {
            Announce(AnnouncementReason.Takeover, _config.GarpMasterRepeat, now);
            if (_garpMasterDelay > 0)
            {
                _secondBurstDeadline = now + _garpMasterDelay;
            }

            if (_garpMasterRefresh > 0 && _config.GarpMasterRefreshRepeat > 0)
            {
                _refreshDeadline = now + _garpMasterRefresh;
            }
        }

        if (_garpExtraInterfaces > 0)
        {
            _extraInterfacesDeadline = now + _garpExtraInterfaces;
        }
    }

    private void StepDownToBackup(long now, StateChangeReason reason, IPAddressValue peer, byte peerPriority)
    {
        ClearTimers();
        SetState(VrrpState.Backup, reason, now, peer, peerPriority);
        Enqueue(new VirtualRouterAction { Kind = VirtualRouterActionKind.RemoveAddresses, Time = now });
        _masterDownDeadline = _drained ? Off : now + MasterDownInterval;
    }

    private void SetState(VrrpState to, StateChangeReason reason, long now, IPAddressValue peer = default, byte peerPriority = 0)
    {
        var from = _state;
        if (from == VrrpState.Master && to != VrrpState.Master)
        {
            Counters.CompletedMasterNanoseconds += Math.Max(0, now - _masterSince);
        }

        _state = to;
        Counters.Transitions++;
        Enqueue(new VirtualRouterAction
        {
            Kind = VirtualRouterActionKind.StateChanged,
            From = from,
            To = to,
            Reason = reason,
            Priority = _effectivePriority,
            Peer = peer,
            PeerPriority = peerPriority,
            Time = now,
        });
    }

    private void ClearTimers()
    {
        _advertisementDeadline = Off;
        _masterDownDeadline = Off;
        _preemptDeadline = Off;
        _secondBurstDeadline = Off;
        _refreshDeadline = Off;
        _lowerPriorityAnnounceDeadline = Off;
        _lowerPriorityPending.Clear();
        _extraInterfacesDeadline = Off;
    }
}
