using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

/// <summary>
/// Runs many <see cref="VirtualRouter"/>s: feeds them received adverts and timeouts, and performs their actions (send
/// adverts, add and remove addresses, announce) through the platform abstractions.
/// </summary>
/// <remarks>
/// <para>One timer serves every instance: it is re-armed to the earliest deadline of all of them (never a timer or a
/// Task.Delay per instance). Core time is nanoseconds from <see cref="TimeProvider.GetTimestamp"/>; a deadline is
/// converted back to a timer delay rounded UP, so no timer fires early.</para>
/// <para>Events (received adverts, timeouts, tracker and link changes) are processed one at a time under a single lock, so
/// every instance sees its events strictly in order; observers are called in that order too. Adverts are written into
/// a per-instance buffer and sent at once; address changes and announcements run in order on one background sequence so
/// that slow kernel calls never hold up the election. Steady state (adverts sent and received) does not allocate.</para>
/// <para>Usage: construct, <see cref="AddRouter"/> (and <see cref="AddSyncGroup"/>), <see cref="AddObserver"/>,
/// <see cref="StartAsync"/>; push tracker states with <see cref="SetTrackerState(string, bool)"/>; read
/// <see cref="VirtualRouterHandle.GetStatus"/>; <see cref="StopAsync"/> (masters send priority 0 and remove their
/// addresses; everything is awaited).</para>
/// </remarks>
public sealed class VrrpDriver : IAsyncDisposable
{
    private const long DropLogInterval = ProtocolTimers.NanosecondsPerSecond;
    private static readonly string[] StateNames = ["INIT", "BACKUP", "MASTER", "FAULT", "STOP"];

    private readonly object _gate = new();
    private readonly IVrrpTransport _transport;
    private readonly IVirtualAddressManager _addressManager;
    private readonly IAddressAnnouncer? _announcer;
    private readonly ILinkMonitor? _linkMonitor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<VirtualRouterHandle> _routers = [];
    private readonly List<DriverChannel> _channels = [];
    private readonly List<(string Name, VirtualRouterHandle[] Members, bool TrackingWeight)> _syncGroups = [];
    private readonly Queue<AddressWork> _addressWork = new();
    private readonly List<Task> _loops = [];
    private readonly bool _systemTime;
    private VrrpObserver[] _observers = [];
    private bool _addressWorkerRunning;
    private Task _addressWorker = Task.CompletedTask;
    private ITimer? _timer;
    private long _armedDeadline = long.MaxValue;
    private CancellationTokenSource? _stopping;
    private RunState _runState;

    /// <summary>Creates a driver.</summary>
    /// <param name="transport">Sends and receives adverts (Vrrp.Linux raw sockets, or the in-memory LAN).</param>
    /// <param name="addressManager">Adds and removes the virtual addresses.</param>
    /// <param name="announcer">Sends gratuitous ARP / unsolicited NA after takeover, or null to skip announcing.</param>
    /// <param name="linkMonitor">Reports link and address changes (link down puts instances in Fault), or null.</param>
    /// <param name="timeProvider">The clock and timer source; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> or <paramref name="addressManager"/> is null.</exception>
    public VrrpDriver(
        IVrrpTransport transport,
        IVirtualAddressManager addressManager,
        IAddressAnnouncer? announcer = null,
        ILinkMonitor? linkMonitor = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(addressManager);
        _transport = transport;
        _addressManager = addressManager;
        _announcer = announcer;
        _linkMonitor = linkMonitor;
        _time = timeProvider ?? TimeProvider.System;
        _systemTime = ReferenceEquals(_time, TimeProvider.System);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Vrrp");
    }

    private enum RunState
    {
        Created,
        Starting,
        Running,
        Stopping,
        Stopped,
    }

    private enum AddressWorkKind
    {
        Add,
        Remove,
        AddOne,
        Announce,
    }

    /// <summary>The instances, in the order they were added.</summary>
    public IReadOnlyList<VirtualRouterHandle> Routers
    {
        get
        {
            lock (_gate)
            {
                return [.. _routers];
            }
        }
    }

    /// <summary>The time provider in use.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>Packets whose VRID no instance on the channel has (counted, not logged per packet).</summary>
    public long UnknownVirtualRouterIdDrops
    {
        get
        {
            lock (_gate)
            {
                return _channels.Sum(c => c.UnknownVirtualRouterIds);
            }
        }
    }

    /// <summary>The current core time in nanoseconds (from <see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Now => TimeConversion.GetNanoseconds(_time);

    /// <summary>Adds an instance. Allowed before <see cref="StartAsync"/> only.</summary>
    /// <param name="configuration">Its configuration (validated here).</param>
    /// <returns>The handle to query and control it.</returns>
    /// <exception cref="ArgumentException">The configuration is invalid, or its name or (interface, family, VRID) is already used.</exception>
    /// <exception cref="InvalidOperationException">The driver has started.</exception>
    public VirtualRouterHandle AddRouter(VirtualRouterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Validate();
        lock (_gate)
        {
            if (_runState != RunState.Created)
            {
                throw new InvalidOperationException("Instances are added before the driver starts.");
            }

            foreach (var existing in _routers)
            {
                if (string.Equals(existing.Name, configuration.Name, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"An instance named '{configuration.Name}' already exists.", nameof(configuration));
                }

                var other = existing.Configuration;
                if (other.VirtualRouterId == configuration.VirtualRouterId && other.Family == configuration.Family &&
                    string.Equals(other.InterfaceName, configuration.InterfaceName, StringComparison.Ordinal) &&
                    string.Equals(other.NetworkNamespace, configuration.NetworkNamespace, StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"Instances '{other.Name}' and '{configuration.Name}' both use VRID {configuration.VirtualRouterId} for {configuration.Family} on {configuration.InterfaceName}.",
                        nameof(configuration));
                }
            }

            var handle = new VirtualRouterHandle(this, configuration, _routers.Count);
            string key = ChannelKey(configuration);
            var channel = _channels.Find(c => c.Key == key);
            if (channel is null)
            {
                channel = new DriverChannel(key, new VrrpChannelOptions
                {
                    InterfaceName = configuration.InterfaceName,
                    Family = configuration.Family,
                    SourceAddress = configuration.SourceAddress,
                    UnicastPeers = configuration.UnicastPeers,
                    AcceptOnlyUnicastPeers = configuration.AcceptOnlyUnicastPeers,
                    NetworkNamespace = configuration.NetworkNamespace,
                });
                _channels.Add(channel);
            }

            channel.ByVirtualRouterId[configuration.VirtualRouterId] = handle;
            handle.Channel = channel;
            handle.AnnounceTargets = [.. configuration.VirtualAddresses.Concat(configuration.ExcludedAddresses)
                .GroupBy(a => a.Device ?? configuration.InterfaceName, StringComparer.Ordinal)
                .Select(g => (g.Key, g.ToArray()))];
            _routers.Add(handle);
            return handle;
        }
    }

    /// <summary>Groups instances so that they change state together (keepalived <c>vrrp_sync_group</c>). Before start only.</summary>
    /// <param name="name">The group name.</param>
    /// <param name="members">Two or more instances of this driver, each in at most one group.</param>
    /// <param name="trackingWeight">keepalived <c>sync_group_tracking_weight</c>: apply the members' tracker weights (by default they are ignored and any failing tracker means Fault); see <see cref="SyncGroup"/>.</param>
    /// <exception cref="ArgumentException">Fewer than two members, a foreign or repeated member, or a member already grouped.</exception>
    /// <exception cref="InvalidOperationException">The driver has started.</exception>
    public void AddSyncGroup(string name, IEnumerable<VirtualRouterHandle> members, bool trackingWeight = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        VirtualRouterHandle[] list = [.. members];
        lock (_gate)
        {
            if (_runState != RunState.Created)
            {
                throw new InvalidOperationException("Sync groups are added before the driver starts.");
            }

            if (list.Length < 2 || list.Distinct().Count() != list.Length)
            {
                throw new ArgumentException($"Sync group '{name}' needs two or more distinct members.", nameof(members));
            }

            foreach (var member in list)
            {
                if (member.Driver != this)
                {
                    throw new ArgumentException($"'{member.Name}' belongs to another driver.", nameof(members));
                }

                if (member.GroupMembers.Length > 0)
                {
                    throw new ArgumentException($"'{member.Name}' is already in a sync group.", nameof(members));
                }
            }

            foreach (var member in list)
            {
                member.GroupMembers = list;
            }

            _syncGroups.Add((name, list, trackingWeight));
        }
    }

    /// <summary>Adds an observer (allowed at any time).</summary>
    /// <param name="observer">The observer.</param>
    public void AddObserver(VrrpObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            _observers = [.. _observers, observer];
        }
    }

    /// <summary>
    /// Starts: opens the channels, removes configured addresses left behind by a crashed run, then starts every instance
    /// (owners become master at once; others wait a full Master_Down_Interval in Backup).
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when every instance has started.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_runState != RunState.Created)
            {
                throw new InvalidOperationException("The driver was already started.");
            }

            _runState = RunState.Starting;
        }

        _stopping = new CancellationTokenSource();
        try
        {
            foreach (var channel in _channels)
            {
                channel.Channel = await _transport.OpenAsync(channel.Options, cancellationToken).ConfigureAwait(false);
            }

            foreach (var handle in _routers)
            {
                foreach (var (interfaceName, addresses) in handle.AnnounceTargets)
                {
                    foreach (var address in addresses)
                    {
                        if (await _addressManager.ContainsAsync(interfaceName, address.Address, cancellationToken).ConfigureAwait(false))
                        {
                            Log.LeftoverAddress(_logger, handle.Name, address.Address, interfaceName);
                            await _addressManager.RemoveAsync(interfaceName, address, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }

            lock (_gate)
            {
                foreach (var handle in _routers)
                {
                    handle.Router = new VirtualRouter(handle.Configuration, handle.Configuration.SourceAddress ?? handle.Channel!.Channel!.LocalAddress);
                }

                foreach (var (name, members, trackingWeight) in _syncGroups)
                {
                    var group = new SyncGroup(name, members.Select(m => m.Router!), trackingWeight);
                    foreach (var member in members)
                    {
                        member.Group = group;
                    }
                }
            }

            _timer = _time.CreateTimer(static state => ((VrrpDriver)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            foreach (var channel in _channels)
            {
                _loops.Add(ReceiveLoopAsync(channel, _stopping.Token));
            }

            if (_linkMonitor is not null)
            {
                _loops.Add(WatchLinksAsync(_linkMonitor, _stopping.Token));
            }

            lock (_gate)
            {
                long now = Now;
                foreach (var handle in _routers)
                {
                    var router = handle.Router!;
                    if (_linkMonitor is not null)
                    {
                        router.SetInterfaceState(_linkMonitor.IsUp(handle.Configuration.InterfaceName), now);
                        foreach (var tracker in handle.Configuration.Trackers)
                        {
                            if (tracker.Kind == TrackerKind.Interface)
                            {
                                router.SetTrackerState(TrackerKind.Interface, tracker.Name, _linkMonitor.IsUp(tracker.Name), now);
                            }
                        }
                    }

                    foreach (var (name, up) in handle.PendingTrackerStates)
                    {
                        router.SetTrackerState(name, up, now);
                    }

                    handle.PendingTrackerStates.Clear();
                    DrainAll(now);
                }

                foreach (var handle in _routers)
                {
                    handle.Router!.Start(now);
                    Drain(handle, now);
                }

                _runState = RunState.Running;
                RunDueTimers(now);
            }

            KickAddressWorker();
        }
        catch
        {
            await AbortAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops: every master sends priority 0 and removes its addresses; waits for the address changes and sends to
    /// finish, then closes the channels.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the addresses may then still be in the middle of removal).</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_runState != RunState.Running)
            {
                if (_runState == RunState.Created)
                {
                    _runState = RunState.Stopped;
                }

                return;
            }

            _runState = RunState.Stopping;
            long now = Now;
            foreach (var handle in _routers)
            {
                handle.Router!.Shutdown(now);
                Drain(handle, now);
            }

            Arm(long.MaxValue, now);
        }

        KickAddressWorker();
        await WaitForAddressWorkAsync(cancellationToken).ConfigureAwait(false);
        foreach (var handle in _routers)
        {
            if (handle.PendingSend is { } pending)
            {
                await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await AbortAsync().ConfigureAwait(false);
    }

    /// <summary>Stops (as <see cref="StopAsync"/>) if running.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await AbortAsync().ConfigureAwait(false);
    }

    /// <summary>Reports a tracker's state to every instance that tracks a tracker of that name.</summary>
    /// <param name="trackerName">The tracker's name.</param>
    /// <param name="up">True when up.</param>
    /// <returns>False when no instance tracks it.</returns>
    public bool SetTrackerState(string trackerName, bool up)
    {
        ArgumentNullException.ThrowIfNull(trackerName);
        bool any = false;
        foreach (var handle in Routers)
        {
            if (handle.Configuration.Trackers.Any(t => t.Name == trackerName))
            {
                any |= SetTrackerState(handle, trackerName, up);
            }
        }

        return any;
    }

    /// <summary>Reports a tracker's state to one instance.</summary>
    /// <param name="router">The instance.</param>
    /// <param name="trackerName">The tracker's name.</param>
    /// <param name="up">True when up.</param>
    /// <returns>False when the instance has no tracker of that name.</returns>
    public bool SetTrackerState(VirtualRouterHandle router, string trackerName, bool up)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(trackerName);
        if (router.Driver != this)
        {
            throw new ArgumentException($"'{router.Name}' belongs to another driver.", nameof(router));
        }

        if (!router.Configuration.Trackers.Any(t => t.Name == trackerName))
        {
            return false;
        }

        lock (_gate)
        {
            if (router.Router is null || _runState != RunState.Running)
            {
                router.PendingTrackerStates[trackerName] = up;
                router.Router?.SetTrackerState(trackerName, up, Now);
                return true;
            }

            long now = Now;
            router.Router.SetTrackerState(trackerName, up, now);
            Drain(router, now);
            RunDueTimers(now);
        }

        KickAddressWorker();
        return true;
    }

    /// <summary>Reports a link state by hand (for platforms without an <see cref="ILinkMonitor"/>): down puts the instances on it in Fault.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="up">True when up.</param>
    public void SetLinkState(string interfaceName, bool up)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        OnLinkEvent(new LinkEvent(interfaceName, up ? LinkEventKind.Up : LinkEventKind.Down));
    }

    /// <summary>Takes a snapshot of an instance's status.</summary>
    /// <param name="router">The instance.</param>
    /// <returns>Its status.</returns>
    public VirtualRouterStatus GetStatus(VirtualRouterHandle router)
    {
        ArgumentNullException.ThrowIfNull(router);
        lock (_gate)
        {
            var r = router.Router;
            long now = Now;
            var drops = new Dictionary<DropReason, long>();
            if (r is not null)
            {
                foreach (var reason in Enum.GetValues<DropReason>())
                {
                    long count = r.Counters.GetDrops(reason);
                    if (count > 0)
                    {
                        drops[reason] = count;
                    }
                }
            }

            var counters = r?.Counters;
            return new VirtualRouterStatus
            {
                Name = router.Name,
                State = r?.State ?? VrrpState.Initialize,
                ConfiguredPriority = router.Configuration.Priority,
                EffectivePriority = r?.EffectivePriority ?? router.Configuration.Priority,
                LocalAddress = r?.LocalAddress,
                MasterAddress = r?.MasterAddress,
                MasterPriority = r?.MasterPriority ?? 0,
                IsFaulted = r?.IsFaulted ?? false,
                MasterAdvertisementInterval = ToTimeSpan(r?.MasterAdvertisementInterval ?? ProtocolTimers.ToNanoseconds(router.Configuration.AdvertisementInterval)),
                AdvertisementsSent = counters?.AdvertisementsSent ?? 0,
                AdvertisementsReceived = counters?.AdvertisementsReceived ?? 0,
                PriorityZeroSent = counters?.PriorityZeroSent ?? 0,
                PriorityZeroReceived = counters?.PriorityZeroReceived ?? 0,
                Transitions = counters?.Transitions ?? 0,
                BecameMaster = counters?.BecameMaster ?? 0,
                SendErrors = router.SendErrors,
                TimeAsMaster = ToTimeSpan(r?.GetTimeAsMaster(now) ?? 0),
                Drops = drops,
                LastStateChange = router.LastStateChange,
            };
        }
    }

    /// <summary>Drops that could not be attributed to an instance (too short to read a VRID, or unknown VRID), by reason.</summary>
    /// <returns>Non-zero counts by reason.</returns>
    public IReadOnlyDictionary<DropReason, long> GetUnattributedDrops()
    {
        lock (_gate)
        {
            var result = new Dictionary<DropReason, long>();
            foreach (var reason in Enum.GetValues<DropReason>())
            {
                long count = _channels.Sum(c => c.Drops[(int)reason]);
                if (count > 0)
                {
                    result[reason] = count;
                }
            }

            return result;
        }
    }

    /// <summary>Reports several trackers' states of one instance at once (see <see cref="VirtualRouter.SetTrackerStates"/>).</summary>
    /// <param name="router">The instance.</param>
    /// <param name="states">Tracker names and states.</param>
    public void SetTrackerStates(VirtualRouterHandle router, IReadOnlyList<(string Name, bool Up)> states)
    {
        lock (_gate)
        {
            if (router.Router is null || _runState != RunState.Running)
            {
                foreach (var (name, up) in states)
                {
                    router.PendingTrackerStates[name] = up;
                }

                router.Router?.SetTrackerStates(states, Now);
                return;
            }

            long now = Now;
            router.Router.SetTrackerStates(states, now);
            Drain(router, now);
            RunDueTimers(now);
        }

        KickAddressWorker();
    }

    /// <summary>Stops everything at once without any protocol action (no priority 0, addresses left as they are), as if the process had died: for crash tests and simulations.</summary>
    /// <returns>A task that completes when the loops have ended and the channels are closed.</returns>
    public async Task AbortAsync()
    {
        lock (_gate)
        {
            if (_runState == RunState.Stopped)
            {
                return;
            }

            _runState = RunState.Stopped;
        }

        _stopping?.Cancel();
        _timer?.Dispose();
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var channel in _channels)
        {
            if (channel.Channel is { } open)
            {
                channel.Channel = null;
                await open.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan ToTimeSpan(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);

    private static string ChannelKey(VirtualRouterConfiguration c) =>
        $"{c.NetworkNamespace}|{c.InterfaceName}|{c.Family}|{c.SourceAddress}|{string.Join(",", c.UnicastPeers)}|{c.AcceptOnlyUnicastPeers}";

    private async Task WaitForAddressWorkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task worker;
            lock (_gate)
            {
                if (!_addressWorkerRunning && _addressWork.Count == 0)
                {
                    return;
                }

                worker = _addressWorker;
            }

            await worker.WaitAsync(cancellationToken).ConfigureAwait(false);
            KickAddressWorker();
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _armedDeadline = long.MaxValue;
            if (_runState != RunState.Running)
            {
                return;
            }

            RunDueTimers(Now);
        }

        KickAddressWorker();
    }

    // Under the lock: fires every due deadline, then arms the one timer to the earliest remaining deadline.
    private void RunDueTimers(long now)
    {
        for (int pass = 0; pass < 4; pass++)
        {
            long earliest = long.MaxValue;
            foreach (var handle in _routers)
            {
                var router = handle.Router;
                if (router?.NextTimeout is not long deadline)
                {
                    continue;
                }

                if (deadline <= now)
                {
                    router.HandleTimeout(now);
                    Drain(handle, now);
                    deadline = router.NextTimeout ?? long.MaxValue;
                }

                if (deadline < earliest)
                {
                    earliest = deadline;
                }
            }

            if (earliest > now)
            {
                Arm(earliest, now);
                return;
            }
        }

        Arm(now + 1, now);
    }

    private void RearmFor(VirtualRouterHandle handle, long now)
    {
        if (handle.Router?.NextTimeout is long deadline && deadline < _armedDeadline)
        {
            if (deadline <= now)
            {
                RunDueTimers(now);
            }
            else
            {
                Arm(deadline, now);
            }
        }
    }

    private void Arm(long deadline, long now)
    {
        if (deadline == _armedDeadline || _timer is null)
        {
            return;
        }

        _armedDeadline = deadline;
        if (deadline == long.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        long delay = Math.Max(1, deadline - now);
        if (_systemTime)
        {
            // The system timer works in whole milliseconds and truncates: round up to the next millisecond so that it
            // does not fire early and spin.
            delay = (delay + 999_999) / 1_000_000 * 1_000_000;
        }

        _timer.Change(ProtocolTimers.ToTimeSpanRoundedUp(delay), Timeout.InfiniteTimeSpan);
    }

    private async Task ReceiveLoopAsync(DriverChannel channel, CancellationToken cancellationToken)
    {
        var source = channel.Channel!;
        var buffer = channel.ReceiveBuffer;
        while (!cancellationToken.IsCancellationRequested)
        {
            ReceivedDatagram datagram;
            try
            {
                datagram = await source.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.ReceiveFailed(_logger, channel.Options.InterfaceName, channel.Family, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            lock (_gate)
            {
                if (_runState is RunState.Running or RunState.Stopping)
                {
                    OnDatagram(channel, buffer.AsSpan(0, Math.Min(datagram.Length, buffer.Length)), in datagram, Now);
                }
            }

            KickAddressWorker();
        }
    }

    // Under the lock.
    private void OnDatagram(DriverChannel channel, ReadOnlySpan<byte> bytes, in ReceivedDatagram datagram, long now)
    {
        bool parsed;
        Advertisement advertisement;
        DropReason reason;
        try
        {
            parsed = datagram.IncludesIPv4Header
                ? VrrpPacket.TryParseIPv4Packet(bytes, null, out advertisement, out reason)
                : VrrpPacket.TryParseMessage(bytes, channel.Family, datagram.Source, datagram.Destination, datagram.HopLimit, null, out advertisement, out reason);
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
            int offset = datagram.IncludesIPv4Header && bytes.Length > 0 ? (bytes[0] & 0x0F) * 4 : 0;
            var owner = bytes.Length > offset + 1 ? channel.ByVirtualRouterId[bytes[offset + 1]] : null;
            if (owner?.Router is { } router)
            {
                router.Counters.CountDrop(reason);
                ReportDrop(owner, reason, datagram.Source, 0, now);
            }
            else
            {
                CountUnattributed(channel, reason, datagram.Source, now);
            }

            return;
        }

        var handle = channel.ByVirtualRouterId[advertisement.VirtualRouterId];
        if (handle?.Router is not { } target)
        {
            channel.UnknownVirtualRouterIds++;
            CountUnattributed(channel, DropReason.UnknownVirtualRouterId, advertisement.Source, now);
            return;
        }

        reason = target.HandleAdvertisement(in advertisement, now);
        if (reason != DropReason.None)
        {
            ReportDrop(handle, reason, advertisement.Source, advertisement.Interval, now);
        }
        else
        {
            var observers = _observers;
            for (int i = 0; i < observers.Length; i++)
            {
                try
                {
                    observers[i].OnAdvertisementReceived(handle, advertisement.Source, advertisement.Priority);
                }
                catch (Exception ex)
                {
                    Log.ObserverFailed(_logger, ex);
                }
            }
        }

        Drain(handle, now);
        RearmFor(handle, now);
    }

    private void CountUnattributed(DriverChannel channel, DropReason reason, IPAddressValue source, long now)
    {
        channel.CountDrop(reason);
        if (reason != DropReason.UnknownVirtualRouterId && now - channel.LastUnattributedLog >= DropLogInterval)
        {
            channel.LastUnattributedLog = now;
            Log.DroppedUnattributed(_logger, source, channel.Options.InterfaceName, reason);
        }

        var observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            try
            {
                observers[i].OnAdvertisementDropped(null, reason, source);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, ex);
            }
        }
    }

    private void ReportDrop(VirtualRouterHandle handle, DropReason reason, IPAddressValue source, int receivedInterval, long now)
    {
        int slot = (uint)reason < (uint)handle.LastDropLog.Length ? (int)reason : handle.LastDropLog.Length - 1;
        if (reason != DropReason.OwnAdvertisement && now - handle.LastDropLog[slot] >= DropLogInterval)
        {
            handle.LastDropLog[slot] = now;
            switch (reason)
            {
                case DropReason.AuthenticationFailure:
                    Log.InvalidPassword(_logger, handle.Name);
                    break;
                case DropReason.IntervalMismatch:
                    Log.IntervalMismatch(_logger, handle.Name, (int)handle.Configuration.AdvertisementInterval.TotalSeconds, receivedInterval);
                    break;
                default:
                    Log.Dropped(_logger, handle.Name, source, reason);
                    break;
            }
        }

        var observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            try
            {
                observers[i].OnAdvertisementDropped(handle, reason, source);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, ex);
            }
        }
    }

    private void DrainAll(long now)
    {
        foreach (var handle in _routers)
        {
            if (handle.Router is not null)
            {
                Drain(handle, now);
            }
        }
    }

    // Under the lock: performs a router's actions in order.
    private void Drain(VirtualRouterHandle handle, long now)
    {
        var router = handle.Router!;
        while (router.TryPollAction(out var action))
        {
            switch (action.Kind)
            {
                case VirtualRouterActionKind.SendAdvertisement:
                    Send(handle, action.Priority);
                    break;
                case VirtualRouterActionKind.AddAddresses:
                    Log.SettingVips(_logger, handle.Name);
                    _addressWork.Enqueue(new AddressWork(handle, AddressWorkKind.Add, 0, AnnouncementReason.None, null));
                    break;
                case VirtualRouterActionKind.RemoveAddresses:
                    Log.RemovingVips(_logger, handle.Name);
                    _addressWork.Enqueue(new AddressWork(handle, AddressWorkKind.Remove, 0, AnnouncementReason.None, null));
                    break;
                case VirtualRouterActionKind.Announce:
                    _addressWork.Enqueue(new AddressWork(handle, AddressWorkKind.Announce, action.Repeat, action.Announcement, null));
                    break;
                case VirtualRouterActionKind.StateChanged:
                    OnStateChanged(handle, in action, now);
                    break;
                case VirtualRouterActionKind.LowerPriorityAdvertisementDiscarded:
                    if (now - handle.LastDropLog[0] >= DropLogInterval)
                    {
                        handle.LastDropLog[0] = now;
                        Log.LowerPriority(_logger, handle.Name, action.PeerPriority, action.Peer);
                    }

                    break;
                case VirtualRouterActionKind.OwnerReceivedAdvertisement:
                    if (now - handle.LastDropLog[^1] >= DropLogInterval)
                    {
                        handle.LastDropLog[^1] = now;
                        Log.OwnerReceivedAdvertisement(_logger, handle.Name, action.Peer, action.PeerPriority);
                    }

                    break;
                case VirtualRouterActionKind.AddressListMismatch:
                    Log.AddressListMismatch(_logger, handle.Name, action.Peer);
                    break;
                case VirtualRouterActionKind.PriorityChanged:
                    Log.PriorityChanged(_logger, handle.Name, action.Priority);
                    var observers = _observers;
                    for (int i = 0; i < observers.Length; i++)
                    {
                        try
                        {
                            observers[i].OnPriorityChanged(handle, action.Priority);
                        }
                        catch (Exception ex)
                        {
                            Log.ObserverFailed(_logger, ex);
                        }
                    }

                    break;
            }
        }
    }

    private void OnStateChanged(VirtualRouterHandle handle, in VirtualRouterAction action, long now)
    {
        Volatile.Write(ref handle.StateValue, (int)action.To);
        switch (action.Reason)
        {
            case StateChangeReason.MasterDownTimerExpired:
                Log.ReceiveTimeout(_logger, handle.Name);
                break;
            case StateChangeReason.HigherPriorityAdvertisement:
                Log.HigherPriority(_logger, handle.Name, action.Peer, action.PeerPriority, action.Priority);
                break;
            case StateChangeReason.SyncGroup when handle.Group is not null:
                Log.SyncGroupFollow(_logger, handle.Name, handle.Group.Name);
                break;
        }

        if (action.To == VrrpState.Stopped)
        {
            Log.Stopped(_logger, handle.Name);
        }
        else
        {
            Log.EnteringState(_logger, handle.Name, StateNames[(int)action.To]);
        }

        var change = new RouterStateChange(
            action.From,
            action.To,
            action.Reason,
            action.Priority,
            action.Reason == StateChangeReason.HigherPriorityAdvertisement ? action.Peer : null,
            action.PeerPriority,
            _time.GetUtcNow());
        handle.LastStateChange = change;
        var observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            try
            {
                observers[i].OnStateChanged(handle, in change);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, ex);
            }
        }

        if (handle.Group is { } group)
        {
            group.OnMemberStateChanged(handle.Router!, in action, now);
            foreach (var member in handle.GroupMembers)
            {
                if (member != handle)
                {
                    Drain(member, now);
                }
            }
        }
    }

    // Under the lock: writes the advert into the instance's buffer and hands it to the channel.
    private void Send(VirtualRouterHandle handle, byte priority)
    {
        var channel = handle.Channel?.Channel;
        if (channel is null)
        {
            return;
        }

        if (handle.SendPending)
        {
            // The previous send still uses the buffer (a slow transport): take a new one rather than overwrite it.
            handle.SendBuffer = new byte[handle.SendBuffer.Length];
        }

        // The v3/IPv4 pseudo-header checksum covers the IP destination: with a single unicast peer (the usual
        // two-node unicast setup) that is the peer, not the multicast group. With several peers one message cannot
        // be right for all of them; the channel has to adjust the checksum per peer (RFC 1624).
        var router = handle.Router!;
        var peers = handle.Configuration.UnicastPeers;
        int length = peers.Count == 1
            ? router.WriteAdvertisement(handle.SendBuffer, priority, peers[0])
            : router.WriteAdvertisement(handle.SendBuffer, priority);
        if (priority == 0)
        {
            Log.SentZeroPriority(_logger, handle.Name);
        }

        try
        {
            var pending = channel.SendAsync(handle.SendBuffer.AsMemory(0, length), CancellationToken.None);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
            }
            else
            {
                handle.SendPending = true;
                handle.PendingSend = CompleteSendAsync(handle, pending);
            }
        }
        catch (Exception ex)
        {
            // A persistent failure (network down) must not flood the log at the advert rate: one line per second.
            long now = Now;
            if (now - handle.LastSendErrorLog >= DropLogInterval)
            {
                handle.LastSendErrorLog = now;
                Log.SendFailed(_logger, handle.Name, ex);
            }

            handle.SendErrors++;
            return;
        }

        var observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            try
            {
                observers[i].OnAdvertisementSent(handle, priority);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, ex);
            }
        }
    }

    private async Task CompleteSendAsync(VirtualRouterHandle handle, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                handle.SendErrors++;
                long now = Now;
                if (now - handle.LastSendErrorLog >= DropLogInterval)
                {
                    handle.LastSendErrorLog = now;
                    Log.SendFailed(_logger, handle.Name, ex);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                handle.SendPending = false;
            }
        }
    }

    private async Task WatchLinksAsync(ILinkMonitor monitor, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var linkEvent in monitor.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                OnLinkEvent(linkEvent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.LinkWatchFailed(_logger, ex);
        }
    }

    private void OnLinkEvent(LinkEvent linkEvent)
    {
        lock (_gate)
        {
            if (_runState is not (RunState.Running or RunState.Starting))
            {
                return;
            }

            long now = Now;
            foreach (var handle in _routers)
            {
                var router = handle.Router;
                if (router is null)
                {
                    continue;
                }

                bool ownInterface = string.Equals(handle.Configuration.InterfaceName, linkEvent.InterfaceName, StringComparison.Ordinal);
                switch (linkEvent.Kind)
                {
                    case LinkEventKind.Up:
                    case LinkEventKind.Down:
                    case LinkEventKind.Removed:
                        bool up = linkEvent.Kind == LinkEventKind.Up;
                        if (ownInterface)
                        {
                            Log.LinkChanged(_logger, handle.Name, linkEvent.InterfaceName, up ? "up" : "down");
                            router.SetInterfaceState(up, now);
                        }

                        router.SetTrackerState(TrackerKind.Interface, linkEvent.InterfaceName, up, now);
                        break;
                    case LinkEventKind.AddressRemoved when router.State == VrrpState.Master && linkEvent.Address is { } removed:
                        foreach (var (interfaceName, addresses) in handle.AnnounceTargets)
                        {
                            if (!string.Equals(interfaceName, linkEvent.InterfaceName, StringComparison.Ordinal))
                            {
                                continue;
                            }

                            foreach (var address in addresses)
                            {
                                if (address.Address == removed)
                                {
                                    Log.AddressRemovedExternally(_logger, handle.Name, removed, interfaceName);
                                    _addressWork.Enqueue(new AddressWork(handle, AddressWorkKind.AddOne, 0, AnnouncementReason.None, address));
                                }
                            }
                        }

                        break;
                }

                Drain(handle, now);
            }

            if (_runState == RunState.Running)
            {
                RunDueTimers(now);
            }
        }

        KickAddressWorker();
    }

    private void KickAddressWorker()
    {
        lock (_gate)
        {
            if (_addressWorkerRunning || _addressWork.Count == 0)
            {
                return;
            }

            _addressWorkerRunning = true;
        }

        var worker = RunAddressWorkAsync();
        lock (_gate)
        {
            if (_addressWorkerRunning)
            {
                _addressWorker = worker;
            }
        }
    }

    private async Task RunAddressWorkAsync()
    {
        while (true)
        {
            AddressWork work;
            lock (_gate)
            {
                if (!_addressWork.TryDequeue(out work))
                {
                    _addressWorkerRunning = false;
                    return;
                }
            }

            await PerformAsync(work).ConfigureAwait(false);
        }
    }

    private async Task PerformAsync(AddressWork work)
    {
        var handle = work.Handle;
        var token = CancellationToken.None;
        Exception? error = null;
        try
        {
            switch (work.Kind)
            {
                case AddressWorkKind.Add:
                case AddressWorkKind.Remove:
                    foreach (var (interfaceName, addresses) in handle.AnnounceTargets)
                    {
                        foreach (var address in addresses)
                        {
                            try
                            {
                                if (work.Kind == AddressWorkKind.Add)
                                {
                                    await _addressManager.AddAsync(interfaceName, address, token).ConfigureAwait(false);
                                }
                                else
                                {
                                    await _addressManager.RemoveAsync(interfaceName, address, token).ConfigureAwait(false);
                                }
                            }
                            catch (Exception ex)
                            {
                                // Keep going with the other addresses: one failure must not leave the rest behind.
                                error ??= ex;
                                Log.AddressOperationFailed(_logger, handle.Name, work.Kind == AddressWorkKind.Add ? "add" : "remove", ex);
                            }
                        }
                    }

                    break;
                case AddressWorkKind.AddOne:
                    await _addressManager.AddAsync(work.Address!.Device ?? handle.Configuration.InterfaceName, work.Address, token).ConfigureAwait(false);
                    break;
                case AddressWorkKind.Announce:
                    if (_announcer is null)
                    {
                        return;
                    }

                    foreach (var (interfaceName, addresses) in handle.AnnounceTargets)
                    {
                        foreach (var address in addresses)
                        {
                            if (address.Family == VrrpAddressFamily.IPv4)
                            {
                                Log.SendingGratuitousArp(_logger, handle.Name, interfaceName, address.Address);
                            }
                            else
                            {
                                Log.SendingUnsolicitedNeighbourAdvert(_logger, handle.Name, interfaceName, address.Address);
                            }
                        }

                        for (int i = 0; i < work.Repeat; i++)
                        {
                            await _announcer.AnnounceAsync(interfaceName, addresses, token).ConfigureAwait(false);
                        }
                    }

                    break;
            }
        }
        catch (Exception ex)
        {
            error = ex;
            if (work.Kind == AddressWorkKind.Announce)
            {
                Log.AnnounceFailed(_logger, handle.Name, ex);
            }
            else
            {
                Log.AddressOperationFailed(_logger, handle.Name, "add", ex);
            }
        }

        lock (_gate)
        {
            var observers = _observers;
            for (int i = 0; i < observers.Length; i++)
            {
                try
                {
                    if (work.Kind == AddressWorkKind.Announce)
                    {
                        observers[i].OnAnnounced(handle, work.Announcement, work.Repeat);
                    }
                    else
                    {
                        observers[i].OnAddressesChanged(handle, work.Kind != AddressWorkKind.Remove, error);
                    }
                }
                catch (Exception ex)
                {
                    Log.ObserverFailed(_logger, ex);
                }
            }
        }
    }

    private readonly record struct AddressWork(VirtualRouterHandle Handle, AddressWorkKind Kind, int Repeat, AnnouncementReason Announcement, VirtualAddress? Address);
}
