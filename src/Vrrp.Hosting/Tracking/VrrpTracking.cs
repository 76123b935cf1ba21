using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp.Election;

namespace Vrrp.Hosting;

/// <summary>One tracked object's new value: for every instance that tracks it, or for one (health checks run per instance).</summary>
/// <param name="Instance">The instance, or null for every instance that tracks the object.</param>
/// <param name="Kind">The object's kind.</param>
/// <param name="Name">Its name (script, file or health check name).</param>
/// <param name="Value">1 or 0 for up or down; a file's number.</param>
internal readonly record struct TrackerUpdate(string? Instance, TrackerKind Kind, string Name, long Value);

/// <summary>
/// Runs every tracked object the instances reference (scripts and files once each however many instances track
/// them; health checks per instance) and reports each change. What a value does to an instance (weights, Fault) is
/// the protocol core's business (<see cref="VirtualRouter.SetTrackerValue"/>); interfaces are tracked by the driver
/// itself through the platform's link monitor.
/// </summary>
internal sealed class VrrpTracking : IAsyncDisposable
{
    private readonly VrrpOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IServiceScopeFactory? _scopes;
    private readonly IReadOnlyList<HealthCheckRegistration> _registrations;
    private readonly List<Task> _loops = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _fileValues = new(StringComparer.Ordinal);
    private CancellationTokenSource? _stopping;

    public VrrpTracking(VrrpOptions options, TimeProvider time, ILogger logger, IServiceScopeFactory? scopes, IOptionsMonitor<HealthCheckServiceOptions>? healthChecks)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _scopes = scopes;
        _registrations = healthChecks?.Get(Options.DefaultName).Registrations.ToList() ?? [];
    }

    /// <summary>The scripts being run, for tests.</summary>
    internal List<ScriptTracker> Scripts { get; } = [];

    /// <summary>The number a tracked file held when last read (0 before start or when unknown).</summary>
    public long FileValue(string name) => _fileValues.TryGetValue(name, out long value) ? value : 0;

    /// <summary>
    /// Reads the tracked files once (their first values are in <see cref="FileValue"/> when this returns), then starts
    /// every tracker's loop; <paramref name="update"/> receives every change from then on.
    /// </summary>
    public void Start(Action<TrackerUpdate> update)
    {
        _stopping = new CancellationTokenSource();
        var token = _stopping.Token;
        var scripts = _options.Scripts.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var files = _options.TrackFiles.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var usedScripts = new HashSet<string>(StringComparer.Ordinal);
        var usedFiles = new HashSet<string>(StringComparer.Ordinal);

        foreach (var instance in _options.Instances)
        {
            usedScripts.UnionWith(instance.TrackScripts.Select(t => t.Name).Where(scripts.ContainsKey));
            usedFiles.UnionWith(instance.TrackFiles.Select(t => t.Name).Where(files.ContainsKey));
            foreach (var track in instance.TrackHealthChecks)
            {
                var registration = _registrations.FirstOrDefault(r => r.Name == track.Name);
                if (registration is null || _scopes is null)
                {
                    continue;
                }

                string instanceName = instance.Name;
                var tracker = new HealthCheckTracker(registration, track, _scopes, _time, _logger, (name, up) => update(new TrackerUpdate(instanceName, TrackerKind.HealthCheck, name, up ? 1 : 0)));
                _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
            }
        }

        foreach (string name in usedFiles)
        {
            var tracker = new FileTracker(files[name], _time, _logger, (n, value) =>
            {
                _fileValues[n] = value;
                update(new TrackerUpdate(null, TrackerKind.File, n, value));
            });
            _fileValues[name] = tracker.Value;
            _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
        }

        foreach (string name in usedScripts)
        {
            var tracker = new ScriptTracker(scripts[name], _time, _logger, (n, up) => update(new TrackerUpdate(null, TrackerKind.Script, n, up ? 1 : 0)));
            Scripts.Add(tracker);
            _loops.Add(Task.Run(() => tracker.RunAsync(token), CancellationToken.None));
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
