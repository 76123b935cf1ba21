using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Vrrp;

/// <summary>
/// System.Text.Json for the status vocabulary (<see cref="VrrpInstanceStatus"/>, <see cref="VrrpStateChange"/>),
/// source-generated: trimming and native AOT safe. camelCase names, enums as their names (<c>"Master"</c>,
/// <c>"MasterDownTimerExpired"</c>), addresses as text (<c>"192.0.2.100"</c>), durations as <c>"00:00:01"</c>, times
/// in ISO 8601.
/// </summary>
/// <example><code>
/// string json = JsonSerializer.Serialize(driver.GetStatus(), VrrpJson.InstanceStatusList);
/// // or, combined with your own context: options.TypeInfoResolverChain.Add(VrrpJson.TypeInfoResolver);
/// </code></example>
public static class VrrpJson
{
    /// <summary>Options that serialize and deserialize the status types (read-only).</summary>
    public static JsonSerializerOptions Options => VrrpJsonContext.Default.Options;

    /// <summary>The metadata of the status types, to add to your own options' <c>TypeInfoResolverChain</c>.</summary>
    public static IJsonTypeInfoResolver TypeInfoResolver => VrrpJsonContext.Default;

    /// <summary>The metadata of one instance's status.</summary>
    public static JsonTypeInfo<VrrpInstanceStatus> InstanceStatus => VrrpJsonContext.Default.VrrpInstanceStatus;

    /// <summary>The metadata of a list of statuses (<c>VrrpDriver.GetStatus()</c>, <c>IVrrpMonitor.Instances</c>).</summary>
    public static JsonTypeInfo<IReadOnlyList<VrrpInstanceStatus>> InstanceStatusList => VrrpJsonContext.Default.IReadOnlyListVrrpInstanceStatus;

    /// <summary>The metadata of a state change.</summary>
    public static JsonTypeInfo<VrrpStateChange> StateChange => VrrpJsonContext.Default.VrrpStateChange;
}

/// <summary>The source-generated metadata behind <see cref="VrrpJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(VrrpInstanceStatus))]
[JsonSerializable(typeof(IReadOnlyList<VrrpInstanceStatus>))]
[JsonSerializable(typeof(VrrpStateChange))]
internal sealed partial class VrrpJsonContext : JsonSerializerContext;
