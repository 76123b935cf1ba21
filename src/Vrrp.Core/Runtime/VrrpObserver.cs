using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

/// <summary>A state change as reported to observers.</summary>
/// <param name="From">The old state.</param>
/// <param name="To">The new state.</param>
/// <param name="Reason">Why.</param>
/// <param name="Priority">The effective priority at the time.</param>
/// <param name="Peer">The peer whose advert caused it (a higher-priority master), if any.</param>
/// <param name="PeerPriority">That peer's priority, or 0.</param>
/// <param name="Timestamp">When, on the driver's <see cref="TimeProvider"/>.</param>
public readonly record struct RouterStateChange(
    VrrpState From,
    VrrpState To,
    StateChangeReason Reason,
    byte Priority,
    IPAddressValue? Peer,
    byte PeerPriority,
    DateTimeOffset Timestamp);

/// <summary>
/// Receives what happens in a <see cref="VrrpDriver"/>: state changes, adverts sent and received, drops, address changes.
/// Override what you need (the hosting layer hangs callbacks, logs and metrics here).
/// </summary>
/// <remarks>
/// Calls are made one at a time, in order per instance, on the driver's event path while it holds its lock: return
/// quickly and never block or call back into the driver synchronously (queue the work instead). An exception thrown by
/// an observer is logged and ignored; it never stops an election. The per-advert methods are called on the hot path:
/// do not allocate in them if allocation-free operation matters to you.
/// </remarks>
public abstract class VrrpObserver
{
    /// <summary>An instance changed state.</summary>
    /// <param name="router">The instance.</param>
    /// <param name="change">What changed.</param>
    public virtual void OnStateChanged(VirtualRouterHandle router, in RouterStateChange change)
    {
    }

    /// <summary>An instance sent an advertisement.</summary>
    /// <param name="router">The instance.</param>
    /// <param name="priority">The priority sent (0 when leaving).</param>
    public virtual void OnAdvertisementSent(VirtualRouterHandle router, byte priority)
    {
    }

    /// <summary>An instance accepted an advertisement.</summary>
    /// <param name="router">The instance.</param>
    /// <param name="source">The sender.</param>
    /// <param name="priority">The advertised priority.</param>
    public virtual void OnAdvertisementReceived(VirtualRouterHandle router, IPAddressValue source, byte priority)
    {
    }

    /// <summary>A received packet was dropped.</summary>
    /// <param name="router">The instance it was attributed to, or null (unknown VRID, or too short to read one).</param>
    /// <param name="reason">Why.</param>
    /// <param name="source">The IP source.</param>
    public virtual void OnAdvertisementDropped(VirtualRouterHandle? router, DropReason reason, IPAddressValue source)
    {
    }

    /// <summary>The virtual addresses of an instance were put on (or taken off) the interface, or the attempt failed.</summary>
    /// <param name="router">The instance.</param>
    /// <param name="added">True for add, false for remove.</param>
    /// <param name="error">The failure, or null on success.</param>
    public virtual void OnAddressesChanged(VirtualRouterHandle router, bool added, Exception? error)
    {
    }

    /// <summary>An instance announced its addresses (gratuitous ARP / unsolicited NA).</summary>
    /// <param name="router">The instance.</param>
    /// <param name="reason">Why.</param>
    /// <param name="repeat">Announcements per address.</param>
    public virtual void OnAnnounced(VirtualRouterHandle router, AnnouncementReason reason, int repeat)
    {
    }

    /// <summary>The effective priority of an instance changed (trackers).</summary>
    /// <param name="router">The instance.</param>
    /// <param name="priority">The new effective priority.</param>
    public virtual void OnPriorityChanged(VirtualRouterHandle router, byte priority)
    {
    }
}
