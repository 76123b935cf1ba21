using System.Diagnostics.Tracing;

namespace Vrrp.Benchmarks.Flood;

/// <summary>
/// What allocates, sampled in-process: the runtime's GCAllocationTick events (one per about 100 kB allocated, with
/// the type of the object that crossed the mark), counted by type. Rough, but enough to name a per-packet allocation.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _ticks = [];
    private readonly Lock _gate = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null)
        {
            return;
        }

        int index = e.PayloadNames?.IndexOf("TypeName") ?? -1;
        string type = index >= 0 ? e.Payload[index] as string ?? "?" : "?";
        lock (_gate)
        {
            _ticks[type] = _ticks.GetValueOrDefault(type) + 1;
        }
    }

    /// <summary>The types by number of ticks (each about 100 kB of allocation), most first.</summary>
    public IReadOnlyList<(string Type, long Ticks)> Snapshot()
    {
        lock (_gate)
        {
            return _ticks.OrderByDescending(t => t.Value).Take(12).Select(t => (t.Key, t.Value)).ToList();
        }
    }
}
