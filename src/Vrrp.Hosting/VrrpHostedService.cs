using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Hosting;

/// <summary>
/// Runs the configured instances with the host: on start, creates a <see cref="VrrpDriver"/> over the registered
/// platform (the one chosen with <c>UseDriver</c>, or <see cref="AsyncVrrpDriver"/>), starts the trackers and the instances; on stop (within the host's shutdown timeout), stops the instances
/// (a master sends priority 0 and removes its addresses), then the trackers, and delivers the last callbacks.
/// </summary>
internal sealed partial class VrrpHostedService : IHostedService, IVrrpReloader, IAsyncDisposable, IDisposable
{
    internal const string NoPlatformMessage =
        "No VRRP platform is registered: the virtual routers have no way to send adverts or add addresses. " +
        "Call .UseLinux() from the Vrrp.Linux package on the builder returned by services.AddVrrp(), " +
        "or .UseInMemoryLan(lan) for tests and demos (or .UsePlatform(...) for a platform of your own).";

    private readonly IServiceProvider _services;
    private readonly IOptions<VrrpOptions> _options;
    private readonly VrrpMonitor _monitor;
    private readonly VrrpMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private VrrpDriver? _driver;
    private int _disposed;
    private VrrpTracking? _tracking;
    private StateChangeDispatcher? _dispatcher;
    private readonly List<IVrrpTrackerSource> _sources = [];

    public VrrpHostedService(IServiceProvider services, IOptions<VrrpOptions> options, VrrpMonitor monitor, VrrpMetrics metrics, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _options = options;
        _monitor = monitor;
        _metrics = metrics;
        _time = time;
        _loggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Vrrp.Hosting");
        _metrics.SetStatusSource(() => _monitor.Instances, () => _driver?.GetUnattributedDrops() ?? new Dictionary<Packets.DropReason, long>());
    }

    /// <summary>The driver, once started (for tests and diagnostics).</summary>
    internal VrrpDriver? Driver => _driver;

    /// <summary>The trackers, for tests.</summary>
    internal VrrpTracking? Tracking => _tracking;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var platform = _services.GetService<VrrpPlatform>() ?? throw new InvalidOperationException(NoPlatformMessage);

        // Always there, even without scripts: a reload may add some (Update).
        var handlers = new List<IVrrpStateHandler>();
        _scripts = CreateScripts(options);
        _notify = new NotifyScriptHandler(options, _scripts, _logger, _deletions);
        handlers.Add(_notify);
        _groupNotify = new SyncGroupNotifyHandler(options, _scripts, _logger, _deletions);
        handlers.Add(_groupNotify);

        handlers.AddRange(_services.GetServices<IVrrpStateHandler>());
        _dispatcher = new StateChangeDispatcher(handlers, options.CallbackTimeout, _time, _loggerFactory.CreateLogger("Vrrp.Hosting.Callbacks"));

        _tracking = new VrrpTracking(
            options,
            _time,
            _loggerFactory.CreateLogger("Vrrp.Tracking"),
            _services.GetService<IServiceScopeFactory>(),
            _services.GetService<IOptionsMonitor<HealthCheckServiceOptions>>());

        _monitor.Initialize(options.Instances.Select(i => VrrpInstanceStatus.NotStarted(DriverConfiguration.Create(options, i))));

        // keepalived runs its startup script before it starts the VRRP process (which then waits vrrp_startup_delay).
        await RunDaemonScriptAsync("startup_script", options.StartupScript, cancellationToken).ConfigureAwait(false);

        if (options.StartupDelay > TimeSpan.Zero)
        {
            Log.StartupDelay(_logger, options.StartupDelay);
            await Task.Delay(options.StartupDelay, _time, cancellationToken).ConfigureAwait(false);
        }

        // Only reached with IgnoreUnsupported: the validator refuses these otherwise.
        foreach (var (owner, entry) in NotYetApplied.UsedBy(options))
        {
            Log.SettingIgnored(_logger, owner, entry.Setting);
        }

        Log.Starting(_logger, string.IsNullOrEmpty(options.RouterId) ? Environment.MachineName : options.RouterId, platform.Name, options.Instances.Count);
        var resources = _services.GetService<VrrpResourceFactory>();
        foreach (var instance in options.Instances.Where(static i => i.UseVirtualMac || i.UseVirtualMacForAddresses || i.UseIpvlan))
        {
            // A platform that gives instances their resources (Vrrp.Linux) applies the virtual MAC and the ipvlan; others cannot.
            if (resources is null)
            {
                Log.SettingIgnored(_logger, $"Instance '{instance.Name}'",
                    instance.UseIpvlan ? "UseIpvlan (use_ipvlan)" : instance.UseVirtualMac ? "UseVirtualMac (use_vmac)" : "UseVirtualMacForAddresses (use_vmac_addr)");
            }
        }

        await CheckInterfacesAsync(options, platform, cancellationToken).ConfigureAwait(false);

        var driver = _services.GetService<VrrpDriverFactory>()?.Create(_services, platform) ?? new AsyncVrrpDriver(platform, _time, _loggerFactory);
        driver.DynamicInterfaces = options.DynamicInterfaces; // keepalived dynamic_interfaces: missing interfaces are waited for
        foreach (var instance in options.Instances)
        {
            var configuration = DriverConfiguration.Create(options, instance);
            if (resources is null)
            {
                driver.AddRouter(configuration);
            }
            else
            {
                driver.AddRouter(configuration, resources.Create(_services, options, instance));
            }
        }

        foreach (var group in options.SyncGroups)
        {
            // The driver groups two or more; a one-member group (keepalived warns about it) changes nothing.
            if (group.Instances.Count >= 2)
            {
                driver.AddSyncGroup(group.Name, group.Instances, group.TrackingWeight);
            }
        }

        ApplyLinkDelays(driver, options, null);
        driver.LogUnknownVirtualRouterIds = options.LogUnknownVirtualRouterIds;
        OpenFifos(options, _scripts);
        driver.AddObserver(new Observer(this));
        _driver = driver;
        _monitor.SetSource(driver.GetStatus);

        // Trackers first: their initial values (a file already lowering the priority, say) reach the instances
        // before they start, so they start with them.
        _tracking.Start(update => driver.SetTrackerValue(update.Instance, update.Kind, update.Name, update.Value));
        foreach (string file in options.Instances.SelectMany(i => i.TrackFiles).Select(t => t.Name).Distinct(StringComparer.Ordinal))
        {
            driver.SetTrackerValue(null, TrackerKind.File, file, _tracking.FileValue(file));
        }

        try
        {
            // The platform's trackers (processes...) report their first values before the instances start too.
            foreach (var source in _services.GetServices<IVrrpTrackerSource>())
            {
                _sources.Add(source);
                await source.StartAsync((instance, kind, name, value) => driver.SetTrackerValue(instance, kind, name, value), cancellationToken).ConfigureAwait(false);
            }

            await driver.StartAsync(cancellationToken).ConfigureAwait(false);
            _running = options;
            WatchForChanges();
        }
        catch
        {
            // The driver cleaned up after itself; do not leave the trackers (and their scripts) running.
            await StopSourcesAsync(CancellationToken.None).ConfigureAwait(false);
            await _tracking.StopAsync().ConfigureAwait(false);
            await CloseFifosAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StopSourcesAsync(CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            try
            {
                await source.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.TrackerSourceStopFailed(_logger, source.GetType().Name, ex);
            }
        }

        _sources.Clear();
    }

    /// <summary>
    /// keepalived's <c>interface_up_down_delays</c>, each delay cut to just below twice the shortest advert interval of
    /// the instances on its interface (keepalived's <c>check_debounce_timers</c>: 2 x advert_int - advert_int / 256).
    /// After a reload, delays that are gone are removed.
    /// </summary>
    private void ApplyLinkDelays(VrrpDriver driver, VrrpOptions options, VrrpOptions? previous)
    {
        foreach (var gone in previous?.InterfaceDelays.Where(p => !options.InterfaceDelays.Any(d => d.Interface == p.Interface)) ?? [])
        {
            driver.SetLinkDelays(gone.Interface, TimeSpan.Zero, TimeSpan.Zero);
        }

        foreach (var delay in options.InterfaceDelays)
        {
            var (down, up) = (delay.Down, delay.Up);
            if (options.Instances.Where(i => i.Interface == delay.Interface).OrderBy(static i => i.AdvertisementInterval).FirstOrDefault() is { } fastest)
            {
                var interval = fastest.AdvertisementInterval;
                if (down >= 2 * interval || up >= 2 * interval)
                {
                    var cut = (2 * interval) - (interval / 256);
                    down = down >= 2 * interval ? cut : down;
                    up = up >= 2 * interval ? cut : up;
                    Log.LinkDelayCut(_logger, fastest.Name, delay.Interface, cut.TotalSeconds);
                }
            }

            driver.SetLinkDelays(delay.Interface, down, up);
        }
    }

    /// <summary>"Instance 'A'", "Instances 'A', 'B' and 'C'", or the first five and how many more.</summary>
    private static string Instances(IReadOnlyList<string> names)
    {
        if (names.Count == 1)
        {
            return $"Instance '{names[0]}'";
        }

        var quoted = names.Take(5).Select(n => $"'{n}'").ToList();
        return names.Count <= 5
            ? $"Instances {string.Join(", ", quoted.Take(quoted.Count - 1))} and {quoted[^1]}"
            : $"Instances {string.Join(", ", quoted)} and {names.Count - 5} more";
    }

    /// <summary>
    /// Asks the platform about each instance's interfaces before anything starts, so that a missing one is a
    /// validation error naming the instance and the option rather than the platform's own exception from deep inside
    /// the start.
    /// </summary>
    private static async Task CheckInterfacesAsync(VrrpOptions options, VrrpPlatform platform, CancellationToken cancellationToken)
    {
        // One look-up per interface: 255 instances on eth0 ask once and, when eth0 is missing, get one error naming them.
        var failures = new List<string>();
        // An instance without an interface asks about its VRF device, if it names one (keepalived: the same
        // "Non-existent interface" refusal).
        foreach (var byInterface in options.Instances.GroupBy(i => i.Interface.Length > 0 ? i.Interface : i.Vrf ?? "", StringComparer.Ordinal))
        {
            var instance = byInterface.First();
            if (byInterface.Key.Length == 0 || (options.DynamicInterfaces && instance.Interface.Length > 0))
            {
                continue; // dynamic_interfaces: the driver waits for the instance's interface
            }

            string option = instance.Interface.Length > 0 ? "Interface (interface)" : "Vrf (vrf)";

            // The address manager's look-up fails for an interface that does not exist (Vrrp.Linux: ENODEV).
            var probe = instance.VirtualAddresses.Count > 0 && VirtualAddressSpec.Parse(instance.VirtualAddresses[0]).Address is { } first
                ? first.Address
                : IPAddressValue.Parse("192.0.2.1");
            try
            {
                await platform.Addresses.ContainsAsync(byInterface.Key, probe, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add($"{Instances(byInterface.Select(i => i.Name).ToList())}: {option} '{byInterface.Key}' cannot be used on platform {platform.Name}: {ex.Message.TrimEnd('.')}. Check the interface name (ip link) and the network namespace.");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(VrrpOptions), failures);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        StopWatchingForChanges();
        var applied = _running ?? _options.Value;
        _running = null;
        Log.Stopping(_logger);
        try
        {
            if (_driver is not null && !_options.Value.ReleaseOnStop)
            {
                Log.NotReleasing(_logger);
                await _driver.AbortAsync().ConfigureAwait(false);
            }
            else if (_driver is not null)
            {
                await _driver.StopAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.StopTimedOut(_logger);
        }
        finally
        {
            await StopSourcesAsync(cancellationToken).ConfigureAwait(false);
            if (_tracking is not null)
            {
                await _tracking.StopAsync().ConfigureAwait(false);
            }

            if (_dispatcher is not null)
            {
                await _dispatcher.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await CloseFifosAsync().ConfigureAwait(false);

            // keepalived runs its shutdown script once its VRRP process has ended (addresses removed, FIFOs closed).
            // The configuration in force: the last one a reload applied (keepalived reads it again at every reload).
            await RunDaemonScriptAsync("shutdown_script", applied.ShutdownScript, CancellationToken.None).ConfigureAwait(false);
            _monitor.Complete();
            Log.Stopped(_logger);
        }
    }

    /// <summary>For containers disposed synchronously; the host disposes asynchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as an IHostedService: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_driver is not null)
        {
            await _driver.DisposeAsync().ConfigureAwait(false);
        }

        if (_tracking is not null)
        {
            await _tracking.DisposeAsync().ConfigureAwait(false);
        }

        await CloseFifosAsync().ConfigureAwait(false);

        if (_dispatcher is not null)
        {
            await _dispatcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The driver's observer: called under the driver's lock, in order per instance. It only records and queues
    /// (metrics, the monitor's streams, the callback queues): nothing here waits.
    /// </summary>
    private sealed class Observer(VrrpHostedService host) : VrrpObserver
    {
        public override void OnStateChanged(VrrpStateChange change)
        {
            host._metrics.Transition(change.InstanceName, change.PreviousState, change.State);
            if (change.State == VrrpState.Stopped && host._reconfiguring && host._running?.Instances.Find(i => i.Name == change.InstanceName) is { } removed)
            {
                // A reload is removing it: its notifies report a deletion, as keepalived's (InstanceDeletions).
                host._deletions.Record(new InstanceDeletion(removed, change.PreviousState));
            }

            host._fifos?.OnStateChanged(change.InstanceName, change.State);
        }

        // keepalived's notify_priority_changes: a FIFO line when the effective priority changes, at once.
        public override void OnPriorityChanged(string instance, int priority) => host._fifos?.OnPriorityChanged(instance, priority);

        // Callbacks, notify scripts and WatchAsync readers get the change once its address work is done: a master's
        // addresses are on the interface (and announced), a backup's are gone.
        public override void OnStateApplied(VrrpStateChange change)
        {
            // The FIFO lines first and here, under the driver's lock: every reader gets them in the order they happened.
            host._fifos?.OnApplied(change);
            host._monitor.Publish(change);
            host._dispatcher?.Post(change);
        }

        // keepalived's notify_master_rx_lower_pri: the master heard a lower priority (a healed split, a cloud's
        // address to claim back). Run off the driver's lock; one run at a time per instance.
        public override void OnLowerPriorityAdvertisement(string instance, IPAddressValue source, byte priority) =>
            host._notify?.OnLowerPriorityAdvertisement(instance);
    }
}
