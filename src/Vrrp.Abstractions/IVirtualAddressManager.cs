namespace Vrrp;

/// <summary>Puts virtual addresses on an interface and takes them off (Vrrp.Linux uses rtnetlink).</summary>
public interface IVirtualAddressManager
{
    /// <summary>Adds an address to an interface; adding one that is already there succeeds.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="address">The address.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the kernel (or fake) has acknowledged.</returns>
    ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken);

    /// <summary>Removes an address from an interface; removing one that is not there succeeds.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="address">The address.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the kernel (or fake) has acknowledged.</returns>
    ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken);

    /// <summary>Tells whether an address is on an interface now.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="address">The address.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when present.</returns>
    ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken);
}

/// <summary>Announces that this node now holds addresses: gratuitous ARP for IPv4, unsolicited neighbour advertisement for IPv6.</summary>
public interface IAddressAnnouncer
{
    /// <summary>Sends one announcement for each address.</summary>
    /// <param name="interfaceName">The interface to send on.</param>
    /// <param name="addresses">The addresses to announce.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the frames are sent.</returns>
    ValueTask AnnounceAsync(string interfaceName, IReadOnlyList<VirtualAddress> addresses, CancellationToken cancellationToken);
}

/// <summary>A change seen on a link or its addresses.</summary>
/// <param name="InterfaceName">The interface.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Address">The address concerned, for address events.</param>
public readonly record struct LinkEvent(string InterfaceName, LinkEventKind Kind, IPAddressValue? Address = null);

/// <summary>The kinds of <see cref="LinkEvent"/>.</summary>
public enum LinkEventKind
{
    /// <summary>The link is up and running (carrier present).</summary>
    Up,

    /// <summary>The link is down (administratively, or no carrier).</summary>
    Down,

    /// <summary>The interface was deleted.</summary>
    Removed,

    /// <summary>An address was removed from the interface.</summary>
    AddressRemoved,

    /// <summary>An address was added to the interface.</summary>
    AddressAdded,
}

/// <summary>Watches links and their addresses (Vrrp.Linux: rtnetlink notifications).</summary>
public interface ILinkMonitor
{
    /// <summary>Tells whether an interface is up now.</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <returns>True when up; false when down or missing.</returns>
    bool IsUp(string interfaceName);

    /// <summary>Streams link and address events until cancelled.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in the order the kernel reported them.</returns>
    IAsyncEnumerable<LinkEvent> WatchAsync(CancellationToken cancellationToken);
}
