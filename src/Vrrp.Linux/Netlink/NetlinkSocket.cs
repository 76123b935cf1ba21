using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Namespaces;

namespace Vrrp.Linux.Netlink;

/// <summary>Handles one message of a dump.</summary>
internal delegate void NetlinkMessageHandler(in NetlinkMessage message);

/// <summary>
/// An AF_NETLINK socket (NETLINK_ROUTE, or NETLINK_NETFILTER for nf_tables): request/acknowledge
/// (<see cref="Execute"/>) and dumps (<see cref="Dump"/>) that check sequence numbers and port ids, with NETLINK_EXT_ACK
/// so that failures carry the kernel's message; or, opened with multicast groups, a notification stream. As an
/// <see cref="INetlinkTransport"/> it carries datagrams built elsewhere (nf_tables batches).
/// </summary>
/// <remarks>
/// <see cref="AddressFamily"/> has no netlink member, so the descriptor comes from socket(2) and is wrapped in a
/// <see cref="Socket"/> (send, receive, options and async I/O are the BCL's). Requests are serialised; each comes in a
/// blocking form (link checks at start, macvlan set-up) and an asynchronous one with cancellation (address work).
/// </remarks>
internal sealed class NetlinkSocket : INetlinkTransport
{
    private const int BufferSize = 64 * 1024;
    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[BufferSize];
    private readonly byte[] _requestBuffer = new byte[4096];
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private uint _sequence;

    private NetlinkSocket(Socket socket, uint portId)
    {
        _socket = socket;
        PortId = portId;
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel assigned to this socket.</summary>
    public uint PortId { get; }

    /// <summary>The wrapped socket (for async receives of notifications).</summary>
    internal Socket Socket => _socket;

    /// <summary>Opens a route netlink socket in a network namespace (null: the current one), joined to <paramref name="groups"/>.</summary>
    internal static NetlinkSocket Open(string? networkNamespace, params ReadOnlySpan<uint> groups)
    {
        uint[] groupList = groups.ToArray();
        return NetworkNamespace.Run(networkNamespace, () => OpenHere(Nl.NETLINK_ROUTE, "route", groupList));
    }

    /// <summary>Opens a netfilter netlink socket (nf_tables) in a network namespace (null: the current one).</summary>
    /// <exception cref="NetlinkException">socket(2) failed: EPROTONOSUPPORT when the kernel has no nfnetlink.</exception>
    internal static NetlinkSocket OpenNetfilter(string? networkNamespace) =>
        NetworkNamespace.Run(networkNamespace, () => OpenHere(Nl.NETLINK_NETFILTER, "netfilter", []));

    private static unsafe NetlinkSocket OpenHere(int protocol, string protocolName, uint[] groups)
    {
        int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new NetlinkException($"open a {protocolName} netlink socket", errno, null);
        }

        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        try
        {
            // sockaddr_nl { u16 family, u16 pad, u32 pid (0: the kernel assigns), u32 groups }.
            byte* address = stackalloc byte[12];
            new Span<byte>(address, 12).Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(address, 2), Libc.AF_NETLINK);
            if (Libc.Bind(socket.SafeHandle, address, 12) != 0)
            {
                throw new NetlinkException($"bind a {protocolName} netlink socket", Marshal.GetLastPInvokeError(), null);
            }

            int length = 12;
            if (Libc.GetSockName(socket.SafeHandle, address, &length) != 0)
            {
                throw new NetlinkException("read a netlink socket's port id", Marshal.GetLastPInvokeError(), null);
            }

            uint portId = BinaryPrimitives.ReadUInt32LittleEndian(new Span<byte>(address + 4, 4));
            socket.SetRawSocketOption(Nl.SOL_NETLINK, Nl.NETLINK_EXT_ACK, BitConverter.GetBytes(1));
            socket.SetRawSocketOption(Nl.SOL_NETLINK, Nl.NETLINK_CAP_ACK, BitConverter.GetBytes(1));
            foreach (uint group in groups)
            {
                socket.SetRawSocketOption(Nl.SOL_NETLINK, Nl.NETLINK_ADD_MEMBERSHIP, BitConverter.GetBytes(group));
            }

            if (groups.Length > 0)
            {
                socket.ReceiveBufferSize = 1024 * 1024;
            }
            else
            {
                socket.ReceiveTimeout = 5000;
            }

            return new NetlinkSocket(socket, portId);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets the receive buffer (keepalived's <c>vrrp_netlink_*_rcv_bufs</c>): SO_RCVBUFFORCE when <paramref name="force"/>
    /// (CAP_NET_ADMIN, beyond net.core.rmem_max), else SO_RCVBUF (capped there). The kernel doubles it.
    /// </summary>
    /// <exception cref="NetlinkException">The kernel refused it.</exception>
    internal void SetReceiveBuffer(int bytes, bool force)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        try
        {
            _socket.SetRawSocketOption(Sockets.SocketOptions.SOL_SOCKET, force ? Sockets.SocketOptions.SO_RCVBUFFORCE : Sockets.SocketOptions.SO_RCVBUF, BitConverter.GetBytes(bytes));
        }
        catch (SocketException ex)
        {
            throw new NetlinkException(force ? "set SO_RCVBUFFORCE on a netlink socket" : "set SO_RCVBUF on a netlink socket", ex.NativeErrorCode, null);
        }
    }

    /// <summary>Builds a request in the socket's request buffer; call under <see cref="Execute"/> or <see cref="Dump"/>.</summary>
    internal delegate void RequestBuilder(ref NetlinkMessageWriter writer);

    /// <summary>Sends a request with NLM_F_ACK and waits (blocking, at most 5 s) for its acknowledgement.</summary>
    /// <param name="type">The message type (RTM_NEWADDR...).</param>
    /// <param name="flags">Extra flags besides REQUEST and ACK.</param>
    /// <param name="build">Writes the family header and attributes.</param>
    /// <param name="operation">What is asked, for the error.</param>
    /// <param name="reply">Optional handler for a reply message before the ack (RTM_GETLINK answers).</param>
    /// <param name="tolerated">Errnos that count as success (EEXIST on add...).</param>
    /// <returns>0 on success, or the positive errno when it is one of <paramref name="tolerated"/>.</returns>
    /// <exception cref="NetlinkException">The kernel refused it.</exception>
    internal int Execute(ushort type, ushort flags, RequestBuilder build, string operation, NetlinkMessageHandler? reply = null, params ReadOnlySpan<int> tolerated)
    {
        _gate.Wait();
        try
        {
            uint sequence = Build(type, (ushort)(Nl.NLM_F_ACK | flags), build, out int length);
            Send(_requestBuffer.AsSpan(0, length), operation);
            while (true)
            {
                int received = Receive(operation);
                if (TryCompleteExecute(received, sequence, operation, reply, tolerated, out int result))
                {
                    return result;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// <see cref="Execute"/> with asynchronous socket I/O: the caller's thread is never blocked waiting for the kernel,
    /// and cancelling abandons the request (a late answer is recognised by its sequence number and skipped by the next
    /// request). Requests of both kinds are serialised.
    /// </summary>
    /// <exception cref="NetlinkException">The kernel refused it, or gave no answer within 5 s (EAGAIN).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal async ValueTask<int> ExecuteAsync(ushort type, ushort flags, RequestBuilder build, string operation, NetlinkMessageHandler? reply, int tolerated, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            uint sequence = Build(type, (ushort)(Nl.NLM_F_ACK | flags), build, out int length);
            using var deadline = AnswerDeadline(cancellationToken);
            await SendAsync(length, operation, deadline.Token, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                int received = await ReceiveAsync(operation, deadline.Token, cancellationToken).ConfigureAwait(false);
                if (TryCompleteExecute(received, sequence, operation, reply, tolerated == 0 ? [] : [tolerated], out int result))
                {
                    return result;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a dump request and hands every answer to <paramref name="handler"/> until NLMSG_DONE (blocking, at most 5 s per datagram).</summary>
    /// <exception cref="NetlinkException">The kernel refused it.</exception>
    internal void Dump(ushort type, RequestBuilder build, string operation, NetlinkMessageHandler handler)
    {
        _gate.Wait();
        try
        {
            uint sequence = Build(type, Nl.NLM_F_DUMP, build, out int length);
            Send(_requestBuffer.AsSpan(0, length), operation);
            while (!TryCompleteDump(Receive(operation), sequence, operation, handler))
            {
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary><see cref="Dump"/> with asynchronous socket I/O and cancellation (see <see cref="ExecuteAsync"/>).</summary>
    /// <exception cref="NetlinkException">The kernel refused it, or gave no answer within 5 s (EAGAIN).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal async ValueTask DumpAsync(ushort type, RequestBuilder build, string operation, NetlinkMessageHandler handler, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            uint sequence = Build(type, Nl.NLM_F_DUMP, build, out int length);
            using var deadline = AnswerDeadline(cancellationToken);
            await SendAsync(length, operation, deadline.Token, cancellationToken).ConfigureAwait(false);
            while (!TryCompleteDump(await ReceiveAsync(operation, deadline.Token, cancellationToken).ConfigureAwait(false), sequence, operation, handler))
            {
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static CancellationTokenSource AnswerDeadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(AnswerTimeout);
        return deadline;
    }

    private uint Build(ushort type, ushort flags, RequestBuilder build, out int length)
    {
        uint sequence = ++_sequence;
        var writer = new NetlinkMessageWriter(_requestBuffer, type, (ushort)(Nl.NLM_F_REQUEST | flags), sequence);
        build(ref writer);
        length = writer.Finish().Length;
        return sequence;
    }

    // One received datagram of an acknowledged request: true (and the result) when it held the acknowledgement.
    private bool TryCompleteExecute(int received, uint sequence, string operation, NetlinkMessageHandler? reply, ReadOnlySpan<int> tolerated, out int result)
    {
        var reader = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, received));
        while (reader.TryRead(out var message))
        {
            if (message.Sequence != sequence || message.PortId != PortId)
            {
                continue; // a stale answer to an earlier, abandoned request
            }

            if (message.Type == Nl.NLMSG_ERROR)
            {
                int errno = ReadError(message, out string? text);
                if (errno == 0 || tolerated.Contains(errno))
                {
                    result = errno;
                    return true;
                }

                throw new NetlinkException(operation, errno, text);
            }

            reply?.Invoke(message);
        }

        result = 0;
        return false;
    }

    // One received datagram of a dump: true when it held NLMSG_DONE.
    private bool TryCompleteDump(int received, uint sequence, string operation, NetlinkMessageHandler handler)
    {
        var reader = new NetlinkMessageReader(_receiveBuffer.AsSpan(0, received));
        while (reader.TryRead(out var message))
        {
            if (message.Sequence != sequence || message.PortId != PortId)
            {
                continue;
            }

            switch (message.Type)
            {
                case Nl.NLMSG_DONE:
                    return true;
                case Nl.NLMSG_ERROR:
                    int errno = ReadError(message, out string? text);
                    if (errno == 0)
                    {
                        return true;
                    }

                    throw new NetlinkException(operation, errno, text);
                case Nl.NLMSG_NOOP:
                    break;
                default:
                    handler(message);
                    break;
            }
        }

        return false;
    }

    private async ValueTask SendAsync(int length, string operation, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(_requestBuffer.AsMemory(0, length), SocketFlags.None, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetlinkException(operation + " (the kernel took no request within 5 s)", Libc.EAGAIN, null);
        }
        catch (SocketException ex)
        {
            throw new NetlinkException(operation, NativeErrno(ex), null);
        }
    }

    private async ValueTask<int> ReceiveAsync(string operation, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await _socket.ReceiveAsync(_receiveBuffer, SocketFlags.None, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NetlinkException(operation + " (no answer from the kernel within 5 s)", Libc.EAGAIN, null);
        }
        catch (SocketException ex)
        {
            throw new NetlinkException(operation, NativeErrno(ex), null);
        }
    }

    /// <summary>Reads an NLMSG_ERROR payload: s32 -errno, the request's header (capped), then NLMSGERR_ATTR_* TLVs.</summary>
    internal static int ReadError(in NetlinkMessage message, out string? text)
    {
        text = null;
        var payload = message.Payload;
        if (payload.Length < 4)
        {
            return Libc.EINVAL;
        }

        int errno = -BinaryPrimitives.ReadInt32LittleEndian(payload);
        if ((message.Flags & Nl.NLM_F_ACK_TLVS) != 0 && payload.Length >= 4 + Nl.HeaderLength)
        {
            // The request comes back after the errno: its header only when capped, else whole (its own length field).
            uint echoed = (message.Flags & Nl.NLM_F_CAPPED) != 0 ? Nl.HeaderLength : BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
            if (echoed >= Nl.HeaderLength && echoed <= (uint)(payload.Length - 4))
            {
                int skip = Math.Min(Nl.Align(4 + (int)echoed), payload.Length);
                var attributes = new NetlinkAttributeReader(payload[skip..]);
                while (attributes.TryRead(out ushort type, out var value))
                {
                    if (type == Nl.NLMSGERR_ATTR_MSG)
                    {
                        text = NetlinkAttributeReader.ReadString(value);
                    }
                }
            }
        }

        return errno;
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> request, string operation)
    {
        try
        {
            _socket.Send(request);
        }
        catch (SocketException ex)
        {
            throw new NetlinkException(operation, NativeErrno(ex), null);
        }
    }

    private int Receive(string operation) => Receive(_receiveBuffer, operation);

    /// <inheritdoc />
    public int Receive(Span<byte> buffer, string operation)
    {
        try
        {
            return _socket.Receive(buffer);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            throw new NetlinkException(operation + " (no answer from the kernel within 5 s)", Libc.EAGAIN, null);
        }
        catch (SocketException ex)
        {
            throw new NetlinkException(operation, NativeErrno(ex), null);
        }
    }

    /// <summary>The errno behind a <see cref="SocketException"/> (on Unix, NativeErrorCode is the errno).</summary>
    internal static int NativeErrno(SocketException ex) => ex.NativeErrorCode;

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose(); // the semaphore has no wait handle to free; a late caller gets ObjectDisposedException from the socket
}
