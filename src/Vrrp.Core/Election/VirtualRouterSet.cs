using Vrrp.Packets;

namespace Vrrp.Election;

/// <summary>
/// All the virtual routers of one driver, with no I/O (quinn-proto's <c>Endpoint</c> beside its connections): it groups
/// them into channels (one per namespace, interface, address family and source address), hands each received datagram
/// to the router of its VRID, runs sync groups, counts the drops that belong to no router, and knows the earliest
/// deadline of all its routers. Its actions are the routers' actions, each tagged with its router and channel, and
/// each advert with its destination (one per unicast peer).
/// </summary>
/// <remarks>
/// <para><b>Time</b> is nanoseconds on any monotonic clock, as for <see cref="VirtualRouter"/>.</para>
/// <para><b>Call order.</b> Not thread-safe: one caller at a time.</para>
/// <list type="number">
/// <item><description><see cref="Add"/> the routers (and <see cref="AddSyncGroup"/>); open a transport channel for each entry
/// of the <see cref="ChannelCount"/> channels (<see cref="GetChannel"/>) and give its address with <see cref="SetLocalAddress"/>; then <see cref="Start"/>.</description></item>
/// <item><description>Feed inputs: <see cref="HandleDatagram"/> for every datagram received on a channel, <see cref="HandleTimeout"/>
/// when <see cref="NextTimeout"/> is reached (early or repeated calls are harmless), <see cref="SetInterfaceState"/> and
/// <see cref="SetTrackerValue"/> as links and trackers change.</description></item>
/// <item><description>After ANY input, drain <see cref="TryPollAction"/> and perform the actions in order, then sleep until
/// <see cref="NextTimeout"/>.</description></item>
/// <item><description><see cref="Shutdown"/> at the end (masters send priority 0 and give up their addresses), and drain once more.</description></item>
/// </list>
/// <para>Routers can be added, removed and reconfigured while running (a configuration reload): a router added late
/// starts at the next <see cref="Start"/> call, once its channel has a local address (a new channel gets an index at
/// <see cref="ChannelCount"/> and up: open it); <see cref="Reconfigure"/> changes one in place, keeping its state.</para>
/// </remarks>
public sealed partial class VirtualRouterSet
{
    private static readonly int ReasonCount = Enum.GetValues<DropReason>().Length + 1;

    private readonly List<VirtualRouter> _routers = [];
    private readonly List<ChannelState> _channels = [];
    private readonly Dictionary<string, VirtualRouter> _byName = new(StringComparer.Ordinal);
    private readonly DeadlineHeap _deadlines = new();
    private readonly List<VirtualRouter> _due = [];
    private VirtualRouterAction[] _actions = new VirtualRouterAction[64];
    private int _actionHead;
    private int _actionCount;

    /// <summary>The routers, in the order they were added.</summary>
    public IReadOnlyList<VirtualRouter> Routers => _routers;

    /// <summary>The number of channels the routers need; an action's <see cref="VirtualRouterAction.Channel"/> is an index below it (see <see cref="GetChannel"/>).</summary>
    public int ChannelCount => _channels.Count;

    /// <summary>The earliest deadline of all routers (core nanoseconds), at which <see cref="HandleTimeout"/> must be called; null when none.</summary>
    public long? NextTimeout => _deadlines.Count == 0 ? null : _deadlines.PeekDeadline();

    /// <summary>Finds a router by instance name.</summary>
    /// <param name="name">The instance name.</param>
    /// <returns>The router, or null.</returns>
    public VirtualRouter? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>The options of one channel.</summary>
    /// <param name="channel">Its index.</param>
    /// <returns>The options to open it with.</returns>
    public VrrpChannelOptions GetChannel(int channel) => _channels[channel].Options;

    /// <summary>The local address of a channel, once set.</summary>
    /// <param name="channel">Its index.</param>
    /// <returns>The address, or null before <see cref="SetLocalAddress"/>.</returns>
    internal IPAddressValue? GetLocalAddress(int channel) => _channels[channel].LocalAddress;

    /// <summary>Adds a router (before or after <see cref="Start"/>); it joins a channel, a new one if no other router's fits.</summary>
    /// <param name="configuration">Its configuration (validated here).</param>
    /// <returns>The router.</returns>
    /// <exception cref="ArgumentException">The configuration is invalid, or its name or its VRID on that channel's interface and family is taken.</exception>
    public VirtualRouter Add(VirtualRouterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Validate();
        if (_byName.ContainsKey(configuration.Name))
        {
            throw new ArgumentException($"An instance named '{configuration.Name}' already exists.", nameof(configuration));
        }

        foreach (var other in _routers)
        {
            var o = other.Configuration;
            if (VirtualRouterConfiguration.SharesAdverts(o, configuration))
            {
                throw new ArgumentException(
                    $"Instances '{o.Name}' and '{configuration.Name}' both use VRID {configuration.VirtualRouterId} for {configuration.Family} on {configuration.InterfaceName}.",
                    nameof(configuration));
            }
        }

        int index = FindOrAddChannel(configuration);
        var router = new VirtualRouter(configuration) { ChannelIndex = index };
        var channel = _channels[index];
        channel.ByVirtualRouterId[configuration.VirtualRouterId] = router;
        if (configuration.UnicastPeers.Count > 0)
        {
            channel.UnicastRouters++;
        }

        if (channel.LocalAddress is { } local)
        {
            router.SetLocalAddress(configuration.SourceAddress ?? local);
        }

        _routers.Add(router);
        _byName.Add(configuration.Name, router);
        return router;
    }

    /// <summary>
    /// Removes a router: shuts it down first (a master sends priority 0 and gives up its addresses; drain the actions),
    /// then forgets it. A router in a sync group cannot be removed.
    /// </summary>
    /// <param name="name">The instance name.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when there is no such router.</returns>
    /// <exception cref="InvalidOperationException">The router is in a sync group.</exception>
    public bool Remove(string name, long now)
    {
        if (Find(name) is not { } router)
        {
            return false;
        }

        if (router.Group is { } group)
        {
            throw new InvalidOperationException($"'{name}' is in sync group '{group.Name}'; remove the group's members together.");
        }

        router.Shutdown(now);
        Pump(router, now);
        _deadlines.Remove(router);
        var channel = _channels[router.ChannelIndex];
        channel.ByVirtualRouterId[router.Configuration.VirtualRouterId] = null;
        if (router.Configuration.UnicastPeers.Count > 0)
        {
            channel.UnicastRouters--;
        }

        _routers.Remove(router);
        _byName.Remove(name);
        return true;
    }

    /// <summary>Groups routers so that they change state together (keepalived <c>vrrp_sync_group</c>); before they start.</summary>
    /// <param name="name">The group name.</param>
    /// <param name="members">The instance names of two or more routers of this set, each in at most one group.</param>
    /// <param name="trackingWeight">keepalived's <c>sync_group_tracking_weight</c>: apply the members' tracker weights (by default they are ignored and any failing tracker means Fault).</param>
    /// <exception cref="ArgumentException">Fewer than two members, an unknown or repeated member, or one already grouped.</exception>
    public void AddSyncGroup(string name, IEnumerable<string> members, bool trackingWeight = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        var routers = new List<VirtualRouter>();
        foreach (string member in members)
        {
            routers.Add(Find(member) ?? throw new ArgumentException($"Sync group '{name}': there is no instance '{member}'.", nameof(members)));
        }

        _ = new SyncGroup(name, routers, trackingWeight);
    }

    /// <summary>Sets the address a channel sends from (the transport's choice: the interface's primary or link-local address).</summary>
    /// <param name="channel">The channel's index.</param>
    /// <param name="address">The address.</param>
    public void SetLocalAddress(int channel, IPAddressValue address)
    {
        var state = _channels[channel];
        state.LocalAddress = address;
        foreach (var router in state.ByVirtualRouterId)
        {
            router?.SetLocalAddress(router.Configuration.SourceAddress ?? address);
        }
    }

    /// <summary>Starts every router that is not running yet and whose channel has a local address.</summary>
    /// <param name="now">The current time.</param>
    public void Start(long now)
    {
        foreach (var router in _routers)
        {
            // A router whose channel is not open yet (its interface does not exist: keepalived dynamic_interfaces) starts
            // only into Fault, where it sends nothing; it runs once the channel has its address.
            if (router.State is VrrpState.Initialize && (_channels[router.ChannelIndex].LocalAddress is not null || router.IsFaulted))
            {
                router.Start(now);
                Pump(router, now);
            }
        }
    }

    /// <summary>Shuts every router down (masters send priority 0 and give up their addresses).</summary>
    /// <param name="now">The current time.</param>
    public void Shutdown(long now)
    {
        foreach (var router in _routers)
        {
            router.Shutdown(now);
            Pump(router, now);
        }
    }

    /// <summary>
    /// Handles a datagram received on a channel: parses and checks it (the codec's receive order), hands it to the
    /// router of its VRID, and counts it when it is dropped.
    /// </summary>
    /// <param name="channel">The channel's index.</param>
    /// <param name="bytes">The datagram (with its IPv4 header when <see cref="ReceivedDatagram.IncludesIPv4Header"/>).</param>
    /// <param name="datagram">Its metadata.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The router it was for (or null when none), and why it was dropped (<see cref="DropReason.None"/> when accepted).</returns>
    public DatagramResult HandleDatagram(int channel, ReadOnlySpan<byte> bytes, in ReceivedDatagram datagram, long now)
    {
        var state = _channels[channel];
        bool parsed;
        Advertisement advertisement;
        DropReason reason;
        try
        {
            // A channel with unicast routers leaves the TTL to each router (a unicast peer may be routed hops away).
            bool checkHopLimit = state.UnicastRouters == 0;
            // keepalived's old unicast checksum form uses the instance's IPv4 group: the router of the VRID says which.
            // A VRRPv2 router without virtual addresses (keepalived runs one) takes adverts with a count of 0.
            int vridOffset = datagram.IncludesIPv4Header && bytes.Length > 0 ? ((bytes[0] & 0x0F) * 4) + 1 : 1;
            var candidate = !state.Options.IPAuthenticationHeader && bytes.Length > vridOffset ? state.ByVirtualRouterId[bytes[vridOffset]] : null;
            var oldGroup = candidate?.MulticastGroup ?? VrrpPacket.DefaultIPv4Group;
            bool zeroCountAllowed = candidate is not null && candidate.Configuration.VirtualAddresses.Count == 0;
            parsed = state.Options.IPAuthenticationHeader
                ? datagram.IncludesIPv4Header
                    ? AuthenticationHeader.TryParseIPv4Packet(bytes, checkHopLimit, out advertisement, out reason)
                    : throw new ArgumentException("An AH channel delivers whole IPv4 packets.", nameof(datagram))
                : datagram.IncludesIPv4Header
                ? VrrpPacket.TryParseIPv4Packet(bytes, null, checkHopLimit, oldGroup, zeroCountAllowed, out advertisement, out reason)
                : VrrpPacket.TryParseMessage(bytes, state.Options.Family, datagram.Source, datagram.Destination, datagram.HopLimit, null, checkHopLimit, oldGroup, zeroCountAllowed, out advertisement, out reason);
        }
        catch (ArgumentException)
        {
            // Inconsistent metadata from the transport: count it as a bad IP header rather than stop receiving.
            parsed = false;
            advertisement = default;
            reason = DropReason.BadIPHeader;
        }

        if (!parsed)
        {
            int offset = (datagram.IncludesIPv4Header && bytes.Length > 0 ? (bytes[0] & 0x0F) * 4 : 0) +
                (state.Options.IPAuthenticationHeader ? AuthenticationHeader.Length : 0);
            var owner = bytes.Length > offset + 1 ? state.ByVirtualRouterId[bytes[offset + 1]] : null;
            if (owner is not null && owner.State is not (VrrpState.Initialize or VrrpState.Stopped))
            {
                owner.Counters.CountDrop(reason);
                return new DatagramResult(owner, reason, datagram.Source, 0);
            }

            state.CountDrop(reason);
            return new DatagramResult(null, reason, datagram.Source, 0);
        }

        var router = state.ByVirtualRouterId[advertisement.VirtualRouterId];
        if (router is null)
        {
            state.CountDrop(DropReason.UnknownVirtualRouterId);
            return new DatagramResult(null, DropReason.UnknownVirtualRouterId, advertisement.Source, advertisement.Interval) { VirtualRouterId = advertisement.VirtualRouterId };
        }

        reason = router.HandleAdvertisement(in advertisement, now);
        Pump(router, now);
        return new DatagramResult(router, reason, advertisement.Source, advertisement.Interval)
        {
            HopLimit = advertisement.HopLimit,
            PeerVersion = advertisement.Version,
            PeerAuthenticationType = (byte)advertisement.AuthenticationType,
        };
    }

    /// <summary>Fires every deadline that is due, in deadline order. Calling it early, late or repeatedly is harmless.</summary>
    /// <param name="now">The current time.</param>
    public void HandleTimeout(long now)
    {
        // Each due router once per call: its own handling moves its deadlines past now.
        _due.Clear();
        while (_deadlines.Count > 0 && _deadlines.PeekDeadline() <= now)
        {
            _due.Add(_deadlines.Pop());
        }

        foreach (var router in _due)
        {
            router.HandleTimeout(now);
            Pump(router, now);
        }

        // A router popped but left untouched by its group (it was pumped above) is back in the heap through Pump.
        _due.Clear();
    }

    /// <summary>Reports a link's state to every router: its own interface (down means Fault unless <c>dont_track_primary</c>) and tracked interfaces.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="up">True when up.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The routers whose own interface it is.</returns>
    public int SetInterfaceState(string interfaceName, bool up, long now)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        int own = 0;
        foreach (var router in _routers)
        {
            if (router.State is VrrpState.Stopped)
            {
                continue;
            }

            if (string.Equals(router.Configuration.InterfaceName, interfaceName, StringComparison.Ordinal))
            {
                router.SetInterfaceState(up, now);
                own++;
            }

            router.SetTrackerState(TrackerKind.Interface, interfaceName, up, now);
            Pump(router, now);
        }

        return own;
    }

    /// <summary>
    /// An address was added to or deleted from an interface: the routers that track it as their configured source
    /// address (<see cref="VirtualRouterConfiguration.TrackSourceAddress"/>) leave or enter Fault.
    /// </summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="address">The address.</param>
    /// <param name="present">True when added, false when deleted.</param>
    /// <param name="now">The current time.</param>
    internal void SetAddressPresent(string interfaceName, IPAddressValue address, bool present, long now)
    {
        foreach (var router in _routers)
        {
            var config = router.Configuration;
            if (router.State is not (VrrpState.Initialize or VrrpState.Stopped) && config.TrackSourceAddress && config.SourceAddress == address &&
                string.Equals(config.InterfaceName, interfaceName, StringComparison.Ordinal))
            {
                router.SetSourceAddressPresent(present, now);
                Pump(router, now);
            }
        }
    }

    /// <summary>Sets or clears (null) a router's address fault (see <see cref="VirtualRouter.SetAddressFault"/>).</summary>
    /// <param name="router">The router.</param>
    /// <param name="reason">Why, or null to clear it.</param>
    /// <param name="now">The current time.</param>
    internal void SetAddressFault(VirtualRouter router, string? reason, long now)
    {
        if (router.State is VrrpState.Initialize or VrrpState.Stopped && reason is not null)
        {
            return;
        }

        router.SetAddressFault(reason, now);
        Pump(router, now);
    }

    /// <summary>Reports a tracked object's value to one router, or to every router that tracks it.</summary>
    /// <param name="instance">The instance name, or null for every router.</param>
    /// <param name="kind">The object's kind.</param>
    /// <param name="name">Its name.</param>
    /// <param name="value">1 or 0 (up or down), or a tracked file's number.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when no router (of that name) tracks it.</returns>
    public bool SetTrackerValue(string? instance, TrackerKind kind, string name, long value, long now)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool any = false;
        foreach (var router in _routers)
        {
            if ((instance is null || string.Equals(router.Name, instance, StringComparison.Ordinal)) && router.SetTrackerValue(kind, name, value, now))
            {
                any = true;
                Pump(router, now);
            }
        }

        return any;
    }

    /// <summary>
    /// Drains a router (<see cref="VirtualRouter.Drain"/>): a master sends priority 0, gives up its addresses and
    /// stays Backup until <see cref="Resume"/>. In a sync group the other members follow it to Backup and none of
    /// them takes over while one is drained.
    /// </summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when there is no such router.</returns>
    public bool Drain(string instance, long now) => Control(instance, now, static (r, n, _) => r.Drain(n), 0);

    /// <summary>Ends a drain (<see cref="VirtualRouter.Resume"/>).</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when there is no such router.</returns>
    public bool Resume(string instance, long now) => Control(instance, now, static (r, n, _) => r.Resume(n), 0);

    /// <summary>Sets or clears a router's priority override (<see cref="VirtualRouter.SetPriorityOverride"/>).</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="priority">1..254, or null for the configured priority.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when there is no such router.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not 1..254.</exception>
    /// <exception cref="InvalidOperationException">The router is the address owner.</exception>
    public bool SetPriorityOverride(string instance, int? priority, long now) =>
        Control(instance, now, static (r, n, p) => r.SetPriorityOverride(p, n), priority);

    /// <summary>Takes the next action to perform, in order (all routers' actions interleaved as they happened).</summary>
    /// <param name="action">The action, tagged with its router and channel.</param>
    /// <returns>False when there is nothing (left) to do.</returns>
    public bool TryPollAction(out VirtualRouterAction action)
    {
        if (_actionCount == 0)
        {
            action = default;
            return false;
        }

        action = _actions[_actionHead];
        _actions[_actionHead] = default;
        _actionHead = (_actionHead + 1) % _actions.Length;
        _actionCount--;
        return true;
    }

    /// <summary>Drops that belong to no router (too short to read a VRID, an unknown VRID...) on every channel, by reason.</summary>
    /// <returns>The non-zero counts.</returns>
    public IReadOnlyDictionary<DropReason, long> GetUnattributedDrops()
    {
        var result = new Dictionary<DropReason, long>();
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            long count = 0;
            foreach (var channel in _channels)
            {
                count += channel.Drops[(int)reason];
            }

            if (count > 0)
            {
                result[reason] = count;
            }
        }

        return result;
    }

    private bool Control(string instance, long now, Action<VirtualRouter, long, int?> apply, int? argument)
    {
        if (Find(instance) is not { } router)
        {
            return false;
        }

        apply(router, now, argument);
        Pump(router, now);
        return true;
    }

    // Moves a router's actions to the set's queue in order, runs its sync group on each of its state changes (which
    // makes the other members act, pumped in turn), and updates its place in the deadline heap.
    private void Pump(VirtualRouter router, long now)
    {
        while (router.TryPollAction(out var action))
        {
            Enqueue(in action);
            if (action.Kind == VirtualRouterActionKind.StateChanged && router.Group is { } group)
            {
                group.OnMemberStateChanged(router, in action, now);
                foreach (var member in group.Members)
                {
                    if (!ReferenceEquals(member, router))
                    {
                        Pump(member, now);
                    }
                }
            }
        }

        _deadlines.Update(router, router.NextTimeout);
    }

    private int FindOrAddChannel(VirtualRouterConfiguration configuration)
    {
        bool unicast = configuration.UnicastPeers.Count > 0;
        bool authenticationHeader = configuration.AuthenticationType == AuthenticationType.IPAuthenticationHeader;
        for (int i = 0; i < _channels.Count; i++)
        {
            var o = _channels[i].Options;

            // AH adverts are another IP protocol (51): their own sockets, as keepalived opens them.
            if (o.IPAuthenticationHeader != authenticationHeader)
            {
                continue;
            }

            // The unicast TTL is a socket setting: unicast routers share a channel only with the same one; a multicast
            // router fits any (its adverts always leave with 255), but only a channel of its group (or of no group yet).
            if (unicast ? o.UnicastHopLimit != configuration.UnicastHopLimit
                : o.JoinMulticastGroup && o.MulticastGroup != configuration.MulticastGroup)
            {
                continue;
            }

            if (o.Family == configuration.Family && o.SourceAddress == configuration.SourceAddress &&
                string.Equals(o.InterfaceName, configuration.InterfaceName, StringComparison.Ordinal) &&
                string.Equals(o.Vrf, configuration.Vrf, StringComparison.Ordinal) &&
                string.Equals(o.NetworkNamespace, configuration.NetworkNamespace, StringComparison.Ordinal))
            {
                if (!unicast && !o.JoinMulticastGroup && _channels[i].LocalAddress is not null)
                {
                    // Already open without the multicast group (a router added by a reload): it needs a channel that joins.
                    continue;
                }

                if (!unicast && !o.JoinMulticastGroup)
                {
                    _channels[i].Options = o = o with { JoinMulticastGroup = true, MulticastGroup = configuration.MulticastGroup };
                }

                if (configuration.ReceiveBufferSize != 0 || configuration.ReceiveBufferMtus != 0)
                {
                    // keepalived adds each instance's share to its socket's receive buffer.
                    _channels[i].Options = o with
                    {
                        ReceiveBufferSize = SaturatingAdd(o.ReceiveBufferSize, configuration.ReceiveBufferSize),
                        ReceiveBufferMtus = SaturatingAdd(o.ReceiveBufferMtus, configuration.ReceiveBufferMtus),
                    };
                }

                return i;
            }
        }

        _channels.Add(new ChannelState(new VrrpChannelOptions
        {
            InterfaceName = configuration.InterfaceName,
            Vrf = configuration.Vrf,
            Family = configuration.Family,
            SourceAddress = configuration.SourceAddress,
            NetworkNamespace = configuration.NetworkNamespace,
            JoinMulticastGroup = !unicast,
            MulticastGroup = unicast ? null : configuration.MulticastGroup,
            UnicastHopLimit = unicast ? configuration.UnicastHopLimit : (byte)255,
            IPAuthenticationHeader = authenticationHeader,
            ReceiveBufferSize = configuration.ReceiveBufferSize,
            ReceiveBufferMtus = configuration.ReceiveBufferMtus,
        }));
        return _channels.Count - 1;
    }

    private static int SaturatingAdd(int a, int b) => (int)Math.Clamp((long)a + b, 0, int.MaxValue);

    private void Enqueue(in VirtualRouterAction action)
    {
        if (_actionCount == _actions.Length)
        {
            var bigger = new VirtualRouterAction[_actions.Length * 2];
            for (int i = 0; i < _actionCount; i++)
            {
                bigger[i] = _actions[(_actionHead + i) % _actions.Length];
            }

            _actions = bigger;
            _actionHead = 0;
        }

        _actions[(_actionHead + _actionCount) % _actions.Length] = action;
        _actionCount++;
    }

    private sealed class ChannelState(VrrpChannelOptions options)
    {
        public VrrpChannelOptions Options { get; set; } = options;

        public IPAddressValue? LocalAddress { get; set; }

        /// <summary>How many of its routers send to unicast peers (then the TTL check is each router's).</summary>
        public int UnicastRouters { get; set; }

        public VirtualRouter?[] ByVirtualRouterId { get; } = new VirtualRouter?[256];

        public long[] Drops { get; } = new long[ReasonCount];

        public void CountDrop(DropReason reason) => Drops[(uint)reason < (uint)Drops.Length ? (int)reason : Drops.Length - 1]++;
    }
}

/// <summary>What became of a received datagram.</summary>
/// <param name="router">The router it was for (by its VRID), or null when no router of the channel has that VRID or none could be read.</param>
/// <param name="reason">Why it was dropped, or <see cref="DropReason.None"/> when accepted.</param>
/// <param name="source">Its IP source.</param>
/// <param name="interval">The advertisement interval it carried (centiseconds in v3, seconds in v2), or 0 when unparsed.</param>
public readonly struct DatagramResult(VirtualRouter? router, DropReason reason, IPAddressValue source, int interval)
{
    /// <summary>The router it was for (by its VRID), or null when no router of the channel has that VRID or none could be read.</summary>
    public VirtualRouter? Router { get; } = router;

    /// <summary>Why it was dropped, or <see cref="DropReason.None"/> when accepted.</summary>
    public DropReason Reason { get; } = reason;

    /// <summary>Its IP source.</summary>
    public IPAddressValue Source { get; } = source;

    /// <summary>The advertisement interval it carried (centiseconds in v3, seconds in v2), or 0 when unparsed.</summary>
    public int Interval { get; } = interval;

    /// <summary>The TTL / hop limit it arrived with when it was parsed and handed to a router, else -1.</summary>
    public int HopLimit { get; init; } = -1;

    /// <summary>The VRID of an advert that no router of the channel has (<see cref="DropReason.UnknownVirtualRouterId"/>); 0 otherwise.</summary>
    public byte VirtualRouterId { get; init; }
    /// <summary>The version the advert carried when it was parsed and handed to its router (default otherwise).</summary>
    internal VrrpVersion PeerVersion { get; init; }

    /// <summary>The advert's VRRPv2 authentication type field, as received (for the log line of <see cref="DropReason.AuthenticationUnsupported"/>).</summary>
    internal byte PeerAuthenticationType { get; init; }
}
