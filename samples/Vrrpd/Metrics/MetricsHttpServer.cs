using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vrrpd.Metrics;

/// <summary>
/// The smallest HTTP/1.1 server Prometheus needs: <c>GET /metrics</c> (or <c>HEAD</c>) answers the exposition;
/// another path is 404, another method 405, a request that is not HTTP 400, a request head over
/// <see cref="MaxRequestBytes"/> 431. One request per connection (<c>Connection: close</c>), a client that is too
/// slow to send its request or read the answer is dropped after <see cref="ClientTimeout"/>, and at most
/// <see cref="MaxConnections"/> are served at once (more are closed at once). A client's misbehaviour closes its
/// connection, never the daemon.
/// </summary>
internal sealed class MetricsHttpServer : IAsyncDisposable
{
    /// <summary>The largest request head (request line and headers) read.</summary>
    public const int MaxRequestBytes = 8192;

    /// <summary>The connections served at the same time.</summary>
    public const int MaxConnections = 8;

    private const int SolSocket = 1; // <sys/socket.h> on Linux
    private const int SoReuseAddr = 2;

    private readonly Func<(byte[] Rented, int Length)> _scrape;
    private readonly string _path;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private int _connections;

    /// <summary>
    /// A server answering <paramref name="path"/> with what <paramref name="scrape"/> returns: UTF-8 text in an array
    /// rented from <see cref="ArrayPool{T}.Shared"/>, which the server returns once sent.
    /// </summary>
    public MetricsHttpServer(Func<(byte[] Rented, int Length)> scrape, string path, TimeSpan clientTimeout)
    {
        _scrape = scrape;
        _path = path;
        ClientTimeout = clientTimeout;
    }

    /// <summary>How long a client has to send its request and read the answer.</summary>
    public TimeSpan ClientTimeout { get; }

    /// <summary>Where it listens (the port chosen when 0 was asked), once started.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>
    /// Binds and listens on <paramref name="endPoint"/> (<see cref="IPAddress.IPv6Any"/> listens on every IPv4 and
    /// IPv6 address, or on every IPv4 one where IPv6 is off), then accepts in the background.
    /// </summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not local, no permission).</exception>
    public void Start(IPEndPoint endPoint)
    {
        Socket socket;
        try
        {
            socket = Bind(endPoint);
        }
        catch (SocketException ex) when (endPoint.Address.Equals(IPAddress.IPv6Any) && ex.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
        {
            socket = Bind(new IPEndPoint(IPAddress.Any, endPoint.Port));
        }

        _listener = socket;
        _accepting = Task.Run(AcceptAsync);
    }

    private static Socket Bind(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // A restart binds again while the last run's connections are in TIME_WAIT (the server closes first); a
            // live listener on the port still refuses (A_port_in_use_is_a_socket_error_at_start). SO_REUSEADDR alone,
            // set raw: .NET's ReuseAddress option also sets SO_REUSEPORT on Linux, which lets a second vrrpd share
            // the port.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            socket.Bind(endPoint);
            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops accepting and waits for the accept loop (connections in progress end on their own timeout).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener!.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before it was accepted, or out of descriptors for a moment: go on.
                await Task.Delay(10).ConfigureAwait(false);
                continue;
            }

            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(ClientTimeout);
            await using var stream = new NetworkStream(client, ownsSocket: false);
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
            try
            {
                var (status, head) = await ReadRequestAsync(reader, timeout.Token).ConfigureAwait(false);
                if (status != 0)
                {
                    var (answerHead, body, rented) = Answer(status, head);
                    try
                    {
                        await stream.WriteAsync(answerHead, timeout.Token).ConfigureAwait(false);
                        if (head?.Method != "HEAD")
                        {
                            await stream.WriteAsync(body, timeout.Token).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        if (rented is not null)
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                        }
                    }

                    client.Shutdown(SocketShutdown.Send);
                    await DrainAsync(reader, timeout.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Too slow, gone, or reset: its connection closes; the daemon goes on.
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _connections);
        }
    }

    /// <summary>
    /// Reads what the client still sends (bounded) until it closes: closing with unread bytes would reset the
    /// connection, and the client could lose the answer (a 400 or 431 sent before the rest of its request was read).
    /// </summary>
    private static async Task DrainAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        long drained = 0;
        while (drained < 16 * MaxRequestBytes)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            drained += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>The answer's status and, for a good request, its method and path; status 0 when the client left.</summary>
    internal async Task<(int Status, RequestHead? Head)> ReadRequestAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var end = FindEndOfHead(buffer);
            if (end is { } length)
            {
                var head = ParseHead(buffer.Slice(0, length));
                reader.AdvanceTo(buffer.GetPosition(length));
                return head is null ? (400, null) : (Status(head.Value), head);
            }

            if (buffer.Length > MaxRequestBytes)
            {
                reader.AdvanceTo(buffer.End);
                return (431, null);
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.Length == 0 ? (0, null) : (400, null);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private int Status(RequestHead head)
    {
        string path = head.Target;
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        if (path != _path)
        {
            return 404;
        }

        return head.Method is "GET" or "HEAD" ? 200 : 405;
    }

    /// <summary>The length of the request head up to and with its empty line (CRLF CRLF, or LF LF), or null when not yet there.</summary>
    private static long? FindEndOfHead(ReadOnlySequence<byte> buffer)
    {
        var bytes = buffer.Length > MaxRequestBytes + 4 ? buffer.Slice(0, MaxRequestBytes + 4) : buffer;
        byte[] copy = bytes.ToArray();
        int crlf = copy.AsSpan().IndexOf("\r\n\r\n"u8);
        int lf = copy.AsSpan().IndexOf("\n\n"u8);
        int end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
        return end < 0 || end > MaxRequestBytes ? null : end;
    }

    /// <summary>A request line <c>METHOD SP TARGET SP HTTP/1.x</c>, or null when it is not one.</summary>
    internal static RequestHead? ParseHead(ReadOnlySequence<byte> head)
    {
        byte[] bytes = head.ToArray();
        int lineEnd = bytes.AsSpan().IndexOf((byte)'\n');
        var line = bytes.AsSpan(0, lineEnd < 0 ? bytes.Length : lineEnd);
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        foreach (byte b in line)
        {
            if (b is < 0x20 or >= 0x7f)
            {
                return null;
            }
        }

        string[] parts = Encoding.ASCII.GetString(line).Split(' ');
        if (parts is not [{ Length: > 0 } method, { Length: > 0 } target, var version]
            || !version.StartsWith("HTTP/1.", StringComparison.Ordinal) || version.Length != "HTTP/1.1".Length
            || !char.IsAsciiDigit(version[^1]) || !target.StartsWith('/'))
        {
            return null;
        }

        foreach (char c in method)
        {
            if (!char.IsAsciiLetterUpper(c))
            {
                return null;
            }
        }

        return new RequestHead(method, target);
    }

    /// <summary>The answer's head and body; the body's array is rented when the third item is not null.</summary>
    private (byte[] Head, ReadOnlyMemory<byte> Body, byte[]? Rented) Answer(int status, RequestHead? head)
    {
        string reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            431 => "Request Header Fields Too Large",
            _ => "Error",
        };
        ReadOnlyMemory<byte> body;
        byte[]? rented = null;
        string contentType;
        int code = status;
        if (status == 200)
        {
            try
            {
                var (array, length) = _scrape();
                rented = array;
                body = array.AsMemory(0, length);
                contentType = PrometheusText.ContentType;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // An instrument's callback failed: say so to the scraper rather than serve half an exposition.
                code = 500;
                reason = "Internal Server Error";
                body = Encoding.UTF8.GetBytes("collecting the metrics failed: " + ex.Message + "\n");
                contentType = "text/plain; charset=utf-8";
            }
        }
        else
        {
            body = Encoding.UTF8.GetBytes(reason + "\n");
            contentType = "text/plain; charset=utf-8";
        }

        var text = new StringBuilder(128)
            .Append("HTTP/1.1 ").Append(code.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(reason).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (status == 405)
        {
            text.Append("Allow: GET, HEAD\r\n");
        }

        text.Append("Connection: close\r\n\r\n");
        return (Encoding.ASCII.GetBytes(text.ToString()), body, rented);
    }

    /// <summary>The parts of a request line vrrpd looks at.</summary>
    internal readonly record struct RequestHead(string Method, string Target);
}
