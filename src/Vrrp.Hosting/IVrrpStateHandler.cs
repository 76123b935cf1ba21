namespace Vrrp.Hosting;

/// <summary>
/// Reacts to state changes of the virtual routers in-process (for example to call a cloud API that moves an elastic
/// address). Register implementations with <c>services.AddVrrp().AddStateHandler&lt;T&gt;()</c> or as
/// <c>IVrrpStateHandler</c> singletons.
/// </summary>
/// <remarks>
/// Handlers are invoked in registration order, one change at a time per instance, never concurrently for the same
/// instance, and never on the protocol's own path: a handler that throws is logged; one that runs longer than
/// <see cref="VrrpOptions.CallbackTimeout"/> sees its token cancelled, is logged and left behind, and the next change
/// is delivered. Either way elections and failover timing are unaffected. When the host stops, the last changes
/// (to Stopped) are still delivered, within the host's shutdown timeout; then pending calls are cancelled.
/// </remarks>
public interface IVrrpStateHandler
{
    /// <summary>
    /// Called after an instance changed state, once the network matches the change: for Master, after every virtual
    /// address was added and the first announcement sent (if adding failed, <see cref="VrrpStateChange.HoldsVirtualAddresses"/>
    /// is false and <see cref="VrrpStateChange.AddressError"/> says why); for Backup, Fault and Stopped, after the
    /// addresses were removed.
    /// </summary>
    /// <param name="change">The change.</param>
    /// <param name="cancellationToken">Signalled when the callback times out or the host stops.</param>
    /// <returns>A task that completes when the handler is done.</returns>
    ValueTask OnStateChangedAsync(VrrpStateChange change, CancellationToken cancellationToken);
}
