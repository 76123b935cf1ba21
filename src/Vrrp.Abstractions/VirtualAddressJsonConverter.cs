using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vrrp;

/// <summary>
/// Writes a <see cref="VirtualAddress"/> as <c>{"address":"192.0.2.100","prefixLength":24}</c>, with
/// <c>"label"</c> and <c>"device"</c> when they are set, and reads that back (or keepalived's text
/// <c>"192.0.2.100/24"</c>). <see cref="VirtualAddress"/> carries it as its <see cref="JsonConverterAttribute"/>
/// (trimming and native AOT safe).
/// </summary>
public sealed class VirtualAddressJsonConverter : JsonConverter<VirtualAddress>
{
    /// <inheritdoc />
    public override VirtualAddress? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                try
                {
                    return VirtualAddress.Parse(reader.GetString()!);
                }
                catch (FormatException ex)
                {
                    throw new JsonException(ex.Message, ex);
                }

            case JsonTokenType.StartObject:
                break;
            default:
                throw new JsonException($"A virtual address is an object such as {{\"address\":\"192.0.2.100\",\"prefixLength\":24}} or a string such as \"192.0.2.100/24\", not {reader.TokenType}.");
        }

        IPAddressValue? address = null;
        int? prefixLength = null;
        string? label = null;
        string? device = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name.ToLowerInvariant())
            {
                case "address":
                    address = IPAddressValue.TryParse(reader.GetString(), out var parsed) ? parsed : throw new JsonException($"'{reader.GetString()}' is not an IPv4 or IPv6 address.");
                    break;
                case "prefixlength":
                    prefixLength = reader.GetInt32();
                    break;
                case "label":
                    label = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                case "device":
                    device = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return address is { } a
            ? new VirtualAddress(a, prefixLength, label, device)
            : throw new JsonException("A virtual address needs an \"address\".");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, VirtualAddress value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        writer.WriteString("address", value.Address.ToString());
        writer.WriteNumber("prefixLength", value.PrefixLength);
        if (value.Label is not null)
        {
            writer.WriteString("label", value.Label);
        }

        if (value.Device is not null)
        {
            writer.WriteString("device", value.Device);
        }

        writer.WriteEndObject();
    }
}
