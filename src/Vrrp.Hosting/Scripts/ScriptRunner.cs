using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

/// <summary>A notify command checked and ready to run: the program as it will be run, its arguments and its user.</summary>
/// <param name="Command">The command as configured.</param>
/// <param name="Program">The program to run (symbolic links in its directories resolved, as keepalived runs it).</param>
/// <param name="Arguments">The command's own arguments.</param>
/// <param name="Identity">Who it runs as.</param>
internal sealed record PreparedScript(string Command, string Program, IReadOnlyList<string> Arguments, ScriptIdentity Identity);

/// <summary>
/// Runs notify commands as keepalived does: each as the user it names (<c>notify_master CMD USER [GROUP]</c>), else
/// <c>script_user</c>, else <c>keepalived_script</c> when it exists, else this process's user; each checked once (at
/// start and after a reload) with keepalived's rules (<see cref="ScriptSecurity"/>): a command whose user does not exist,
/// whose program is missing or not executable for that user, or that is insecure while <c>enable_script_security</c>
/// is on, is disabled with a message saying why; a root script that others can modify runs without script security,
/// and the start reports keepalived's SECURITY VIOLATION.
/// </summary>
internal sealed class ScriptRunner
{
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Command, string? User, string? Group), PreparedScript?> _prepared = new();
    private Settings _settings;

    /// <param name="scriptUser">The global <c>script_user</c>, or null.</param>
    /// <param name="scriptGroup">Its group, or null.</param>
    /// <param name="scriptSecurity"><c>enable_script_security</c>.</param>
    /// <param name="logger">Where the checks report.</param>
    public ScriptRunner(string? scriptUser, string? scriptGroup, bool scriptSecurity, ILogger logger)
    {
        _settings = new Settings(scriptUser, scriptGroup, scriptSecurity);
        _logger = logger;
    }

    /// <summary>Takes reloaded settings; every command is checked again at its next use (or by <see cref="CheckAll"/>).</summary>
    public void Update(string? scriptUser, string? scriptGroup, bool scriptSecurity)
    {
        Volatile.Write(ref _settings, new Settings(scriptUser, scriptGroup, scriptSecurity));
        _prepared.Clear();
    }

    /// <summary>True when <c>enable_script_security</c> is on.</summary>
    public bool ScriptSecurity => Volatile.Read(ref _settings).Security;

    /// <summary>
    /// Checks every command the configuration runs (logging what keepalived logs), and, without script security,
    /// keepalived's SECURITY VIOLATION line when there is any.
    /// </summary>
    /// <param name="commands">Each command with its kind (<c>notify_master</c>, ...), owner, user and group.</param>
    public void CheckAll(IEnumerable<(string Kind, string Owner, string Command, string? User, string? Group)> commands)
    {
        bool any = false, insecure = false;
        foreach (var (kind, owner, command, user, group) in commands)
        {
            if (string.IsNullOrWhiteSpace(command))
            {
                continue;
            }

            var prepared = Prepare(kind, owner, command, user, group, out var check);
            any |= prepared is not null || check is not null;
            insecure |= check?.Insecure == true;
        }

        if (any && !ScriptSecurity)
        {
            Log.ScriptSecurityViolation(_logger, global::Vrrp.Hosting.ScriptSecurity.Violation(insecure));
        }
    }

    /// <summary>The checked command, or null when it is disabled (the reason was logged when it was first checked).</summary>
    public PreparedScript? Prepare(string kind, string owner, string command, string? user, string? group) =>
        Prepare(kind, owner, command, user, group, out _);

    private PreparedScript? Prepare(string kind, string owner, string command, string? user, string? group, out ScriptCheck? check)
    {
        ScriptCheck? checkedNow = null;
        var prepared = _prepared.GetOrAdd((command, user, group), key =>
        {
            var settings = Volatile.Read(ref _settings);
            var words = KeepalivedCommandLine.Split(key.Command);
            if (words.Count == 0)
            {
                return null;
            }

            var identity = ScriptIdentity.Resolve(key.User, key.Group, settings.User, settings.Group, settings.Security, out string? error);
            if (identity is null)
            {
                Log.ScriptDisabled(_logger, owner, kind, key.Command, error!);
                return null;
            }

            if (identity.Unsupported(key.Group ?? settings.Group) is { } unsupported)
            {
                Log.ScriptDisabled(_logger, owner, kind, key.Command, unsupported);
                return null;
            }

            var result = global::Vrrp.Hosting.ScriptSecurity.Check(words[0], identity, settings.Security);
            checkedNow = result;
            foreach (string message in result.Messages)
            {
                Log.ScriptCheck(_logger, owner, kind, message);
            }

            return result.Run ? new PreparedScript(key.Command, result.Path, [.. words.Skip(1)], identity) : null;
        });
        check = checkedNow;
        return prepared;
    }

    /// <summary>Runs a command with extra arguments as its user; a disabled command does not run (Succeeded false, StartError says so).</summary>
    public async Task<ScriptOutcome> RunAsync(string kind, string owner, string command, string? user, string? group, IEnumerable<string> extra, TimeSpan timeout, Action<System.Diagnostics.Process>? started, CancellationToken cancellationToken)
    {
        if (Prepare(kind, owner, command, user, group) is not { } script)
        {
            return new ScriptOutcome(-1, false, "disabled (see the message at start)");
        }

        if (script.Identity.NeedsLauncher)
        {
            // A group other than the user's own: through the application itself (VrrpScriptLauncher), started as root.
            var (launcher, arguments) = VrrpScriptLauncher.Command(script.Identity.Uid, script.Identity.Gid, script.Program, [.. script.Arguments, .. extra]);
            return await ScriptProcess.RunAsync(launcher, arguments, null, timeout, started, cancellationToken).ConfigureAwait(false);
        }

        return await ScriptProcess.RunAsync(
            script.Program,
            [.. script.Arguments, .. extra],
            script.Identity.IsCurrent ? null : script.Identity.User,
            timeout,
            started,
            cancellationToken).ConfigureAwait(false);
    }

    private sealed record Settings(string? User, string? Group, bool Security);
}
