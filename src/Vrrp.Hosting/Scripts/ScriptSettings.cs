namespace Vrrp.Hosting;

/// <summary>
/// Where the options say who scripts run as, whether script security is on, and which notify FIFOs to open: the one
/// place that maps <see cref="VrrpOptions"/> to the script runtime (<see cref="ScriptRunner"/>, <see cref="NotifyFifo"/>).
/// </summary>
internal static class ScriptSettings
{
    /// <summary>The user and group an instance's notify commands name (<c>notify_* COMMAND USER [GROUP]</c>).</summary>
    public static (string? User, string? Group) NotifyUser(VrrpInstanceOptions instance) => (instance.NotifyUser, instance.NotifyGroup);

    /// <summary>The user and group a sync group's notify commands name.</summary>
    public static (string? User, string? Group) NotifyUser(VrrpSyncGroupOptions group) => (group.NotifyUser, group.NotifyGroup);

    /// <summary><c>script_user USER [GROUP]</c> and <c>enable_script_security</c>.</summary>
    public static (string? User, string? Group, bool Security) Global(VrrpOptions options) => (options.ScriptUser, options.ScriptGroup, options.EnableScriptSecurity);

    /// <summary>The notify FIFOs: <c>notify_fifo</c> ("" in keepalived's messages) and <c>vrrp_notify_fifo</c> ("vrrp ").</summary>
    public static IEnumerable<(NotifyFifoSpec Spec, string Kind)> Fifos(VrrpOptions options)
    {
        foreach (var (fifo, kind) in new[] { (options.NotifyFifo, ""), (options.VrrpNotifyFifo, "vrrp ") })
        {
            if (fifo is { Path.Length: > 0 })
            {
                yield return (new NotifyFifoSpec(fifo.Path, fifo.User, fifo.Group, fifo.Script, fifo.ScriptUser, fifo.ScriptGroup), kind);
            }
        }
    }

    /// <summary>
    /// The instances whose priority changes go to the FIFOs: <c>notify_priority_changes</c> of the instance, else of its
    /// sync group (keepalived's rule; a keepalived.conf's global <c>vrrp_notify_priority_changes</c> is read into the instances).
    /// </summary>
    public static IEnumerable<string> PriorityChanges(VrrpOptions options) =>
        options.Instances
            .Where(i => i.NotifyPriorityChanges ?? options.SyncGroups.Find(g => g.Instances.Contains(i.Name, StringComparer.Ordinal))?.NotifyPriorityChanges ?? false)
            .Select(static i => i.Name);

    /// <summary>Every notify command of the configuration, for the checks at start and after a reload.</summary>
    public static IEnumerable<(string Kind, string Owner, string Command, string? User, string? Group)> Commands(VrrpOptions options)
    {
        foreach (var instance in options.Instances)
        {
            var (user, group) = NotifyUser(instance);
            foreach (var (kind, command) in new[]
            {
                ("notify_master", instance.NotifyMaster), ("notify_backup", instance.NotifyBackup), ("notify_fault", instance.NotifyFault),
                ("notify_stop", instance.NotifyStop), ("notify", instance.Notify),
                ("notify_master_rx_lower_pri", instance.NotifyMasterRxLowerPriority), ("notify_deleted", instance.NotifyDeleted),
            })
            {
                if (!string.IsNullOrWhiteSpace(command))
                {
                    yield return (kind, instance.Name, command, user, group);
                }
            }
        }

        foreach (var syncGroup in options.SyncGroups)
        {
            var (user, group) = NotifyUser(syncGroup);
            foreach (var (kind, command) in new[]
            {
                ("notify_master", syncGroup.NotifyMaster), ("notify_backup", syncGroup.NotifyBackup), ("notify_fault", syncGroup.NotifyFault),
                ("notify_stop", syncGroup.NotifyStop), ("notify", syncGroup.Notify),
            })
            {
                if (!string.IsNullOrWhiteSpace(command))
                {
                    yield return (kind, syncGroup.Name, command, user, group);
                }
            }
        }

        foreach (var (kind, script) in new[] { ("startup_script", options.StartupScript), ("shutdown_script", options.ShutdownScript) })
        {
            if (script is not null && !string.IsNullOrWhiteSpace(script.Command))
            {
                yield return (kind, "global_defs", script.Command, script.User, script.Group);
            }
        }

        foreach (var (spec, kind) in Fifos(options))
        {
            if (!string.IsNullOrWhiteSpace(spec.Script))
            {
                yield return ($"{kind.Replace(' ', '_')}notify_fifo_script", "fifo", spec.Script, spec.ScriptUser, spec.ScriptGroup);
            }
        }
    }
}
