namespace Vrrp.Hosting;

/// <summary>
/// Runtime control of the host's virtual routers, for maintenance and orchestration: drain an instance (it sends
/// priority 0 so that a backup takes over within its Skew_Time, and stays Backup until resumed), resume it, and set or
/// reset a priority override. Inject it anywhere (<c>services.AddVrrp()</c> registers it); vrrpd's control socket calls
/// it. Every call, including refused ones, writes an audit line on the log category <c>Vrrp.Control</c>.
/// </summary>
/// <remarks>
/// Overrides and drains live in memory: they end with the process (a restarted node runs its configuration). A
/// drained master removes its addresses after stepping down, as on any step-down; callbacks and
/// <see cref="IVrrpMonitor.WatchAsync"/> see the change once they are removed.
/// </remarks>
public interface IVrrpController
{
    /// <summary>Drains an instance: a master sends priority 0, removes its addresses and enters Backup; the instance stays Backup until <see cref="Resume"/>.</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="actor">Who asked (for the audit line), for example <c>uid 0 pid 4242</c>; null for the application.</param>
    /// <returns>What happened, with the instance's status after it.</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    /// <exception cref="InvalidOperationException">VRRP is not running (the host has not started, or is stopping).</exception>
    VrrpControlResult Drain(string instance, string? actor = null);

    /// <summary>Ends a drain: the instance takes part in elections again (with preemption, it takes back mastership from a lower-priority master after a Master_Down_Interval).</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="actor">Who asked (for the audit line); null for the application.</param>
    /// <returns>What happened, with the instance's status after it.</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    /// <exception cref="InvalidOperationException">VRRP is not running.</exception>
    VrrpControlResult Resume(string instance, string? actor = null);

    /// <summary>Overrides the configured priority (trackers' weights still apply); a master advertises the new priority at once.</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="priority">1..254.</param>
    /// <param name="actor">Who asked (for the audit line); null for the application.</param>
    /// <returns>What happened, with the instance's status after it.</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not 1..254.</exception>
    /// <exception cref="InvalidOperationException">VRRP is not running, or the instance is the address owner (priority 255).</exception>
    VrrpControlResult SetPriority(string instance, int priority, string? actor = null);

    /// <summary>Removes the priority override: the configured priority is used again.</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="actor">Who asked (for the audit line); null for the application.</param>
    /// <returns>What happened, with the instance's status after it.</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    /// <exception cref="InvalidOperationException">VRRP is not running.</exception>
    VrrpControlResult ResetPriority(string instance, string? actor = null);
}

/// <summary>A runtime control action of <see cref="IVrrpController"/>.</summary>
public enum VrrpControlAction
{
    /// <summary>Drain: priority 0, then Backup until resumed.</summary>
    Drain,

    /// <summary>Resume after a drain.</summary>
    Resume,

    /// <summary>Set a priority override.</summary>
    SetPriority,

    /// <summary>Remove the priority override.</summary>
    ResetPriority,
}

/// <summary>What a control action did.</summary>
public sealed record VrrpControlResult
{
    /// <summary>The instance.</summary>
    public required string Instance { get; init; }

    /// <summary>The action.</summary>
    public required VrrpControlAction Action { get; init; }

    /// <summary>False when the instance was already as asked (drained, not drained, that override) and nothing changed.</summary>
    public required bool Changed { get; init; }

    /// <summary>What happened, in the words of the audit line, for example <c>drained: was MASTER priority 150; sent priority 0 and stepped down to BACKUP until resumed</c>.</summary>
    public required string Message { get; init; }

    /// <summary>The instance's status right after the action (a drained master's addresses may still be in the middle of removal).</summary>
    public required VrrpInstanceStatus Status { get; init; }
}
