using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Election;
using Vrrp.Linux.Interfaces;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Nftables;
using Vrrp.Linux.Routing;
using Vrrp.Runtime;

namespace Vrrp.Linux.Resources;

/// <summary>
/// The Linux part of one instance (see <see cref="LinuxVrrpPlatform.CreateResources"/>): its virtual-MAC interface,
/// its virtual routes and rules, and its place in the namespace's Accept_Mode filter.
/// </summary>
/// <remarks>
/// <para>Order, as the driver calls it: at start the virtual-MAC interface is created (or adopted), the filter table is
/// installed (replacing a leftover) and routes and rules a crashed run left are removed; on becoming master the
/// addresses enter the filter before they are added, and routes then rules are added after them; on leaving master rules
/// then routes are removed before the addresses, which leave the filter after them; at stop the interface is removed
/// (the parent's ARP settings restored with its last one) and the table with the last filtered instance.</para>
/// <para>A route or rule the kernel refuses is logged and the others are still tried; the first failure is reported to
/// the driver, which logs it with the instance's name.</para>
/// </remarks>
internal sealed class LinuxVirtualRouterResources(LinuxVrrpPlatform platform, LinuxInstanceOptions options, ILogger? logger) : VirtualRouterResources
{
    /// <summary>How many copies of one route or rule a crashed run may have left (each start adds at most one).</summary>
    private const int MaxLeftovers = 16;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private string _name = "";
    private string _baseInterface = "";
    private string? _virtualMac;
    private bool _virtualMacHeld;
    private string? _ipvlan;
    private bool _ipvlanHeld;
    private List<AddressVirtualMac> _addressVirtualMacs = [];
    private readonly List<string> _heldAddressVirtualMacs = [];
    private AcceptModeFilter? _filter;
    private readonly Dictionary<(IPAddressValue Address, string Device), int> _filteredIndexes = [];
    private bool _filtering;
    private bool _promoteSecondariesHeld;

    /// <summary>The virtual-MAC interface the instance runs on (or announces from), once configured.</summary>
    internal string? VirtualMacInterface => _virtualMac;

    /// <summary>The ipvlan the instance runs on (keepalived <c>use_ipvlan</c>), once configured.</summary>
    internal string? IpvlanInterface => _ipvlan;

    /// <inheritdoc />
    public override VirtualRouterConfiguration Configure(VirtualRouterConfiguration configuration)
    {
        _name = configuration.Name;
        _baseInterface = configuration.InterfaceName;
        _filtering = !configuration.AcceptMode && !configuration.IsAddressOwner;
        configuration = TrackRoutingInterfaces(configuration);
        configuration = PlaceAddressVirtualMacs(configuration);
        if (options.UseIpvlan)
        {
            // Everything on the ipvlan, as keepalived: adverts (from its address unless the instance names a source),
            // addresses and announcements. An ipvlan in L2 mode receives the multicast adverts itself.
            _ipvlan = options.IpvlanInterface ?? VirtualMacInterfaces.DefaultName(configuration.VirtualRouterId, configuration.Family, options.VirtualMacPrefix);
            return configuration with
            {
                InterfaceName = _ipvlan,
                SourceAddress = configuration.SourceAddress ?? options.IpvlanAddress?.Address,
            };
        }

        if (!options.UseVirtualMac)
        {
            return configuration;
        }

        _virtualMac = options.VirtualMacInterface ?? VirtualMacInterfaces.DefaultName(configuration.VirtualRouterId, configuration.Family, options.VirtualMacPrefix);
        bool transmitBase = options.VirtualMacTransmitBase;
        if (!transmitBase && configuration.UnicastPeers.Count > 0)
        {
            // keepalived: "unicast with use_vmac requires vmac_xmit_base - setting".
            Log.TransmitBaseForUnicast(_logger, configuration.Name);
            transmitBase = true;
        }

        if (!transmitBase)
        {
            // Everything on the virtual-MAC interface: adverts, addresses, announcements (adverts are received on the
            // parent, where a macvlan passes them up).
            return configuration with { InterfaceName = _virtualMac };
        }

        // vmac_xmit_base: adverts from the interface itself, the addresses (and their announcements) on the virtual MAC.
        string vmac = _virtualMac;
        return configuration with
        {
            VirtualAddresses = [.. configuration.VirtualAddresses.Select(a => a.Device is null ? a with { Device = vmac } : a)],
            ExcludedAddresses = [.. configuration.ExcludedAddresses.Select(a => a.Device is null ? a with { Device = vmac } : a)],
        };
    }

    /// <inheritdoc />
    /// <remarks>The same options (virtual MAC, routes, rules) and the same Accept_Mode filtering.</remarks>
    public override bool IsEquivalentTo(VirtualRouterResources other) =>
        other is LinuxVirtualRouterResources o && ReferenceEquals(o.Platform, platform) && o._filtering == _filtering &&
        o._baseInterface == _baseInterface && o.Options.UseVirtualMac == options.UseVirtualMac &&
        o.Options.VirtualMacTransmitBase == options.VirtualMacTransmitBase && o._virtualMac == _virtualMac &&
        o._ipvlan == _ipvlan && o.Options.IpvlanMode == options.IpvlanMode && o.Options.IpvlanAddress == options.IpvlanAddress &&
        o.Options.PromoteSecondaries == options.PromoteSecondaries &&
        o._addressVirtualMacs.SequenceEqual(_addressVirtualMacs) &&
        o.Options.Routes.SequenceEqual(options.Routes) && o.Options.Rules.SequenceEqual(options.Rules);

    private LinuxVrrpPlatform Platform => platform;

    /// <summary>A virtual-MAC interface for addresses (keepalived <c>use_vmac_addr</c>, an address's <c>use_vmac</c>).</summary>
    internal sealed record AddressVirtualMac(string Name, string Parent, VrrpAddressFamily Family);

    /// <summary>
    /// keepalived 2.2.7's rule (vrrp.c, the VIP/eVIP loop of the instance checks): an address needs a virtual-MAC
    /// interface of its own when it is marked <c>use_vmac</c>, or with <c>use_vmac_addr</c> when it goes on another
    /// interface or is of the other family; an address that goes on the instance's own virtual-MAC interface (or ipvlan)
    /// never does (a <c>use_vmac</c> mark there is ignored, as keepalived ignores it with an error). One interface per
    /// parent and family, named as keepalived's create_vmac_name names it (<see cref="VirtualMacNames"/>) with
    /// <c>vmac_addr_prefix</c>, else <c>vmac_prefix</c>, else <c>vrrp</c>, avoiding the names the instance's own
    /// interface and <see cref="LinuxInstanceOptions.ReservedInterfaceNames"/> take.
    /// </summary>
    private VirtualRouterConfiguration PlaceAddressVirtualMacs(VirtualRouterConfiguration configuration)
    {
        _addressVirtualMacs = [];
        if (!options.UseVirtualMacForAddresses && options.VirtualMacAddresses.Count == 0)
        {
            return configuration;
        }

        var used = new HashSet<string>(options.ReservedInterfaceNames, StringComparer.Ordinal);
        if (options.UseVirtualMac || options.UseIpvlan)
        {
            used.Add((options.UseIpvlan ? options.IpvlanInterface : options.VirtualMacInterface) ?? VirtualMacInterfaces.DefaultName(configuration.VirtualRouterId, configuration.Family, options.VirtualMacPrefix));
        }

        var vmacs = _addressVirtualMacs;
        VirtualAddress Place(VirtualAddress address) =>
            PlaceAddress(options, configuration.InterfaceName, configuration.VirtualRouterId, configuration.Family, address, used, vmacs) is { } device
                ? address with { Device = device }
                : address;

        return configuration with
        {
            VirtualAddresses = [.. configuration.VirtualAddresses.Select(Place)],
            ExcludedAddresses = [.. configuration.ExcludedAddresses.Select(Place)],
        };
    }

    /// <summary>
    /// Where one address of an instance goes (see <see cref="PlaceAddressVirtualMacs"/>): the virtual-MAC interface it
    /// needs (added to <paramref name="vmacs"/> and <paramref name="used"/> when new), or null when it stays where it is.
    /// </summary>
    internal static string? PlaceAddress(LinuxInstanceOptions options, string iface, byte virtualRouterId, VrrpAddressFamily family, VirtualAddress address, ISet<string> used, List<AddressVirtualMac> vmacs)
    {
        bool own = address.Device is null || string.Equals(address.Device, iface, StringComparison.Ordinal);
        bool sameFamily = address.Family == family;
        if (own && (options.UseVirtualMac || options.UseIpvlan) && sameFamily)
        {
            return null;   // on the instance's virtual-MAC interface (or ipvlan)
        }

        bool marked = options.VirtualMacAddresses.Contains(address.Address);
        bool needs = own
            ? marked || (options.UseVirtualMacForAddresses && !sameFamily)
            : marked || options.UseVirtualMacForAddresses;
        if (!needs)
        {
            return null;
        }

        string parent = address.Device ?? iface;
        var vmac = vmacs.Find(v => v.Parent == parent && v.Family == address.Family);
        if (vmac is null)
        {
            string prefix = options.VirtualMacAddressPrefix ?? options.VirtualMacPrefix ?? VirtualMacNames.DefaultPrefix;
            vmac = new AddressVirtualMac(VirtualMacNames.Create(prefix, virtualRouterId, address.Family, used), parent, address.Family);
            used.Add(vmac.Name);
            vmacs.Add(vmac);
        }

        return vmac.Name;
    }

    /// <summary>keepalived's create_vmac_name with its default prefix: <c>vrrp.VRID</c>, then <c>vrrpN.VRID</c> (N = 1, 2...; IPv6 6 first, then 1..5, 7...).</summary>
    internal static string AddressVirtualMacName(byte virtualRouterId, VrrpAddressFamily family, ISet<string> used) =>
        VirtualMacNames.Create(VirtualMacNames.DefaultPrefix, virtualRouterId, family, used);

    private LinuxInstanceOptions Options => options;

    // keepalived: the interface of a route (dev) or a rule (iif, oif) is tracked unless no_track: down means Fault.
    private VirtualRouterConfiguration TrackRoutingInterfaces(VirtualRouterConfiguration configuration)
    {
        var devices = options.Routes.Where(r => !r.NoTrack).Select(r => r.Device)
            .Concat(options.Rules.Where(r => !r.NoTrack).SelectMany(r => new[] { r.InputInterface, r.OutputInterface }))
            .OfType<string>()
            .Where(d => !string.Equals(d, configuration.InterfaceName, StringComparison.Ordinal))
            .Where(d => !configuration.Trackers.Any(t => t.Kind == TrackerKind.Interface && string.Equals(t.Name, d, StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)
            .Select(d => new TrackerConfiguration(TrackerKind.Interface, d, 0))
            .ToList();
        return devices.Count == 0 ? configuration : configuration with { Trackers = [.. configuration.Trackers, .. devices] };
    }

    /// <inheritdoc />
    public override ValueTask PrepareAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_virtualMac is { } vmac)
        {
            bool created = platform.VirtualMacs.Create(_baseInterface, configuration.VirtualRouterId, configuration.Family, vmac, adopt: true);
            _virtualMacHeld = true;
            if (created)
            {
                Log.VirtualMacCreated(_logger, _name, vmac, _baseInterface);
            }
            else
            {
                Log.VirtualMacAdopted(_logger, _name, vmac, _baseInterface);
            }
        }

        if (_ipvlan is { } ipvlan)
        {
            // keepalived's link_set_ipv6: IPv6 stays on for an IPv6 instance or one with addresses of the other family.
            bool ipv6 = configuration.Family == VrrpAddressFamily.IPv6 ||
                configuration.VirtualAddresses.Concat(configuration.ExcludedAddresses).Any(a => a.Family != configuration.Family);
            bool created = platform.Ipvlans.Create(_baseInterface, ipvlan, options.IpvlanMode, options.IpvlanAddress, ipv6, adopt: true);
            _ipvlanHeld = true;
            if (created)
            {
                Log.IpvlanCreated(_logger, _name, ipvlan, IpvlanInterfaces.Word(options.IpvlanMode), _baseInterface);
            }
            else
            {
                Log.IpvlanAdopted(_logger, _name, ipvlan, _baseInterface);
            }
        }

        foreach (var addressVmac in _addressVirtualMacs)
        {
            bool created = platform.VirtualMacs.Create(addressVmac.Parent, configuration.VirtualRouterId, addressVmac.Family, addressVmac.Name, adopt: true);
            _heldAddressVirtualMacs.Add(addressVmac.Name);
            if (created)
            {
                Log.VirtualMacCreated(_logger, _name, addressVmac.Name, addressVmac.Parent);
            }
            else
            {
                Log.VirtualMacAdopted(_logger, _name, addressVmac.Name, addressVmac.Parent);
            }
        }

        if (_filtering)
        {
            _filter = platform.AcquireAcceptFilter();
        }

        if (options.PromoteSecondaries && _virtualMac is null && _ipvlan is null && configuration.Family == VrrpAddressFamily.IPv4)
        {
            try
            {
                if (platform.AcquirePromoteSecondaries(_baseInterface))
                {
                    Log.PromoteSecondariesSet(_logger, _name, _baseInterface);
                }

                _promoteSecondariesHeld = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.OperationFailed(_logger, _name, "set", "promote_secondaries on", _baseInterface, ex);
            }
        }

        // Routes and rules a crashed run left (ours by their protocol): removed, as leftover addresses are.
        foreach (var rule in options.Rules)
        {
            for (int i = 0; i < MaxLeftovers && platform.Netlink.DeleteRule(rule); i++)
            {
                Log.LeftoverRemoved(_logger, _name, "rule", rule.ToString());
            }
        }

        foreach (var route in options.Routes)
        {
            if (TryDeviceIndex(route.Device, out int index))
            {
                for (int i = 0; i < MaxLeftovers && platform.Netlink.DeleteRoute(route, index); i++)
                {
                    Log.LeftoverRemoved(_logger, _name, "route", route.ToString());
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask AddingAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken)
    {
        if (_filter is { } filter)
        {
            // Before the addresses exist: no packet to them is accepted in between (RFC 9568 section 6.4.3).
            foreach (var address in configuration.VirtualAddresses.Concat(configuration.ExcludedAddresses))
            {
                string device = address.Device ?? configuration.InterfaceName;
                int index = 0;
                if (address.Address.IsIPv6LinkLocal && MatchByIndex(configuration, address, device) && TryDeviceIndex(device, out index))
                {
                    _filteredIndexes[(address.Address, device)] = index;
                }

                filter.Add(address.Address, device, index);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// keepalived 2.2.7's choice for an IPv6 link-local address in its nftables table (vrrp_nftables.c): by interface
    /// name when the instance has <c>dont_track_primary</c> (its interface may be deleted and created again, with
    /// another index), the address is on the instance's interface (or <c>no_track</c>), and <c>nftables_ifindex</c> is
    /// not set; otherwise by interface index.
    /// </summary>
    private bool MatchByIndex(VirtualRouterConfiguration configuration, VirtualAddress address, string device) =>
        platform.Settings.FirewallInterfaceIndex || !configuration.DontTrackPrimary ||
        !(string.Equals(device, configuration.InterfaceName, StringComparison.Ordinal) || address.NoTrack);

    /// <inheritdoc />
    public override ValueTask AddedAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken)
    {
        Exception? first = null;
        foreach (var route in options.Routes)
        {
            Try(ref first, "add", "route", route.ToString(), () => platform.Netlink.AddRoute(route, platform.Netlink.DeviceIndex(route.Device)));
        }

        foreach (var rule in options.Rules)
        {
            Try(ref first, "add", "rule", rule.ToString(), () => platform.Netlink.AddRule(rule));
        }

        return first is null ? ValueTask.CompletedTask : ValueTask.FromException(first);
    }

    /// <inheritdoc />
    public override ValueTask RemovingAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken)
    {
        Exception? first = null;
        foreach (var rule in options.Rules)
        {
            Try(ref first, "remove", "rule", rule.ToString(), () => platform.Netlink.DeleteRule(rule));
        }

        foreach (var route in options.Routes)
        {
            // A route whose device is gone went with it.
            if (TryDeviceIndex(route.Device, out int index))
            {
                Try(ref first, "remove", "route", route.ToString(), () => platform.Netlink.DeleteRoute(route, index));
            }
        }

        return first is null ? ValueTask.CompletedTask : ValueTask.FromException(first);
    }

    /// <inheritdoc />
    public override ValueTask RemovedAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken)
    {
        if (_filter is { } filter)
        {
            foreach (var address in configuration.VirtualAddresses.Concat(configuration.ExcludedAddresses))
            {
                string device = address.Device ?? configuration.InterfaceName;
                _filteredIndexes.Remove((address.Address, device), out int index);
                filter.Remove(address.Address, device, index);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask ReleaseAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken)
    {
        Exception? first = null;
        if (_virtualMacHeld && _virtualMac is { } vmac)
        {
            _virtualMacHeld = false;
            Try(ref first, "remove", "virtual-MAC interface", vmac, () => platform.VirtualMacs.Remove(vmac));
            Log.VirtualMacRemoved(_logger, _name, vmac);
        }

        if (_ipvlanHeld && _ipvlan is { } ipvlan)
        {
            _ipvlanHeld = false;
            Try(ref first, "remove", "ipvlan interface", ipvlan, () => platform.Ipvlans.Remove(ipvlan));
            Log.IpvlanRemoved(_logger, _name, ipvlan);
        }

        if (_promoteSecondariesHeld)
        {
            _promoteSecondariesHeld = false;
            Try(ref first, "restore", "promote_secondaries on", _baseInterface, () =>
            {
                platform.ReleasePromoteSecondaries(_baseInterface);
                return true;
            });
        }

        foreach (string name in _heldAddressVirtualMacs)
        {
            Try(ref first, "remove", "virtual-MAC interface", name, () => platform.VirtualMacs.Remove(name));
            Log.VirtualMacRemoved(_logger, _name, name);
        }

        _heldAddressVirtualMacs.Clear();

        if (_filter is not null)
        {
            _filter = null;
            Try(ref first, "remove", "Accept_Mode filter of", _name, () =>
            {
                platform.ReleaseAcceptFilter();
                return true;
            });
        }

        return first is null ? ValueTask.CompletedTask : ValueTask.FromException(first);
    }

    private bool TryDeviceIndex(string? device, out int index)
    {
        index = 0;
        if (device is null)
        {
            return true;
        }

        try
        {
            index = platform.Netlink.GetLink(device).Index;
            return true;
        }
        catch (NetlinkException ex) when (ex.Errno == Interop.Libc.ENODEV)
        {
            return false;
        }
    }

    private void Try(ref Exception? first, string operation, string what, string text, Func<bool> action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is NetlinkException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            Log.OperationFailed(_logger, _name, operation, what, text, ex);
            first ??= ex;
        }
    }
}
