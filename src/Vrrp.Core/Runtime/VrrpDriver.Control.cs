using Vrrp.Election;

namespace Vrrp.Runtime;

// Operator control: drain, resume, priority override (the hosting layer's controller calls these and writes the audit lines).
public partial class VrrpDriver : IAsyncDisposable
{
    /// <summary>
    /// Drains an instance for maintenance: a master sends an advert with priority 0 (the backups take over after
    /// their Skew_Time), removes its addresses and enters Backup; the instance then stays Backup (or Fault) and never
    /// takes over until <see cref="Resume"/>. In a sync group, the other members follow it to Backup and stay there.
    /// Allowed before start (the instance then starts drained) and while running.
    /// </summary>
    /// <param name="instance">The instance name.</param>
    /// <returns>False when it was drained already (nothing changes).</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    /// <exception cref="InvalidOperationException">The driver is stopping or stopped.</exception>
    public bool Drain(string instance) => Control(instance, null, static (set, router, now, _) =>
    {
        if (router.IsDrained)
        {
            return false;
        }

        set.Drain(router.Name, now);
        return true;
    }) && Logged(() => Log.Drained(Logger, instance));

    /// <summary>
    /// Ends a drain: the instance takes part in elections again (a backup runs a full Master_Down_Interval first,
    /// then, with preemption, takes over from a lower-priority master; an address owner takes over at once).
    /// </summary>
    /// <param name="instance">The instance name.</param>
    /// <returns>False when it was not drained (nothing changes).</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    /// <exception cref="InvalidOperationException">The driver is stopping or stopped.</exception>
    public bool Resume(string instance) => Control(instance, null, static (set, router, now, _) =>
    {
        if (!router.IsDrained)
        {
            return false;
        }

        set.Resume(router.Name, now);
        return true;
    }) && Logged(() => Log.Resumed(Logger, instance));

    /// <summary>
    /// Overrides an instance's configured priority at run time (the trackers' weights still apply), or goes back to
    /// the configured priority with null. A master advertises its new priority at once.
    /// </summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="priority">1..254, or null for the configured priority.</param>
    /// <returns>False when the override was already that value (nothing changes).</returns>
    /// <exception cref="ArgumentException">No such instance.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="priority"/> is not 1..254.</exception>
    /// <exception cref="InvalidOperationException">The instance is the address owner (priority 255), or the driver is stopping or stopped.</exception>
    public bool SetPriorityOverride(string instance, int? priority) => Control(instance, priority, static (set, router, now, p) =>
    {
        if (router.PriorityOverride == p)
        {
            return false;
        }

        set.SetPriorityOverride(router.Name, p, now);
        return true;
    }) && Logged(() => Log.PriorityOverride(Logger, instance, priority?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "removed"));

    private static bool Logged(Action log)
    {
        log();
        return true;
    }

    private bool Control(string instance, int? argument, Func<VirtualRouterSet, VirtualRouter, long, int?, bool> apply)
    {
        ArgumentNullException.ThrowIfNull(instance);
        bool changed;
        lock (_gate)
        {
            if (_runState is RunState.Stopping or RunState.Stopped)
            {
                throw new InvalidOperationException("The VRRP driver is stopping or stopped.");
            }

            var router = _set.Find(instance) ?? throw new ArgumentException($"No instance '{instance}'.", nameof(instance));
            long now = Now;
            changed = apply(_set, router, now, argument);
            Perform(now);
        }

        _worker.Kick(RunsAddressWorkInline);
        return changed;
    }
}
