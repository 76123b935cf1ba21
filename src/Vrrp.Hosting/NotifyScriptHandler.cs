using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

/// <summary>
/// Runs keepalived's notify scripts of an instance on its transitions: first the state's own
/// (<c>notify_master</c>, <c>notify_backup</c>, <c>notify_fault</c>, <c>notify_stop</c>), then <c>notify</c> with
/// four extra arguments: <c>INSTANCE</c>, the instance name, <c>MASTER</c>/<c>BACKUP</c>/<c>FAULT</c>/<c>STOP</c>,
/// and the priority. Commands are split without a shell (<see cref="KeepalivedCommandLine"/>). Because the dispatcher runs
/// each instance's changes one at a time and waits for each script, scripts run in transition order (keepalived
/// forks them and they can overtake each other).
/// </summary>
internal sealed class NotifyScriptHandler : IVrrpStateHandler
{
    private Dictionary<string, VrrpInstanceOptions> _instances;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    public NotifyScriptHandler(VrrpOptions options, ILogger logger)
    {
        _instances = options.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _timeout = options.CallbackTimeout;
        _logger = logger;
    }

    /// <summary>Takes the scripts of a reloaded configuration (changes already queued use the new ones).</summary>
    public void Update(VrrpOptions options) =>
        Volatile.Write(ref _instances, options.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal));

    public bool HasScripts => _instances.Values.Any(i => (i.NotifyMaster ?? i.NotifyBackup ?? i.NotifyFault ?? i.NotifyStop ?? i.Notify) is not null);

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
        if (!Volatile.Read(ref _instances).TryGetValue(change.InstanceName, out var instance) || StateWord(change.State) is not { } word)
        {
            return;
        }

        string? specific = change.State switch
        {
            VrrpState.Master => instance.NotifyMaster,
            VrrpState.Backup => instance.NotifyBackup,
            VrrpState.Fault => instance.NotifyFault,
            _ => instance.NotifyStop,
        };
        if (!string.IsNullOrWhiteSpace(specific))
        {
            await RunAsync(change.InstanceName, specific, [], cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrWhiteSpace(instance.Notify))
        {
            string[] extra = ["INSTANCE", change.InstanceName, word, change.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            await RunAsync(change.InstanceName, instance.Notify, extra, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(string instanceName, string command, string[] extra, CancellationToken cancellationToken)
    {
        var words = KeepalivedCommandLine.Split(command);
        Log.NotifyRunning(_logger, instanceName, command);
        var outcome = await ScriptProcess.RunAsync(words[0], [.. words.Skip(1), .. extra], null, _timeout, null, cancellationToken).ConfigureAwait(false);
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
