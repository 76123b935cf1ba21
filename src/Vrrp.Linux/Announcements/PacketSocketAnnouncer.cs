using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Announcements;

/// <summary>
/// Sends gratuitous ARP and unsolicited neighbour advertisements on an AF_PACKET socket. Frames are built once per
/// (interface, MAC, address, Router flag) and cached, so repeated announcements (bursts, refreshes) only copy bytes to
/// the kernel.
/// </summary>
/// <remarks>
/// The neighbour advertisement's Router flag is set when the interface forwards IPv6
/// (<c>/proc/sys/net/ipv6/conf/IF/forwarding</c>, read again at most every 5 s), as keepalived 2.2.7 does: RFC 9568
/// section 6.4.2 sets it always, assuming a router; a host that is told a non-forwarding node is a router would send
/// it traffic to route, and one that hears R cleared from its default router drops it from its router list (RFC 4861
/// section 7.2.5), so the flag follows what the node does. Frames are keepalived's byte for byte either way.
/// </remarks>
internal sealed class PacketSocketAnnouncer : IAddressAnnouncer, IDisposable
{
    private const ushort EthernetArp = 0x0806;
    private const ushort EthernetIPv6 = 0x86dd;
    private const int MaxCachedFrames = 4096;

    private readonly RouteNetlink _netlink;
    private readonly Socket _socket;
    private const long ForwardingRecheckMilliseconds = 5000;

    private readonly ConcurrentDictionary<(int Index, ulong Mac, IPAddressValue Address, bool Router), byte[]> _frames = new();
    private readonly ConcurrentDictionary<string, (bool Forwarding, long CheckedAt)> _forwarding = new(StringComparer.Ordinal);
    private readonly string? _networkNamespace;

    internal PacketSocketAnnouncer(RouteNetlink netlink, string? networkNamespace)
    {
        _netlink = netlink;
        _networkNamespace = networkNamespace;
        // Protocol 0: the socket sends only and receives nothing.
        _socket = NetworkNamespace.Run(networkNamespace, () => new Socket(AddressFamily.Packet, SocketType.Raw, ProtocolType.IP));
    }

    public async ValueTask AnnounceAsync(string interfaceName, IReadOnlyList<VirtualAddress> addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        LinkInfo? link = null;
        foreach (var address in addresses)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string device = address.Device ?? interfaceName;
            if (link is null || link.Name != device)
            {
                link = await _netlink.GetLinkAsync(device, cancellationToken).ConfigureAwait(false);
                if (link.HardwareAddress.Length != 6)
                {
                    throw new InvalidOperationException($"Interface {device} has no Ethernet address; gratuitous ARP and neighbour advertisements need one.");
                }
            }

            bool router = address.Family == VrrpAddressFamily.IPv6 && ForwardsIPv6(link.Name);
            byte[] frame = GetFrame(link, address.Address, router);
            var destination = LinkLayerAddress(link.Index, address.Family == VrrpAddressFamily.IPv4 ? EthernetArp : EthernetIPv6, frame.AsSpan(0, 6));
            await _socket.SendToAsync(frame, SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether an interface forwards IPv6 now (net.ipv6.conf.IF.forwarding), read at most every 5 s per interface.</summary>
    internal bool ForwardsIPv6(string interfaceName)
    {
        long now = Environment.TickCount64;
        if (_forwarding.TryGetValue(interfaceName, out var known) && now - known.CheckedAt < ForwardingRecheckMilliseconds)
        {
            return known.Forwarding;
        }

        bool forwarding = Interfaces.InterfaceSettings.ReadIPv6(_networkNamespace, interfaceName, "forwarding") is { } value && value != "0";
        _forwarding[interfaceName] = (forwarding, now);
        return forwarding;
    }

    /// <summary>The cached frame for an address on a link (built on first use).</summary>
    internal byte[] GetFrame(LinkInfo link, IPAddressValue address, bool router = false)
    {
        ulong mac = 0;
        foreach (byte b in link.HardwareAddress)
        {
            mac = (mac << 8) | b;
        }

        var key = (link.Index, mac, address, router);
        if (_frames.TryGetValue(key, out var frame))
        {
            return frame;
        }

        if (_frames.Count >= MaxCachedFrames)
        {
            _frames.Clear();
        }

        return _frames.GetOrAdd(key, _ => AnnouncementFrames.Build(link.HardwareAddress, address, router));
    }

    /// <summary>struct sockaddr_ll { u16 family, be16 protocol, s32 ifindex, u16 hatype, u8 pkttype, u8 halen, u8 addr[8] }.</summary>
    private static SocketAddress LinkLayerAddress(int index, ushort protocol, ReadOnlySpan<byte> destinationMac)
    {
        var address = new SocketAddress(AddressFamily.Packet, 20);
        var bytes = address.Buffer.Span;
        BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], protocol);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], index);
        bytes[11] = 6;
        destinationMac.CopyTo(bytes[12..]);
        return address;
    }

    public void Dispose() => _socket.Dispose();
}
