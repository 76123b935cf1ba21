using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

/// <summary>
/// Runs a <see cref="VirtualRouterSet"/>: feeds it datagrams, timeouts, link and tracker changes, and performs its
/// actions (adverts, address changes, announcements, logs, observers). A concrete driver adds the I/O: how channels are
/// opened, datagrams received, adverts sent and the timer armed (<see cref="AsyncVrrpDriver"/> over the
/// <see cref="IVrrpTransport"/> contract; Vrrp.Linux has an epoll loop of its own).
/// </summary>
/// <remarks>
/// <para>Inputs are processed one at a time under one lock, so every instance sees its events strictly in order and
/// observers are called in that order. Address changes and announcements run in order on one background sequence, so
/// slow kernel calls never hold up the election. Steady state (adverts sent and received) does not allocate.</para>
/// <para>Usage: construct, <see cref="AddRouter(VirtualRouterConfiguration)"/> (and <see cref="AddSyncGroup"/>), <see cref="AddObserver"/>,
/// <see cref="StartAsync"/>; push tracker values with <see cref="SetTrackerValue"/>; read <see cref="GetStatus()"/>;
/// <see cref="StopAsync"/> (masters send priority 0 and remove their addresses; everything is awaited).</para>
/// </remarks>
public abstract partial class VrrpDriver : IAsyncDisposable
{
    private const long LogInterval = ProtocolTimers.NanosecondsPerSecond;
    private static readonly string[] StateNames = ["INIT", "BACKUP", "MASTER", "FAULT", "STOP"];

    private readonly Lock _gate = new();
    private readonly VirtualRouterSet _set = new();
    private readonly Dictionary<VirtualRouter, RouterEntry> _entries = new(ReferenceEqualityComparer.Instance);
    private readonly IVirtualAddressManager _addresses;
    private readonly ILinkMonitor? _links;
    private readonly AddressWorker _worker;
    private readonly ObserverList _observers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<RouterEntry> _applyOrder = [];
    private Task _linkWatch = Task.CompletedTask;
    private RunState _runState;
    private long _armed = long.MaxValue;
    private int _batchDepth;     // under the lock: inside ProcessBatch
    private bool _flushPending;  // under the lock: adverts queued in a batch, flushed at its end
    private long _lastUnattributedLog = long.MinValue / 2;

    /// <summary>Creates a driver.</summary>
    /// <param name="addresses">Adds and removes the virtual addresses.</param>
    /// <param name="announcer">Sends gratuitous ARP / unsolicited NA after takeover, or null to skip announcing.</param>
    /// <param name="links">Reports link and address changes (link down puts instances in Fault), or null.</param>
    /// <param name="timeProvider">The clock and timer source; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="addresses"/> is null.</exception>
    protected VrrpDriver(IVirtualAddressManager addresses, IAddressAnnouncer? announcer, ILinkMonitor? links, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        _addresses = addresses;
        _links = links;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Vrrp");
        _observers = new ObserverList(Logger);
        _worker = new AddressWorker(addresses, announcer, Logger, OnAddressWorkDone, TimeProvider);
    }

    private enum RunState
    {
        Created,
        Starting,
        Running,
        Stopping,
        Stopped,
    }

    /// <summary>The clock and timer source.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The current core time in nanoseconds (from <see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Now => TimeConversion.GetNanoseconds(TimeProvider);

    /// <summary>The logger of the driver (category <c>Vrrp</c>).</summary>
    protected ILogger Logger { get; }

    /// <summary>
    /// Log each advert received for a VRID that no router of its channel has, at Information, in keepalived's words
    /// (keepalived <c>log_unknown_vrids</c>); they are counted either way. Default false.
    /// </summary>
    public bool LogUnknownVirtualRouterIds { get; set; }

    /// <summary>
    /// Whether address work starts on the thread that produced it (until its first asynchronous wait) instead of the
    /// thread pool. True by default: in-memory platforms then act at once, which keeps simulations deterministic. A
    /// driver whose loop thread must never wait for the kernel returns false.
    /// </summary>
    protected virtual bool RunsAddressWorkInline => true;

    /// <summary>
    /// Creates the platform resources of each instance added with <see cref="AddRouter(VirtualRouterConfiguration)"/>
    /// (a platform's driver sets it: Vrrp.Linux gives every instance its Accept_Mode filter), or null for none.
    /// </summary>
    public Func<VirtualRouterConfiguration, VirtualRouterResources?>? ResourceFactory { get; init; }

    /// <summary>
    /// keepalived's <c>dynamic_interfaces</c>: an instance's interface that does not exist when the driver starts (or
    /// has no address to send from yet) does not fail the start. Its instances start in Fault ("interface down") and its
    /// channel is opened, and the instances run, when the link monitor reports the interface (it appeared, came up or got
    /// an address), as after an interface deleted while running. False (the default) fails the start, as keepalived
    /// without <c>dynamic_interfaces</c> refuses to. Needs a link monitor and applies to channels in the driver's own
    /// namespace; set it before <see cref="StartAsync"/>.
    /// </summary>
    public bool DynamicInterfaces { get; set; }

    /// <summary>Adds an instance, with the resources <see cref="ResourceFactory"/> gives it. Allowed before <see cref="StartAsync"/> only.</summary>
    /// <param name="configuration">Its configuration (validated here).</param>
    /// <exception cref="ArgumentException">The configuration is invalid, or its name or (interface, family, VRID) is already used.</exception>
    /// <exception cref="InvalidOperationException">The driver has started.</exception>
    public void AddRouter(VirtualRouterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddRouter(configuration, ResourceFactory?.Invoke(configuration));
    }

    /// <summary>
    /// Adds an instance with what it holds on the platform besides its addresses (a virtual-MAC interface, routes, an
    /// Accept_Mode filter: see <see cref="VirtualRouterResources"/>). Allowed before <see cref="StartAsync"/> only.
    /// </summary>
    /// <param name="configuration">Its configuration; <paramref name="resources"/> may adapt it, and the result is validated here.</param>
    /// <param name="resources">Its resources, or null for none.</param>
    /// <exception cref="ArgumentException">The configuration is invalid, or its name or (interface, family, VRID) is already used.</exception>
    /// <exception cref="InvalidOperationException">The driver has started.</exception>
    public void AddRouter(VirtualRouterConfiguration configuration, VirtualRouterResources? resources)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var effective = resources is null ? configuration : resources.Configure(configuration) ?? configuration;
        lock (_gate)
        {
            ThrowIfStarted("Instances are added before the driver starts.");
            var router = _set.Add(effective);
            _entries.Add(router, new RouterEntry(router, resources));
        }

        // keepalived 2.2.7 runs a VRRPv2 instance without addresses with this warning (vrrp_complete_instance).
        if (effective.VirtualAddresses.Count == 0)
        {
            Log.NoVirtualAddresses(Logger, effective.Name);
        }
    }

    /// <summary>Groups instances so that they change state together (keepalived <c>vrrp_sync_group</c>). Before start only.</summary>
    /// <param name="name">The group name.</param>
    /// <param name="members">Two or more instance names, each in at most one group.</param>
    /// <param name="trackingWeight">keepalived <c>sync_group_tracking_weight</c>: apply the members' tracker weights (by default they are ignored and any failing tracker means Fault).</param>
    /// <exception cref="ArgumentException">Fewer than two members, an unknown or repeated member, or a member already grouped.</exception>
    /// <exception cref="InvalidOperationException">The driver has started.</exception>
    public void AddSyncGroup(string name, IEnumerable<string> members, bool trackingWeight = false)
    {
        lock (_gate)
        {
            ThrowIfStarted("Sync groups are added before the driver starts.");
            _set.AddSyncGroup(name, members, trackingWeight);
        }
    }

    /// <summary>Adds an observer (allowed at any time).</summary>
    /// <param name="observer">The observer.</param>
    public void AddObserver(VrrpObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            _observers.Add(observer);
        }
    }

    /// <summary>
    /// Starts: removes configured addresses left behind by a crashed run, opens the channels, then starts every
    /// instance (owners become master at once; others wait a full Master_Down_Interval in Backup).
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when every instance has started.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        RouterEntry[] entries;
        lock (_gate)
        {
            ThrowIfStarted("The driver was already started.");
            _runState = RunState.Starting;
            entries = [.. _set.Routers.Select(r => _entries[r])];
        }

        try
        {
            // The platform's part of each instance first (a virtual-MAC interface to run on; what a crashed run left).
            foreach (var entry in entries)
            {
                if (entry.Resources is { } resources)
                {
                    entry.Prepared = true;
                    await resources.PrepareAsync(entry.Configuration, cancellationToken).ConfigureAwait(false);
                }
            }

            // Leftovers first: a VIP left by a killed run must not become the address the channel sends from.
            foreach (var entry in entries)
            {
                foreach (var (interfaceName, addresses) in entry.AnnounceTargets)
                {
                    foreach (var address in addresses)
                    {
                        if (!await HasLeftoverAsync(entry, interfaceName, address, cancellationToken).ConfigureAwait(false))
                        {
                            continue;
                        }

                        if (entry.Configuration.IsAddressOwner)
                        {
                            // The owner's addresses are its own: one already there is the interface's, not a leftover.
                            Log.OwnerAddressRetained(Logger, entry.Name, address.Address, interfaceName);
                            entry.Retained.Add(address.Address);
                            continue;
                        }

                        Log.LeftoverAddress(Logger, entry.Name, address.Address, interfaceName);
                        await _addresses.RemoveAsync(interfaceName, address, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            for (int i = 0; i < _set.ChannelCount; i++)
            {
                var options = _set.GetChannel(i);
                IPAddressValue local;
                try
                {
                    local = await OpenChannelAsync(i, options, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (WaitsForInterface(options) && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
                {
                    // dynamic_interfaces: the channel opens when the interface is reported (FollowLostInterfaceAsync).
                    Log.InterfaceNotThereYet(Logger, options.InterfaceName, ex.Message);
                    lock (_gate)
                    {
                        _closedChannels.Add(i);
                        _lostInterfaces.Add(options.InterfaceName);
                    }

                    continue;
                }

                lock (_gate)
                {
                    _set.SetLocalAddress(i, local);
                }
            }

            if (_links is not null)
            {
                // Watching first, then the states now: a change in between is seen twice, never missed.
                _linkWatch = WatchLinksAsync(_links, _stopping.Token);
            }

            lock (_gate)
            {
                long now = Now;
                if (_links is not null)
                {
                    foreach (string interfaceName in InterfacesToWatch())
                    {
                        _set.SetInterfaceState(interfaceName, _links.IsUp(interfaceName), now);
                    }
                }

                StartReceiving();
                _set.Start(now);
                _runState = RunState.Running;
                Perform(now);
            }

            _worker.Kick(RunsAddressWorkInline);
        }
        catch
        {
            await AbortAsync().ConfigureAwait(false);
            await ReleaseResourcesAsync(entries, CancellationToken.None).ConfigureAwait(false);
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
            _set.Shutdown(now);
            Perform(now);
        }

        _worker.Kick(RunsAddressWorkInline);
        try
        {
            await _worker.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await AbortAsync().ConfigureAwait(false);
            RouterEntry[] entries;
            lock (_gate)
            {
                entries = [.. _set.Routers.Select(r => _entries[r])];
            }

            await ReleaseResourcesAsync(entries, cancellationToken).ConfigureAwait(false);
        }
    }

    // Releases the resources of every prepared instance (each once), logging failures: one must not keep the others.
    private async Task ReleaseResourcesAsync(RouterEntry[] entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            if (entry.Resources is not { } resources || !entry.Prepared)
            {
                continue;
            }

            entry.Prepared = false;
            try
            {
                await resources.ReleaseAsync(entry.Configuration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ResourceOperationFailed(Logger, entry.Name, "release its platform resources", ex);
            }
        }
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
            _armed = long.MaxValue;
            ArmTimer(long.MaxValue, 0);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        CancelRecovery();
        CancelPendingLinks();
        _worker.Cancel();
        try
        {
            await _linkWatch.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await StopReceivingAsync().ConfigureAwait(false);
    }

    /// <summary>Stops (as <see cref="StopAsync"/>) if running.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await AbortAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Reports an up/down tracked object to one instance or to every instance that tracks it.</summary>
    /// <param name="instance">The instance name, or null for every instance.</param>
    /// <param name="kind">The object's kind.</param>
    /// <param name="name">Its name.</param>
    /// <param name="up">True when up.</param>
    /// <returns>False when no instance (of that name) tracks it.</returns>
    public bool SetTrackerState(string? instance, TrackerKind kind, string name, bool up) => SetTrackerValue(instance, kind, name, up ? 1 : 0);

    /// <summary>Reports a tracked object's value (1 or 0 for up or down, a tracked file's number) to one or every instance.</summary>
    /// <param name="instance">The instance name, or null for every instance.</param>
    /// <param name="kind">The object's kind.</param>
    /// <param name="name">Its name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when no instance (of that name) tracks it.</returns>
    public bool SetTrackerValue(string? instance, TrackerKind kind, string name, long value)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool found;
        lock (_gate)
        {
            if (_runState is RunState.Stopped or RunState.Stopping)
            {
                return false;
            }

            long now = Now;
            found = _set.SetTrackerValue(instance, kind, name, value, now);
            Perform(now);
        }

        _worker.Kick(RunsAddressWorkInline);
        return found;
    }

    /// <summary>Reports a link state by hand (for platforms without an <see cref="ILinkMonitor"/>): down puts the instances on it in Fault.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="up">True when up.</param>
    public void SetLinkState(string interfaceName, bool up)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        OnLinkEvent(new LinkEvent(interfaceName, up ? LinkEventKind.Up : LinkEventKind.Down));
    }

    /// <summary>The state of an instance now.</summary>
    /// <param name="instance">The instance name.</param>
    /// <returns>Its state.</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    public VrrpState GetState(string instance)
    {
        lock (_gate)
        {
            return (_set.Find(instance) ?? throw new ArgumentException($"No instance '{instance}'.", nameof(instance))).State;
        }
    }

    /// <summary>Takes a snapshot of every instance's status, in the order they were added.</summary>
    /// <returns>The statuses.</returns>
    public IReadOnlyList<VrrpInstanceStatus> GetStatus()
    {
        lock (_gate)
        {
            long now = Now;
            return [.. _set.Routers.Select(r => Status(_entries[r], now))];
        }
    }

    /// <summary>Takes a snapshot of one instance's status.</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="status">Its status, when it exists.</param>
    /// <returns>False when there is no such instance.</returns>
    public bool TryGetStatus(string instance, out VrrpInstanceStatus status)
    {
        lock (_gate)
        {
            if (_set.Find(instance) is { } router)
            {
                status = Status(_entries[router], Now);
                return true;
            }
        }

        status = null!;
        return false;
    }

    /// <summary>Drops that could not be attributed to an instance (too short to read a VRID, or unknown VRID), by reason.</summary>
    /// <returns>Non-zero counts by reason.</returns>
    public IReadOnlyDictionary<DropReason, long> GetUnattributedDrops()
    {
        lock (_gate)
        {
            return _set.GetUnattributedDrops();
        }
    }

    /// <summary>Opens the transport for one channel of the router set.</summary>
    /// <param name="channel">The channel's index (the <see cref="VirtualRouterAction.Channel"/> of its actions).</param>
    /// <param name="options">What to open.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The address adverts on this channel are sent from.</returns>
    protected abstract ValueTask<IPAddressValue> OpenChannelAsync(int channel, VrrpChannelOptions options, CancellationToken cancellationToken);

    /// <summary>Starts receiving on every channel (called once, under the driver's lock, before the instances start).</summary>
    protected abstract void StartReceiving();

    /// <summary>Stops receiving and closes the channels and the timer.</summary>
    /// <returns>A task that completes when nothing runs any more.</returns>
    protected abstract Task StopReceivingAsync();

    /// <summary>
    /// Sends one advert (under the driver's lock, in action order): write it with
    /// <see cref="VirtualRouter.WriteAdvertisement(in VirtualRouterAction, Span{byte})"/> and hand it to the channel
    /// <see cref="VirtualRouterAction.Channel"/> for <see cref="VirtualRouterAction.Destination"/>, or queue it and hand
    /// the queue over in <see cref="FlushAdvertisements"/>. Report failures with <see cref="OnSendFailed"/>; never block.
    /// </summary>
    /// <param name="send">The action.</param>
    protected abstract void SendAdvertisement(in VirtualRouterAction send);

    /// <summary>
    /// Called under the driver's lock once the actions of one input (a datagram, a timer tick with every deadline due,
    /// a link or tracker change, the stop) have been performed, when at least one of them was an advert. A driver that
    /// queues adverts in <see cref="SendAdvertisement"/> sends the queue here, in one batch (one <c>sendmmsg</c> for
    /// every advert due in the same tick). Does nothing by default.
    /// </summary>
    protected virtual void FlushAdvertisements()
    {
    }

    /// <summary>Arms the driver's one timer to call <see cref="OnTimer"/> at <paramref name="deadline"/> (core nanoseconds), or disarms it for <see cref="long.MaxValue"/>. Called only when the earliest deadline changes.</summary>
    /// <param name="deadline">When.</param>
    /// <param name="now">The current time.</param>
    protected abstract void ArmTimer(long deadline, long now);

    /// <summary>Waits for sends still in progress (at stop). Does nothing by default.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when every send has been handed to the network.</returns>
    protected virtual Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Handles a datagram received on a channel.</summary>
    /// <param name="channel">The channel's index.</param>
    /// <param name="bytes">The bytes.</param>
    /// <param name="datagram">The metadata.</param>
    protected void OnDatagram(int channel, ReadOnlySpan<byte> bytes, in ReceivedDatagram datagram)
    {
        lock (_gate)
        {
            if (_runState is not (RunState.Running or RunState.Stopping))
            {
                return;
            }

            long now = Now;
            var result = _set.HandleDatagram(channel, bytes, in datagram, now);
            if (result.Reason != DropReason.None)
            {
                ReportDrop(channel, in result, now);
            }

            Perform(now);
        }

        KickUnlessBatching();
    }

    /// <summary>Handles the timer: fires every due deadline and re-arms.</summary>
    protected void OnTimer()
    {
        lock (_gate)
        {
            _armed = long.MaxValue;
            if (_runState != RunState.Running)
            {
                return;
            }

            long now = Now;
            _set.HandleTimeout(now);
            Perform(now);
        }

        KickUnlessBatching();
    }

    /// <summary>
    /// Runs several inputs (<see cref="OnDatagram"/> for each datagram of a receive batch, then <see cref="OnTimer"/>)
    /// under one acquisition of the driver's lock: each input's actions are still performed in order, but
    /// <see cref="FlushAdvertisements"/> is called once, at the end, for every advert they produced (a master answering
    /// a burst of lower-priority adverts sends its answers together), and address work starts after it.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="inputs"/> needs (the driver itself, so that a static lambda allocates nothing).</typeparam>
    /// <param name="state">Passed to <paramref name="inputs"/>.</param>
    /// <param name="inputs">Calls <see cref="OnDatagram"/> and <see cref="OnTimer"/>; runs on the calling thread, under the lock.</param>
    protected void ProcessBatch<TState>(TState state, Action<TState> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        lock (_gate)
        {
            _batchDepth++;
            try
            {
                inputs(state);
            }
            finally
            {
                if (--_batchDepth == 0 && _flushPending)
                {
                    _flushPending = false;
                    FlushAdvertisements();
                }
            }
        }

        KickUnlessBatching();
    }

    // Address work starts when no lock is held: after the input, or after the whole batch.
    private void KickUnlessBatching()
    {
        if (_batchDepth == 0)
        {
            _worker.Kick(RunsAddressWorkInline);
        }
    }

    /// <summary>Counts and logs (at most once a second per instance) a failed send.</summary>
    /// <param name="router">The router whose advert it was.</param>
    /// <param name="error">What went wrong.</param>
    protected void OnSendFailed(VirtualRouter router, Exception error)
    {
        ArgumentNullException.ThrowIfNull(router);
        lock (_gate)
        {
            if (!_entries.TryGetValue(router, out var entry))
            {
                return;
            }

            entry.SendErrors++;
            long now = Now;
            if (now - entry.LastSendErrorLog >= LogInterval)
            {
                entry.LastSendErrorLog = now;
                Log.SendFailed(Logger, entry.Name, error);
            }
        }
    }

    /// <summary>Logs a failed receive on a channel (the driver retries).</summary>
    /// <param name="channel">The channel's index.</param>
    /// <param name="error">What went wrong.</param>
    protected void OnReceiveFailed(int channel, Exception error)
    {
        var options = _set.GetChannel(channel);
        Log.ReceiveFailed(Logger, options.InterfaceName, options.Family, error);
    }

    // A leftover of a crashed run? The instance's own interface must be there (the start fails otherwise, as before);
    // another interface a VIP names (keepalived "dev") may be missing now and come later: no leftover on it, and the
    // add fails with the reason (the instance goes to Fault and retries).
    private async Task<bool> HasLeftoverAsync(RouterEntry entry, string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
    {
        if (string.Equals(interfaceName, entry.Configuration.InterfaceName, StringComparison.Ordinal) && !DynamicInterfaces)
        {
            return await _addresses.ContainsAsync(interfaceName, address.Address, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await _addresses.ContainsAsync(interfaceName, address.Address, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LeftoverCheckFailed(Logger, entry.Name, address.Address, interfaceName, ex.Message);
            return false;
        }
    }

    // dynamic_interfaces applies to channels on an interface of the driver's namespace, watched by a link monitor.
    private bool WaitsForInterface(VrrpChannelOptions options) =>
        DynamicInterfaces && _links is not null && options.InterfaceName.Length > 0 && options.NetworkNamespace is null;

    private void ThrowIfStarted(string message)
    {
        if (_runState != RunState.Created)
        {
            throw new InvalidOperationException(message);
        }
    }
}
