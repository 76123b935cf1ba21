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
    /// <summary>
    /// An instance changed state: called at once, before any of the address work the change asks for (a new master's
    /// addresses are not on the interface yet; a former master's are still there). See <see cref="OnStateApplied"/>.
    /// </summary>
    /// <param name="change">What changed.</param>
    public virtual void OnStateChanged(VrrpStateChange change)
    {
    }

    /// <summary>
    /// The address work a state change asked for is done, so the change holds on the network: for Master, every
    /// virtual address was added and the first announcement burst sent; for Backup, Fault and Stopped, the addresses
    /// were removed (when the instance had them). Called once per change, after <see cref="OnStateChanged"/> and after
    /// <see cref="OnAddressesChanged"/> / <see cref="OnAnnounced"/> of that work, in the order of the instance's
    /// changes. <see cref="VrrpStateChange.HoldsVirtualAddresses"/> says whether the node holds the addresses now and
    /// <see cref="VrrpStateChange.AddressError"/> what failed, if anything (a master whose addresses could not be added
    /// is reported with false and the error). A change that another one follows before its work is done is still
    /// reported, with the addresses as they are at that moment. Not called after <see cref="VrrpDriver.AbortAsync"/>.
    /// </summary>
    /// <param name="change">The change, with <see cref="VrrpStateChange.HoldsVirtualAddresses"/> and <see cref="VrrpStateChange.AddressError"/> set.</param>
    public virtual void OnStateApplied(VrrpStateChange change)
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

    /// <summary>
    /// A master received an advert with a lower priority than its own (another router also believes it is master: a
    /// healed split, or a lower-priority backup that timed out). Called for each such advert. keepalived runs its
    /// <c>notify_master_rx_lower_pri</c> script here, for example to claim cloud addresses back.
    /// </summary>
    /// <param name="instance">The instance name.</param>
    /// <param name="source">The other router's address.</param>
    /// <param name="priority">The priority it advertised.</param>
    public virtual void OnLowerPriorityAdvertisement(string instance, IPAddressValue source, byte priority)
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
