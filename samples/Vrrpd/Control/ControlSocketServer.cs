using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Vrrp;
using Vrrp.Hosting;

namespace Vrrpd.Control;

/// <summary>
/// vrrpd's control socket: a Unix stream socket (mode 0600) that only root and vrrpd's own user may use (checked on
/// each connection with the peer's credentials, <c>SO_PEERCRED</c>). Commands go to <see cref="IVrrpController"/>,
/// which writes the audit line with the caller's uid and pid; <c>events</c> streams state changes and control actions
/// in one order. See <see cref="ControlProtocol"/> for the lines.
/// </summary>
internal sealed class ControlSocketServer : IAsyncDisposable
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    private readonly string _path;
    private readonly IVrrpController _controller;
    private readonly IVrrpMonitor _monitor;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _events = new();
    private readonly List<Channel<byte[]>> _subscribers = [];
    private readonly List<Task> _connections = [];
    private readonly uint _ownUid = EffectiveUid();
    private Socket? _listener;
    private Task? _accepting;
    private Task? _pump;

    public ControlSocketServer(string path, IVrrpController controller, IVrrpMonitor monitor, ILogger logger)
    {
        _path = path;
        _controller = controller;
        _monitor = monitor;
        _logger = logger;
    }

    /// <summary>Binds the socket and starts serving; a problem is returned (and vrrpd runs on without the socket).</summary>
    public string? Start()
    {
        if (OperatingSystem.IsWindows())
        {
            return "a control socket needs Linux";
        }

        try
        {
            string? folder = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            if (File.Exists(_path))
            {
                if (InUse(_path))
                {
                    return $"{_path} is in use by another process (another vrrpd?); running without a control socket";
                }

                File.Delete(_path); // left by a process that was killed
            }

            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(_path));
            // Owner only; the peer credentials are checked as well (the mode could be changed by hand).
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
            _listener = listener;
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            return $"cannot listen on {_path}: {ex.Message}; running without a control socket";
        }

        _pump = Task.Run(PumpStateChangesAsync);
        _accepting = Task.Run(AcceptAsync);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        lock (_events)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }
        }

        Task[] running;
        lock (_connections)
        {
            running = [.. _connections];
        }

        try
        {
            await Task.WhenAll([.. running, _accepting ?? Task.CompletedTask, _pump ?? Task.CompletedTask]).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or SocketException or IOException)
        {
        }

        if (_listener is not null)
        {
            try
            {
                File.Delete(_path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        _stopping.Dispose();
    }

    private static bool InUse(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var task = Task.Run(() => ServeAsync(client));
            lock (_connections)
            {
                _connections.RemoveAll(static t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var (pid, uid) = PeerCredentials(socket);
        string actor = $"uid {uid.ToString(CultureInfo.InvariantCulture)} pid {pid.ToString(CultureInfo.InvariantCulture)} (control socket)";
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        var writer = PipeWriter.Create(stream);
        var token = _stopping.Token;
        try
        {
            if (uid != 0 && uid != _ownUid)
            {
                _logger.LogWarning("Control socket: refused a connection from {Actor}: only root and vrrpd's own user may control it", actor);
                await ControlProtocol.WriteLineAsync(writer, j => Error(j, "permission denied: only root (or vrrpd's own user) may use the control socket"), token).ConfigureAwait(false);
                return;
            }

            while (await ControlProtocol.ReadLineAsync(reader, ControlProtocol.MaxCommandLength, token).ConfigureAwait(false) is { } line)
            {
                string[] words = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0)
                {
                    continue;
                }

                if (words is ["events"])
                {
                    await StreamEventsAsync(reader, writer, token).ConfigureAwait(false);
                    return;
                }

                await ControlProtocol.WriteLineAsync(writer, j => Answer(j, words, actor), token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or InvalidDataException or ObjectDisposedException)
        {
            if (ex is InvalidDataException)
            {
                _logger.LogWarning("Control socket: dropped a connection from {Actor}: {Reason}", actor, ex.Message);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Performs one command and writes its answer's fields.</summary>
    private void Answer(Utf8JsonWriter json, string[] words, string actor)
    {
        try
        {
            switch (words)
            {
                case ["status"]:
                    json.WriteBoolean("ok", true);
                    json.WritePropertyName("instances");
                    JsonSerializer.Serialize(json, _monitor.Instances, VrrpJson.InstanceStatusList);
                    return;
                case ["drain", var name]:
                    Control(json, actor, c => c.Drain(name, actor));
                    return;
                case ["resume", var name]:
                    Control(json, actor, c => c.Resume(name, actor));
                    return;
                case ["priority", var name, "reset"]:
                    Control(json, actor, c => c.ResetPriority(name, actor));
                    return;
                case ["priority", var name, var value]:
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int priority))
                    {
                        Error(json, $"priority '{value}' is not a number: priority INSTANCE N (1..254) or priority INSTANCE reset");
                        return;
                    }

                    Control(json, actor, c => c.SetPriority(name, priority, actor));
                    return;
                default:
                    Error(json, $"unknown command '{string.Join(' ', words)}': the commands are {ControlProtocol.Commands}");
                    return;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // The controller wrote the refused audit line; the message goes back to the client.
            string message = ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : ex.Message;
            Error(json, message.ReplaceLineEndings("; "));
        }
    }

    private void Control(Utf8JsonWriter json, string actor, Func<IVrrpController, VrrpControlResult> action)
    {
        VrrpControlResult result;
        lock (_events)
        {
            // Under the event lock: a stream sees the control action before the state changes it causes.
            result = action(_controller);
            Publish(j =>
            {
                j.WriteString("event", "control");
                j.WriteString("actor", actor);
                j.WritePropertyName("result");
                JsonSerializer.Serialize(j, result, ControlJsonContext.Default.VrrpControlResult);
            });
        }

        json.WriteBoolean("ok", true);
        json.WritePropertyName("result");
        JsonSerializer.Serialize(json, result, ControlJsonContext.Default.VrrpControlResult);
    }

    private static void Error(Utf8JsonWriter json, string message)
    {
        json.WriteBoolean("ok", false);
        json.WriteString("error", message);
    }

    /// <summary><c>events</c>: an ok line, each instance's status as it is now, then every event until the client closes.</summary>
    private async Task StreamEventsAsync(PipeReader reader, PipeWriter writer, CancellationToken token)
    {
        var channel = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        lock (_events)
        {
            _subscribers.Add(channel);
            Write(channel, j =>
            {
                j.WriteBoolean("ok", true);
                j.WriteString("events", "state changes and control actions follow, one per line, in order");
            });
            foreach (var status in _monitor.Instances)
            {
                Write(channel, j =>
                {
                    j.WriteString("event", "status");
                    j.WritePropertyName("status");
                    JsonSerializer.Serialize(j, status, VrrpJson.InstanceStatus);
                });
            }
        }

        using var closed = CancellationTokenSource.CreateLinkedTokenSource(token);
        // The client sends nothing more; its end of the stream (or anything it sends) ends the subscription.
        var watchClose = Task.Run(async () =>
        {
            try
            {
                await reader.ReadAsync(closed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
            }
            finally
            {
                await closed.CancelAsync().ConfigureAwait(false);
            }
        });

        try
        {
            await foreach (byte[] line in channel.Reader.ReadAllAsync(closed.Token).ConfigureAwait(false))
            {
                await writer.WriteAsync(line, closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
        finally
        {
            lock (_events)
            {
                _subscribers.Remove(channel);
            }

            await closed.CancelAsync().ConfigureAwait(false);
            await watchClose.ConfigureAwait(false);
        }
    }

    private async Task PumpStateChangesAsync()
    {
        try
        {
            await foreach (var change in _monitor.WatchAsync(_stopping.Token).ConfigureAwait(false))
            {
                lock (_events)
                {
                    Publish(j =>
                    {
                        j.WriteString("event", "state");
                        j.WritePropertyName("change");
                        JsonSerializer.Serialize(j, change, VrrpJson.StateChange);
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Callers hold _events.
    private void Publish(Action<Utf8JsonWriter> write)
    {
        if (_subscribers.Count == 0)
        {
            return;
        }

        byte[] line = Line(write);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Writer.TryWrite(line);
        }
    }

    private static void Write(Channel<byte[]> channel, Action<Utf8JsonWriter> write) => channel.Writer.TryWrite(Line(write));

    private static byte[] Line(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, ControlProtocol.WriterOptions))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static (int Pid, uint Uid) PeerCredentials(Socket socket)
    {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> ucred = stackalloc byte[12];
        int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        return length < 12
            ? (0, uint.MaxValue)
            : (BitConverter.ToInt32(ucred[..4]), BitConverter.ToUInt32(ucred[4..8]));
    }

    /// <summary>The process's effective uid, from /proc/self/status (<c>Uid: real effective saved fs</c>).</summary>
    private static uint EffectiveUid()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    string[] ids = line[4..].Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return uint.Parse(ids[1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
        }

        return 0;
    }
}
