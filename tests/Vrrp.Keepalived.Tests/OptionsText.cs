using System.Text.Json;

namespace Vrrp.Keepalived.Tests;

/// <summary>A deep, readable rendering of options for equality checks (every public property, nested lists included).</summary>
internal static class OptionsText
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public static string Of(object options) => JsonSerializer.Serialize(options, options.GetType(), s_json);
}
