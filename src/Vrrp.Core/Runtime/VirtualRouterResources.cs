using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>
/// What one instance holds on the platform besides its virtual addresses: a virtual-MAC interface it runs on, routes
/// and rules installed while it is master, a firewall that drops traffic to its addresses (Accept_Mode False)...
/// A platform package provides it (Vrrp.Linux: <c>LinuxVrrpPlatform.CreateResources</c>); the driver calls it at fixed
/// points of the instance's life, in order with the address work, off the protocol's path.
/// </summary>
/// <remarks>
/// <para>The order, for one instance:</para>
/// <list type="number">
/// <item><description><see cref="Configure"/> when the instance is added (it may change the configuration, for example
/// run the instance on a virtual-MAC interface).</description></item>
/// <item><description><see cref="PrepareAsync"/> once at start, before configured addresses left by a crashed run are
/// looked for and before the channels are opened: create what the instance runs on, remove what a crashed run left.</description></item>
/// <item><description>Each time it becomes master: <see cref="AddingAddressesAsync"/>, the addresses are added,
/// <see cref="AddedAddressesAsync"/>. Each time it stops being master (Backup, Fault, stop):
/// <see cref="RemovingAddressesAsync"/>, the addresses are removed, <see cref="RemovedAddressesAsync"/>.</description></item>
/// <item><description><see cref="ReleaseAsync"/> once at stop, after the last address work and after the channels are
/// closed (also when a start fails after <see cref="PrepareAsync"/>); not after <see cref="VrrpDriver.AbortAsync"/>,
/// which simulates a crash: the next run's <see cref="PrepareAsync"/> cleans up.</description></item>
/// </list>
/// <para>Every method but <see cref="Configure"/> does nothing by default. An exception is logged with the instance's
/// name and the rest of the work goes on (one failure must not leave addresses behind); from
/// <see cref="PrepareAsync"/> it fails the start.</para>
/// </remarks>
public abstract class VirtualRouterResources
{
    /// <summary>Adapts the instance's configuration to what it runs on (by default, returns it unchanged).</summary>
    /// <param name="configuration">The configuration given to the driver.</param>
    /// <returns>The configuration the instance runs with; it is validated by the driver.</returns>
    public virtual VirtualRouterConfiguration Configure(VirtualRouterConfiguration configuration) => configuration;

    /// <summary>Creates what the instance runs on and removes what a crashed run left behind (start, before the channels open).</summary>
    /// <param name="configuration">The configuration the instance runs with (from <see cref="Configure"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when done.</returns>
    public virtual ValueTask PrepareAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The instance becomes master: called before its addresses are added.</summary>
    /// <param name="configuration">The configuration the instance runs with.</param>
    /// <param name="cancellationToken">Cancelled when the driver aborts.</param>
    /// <returns>A task that completes when done.</returns>
    public virtual ValueTask AddingAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The instance is master: called after its addresses are added.</summary>
    /// <param name="configuration">The configuration the instance runs with.</param>
    /// <param name="cancellationToken">Cancelled when the driver aborts.</param>
    /// <returns>A task that completes when done.</returns>
    public virtual ValueTask AddedAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The instance stops being master: called before its addresses are removed.</summary>
    /// <param name="configuration">The configuration the instance runs with.</param>
    /// <param name="cancellationToken">Cancelled when the driver aborts.</param>
    /// <returns>A task that completes when done.</returns>
    public virtual ValueTask RemovingAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The instance is no longer master: called after its addresses are removed.</summary>
    /// <param name="configuration">The configuration the instance runs with.</param>
    /// <param name="cancellationToken">Cancelled when the driver aborts.</param>
    /// <returns>A task that completes when done.</returns>
    public virtual ValueTask RemovedAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Whether <paramref name="other"/>, made for the same instance by a configuration reload, asks the platform for the
    /// same things, so that the running instance keeps these resources (see
    /// <see cref="VrrpDriver.ReconfigureAsync(IEnumerable{VirtualRouterConfiguration}, IEnumerable{VrrpSyncGroupConfiguration}?, Func{VirtualRouterConfiguration, VirtualRouterResources?}?, CancellationToken)"/>);
    /// otherwise the instance leaves and starts again with the new ones. By default, resources of the same type are
    /// equivalent: override it when they carry settings.
    /// </summary>
    /// <param name="other">The resources of the new configuration.</param>
    /// <returns>True when the instance can keep these.</returns>
    public virtual bool IsEquivalentTo(VirtualRouterResources other) => other is not null && other.GetType() == GetType();

    /// <summary>Removes what <see cref="PrepareAsync"/> created (stop, after the channels are closed).</summary>
    /// <param name="configuration">The configuration the instance runs with.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when done.</returns>
    public virtual ValueTask ReleaseAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
