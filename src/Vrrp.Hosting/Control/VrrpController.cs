using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Runtime;

namespace Vrrp.Hosting;

/// <summary>The <see cref="IVrrpController"/> of the host: performs the action on the running driver and writes the audit line.</summary>
internal sealed class VrrpController : IVrrpController
{
    /// <summary>The log category of the audit lines.</summary>
    internal const string Category = "Vrrp.Control";

    private readonly VrrpHostedService _host;
    private readonly ILogger _audit;

    public VrrpController(VrrpHostedService host, ILoggerFactory? loggerFactory = null)
    {
        _host = host;
        _audit = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(Category);
    }

    public VrrpControlResult Drain(string instance, string? actor = null) => Run(VrrpControlAction.Drain, instance, null, actor, static (driver, name, _, before) =>
    {
        bool changed = driver.Drain(name);
        string message = !changed
            ? "already drained; nothing changed"
            : before.State == VrrpState.Master
                ? $"drained: was MASTER priority {before.EffectivePriority}; sent priority 0 and stepped down to BACKUP until resumed"
                : $"drained: was {Upper(before.State)} priority {before.EffectivePriority}; stays out of elections (never takes over) until resumed";
        return (changed, message);
    });

    public VrrpControlResult Resume(string instance, string? actor = null) => Run(VrrpControlAction.Resume, instance, null, actor, static (driver, name, _, before) =>
    {
        bool changed = driver.Resume(name);
        return (changed, changed
            ? $"resumed: {Upper(before.State)} priority {before.EffectivePriority} takes part in elections again"
            : "not drained; nothing changed");
    });

    public VrrpControlResult SetPriority(string instance, int priority, string? actor = null) => Run(VrrpControlAction.SetPriority, instance, priority, actor, static (driver, name, p, before) =>
    {
        bool changed = driver.SetPriorityOverride(name, p);
        return (changed, changed
            ? $"priority override {Override(before.PriorityOverride)} -> {p} (configured {before.ConfiguredPriority})"
            : $"priority override is already {p}; nothing changed");
    });

    public VrrpControlResult ResetPriority(string instance, string? actor = null) => Run(VrrpControlAction.ResetPriority, instance, null, actor, static (driver, name, _, before) =>
    {
        bool changed = driver.SetPriorityOverride(name, null);
        return (changed, changed
            ? $"priority override {Override(before.PriorityOverride)} removed; configured priority {before.ConfiguredPriority} in use"
            : "no priority override; nothing changed");
    });

    private VrrpControlResult Run(VrrpControlAction action, string instance, int? argument, string? actor, Func<VrrpDriver, string, int?, VrrpInstanceStatus, (bool Changed, string Message)> apply)
    {
        ArgumentNullException.ThrowIfNull(instance);
        string who = string.IsNullOrWhiteSpace(actor) ? "application" : actor;
        string verb = Verb(action, argument);
        try
        {
            var driver = _host.Driver ?? throw new InvalidOperationException("VRRP is not running: the host has not started it yet.");
            if (!driver.TryGetStatus(instance, out var before))
            {
                throw new ArgumentException($"No VRRP instance '{instance}'.", nameof(instance));
            }

            var (changed, message) = apply(driver, instance, argument, before);
            driver.TryGetStatus(instance, out var after);
            if (changed && after.EffectivePriority != before.EffectivePriority)
            {
                message += $"; effective priority {before.EffectivePriority} -> {after.EffectivePriority}";
            }

            Log.Audit(_audit, verb, instance, who, message);
            return new VrrpControlResult { Instance = instance, Action = action, Changed = changed, Message = message, Status = after };
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            Log.AuditRefused(_audit, verb, instance, who, ex.Message);
            throw;
        }
    }

    private static string Verb(VrrpControlAction action, int? argument) => action switch
    {
        VrrpControlAction.Drain => "drain",
        VrrpControlAction.Resume => "resume",
        VrrpControlAction.SetPriority => $"set priority {argument}",
        _ => "reset priority",
    };

    private static string Upper(VrrpState state) => state.ToString().ToUpperInvariant();

    private static string Override(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
}
