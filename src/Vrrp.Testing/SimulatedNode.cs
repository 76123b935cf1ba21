using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Runtime;

namespace Vrrp.Testing;

/// <summary>
/// A host on a <see cref="VirtualLan"/>: one interface (<c>eth0</c>), an address table, and a real
/// <see cref="VrrpDriver"/> running its virtual routers over in-memory implementations of the platform abstractions.
/// </summary>
public sealed class SimulatedNode
{
    /// <summary>The name of the node's interface.</summary>
    public const string InterfaceName = "eth0";

    private readonly List<SimulatedRouter> _routers = [];
    private readonly List<(string Name, SimulatedRouter[] Members, bool TrackingWeight)> _syncGroups = [];
    private readonly HashSet<(string Interface, IPAddressValue Address)> _addresses = [];
    private readonly List<Channel<LinkEvent>> _watchers = [];
    private readonly Services _services;
    private AsyncVrrpDriver? _driver;
    private bool _linkUp = true;

    internal SimulatedNode(VirtualLan lan, string name, IPAddressValue address, IPAddressValue linkLocalAddress)
    {
        Lan = lan;
        Name = name;
        Address = address;
        LinkLocalAddress = linkLocalAddress;
        Index = lan.Nodes.Count;
        _services = new Services(this);
    }

    /// <summary>The LAN.</summary>
    public VirtualLan Lan { get; }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>The node's primary IPv4 address (the source of its IPv4 adverts).</summary>
    public IPAddressValue Address { get; }

    /// <summary>The node's IPv6 link-local address (the source of its IPv6 adverts).</summary>
    public IPAddressValue LinkLocalAddress { get; }

    /// <summary>The driver of the current run, or null before the first start.</summary>
    public AsyncVrrpDriver? Driver => _driver;

    /// <summary>True between a start and a stop, crash or power-off.</summary>
    public bool IsRunning { get; private set; }

    /// <summary>True while the node's link is up.</summary>
    public bool IsLinkUp => _linkUp;

    /// <summary>The node's virtual routers.</summary>
    public IReadOnlyList<SimulatedRouter> Routers => _routers;

    /// <summary>The virtual addresses on the node's interfaces now.</summary>
    public IReadOnlyCollection<IPAddressValue> Addresses
    {
        get
        {
            lock (_addresses)
            {
                return [.. _addresses.Select(a => a.Address)];
            }
        }
    }

    /// <summary>How many announcements (per address, per burst repeat) the node has sent.</summary>
    public int Announcements { get; private set; }

    internal int Index { get; }

    /// <summary>The node's in-memory platform, for a driver run by the hosting layer (<c>services.AddVrrp().UseInMemoryLan(lan)</c>) instead of the node's own.</summary>
    /// <returns>The platform (transport, address table, announcer and link monitor of this node).</returns>
    internal VrrpPlatform CreatePlatform() => new($"InMemoryLan({Name})", _services, _services, _services, _services);

    /// <summary>Tells whether the node holds an address.</summary>
    /// <param name="address">The address.</param>
    /// <returns>True when it is on one of the node's interfaces.</returns>
    public bool HasAddress(IPAddressValue address)
    {
        lock (_addresses)
        {
            foreach (var entry in _addresses)
            {
                if (entry.Address == address)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Adds a virtual router to the node (while it is not running; it joins at the next start).</summary>
    /// <param name="configuration">The configuration; its interface name is used as given (use <see cref="InterfaceName"/>).</param>
    /// <returns>The router.</returns>
    public SimulatedRouter AddRouter(VirtualRouterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Validate();
        if (IsRunning)
        {
            throw new InvalidOperationException($"Node '{Name}' is running; add routers before starting it.");
        }

        var router = new SimulatedRouter(this, configuration);
        _routers.Add(router);
        return router;
    }

    /// <summary>Puts routers of this node in a sync group (effective from the next start).</summary>
    /// <param name="name">The group name.</param>
    /// <param name="members">Two or more routers of this node.</param>
    public void AddSyncGroup(string name, params SimulatedRouter[] members) => AddSyncGroup(name, false, members);

    /// <summary>Puts routers of this node in a sync group (effective from the next start).</summary>
    /// <param name="name">The group name.</param>
    /// <param name="trackingWeight">Apply the members' tracker weights (keepalived <c>sync_group_tracking_weight</c>).</param>
    /// <param name="members">Two or more routers of this node.</param>
    public void AddSyncGroup(string name, bool trackingWeight, params SimulatedRouter[] members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Any(m => m.Node != this))
        {
            throw new ArgumentException("Every member must be a router of this node.", nameof(members));
        }

        _syncGroups.Add((name, members, trackingWeight));
    }

    /// <summary>Starts the node: a new driver with all its routers (configured addresses left from a crash are removed first).</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when started.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Node '{Name}' is already running.");
        }

        var driver = new AsyncVrrpDriver(_services, _services, _services, _services, Lan.TimeProvider, Lan.LoggerFactory);
        foreach (var router in _routers)
        {
            driver.AddRouter(router.Configuration);
            foreach (var ((kind, tracker), value) in router.TrackerValues)
            {
                driver.SetTrackerValue(router.Name, kind, tracker, value);
            }
        }

        foreach (var (name, members, trackingWeight) in _syncGroups)
        {
            driver.AddSyncGroup(name, members.Select(m => m.Name), trackingWeight);
        }

        driver.AddObserver(new EventRecorder(this));
        _driver = driver;
        IsRunning = true;
        Lan.Record(this, LanEventKind.NodeLifecycle, "started");
        await driver.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the node gracefully (masters send priority 0 and remove their addresses).</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        await _driver!.StopAsync().ConfigureAwait(false);
        IsRunning = false;
        Lan.Record(this, LanEventKind.NodeLifecycle, "stopped");
    }

    /// <summary>Kills the node's VRRP process: nothing more is sent, and the addresses it held stay on the interface.</summary>
    /// <returns>A task that completes when it is dead.</returns>
    public async Task CrashAsync()
    {
        if (!IsRunning)
        {
            return;
        }

        await _driver!.AbortAsync().ConfigureAwait(false);
        IsRunning = false;
        Lan.Record(this, LanEventKind.NodeLifecycle, "crashed");
    }

    /// <summary>Turns the host off: the process dies and the interface loses every address.</summary>
    /// <returns>A task that completes when it is off.</returns>
    public async Task PowerOffAsync()
    {
        await CrashAsync().ConfigureAwait(false);
        lock (_addresses)
        {
            _addresses.Clear();
        }

        Lan.Record(this, LanEventKind.NodeLifecycle, "powered off");
    }

    /// <summary>Brings the node's link up or down (the driver's link monitor reports it: down means Fault).</summary>
    /// <param name="up">True for up.</param>
    public void SetLinkUp(bool up)
    {
        if (_linkUp == up)
        {
            return;
        }

        _linkUp = up;
        Lan.Record(this, LanEventKind.LinkChanged, up ? "up" : "down");
        Publish(new LinkEvent(InterfaceName, up ? LinkEventKind.Up : LinkEventKind.Down));
    }

    /// <summary>Removes an address behind the driver's back (as an administrator or another program would).</summary>
    /// <param name="address">The address.</param>
    public void RemoveAddressExternally(IPAddressValue address)
    {
        bool removed;
        lock (_addresses)
        {
            removed = _addresses.RemoveWhere(a => a.Address == address) > 0;
        }

        if (removed)
        {
            Lan.Record(this, LanEventKind.AddressRemoved, $"{address} (externally)");
            Publish(new LinkEvent(InterfaceName, LinkEventKind.AddressRemoved, address));
        }
    }

    /// <summary>Puts an address on the interface behind the driver's back (for example to simulate a crash leftover).</summary>
    /// <param name="address">The address.</param>
    public void AddAddressExternally(IPAddressValue address)
    {
        lock (_addresses)
        {
            _addresses.Add((InterfaceName, address));
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Address})";

    private void Publish(LinkEvent linkEvent)
    {
        Channel<LinkEvent>[] watchers;
        lock (_watchers)
        {
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher.Writer.TryWrite(linkEvent);
        }
    }

    private sealed class EventRecorder(SimulatedNode node) : VrrpObserver
    {
        public override void OnStateChanged(VrrpStateChange change)
        {
            if (node.Lan.RecordEvents)
            {
                node.Lan.Record(node, LanEventKind.StateChanged, $"{change.InstanceName} {change.PreviousState} -> {change.State} ({change.Reason}, priority {change.Priority})");
            }
        }
    }

    // The in-memory platform: transport, address table, announcer and link monitor of this node.
    private sealed class Services(SimulatedNode node) : IVrrpTransport, IVirtualAddressManager, IAddressAnnouncer, ILinkMonitor
    {
        public ValueTask<IVrrpChannel> OpenAsync(VrrpChannelOptions options, CancellationToken cancellationToken)
        {
            var channel = new LanChannel(node, options);
            node.Lan.Attach(channel);
            return new ValueTask<IVrrpChannel>(channel);
        }

        public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            bool added;
            lock (node._addresses)
            {
                added = node._addresses.Add((interfaceName, address.Address));
            }

            if (added)
            {
                node.Lan.Record(node, LanEventKind.AddressAdded, address.Address.ToString());
                node.Publish(new LinkEvent(interfaceName, LinkEventKind.AddressAdded, address.Address));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            bool removed;
            lock (node._addresses)
            {
                removed = node._addresses.Remove((interfaceName, address.Address));
            }

            if (removed)
            {
                node.Lan.Record(node, LanEventKind.AddressRemoved, address.Address.ToString());
                node.Publish(new LinkEvent(interfaceName, LinkEventKind.AddressRemoved, address.Address));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken)
        {
            lock (node._addresses)
            {
                return new ValueTask<bool>(node._addresses.Contains((interfaceName, address)));
            }
        }

        public ValueTask AnnounceAsync(string interfaceName, IReadOnlyList<VirtualAddress> addresses, CancellationToken cancellationToken)
        {
            node.Announcements += addresses.Count;
            if (node.Lan.RecordEvents)
            {
                node.Lan.Record(node, LanEventKind.Announced, string.Join(", ", addresses.Select(a => a.Address)));
            }

            return ValueTask.CompletedTask;
        }

        public bool IsUp(string interfaceName) => node._linkUp;

        public async IAsyncEnumerable<LinkEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var channel = System.Threading.Channels.Channel.CreateUnbounded<LinkEvent>(new UnboundedChannelOptions
            {
                SingleReader = true,
                AllowSynchronousContinuations = true,
            });
            lock (node._watchers)
            {
                node._watchers.Add(channel);
            }

            try
            {
                await foreach (var linkEvent in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return linkEvent;
                }
            }
            finally
            {
                lock (node._watchers)
                {
                    node._watchers.Remove(channel);
                }
            }
        }
    }
}
