namespace Vrrp.Hosting;

/// <summary>
/// A command run once when the routers start or after they stop (keepalived's <c>startup_script COMMAND [USER
/// [GROUP]]</c> with <c>startup_script_timeout</c>, and <c>shutdown_script</c> with <c>shutdown_script_timeout</c>).
/// It runs as the user it names, else <see cref="VrrpOptions.ScriptUser"/>, with the checks of
/// <see cref="VrrpOptions.EnableScriptSecurity"/>, as other scripts. Past its timeout it gets SIGTERM and, 2 seconds
/// later, SIGKILL; either way the host goes on, as keepalived does.
/// </summary>
public sealed class VrrpDaemonScriptOptions
{
    /// <summary>keepalived's default timeout, in seconds.</summary>
    public const int DefaultTimeoutSeconds = 10;

    /// <summary>The command line: a program and its arguments, split as keepalived splits a script's command.</summary>
    public string Command { get; set; } = "";

    /// <summary>The user it runs as, or null for <see cref="VrrpOptions.ScriptUser"/>.</summary>
    public string? User { get; set; }

    /// <summary>The group of <see cref="User"/>, or null for the user's own group.</summary>
    public string? Group { get; set; }

    /// <summary>How long it may run: 1 to 1000 whole seconds (keepalived's range), 10 by default.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);
}
