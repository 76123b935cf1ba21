namespace Vrrp;

/// <summary>
/// The operating-system side the virtual routers run on: how adverts are sent and received, how addresses are added
/// and removed and announced, and how links are watched. Vrrp.Linux provides one (<c>.UseLinux()</c>); the in-memory
/// LAN of Vrrp.Testing provides one for tests and demos (<c>.UseInMemoryLan(lan)</c>). Register one of your own with
/// <c>services.AddVrrp().UsePlatform(...)</c> (Vrrp.Hosting), or hand its parts to a driver of Vrrp.Core.
/// </summary>
public sealed class VrrpPlatform
{
    /// <summary>Creates a platform from its four parts.</summary>
    /// <param name="name">A short name used in logs, for example <c>Linux</c>.</param>
    /// <param name="transport">Sends and receives VRRP messages.</param>
    /// <param name="addresses">Adds and removes the virtual addresses.</param>
    /// <param name="announcer">Sends gratuitous ARP and unsolicited neighbour advertisements.</param>
    /// <param name="links">Watches links and their addresses.</param>
    /// <exception cref="ArgumentNullException">A part is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public VrrpPlatform(string name, IVrrpTransport transport, IVirtualAddressManager addresses, IAddressAnnouncer announcer, ILinkMonitor links)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(announcer);
        ArgumentNullException.ThrowIfNull(links);
        Name = name;
        Transport = transport;
        Addresses = addresses;
        Announcer = announcer;
        Links = links;
    }

    /// <summary>A short name used in logs.</summary>
    public string Name { get; }

    /// <summary>Sends and receives VRRP messages.</summary>
    public IVrrpTransport Transport { get; }

    /// <summary>Adds and removes the virtual addresses.</summary>
    public IVirtualAddressManager Addresses { get; }

    /// <summary>Announces addresses after a takeover.</summary>
    public IAddressAnnouncer Announcer { get; }

    /// <summary>Watches links and addresses (interface tracking, externally removed VIPs).</summary>
    public ILinkMonitor Links { get; }
}
