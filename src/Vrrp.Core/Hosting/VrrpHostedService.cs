using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp.Observability;
using Vrrp.Packets;
using Vrrp.Tracking;

namespace Vrrp.Hosting;

/// <summary>
/// Runs the configured instances with the host: on start, creates the runtime over the registered platform, starts
/// the trackers and the instances; on stop (within the host's shutdown timeout), stops the instances (a master
/// sends priority 0 and removes its addresses), then the trackers, and delivers the last callbacks.
/// </summary>
internal sealed class VrrpHostedService : IHostedService, IAsyncDisposable, IDisposable, IVrrpRuntimeObserver
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
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly DropLog _drops;
    private IVrrpRuntime? _runtime;
    private VrrpTracking? _tracking;
    private StateChangeDispatcher? _dispatcher;

    public VrrpHostedService(IServiceProvider services, IOptions<VrrpOptions> options, VrrpMonitor monitor, VrrpMetrics metrics, TimeProvider time, ILoggerFactory? loggerFactory = null)
    {
        _services = services;
        _options = options;
        _monitor = monitor;
        _metrics = metrics;
        _time = time;
        _loggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Vrrp.Hosting");
        _drops = new DropLog(_loggerFactory.CreateLogger("Vrrp.Observability"), time);
        _metrics.SetStatusSource(() => _monitor.Instances);
    }

    /// <summary>The trackers, for tests.</summary>
    internal VrrpTracking? Tracking => _tracking;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var platform = _services.GetService<VrrpPlatform>() ?? throw new InvalidOperationException(NoPlatformMessage);
        var factory = _services.GetService<IVrrpRuntimeFactory>() ?? throw new InvalidOperationException("No VRRP runtime is registered (services.AddVrrp() registers it).");

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

        Log.Starting(_logger, platform.Name, options.Instances.Count);
        _runtime = factory.Create(options, platform, this);

        // Trackers first, so an instance whose interface is already down starts in Fault and one whose file already
        // lowers its priority starts with the lowered priority.
        _tracking.Start(platform.Links, ApplyTracking);
        foreach (var instance in options.Instances)
        {
            ApplyTracking(instance.Name, _tracking.Current(instance.Name));
        }

        await _runtime.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private void ApplyTracking(string instanceName, TrackingResult result)
    {
        var status = _monitor.Update(instanceName, s => s with
        {
            EffectivePriority = result.EffectivePriority(s.ConfiguredPriority),
            Faults = result.Faults,
        });
        _runtime?.SetTracking(instanceName, result.PriorityDelta, result.Faults);
        _ = status;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(_logger);
        try
        {
            if (_runtime is not null)
            {
                await _runtime.StopAsync(cancellationToken).ConfigureAwait(false);
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
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync().ConfigureAwait(false);
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

    // IVrrpRuntimeObserver: called by the runtime, in order per instance. Never blocks, never throws.

    void IVrrpRuntimeObserver.StateChanged(string instanceName, VrrpState previous, VrrpState state, int effectivePriority, IPAddressValue? masterAddress)
    {
        long sequence;
        lock (_sequences)
        {
            _sequences.TryGetValue(instanceName, out sequence);
            _sequences[instanceName] = ++sequence;
        }

        var now = _time.GetUtcNow();
        var change = new VrrpStateChange
        {
            InstanceName = instanceName,
            PreviousState = previous,
            State = state,
            Priority = effectivePriority,
            MasterAddress = masterAddress,
            Timestamp = now,
            Sequence = sequence,
        };
        _monitor.Update(instanceName, s => s with { State = state, EffectivePriority = effectivePriority, MasterAddress = masterAddress, LastTransition = now });
        _metrics.Transition(instanceName, previous, state);
        _monitor.Publish(change);
        _dispatcher?.Post(change);
    }

    void IVrrpRuntimeObserver.PriorityChanged(string instanceName, int effectivePriority) =>
        _monitor.Update(instanceName, s => s with { EffectivePriority = effectivePriority });

    void IVrrpRuntimeObserver.AdvertisementSent(string instanceName) => _metrics.AdvertisementSent(instanceName);

    void IVrrpRuntimeObserver.AdvertisementReceived(string instanceName, IPAddressValue source)
    {
        _metrics.AdvertisementReceived(instanceName);
        var current = _monitor.TryGetInstance(instanceName, out var status) ? status : null;
        if (current is { State: VrrpState.Backup } && current.MasterAddress != source)
        {
            _monitor.Update(instanceName, s => s with { MasterAddress = source });
        }
    }

    void IVrrpRuntimeObserver.Dropped(string? instanceName, DropReason reason)
    {
        _metrics.Dropped(instanceName, reason);
        _drops.Dropped(instanceName, reason);
    }
}
