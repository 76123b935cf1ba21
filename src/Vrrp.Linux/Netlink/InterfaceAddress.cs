using Vrrp.Linux.Netlink;

namespace Vrrp.Linux;

/// <summary>An address on an interface, as an RTM_GETADDR dump reports it.</summary>
/// <param name="Address">The local address.</param>
/// <param name="PrefixLength">Its prefix length.</param>
/// <param name="Label">The IPv4 label (IFA_LABEL), or null.</param>
/// <param name="IsSecondary">True for a secondary IPv4 address (IFA_F_SECONDARY).</param>
/// <param name="Scope">The scope (0 universe, 253 link, 254 host).</param>
/// <param name="IsTentative">True for an IPv6 address still in duplicate address detection (IFA_F_TENTATIVE): it cannot be bound yet.</param>
public sealed record InterfaceAddress(IPAddressValue Address, int PrefixLength, string? Label, bool IsSecondary, byte Scope, bool IsTentative = false);

/// <summary>An interface as RTM_GETLINK reports it.</summary>
/// <param name="Index">The interface index.</param>
/// <param name="Name">The name.</param>
/// <param name="Flags">The IFF_* flags.</param>
/// <param name="HardwareAddress">The link-layer address (6 bytes for Ethernet), or empty.</param>
/// <param name="ParentIndex">IFLA_LINK: the lower interface of a macvlan or VLAN, or 0.</param>
/// <param name="Kind">IFLA_INFO_KIND (for example <c>macvlan</c>, <c>veth</c>), or null for a plain device.</param>
internal sealed record LinkInfo(int Index, string Name, uint Flags, byte[] HardwareAddress, int ParentIndex = 0, string? Kind = null)
{
    /// <summary>Up and running: administratively up and with carrier.</summary>
    /// <summary>A macvlan (a virtual-MAC interface): VRRP adverts are received on its parent (see RawVrrpSocketPair).</summary>
    internal bool IsMacvlan => Kind == "macvlan" && ParentIndex > 0 && ParentIndex != Index;

    /// <summary>An ipvlan's IFLA_IPVLAN_MODE (0 l2, 1 l3, 2 l3s), or -1.</summary>
    internal int IpvlanMode { get; init; } = -1;

    /// <summary>An ipvlan's IFLA_IPVLAN_FLAGS (0 bridge, 1 private, 2 vepa), or -1.</summary>
    internal int IpvlanFlags { get; init; } = -1;

    internal bool IsUp => (Flags & Nl.IFF_UP) != 0 && (Flags & Nl.IFF_RUNNING) != 0;

    /// <summary>IFLA_MTU, or 0 when the message had none.</summary>
    internal int Mtu { get; init; }
}
