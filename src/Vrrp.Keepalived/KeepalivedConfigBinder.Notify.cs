using Vrrp.Hosting;

namespace Vrrp.Keepalived;

// Notify commands with the user they run as, script users, and notify FIFOs.
internal sealed partial class KeepalivedConfigBinder
{
    /// <summary>
    /// <c>notify_* COMMAND [USER [GROUP]]</c> of an instance or a sync group: keepalived keeps the first command of a
    /// kind. One user per block: the options hold one (commands without a user run as script_user's).
    /// </summary>
    internal void ReadNotify<TOptions>(ConfigStatement s, BlockDraft<TOptions> draft, string? current, Action<TOptions, string> set)
        where TOptions : class
    {
        if (current is not null)
        {
            _d.Warning(s.Location, $"{s.Keyword} is already set; this one is ignored (as keepalived does)");
            return;
        }

        if (!RequireString(s, "a command line", out string text, checkExtra: false) || ReadCommandLine(s, text) is not { } command)
        {
            return;
        }

        set(draft.Options, command);
        draft.Seen[s.Keyword] = s.Location;
        if (s.Arguments.Count > 3)
        {
            WarnExtra(s, 3);
        }

        string? user = s.Arguments.Count > 1 ? s.Arguments[1].Text : null;
        string? group = s.Arguments.Count > 2 ? s.Arguments[2].Text : null;
        var users = (object)draft switch
        {
            InstanceDraft instance => instance.NotifyUsers,
            SyncGroupDraft sync => sync.NotifyUsers,
            _ => throw new InvalidOperationException($"{s.Keyword} is read in instances and sync groups only."),
        };
        users.Add((s, user, group));
    }

    /// <summary>
    /// <c>notify_deleted [COMMAND [USER [GROUP]]]</c>: report DELETED rather than FAULT when a reload removes the
    /// instance, and run COMMAND then (keepalived keeps the first one).
    /// </summary>
    internal void ReadNotifyDeleted(ConfigStatement s, InstanceDraft draft)
    {
        if (draft.Has(s.Keyword))
        {
            _d.Warning(s.Location, $"{s.Keyword} is already set; this one is ignored (as keepalived does)");
            return;
        }

        if (s.Arguments.Count == 0)
        {
            draft.Options.ReportDeleted = true;
            draft.Seen[s.Keyword] = s.Location;
            return;
        }

        ReadNotify(s, draft, draft.Options.NotifyDeleted, static (o, v) => (o.NotifyDeleted, o.ReportDeleted) = (v, true));
    }

    /// <summary>The notify commands of one block: the user they run as, or an error when they differ.</summary>
    private (string? User, string? Group) NotifyUser(string scope, string name, List<(ConfigStatement At, string? User, string? Group)> users)
    {
        var distinct = users.Select(static u => (u.User, u.Group)).Distinct().ToList();
        if (distinct.Count <= 1)
        {
            return distinct.Count == 0 ? (null, null) : distinct[0];
        }

        var first = users[0];
        var other = users.First(u => (u.User, u.Group) != (first.User, first.Group));
        Unsupported(other.At, scope, $"the notify commands of {name} run as different users ({Describe(first)} and {Describe(other)})",
            "give every notify command the same user, or none (script_user's)");
        return (first.User, first.Group);

        static string Describe((ConfigStatement At, string? User, string? Group) u) =>
            u.User is null ? $"{u.At.Keyword} without one" : $"{u.At.Keyword} as {u.User}{(u.Group is null ? "" : ":" + u.Group)}";
    }

    /// <summary><c>user USER [GROUP]</c> of a script, and <c>script_user USER [GROUP]</c>.</summary>
    internal void ReadUser(ConfigStatement s, Action<string, string?> set)
    {
        if (RequireString(s, "a user name", out string user, checkExtra: false))
        {
            WarnExtra(s, 2);
            set(user, s.Arguments.Count > 1 ? s.Arguments[1].Text : null);
        }
    }

    /// <summary><c>[vrrp_]notify_fifo PATH [USER [GROUP]]</c>.</summary>
    internal void ReadNotifyFifo(ConfigStatement s, VrrpNotifyFifoOptions fifo)
    {
        if (fifo.Path.Length > 0)
        {
            _d.Warning(s.Location, $"{s.Keyword} is already set; this one is ignored (as keepalived does)");
            return;
        }

        if (RequireString(s, "a FIFO path", out string path, checkExtra: false))
        {
            WarnExtra(s, 3);
            fifo.Path = path;
            fifo.User = s.Arguments.Count > 1 ? s.Arguments[1].Text : null;
            fifo.Group = s.Arguments.Count > 2 ? s.Arguments[2].Text : null;
        }
    }

    /// <summary><c>[vrrp_]notify_fifo_script COMMAND [USER [GROUP]]</c>.</summary>
    internal void ReadNotifyFifoScript(ConfigStatement s, VrrpNotifyFifoOptions fifo)
    {
        if (fifo.Script is not null)
        {
            _d.Warning(s.Location, $"{s.Keyword} is already set; this one is ignored (as keepalived does)");
            return;
        }

        if (RequireString(s, "a command line", out string text, checkExtra: false) && ReadCommandLine(s, text) is { } command)
        {
            WarnExtra(s, 3);
            fifo.Script = command;
            fifo.ScriptUser = s.Arguments.Count > 1 ? s.Arguments[1].Text : null;
            fifo.ScriptGroup = s.Arguments.Count > 2 ? s.Arguments[2].Text : null;
        }
    }

    /// <summary>A FIFO script without its FIFO does nothing in keepalived; it is an error here, on the script's line.</summary>
    private void CompleteNotifyFifos(List<ConfigStatement> root)
    {
        foreach (var (fifo, prefix) in new[] { (_options.NotifyFifo, ""), (_options.VrrpNotifyFifo, "vrrp_") })
        {
            if (fifo is not null && fifo.Path.Length == 0)
            {
                var at = root.Where(static s => s.Keyword == "global_defs" && s.Block is not null).SelectMany(static s => s.Block!)
                    .First(s => s.Keyword == $"{prefix}notify_fifo_script");
                _d.Error(at.Location, $"{prefix}notify_fifo_script without {prefix}notify_fifo (the FIFO it reads)");
            }
        }
    }

    /// <summary>
    /// <c>startup_script COMMAND [USER [GROUP]]</c> and <c>shutdown_script</c> (global_parser.c's
    /// startup_shutdown_script): a second one is an error, as keepalived reports it ("script already specified").
    /// </summary>
    internal void ReadDaemonScript(ConfigStatement s, VrrpOptions options, bool startup)
    {
        string type = startup ? "startup" : "shutdown";
        if ((startup ? options.StartupScript : options.ShutdownScript) is not null)
        {
            Error(s, $"{type} script already specified");
            return;
        }

        if (s.Arguments.Count == 0)
        {
            Error(s, $"{type} script missing");
            return;
        }

        if (!RequireString(s, "a command line", out string text, checkExtra: false) || ReadCommandLine(s, text) is not { } command)
        {
            return;
        }

        if (s.Arguments.Count > 3)
        {
            WarnExtra(s, 3);
        }

        var script = new VrrpDaemonScriptOptions
        {
            Command = command,
            User = s.Arguments.Count > 1 ? s.Arguments[1].Text : null,
            Group = s.Arguments.Count > 2 ? s.Arguments[2].Text : null,
        };
        if (Globals.TryGetValue(s.Keyword + "_timeout", out object? timeout))
        {
            script.Timeout = TimeSpan.FromSeconds((int)timeout);
        }

        if (startup)
        {
            options.StartupScript = script;
        }
        else
        {
            options.ShutdownScript = script;
        }
    }

    /// <summary><c>startup_script_timeout SECONDS</c> / <c>shutdown_script_timeout</c>: 1 to 1000 whole seconds, in either order with the script.</summary>
    internal void ReadDaemonScriptTimeout(ConfigStatement s, VrrpOptions options, bool startup)
    {
        string type = startup ? "startup" : "shutdown";
        if (s.Arguments.Count == 0)
        {
            Error(s, $"{type}_script_timeout requires value");
            return;
        }

        if (!int.TryParse(s.Arguments[0].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int seconds) || seconds is < 1 or > 1000)
        {
            Error(s, $"{type}_script_timeout '{s.Arguments[0].Text}' must be in [1, 1000]");
            return;
        }

        Globals[s.Keyword] = seconds;
        if ((startup ? options.StartupScript : options.ShutdownScript) is { } script)
        {
            script.Timeout = TimeSpan.FromSeconds(seconds);
        }
    }
}
