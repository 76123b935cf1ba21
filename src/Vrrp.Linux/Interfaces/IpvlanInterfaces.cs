using Vrrp.Hosting;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Interfaces;

/// <summary>
/// The ipvlan interfaces (keepalived <c>use_ipvlan</c>) of one network namespace: L2 ipvlans of an instance's interface,
/// created as keepalived 2.2.7's netlink_link_add_ipvlan creates them (one RTM_NEWLINK: IFLA_LINK, IFLA_IFNAME,
/// IFLA_INFO_KIND <c>ipvlan</c>, IFLA_IPVLAN_MODE l2, IFLA_IPVLAN_FLAGS the mode, up), then IPv6 turned off on them when
/// the instance is IPv4 with no IPv6 address (<c>disable_ipv6</c>, as keepalived's link_set_ipv6), and the configured
/// address added.
/// </summary>
/// <remarks>
/// An ipvlan shares its parent's MAC, so nothing is set on the parent (unlike a macvlan). A run killed with SIGKILL
/// leaves its ipvlan; the next run adopts it when it is an L2 ipvlan of the same parent with the same mode, as keepalived
/// adopts a matching one. Thread-safe.
/// </remarks>
internal sealed class IpvlanInterfaces(RouteNetlink netlink, string? networkNamespace)
{
    private readonly Lock _lock = new();

    /// <summary>Creates the ipvlan, or with <paramref name="adopt"/> takes over a matching one of that name.</summary>
    /// <param name="parentName">The instance's interface.</param>
    /// <param name="name">The ipvlan's name.</param>
    /// <param name="mode">bridge, private or vepa (IFLA_IPVLAN_FLAGS).</param>
    /// <param name="address">The address to put on it, or null.</param>
    /// <param name="ipv6">Leave IPv6 on (an IPv6 instance, or one with addresses of the other family); otherwise disable_ipv6=1.</param>
    /// <param name="adopt">Take over a matching ipvlan left by a previous run.</param>
    /// <returns>True when it was created, false when adopted.</returns>
    /// <exception cref="NetlinkException">The parent is missing (ENODEV); the name is taken by something else (EEXIST); the kernel has no ipvlan (EOPNOTSUPP) or refused.</exception>
    /// <exception cref="IOException">disable_ipv6 could not be written (a created ipvlan is removed again).</exception>
    internal bool Create(string parentName, string name, IpvlanMode mode, VirtualAddress? address, bool ipv6, bool adopt)
    {
        if (name.Length > 15 || name.Length == 0 || name.Contains('/') || name.Contains(' '))
        {
            throw new ArgumentException($"'{name}' is not an interface name (1..15 characters, no '/' or blank).", nameof(name));
        }

        var parent = netlink.GetLink(parentName);
        lock (_lock)
        {
            LinkInfo? existing = TryGetLink(name);
            bool created = existing is null;
            if (existing is not null)
            {
                bool ours = IsMatching(existing, parent, mode);
                if (!adopt || !ours)
                {
                    throw new NetlinkException(
                        $"create ipvlan {name} (l2 {Word(mode)}) on {parentName}{Where}" + (ours ? "" : $": an interface named {name} exists and is not an l2 {Word(mode)} ipvlan of {parentName}"),
                        Libc.EEXIST,
                        null);
                }

                if ((existing.Flags & Nl.IFF_UP) == 0)
                {
                    netlink.SetUp(existing);
                }
            }
            else
            {
                netlink.CreateIpvlan(parent, name, (ushort)mode);
            }

            try
            {
                var link = netlink.GetLink(name);
                InterfaceSettings.WriteIPv6(networkNamespace, name, "disable_ipv6", ipv6 ? "0" : "1");
                if (address is not null && !netlink.GetAddresses(link, address.Family).Any(a => a.Address == address.Address))
                {
                    netlink.AddAddress(link, address);
                }
            }
            catch (Exception ex) when (created && ex is IOException or NetlinkException or UnauthorizedAccessException)
            {
                netlink.DeleteLink(name);
                throw;
            }

            return created;
        }
    }

    /// <summary>Deletes an ipvlan (and its addresses); a missing one counts as deleted.</summary>
    /// <returns>True when it existed and was deleted.</returns>
    internal bool Remove(string name)
    {
        lock (_lock)
        {
            return netlink.DeleteLink(name);
        }
    }

    /// <summary>keepalived's test of an existing interface it may use: an L2 ipvlan of the parent with the same flags.</summary>
    internal static bool IsMatching(LinkInfo link, LinkInfo parent, IpvlanMode mode) =>
        link.Kind == "ipvlan" && link.ParentIndex == parent.Index && link.IpvlanMode == Nl.IPVLAN_MODE_L2 && link.IpvlanFlags == (int)mode;

    /// <summary>keepalived's word for the mode.</summary>
    internal static string Word(IpvlanMode mode) => mode switch
    {
        IpvlanMode.Private => "private",
        IpvlanMode.Vepa => "vepa",
        _ => "bridge",
    };

    private LinkInfo? TryGetLink(string name)
    {
        try
        {
            return netlink.GetLink(name);
        }
        catch (NetlinkException ex) when (ex.Errno == Libc.ENODEV)
        {
            return null;
        }
    }

    private string Where => networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'";
}
