using System.Diagnostics.Tracing;

namespace Vrrp.Benchmarks.Flood;

/// <summary>
/// What allocates, sampled in-process: the runtime's GCAllocationTick events (one per about 100 kB allocated, with
/// the type of the object that crossed the mark), counted by type. Rough, but enough to name a per-packet allocation.
/// Also the JIT's method compilations (MethodLoadVerbose), counted by declaring type.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _ticks = [];
    private readonly Dictionary<string, long> _jitted = [];
    private readonly Lock _gate = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)(0x1 | 0x10)); // GC and JIT keywords
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) == true && e.Payload is not null)
        {
            int ns = e.PayloadNames?.IndexOf("MethodNamespace") ?? -1;
            string declaring = ns >= 0 ? e.Payload[ns] as string ?? "?" : "?";
            lock (_gate)
            {
                _jitted[declaring] = _jitted.GetValueOrDefault(declaring) + 1;
            }

            return;
        }

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

    /// <summary>The types whose methods were JIT-compiled since the last call, most first.</summary>
    public IReadOnlyList<(string Type, long Methods)> TakeJitted()
    {
        lock (_gate)
        {
            var top = _jitted.OrderByDescending(t => t.Value).Take(8).Select(t => (t.Key, t.Value)).ToList();
            _jitted.Clear();
            return top;
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
