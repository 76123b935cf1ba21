using System.Buffers.Binary;
using System.Text.Unicode;

namespace Vrrp.Packets;

/// <summary>What a sender puts in an advertisement (the fixed fields; the addresses are passed separately).</summary>
/// <param name="version">2 or 3.</param>
/// <param name="virtualRouterId">1..255.</param>
/// <param name="priority">0..255.</param>
/// <param name="interval">Raw interval: centiseconds 1..4095 for v3, seconds 1..255 for v2.</param>
/// <param name="authenticationType">v2 only; must be None for v3.</param>
public readonly struct AdvertisementFields(VrrpVersion version, byte virtualRouterId, byte priority, ushort interval, AuthenticationType authenticationType = AuthenticationType.None)
{
    /// <summary>2 or 3.</summary>
    public VrrpVersion Version { get; } = version;

    /// <summary>1..255.</summary>
    public byte VirtualRouterId { get; } = virtualRouterId;

    /// <summary>0..255.</summary>
    public byte Priority { get; } = priority;

    /// <summary>Raw interval: centiseconds 1..4095 for v3, seconds 1..255 for v2.</summary>
    public ushort Interval { get; } = interval;

    /// <summary>v2 only; must be None for v3.</summary>
    public AuthenticationType AuthenticationType { get; } = authenticationType;
}

/// <summary>
/// Parses, validates and writes VRRP advertisements without allocating and without I/O.
/// </summary>
/// <remarks>
/// <para>
/// <b>Receive validation order.</b> RFC 9568 section 7.1 and RFC 3768 section 7.1 list the checks; the library applies
/// them in one fixed order (vrrp-protocol.md section 3) and the first failing check decides the
/// <see cref="DropReason"/>. The parse methods do steps 1 to 5 and the v3 part of step 8; steps 6, 7 (with
/// <see cref="CheckAuthentication"/>), the v2 part of 8, 9 (with <see cref="CheckFirstAddressLinkLocal"/>, optional),
/// 10 and 11 need the instance and live in the core.
/// </para>
/// <list type="bullet">
/// <item><description>
/// Step 1, the packet is complete. IPv4 (<see cref="TryParseIPv4Packet(ReadOnlySpan{byte}, VrrpVersion?, out Advertisement, out DropReason)"/>): at least 20 bytes, else
/// <see cref="DropReason.Truncated"/>; version 4 and IHL 5 or more, else <see cref="DropReason.BadIPHeader"/>; the
/// header (IHL x 4 bytes, options included) and the total length fit in the buffer, else
/// <see cref="DropReason.Truncated"/>; the total length covers the header, else <see cref="DropReason.BadIPHeader"/>;
/// bytes after the total length (a raw socket delivers exactly the total length, so they are not an IP packet as
/// sent) give <see cref="DropReason.LengthMismatch"/>; the protocol is 112, else <see cref="DropReason.BadIPHeader"/>.
/// The header is stripped by its IHL, never a fixed 20 bytes; the IPv4 header checksum is not verified (the kernel
/// has already done so), and fragments are not expected (the kernel reassembles before a raw socket sees them). Then, for both entry points, the VRRP message has its 8-byte fixed header, else
/// <see cref="DropReason.Truncated"/>.
/// </description></item>
/// <item><description>Step 2: the TTL / hop limit is 255 (not checked when the caller passes -1 for unknown), else
/// <see cref="DropReason.TtlNot255"/>. A <see cref="Election.VirtualRouterSet"/> channel that carries unicast adverts
/// defers this step to its routers: a multicast router still requires 255, a unicast router accepts any TTL (its peers
/// may be routed hops away, as keepalived) unless a range is configured for the peer
/// (<see cref="Election.VirtualRouterConfiguration.PeerHopLimits"/>, <see cref="DropReason.TtlOutOfRange"/>).</description></item>
/// <item><description>
/// Step 3: the version is 2 or 3 and is the expected one when one is given (VRRPv2 over IPv6 is not in RFC 3768, but
/// keepalived 2.2.7 sends it: 8-byte header, 16-byte addresses, no authentication data, the IPv6 pseudo-header
/// checksum), else <see cref="DropReason.VersionMismatch"/>; the type is 1 (ADVERTISEMENT), else <see cref="DropReason.UnknownType"/>.
/// </description></item>
/// <item><description>
/// Step 4: the address count is not 0, else <see cref="DropReason.ZeroAddressCount"/> (a <see cref="Election.VirtualRouterSet"/>
/// lets a VRRPv2 count of 0 through for a VRRPv2 router without virtual addresses, which keepalived runs and which sends
/// such adverts); the message is exactly as long as the
/// count says (v2/IPv4 16+4n, v3/IPv4 8+4n, v2 and v3/IPv6 8+16n): shorter is <see cref="DropReason.Truncated"/>, longer (extra
/// trailing bytes; the RFCs say the length must match) is <see cref="DropReason.LengthMismatch"/>.
/// </description></item>
/// <item><description>
/// Step 5: the checksum is good, else <see cref="DropReason.BadChecksum"/>: v2/IPv4 over the message only; IPv6 (v3 and v2) with
/// the IPv6 pseudo-header; v3/IPv4 with the IPv4 pseudo-header (tried first: keepalived, FRR, Wireshark) or over the message only
/// (RFC 9568 section 5.2.8), else with keepalived's old unicast pseudo-header (destination 224.0.0.18,
/// <see cref="ChecksumForm.IPv4OldUnicast"/>; the router decides whether it takes that form, as keepalived's
/// <c>old_unicast_checksum</c>). <see cref="Advertisement.ChecksumForm"/> reports the form that matched.
/// </description></item>
/// <item><description>
/// Step 8, the codec's (v3) part: the advertisement interval is not 0, else <see cref="DropReason.ZeroInterval"/>. A
/// zero interval makes the message unusable, so the codec rejects it right after the checksum, before the core's
/// step 6 (VRID): a message with both an unknown VRID and interval 0 is counted as <see cref="DropReason.ZeroInterval"/>.
/// </description></item>
/// <item><description>
/// Step 9, not done by the parse methods: for IPv6 the first address is link-local (fe80::/10), else
/// <see cref="DropReason.FirstAddressNotLinkLocal"/>: call <see cref="CheckFirstAddressLinkLocal"/> after the core's
/// steps 6-8. RFC 9568 section 5.2.9 makes this a MUST for the sender, but keepalived 2.2.7 sends its configured
/// addresses as they are (often a global address first), so enforcing it on receive is an RFC-strict option, not the default.
/// </description></item>
/// </list>
/// <para>Nothing here throws on network input: every rejection returns false with a reason other than <see cref="DropReason.None"/>.</para>
/// </remarks>
public static partial class VrrpPacket
{
    /// <summary>The IP protocol number of VRRP.</summary>
    public const byte IPProtocol = 112;

    /// <summary>Length of the fixed VRRP header.</summary>
    internal const int HeaderLength = 8;

    /// <summary>Length of the VRRPv2 authentication data.</summary>
    public const int AuthenticationDataLength = 8;

    /// <summary>The largest VRRP message (v3/IPv6 with 255 addresses).</summary>
    public const int MaxMessageLength = HeaderLength + (255 * 16);

    /// <summary>The TTL / hop limit every advertisement is sent with and must be received with (RFC 9568 section 5.1.1.3).</summary>
    internal const byte RequiredHopLimit = 255;

    /// <summary>The type value of an ADVERTISEMENT (RFC 9568 section 5.2.2), the only type defined.</summary>
    internal const byte AdvertisementType = 1;

    /// <summary>The largest VRRPv3 interval in centiseconds (12 bits, RFC 9568 section 5.2.7).</summary>
    internal const ushort MaxV3Interval = 0x0FFF;

    private const int IPv4MinimumHeaderLength = 20;

    /// <summary>
    /// Parses and validates a whole IPv4 packet as an IPv4 raw socket delivers it (steps 1-5 and the v3 part of 8 of the validation order).
    /// </summary>
    /// <param name="packet">The IPv4 header and the VRRP message.</param>
    /// <param name="expectedVersion">The version the receiving side is configured for, or null to accept 2 and 3.</param>
    /// <param name="advertisement">The advertisement when the result is true.</param>
    /// <param name="reason">Why it was dropped when the result is false.</param>
    /// <returns>True when the packet is a valid advertisement.</returns>
    public static bool TryParseIPv4Packet(ReadOnlySpan<byte> packet, VrrpVersion? expectedVersion, out Advertisement advertisement, out DropReason reason) =>
        TryParseIPv4Packet(packet, expectedVersion, checkHopLimit: true, DefaultIPv4Group, zeroCountAllowed: false, out advertisement, out reason);

    /// <summary>
    /// As <see cref="TryParseIPv4Packet(ReadOnlySpan{byte}, VrrpVersion?, out Advertisement, out DropReason)"/>, with step 2
    /// (TTL 255) optional: a channel that carries unicast adverts leaves it to each router (multicast routers require
    /// 255, unicast ones a configured range, as keepalived). The TTL is kept in <see cref="Advertisement.HopLimit"/> either way.
    /// </summary>
    /// <param name="packet">The IPv4 header and the VRRP message.</param>
    /// <param name="expectedVersion">The version expected, or null.</param>
    /// <param name="checkHopLimit">Whether step 2 applies here.</param>
    /// <param name="oldUnicastGroup">The group of keepalived's old unicast checksum form (<see cref="ChecksumForm.IPv4OldUnicast"/>).</param>
    /// <param name="zeroCountAllowed">Whether a VRRPv2 advert may carry no address (for a VRRPv2 router without virtual addresses, as keepalived).</param>
    /// <param name="advertisement">The advertisement when the result is true.</param>
    /// <param name="reason">Why it was dropped when the result is false.</param>
    internal static bool TryParseIPv4Packet(ReadOnlySpan<byte> packet, VrrpVersion? expectedVersion, bool checkHopLimit, IPAddressValue oldUnicastGroup, bool zeroCountAllowed, out Advertisement advertisement, out DropReason reason)
    {
        advertisement = default;

        // RFC 791 section 3.1, the IPv4 header:
        //  0                   1                   2                   3
        //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |Version|  IHL  |Type of Service|          Total Length         |
        // |         Identification        |Flags|      Fragment Offset    |
        // |  Time to Live |    Protocol   |         Header Checksum       |
        // |                       Source Address                          |
        // |                    Destination Address                        |
        // |                    Options                    |    Padding    |
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        if (!TryReadIPv4Header(packet, IPProtocol, out int headerLength, out int totalLength, out reason))
        {
            return false;
        }

        int ttl = packet[8];
        var source = IPAddressValue.FromIPv4(packet[12..]);
        var destination = IPAddressValue.FromIPv4(packet[16..]);
        return TryParseValidated(packet[headerLength..totalLength], VrrpAddressFamily.IPv4, source, destination, ttl, expectedVersion, checkHopLimit, oldUnicastGroup, zeroCountAllowed, out advertisement, out reason);
    }

    /// <summary>
    /// Parses and validates a VRRP message with its IP metadata (IPv6 raw sockets strip the header; hop limit from
    /// ancillary data). Steps 1-5 and the v3 part of 8 of the validation order.
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
    /// <exception cref="ArgumentException">
    /// The metadata is inconsistent: <paramref name="source"/> or <paramref name="destination"/> is not of
    /// <paramref name="family"/> (a transport bug, not network input).
    /// </exception>
    public static bool TryParseMessage(ReadOnlySpan<byte> message, VrrpAddressFamily family, IPAddressValue source, IPAddressValue destination, int hopLimit, VrrpVersion? expectedVersion, out Advertisement advertisement, out DropReason reason) =>
        TryParseMessage(message, family, source, destination, hopLimit, expectedVersion, checkHopLimit: true, DefaultIPv4Group, zeroCountAllowed: false, out advertisement, out reason);

    /// <summary>As the public overload, with step 2 (hop limit 255) optional (see <see cref="TryParseIPv4Packet(ReadOnlySpan{byte}, VrrpVersion?, bool, IPAddressValue, bool, out Advertisement, out DropReason)"/>).</summary>
    internal static bool TryParseMessage(ReadOnlySpan<byte> message, VrrpAddressFamily family, IPAddressValue source, IPAddressValue destination, int hopLimit, VrrpVersion? expectedVersion, bool checkHopLimit, IPAddressValue oldUnicastGroup, bool zeroCountAllowed, out Advertisement advertisement, out DropReason reason)
    {
        if (family is not (VrrpAddressFamily.IPv4 or VrrpAddressFamily.IPv6))
        {
            throw new ArgumentException($"Unknown address family {family}.", nameof(family));
        }

        if (source.Family != family || destination.Family != family)
        {
            throw new ArgumentException($"The source {source} and destination {destination} must both be {family} addresses.", nameof(source));
        }

        return TryParseValidated(message, family, source, destination, hopLimit, expectedVersion, checkHopLimit, oldUnicastGroup, zeroCountAllowed, out advertisement, out reason);
    }

    /// <summary>224.0.0.18 (RFC 9568 section 5.1.1.2): the pseudo-header destination of keepalived's old unicast form unless <c>vrrp_mcast_group4</c> says otherwise.</summary>
    internal static readonly IPAddressValue DefaultIPv4Group = IPAddressValue.FromIPv4([224, 0, 0, 18]);

    /// <summary>The IPv4 checks of step 1 for a packet of <paramref name="protocol"/>; on success the header and total lengths.</summary>
    internal static bool TryReadIPv4Header(ReadOnlySpan<byte> packet, byte protocol, out int headerLength, out int totalLength, out DropReason reason)
    {
        headerLength = 0;
        totalLength = 0;
        if (packet.Length < IPv4MinimumHeaderLength)
        {
            reason = DropReason.Truncated;
            return false;
        }

        int ipVersion = packet[0] >> 4;
        headerLength = (packet[0] & 0x0F) * 4;
        if (ipVersion != 4 || headerLength < IPv4MinimumHeaderLength)
        {
            reason = DropReason.BadIPHeader;
            return false;
        }

        totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (totalLength < headerLength)
        {
            reason = DropReason.BadIPHeader;
            return false;
        }

        if (packet.Length < headerLength || packet.Length < totalLength)
        {
            reason = DropReason.Truncated;
            return false;
        }

        if (packet.Length > totalLength)
        {
            reason = DropReason.LengthMismatch;
            return false;
        }

        // RFC 9568 section 5.1.1.4 / RFC 3768 section 5.2.4: the protocol is 112 (51 for AH, RFC 2338 section 5.2.4).
        if (packet[9] != protocol)
        {
            reason = DropReason.BadIPHeader;
            return false;
        }

        reason = DropReason.None;
        return true;
    }

    /// <summary>Steps 1 (end) to 5 for a VRRP message whose IP metadata is known (used by the AH parser).</summary>
    internal static bool TryParseMessageAt(ReadOnlySpan<byte> message, VrrpAddressFamily family, IPAddressValue source, IPAddressValue destination, int hopLimit, bool checkHopLimit, out Advertisement advertisement, out DropReason reason) =>
        TryParseValidated(message, family, source, destination, hopLimit, null, checkHopLimit, DefaultIPv4Group, zeroCountAllowed: false, out advertisement, out reason);

    private static bool TryParseValidated(ReadOnlySpan<byte> message, VrrpAddressFamily family, IPAddressValue source, IPAddressValue destination, int hopLimit, VrrpVersion? expectedVersion, bool checkHopLimit, IPAddressValue oldUnicastGroup, bool zeroCountAllowed, out Advertisement advertisement, out DropReason reason)
    {
        advertisement = default;

        // RFC 9568 section 5.1 (VRRPv3, IPv4 and IPv6):
        //  0                   1                   2                   3
        //  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |(rsvd) |     Max Adver Int     |          Checksum             |
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |                     IPvX Address(es) (4 or 16 bytes each)     |
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        //
        // RFC 3768 section 5.1 (VRRPv2, IPv4 only):
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |   Auth Type   |   Adver Int   |          Checksum             |
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |                IP Address(es) (4 bytes each)                  |
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
        // |                  Authentication Data (1)                      |
        // |                  Authentication Data (2)                      |
        // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

        // Step 1 (end): the fixed header is there.
        if (message.Length < HeaderLength)
        {
            reason = DropReason.Truncated;
            return false;
        }

        // Step 2: RFC 9568 section 7.1 / RFC 3768 section 7.1: the TTL / hop limit must be 255 (unless the caller
        // leaves it to the router: unicast peers may be routed hops away, as keepalived allows).
        if (checkHopLimit && hopLimit != -1 && hopLimit != RequiredHopLimit)
        {
            reason = DropReason.TtlNot255;
            return false;
        }

        // Step 3: version (RFC 9568 section 5.2.1, RFC 3768 section 5.3.1) and type (section 5.2.2 / 5.3.2).
        int versionNumber = message[0] >> 4;
        int type = message[0] & 0x0F;
        if (versionNumber is not (2 or 3) ||
            (expectedVersion is { } expected && (int)expected != versionNumber))
        {
            reason = DropReason.VersionMismatch;
            return false;
        }

        if (type != AdvertisementType)
        {
            reason = DropReason.UnknownType;
            return false;
        }

        var version = (VrrpVersion)versionNumber;

        // Step 4: count (RFC 9568 section 5.2.5, RFC 3768 section 5.3.5) and the length it implies.
        byte count = message[3];
        if (count == 0 && !(zeroCountAllowed && version == VrrpVersion.V2))
        {
            reason = DropReason.ZeroAddressCount;
            return false;
        }

        int expectedLength = GetLength(version, family, count);
        if (message.Length != expectedLength)
        {
            reason = message.Length < expectedLength ? DropReason.Truncated : DropReason.LengthMismatch;
            return false;
        }

        // Step 5: checksum (RFC 3768 section 5.3.8; RFC 9568 section 5.2.8).
        ulong messageSum = InternetChecksum.Add(message, 0);
        ChecksumForm form;
        if (version == VrrpVersion.V2 && family == VrrpAddressFamily.IPv4)
        {
            form = InternetChecksum.Fold(messageSum) == 0xFFFF ? ChecksumForm.V2Message : ChecksumForm.None;
        }
        else if (family == VrrpAddressFamily.IPv6)
        {
            // v3, and v2 as keepalived 2.2.7 sends it over IPv6: the kernel's IPV6_CHECKSUM, with the IPv6 pseudo-header.
            ulong sum = messageSum + InternetChecksum.IPv6PseudoHeader(source, destination, IPProtocol, message.Length);
            form = InternetChecksum.Fold(sum) == 0xFFFF ? ChecksumForm.IPv6PseudoHeader : ChecksumForm.None;
        }
        else
        {
            ulong sum = messageSum + InternetChecksum.IPv4PseudoHeader(source, destination, IPProtocol, message.Length);
            form = InternetChecksum.Fold(sum) == 0xFFFF ? ChecksumForm.IPv4PseudoHeader
                : InternetChecksum.Fold(messageSum) == 0xFFFF ? ChecksumForm.IPv4MessageOnly
                : ChecksumForm.None;

            // keepalived 1.3.6 and earlier (and 2.2.7 with old_unicast_checksum): a unicast advert whose pseudo-header
            // destination is the multicast group. Whether the instance takes it is the router's decision.
            if (form == ChecksumForm.None && oldUnicastGroup.Family == VrrpAddressFamily.IPv4 && destination != oldUnicastGroup &&
                InternetChecksum.Fold(messageSum + InternetChecksum.IPv4PseudoHeader(source, oldUnicastGroup, IPProtocol, message.Length)) == 0xFFFF)
            {
                form = ChecksumForm.IPv4OldUnicast;
            }
        }

        if (form == ChecksumForm.None)
        {
            reason = DropReason.BadChecksum;
            return false;
        }

        int addressSize = family == VrrpAddressFamily.IPv4 ? 4 : 16;
        ReadOnlySpan<byte> addresses = message.Slice(HeaderLength, count * addressSize);
        AuthenticationType authenticationType;
        ushort interval;
        ReadOnlySpan<byte> authenticationData;
        if (version == VrrpVersion.V2)
        {
            // RFC 3768 sections 5.3.6, 5.3.7, 5.3.10: auth type, interval in seconds, 8 bytes of auth data after the
            // addresses (IPv4 only: keepalived 2.2.7's VRRPv2 over IPv6 carries the type but no data).
            authenticationType = (AuthenticationType)message[4];
            interval = message[5];
            authenticationData = family == VrrpAddressFamily.IPv4 ? message.Slice(HeaderLength + addresses.Length, AuthenticationDataLength) : default;
        }
        else
        {
            // RFC 9568 sections 5.2.6, 5.2.7: 4 reserved bits (ignored on receive), 12-bit interval in centiseconds.
            authenticationType = AuthenticationType.None;
            interval = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message[4..]) & MaxV3Interval);
            authenticationData = default;

            // Step 8 (the codec's part): RFC 9568 section 7.1, an interval of 0 is invalid.
            if (interval == 0)
            {
                reason = DropReason.ZeroInterval;
                return false;
            }
        }

        advertisement = new Advertisement(
            version,
            family,
            message[1],
            message[2],
            count,
            authenticationType,
            interval,
            BinaryPrimitives.ReadUInt16BigEndian(message[6..]),
            form,
            addresses,
            authenticationData,
            source,
            destination,
            hopLimit);
        reason = DropReason.None;
        return true;
    }

    /// <summary>
    /// Step 9 of the validation order (RFC 9568 section 5.2.9): for IPv6 the first address must be the virtual router's
    /// link-local address (fe80::/10). Not applied by the parse methods because keepalived 2.2.7 does not follow it; an
    /// RFC-strict receiver calls this after its steps 6-8.
    /// </summary>
    /// <param name="advertisement">A parsed advertisement.</param>
    /// <returns><see cref="DropReason.None"/> for IPv4 or a link-local first address; else <see cref="DropReason.FirstAddressNotLinkLocal"/>.</returns>
    internal static DropReason CheckFirstAddressLinkLocal(in Advertisement advertisement)
    {
        if (advertisement.Family != VrrpAddressFamily.IPv6)
        {
            return DropReason.None;
        }

        ReadOnlySpan<byte> first = advertisement.AddressBytes;
        return first.Length >= 16 && first[0] == 0xFE && (first[1] & 0xC0) == 0x80 ? DropReason.None : DropReason.FirstAddressNotLinkLocal;
    }

    /// <summary>
    /// Step 7 of the validation order for VRRPv2 (RFC 3768 section 7.1; RFC 2338 section 7.1 for type 2): checks the
    /// authentication type and data against the local configuration. VRRPv3 has no authentication and always passes.
    /// </summary>
    /// <param name="advertisement">A parsed advertisement.</param>
    /// <param name="expectedType">The locally configured authentication type.</param>
    /// <param name="expectedPassword">
    /// The local password (keepalived <c>auth_pass</c>), its first 8 bytes zero padded (as <see cref="EncodePassword"/>
    /// makes them): compared for <see cref="AuthenticationType.SimplePassword"/>, the HMAC key for
    /// <see cref="AuthenticationType.IPAuthenticationHeader"/>. Ignored for <see cref="AuthenticationType.None"/>.
    /// </param>
    /// <param name="unicast">With AH: the receiving instance is unicast (the TTL is then not covered by the ICV).</param>
    /// <returns>
    /// <see cref="DropReason.None"/> when it passes; <see cref="DropReason.AuthenticationTypeMismatch"/> when the
    /// types differ (including an AH where none is expected or none where one is, as keepalived counts them);
    /// <see cref="DropReason.AuthenticationUnsupported"/> for a type VRRPv2 does not define (3..255, keepalived's
    /// "Invalid auth type"); <see cref="DropReason.AuthenticationFailure"/> when the simple passwords differ, or the
    /// AH's ICV or SPI is wrong (keepalived "invalid IPSEC HMAC-MD5 value", "invalid IPSEC SPI value"). The AH sequence
    /// number is the instance's to check. With type 0 the authentication data is ignored (RFC 3768 section 5.3.10).
    /// </returns>
    internal static DropReason CheckAuthentication(in Advertisement advertisement, AuthenticationType expectedType, ReadOnlySpan<byte> expectedPassword, bool unicast = false)
    {
        if (advertisement.Version != VrrpVersion.V2)
        {
            return DropReason.None;
        }

        // keepalived checks the IP protocol (51 or 112) against its auth_type first, then the advert's type field.
        if (advertisement.HasAuthenticationHeader != (expectedType == AuthenticationType.IPAuthenticationHeader))
        {
            return DropReason.AuthenticationTypeMismatch;
        }

        // keepalived tells a type VRRPv2 does not define from one that merely differs from ours.
        if ((byte)advertisement.AuthenticationType > (byte)AuthenticationType.IPAuthenticationHeader)
        {
            return DropReason.AuthenticationUnsupported;
        }

        if (advertisement.AuthenticationType != expectedType)
        {
            return DropReason.AuthenticationTypeMismatch;
        }

        if (expectedType == AuthenticationType.IPAuthenticationHeader)
        {
            // RFC 2402 section 3.4.4 (ICV), then keepalived's SPI rule: the SPI is the sender's address.
            if (!AuthenticationHeader.VerifyIcv(advertisement.AuthenticatedPacket, expectedPassword, unicast))
            {
                return DropReason.AuthenticationFailure;
            }

            Span<byte> source = stackalloc byte[4];
            advertisement.Source.WriteTo(source);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(source) == advertisement.AuthenticationSpi ? DropReason.None : DropReason.AuthenticationFailure;
        }

        if (expectedType != AuthenticationType.SimplePassword)
        {
            return DropReason.None;
        }

        // VRRPv2 over IPv6 (keepalived 2.2.7) carries the type but no password: keepalived compares bytes beyond the
        // message there; Vrrp checks the type only.
        if (advertisement.Family == VrrpAddressFamily.IPv6)
        {
            return DropReason.None;
        }

        ReadOnlySpan<byte> received = advertisement.AuthenticationData;
        if (received.Length != AuthenticationDataLength)
        {
            return DropReason.AuthenticationFailure;
        }

        for (int i = 0; i < AuthenticationDataLength; i++)
        {
            byte expectedByte = i < expectedPassword.Length ? expectedPassword[i] : (byte)0;
            if (received[i] != expectedByte)
            {
                return DropReason.AuthenticationFailure;
            }
        }

        return DropReason.None;
    }
}
