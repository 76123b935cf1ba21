using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp.Hosting;

namespace Vrrp.Hosting;

/// <summary>One tracker's new state for one instance.</summary>
/// <param name="Instance">The instance.</param>
/// <param name="Kind">The tracker's kind.</param>
/// <param name="Name">The tracker's name (script, file or health check name).</param>
/// <param name="Up">Up or down (scripts, health checks).</param>
/// <param name="Value">The number read (files).</param>
internal readonly record struct TrackerUpdate(string Instance, TrackedObjectKind Kind, string Name, bool Up, long Value);

/// <summary>
/// Runs every tracker the instances reference (scripts and files once each however many instances track them;
/// health checks per instance) and reports each change, and each instance's combined <see cref="TrackingResult"/>
/// whenever it changes.
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _fileValues = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private CancellationTokenSource? _stopping;
    private Action<string, TrackingResult>? _changed;
    private Action<TrackerUpdate>? _update;

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

    /// <summary>The number a tracked file held when last read (0 before start or when unknown).</summary>
    public long FileValue(string name) => _fileValues.TryGetValue(name, out long value) ? value : 0;

    /// <summary>The combined result of one instance now.</summary>
    public TrackingResult Current(string instanceName) =>
        _sets.TryGetValue(instanceName, out var set) ? set.Evaluate() : new TrackingResult(0, []);

    /// <summary>
    /// Declares every tracked object with its initial state (files as read now, scripts and checks up until they
    /// report otherwise), then starts the loops. <paramref name="changed"/> receives each instance's combined result
    /// when it changes; <paramref name="update"/> receives every individual change (for the driver). Interfaces are
    /// tracked by the driver itself through the platform's link monitor.
    /// </summary>
    public void Start(Action<string, TrackingResult>? changed, Action<TrackerUpdate>? update = null)
    {
        _changed = changed;
        _update = update;
        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;

        var scriptsByName = _options.Scripts.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var filesByName = _options.TrackFiles.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var usedScripts = new HashSet<string>(StringComparer.Ordinal);
        var usedFiles = new HashSet<string>(StringComparer.Ordinal);

        foreach (var instance in _options.Instances)
        {
            var set = _sets[instance.Name];
            foreach (var track in instance.TrackScripts)
            {
                if (scriptsByName.TryGetValue(track.Name, out var script))
                {
                    set.Add(TrackedObjectKind.Script, track.Name, track.Weight ?? script.Weight);
                    usedScripts.Add(track.Name);
                }
            }

            foreach (var track in instance.TrackFiles)
            {
                if (filesByName.TryGetValue(track.Name, out var file))
                {
                    set.Add(TrackedObjectKind.File, track.Name, track.Weight ?? file.Weight);
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

                set.Add(TrackedObjectKind.HealthCheck, track.Name, track.Weight);
                string instanceName = instance.Name;
                var tracker = new HealthCheckTracker(registration, track, _scopes, _time, _logger, (name, up) => Report(instanceName, TrackedObjectKind.HealthCheck, name, up));
                _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
            }
        }

        foreach (string name in usedFiles)
        {
            var tracker = new FileTracker(filesByName[name], _time, _logger, ReportFile);
            _fileValues[name] = tracker.Value;
            foreach (var set in _sets.Values)
            {
                set.SetValue(name, tracker.Value);
            }

            _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
        }

        foreach (string name in usedScripts)
        {
            var tracker = new ScriptTracker(scriptsByName[name], _time, _logger, (n, up) => ReportAll(TrackedObjectKind.Script, n, up));
            Scripts.Add(tracker);
            _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
        }

        lock (_gate)
        {
            foreach (var (name, set) in _sets)
            {
                _last[name] = set.Evaluate();
            }
        }
    }

    private void ReportAll(TrackedObjectKind kind, string name, bool up)
    {
        foreach (string instance in _sets.Keys)
        {
            Report(instance, kind, name, up);
        }
    }

    private void ReportFile(string name, long value)
    {
        _fileValues[name] = value;
        foreach (var (instance, set) in _sets)
        {
            if (set.SetValue(name, value))
            {
                _update?.Invoke(new TrackerUpdate(instance, TrackedObjectKind.File, name, true, value));
                Publish(instance, set);
            }
        }
    }

    private void Report(string instance, TrackedObjectKind kind, string name, bool up)
    {
        var set = _sets[instance];
        if (set.SetUp(kind, name, up))
        {
            _update?.Invoke(new TrackerUpdate(instance, kind, name, up, 0));
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
        var stopping = Interlocked.Exchange(ref _stopping, null);
        if (stopping is null)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        _loops.Clear();
        stopping.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
