using System.Buffers.Binary;

namespace Vrrp.Packets;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the data taken as
/// big-endian 16-bit words, an odd last byte padded with zero.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running (unfolded) sum.</summary>
    /// <param name="data">The bytes; must start on an even offset of the checksummed stream unless it is the last piece.</param>
    /// <param name="sum">The running sum.</param>
    /// <returns>The new running sum (fold it with <see cref="Fold"/>).</returns>
    public static ulong Add(ReadOnlySpan<byte> data, ulong sum)
    {
        // 32-bit big-endian words added into 64 bits: the carries are folded once at the end (RFC 1071 section 2(C)).
        while (data.Length >= 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data);
            data = data[4..];
        }

        if (data.Length >= 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data);
            data = data[2..];
        }

        if (data.Length == 1)
        {
            sum += (uint)data[0] << 8;
        }

        return sum;
    }

    /// <summary>Folds a running sum to 16 bits (end-around carry).</summary>
    /// <param name="sum">The running sum.</param>
    /// <returns>The one's complement sum in 16 bits (not yet complemented).</returns>
    public static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The running sum of the IPv4 pseudo-header (RFC 768 style): source, destination, zero, protocol, 16-bit length.</summary>
    /// <param name="source">The IPv4 source.</param>
    /// <param name="destination">The IPv4 destination.</param>
    /// <param name="protocol">The protocol number.</param>
    /// <param name="length">The upper-layer length.</param>
    /// <returns>The running sum.</returns>
    public static ulong IPv4PseudoHeader(IPAddressValue source, IPAddressValue destination, byte protocol, int length)
    {
        Span<byte> address = stackalloc byte[4];
        source.WriteTo(address);
        ulong sum = BinaryPrimitives.ReadUInt32BigEndian(address);
        destination.WriteTo(address);
        sum += BinaryPrimitives.ReadUInt32BigEndian(address);
        sum += protocol;
        sum += (uint)(ushort)length;
        return sum;
    }

    /// <summary>The running sum of the IPv6 pseudo-header (RFC 8200 section 8.1): source, destination, 32-bit length, 3 zero bytes, next header.</summary>
    /// <param name="source">The IPv6 source.</param>
    /// <param name="destination">The IPv6 destination.</param>
    /// <param name="nextHeader">The next header value.</param>
    /// <param name="length">The upper-layer length.</param>
    /// <returns>The running sum.</returns>
    public static ulong IPv6PseudoHeader(IPAddressValue source, IPAddressValue destination, byte nextHeader, int length)
    {
        Span<byte> address = stackalloc byte[16];
        source.WriteTo(address);
        ulong sum = Add(address, 0);
        destination.WriteTo(address);
        sum = Add(address, sum);
        sum += (uint)length;
        sum += nextHeader;
        return sum;
    }
}
