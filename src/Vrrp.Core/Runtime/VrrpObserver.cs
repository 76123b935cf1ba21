using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>
/// Receives what happens in a <see cref="VrrpDriver"/>: state changes, priority changes, address changes and
/// announcements. Override what you need (the hosting layer hangs callbacks, logs and metrics here). Counters (adverts
/// sent and received, drops) are read from <see cref="VrrpDriver.GetStatus()"/> instead, so that nothing runs per packet.
/// </summary>
/// <remarks>
/// Calls are made one at a time, in order per instance, on the driver's event path while it holds its lock: return
/// quickly and never block or call back into the driver synchronously (queue the work instead). An exception thrown by
/// an observer is logged and ignored; it never stops an election.
/// </remarks>
public abstract class VrrpObserver
{
    /// <summary>An instance changed state.</summary>
    /// <param name="change">What changed.</param>
    public virtual void OnStateChanged(VrrpStateChange change)
    {
    }

    /// <summary>The effective priority of an instance changed (trackers).</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="priority">The new effective priority.</param>
    public virtual void OnPriorityChanged(string instance, int priority)
    {
    }

    /// <summary>The virtual addresses of an instance were put on (or taken off) the interface, or the attempt failed.</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="added">True for add, false for remove.</param>
    /// <param name="error">The failure, or null on success.</param>
    public virtual void OnAddressesChanged(string instance, bool added, Exception? error)
    {
    }

    /// <summary>An instance announced its addresses (gratuitous ARP / unsolicited NA).</summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="reason">Why.</param>
    /// <param name="repeat">Announcements per address.</param>
    public virtual void OnAnnounced(string instance, AnnouncementReason reason, int repeat)
    {
    }
}
