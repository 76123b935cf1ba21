namespace Vrrp;

/// <summary>The state of a virtual router (RFC 9568 section 6.4, plus Fault and Stopped as keepalived has them).</summary>
public enum VrrpState
{
    /// <summary>Not started, or shut down and waiting for a start event.</summary>
    Initialize = 0,

    /// <summary>Monitoring the master; the virtual addresses are not on this node.</summary>
    Backup = 1,

    /// <summary>Forwarding for the virtual addresses and sending advertisements.</summary>
    Master = 2,

    /// <summary>A fault (interface down, a weight-0 tracker failing) keeps the instance out of the election.</summary>
    Fault = 3,

    /// <summary>Stopped for good: priority 0 was sent if this node was master, and its addresses were removed.</summary>
    Stopped = 4,
}

/// <summary>The VRRP protocol version an instance speaks.</summary>
public enum VrrpVersion
{
    /// <summary>VRRPv2, RFC 3768: IPv4 (and IPv6 as keepalived 2.2.7 sends it, without authentication data), interval in whole seconds, optional simple password.</summary>
    V2 = 2,

    /// <summary>VRRPv3, RFC 9568 (formerly RFC 5798): IPv4 and IPv6, interval in centiseconds.</summary>
    V3 = 3,
}

/// <summary>The address family of an instance's virtual addresses.</summary>
public enum VrrpAddressFamily
{
    /// <summary>IPv4 (advertisements to 224.0.0.18).</summary>
    IPv4 = 4,

    /// <summary>IPv6 (advertisements to ff02::12); VRRPv3 only.</summary>
    IPv6 = 6,
}

/// <summary>How a VRRPv3 advertisement over IPv4 is checksummed.</summary>
/// <remarks>
/// RFC 5798 was read by keepalived, FRR and Wireshark as including an IPv4 pseudo-header; RFC 9568
/// section 5.2.8 says the checksum covers the VRRP message only (as Cisco does). Receivers accept either.
/// </remarks>
public enum Ipv4ChecksumMode
{
    /// <summary>Include the IPv4 pseudo-header (source, destination, zero, protocol 112, length): keepalived's form and the default.</summary>
    PseudoHeader = 0,

    /// <summary>The VRRP message only, as RFC 9568 section 5.2.8 says.</summary>
    MessageOnly = 1,
}

/// <summary>
/// keepalived's <c>old_unicast_checksum</c>: whether a unicast VRRPv3/IPv4 instance uses keepalived 1.3.6 and earlier's
/// checksum, whose pseudo-header carries the IPv4 multicast group (224.0.0.18 or <c>vrrp_mcast_group4</c>) as its
/// destination instead of the peer's address.
/// </summary>
/// <remarks>
/// Multicast adverts are the same in both forms (their destination is the group). The old form is the only one checked
/// on receive while it is in use, as keepalived 2.2.7 does.
/// </remarks>
public enum OldUnicastChecksum
{
    /// <summary>keepalived's default: the RFC form, switching to the old one (for good) once a peer's advert has it.</summary>
    Auto = 0,

    /// <summary><c>old_unicast_checksum</c>: send and accept the old form from the start.</summary>
    Always = 1,

    /// <summary><c>old_unicast_checksum never</c>: stay on the RFC form; adverts with the old form are dropped as a bad checksum.</summary>
    Never = 2,
}
