using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Hosting;

// Live reload: the options' change tokens (what IOptionsMonitor listens to) and IVrrpReloader, one reload at a time.
internal sealed partial class VrrpHostedService
{
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly List<IDisposable> _changeWatches = [];
    private VrrpOptions? _running;
    private NotifyScriptHandler? _notify;
    private SyncGroupNotifyHandler? _groupNotify;
    private readonly InstanceDeletions _deletions = new();
    private volatile bool _reconfiguring;

    public async Task<VrrpReloadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_running is not { } running || _driver is not { } driver || _tracking is not { } tracking)
            {
                return new VrrpReloadResult { Applied = false, Problems = ["VRRP is not running."] };
            }

            Log.Reloading(_logger);
            VrrpOptions options;
            try
            {
                // As at start: every configure action (a keepalived.conf is read again), then the validators. Built
                // here rather than through IOptionsMonitor, whose reload throws its validation errors on the thread
                // that signalled the change and then never reports it.
                options = _services.GetRequiredService<IOptionsFactory<VrrpOptions>>().Create(Options.DefaultName);
            }
            catch (OptionsValidationException ex)
            {
                return Refuse([.. ex.Failures]);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Refuse([.. ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
            }

            if (!string.Equals(options.NetworkNamespace, running.NetworkNamespace, StringComparison.Ordinal))
            {
                // keepalived refuses this one too: every socket would have to move.
                Log.NamespaceChangeRefused(_logger);
                return Refuse([$"Cannot change network namespace at a reload ('{running.NetworkNamespace}' to '{options.NetworkNamespace}') - please restart"]);
            }

            // Trackers first, so that new files are read and changed scripts keep their state before the instances
            // that reference them are built; then the instances; then the handlers see the new scripts.
            await tracking.Reconfigure(options).ConfigureAwait(false);
            var routers = options.Instances.Select(i => DriverConfiguration.Create(options, i, tracking.FileValue, tracking.ScriptValue)).ToList();
            var groups = options.SyncGroups.Select(static g => new VrrpSyncGroupConfiguration(g.Name, g.Instances)).ToList();
            VrrpReconfiguration changes;
            _reconfiguring = true; // an instance that stops now is removed by the reload (see Observer.OnStateChanged)
            try
            {
                // The platform's resources of each instance (Vrrp.Linux: virtual MAC, routes, Accept_Mode filter), as at start.
                changes = _services.GetService<VrrpResourceFactory>() is { } resources
                    ? await driver.ReconfigureAsync(routers, groups, c => resources.Create(_services, options, options.Instances.First(i => i.Name == c.Name)), cancellationToken).ConfigureAwait(false)
                    : await driver.ReconfigureAsync(routers, groups, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                // The validators should have caught it; the running configuration is untouched either way.
                await tracking.Reconfigure(running).ConfigureAwait(false);
                return Refuse([ex.Message]);
            }
            finally
            {
                _reconfiguring = false;
            }

            UpdateScripts(options);
            ApplyLinkDelays(driver, options, running);
            driver.LogUnknownVirtualRouterIds = options.LogUnknownVirtualRouterIds;
            await ReopenFifosAsync(options).ConfigureAwait(false);
            if (options.FifoWriteStatesOnReload && _fifos is { } fifos)
            {
                var added = changes.Added.ToHashSet(StringComparer.Ordinal);
                fifos.WriteStatesOnReload(driver.GetStatus().Where(s => !added.Contains(s.Name)));
            }

            _notify?.Update(options);
            _groupNotify?.Update(options);
            foreach (string name in options.Scripts.Select(static s => s.Name))
            {
                driver.SetTrackerValue(null, TrackerKind.Script, name, tracking.ScriptValue(name));
            }

            foreach (string name in options.TrackFiles.Select(static f => f.Name))
            {
                driver.SetTrackerValue(null, TrackerKind.File, name, tracking.FileValue(name));
            }

            _running = options;
            foreach (string name in changes.Removed)
            {
                Log.InstanceRemoved(_logger, name);
            }

            foreach (string name in changes.Reconfigured)
            {
                Log.InstanceReconfigured(_logger, name);
            }

            foreach (string name in changes.Added)
            {
                Log.InstanceAdded(_logger, name);
            }

            Log.Reloaded(_logger, changes.Unchanged.Count, changes.Reconfigured.Count, changes.Added.Count, changes.Removed.Count);
            return new VrrpReloadResult { Applied = true, Changes = changes };
        }
        finally
        {
            _reloading.Release();
        }
    }

    private VrrpReloadResult Refuse(IReadOnlyList<string> problems)
    {
        foreach (string problem in problems)
        {
            Log.ReloadProblem(_logger, problem);
        }

        Log.ReloadRefused(_logger, problems.Count);
        return new VrrpReloadResult { Applied = false, Problems = problems };
    }

    // The change tokens IOptionsMonitor<VrrpOptions> would follow (a reloaded configuration file, a keepalived.conf
    // read with reloadOnChange, a source of the application's own): each change reloads.
    private void WatchForChanges()
    {
        foreach (var source in _services.GetServices<IOptionsChangeTokenSource<VrrpOptions>>())
        {
            if (source.Name is null || source.Name == Options.DefaultName)
            {
                _changeWatches.Add(ChangeToken.OnChange(source.GetChangeToken, () => _ = ReloadOnChangeAsync()));
            }
        }
    }

    private void StopWatchingForChanges()
    {
        foreach (var watch in _changeWatches)
        {
            watch.Dispose();
        }

        _changeWatches.Clear();
    }

    private async Task ReloadOnChangeAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ReloadFailed(_logger, ex);
        }
    }
}
