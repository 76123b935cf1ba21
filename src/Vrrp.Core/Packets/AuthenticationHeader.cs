using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vrrp.Packets;

/// <summary>
/// VRRPv2 with an IP Authentication Header (RFC 2338 section 5.3.6.3, type 2; keepalived <c>auth_type AH</c>), as
/// keepalived 2.2.7 writes and checks it: IPv4 protocol 51, then a 24-byte AH (RFC 2402 section 2: next header 112,
/// payload length 4, reserved 0, SPI, sequence number, 96-bit ICV), then the VRRPv2 message with authentication type 2
/// and eight zero bytes of authentication data. No I/O, no clock, no allocation.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>The ICV is HMAC-MD5-96 (RFC 2403, RFC 2104) with the instance's <c>auth_pass</c> as key: its
/// first 8 bytes, zero padded (keepalived always keys with its 8-byte authentication data), over the IPv4 header
/// (options included) with the mutable fields zeroed, the AH with a zero ICV, and the VRRP message.</description></item>
/// <item><description>Mutable fields (RFC 2402 section 3.3.3.1.1.1): type of service, flags and fragment offset, and
/// the header checksum are zero; the TTL is kept for multicast (it must be 255) and zeroed for unicast (it changes
/// across routers), as keepalived does. The identification and total length are covered.</description></item>
/// <item><description>The SPI is the sender's IPv4 source address (keepalived's choice, after
/// draft-paridaens-xcast-sec-framework); a receiver requires SPI == source.</description></item>
/// <item><description>Sequence numbers (anti-replay) are the router's business (see <c>VirtualRouter</c>): one counter
/// per instance, shared by sending and receiving as keepalived keeps it.</description></item>
/// </list>
/// </remarks>
internal static class AuthenticationHeader
{
    /// <summary>The IP protocol number of AH (RFC 2402).</summary>
    public const byte IPProtocol = 51;

    /// <summary>The AH length with a 96-bit ICV.</summary>
    public const int Length = 24;

    /// <summary>The ICV length (HMAC-MD5 truncated to 96 bits, RFC 2403 section 2).</summary>
    public const int IcvLength = 12;

    /// <summary>The payload length field: the AH length in 32-bit words minus 2 (RFC 2402 section 2.2).</summary>
    public const byte PayloadLengthField = (Length / 4) - 2;

    /// <summary>The IPv4 header we write (no options).</summary>
    public const int IPv4HeaderLength = 20;

    /// <summary>What the IPv4 header, the AH and a VRRP message of <paramref name="messageLength"/> bytes take.</summary>
    public static int GetPacketLength(int messageLength) => IPv4HeaderLength + Length + messageLength;

    private const int IcvOffset = 12;   // within the AH
    private const int MaxPacketLength = 60 + Length + VrrpPacket.MaxMessageLength;

    /// <summary>
    /// Parses an AH-protected VRRP packet as an IPv4 raw socket of protocol 51 delivers it: the IPv4 checks of
    /// <see cref="VrrpPacket.TryParseIPv4Packet(ReadOnlySpan{byte}, VrrpVersion?, out Advertisement, out DropReason)"/>
    /// with protocol 51 instead of 112, then the AH (complete, payload length 4, next header 112, else
    /// <see cref="DropReason.Truncated"/> / <see cref="DropReason.BadIPHeader"/>), then the VRRP message. The ICV is not
    /// checked here (it needs the receiving instance's key: <see cref="VerifyIcv"/>); the advertisement carries the
    /// packet, SPI and sequence number for it.
    /// </summary>
    public static bool TryParseIPv4Packet(ReadOnlySpan<byte> packet, bool checkHopLimit, out Advertisement advertisement, out DropReason reason)
    {
        advertisement = default;
        if (!VrrpPacket.TryReadIPv4Header(packet, IPProtocol, out int headerLength, out int totalLength, out reason))
        {
            return false;
        }

        // RFC 2402 section 2: next header, payload length, reserved, SPI, sequence number, ICV.
        if (totalLength - headerLength < Length)
        {
            reason = DropReason.Truncated;
            return false;
        }

        ReadOnlySpan<byte> ah = packet[headerLength..];
        if (ah[0] != VrrpPacket.IPProtocol || ah[1] != PayloadLengthField)
        {
            // keepalived ignores an AH of another protocol; one with another ICV length is not keepalived's.
            reason = DropReason.BadIPHeader;
            return false;
        }

        var source = IPAddressValue.FromIPv4(packet[12..]);
        var destination = IPAddressValue.FromIPv4(packet[16..]);
        if (!VrrpPacket.TryParseMessageAt(packet[(headerLength + Length)..totalLength], VrrpAddressFamily.IPv4, source, destination, packet[8], checkHopLimit, out var parsed, out reason))
        {
            return false;
        }

        advertisement = parsed.WithAuthenticationHeader(packet[..totalLength], BinaryPrimitives.ReadUInt32BigEndian(ah[4..]), BinaryPrimitives.ReadUInt32BigEndian(ah[8..]));
        return true;
    }

    /// <summary>
    /// Checks the ICV of a packet accepted by <see cref="TryParseIPv4Packet"/> (constant time).
    /// </summary>
    /// <param name="packet">The whole IPv4 packet.</param>
    /// <param name="key">The 8-byte key (<see cref="VrrpPacket.EncodePassword"/> of <c>auth_pass</c>).</param>
    /// <param name="zeroTtl">True for a unicast instance (the TTL is then not covered).</param>
    /// <returns>True when the ICV is the one the key gives.</returns>
    public static bool VerifyIcv(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> key, bool zeroTtl)
    {
        int headerLength = (packet[0] & 0x0F) * 4;
        if (packet.Length > MaxPacketLength || packet.Length < headerLength + Length)
        {
            return false;
        }

        Span<byte> copy = stackalloc byte[MaxPacketLength];
        copy = copy[..packet.Length];
        packet.CopyTo(copy);
        Span<byte> digest = stackalloc byte[16];
        ComputeDigest(copy, headerLength, key, zeroTtl, digest);
        return CryptographicOperations.FixedTimeEquals(digest[..IcvLength], packet.Slice(headerLength + IcvOffset, IcvLength));
    }

    /// <summary>
    /// Writes the IPv4 header and the AH in front of a VRRPv2 message already written at offset
    /// <see cref="IPv4HeaderLength"/> + <see cref="Length"/>, and the ICV. The header checksum is left zero (the
    /// kernel fills it in for an IP_HDRINCL socket; tests that need it call <see cref="FillHeaderChecksum"/>).
    /// </summary>
    /// <param name="packet">The buffer: exactly header + AH + message.</param>
    /// <param name="identification">The IPv4 identification (non-zero: the kernel would replace a zero).</param>
    /// <param name="ttl">255 to the multicast group; the unicast TTL to a peer.</param>
    /// <param name="source">The source address, also the SPI.</param>
    /// <param name="destination">The group or the peer.</param>
    /// <param name="sequence">The AH sequence number.</param>
    /// <param name="key">The 8-byte key.</param>
    /// <param name="zeroTtl">True for a unicast instance.</param>
    public static void Write(Span<byte> packet, ushort identification, byte ttl, IPAddressValue source, IPAddressValue destination, uint sequence, ReadOnlySpan<byte> key, bool zeroTtl)
    {
        if (packet.Length > MaxPacketLength || packet.Length < IPv4HeaderLength + Length + 8)
        {
            throw new ArgumentException($"An AH-protected VRRP packet is {IPv4HeaderLength + Length + 8}..{MaxPacketLength} bytes, not {packet.Length}.", nameof(packet));
        }

        if (source.Family != VrrpAddressFamily.IPv4 || destination.Family != VrrpAddressFamily.IPv4)
        {
            throw new ArgumentException("AH authentication is IPv4 only.", nameof(source));
        }

        // RFC 791 section 3.1: version 4, IHL 5, DSCP CS6 (as keepalived), total length, id, no fragments, TTL, protocol 51.
        packet[0] = 0x45;
        packet[1] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], identification);
        packet[6] = 0;
        packet[7] = 0;
        packet[8] = ttl;
        packet[9] = IPProtocol;
        packet[10] = 0;
        packet[11] = 0;
        source.WriteTo(packet[12..]);
        destination.WriteTo(packet[16..]);

        Span<byte> ah = packet.Slice(IPv4HeaderLength, Length);
        ah[0] = VrrpPacket.IPProtocol;
        ah[1] = PayloadLengthField;
        ah[2] = 0;
        ah[3] = 0;
        source.WriteTo(ah[4..]);   // the SPI is the source address
        BinaryPrimitives.WriteUInt32BigEndian(ah[8..], sequence);
        ah.Slice(IcvOffset, IcvLength).Clear();

        Span<byte> copy = stackalloc byte[MaxPacketLength];
        copy = copy[..packet.Length];
        packet.CopyTo(copy);
        Span<byte> digest = stackalloc byte[16];
        ComputeDigest(copy, IPv4HeaderLength, key, zeroTtl, digest);
        digest[..IcvLength].CopyTo(ah[IcvOffset..]);
    }

    /// <summary>Fills the IPv4 header checksum as the kernel would (for tests and the in-memory LAN).</summary>
    public static void FillHeaderChecksum(Span<byte> packet)
    {
        int headerLength = (packet[0] & 0x0F) * 4;
        packet[10] = 0;
        packet[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], (ushort)~InternetChecksum.Fold(InternetChecksum.Add(packet[..headerLength], 0)));
    }

    // HMAC-MD5 over the packet with the mutable fields and the ICV zeroed (in place: the caller's copy).
    private static void ComputeDigest(Span<byte> copy, int headerLength, ReadOnlySpan<byte> key, bool zeroTtl, Span<byte> digest)
    {
        copy[1] = 0;      // type of service
        copy[6] = 0;      // flags, fragment offset
        copy[7] = 0;
        copy[10] = 0;     // header checksum
        copy[11] = 0;
        if (zeroTtl)
        {
            copy[8] = 0;
        }

        copy.Slice(headerLength + IcvOffset, IcvLength).Clear();
        Span<byte> paddedKey = stackalloc byte[VrrpPacket.AuthenticationDataLength];
        paddedKey.Clear();
        key[..Math.Min(key.Length, paddedKey.Length)].CopyTo(paddedKey);
#pragma warning disable CA5351 // RFC 2338 and keepalived fix HMAC-MD5-96 for VRRP's AH; interoperability needs it.
        HMACMD5.HashData(paddedKey, copy, digest);
#pragma warning restore CA5351
    }
}
