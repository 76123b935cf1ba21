using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Sockets;

namespace Vrrp.Linux.Processes;

/// <summary>What one receive from the process connector gave.</summary>
/// <param name="Length">The datagram's length (0 with <paramref name="EventsLost"/>).</param>
/// <param name="EventsLost">The kernel dropped events because the receive buffer was full (ENOBUFS).</param>
internal readonly record struct ProcessDatagram(int Length, bool EventsLost);

/// <summary>A source of process connector datagrams: the kernel's (<see cref="ProcessConnector"/>), or a test's.</summary>
internal interface IProcessEventSocket : IDisposable
{
    /// <summary>Waits for the next datagram.</summary>
    ValueTask<ProcessDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Doubles the receive buffer after lost events (best effort), as keepalived does.</summary>
    /// <returns>The new size asked for, in bytes.</returns>
    int GrowReceiveBuffer();
}

/// <summary>Why the process connector cannot be used.</summary>
internal enum ProcessConnectorProblem
{
    /// <summary>The kernel has no connector (CONFIG_CONNECTOR) or no process events (CONFIG_PROC_EVENTS).</summary>
    NotInKernel,

    /// <summary>The kernel refused the subscription: kernels before 6.6 require CAP_NET_ADMIN.</summary>
    NotPermitted,

    /// <summary>The connector exists only in the initial network namespace, and it could not be entered.</summary>
    OtherNetworkNamespace,

    /// <summary>The kernel did not answer the subscription: no CONFIG_PROC_EVENTS, or a PID/user namespace (a container).</summary>
    NoAnswer,

    /// <summary>Another failure of a system call.</summary>
    Failed,
}

/// <summary>The kernel's process connector cannot be used; the message says what is missing.</summary>
internal sealed class ProcessConnectorUnavailableException : InvalidOperationException
{
    public ProcessConnectorUnavailableException(ProcessConnectorProblem problem, int errno, string message, Exception? inner = null)
        : base(message, inner)
    {
        Problem = problem;
        Errno = errno;
    }

    /// <summary>What is missing.</summary>
    public ProcessConnectorProblem Problem { get; }

    /// <summary>The errno behind it (0 when there is none).</summary>
    public int Errno { get; }
}

/// <summary>
/// The kernel's process events: a NETLINK_CONNECTOR socket joined to the CN_IDX_PROC group, subscribed with
/// PROC_CN_MCAST_LISTEN (and the kernel's acknowledgement awaited, so that a kernel or a namespace that will never send
/// events is an error at once), unsubscribed with PROC_CN_MCAST_IGNORE when disposed.
/// </summary>
/// <remarks>
/// The connector only exists in the initial network namespace (a request from another one is refused with
/// ECONNREFUSED); from another namespace the socket is opened in the initial one through /proc/1/ns/net, which needs
/// CAP_SYS_ADMIN. The kernel ignores subscriptions from outside the initial PID and user namespaces, without an answer.
/// Only the kernel and holders of CAP_NET_ADMIN can send on this protocol, so the sender is not checked.
/// </remarks>
internal sealed class ProcessConnector : IProcessEventSocket
{
    /// <summary>The receive buffer asked for at first (keepalived's <c>process_monitor_rcv_bufs</c> default is the
    /// system's, about 208 KiB, which its manual finds too small for 1,400 processes exiting at once).</summary>
    internal const int DefaultReceiveBufferSize = 1024 * 1024;

    private const int MaxReceiveBufferSize = 32 * 1024 * 1024;
    private const int SO_RCVBUF = 8;
    private const int SO_RCVBUFFORCE = 33;
    private const int EPROTONOSUPPORT = 93;
    private const int EAFNOSUPPORT = 97;
    private const int ECONNREFUSED = 111;
    private const int SocketTypeDatagram = 2;

    // Where the initial network namespace may be: the main thread's (when only the calling thread switched), init's.
    private static readonly string[] InitialNetworkNamespaceCandidates = ["/proc/self/ns/net", "/proc/1/ns/net"];

    private readonly Socket _socket;
    private readonly uint _portId;
    private int _receiveBufferSize;
    private bool? _force;
    private int _listening;
    private int _disposed;

    private ProcessConnector(Socket socket, uint portId, int receiveBufferSize)
    {
        _socket = socket;
        _portId = portId;
        _receiveBufferSize = receiveBufferSize;
    }

    /// <summary>Opens and subscribes.</summary>
    /// <param name="receiveBufferSize">The receive buffer to ask for, in bytes.</param>
    /// <param name="acknowledgementTimeout">How long to wait for the kernel's answer (default 2 s).</param>
    /// <param name="force">
    /// How the buffer (and its doublings) is set: SO_RCVBUFFORCE (true), SO_RCVBUF (false), as keepalived's
    /// <c>process_monitor_rcv_bufs_force</c> says; null tries SO_RCVBUFFORCE, then SO_RCVBUF.
    /// </param>
    /// <exception cref="ProcessConnectorUnavailableException">The connector cannot be used; the message says why.</exception>
    public static ProcessConnector Open(int receiveBufferSize = DefaultReceiveBufferSize, TimeSpan? acknowledgementTimeout = null, bool? force = null)
    {
        TimeSpan timeout = acknowledgementTimeout ?? TimeSpan.FromSeconds(2);
        try
        {
            return OpenHere(receiveBufferSize, timeout, force);
        }
        catch (ProcessConnectorUnavailableException here) when (here.Problem == ProcessConnectorProblem.OtherNetworkNamespace)
        {
            // This thread is in another network namespace. The process's main thread may still be in the initial one
            // (only this thread switched); otherwise the initial one is init's.
            var failures = new List<string>();
            foreach (string path in InitialNetworkNamespaceCandidates)
            {
                try
                {
                    return NetworkNamespace.RunAt(path, $"the network namespace of {path}", () => OpenHere(receiveBufferSize, timeout, force));
                }
                catch (ProcessConnectorUnavailableException there) when (there.Problem == ProcessConnectorProblem.OtherNetworkNamespace)
                {
                    failures.Add($"{path} is not the initial network namespace either");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || (ex is InvalidOperationException && ex is not ProcessConnectorUnavailableException))
                {
                    failures.Add($"{path}: {ex.Message}");
                }
            }

            throw new ProcessConnectorUnavailableException(
                ProcessConnectorProblem.OtherNetworkNamespace,
                here.Errno,
                "Process tracking cannot start: this thread runs in a network namespace other than the initial one, " +
                "and the kernel's process connector exists only in the initial one. Entering it failed (" +
                string.Join("; ", failures) + "); that needs CAP_SYS_ADMIN and access to /proc/1/ns/net. Start the " +
                "tracker before entering the namespace (as keepalived does), or grant that access.");
        }
    }

    private static unsafe ProcessConnector OpenHere(int receiveBufferSize, TimeSpan timeout, bool? force)
    {
        int fd = Libc.Socket(Libc.AF_NETLINK, SocketTypeDatagram | Libc.SOCK_CLOEXEC, ProcessEventParser.NETLINK_CONNECTOR);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno is EPROTONOSUPPORT or EAFNOSUPPORT
                ? new ProcessConnectorUnavailableException(
                    ProcessConnectorProblem.NotInKernel,
                    errno,
                    "Process tracking cannot start: the kernel has no process connector (netlink protocol NETLINK_CONNECTOR " +
                    "is not supported). It needs a kernel built with CONFIG_CONNECTOR and CONFIG_PROC_EVENTS.")
                : Failure("open a NETLINK_CONNECTOR socket", errno);
        }

        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        try
        {
            // sockaddr_nl { u16 family, u16 pad, u32 pid (0: the kernel assigns), u32 groups (CN_IDX_PROC's bit) }.
            byte* address = stackalloc byte[12];
            var addressSpan = new Span<byte>(address, 12);
            addressSpan.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(addressSpan, Libc.AF_NETLINK);
            BinaryPrimitives.WriteUInt32LittleEndian(addressSpan[8..], 1u << ((int)ProcessEventParser.CN_IDX_PROC - 1));
            if (Libc.Bind(socket.SafeHandle, address, 12) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno is Libc.EPERM or Libc.EACCES ? NotPermitted(errno, "joining the process events multicast group") : Failure("bind to the process events group", errno);
            }

            int length = 12;
            if (Libc.GetSockName(socket.SafeHandle, address, &length) != 0)
            {
                throw Failure("read the connector socket's port id", Marshal.GetLastPInvokeError());
            }

            uint portId = BinaryPrimitives.ReadUInt32LittleEndian(addressSpan[4..]);
            SetReceiveBuffer(socket, receiveBufferSize, force);
            var connector = new ProcessConnector(socket, portId, receiveBufferSize) { _force = force };
            connector.Subscribe(timeout);
            return connector;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends PROC_CN_MCAST_LISTEN and waits for the kernel's acknowledgement of this very request.</summary>
    private void Subscribe(TimeSpan timeout)
    {
        uint acknowledgement = (uint)Random.Shared.Next(1, int.MaxValue);
        Span<byte> request = stackalloc byte[ProcessEventParser.RequestLength];
        ProcessEventParser.WriteRequest(request, _portId, acknowledgement, ProcessEventParser.PROC_CN_MCAST_LISTEN);
        try
        {
            _socket.Send(request);
        }
        catch (SocketException ex)
        {
            int errno = ex.NativeErrorCode;
            if (errno == ECONNREFUSED || ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                throw new ProcessConnectorUnavailableException(
                    ProcessConnectorProblem.OtherNetworkNamespace,
                    ECONNREFUSED,
                    "Process tracking cannot start here: the kernel's process connector exists only in the initial network namespace.");
            }

            throw errno == Libc.EPERM ? NotPermitted(errno, "subscribing to process events") : Failure("subscribe to process events", errno);
        }

        // Other listeners' events, and their acknowledgements, arrive on the same group: wait for ours (bounded).
        byte[] buffer = new byte[4096];
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                throw NoAnswer(timeout);
            }

            _socket.ReceiveTimeout = (int)Math.Max(1, remaining);
            int received;
            try
            {
                received = _socket.Receive(buffer);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                continue;
            }
            catch (SocketException ex) when (ex.NativeErrorCode == Libc.ENOBUFS || ex.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
            {
                continue; // a burst of other events; ours may still come
            }
            catch (SocketException ex)
            {
                throw Failure("wait for the process connector's answer", ex.NativeErrorCode);
            }

            var reader = new ProcessEventReader(buffer.AsSpan(0, received));
            while (reader.TryRead(out var processEvent, out var drop))
            {
                if (drop != ProcessEventDrop.None || processEvent.Kind != ProcessEventKind.Acknowledgement || processEvent.AcknowledgementNumber != acknowledgement + 1)
                {
                    continue;
                }

                if (processEvent.Error == 0)
                {
                    _socket.ReceiveTimeout = 0;
                    Volatile.Write(ref _listening, 1);
                    return;
                }

                throw processEvent.Error == Libc.EPERM
                    ? NotPermitted(Libc.EPERM, "subscribing to process events")
                    : Failure("subscribe to process events (the kernel's answer)", processEvent.Error);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<ProcessDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            int received = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return new ProcessDatagram(received, false);
        }
        catch (SocketException ex) when (ex.NativeErrorCode == Libc.ENOBUFS || ex.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
        {
            return new ProcessDatagram(0, true);
        }
    }

    /// <inheritdoc />
    public int GrowReceiveBuffer()
    {
        _receiveBufferSize = (int)Math.Min((long)_receiveBufferSize * 2, MaxReceiveBufferSize);
        SetReceiveBuffer(_socket, _receiveBufferSize, _force);
        return _receiveBufferSize;
    }

    /// <summary>Unsubscribes (PROC_CN_MCAST_IGNORE: the kernel counts listeners) and closes.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _listening) == 1)
        {
            Span<byte> request = stackalloc byte[ProcessEventParser.RequestLength];
            ProcessEventParser.WriteRequest(request, _portId, 0, ProcessEventParser.PROC_CN_MCAST_IGNORE);
            try
            {
                _socket.Send(request);
            }
            catch (SocketException)
            {
                // Best effort: the socket is closed anyway.
            }
        }

        _socket.Dispose();
    }

    /// <summary>
    /// SO_RCVBUFFORCE (allowed with CAP_NET_ADMIN, beyond net.core.rmem_max), else SO_RCVBUF; or only the one
    /// <paramref name="force"/> names.
    /// </summary>
    private static void SetReceiveBuffer(Socket socket, int size, bool? force)
    {
        if (force is { } only)
        {
            try
            {
                socket.SetRawSocketOption(SocketOptions.SOL_SOCKET, only ? SO_RCVBUFFORCE : SO_RCVBUF, BitConverter.GetBytes(size));
            }
            catch (SocketException)
            {
                // The buffer stays as it was; lost events are still detected and repaired by a re-read.
            }

            return;
        }

        try
        {
            socket.SetRawSocketOption(SocketOptions.SOL_SOCKET, SO_RCVBUFFORCE, BitConverter.GetBytes(size));
        }
        catch (SocketException)
        {
            try
            {
                socket.SetRawSocketOption(SocketOptions.SOL_SOCKET, SO_RCVBUF, BitConverter.GetBytes(size));
            }
            catch (SocketException)
            {
                // The system's default stays; lost events are still detected and repaired by a re-read.
            }
        }
    }

    internal static ProcessConnectorUnavailableException NoAnswer(TimeSpan timeout) => new(
        ProcessConnectorProblem.NoAnswer,
        0,
        $"Process tracking cannot start: the kernel did not answer the subscription to process events within {timeout.TotalSeconds:0.#} s. " +
        "Either the kernel lacks CONFIG_PROC_EVENTS, or this process runs outside the initial PID or user namespace " +
        "(a container), where the kernel ignores such subscriptions.");

    internal static ProcessConnectorUnavailableException NotPermitted(int errno, string what) => new(
        ProcessConnectorProblem.NotPermitted,
        errno,
        $"Process tracking cannot start: the kernel refused {what} (errno {errno}, {Marshal.GetPInvokeErrorMessage(errno)}). " +
        "Kernels before 6.6 require CAP_NET_ADMIN for process events: run as root, or grant the capability " +
        "(setcap cap_net_admin+ep, or AmbientCapabilities=CAP_NET_ADMIN in a systemd unit).");

    internal static ProcessConnectorUnavailableException Failure(string what, int errno) => new(
        ProcessConnectorProblem.Failed,
        errno,
        $"Process tracking cannot start: could not {what} (errno {errno}, {Marshal.GetPInvokeErrorMessage(errno)}).");
}
