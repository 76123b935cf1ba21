using Vrrp.Runtime;

namespace Vrrp.Hosting;

/// <summary>
/// Applies a new configuration to the running instances without a restart (keepalived's reload on SIGHUP). The host
/// does it by itself when the options change (<c>IOptionsMonitor</c>: a reloaded appsettings.json, a keepalived.conf
/// read with <c>reloadOnChange</c>); call <see cref="ReloadAsync"/> to do it on a signal of your own.
/// </summary>
/// <remarks>
/// The new options are built as at start (every configure action, then validation). A configuration with errors is
/// refused whole: the running one stays, and every problem is logged and returned. Otherwise each instance is
/// compared with the running one: an unchanged instance is not touched (its state, timers and virtual addresses go
/// on with no gap in its adverts); one whose priority, weights, timers, trackers, peers or addresses changed is changed
/// in place, keeping its state (a master adds and announces new addresses, removes the ones it no longer has, and
/// advertises a lower priority at once so that the election decides); a removed instance leaves as on shutdown
/// (priority 0, addresses removed); a new one starts. Trackers whose definition is unchanged keep running; a script
/// that changed starts from its last result.
/// </remarks>
public interface IVrrpReloader
{
    /// <summary>Builds the options again and applies them to the running instances.</summary>
    /// <param name="cancellationToken">Stops waiting for new channels to open.</param>
    /// <returns>What was done, or why nothing was.</returns>
    Task<VrrpReloadResult> ReloadAsync(CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IVrrpReloader.ReloadAsync"/>.</summary>
public sealed record VrrpReloadResult
{
    /// <summary>True when the new configuration was taken (see <see cref="Changes"/>); false when it was refused or the host is not running.</summary>
    public required bool Applied { get; init; }

    /// <summary>Why the configuration was refused: every problem, one per item (empty when applied).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>What the reload did to each instance, when applied.</summary>
    public VrrpReconfiguration? Changes { get; init; }
}
