namespace Vrrp.Packets;

/// <summary>What a sender puts in an advertisement (the fixed fields; the addresses are passed separately).</summary>
/// <param name="Version">2 or 3.</param>
/// <param name="VirtualRouterId">1..255.</param>
/// <param name="Priority">0..255.</param>
/// <param name="Interval">Raw interval: centiseconds 1..4095 for v3, seconds 1..255 for v2.</param>
/// <param name="AuthenticationType">v2 only; must be None for v3.</param>
public readonly record struct AdvertisementFields(
    VrrpVersion Version,
    byte VirtualRouterId,
    byte Priority,
    ushort Interval,
    AuthenticationType AuthenticationType = AuthenticationType.None);

/// <summary>
/// Parses, validates and writes VRRP advertisements without allocating.
/// </summary>
/// <remarks>
/// CONTRACT STUB: the codec issue (#2) implements these members. Validation order (steps 1-5, 9 are the codec's;
/// steps 6-8, 10-11 need the instance and live in the core): 1 complete packet (IPv4 header stripped by IHL),
/// 2 TTL/hop limit 255, 3 version and type, 4 length and count, 5 checksum (either v3/IPv4 form),
/// 9 IPv6 first address link-local.
/// </remarks>
public static class VrrpPacket
{
    /// <summary>The IP protocol number of VRRP.</summary>
    public const byte IPProtocol = 112;

    /// <summary>Length of the fixed VRRP header.</summary>
    public const int HeaderLength = 8;

    /// <summary>Length of the VRRPv2 authentication data.</summary>
    public const int AuthenticationDataLength = 8;

    /// <summary>The largest VRRP message (v3/IPv6 with 255 addresses).</summary>
    public const int MaxMessageLength = HeaderLength + (255 * 16);

    /// <summary>
    /// Parses and validates a whole IPv4 packet as an IPv4 raw socket delivers it (steps 1-5 of the validation order).
    /// </summary>
    /// <param name="packet">The IPv4 header and the VRRP message.</param>
    /// <param name="expectedVersion">The version the receiving side is configured for, or null to accept 2 and 3.</param>
    /// <param name="advertisement">The advertisement when the result is true.</param>
    /// <param name="reason">Why it was dropped when the result is false.</param>
    /// <returns>True when the packet is a valid advertisement.</returns>
    public static bool TryParseIPv4Packet(ReadOnlySpan<byte> packet, VrrpVersion? expectedVersion, out Advertisement advertisement, out DropReason reason) =>
        throw new NotImplementedException("codec issue #2");

    /// <summary>
    /// Parses and validates a VRRP message with its IP metadata (IPv6 raw sockets strip the header; hop limit from ancillary data).
    /// </summary>
    /// <param name="message">The VRRP message (no IP header).</param>
    /// <param name="family">The IP family it arrived on.</param>
    /// <param name="source">The IP source.</param>
    /// <param name="destination">The IP destination.</param>
    /// <param name="hopLimit">The TTL / hop limit, or -1 when unknown (then not checked).</param>
    /// <param name="expectedVersion">The version the receiving side is configured for, or null to accept 2 and 3.</param>
    /// <param name="advertisement">The advertisement when the result is true.</param>
    /// <param name="reason">Why it was dropped when the result is false.</param>
    /// <returns>True when the message is a valid advertisement.</returns>
    public static bool TryParseMessage(ReadOnlySpan<byte> message, VrrpAddressFamily family, IPAddressValue source, IPAddressValue destination, int hopLimit, VrrpVersion? expectedVersion, out Advertisement advertisement, out DropReason reason) =>
        throw new NotImplementedException("codec issue #2");

    /// <summary>Writes an advertisement with its checksum.</summary>
    /// <param name="destination">The buffer; at least <see cref="GetLength"/> bytes.</param>
    /// <param name="fields">The fixed fields.</param>
    /// <param name="addresses">The addresses, all of one family (1..255 of them).</param>
    /// <param name="password">v2 simple password (first 8 bytes used, zero padded); empty otherwise.</param>
    /// <param name="source">IP source (for the v3 pseudo-header checksums).</param>
    /// <param name="ipDestination">IP destination (for the v3 pseudo-header checksums).</param>
    /// <param name="ipv4ChecksumMode">The v3/IPv4 checksum form.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The arguments do not make a valid advertisement (the caller's mistake).</exception>
    public static int Write(Span<byte> destination, in AdvertisementFields fields, ReadOnlySpan<IPAddressValue> addresses, ReadOnlySpan<byte> password, IPAddressValue source, IPAddressValue ipDestination, Ipv4ChecksumMode ipv4ChecksumMode = Ipv4ChecksumMode.PseudoHeader) =>
        throw new NotImplementedException("codec issue #2");

    /// <summary>The length of an advertisement.</summary>
    /// <param name="version">2 or 3.</param>
    /// <param name="family">The address family.</param>
    /// <param name="addressCount">The number of addresses.</param>
    /// <returns>v3/IPv4 8+4n, v3/IPv6 8+16n, v2 16+4n.</returns>
    public static int GetLength(VrrpVersion version, VrrpAddressFamily family, int addressCount) =>
        HeaderLength + (addressCount * (family == VrrpAddressFamily.IPv4 ? 4 : 16)) + (version == VrrpVersion.V2 ? AuthenticationDataLength : 0);
}
