using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

/// <summary>
/// Runs the notify scripts of <c>vrrp_sync_group</c>s: when a member's change leaves every member of a group in the
/// same state (Master, Backup, Fault, or Stopped at shutdown) and that differs from the group's last one, the group's
/// script for that state runs (<c>notify_stop</c> for Stopped), then its <c>notify</c> with <c>GROUP</c>, the group
/// name, the state word and 0 (keepalived 2.2.7 gives a group's notify priority 0). A member a reload removes is not a
/// stopped one. Each group's scripts run one at a time, in order.
/// </summary>
internal sealed class SyncGroupNotifyHandler : IVrrpStateHandler
{
    private List<Group> _groups = [];
    private Dictionary<string, List<Group>> _byMember = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeout;
    private readonly ScriptRunner _scripts;
    private readonly ILogger _logger;
    private readonly InstanceDeletions _deletions;

    public SyncGroupNotifyHandler(VrrpOptions options, ScriptRunner scripts, ILogger logger, InstanceDeletions? deletions = null)
    {
        _deletions = deletions ?? new InstanceDeletions();
        _timeout = options.CallbackTimeout;
        _scripts = scripts;
        _logger = logger;
        Update(options);
    }

    /// <summary>Takes the groups of a reloaded configuration; a group of the same name keeps its last state.</summary>
    public void Update(VrrpOptions options)
    {
        var previous = Volatile.Read(ref _groups).ToDictionary(static g => g.Options.Name, StringComparer.Ordinal);
        var groups = options.SyncGroups
            .Where(g => (g.NotifyMaster ?? g.NotifyBackup ?? g.NotifyFault ?? g.NotifyStop ?? g.Notify) is not null)
            .Select(g => previous.TryGetValue(g.Name, out var old) ? old.With(g) : new Group(g))
            .ToList();
        var byMember = new Dictionary<string, List<Group>>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (string member in group.Options.Instances)
            {
                if (!byMember.TryGetValue(member, out var list))
                {
                    byMember[member] = list = [];
                }

                list.Add(group);
            }
        }

        Volatile.Write(ref _byMember, byMember);
        Volatile.Write(ref _groups, groups);
    }

    public bool HasScripts => _groups.Count > 0;

    public async ValueTask OnStateChangedAsync(VrrpStateChange change, CancellationToken cancellationToken)
    {
        if (change.State == VrrpState.Stopped && _deletions.TryTake(InstanceDeletions.Consumer.Groups, change.InstanceName, out _))
        {
            return;
        }

        if (!Volatile.Read(ref _byMember).TryGetValue(change.InstanceName, out var groups))
        {
            return;
        }

        foreach (var group in groups)
        {
            await group.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                group.States[change.InstanceName] = change.State;
                if (change.State is not (VrrpState.Master or VrrpState.Backup or VrrpState.Fault or VrrpState.Stopped) ||
                    group.State == change.State ||
                    group.Options.Instances.Any(m => !group.States.TryGetValue(m, out var s) || s != change.State))
                {
                    continue;
                }

                group.State = change.State;
                string word = NotifyScriptHandler.StateWord(change.State)!;
                var (kind, specific) = change.State switch
                {
                    VrrpState.Master => ("notify_master", group.Options.NotifyMaster),
                    VrrpState.Backup => ("notify_backup", group.Options.NotifyBackup),
                    VrrpState.Fault => ("notify_fault", group.Options.NotifyFault),
                    _ => ("notify_stop", group.Options.NotifyStop),
                };
                var (user, userGroup) = ScriptSettings.NotifyUser(group.Options);
                if (!string.IsNullOrWhiteSpace(specific))
                {
                    await RunAsync(kind, group.Options.Name, specific, user, userGroup, [], cancellationToken).ConfigureAwait(false);
                }

                if (!string.IsNullOrWhiteSpace(group.Options.Notify))
                {
                    string[] extra = ["GROUP", group.Options.Name, word, "0"];
                    await RunAsync("notify", group.Options.Name, group.Options.Notify, user, userGroup, extra, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                group.Gate.Release();
            }
        }
    }

    private async Task RunAsync(string kind, string groupName, string command, string? user, string? group, string[] extra, CancellationToken cancellationToken)
    {
        if (_scripts.Prepare(kind, groupName, command, user, group) is null)
        {
            return; // disabled; the reason was logged when it was checked
        }

        Log.NotifyRunning(_logger, groupName, command);
        var outcome = await _scripts.RunAsync(kind, groupName, command, user, group, extra, _timeout, null, cancellationToken).ConfigureAwait(false);
        if (outcome.StartError is { } error)
        {
            Log.NotifyStartFailed(_logger, groupName, command, error);
        }
        else if (outcome.TimedOut)
        {
            Log.NotifyTimedOut(_logger, groupName, command);
        }
        else if (outcome.ExitCode != 0)
        {
            Log.NotifyFailed(_logger, groupName, command, outcome.ExitCode);
        }
    }

    private sealed class Group(VrrpSyncGroupOptions options)
    {
        public VrrpSyncGroupOptions Options { get; private init; } = options;

        public SemaphoreSlim Gate { get; private init; } = new(1, 1);

        public Dictionary<string, VrrpState> States { get; private init; } = new(StringComparer.Ordinal);

        public VrrpState State { get; set; } = VrrpState.Initialize;

        /// <summary>The same group (gate, states) with reloaded options.</summary>
        public Group With(VrrpSyncGroupOptions reloaded) => new(reloaded) { Gate = Gate, States = States, State = State };
    }
}
