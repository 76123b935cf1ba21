using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp.Packets;
using Vrrp.Runtime;
using DriverStateChange = Vrrp.Runtime.RouterStateChange;

namespace Vrrp.Hosting;

/// <summary>
/// Runs the configured instances with the host: on start, creates a <see cref="VrrpDriver"/> over the registered
/// platform, starts the trackers and the instances; on stop (within the host's shutdown timeout), stops the instances
/// (a master sends priority 0 and removes its addresses), then the trackers, and delivers the last callbacks.
/// </summary>
internal sealed class VrrpHostedService : IHostedService, IAsyncDisposable, IDisposable
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
    private VrrpPlatform? _platform;
    private Dictionary<string, VirtualRouterHandle> _handles = new(StringComparer.Ordinal);
    private Dictionary<string, VrrpInstanceOptions> _instances = new(StringComparer.Ordinal);

    public VrrpHostedService(IServiceProvider services, IOptions<VrrpOptions> options, VrrpMonitor monitor, VrrpMetrics metrics, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _options = options;
        _monitor = monitor;
        _metrics = metrics;
        _time = time;
        _loggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Vrrp.Hosting");
        _metrics.SetStatusSource(() => _monitor.Instances);
    }

    /// <summary>The driver, once started (for tests and diagnostics).</summary>
    internal VrrpDriver? Driver => _driver;

    /// <summary>The trackers, for tests.</summary>
    internal VrrpTracking? Tracking => _tracking;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var platform = _services.GetService<VrrpPlatform>() ?? throw new InvalidOperationException(NoPlatformMessage);
        _platform = platform;
        _instances = options.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);

        var handlers = new List<IVrrpStateHandler>();
        var notify = new NotifyScriptHandler(options, _logger);
        if (notify.HasScripts)
        {
            handlers.Add(notify);
        }

        var groupNotify = new SyncGroupNotifyHandler(options, _logger);
        if (groupNotify.HasScripts)
        {
            handlers.Add(groupNotify);
        }

        handlers.AddRange(_services.GetServices<IVrrpStateHandler>());
        _dispatcher = new StateChangeDispatcher(handlers, options.CallbackTimeout, _time, _loggerFactory.CreateLogger("Vrrp.Hosting.Callbacks"));

        _tracking = new VrrpTracking(
            options,
            _time,
            _loggerFactory.CreateLogger("Vrrp.Tracking"),
            _services.GetService<IServiceScopeFactory>(),
            _services.GetService<IOptionsMonitor<HealthCheckServiceOptions>>());

        _monitor.Initialize(options.Instances.Select(i => new VrrpInstanceStatus
        {
            Name = i.Name,
            Interface = i.Interface,
            VirtualRouterId = i.VirtualRouterId,
            State = VrrpState.Initialize,
            ConfiguredPriority = i.Priority,
            EffectivePriority = i.Priority,
        }));

        if (options.StartupDelay > TimeSpan.Zero)
        {
            Log.StartupDelay(_logger, options.StartupDelay);
            await Task.Delay(options.StartupDelay, _time, cancellationToken).ConfigureAwait(false);
        }

        Log.Starting(_logger, string.IsNullOrEmpty(options.RouterId) ? Environment.MachineName : options.RouterId, platform.Name, options.Instances.Count);
        foreach (var instance in options.Instances)
        {
            if (instance.UseVirtualMac)
            {
                Log.SettingIgnored(_logger, instance.Name, "UseVirtualMac (use_vmac)");
            }

            if (instance.StrictMode)
            {
                Log.SettingIgnored(_logger, instance.Name, "StrictMode (strict_mode)");
            }
        }

        var driver = new VrrpDriver(platform.Transport, platform.Addresses, platform.Announcer, platform.Links, _time, _loggerFactory);
        foreach (var instance in options.Instances)
        {
            _handles[instance.Name] = driver.AddRouter(DriverConfiguration.Create(options, instance));
        }

        foreach (var group in options.SyncGroups)
        {
            // The driver groups two or more; a one-member group (keepalived warns about it) changes nothing.
            if (group.Instances.Count >= 2)
            {
                driver.AddSyncGroup(group.Name, group.Instances.Select(m => _handles[m]));
            }
        }

        driver.AddObserver(new Observer(this));
        _driver = driver;
        _monitor.SetSource(Snapshot);

        // Trackers first: their initial states (a file already lowering the priority, say) are pushed before the
        // instances start, so they start with them.
        _tracking.Start(null, update =>
        {
            if (_handles.TryGetValue(update.Instance, out var handle))
            {
                driver.SetTrackerStates(handle, [.. DriverConfiguration.States(update, options)]);
            }
        });
        foreach (var instance in options.Instances)
        {
            foreach (var track in instance.TrackFiles)
            {
                var update = new TrackerUpdate(instance.Name, TrackedObjectKind.File, track.Name, true, _tracking.FileValue(track.Name));
                driver.SetTrackerStates(_handles[instance.Name], [.. DriverConfiguration.States(update, options)]);
            }
        }

        try
        {
            await driver.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The driver cleaned up after itself; do not leave the trackers (and their scripts) running.
            await _tracking.StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The instances' live status, from the driver.</summary>
    private IReadOnlyList<VrrpInstanceStatus> Snapshot()
    {
        var driver = _driver;
        if (driver is null)
        {
            return [];
        }

        var list = new List<VrrpInstanceStatus>(_handles.Count);
        foreach (var handle in driver.Routers)
        {
            var s = handle.GetStatus();
            var options = _instances[handle.Name];
            list.Add(new VrrpInstanceStatus
            {
                Name = s.Name,
                Interface = options.Interface,
                VirtualRouterId = options.VirtualRouterId,
                State = s.State,
                ConfiguredPriority = s.ConfiguredPriority,
                EffectivePriority = s.EffectivePriority,
                MasterAddress = s.MasterAddress,
                Faults = s.IsFaulted ? Faults(options) : [],
                LastTransition = s.LastStateChange?.Timestamp,
                AdvertisementsSent = s.AdvertisementsSent,
                AdvertisementsReceived = s.AdvertisementsReceived,
                TimeAsMaster = s.TimeAsMaster,
            });
        }

        return list;
    }

    /// <summary>Describes what holds an instance in Fault, as far as the hosting layer can tell.</summary>
    private List<string> Faults(VrrpInstanceOptions instance)
    {
        var faults = new List<string>(_tracking?.Current(instance.Name).Faults ?? []);
        var links = _platform?.Links;
        if (links is not null)
        {
            if (!instance.DontTrackPrimary && !links.IsUp(instance.Interface))
            {
                faults.Add($"interface {instance.Interface} down");
            }

            foreach (var track in instance.TrackInterfaces)
            {
                if (track.Weight == 0 && !links.IsUp(track.Interface))
                {
                    faults.Add($"track_interface {track.Interface} down");
                }
            }
        }

        if (faults.Count == 0)
        {
            faults.Add("sync group member in fault");
        }

        return faults;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(_logger);
        try
        {
            if (_driver is not null)
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
            if (_tracking is not null)
            {
                await _tracking.StopAsync().ConfigureAwait(false);
            }

            if (_dispatcher is not null)
            {
                await _dispatcher.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

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
        private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);

        public override void OnStateChanged(VirtualRouterHandle router, in DriverStateChange change)
        {
            _sequences.TryGetValue(router.Name, out long sequence);
            _sequences[router.Name] = ++sequence;
            var published = new VrrpStateChange
            {
                InstanceName = router.Name,
                PreviousState = change.From,
                State = change.To,
                Priority = change.Priority,
                MasterAddress = change.To == VrrpState.Master ? router.LocalAddress : change.To == VrrpState.Backup ? change.Peer : null,
                Timestamp = change.Timestamp,
                Sequence = sequence,
                Reason = change.Reason.ToString(),
            };
            host._metrics.Transition(router.Name, change.From, change.To);
            host._monitor.Publish(published);
            host._dispatcher?.Post(published);
        }

        public override void OnAdvertisementSent(VirtualRouterHandle router, byte priority) => host._metrics.AdvertisementSent(router.Name);

        public override void OnAdvertisementReceived(VirtualRouterHandle router, IPAddressValue source, byte priority) => host._metrics.AdvertisementReceived(router.Name);

        public override void OnAdvertisementDropped(VirtualRouterHandle? router, DropReason reason, IPAddressValue source) => host._metrics.Dropped(router?.Name, reason);
    }
}
