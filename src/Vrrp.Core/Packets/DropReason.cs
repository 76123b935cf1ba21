namespace Vrrp.Packets;

/// <summary>
/// Why a received packet was dropped. The values follow the fixed validation order of RFC 9568 section 7.1 and
/// RFC 3768 section 7.1 (see the remarks on <see cref="VrrpPacket"/>); every drop is counted by reason.
/// </summary>
public enum DropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>
    /// The IP packet or the VRRP message is shorter than its headers say: under 20 bytes of IPv4 header, fewer bytes than
    /// the IHL or the total length, a VRRP message under 8 bytes, or fewer addresses (and auth data) than the count says.
    /// </summary>
    Truncated,

    /// <summary>
    /// The IPv4 header is malformed: not version 4, IHL below 5, a total length below the header length, or protocol
    /// not 112 (on an AH channel: not 51, or an AH that does not carry VRRP or has another length than keepalived's 24 bytes).
    /// </summary>
    BadIPHeader,

    /// <summary>
    /// The TTL (IPv4) or hop limit (IPv6) is not 255: the packet may come from off the link. Multicast only: unicast
    /// adverts may cross routers (see <see cref="TtlOutOfRange"/>).
    /// </summary>
    TtlNot255,

    /// <summary>The version is not 2 or 3, or not the one the instance is configured for.</summary>
    VersionMismatch,

    /// <summary>The type is not 1 (ADVERTISEMENT).</summary>
    UnknownType,

    /// <summary>The address count is 0.</summary>
    ZeroAddressCount,

    /// <summary>
    /// There are bytes beyond what the headers say: the VRRP message is longer than its address count (and version) says,
    /// or the buffer holds bytes after the IPv4 total length.
    /// </summary>
    LengthMismatch,

    /// <summary>The checksum matches none of the accepted forms.</summary>
    BadChecksum,

    /// <summary>No instance on this interface and family has the advertised VRID (counted, not logged per packet).</summary>
    UnknownVirtualRouterId,

    /// <summary>VRRPv2: the authentication type differs from the local configuration.</summary>
    AuthenticationTypeMismatch,

    /// <summary>
    /// VRRPv2: the authentication type is none of those VRRPv2 defines (0 none, 1 simple password, 2 IP Authentication
    /// Header), e.g. 3 or 255. keepalived counts it apart from a type mismatch (its "Invalid auth type" log line and
    /// statistics counter), and so do we.
    /// </summary>
    AuthenticationUnsupported,

    /// <summary>
    /// VRRPv2: the simple password differs ("received an invalid passwd"), or, with an IP Authentication Header, the
    /// ICV or the SPI is wrong or the sequence number was already seen (keepalived counts all of them as auth_failure).
    /// </summary>
    AuthenticationFailure,

    /// <summary>VRRPv2: the advertisement interval differs from ours.</summary>
    IntervalMismatch,

    /// <summary>VRRPv3: the advertisement interval is 0.</summary>
    ZeroInterval,

    /// <summary>IPv6: the first address is not a link-local address (RFC-strict option; keepalived 2.2.7 sends a global one first).</summary>
    FirstAddressNotLinkLocal,

    /// <summary>The message's address family is not the instance's.</summary>
    AddressFamilyMismatch,

    /// <summary>Unicast mode with source checking: the source is not a configured peer.</summary>
    UnicastSourceNotAllowed,

    /// <summary>The packet is our own advert looped back (its source is our address).</summary>
    OwnAdvertisement,

    /// <summary>
    /// Unicast mode: the TTL / hop limit is outside the range configured for the peer (keepalived's <c>unicast_peer</c>
    /// <c>min_ttl</c> / <c>max_ttl</c>, logged "TTL/HL N not in range MIN - MAX").
    /// </summary>
    TtlOutOfRange,
}

/// <summary>Which checksum form a received VRRP message matched.</summary>
public enum ChecksumForm
{
    /// <summary>Not checked or not matched.</summary>
    None = 0,

    /// <summary>VRRPv2: the message only.</summary>
    V2Message,

    /// <summary>VRRPv3 over IPv4 with the IPv4 pseudo-header (keepalived, FRR, Wireshark).</summary>
    IPv4PseudoHeader,

    /// <summary>VRRPv3 over IPv4, message only (RFC 9568 section 5.2.8, Cisco).</summary>
    IPv4MessageOnly,

    /// <summary>VRRPv3 over IPv6 with the IPv6 pseudo-header.</summary>
    IPv6PseudoHeader,

    /// <summary>
    /// VRRPv3 over IPv4 sent to a unicast address with keepalived 1.3.6 and earlier's pseudo-header, whose destination is
    /// the multicast group instead of the peer (keepalived <c>old_unicast_checksum</c>).
    /// </summary>
    IPv4OldUnicast,
}

/// <summary>The VRRPv2 authentication type (RFC 3768 section 5.3.6).</summary>
public enum AuthenticationType : byte
{
    /// <summary>No authentication.</summary>
    None = 0,

    /// <summary>Simple text password (8 bytes, zero padded).</summary>
    SimplePassword = 1,

    /// <summary>IP Authentication Header (RFC 2338 section 5.3.6.3; keepalived <c>auth_type AH</c>): HMAC-MD5-96 over the IPv4 header, the AH and the advert, IPv4 protocol 51.</summary>
    IPAuthenticationHeader = 2,
}
