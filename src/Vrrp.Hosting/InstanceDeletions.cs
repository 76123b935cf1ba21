using System.Collections.Concurrent;

namespace Vrrp.Hosting;

/// <summary>An instance a reload removed: its options before the reload and the state it left.</summary>
/// <param name="Options">The instance's options as they were (its notify commands and users).</param>
/// <param name="Previous">The state it was in when it was removed.</param>
internal sealed record InstanceDeletion(VrrpInstanceOptions Options, VrrpState Previous)
{
    /// <summary>
    /// keepalived 2.2.7's report of a removed instance (<c>clear_diff_vrrp</c>, <c>send_instance_notifies</c>):
    /// DELETED with <c>notify_deleted</c>; else FAULT, or null (nothing) when it already was in Fault.
    /// </summary>
    public string? Word => Options.ReportDeleted || Options.NotifyDeleted is not null ? "DELETED" : Previous == VrrpState.Fault ? null : "FAULT";
}

/// <summary>
/// The instances a reload is removing, recorded when the driver reports their Stopped change (during the reload), so
/// that the notify scripts, the sync groups' notifies and the FIFO lines report a deletion as keepalived does rather
/// than a stop. Each consumer takes its own copy once.
/// </summary>
internal sealed class InstanceDeletions
{
    private readonly ConcurrentDictionary<string, InstanceDeletion>[] _byConsumer = [new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal)];

    /// <summary>Who reads a deletion.</summary>
    public enum Consumer
    {
        /// <summary>The instance's notify scripts.</summary>
        Scripts,

        /// <summary>The sync groups' notify scripts (a deleted member is not a stopped one).</summary>
        Groups,

        /// <summary>The notify FIFOs.</summary>
        Fifo,
    }

    /// <summary>Records that <paramref name="deletion"/>'s instance is being removed.</summary>
    public void Record(InstanceDeletion deletion)
    {
        foreach (var map in _byConsumer)
        {
            map[deletion.Options.Name] = deletion;
        }
    }

    /// <summary>Takes the deletion of <paramref name="instance"/> for <paramref name="consumer"/>, if its Stopped change is one.</summary>
    public bool TryTake(Consumer consumer, string instance, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InstanceDeletion? deletion) =>
        _byConsumer[(int)consumer].TryRemove(instance, out deletion);
}
