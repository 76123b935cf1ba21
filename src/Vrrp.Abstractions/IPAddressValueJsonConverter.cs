using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vrrp;

/// <summary>
/// Writes an <see cref="IPAddressValue"/> as its text (<c>"192.0.2.1"</c>, <c>"fe80::1"</c>) and reads it back.
/// <see cref="IPAddressValue"/> carries it as its <see cref="JsonConverterAttribute"/>, so System.Text.Json uses it by
/// itself, with reflection or with a source-generated <see cref="JsonSerializerContext"/> (trimming and native AOT
/// safe).
/// </summary>
public sealed class IPAddressValueJsonConverter : JsonConverter<IPAddressValue>
{
    /// <inheritdoc />
    public override IPAddressValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"An IP address must be a JSON string such as \"192.0.2.1\", not {reader.TokenType}.");
        }

        string text = reader.GetString()!;
        return IPAddressValue.TryParse(text, out var value) ? value : throw new JsonException($"'{text}' is not an IPv4 or IPv6 address.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IPAddressValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> text = stackalloc char[64];
        writer.WriteStringValue(value.ToIPAddress().TryFormat(text, out int written) ? text[..written] : value.ToString());
    }

    /// <inheritdoc />
    public override IPAddressValue ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Read(ref reader, typeToConvert, options);

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, IPAddressValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.ToString());
    }
}
