using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

/// <summary>
/// Runs keepalived's notify scripts of an instance on its transitions: first the state's own
/// (<c>notify_master</c>, <c>notify_backup</c>, <c>notify_fault</c>, <c>notify_stop</c>), then <c>notify</c> with
/// four extra arguments: <c>INSTANCE</c>, the instance name, <c>MASTER</c>/<c>BACKUP</c>/<c>FAULT</c>/<c>STOP</c>,
/// and the priority. Commands are split without a shell (<see cref="KeepalivedCommandLine"/>). Because the dispatcher runs
/// each instance's changes one at a time and waits for each script, scripts run in transition order (keepalived
/// forks them and they can overtake each other). Each runs as its user, checked with keepalived's rules
/// (<see cref="ScriptRunner"/>).
/// </summary>
internal sealed class NotifyScriptHandler : IVrrpStateHandler
{
    private Dictionary<string, VrrpInstanceOptions> _instances;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _lowerPriorityRunning = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeout;
    private readonly ScriptRunner _scripts;
    private readonly ILogger _logger;
    private readonly InstanceDeletions _deletions;

    public NotifyScriptHandler(VrrpOptions options, ScriptRunner scripts, ILogger logger, InstanceDeletions? deletions = null)
    {
        _instances = options.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _deletions = deletions ?? new InstanceDeletions();
        _timeout = options.CallbackTimeout;
        _scripts = scripts;
        _logger = logger;
    }

    /// <summary>Takes the scripts of a reloaded configuration (changes already queued use the new ones).</summary>
    public void Update(VrrpOptions options) =>
        Volatile.Write(ref _instances, options.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal));

    public bool HasScripts => _instances.Values.Any(i => (i.NotifyMaster ?? i.NotifyBackup ?? i.NotifyFault ?? i.NotifyStop ?? i.Notify ?? i.NotifyMasterRxLowerPriority ?? i.NotifyDeleted) is not null);

    /// <summary>keepalived's state word in notify arguments.</summary>
    internal static string? StateWord(VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        VrrpState.Fault => "FAULT",
        VrrpState.Stopped => "STOP",
        _ => null,
    };

    public async ValueTask OnStateChangedAsync(VrrpStateChange change, CancellationToken cancellationToken)
    {
        if (change.State == VrrpState.Stopped && _deletions.TryTake(InstanceDeletions.Consumer.Scripts, change.InstanceName, out var deletion))
        {
            await OnDeletedAsync(change, deletion, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!Volatile.Read(ref _instances).TryGetValue(change.InstanceName, out var instance) || StateWord(change.State) is not { } word)
        {
            return;
        }

        var (kind, specific) = change.State switch
        {
            VrrpState.Master => ("notify_master", instance.NotifyMaster),
            VrrpState.Backup => ("notify_backup", instance.NotifyBackup),
            VrrpState.Fault => ("notify_fault", instance.NotifyFault),
            _ => ("notify_stop", instance.NotifyStop),
        };
        var (user, group) = ScriptSettings.NotifyUser(instance);
        if (!string.IsNullOrWhiteSpace(specific))
        {
            await RunAsync(kind, change.InstanceName, specific, user, group, [], cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrWhiteSpace(instance.Notify))
        {
            string[] extra = ["INSTANCE", change.InstanceName, word, change.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            await RunAsync("notify", change.InstanceName, instance.Notify, user, group, extra, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A reload removed the instance: keepalived 2.2.7 runs <c>notify_deleted</c> and <c>notify ... DELETED</c> when the
    /// instance has <c>notify_deleted</c>; otherwise <c>notify_fault</c> and <c>notify ... FAULT</c>, unless it already
    /// was in Fault. Never <c>notify_stop</c>.
    /// </summary>
    private async Task OnDeletedAsync(VrrpStateChange change, InstanceDeletion deletion, CancellationToken cancellationToken)
    {
        if (deletion.Word is not { } word)
        {
            return;
        }

        var instance = deletion.Options;
        var (kind, specific) = word == "DELETED" ? ("notify_deleted", instance.NotifyDeleted) : ("notify_fault", instance.NotifyFault);
        var (user, group) = ScriptSettings.NotifyUser(instance);
        if (!string.IsNullOrWhiteSpace(specific))
        {
            await RunAsync(kind, change.InstanceName, specific, user, group, [], cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrWhiteSpace(instance.Notify))
        {
            string[] extra = ["INSTANCE", change.InstanceName, word, change.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            await RunAsync("notify", change.InstanceName, instance.Notify, user, group, extra, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A master heard a lower-priority advert: runs its <c>notify_master_rx_lower_pri</c> command (no extra arguments, as
    /// keepalived) in the background, unless the previous run for that instance is still going (keepalived would start one
    /// per advert; one at a time keeps a slow command from piling up).
    /// </summary>
    public void OnLowerPriorityAdvertisement(string instanceName)
    {
        if (!Volatile.Read(ref _instances).TryGetValue(instanceName, out var instance) || string.IsNullOrWhiteSpace(instance.NotifyMasterRxLowerPriority) ||
            !_lowerPriorityRunning.TryAdd(instanceName, true))
        {
            return;
        }

        string command = instance.NotifyMasterRxLowerPriority;
        _ = Task.Run(async () =>
        {
            try
            {
                var (user, group) = ScriptSettings.NotifyUser(instance);
                await RunAsync("notify_master_rx_lower_pri", instanceName, command, user, group, [], CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _lowerPriorityRunning.TryRemove(instanceName, out _);
            }
        });
    }

    private async Task RunAsync(string kind, string instanceName, string command, string? user, string? group, string[] extra, CancellationToken cancellationToken)
    {
        if (_scripts.Prepare(kind, instanceName, command, user, group) is null)
        {
            return; // disabled; the reason was logged when it was checked
        }

        Log.NotifyRunning(_logger, instanceName, command);
        var outcome = await _scripts.RunAsync(kind, instanceName, command, user, group, extra, _timeout, null, cancellationToken).ConfigureAwait(false);
        if (outcome.StartError is { } error)
        {
            Log.NotifyStartFailed(_logger, instanceName, command, error);
        }
        else if (outcome.TimedOut)
        {
            Log.NotifyTimedOut(_logger, instanceName, command);
        }
        else if (outcome.ExitCode != 0)
        {
            Log.NotifyFailed(_logger, instanceName, command, outcome.ExitCode);
        }
    }
}
