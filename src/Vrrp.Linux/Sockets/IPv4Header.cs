using System.Buffers.Binary;
using Vrrp.Packets;

namespace Vrrp.Linux.Sockets;

/// <summary>
/// The IPv4 header of an advert sent on an IP_HDRINCL socket: only for unicast TTL 0 (keepalived's <c>unicast_ttl 0</c>),
/// which the kernel refuses as a socket option (IP_TTL is 1..255) but sends as it is in a header of our own, as
/// keepalived 2.2.7 does with its own headers. Version 4, 20 bytes, DSCP CS6 (0xc0, as every advert), no fragment
/// flags, protocol 112; the kernel fills in the identification, the total length and the checksum (raw(7)).
/// </summary>
internal static class IPv4Header
{
    /// <summary>The header's length (no options).</summary>
    public const int Length = 20;

    /// <summary>Writes the header of a message of <paramref name="messageLength"/> bytes from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> header, IPAddressValue source, IPAddressValue destination, byte ttl, int messageLength)
    {
        header[..Length].Clear();
        header[0] = 0x45;
        header[1] = (byte)SocketOptions.IPTOS_CS6;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(Length + messageLength));
        header[8] = ttl;
        header[9] = VrrpPacket.IPProtocol;
        source.WriteTo(header[12..16]);
        destination.WriteTo(header[16..20]);
    }
}
