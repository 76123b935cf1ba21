using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vrrpd.Control;

/// <summary><c>vrrpd status</c> and <c>vrrpd ctl ...</c>: one command over the control socket, its answer printed.</summary>
internal static class ControlClient
{
    /// <summary>Runs the client side of <paramref name="commandLine"/>; returns the exit status.</summary>
    public static async Task<int> RunAsync(DaemonCommandLine commandLine, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string path = commandLine.ControlSocket!;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        }
        catch (SocketException ex)
        {
            error.WriteLine($"vrrpd: cannot connect to {path}: {ex.Message} (is vrrpd running? another socket is given with --control-socket=PATH)");
            return 1;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        var writer = PipeWriter.Create(stream);
        bool events = commandLine.Mode is DaemonMode.Control && commandLine.ControlCommand is ["events"];
        string command = commandLine.Mode is DaemonMode.Status ? "status" : string.Join(' ', commandLine.ControlCommand);
        try
        {
            writer.Write(Encoding.UTF8.GetBytes(command + "\n"));
            await writer.FlushAsync(cancellationToken);
            string? line = await ControlProtocol.ReadLineAsync(reader, ControlProtocol.MaxAnswerLength, cancellationToken);
            if (line is null)
            {
                error.WriteLine($"vrrpd: {path} closed the connection without an answer");
                return 1;
            }

            using var answer = JsonDocument.Parse(line);
            var root = answer.RootElement;
            if (!root.GetProperty("ok").GetBoolean())
            {
                error.WriteLine($"vrrpd: {root.GetProperty("error").GetString()}");
                return 1;
            }

            if (events)
            {
                // JSON lines, as they come, until interrupted or vrrpd stops.
                while (await ControlProtocol.ReadLineAsync(reader, ControlProtocol.MaxAnswerLength, cancellationToken) is { } next)
                {
                    output.WriteLine(next);
                    output.Flush();
                }

                return 0;
            }

            if (commandLine.Mode is DaemonMode.Status)
            {
                var instances = root.GetProperty("instances");
                output.WriteLine(commandLine.Json ? instances.GetRawText() : FormatStatus(instances));
                return 0;
            }

            var result = root.GetProperty("result");
            output.WriteLine(commandLine.Json
                ? result.GetRawText()
                : $"{result.GetProperty("instance").GetString()}: {result.GetProperty("message").GetString()}");
            return 0;
        }
        catch (OperationCanceledException)
        {
            return events ? 0 : 1;
        }
        catch (Exception ex) when (ex is IOException or SocketException or JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
        {
            error.WriteLine($"vrrpd: {path}: {ex.Message}");
            return 1;
        }
        finally
        {
            await reader.CompleteAsync();
            await writer.CompleteAsync();
        }
    }

    /// <summary>The human form of <c>vrrpd status</c>: a few lines per instance.</summary>
    internal static string FormatStatus(JsonElement instances)
    {
        var text = new StringBuilder();
        foreach (var s in instances.EnumerateArray())
        {
            string state = Upper(s.GetProperty("state").GetString());
            int effective = s.GetProperty("effectivePriority").GetInt32();
            int configured = s.GetProperty("configuredPriority").GetInt32();
            string priority = $"priority {effective.ToString(CultureInfo.InvariantCulture)}";
            var details = new List<string>();
            if (s.TryGetProperty("priorityOverride", out var over) && over.ValueKind == JsonValueKind.Number)
            {
                details.Add($"override {over.GetInt32().ToString(CultureInfo.InvariantCulture)}");
            }

            details.Add($"configured {configured.ToString(CultureInfo.InvariantCulture)}");
            string version = s.GetProperty("version").GetString() is "V2" ? "VRRPv2" : "VRRPv3";
            text.Append(CultureInfo.InvariantCulture, $"{s.GetProperty("name").GetString()}: {state}{(s.GetProperty("isDrained").GetBoolean() ? " (drained)" : "")}, {priority} ({string.Join(", ", details)}), ")
                .Append(CultureInfo.InvariantCulture, $"{s.GetProperty("interface").GetString()} VRID {s.GetProperty("virtualRouterId").GetInt32().ToString(CultureInfo.InvariantCulture)} {version}");
            if (s.TryGetProperty("masterAddress", out var master) && master.ValueKind == JsonValueKind.String)
            {
                text.Append(CultureInfo.InvariantCulture, $", master {master.GetString()}");
            }

            text.AppendLine();
            var vips = s.GetProperty("virtualAddresses").EnumerateArray()
                .Select(static v => $"{v.GetProperty("address").GetString()}/{v.GetProperty("prefixLength").GetInt32().ToString(CultureInfo.InvariantCulture)}")
                .ToList();
            bool holds = s.GetProperty("holdsVirtualAddresses").GetBoolean();
            text.Append(CultureInfo.InvariantCulture, $"  VIPs {(vips.Count == 0 ? "none" : string.Join(' ', vips))}: {(holds ? "held by this node" : "not held")}");
            if (s.TryGetProperty("addressError", out var addressError) && addressError.ValueKind == JsonValueKind.String)
            {
                text.Append(CultureInfo.InvariantCulture, $" (address error: {addressError.GetString()})");
            }

            text.AppendLine();
            if (s.TryGetProperty("lastStateChange", out var last) && last.ValueKind == JsonValueKind.Object)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  last transition {last.GetProperty("timestamp").GetString()}: {Upper(last.GetProperty("previousState").GetString())} -> {Upper(last.GetProperty("state").GetString())} ({last.GetProperty("reason").GetString()})");
            }
            else
            {
                text.AppendLine("  no transition yet");
            }

            if (s.TryGetProperty("faults", out var faults) && faults.GetArrayLength() > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  faults: {string.Join(", ", faults.EnumerateArray().Select(static f => f.GetString()))}");
            }

            if (s.TryGetProperty("versionMismatch", out var mismatch) && mismatch.ValueKind == JsonValueKind.Object)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  VERSION MISMATCH: {mismatch.GetProperty("peer").GetString()} speaks {mismatch.GetProperty("peerVersion").GetString()}");
            }
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string Upper(string? state) => state is "Initialize" ? "INIT" : (state ?? "?").ToUpperInvariant();
}
