using Vrrp.Linux.Announcements;
using Vrrp.Linux.Interfaces;
using Vrrp.Linux.Loop;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Nftables;
using Vrrp.Linux.Resources;
using Vrrp.Linux.Routing;
using Vrrp.Linux.Sockets;
using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Linux;

/// <summary>
/// The Linux data plane for one network namespace: raw-socket VRRP transport, rtnetlink virtual addresses and link
/// monitoring, gratuitous ARP / unsolicited neighbour advertisements, and virtual-MAC (macvlan) interfaces.
/// </summary>
/// <remarks>
/// <see cref="Create(string?)"/> checks CAP_NET_RAW and CAP_NET_ADMIN before it opens anything. With a namespace name, every
/// socket is created inside <c>/run/netns/NAME</c> and stays there, so one process can drive routers in several
/// namespaces.
/// </remarks>
public sealed class LinuxVrrpPlatform : IDisposable
{
    private readonly RouteNetlink _netlink;
    private readonly NetlinkAddressManager _addresses;
    private readonly PacketSocketAnnouncer _announcer;
    private readonly RawSocketTransport _transport;
    private readonly NetlinkLinkMonitor _links;
    private readonly VirtualMacInterfaces _virtualMacs;
    private readonly IpvlanInterfaces _ipvlans;
    private readonly Lock _acceptLock = new();
    private AcceptModeFilter? _acceptFilter;
    private int _acceptUsers;
    private int _disposed;

    private LinuxVrrpPlatform(string? networkNamespace, LinuxPlatformSettings settings)
    {
        NetworkNamespace = networkNamespace;
        Settings = settings;
        _netlink = RouteNetlink.Open(networkNamespace);
        try
        {
            if (settings.NetlinkCommandReceiveBuffer > 0)
            {
                _netlink.Socket.SetReceiveBuffer(settings.NetlinkCommandReceiveBuffer, settings.NetlinkCommandReceiveBufferForce);
            }

            _addresses = new NetlinkAddressManager(_netlink);
            _announcer = new PacketSocketAnnouncer(_netlink, networkNamespace);
            _transport = new RawSocketTransport(networkNamespace);
            _links = new NetlinkLinkMonitor(_netlink, networkNamespace, settings.NetlinkMonitorReceiveBuffer, settings.NetlinkMonitorReceiveBufferForce);
            _virtualMacs = new VirtualMacInterfaces(_netlink, networkNamespace);
            _ipvlans = new IpvlanInterfaces(_netlink, networkNamespace);
        }
        catch
        {
            _netlink.Dispose();
            throw;
        }
    }

    /// <summary>Opens the data plane.</summary>
    /// <param name="networkNamespace">A namespace name under <c>/run/netns</c>, or null for the process's own.</param>
    /// <returns>The platform; dispose it to close its sockets.</returns>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="MissingCapabilityException">CAP_NET_RAW or CAP_NET_ADMIN is missing (nothing was opened).</exception>
    /// <exception cref="ArgumentException">The namespace does not exist.</exception>
    public static LinuxVrrpPlatform Create(string? networkNamespace = null) => Create(networkNamespace, LinuxPlatformSettings.Default);

    /// <summary>Opens the data plane with keepalived's namespace-wide settings (UseLinux gives them from the options).</summary>
    internal static LinuxVrrpPlatform Create(string? networkNamespace, LinuxPlatformSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Vrrp.Linux runs on Linux only.");
        }

        LinuxCapabilities.EnsureRequired();
        return new LinuxVrrpPlatform(networkNamespace, settings);
    }

    /// <summary>The namespace-wide settings (the Accept_Mode filter's table...).</summary>
    internal LinuxPlatformSettings Settings { get; }

    /// <summary>The namespace this platform works in, or null for the process's own.</summary>
    public string? NetworkNamespace { get; }

    /// <summary>
    /// The VRRP transport: raw IPv4/IPv6 sockets for protocol 112 bound to the interface, TTL / hop limit 255, joined to
    /// 224.0.0.18 / ff02::12 (or unicast to peers). Channels opened with equal options share one socket pair
    /// (reference-counted); a shared channel is one stream of datagrams, so run one receive loop per channel, as
    /// <see cref="VrrpDriver"/> does.
    /// </summary>
    public IVrrpTransport Transport => _transport;

    /// <summary>Virtual addresses through rtnetlink.</summary>
    public IVirtualAddressManager Addresses => _addresses;

    /// <summary>Gratuitous ARP and unsolicited neighbour advertisements.</summary>
    public IAddressAnnouncer Announcer => _announcer;

    /// <summary>Link and address events through rtnetlink.</summary>
    public ILinkMonitor LinkMonitor => _links;

    /// <summary>
    /// Creates a driver wired to this platform (addresses, announcements, link monitor) with the Linux loop: one
    /// dedicated thread waits in epoll on the channels' raw sockets and one timerfd (CLOCK_MONOTONIC, absolute
    /// nanosecond deadlines), takes datagrams with recvmmsg and sends every advert due in the same tick with one
    /// sendmmsg; the thread pool and managed timers are not on the packet or timer path, and address work and
    /// observers' queued work run off that thread. Add the instances of this namespace to it, then start it; dispose
    /// the driver before the platform.
    /// </summary>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <param name="timeProvider">
    /// Wall-clock time for the timestamps of state changes, or null for <see cref="TimeProvider.System"/>. Protocol
    /// time is always CLOCK_MONOTONIC (the timerfd's clock), so a virtual clock does not drive this driver: use
    /// <see cref="AsyncVrrpDriver"/> over <see cref="Transport"/> for that.
    /// </param>
    /// <returns>The driver.</returns>
    public VrrpDriver CreateDriver(Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        new LinuxVrrpDriver(NetworkNamespace, _addresses, _announcer, _links, timeProvider, loggerFactory)
        {
            ResourceFactory = AcceptModeResources(loggerFactory),
            MaxAutoPriority = Settings.MaxAutoPriority,
            MinAutoPriorityDelay = (long)Settings.MinAutoPriorityDelay.TotalNanoseconds,
        };

    /// <summary>
    /// Creates the Linux driver (see <see cref="CreateDriver(Microsoft.Extensions.Logging.ILoggerFactory?, TimeProvider?)"/>)
    /// over a platform assembled from parts: adverts on this platform's raw sockets, addresses, announcements and links
    /// through the parts given (for example an address manager that also moves a cloud route). In a host:
    /// <c>.UsePlatform(...).UseDriver((sp, platform) =&gt; linux.CreateDriverFor(platform, ...))</c>.
    /// </summary>
    /// <param name="platform">The parts; its <see cref="VrrpPlatform.Transport"/> must be this platform's <see cref="Transport"/> (the loop reads and writes its sockets itself).</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <param name="timeProvider">Wall-clock time for the timestamps of state changes, or null for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The driver.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="platform"/> is null.</exception>
    /// <exception cref="ArgumentException">The platform's transport is not this platform's.</exception>
    public VrrpDriver CreateDriverFor(VrrpPlatform platform, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(platform);
        if (!ReferenceEquals(platform.Transport, _transport))
        {
            throw new ArgumentException(
                "The Linux driver sends and receives on the raw sockets of the LinuxVrrpPlatform it is created from: the platform's Transport must be that platform's Transport (use AsyncVrrpDriver for a transport of your own).",
                nameof(platform));
        }

        return new LinuxVrrpDriver(NetworkNamespace, platform.Addresses, platform.Announcer, platform.Links, timeProvider, loggerFactory)
        {
            ResourceFactory = AcceptModeResources(loggerFactory),
            MaxAutoPriority = Settings.MaxAutoPriority,
            MinAutoPriorityDelay = (long)Settings.MinAutoPriorityDelay.TotalNanoseconds,
        };
    }

    // Accept_Mode False needs the platform's filter; anything else an instance asks of the platform comes with
    // AddRouter(configuration, CreateResources(options)).
    private Func<VirtualRouterConfiguration, VirtualRouterResources?> AcceptModeResources(Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        var logger = loggerFactory?.CreateLogger("Vrrp.Linux");
        return configuration => configuration.AcceptMode ? null : CreateResources(null, logger);
    }

    /// <summary>
    /// Creates the platform's part of one instance, for <see cref="VrrpDriver.AddRouter(VirtualRouterConfiguration, VirtualRouterResources?)"/>:
    /// its virtual-MAC interface (created or adopted at start, removed at stop), its virtual routes and rules (installed
    /// while master), and, for a non-owner with <see cref="VirtualRouterConfiguration.AcceptMode"/> false, the nf_tables
    /// filter that drops traffic to its addresses while it is master. See <see cref="LinuxInstanceOptions"/>.
    /// </summary>
    /// <remarks>
    /// What a killed run left is cleaned up at the next start: its virtual-MAC interface is adopted (and the parent's
    /// ARP settings it recorded are restored at stop), its routes and rules (recognised by their protocol,
    /// <see cref="VirtualRoute.Protocol"/>) are removed, and the filter table is replaced.
    /// </remarks>
    /// <param name="options">What the instance asks of the platform, or null for nothing but Accept_Mode.</param>
    /// <param name="logger">Where to log what is created, adopted and removed, or null.</param>
    /// <returns>The resources; give them to one instance only.</returns>
    public VirtualRouterResources CreateResources(LinuxInstanceOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null) =>
        new LinuxVirtualRouterResources(this, options ?? new LinuxInstanceOptions(), logger);

    /// <summary>The rtnetlink socket of the platform (routes, rules, links).</summary>
    internal RouteNetlink Netlink => _netlink;

    /// <summary>The virtual-MAC interfaces of the platform's namespace.</summary>
    internal VirtualMacInterfaces VirtualMacs => _virtualMacs;

    /// <summary>The ipvlan interfaces of the platform's namespace.</summary>
    internal IpvlanInterfaces Ipvlans => _ipvlans;

    /// <summary>
    /// The namespace's Accept_Mode filter, opened and installed on first use (replacing a table a crashed run left);
    /// counted, so that <see cref="ReleaseAcceptFilter"/> removes the table with its last user.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The kernel has no nf_tables (the message says what is missing).</exception>
    internal AcceptModeFilter AcquireAcceptFilter()
    {
        lock (_acceptLock)
        {
            if (_acceptFilter is null)
            {
                var filter = AcceptModeFilter.Open(NetworkNamespace, Settings.FirewallTable, Settings.FirewallChainPriority, Settings.FirewallCounters, linkLocalIndex: true);
                try
                {
                    filter.Install();
                }
                catch
                {
                    filter.Dispose();
                    throw;
                }

                _acceptFilter = filter;
            }

            _acceptUsers++;
            return _acceptFilter;
        }
    }

    private readonly Dictionary<string, (int Users, bool Set)> _promoteSecondaries = new(StringComparer.Ordinal);

    /// <summary>
    /// keepalived's <c>promote_secondaries</c>: sets <c>net.ipv4.conf.IF.promote_secondaries</c> to 1 (through /proc/sys,
    /// in the platform's namespace) when it is 0, so that removing the interface's primary address does not remove its
    /// secondaries (the virtual addresses in its subnet). Counted per interface: <see cref="ReleasePromoteSecondaries"/>
    /// restores 0 with its last user, when it was set here. Returns true when this call changed it.
    /// </summary>
    internal bool AcquirePromoteSecondaries(string interfaceName)
    {
        lock (_promoteSecondaries)
        {
            bool set = false;
            if (!_promoteSecondaries.TryGetValue(interfaceName, out var entry))
            {
                if (InterfaceSettings.Read(NetworkNamespace, interfaceName, "promote_secondaries") == "0")
                {
                    InterfaceSettings.Write(NetworkNamespace, interfaceName, "promote_secondaries", "1");
                    set = true;
                }

                entry = (0, set);
            }

            _promoteSecondaries[interfaceName] = (entry.Users + 1, entry.Set);
            return set;
        }
    }

    /// <summary>Gives up one use of <see cref="AcquirePromoteSecondaries"/>; the last restores 0 when it was set here. Returns true when it did.</summary>
    internal bool ReleasePromoteSecondaries(string interfaceName)
    {
        lock (_promoteSecondaries)
        {
            if (!_promoteSecondaries.TryGetValue(interfaceName, out var entry))
            {
                return false;
            }

            if (entry.Users > 1)
            {
                _promoteSecondaries[interfaceName] = (entry.Users - 1, entry.Set);
                return false;
            }

            _promoteSecondaries.Remove(interfaceName);
            if (entry.Set && InterfaceSettings.Read(NetworkNamespace, interfaceName, "promote_secondaries") is not null)
            {
                InterfaceSettings.Write(NetworkNamespace, interfaceName, "promote_secondaries", "0");
                return true;
            }

            return false;
        }
    }

    private const string LocalIgmpReports = "/proc/sys/net/ipv4/igmp_link_local_mcast_reports";
    private bool _localIgmpDisabled;

    /// <summary>
    /// keepalived's <c>disable_local_igmp</c>: sets <c>net.ipv4.igmp_link_local_mcast_reports</c> of the platform's
    /// namespace to 0 when it is 1 (through /proc/sys, from inside the namespace), so that joining 224.0.0.18 sends no
    /// IGMP reports; <see cref="Dispose"/> puts 1 back. Returns true when this call changed it.
    /// </summary>
    /// <exception cref="IOException">The setting cannot be read or written (a kernel without it).</exception>
    /// <exception cref="UnauthorizedAccessException">Not allowed to write it.</exception>
    internal bool DisableLocalIgmpReports()
    {
        bool changed = Namespaces.NetworkNamespace.Run(NetworkNamespace, () =>
        {
            if (File.ReadAllText(LocalIgmpReports).Trim() != "1")
            {
                return false;
            }

            File.WriteAllText(LocalIgmpReports, "0");
            return true;
        });
        _localIgmpDisabled |= changed;
        return changed;
    }

    /// <summary>Gives up one use of the filter; the last removes the table.</summary>
    internal void ReleaseAcceptFilter()
    {
        AcceptModeFilter? last = null;
        lock (_acceptLock)
        {
            if (_acceptUsers > 0 && --_acceptUsers == 0)
            {
                last = _acceptFilter;
                _acceptFilter = null;
            }
        }

        if (last is not null)
        {
            try
            {
                last.RemoveTable();
            }
            finally
            {
                last.Dispose();
            }
        }
    }

    /// <summary>Lists the addresses of an interface (an RTM_GETADDR dump).</summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="family">Only this family, or null for both.</param>
    /// <returns>The addresses, in the kernel's order.</returns>
    /// <exception cref="NetlinkException">The interface does not exist (errno 19, ENODEV) or the dump failed.</exception>
    public IReadOnlyList<InterfaceAddress> GetAddresses(string interfaceName, VrrpAddressFamily? family = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        return _addresses.List(interfaceName, family);
    }

    /// <summary>The virtual MAC of a virtual router: 00-00-5E-00-01-VRID (IPv4) or 00-00-5E-00-02-VRID (IPv6), RFC 9568 section 7.3.</summary>
    /// <param name="virtualRouterId">1..255.</param>
    /// <param name="family">The address family of the virtual router.</param>
    /// <returns>The six bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The VRID is 0.</exception>
    public static byte[] VirtualMac(byte virtualRouterId, VrrpAddressFamily family)
    {
        ArgumentOutOfRangeException.ThrowIfZero(virtualRouterId);
        return [0x00, 0x00, 0x5e, 0x00, family == VrrpAddressFamily.IPv4 ? (byte)0x01 : (byte)0x02, virtualRouterId];
    }

    /// <summary>
    /// Creates the virtual-MAC interface of a virtual router (keepalived <c>use_vmac</c>): a macvlan in bridge mode on
    /// <paramref name="parentInterface"/>, with the virtual MAC, set up. Put the virtual addresses on it and run the
    /// instance on it (adverts are sent from it and received on the parent). An instance given
    /// <see cref="LinuxInstanceOptions.UseVirtualMac"/> through <see cref="CreateResources"/> does all of this itself.
    /// </summary>
    /// <remarks>
    /// As keepalived does, ARP is set so that only the virtual-MAC interface answers for the virtual addresses:
    /// <c>arp_ignore=1</c> and <c>arp_filter=1</c> on the parent; <c>arp_ignore=1</c>, <c>accept_local=1</c>,
    /// <c>rp_filter=0</c> on the new interface. The parent's previous values are kept in the interface's alias and
    /// restored when its last virtual-MAC interface is removed through this platform. For IPv6 the interface generates
    /// no link-local address of its own (it would be the same on every router) and carries the parent's instead, the
    /// source of its adverts; an IPv4 one has IPv6 turned off.
    /// </remarks>
    /// <param name="parentInterface">The physical interface.</param>
    /// <param name="virtualRouterId">1..255.</param>
    /// <param name="family">IPv4 or IPv6 (which virtual MAC).</param>
    /// <param name="name">The interface name, or null for keepalived's default <c>vrrp.VRID</c> (<c>vrrp6.VRID</c> for IPv6).</param>
    /// <returns>The name of the created interface.</returns>
    /// <exception cref="NetlinkException">The parent does not exist, or the name is taken (EEXIST), or the kernel refused.</exception>
    public string CreateVirtualMacInterface(string parentInterface, byte virtualRouterId, VrrpAddressFamily family, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(parentInterface);
        name ??= VirtualMacInterfaces.DefaultName(virtualRouterId, family);
        if (name.Length > 15)
        {
            throw new ArgumentException($"The interface name '{name}' is longer than 15 characters.", nameof(name));
        }

        _virtualMacs.Create(parentInterface, virtualRouterId, family, name, adopt: false);
        return name;
    }

    /// <summary>Deletes a virtual-MAC interface (and the addresses on it); a missing one counts as deleted.</summary>
    /// <param name="name">The interface name.</param>
    /// <returns>True when it existed and was deleted.</returns>
    /// <exception cref="NetlinkException">The kernel refused.</exception>
    public bool RemoveVirtualMacInterface(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _virtualMacs.Remove(name);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_acceptLock)
        {
            _acceptFilter?.Dispose();
            _acceptFilter = null;
        }

        if (_localIgmpDisabled)
        {
            try
            {
                Namespaces.NetworkNamespace.Run(NetworkNamespace, () =>
                {
                    File.WriteAllText(LocalIgmpReports, "1");
                    return true;
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // As keepalived: the setting stays (it logs; a namespace deleted meanwhile has no setting to restore).
            }
        }

        _announcer.Dispose();
        _netlink.Dispose();
    }
}
