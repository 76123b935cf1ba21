using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vrrp;
using Vrrp.Hosting;

namespace Vrrpd.Control;

/// <summary>
/// The control socket's protocol: a byte stream of lines in both directions. The client writes one command per line
/// (<c>status</c>, <c>drain VI_1</c>, <c>resume VI_1</c>, <c>priority VI_1 200</c>, <c>priority VI_1 reset</c>,
/// <c>events</c>); vrrpd answers each with one JSON object on one line, <c>{"ok":true,...}</c> or
/// <c>{"ok":false,"error":"..."}</c>. After <c>events</c> the connection carries one JSON object per line for every
/// state change and control action, in the order they happened, until the client closes it.
/// </summary>
internal static class ControlProtocol
{
    /// <summary>The longest command line vrrpd accepts (a command is a few words).</summary>
    public const int MaxCommandLength = 1024;

    /// <summary>The longest answer or event line the client accepts.</summary>
    public const int MaxAnswerLength = 16 << 20;

    /// <summary>The commands, for the error that answers an unknown one.</summary>
    public const string Commands = "status, drain INSTANCE, resume INSTANCE, priority INSTANCE N|reset, events";

    /// <summary>
    /// Reads the next line (without its <c>\n</c>, and a <c>\r</c> before it) from <paramref name="reader"/>; null at the
    /// end of the stream. A line longer than <paramref name="maxLength"/> bytes is an error (the peer does not speak
    /// the protocol).
    /// </summary>
    public static async ValueTask<string?> ReadLineAsync(PipeReader reader, int maxLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadLine(ref buffer, maxLength, out string? line))
            {
                reader.AdvanceTo(buffer.Start);
                return line;
            }

            if (buffer.Length > maxLength)
            {
                reader.AdvanceTo(buffer.End);
                throw new InvalidDataException($"a line longer than {maxLength} bytes");
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                // The last line may lack its newline.
                string? rest = buffer.Length == 0 ? null : Decode(buffer);
                reader.AdvanceTo(buffer.End);
                return rest;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// How lines are written: readable text (<c>-&gt;</c>, quotes and non-ASCII names as they are; the socket is local, the
    /// output goes to a terminal or a JSON parser, never into HTML).
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one JSON object and its newline, then flushes.</summary>
    public static async ValueTask WriteLineAsync(PipeWriter writer, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        using (var json = new Utf8JsonWriter(writer, WriterOptions))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        writer.Write("\n"u8);
        var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushed.IsCanceled || flushed.IsCompleted)
        {
            throw new IOException("the client closed the connection");
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, int maxLength, out string? line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, (byte)'\n'))
        {
            line = null;
            return false;
        }

        if (bytes.Length > maxLength)
        {
            throw new InvalidDataException($"a line longer than {maxLength} bytes");
        }

        line = Decode(bytes).TrimEnd('\r');
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static string Decode(ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes);
}

/// <summary>Source-generated JSON metadata of what the control socket writes besides the status types (native AOT safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(VrrpControlResult))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
