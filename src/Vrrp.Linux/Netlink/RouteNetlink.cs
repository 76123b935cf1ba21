using System.Buffers.Binary;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>The rtnetlink operations of the data plane on one network namespace: links, addresses, macvlan.</summary>
internal sealed partial class RouteNetlink : IDisposable
{
    private readonly NetlinkSocket _socket;

    private RouteNetlink(NetlinkSocket socket, string? networkNamespace)
    {
        _socket = socket;
        NetworkNamespace = networkNamespace;
    }

    internal string? NetworkNamespace { get; }

    /// <summary>The request socket (for tests that hold it busy).</summary>
    internal NetlinkSocket Socket => _socket;

    internal static RouteNetlink Open(string? networkNamespace) => new(NetlinkSocket.Open(networkNamespace), networkNamespace);

    /// <summary>RTM_GETLINK by name.</summary>
    /// <exception cref="NetlinkException">No such interface (ENODEV) or another failure.</exception>
    internal LinkInfo GetLink(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        LinkInfo? found = null;
        _socket.Execute(
            Nl.RTM_GETLINK,
            0,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfInfo(Nl.AF_UNSPEC, 0, 0, 0);
                w.AddString(Nl.IFLA_IFNAME, name);
            },
            $"look up interface '{name}'{Where}",
            (in NetlinkMessage m) => found ??= ParseLink(m));
        return found ?? throw new NetlinkException($"look up interface '{name}'{Where}", Libc.ENODEV, "no RTM_NEWLINK answer");
    }

    /// <summary>RTM_GETLINK by name, with asynchronous I/O and cancellation.</summary>
    /// <exception cref="NetlinkException">No such interface (ENODEV) or another failure.</exception>
    internal async ValueTask<LinkInfo> GetLinkAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        LinkInfo? found = null;
        await _socket.ExecuteAsync(
            Nl.RTM_GETLINK,
            0,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfInfo(Nl.AF_UNSPEC, 0, 0, 0);
                w.AddString(Nl.IFLA_IFNAME, name);
            },
            $"look up interface '{name}'{Where}",
            (in NetlinkMessage m) => found ??= ParseLink(m),
            0,
            cancellationToken).ConfigureAwait(false);
        return found ?? throw new NetlinkException($"look up interface '{name}'{Where}", Libc.ENODEV, "no RTM_NEWLINK answer");
    }

    /// <summary>RTM_GETLINK by index, with asynchronous I/O and cancellation.</summary>
    /// <exception cref="NetlinkException">No such interface (ENODEV) or another failure.</exception>
    internal async ValueTask<LinkInfo> GetLinkAsync(int index, CancellationToken cancellationToken)
    {
        LinkInfo? found = null;
        await _socket.ExecuteAsync(
            Nl.RTM_GETLINK,
            0,
            (ref NetlinkMessageWriter w) => w.WriteIfInfo(Nl.AF_UNSPEC, index, 0, 0),
            $"look up interface #{index}{Where}",
            (in NetlinkMessage m) => found ??= ParseLink(m),
            0,
            cancellationToken).ConfigureAwait(false);
        return found ?? throw new NetlinkException($"look up interface #{index}{Where}", Libc.ENODEV, "no RTM_NEWLINK answer");
    }

    /// <summary>RTM_GETLINK by index.</summary>
    /// <exception cref="NetlinkException">No such interface (ENODEV) or another failure.</exception>
    internal LinkInfo GetLink(int index)
    {
        LinkInfo? found = null;
        _socket.Execute(
            Nl.RTM_GETLINK,
            0,
            (ref NetlinkMessageWriter w) => w.WriteIfInfo(Nl.AF_UNSPEC, index, 0, 0),
            $"look up interface #{index}{Where}",
            (in NetlinkMessage m) => found ??= ParseLink(m));
        return found ?? throw new NetlinkException($"look up interface #{index}{Where}", Libc.ENODEV, "no RTM_NEWLINK answer");
    }

    /// <summary>RTM_GETLINK dump.</summary>
    internal List<LinkInfo> GetLinks()
    {
        var links = new List<LinkInfo>();
        _socket.Dump(
            Nl.RTM_GETLINK,
            (ref NetlinkMessageWriter w) => w.WriteIfInfo(Nl.AF_UNSPEC, 0, 0, 0),
            "list interfaces" + Where,
            (in NetlinkMessage m) =>
            {
                if (ParseLink(m) is { } link)
                {
                    links.Add(link);
                }
            });
        return links;
    }

    /// <summary>RTM_NEWADDR (create, exclusive); an address already there (EEXIST) counts as success.</summary>
    /// <returns>True when added, false when it was already there.</returns>
    internal bool AddAddress(LinkInfo link, VirtualAddress address)
    {
        string operation = $"add address {address}{(address.Label is null ? "" : $" label {address.Label}")} to {link.Name}{Where}";
        int errno = _socket.Execute(
            Nl.RTM_NEWADDR,
            Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
            (ref NetlinkMessageWriter w) => WriteAddress(ref w, link.Index, address, withLabel: true),
            operation,
            null,
            Libc.EEXIST);
        return errno == 0;
    }

    /// <summary>RTM_NEWADDR (see <see cref="AddAddress"/>) with asynchronous I/O and cancellation.</summary>
    /// <returns>True when added, false when it was already there.</returns>
    internal async ValueTask<bool> AddAddressAsync(LinkInfo link, VirtualAddress address, CancellationToken cancellationToken)
    {
        string operation = $"add address {address}{(address.Label is null ? "" : $" label {address.Label}")} to {link.Name}{Where}";
        int errno = await _socket.ExecuteAsync(
            Nl.RTM_NEWADDR,
            Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
            (ref NetlinkMessageWriter w) => WriteAddress(ref w, link.Index, address, withLabel: true),
            operation,
            null,
            Libc.EEXIST,
            cancellationToken).ConfigureAwait(false);
        return errno == 0;
    }

    /// <summary>RTM_DELADDR (see <see cref="DeleteAddress"/>) with asynchronous I/O and cancellation.</summary>
    /// <returns>True when removed, false when it was not there.</returns>
    internal async ValueTask<bool> DeleteAddressAsync(LinkInfo link, VirtualAddress address, CancellationToken cancellationToken)
    {
        int errno = await _socket.ExecuteAsync(
            Nl.RTM_DELADDR,
            0,
            (ref NetlinkMessageWriter w) => WriteAddress(ref w, link.Index, address, withLabel: false),
            $"remove address {address} from {link.Name}{Where}",
            null,
            Libc.EADDRNOTAVAIL,
            cancellationToken).ConfigureAwait(false);
        return errno == 0;
    }

    /// <summary>RTM_DELADDR; an address not there (EADDRNOTAVAIL) counts as success.</summary>
    /// <returns>True when removed, false when it was not there.</returns>
    internal bool DeleteAddress(LinkInfo link, VirtualAddress address)
    {
        int errno = _socket.Execute(
            Nl.RTM_DELADDR,
            0,
            (ref NetlinkMessageWriter w) => WriteAddress(ref w, link.Index, address, withLabel: false),
            $"remove address {address} from {link.Name}{Where}",
            null,
            Libc.EADDRNOTAVAIL);
        return errno == 0;
    }

    /// <summary>RTM_GETADDR dump, filtered to one interface (and optionally one family).</summary>
    internal List<InterfaceAddress> GetAddresses(LinkInfo link, VrrpAddressFamily? family = null)
    {
        var addresses = new List<InterfaceAddress>();
        byte af = AddressFamilyOf(family);
        _socket.Dump(
            Nl.RTM_GETADDR,
            (ref NetlinkMessageWriter w) => w.WriteIfAddr(af, 0, 0, 0, 0),
            $"list addresses of {link.Name}{Where}",
            (in NetlinkMessage m) =>
            {
                if (m.Type == Nl.RTM_NEWADDR && TryParseAddress(m.Payload, out int index, out var address) && index == link.Index)
                {
                    addresses.Add(address);
                }
            });
        return addresses;
    }

    /// <summary>RTM_GETADDR dump (see <see cref="GetAddresses"/>) with asynchronous I/O and cancellation.</summary>
    internal async ValueTask<List<InterfaceAddress>> GetAddressesAsync(LinkInfo link, VrrpAddressFamily? family, CancellationToken cancellationToken)
    {
        var addresses = new List<InterfaceAddress>();
        byte af = AddressFamilyOf(family);
        await _socket.DumpAsync(
            Nl.RTM_GETADDR,
            (ref NetlinkMessageWriter w) => w.WriteIfAddr(af, 0, 0, 0, 0),
            $"list addresses of {link.Name}{Where}",
            (in NetlinkMessage m) =>
            {
                if (m.Type == Nl.RTM_NEWADDR && TryParseAddress(m.Payload, out int index, out var address) && index == link.Index)
                {
                    addresses.Add(address);
                }
            },
            cancellationToken).ConfigureAwait(false);
        return addresses;
    }

    /// <summary>
    /// RTM_NEWLINK creating a macvlan in bridge mode on <paramref name="parent"/>, with <paramref name="mac"/>, set up in
    /// the same request (nothing half-applied: the kernel creates it whole or not at all).
    /// </summary>
    internal void CreateMacvlan(LinkInfo parent, string name, ReadOnlySpan<byte> mac, bool up = true)
    {
        byte[] macBytes = mac.ToArray();
        _socket.Execute(
            Nl.RTM_NEWLINK,
            Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfInfo(Nl.AF_UNSPEC, 0, up ? Nl.IFF_UP : 0, up ? Nl.IFF_UP : 0);
                w.AddString(Nl.IFLA_IFNAME, name);
                w.AddUInt32(Nl.IFLA_LINK, (uint)parent.Index);
                w.AddAttribute(Nl.IFLA_ADDRESS, macBytes);
                int info = w.BeginNested(Nl.IFLA_LINKINFO);
                w.AddString(Nl.IFLA_INFO_KIND, "macvlan");
                int data = w.BeginNested(Nl.IFLA_INFO_DATA);
                w.AddUInt32(Nl.IFLA_MACVLAN_MODE, Nl.MACVLAN_MODE_BRIDGE);
                w.EndNested(data);
                w.EndNested(info);
            },
            $"create macvlan {name} ({Convert.ToHexString(macBytes)}) on {parent.Name}{Where}");
    }

    /// <summary>
    /// RTM_NEWLINK creating an ipvlan in L2 mode on <paramref name="parent"/> with the IPVLAN_F_* <paramref name="flags"/>
    /// (0 bridge, 1 private, 2 vepa), up in the same request, as keepalived 2.2.7's netlink_link_add_ipvlan asks for it.
    /// </summary>
    internal void CreateIpvlan(LinkInfo parent, string name, ushort flags)
    {
        _socket.Execute(
            Nl.RTM_NEWLINK,
            Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfInfo(Nl.AF_UNSPEC, 0, Nl.IFF_UP, Nl.IFF_UP);
                w.AddUInt32(Nl.IFLA_LINK, (uint)parent.Index);
                w.AddString(Nl.IFLA_IFNAME, name);
                int info = w.BeginNested(Nl.IFLA_LINKINFO);
                w.AddString(Nl.IFLA_INFO_KIND, "ipvlan");
                int data = w.BeginNested(Nl.IFLA_INFO_DATA);
                w.AddUInt16(Nl.IFLA_IPVLAN_MODE, Nl.IPVLAN_MODE_L2);
                w.AddUInt16(Nl.IFLA_IPVLAN_FLAGS, flags);
                w.EndNested(data);
                w.EndNested(info);
            },
            $"create ipvlan {name} (l2, flags {flags}) on {parent.Name}{Where}");
    }

    /// <summary>
    /// RTM_NEWLINK (change) turning off IPv6 address generation (IFLA_AF_SPEC / AF_INET6 / IFLA_INET6_ADDR_GEN_MODE
    /// none): no automatic link-local address, which on a virtual-MAC interface would be the same on every router.
    /// </summary>
    internal void DisableIPv6AddressGeneration(LinkInfo link) =>
        _socket.Execute(
            Nl.RTM_NEWLINK,
            0,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfInfo(Nl.AF_UNSPEC, link.Index, 0, 0);
                int spec = w.BeginNested(Nl.IFLA_AF_SPEC);
                int inet6 = w.BeginNested(Nl.AF_INET6);
                w.AddAttribute(Nl.IFLA_INET6_ADDR_GEN_MODE, [Nl.IN6_ADDR_GEN_MODE_NONE]);
                w.EndNested(inet6);
                w.EndNested(spec);
            },
            $"turn off IPv6 address generation on {link.Name}{Where}");

    /// <summary>RTM_NEWLINK (change) setting a link administratively up.</summary>
    internal void SetUp(LinkInfo link) =>
        _socket.Execute(
            Nl.RTM_NEWLINK,
            0,
            (ref NetlinkMessageWriter w) => w.WriteIfInfo(Nl.AF_UNSPEC, link.Index, Nl.IFF_UP, Nl.IFF_UP),
            $"set {link.Name} up{Where}");

    /// <summary>RTM_DELLINK by name; a missing interface (ENODEV) counts as success.</summary>
    /// <returns>True when deleted.</returns>
    internal bool DeleteLink(string name)
    {
        int errno = _socket.Execute(
            Nl.RTM_DELLINK,
            0,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfInfo(Nl.AF_UNSPEC, 0, 0, 0);
                w.AddString(Nl.IFLA_IFNAME, name);
            },
            $"delete interface {name}{Where}",
            null,
            Libc.ENODEV);
        return errno == 0;
    }

    private static byte AddressFamilyOf(VrrpAddressFamily? family) => family switch
    {
        VrrpAddressFamily.IPv4 => Nl.AF_INET,
        VrrpAddressFamily.IPv6 => Nl.AF_INET6,
        _ => Nl.AF_UNSPEC,
    };

    private string Where => NetworkNamespace is null ? "" : $" in network namespace '{NetworkNamespace}'";

    /// <summary>
    /// The request of an address, as keepalived 2.2.7 builds it: ifaddrmsg (family, prefix length, scope, index), IFA_LOCAL
    /// the address, IFA_ADDRESS its peer (or the address itself), then on an add IFA_LABEL, IFA_BROADCAST (IPv4),
    /// IFA_CACHEINFO (an IPv6 preferred lifetime other than forever, valid forever) and IFA_FLAGS (the flags; IPv6 gets
    /// IFA_F_NODAD unless <see cref="VirtualAddressFlags.DuplicateAddressDetection"/>). A deletion names the peer in
    /// IFA_ADDRESS too: the kernel matches an IPv4 point-to-point address by it.
    /// </summary>
    internal static void WriteAddress(ref NetlinkMessageWriter w, int index, VirtualAddress address, bool withLabel)
    {
        bool v4 = address.Family == VrrpAddressFamily.IPv4;
        w.WriteIfAddr(v4 ? Nl.AF_INET : Nl.AF_INET6, (byte)address.PrefixLength, 0, withLabel ? (byte)address.Scope : (byte)0, index);
        Span<byte> bytes = stackalloc byte[16];
        int n = address.Address.WriteTo(bytes);
        w.AddAttribute(Nl.IFA_LOCAL, bytes[..n]);
        if (address.Peer is { } peer)
        {
            n = peer.WriteTo(bytes);
        }

        w.AddAttribute(Nl.IFA_ADDRESS, bytes[..n]);
        if (!withLabel)
        {
            return;
        }

        if (v4 && address.Label is { } label)
        {
            w.AddString(Nl.IFA_LABEL, label);
        }

        if (v4 && address.Broadcast is { } broadcast && address.Peer is null)
        {
            w.AddAttribute(Nl.IFA_BROADCAST, bytes[..broadcast.WriteTo(bytes)]);
        }

        if (!v4 && address.PreferredLifetime is { } preferred && preferred != Nl.INFINITY_LIFE_TIME)
        {
            // struct ifa_cacheinfo: preferred, valid, cstamp, tstamp (the stamps are the kernel's to fill).
            Span<byte> cacheInfo = stackalloc byte[16];
            cacheInfo.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(cacheInfo, preferred);
            BinaryPrimitives.WriteUInt32LittleEndian(cacheInfo[4..], Nl.INFINITY_LIFE_TIME);
            w.AddAttribute(Nl.IFA_CACHEINFO, cacheInfo);
        }

        uint flags = FlagsOf(address);
        if (flags != 0)
        {
            w.AddUInt32(Nl.IFA_FLAGS, flags);
        }
    }

    /// <summary>The IFA_F_* flags of an address being added.</summary>
    internal static uint FlagsOf(VirtualAddress address)
    {
        uint flags = 0;
        var f = address.Flags;
        flags |= (f & VirtualAddressFlags.HomeAddress) != 0 ? Nl.IFA_F_HOMEADDRESS : 0;
        flags |= (f & VirtualAddressFlags.ManageTemporaryAddresses) != 0 ? Nl.IFA_F_MANAGETEMPADDR : 0;
        flags |= (f & VirtualAddressFlags.NoPrefixRoute) != 0 ? Nl.IFA_F_NOPREFIXROUTE : 0;
        flags |= (f & VirtualAddressFlags.AutoJoin) != 0 ? Nl.IFA_F_MCAUTOJOIN : 0;

        // A virtual address moves between routers: no duplicate address detection delay unless asked (keepalived's -nodad).
        flags |= address.Family == VrrpAddressFamily.IPv6 && (f & VirtualAddressFlags.DuplicateAddressDetection) == 0 ? Nl.IFA_F_NODAD : 0;
        return flags;
    }

    /// <summary>Parses an RTM_NEWLINK / RTM_DELLINK payload.</summary>
    internal static LinkInfo? ParseLink(in NetlinkMessage m)
    {
        if (m.Type is not (Nl.RTM_NEWLINK or Nl.RTM_DELLINK) || m.Payload.Length < Nl.IfInfoLength)
        {
            return null;
        }

        int index = BinaryPrimitives.ReadInt32LittleEndian(m.Payload[4..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(m.Payload[8..]);
        string name = "";
        byte[] mac = [];
        int parent = 0;
        string? kind = null;
        int ipvlanMode = -1, ipvlanFlags = -1;
        int mtu = 0;
        var attributes = new NetlinkAttributeReader(m.Payload[Nl.IfInfoLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            if (type == Nl.IFLA_IFNAME)
            {
                name = NetlinkAttributeReader.ReadString(value);
            }
            else if (type == Nl.IFLA_ADDRESS)
            {
                mac = value.ToArray();
            }
            else if (type == Nl.IFLA_LINK && value.Length >= 4)
            {
                parent = BinaryPrimitives.ReadInt32LittleEndian(value);
            }
            else if (type == Nl.IFLA_MTU && value.Length >= 4)
            {
                mtu = BinaryPrimitives.ReadInt32LittleEndian(value);
            }
            else if (type == Nl.IFLA_LINKINFO)
            {
                var info = new NetlinkAttributeReader(value);
                while (info.TryRead(out ushort infoType, out var infoValue))
                {
                    if (infoType == Nl.IFLA_INFO_KIND)
                    {
                        kind = NetlinkAttributeReader.ReadString(infoValue);
                    }
                    else if (infoType == Nl.IFLA_INFO_DATA)
                    {
                        // The ipvlan's mode and flags (read whatever the kind: only an ipvlan's are used).
                        var data = new NetlinkAttributeReader(infoValue);
                        while (data.TryRead(out ushort dataType, out var dataValue))
                        {
                            if (dataValue.Length >= 2 && dataType == Nl.IFLA_IPVLAN_MODE)
                            {
                                ipvlanMode = BinaryPrimitives.ReadUInt16LittleEndian(dataValue);
                            }
                            else if (dataValue.Length >= 2 && dataType == Nl.IFLA_IPVLAN_FLAGS)
                            {
                                ipvlanFlags = BinaryPrimitives.ReadUInt16LittleEndian(dataValue);
                            }
                        }
                    }
                }
            }
        }

        return new LinkInfo(index, name, flags, mac, parent, kind)
        {
            IpvlanMode = kind == "ipvlan" ? ipvlanMode : -1,
            IpvlanFlags = kind == "ipvlan" ? ipvlanFlags : -1,
            Mtu = mtu,
        };
    }

    /// <summary>Parses an RTM_NEWADDR / RTM_DELADDR payload.</summary>
    internal static bool TryParseAddress(ReadOnlySpan<byte> payload, out int index, out InterfaceAddress address)
    {
        index = 0;
        address = null!;
        if (payload.Length < Nl.IfAddrLength)
        {
            return false;
        }

        byte af = payload[0];
        byte prefix = payload[1];
        uint flags = payload[2];
        byte scope = payload[3];
        index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        var family = af == Nl.AF_INET ? VrrpAddressFamily.IPv4 : af == Nl.AF_INET6 ? VrrpAddressFamily.IPv6 : (VrrpAddressFamily?)null;
        if (family is null)
        {
            return false;
        }

        int size = family == VrrpAddressFamily.IPv4 ? 4 : 16;
        IPAddressValue? local = null, peer = null;
        string? label = null;
        var attributes = new NetlinkAttributeReader(payload[Nl.IfAddrLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            switch (type)
            {
                case Nl.IFA_LOCAL when value.Length >= size:
                    local = IPAddressValue.Read(family.Value, value);
                    break;
                case Nl.IFA_ADDRESS when value.Length >= size:
                    peer = IPAddressValue.Read(family.Value, value);
                    break;
                case Nl.IFA_LABEL:
                    label = NetlinkAttributeReader.ReadString(value);
                    break;
                case Nl.IFA_FLAGS when value.Length >= 4:
                    flags = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
            }
        }

        // IPv4 reports IFA_LOCAL (IFA_ADDRESS is the peer on point-to-point links); IPv6 reports IFA_ADDRESS only.
        var addressValue = local ?? peer;
        if (addressValue is null)
        {
            return false;
        }

        address = new InterfaceAddress(addressValue.Value, prefix, label, (flags & Nl.IFA_F_SECONDARY) != 0, scope, (flags & Nl.IFA_F_TENTATIVE) != 0);
        return true;
    }

    public void Dispose() => _socket.Dispose();
}
