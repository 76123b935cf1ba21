using System.Globalization;
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
/// itself through the platform's link monitor. A reload (<see cref="Reconfigure"/>) leaves the trackers whose
/// definition is unchanged running, stops the ones no longer referenced and starts the new ones; a script that
/// changed starts again from its last state, as keepalived carries a script's result over a reload.
/// </summary>
internal sealed class VrrpTracking : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IServiceScopeFactory? _scopes;
    private readonly IReadOnlyList<HealthCheckRegistration> _registrations;
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _fileValues = new(StringComparer.Ordinal);
    private VrrpOptions _options;
    private Action<TrackerUpdate>? _update;
    private bool _stopped;

    public VrrpTracking(VrrpOptions options, TimeProvider time, ILogger logger, IServiceScopeFactory? scopes, IOptionsMonitor<HealthCheckServiceOptions>? healthChecks)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _scopes = scopes;
        _registrations = healthChecks?.Get(Options.DefaultName).Registrations.ToList() ?? [];
    }

    /// <summary>The scripts being run, for tests.</summary>
    internal List<ScriptTracker> Scripts
    {
        get
        {
            lock (_running)
            {
                return [.. _running.Values.Select(static r => r.Tracker).OfType<ScriptTracker>()];
            }
        }
    }

    /// <summary>The number a tracked file held when last read (0 before start or when unknown).</summary>
    public long FileValue(string name) => _fileValues.TryGetValue(name, out long value) ? value : 0;

    /// <summary>A script's state now: 1 (up, also before its first result) or 0.</summary>
    public long ScriptValue(string name)
    {
        lock (_running)
        {
            return _running.TryGetValue(Key("script", name), out var running) && running.Tracker is ScriptTracker { IsUp: false } ? 0 : 1;
        }
    }

    /// <summary>
    /// Reads the tracked files once (their first values are in <see cref="FileValue"/> when this returns), then starts
    /// every tracker's loop; <paramref name="update"/> receives every change from then on.
    /// </summary>
    public void Start(Action<TrackerUpdate> update)
    {
        lock (_running)
        {
            _update = update;
            Apply(_options, reload: false);
        }
    }

    /// <summary>
    /// Applies a reloaded configuration: unchanged trackers go on, removed ones stop, changed and new ones start (a
    /// changed script from its last state). The new files' first values are in <see cref="FileValue"/> on return.
    /// </summary>
    /// <returns>A task that completes when the stopped trackers have ended.</returns>
    public Task Reconfigure(VrrpOptions options)
    {
        lock (_running)
        {
            _options = options;
            return _update is null || _stopped ? Task.CompletedTask : Apply(options, reload: true);
        }
    }

    public async Task StopAsync()
    {
        List<Running> all;
        lock (_running)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            all = [.. _running.Values];
            _running.Clear();
        }

        await StopAllAsync(all).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static string Key(string kind, string name, string? instance = null) => instance is null ? $"{kind}\0{name}" : $"{kind}\0{instance}\0{name}";

    private static async Task StopAllAsync(List<Running> stopping)
    {
        foreach (var running in stopping)
        {
            await running.Stop.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(stopping.Select(static r => r.Loop)).ConfigureAwait(false);
        foreach (var running in stopping)
        {
            running.Stop.Dispose();
        }
    }

    // Under the lock: what the options reference, compared with what runs.
    private Task Apply(VrrpOptions options, bool reload)
    {
        var update = _update!;
        var wanted = new Dictionary<string, (string Definition, Func<Running?, Running> Start)>(StringComparer.Ordinal);
        var scripts = options.Scripts.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var files = options.TrackFiles.GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var file in files.Values)
        {
            // keepalived creates them when it reads the configuration, tracked or not (init_file).
            if (TrackFileInitializer.Initialize(file, reload) is { } problem)
            {
                Log.TrackFileInitFailed(_logger, file.Name, problem);
            }
        }


        foreach (var instance in options.Instances)
        {
            foreach (var track in instance.TrackScripts)
            {
                if (scripts.TryGetValue(track.Name, out var script))
                {
                    string definition = string.Join('\0', [script.Command, .. script.Arguments, script.Interval.Ticks.ToString(CultureInfo.InvariantCulture),
                        script.Timeout?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "", script.Rise.ToString(CultureInfo.InvariantCulture),
                        script.Fall.ToString(CultureInfo.InvariantCulture), script.User ?? ""]);
                    wanted.TryAdd(Key("script", script.Name), (definition, previous => StartScript(script, update, previous)));
                }
            }

            foreach (var track in instance.TrackFiles)
            {
                if (files.TryGetValue(track.Name, out var file))
                {
                    string definition = $"{file.Path}\0{file.Interval.Ticks}";
                    wanted.TryAdd(Key("file", file.Name), (definition, _ => StartFile(file, update)));
                }
            }

            foreach (var track in instance.TrackHealthChecks)
            {
                var registration = _registrations.FirstOrDefault(r => r.Name == track.Name);
                if (registration is null || _scopes is null)
                {
                    continue;
                }

                string instanceName = instance.Name;
                string definition = $"{track.Interval.Ticks}\0{track.Timeout.Ticks}\0{track.Rise}\0{track.Fall}";
                wanted.TryAdd(Key("health", track.Name, instanceName), (definition, _ => StartHealthCheck(registration, track, instanceName, update)));
            }
        }

        var stopping = new List<Running>();
        var previous = new Dictionary<string, Running>(StringComparer.Ordinal);
        foreach (var (key, running) in _running.ToList())
        {
            if (!wanted.TryGetValue(key, out var want) || want.Definition != running.Definition)
            {
                _running.Remove(key);
                stopping.Add(running);
                previous[key] = running;
            }
        }

        foreach (var (key, want) in wanted)
        {
            if (_running.ContainsKey(key))
            {
                if (reload && _running[key].Tracker is ScriptTracker kept)
                {
                    Log.ScriptStateOnReload(_logger, kept.Name, kept.IsUp ? "successful" : "unsuccessful");
                }

                continue;
            }

            var started = want.Start(previous.GetValueOrDefault(key));
            _running[key] = started with { Definition = want.Definition };
        }

        return stopping.Count == 0 ? Task.CompletedTask : StopAllAsync(stopping);
    }

    private Running StartScript(VrrpScriptOptions script, Action<TrackerUpdate> update, Running? previous)
    {
        // A new script starts up, or down with init_fail; at a reload it keeps the running one's state.
        bool? up = previous is null ? null : previous.Tracker is not ScriptTracker { IsUp: false };
        if (up is { } kept)
        {
            Log.ScriptStateOnReload(_logger, script.Name, kept ? "successful" : "unsuccessful");
        }

        if (RefusedByScriptSecurity(script) is { } refused)
        {
            // keepalived drops an insecure check script from the instances that track it: it never changes a priority.
            foreach (string message in refused)
            {
                Log.ScriptRefused(_logger, script.Name, message);
            }

            update(new TrackerUpdate(null, TrackerKind.Script, script.Name, 1));
            return Launch(refused, static _ => Task.CompletedTask);
        }

        var tracker = new ScriptTracker(script, _time, _logger, (n, isUp) => update(new TrackerUpdate(null, TrackerKind.Script, n, isUp ? 1 : 0)), up);
        return Launch(tracker, tracker.RunAsync);
    }

    /// <summary>
    /// With <c>enable_script_security</c>, keepalived's check of a <c>vrrp_script</c> (<see cref="ScriptSecurity"/>): the
    /// messages when it refuses the script (a root script others can modify), else null. Scripts that are missing or
    /// fail to start are left to the tracker, which counts them as failures.
    /// </summary>
    private List<string>? RefusedByScriptSecurity(VrrpScriptOptions script)
    {
        if (!_options.EnableScriptSecurity || OperatingSystem.IsWindows())
        {
            return null;
        }

        var identity = ScriptIdentity.Resolve(script.User, script.Group, _options.ScriptUser, _options.ScriptGroup, scriptSecurity: true, out string? error);
        if (identity is null)
        {
            return [error!];
        }

        var check = ScriptSecurity.Check(script.Command, identity, scriptSecurity: true);
        return check.Insecure && !check.Run ? [.. check.Messages] : null;
    }

    private Running StartFile(VrrpTrackFileOptions file, Action<TrackerUpdate> update)
    {
        var tracker = new FileTracker(file, _time, _logger, (n, value) =>
        {
            _fileValues[n] = value;
            update(new TrackerUpdate(null, TrackerKind.File, n, value));
        });
        _fileValues[file.Name] = tracker.Value;
        return Launch(tracker, tracker.RunAsync);
    }

    private Running StartHealthCheck(HealthCheckRegistration registration, TrackHealthCheckOptions track, string instanceName, Action<TrackerUpdate> update)
    {
        var tracker = new HealthCheckTracker(registration, track, _scopes!, _time, _logger, (name, up) => update(new TrackerUpdate(instanceName, TrackerKind.HealthCheck, name, up ? 1 : 0)));
        return Launch(tracker, tracker.RunAsync);
    }

    private static Running Launch(object tracker, Func<CancellationToken, Task> run)
    {
        var stop = new CancellationTokenSource();
        var token = stop.Token;
        return new Running(tracker, stop, Task.Run(() => run(token), CancellationToken.None), "");
    }

    private sealed record Running(object Tracker, CancellationTokenSource Stop, Task Loop, string Definition);
}
