using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp.Hosting;

namespace Vrrp.Tracking;

/// <summary>
/// Runs every tracker the instances reference (scripts and files once each however many instances track them;
/// health checks per instance; links through <see cref="ILinkMonitor"/>) and reports each instance's combined
/// <see cref="TrackingResult"/> whenever it changes.
/// </summary>
internal sealed class VrrpTracking : IAsyncDisposable
{
    private readonly VrrpOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IServiceScopeFactory? _scopes;
    private readonly IReadOnlyList<HealthCheckRegistration> _registrations;
    private readonly Dictionary<string, TrackedObjectSet> _sets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrackingResult> _last = new(StringComparer.Ordinal);
    private readonly List<Task> _loops = [];
    private readonly object _gate = new();
    private CancellationTokenSource? _stopping;
    private Action<string, TrackingResult>? _changed;

    public VrrpTracking(VrrpOptions options, TimeProvider time, ILogger logger, IServiceScopeFactory? scopes, IOptionsMonitor<HealthCheckServiceOptions>? healthChecks)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _scopes = scopes;
        _registrations = healthChecks?.Get(Options.DefaultName).Registrations.ToList() ?? [];
        foreach (var instance in options.Instances)
        {
            _sets[instance.Name] = new TrackedObjectSet(instance.Name);
        }
    }

    /// <summary>The scripts being run, for tests.</summary>
    internal List<ScriptTracker> Scripts { get; } = [];

    /// <summary>The combined result of one instance now.</summary>
    public TrackingResult Current(string instanceName) =>
        _sets.TryGetValue(instanceName, out var set) ? set.Evaluate() : new TrackingResult(0, []);

    /// <summary>
    /// Declares every tracked object with its initial state (links as the monitor sees them now, files as read now,
    /// scripts and checks up until they report otherwise), then starts the loops.
    /// </summary>
    public void Start(ILinkMonitor? links, Action<string, TrackingResult> changed)
    {
        _changed = changed;
        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;

        var scriptsByName = _options.Scripts.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var filesByName = _options.TrackFiles.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var usedScripts = new HashSet<string>(StringComparer.Ordinal);
        var usedFiles = new HashSet<string>(StringComparer.Ordinal);
        var trackedLinks = new HashSet<string>(StringComparer.Ordinal);

        foreach (var instance in _options.Instances)
        {
            var set = _sets[instance.Name];
            foreach (var track in instance.TrackInterfaces)
            {
                set.Add(TrackerKind.Interface, track.Interface, track.Weight, links?.IsUp(track.Interface) ?? true);
                trackedLinks.Add(track.Interface);
            }

            foreach (var track in instance.TrackScripts)
            {
                if (scriptsByName.TryGetValue(track.Name, out var script))
                {
                    set.Add(TrackerKind.Script, track.Name, track.Weight ?? script.Weight);
                    usedScripts.Add(track.Name);
                }
            }

            foreach (var track in instance.TrackFiles)
            {
                if (filesByName.TryGetValue(track.Name, out var file))
                {
                    set.Add(TrackerKind.File, track.Name, track.Weight ?? file.Weight);
                    usedFiles.Add(track.Name);
                }
            }

            foreach (var track in instance.TrackHealthChecks)
            {
                var registration = _registrations.FirstOrDefault(r => r.Name == track.Name);
                if (registration is null || _scopes is null)
                {
                    continue;
                }

                set.Add(TrackerKind.HealthCheck, track.Name, track.Weight);
                string instanceName = instance.Name;
                var tracker = new HealthCheckTracker(registration, track, _scopes, _time, _logger, (name, up) => Report(instanceName, TrackerKind.HealthCheck, name, up));
                _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
            }
        }

        foreach (string name in usedFiles)
        {
            var tracker = new FileTracker(filesByName[name], _time, _logger, ReportFile);
            foreach (var set in _sets.Values)
            {
                set.SetValue(name, tracker.Value);
            }

            _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
        }

        foreach (string name in usedScripts)
        {
            var tracker = new ScriptTracker(scriptsByName[name], _time, _logger, (n, up) => ReportAll(TrackerKind.Script, n, up));
            Scripts.Add(tracker);
            _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
        }

        if (links is not null && trackedLinks.Count > 0)
        {
            _loops.Add(Task.Run(() => WatchLinksAsync(links, trackedLinks, token), CancellationToken.None));
        }

        lock (_gate)
        {
            foreach (var (name, set) in _sets)
            {
                _last[name] = set.Evaluate();
            }
        }
    }

    private async Task WatchLinksAsync(ILinkMonitor links, HashSet<string> tracked, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in links.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!tracked.Contains(e.InterfaceName) || e.Kind is LinkEventKind.AddressAdded or LinkEventKind.AddressRemoved)
                {
                    continue;
                }

                bool up = e.Kind == LinkEventKind.Up;
                Log.InterfaceChanged(_logger, e.InterfaceName, up ? "up" : "down");
                ReportAll(TrackerKind.Interface, e.InterfaceName, up);
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

    private void ReportAll(TrackerKind kind, string name, bool up)
    {
        foreach (string instance in _sets.Keys)
        {
            Report(instance, kind, name, up);
        }
    }

    private void ReportFile(string name, long value)
    {
        foreach (var (instance, set) in _sets)
        {
            if (set.SetValue(name, value))
            {
                Publish(instance, set);
            }
        }
    }

    private void Report(string instance, TrackerKind kind, string name, bool up)
    {
        var set = _sets[instance];
        if (set.SetUp(kind, name, up))
        {
            Publish(instance, set);
        }
    }

    private void Publish(string instance, TrackedObjectSet set)
    {
        TrackingResult result;
        lock (_gate)
        {
            result = set.Evaluate();
            if (_last.TryGetValue(instance, out var last) && last.PriorityDelta == result.PriorityDelta && last.Faults.SequenceEqual(result.Faults))
            {
                return;
            }

            _last[instance] = result;
            _changed?.Invoke(instance, result);
        }
    }

    public async Task StopAsync()
    {
        if (_stopping is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _loops.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping?.Dispose();
    }
}
