namespace Vrrp.Linux.Netlink;

/// <summary>
/// Datagrams to and from the kernel over one netlink socket: the seam between message logic (batches, acknowledgement
/// matching) and the socket, so that tests without root can answer in the kernel's place.
/// </summary>
internal interface INetlinkTransport : IDisposable
{
    /// <summary>The socket's port id (acknowledgements carry it).</summary>
    uint PortId { get; }

    /// <summary>Sends one datagram (one message, or a batch of them).</summary>
    /// <param name="datagram">The bytes.</param>
    /// <param name="operation">What is asked, for the error.</param>
    /// <exception cref="NetlinkException">The send failed.</exception>
    void Send(ReadOnlySpan<byte> datagram, string operation);

    /// <summary>Receives one datagram; waits a bounded time (5 s on a real socket).</summary>
    /// <param name="buffer">Where to receive.</param>
    /// <param name="operation">What is awaited, for the error.</param>
    /// <returns>The datagram's length.</returns>
    /// <exception cref="NetlinkException">No answer in time (EAGAIN) or the receive failed.</exception>
    int Receive(Span<byte> buffer, string operation);
}
