namespace Vrrp;

/// <summary>
/// Sends and receives VRRP messages for the instances on one interface and address family. A platform (for example
/// Vrrp.Linux with raw sockets) implements it; tests use the in-memory LAN of Vrrp.Core.
/// </summary>
public interface IVrrpTransport
{
    /// <summary>Opens (or shares) a channel for an interface and address family.</summary>
    /// <param name="options">Where and how to send and receive.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The channel; dispose it to release it.</returns>
    ValueTask<IVrrpChannel> OpenAsync(VrrpChannelOptions options, CancellationToken cancellationToken);
}

/// <summary>What a channel is opened for.</summary>
public sealed record VrrpChannelOptions
{
    /// <summary>
    /// The interface name (for example <c>eth0</c>), or empty for a unicast channel on no interface (keepalived's
    /// instance without <c>interface</c>): its sockets are bound to no device (or to <see cref="Vrf"/>), it joins no
    /// group, its <see cref="SourceAddress"/> is given, and adverts are routed to the peers.
    /// </summary>
    public required string InterfaceName { get; init; }

    /// <summary>
    /// For a channel on no interface: the VRF device its sockets are bound to (keepalived <c>vrf</c>), so adverts are
    /// routed in the VRF's table and received from its interfaces; null for none.
    /// </summary>
    public string? Vrf { get; init; }

    /// <summary>The address family of the channel.</summary>
    public required VrrpAddressFamily Family { get; init; }

    /// <summary>The source address of adverts, or null for the interface's primary address (IPv6: its link-local address).</summary>
    public IPAddressValue? SourceAddress { get; init; }

    /// <summary>Join the multicast group (224.0.0.18 or ff02::12) to receive multicast adverts; false when every instance on the channel is unicast (default true).</summary>
    public bool JoinMulticastGroup { get; init; } = true;

    /// <summary>The multicast group to join instead of 224.0.0.18 / ff02::12 (keepalived <c>vrrp_mcast_group4</c> / <c>vrrp_mcast_group6</c>), or null for the RFC's.</summary>
    public IPAddressValue? MulticastGroup { get; init; }

    /// <summary>The network namespace to open sockets in, or null for the current one (keepalived <c>net_namespace</c>).</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>
    /// The TTL (IPv4) or hop limit (IPv6) of adverts sent to unicast peers (keepalived <c>unicast_ttl</c>), default 255;
    /// 0 is sent as 0, as keepalived does (the advert reaches peers on the same link only). Adverts to the multicast
    /// group always leave with 255 (RFC 9568 section 5.1.1.3).
    /// </summary>
    public byte UnicastHopLimit { get; init; } = 255;

    /// <summary>
    /// The channel carries VRRPv2 adverts with an IP Authentication Header (keepalived <c>auth_type AH</c>; IPv4 only):
    /// it sends and receives IPv4 protocol 51 instead of 112, the messages given to <see cref="IVrrpChannel.SendAsync"/>
    /// are whole IPv4 packets (header, AH, VRRP message: the ICV covers the header, so the core writes it), and received
    /// datagrams start with their IPv4 header. Default false.
    /// </summary>
    public bool IPAuthenticationHeader { get; init; }

    /// <summary>
    /// The receive buffer the channel's routers ask for, in bytes (keepalived's <c>vrrp_rx_bufs_policy</c>: the sum over
    /// its instances of a size or of a multiple of the advert's length), added to <see cref="ReceiveBufferMtus"/> times
    /// the interface's MTU. Both 0 (the default) leave the platform's own buffer.
    /// </summary>
    public int ReceiveBufferSize { get; init; }

    /// <summary>How many of the interface's MTUs the receive buffer holds besides <see cref="ReceiveBufferSize"/> (<c>vrrp_rx_bufs_policy MTU</c>).</summary>
    public int ReceiveBufferMtus { get; init; }
}

/// <summary>A datagram received on a channel: where the bytes are in the caller's buffer, and the IP metadata.</summary>
/// <param name="Length">How many bytes were written into the buffer.</param>
/// <param name="IncludesIPv4Header">True when the buffer starts with the IPv4 header (as an IPv4 raw socket delivers it); the codec strips it by its IHL.</param>
/// <param name="Source">The IP source address.</param>
/// <param name="Destination">The IP destination address.</param>
/// <param name="HopLimit">The received TTL / hop limit (IPv6: from ancillary data), or -1 when unknown.</param>
public readonly record struct ReceivedDatagram(int Length, bool IncludesIPv4Header, IPAddressValue Source, IPAddressValue Destination, int HopLimit);

/// <summary>One interface and family's VRRP traffic. Many virtual routers share a channel; the core picks each message's destination.</summary>
public interface IVrrpChannel : IAsyncDisposable
{
    /// <summary>The source address of adverts sent on this channel (used in the v3/IPv4 pseudo-header checksum and in tie-breaks).</summary>
    IPAddressValue LocalAddress { get; }

    /// <summary>Sends one VRRP message (no IP header) to one destination, with TTL / hop limit 255 (to a unicast peer: <see cref="VrrpChannelOptions.UnicastHopLimit"/>).</summary>
    /// <param name="message">The VRRP message, checksummed by the core for this destination.</param>
    /// <param name="destination">The multicast group (224.0.0.18, ff02::12) or a unicast peer.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message is handed to the network.</returns>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken);

    /// <summary>Receives the next datagram into <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Where to write the bytes; 1500 bytes or more is enough for any VRRP packet.</param>
    /// <param name="cancellationToken">Cancels the receive.</param>
    /// <returns>What was received.</returns>
    ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
