using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Announcements;

/// <summary>
/// Sends gratuitous ARP and unsolicited neighbour advertisements on an AF_PACKET socket. Frames are built once per
/// (interface, MAC, address) and cached, so repeated announcements (bursts, refreshes) only copy bytes to the kernel.
/// </summary>
internal sealed class PacketSocketAnnouncer : IAddressAnnouncer, IDisposable
{
    private const ushort EthernetArp = 0x0806;
    private const ushort EthernetIPv6 = 0x86dd;
    private const int MaxCachedFrames = 4096;

    private readonly RouteNetlink _netlink;
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<(int Index, ulong Mac, IPAddressValue Address), byte[]> _frames = new();

    internal PacketSocketAnnouncer(RouteNetlink netlink, string? networkNamespace)
    {
        _netlink = netlink;
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

            byte[] frame = GetFrame(link, address.Address);
            var destination = LinkLayerAddress(link.Index, address.Family == VrrpAddressFamily.IPv4 ? EthernetArp : EthernetIPv6, frame.AsSpan(0, 6));
            await _socket.SendToAsync(frame, SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The cached frame for an address on a link (built on first use).</summary>
    internal byte[] GetFrame(LinkInfo link, IPAddressValue address)
    {
        ulong mac = 0;
        foreach (byte b in link.HardwareAddress)
        {
            mac = (mac << 8) | b;
        }

        var key = (link.Index, mac, address);
        if (_frames.TryGetValue(key, out var frame))
        {
            return frame;
        }

        if (_frames.Count >= MaxCachedFrames)
        {
            _frames.Clear();
        }

        return _frames.GetOrAdd(key, _ => AnnouncementFrames.Build(link.HardwareAddress, address));
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
