using Vrrp.Testing;

namespace Vrrp.Demo;

/// <summary>A span of time when more than one node was master, or held the VIP, as the demo's event log shows it.</summary>
/// <param name="What">"masters" or "VIP holders".</param>
/// <param name="Start">When the second one appeared (LAN time).</param>
/// <param name="Duration">How long there were two or more.</param>
/// <param name="Nodes">Which nodes.</param>
public sealed record Overlap(string What, TimeSpan Start, TimeSpan Duration, IReadOnlyList<string> Nodes)
{
    /// <summary>The demo step it happened in (its number), or null when not known.</summary>
    public string? Step { get; init; }
}

/// <summary>
/// The demo's verdict, computed from the same events it prints, so that it never says more than they show: every
/// moment with two masters (or the VIP on two nodes) is listed, and one that lasted an advert interval or more fails
/// the demo. A shorter one is one router stepping down for another on its first advert (a preemption, or two
/// routers whose Master_Down_Timers ran out together at start-up), reported as such.
/// </summary>
public static class DemoVerdict
{
    /// <summary>Finds the overlaps of masters and of VIP holders in the LAN's event log.</summary>
    /// <param name="events">The events, in order.</param>
    /// <param name="vip">The virtual address.</param>
    /// <returns>The overlaps, in time order.</returns>
    /// <param name="steps">When each step of the demo began (its number and start), to say in which one an overlap happened.</param>
    public static IReadOnlyList<Overlap> FindOverlaps(IReadOnlyList<LanEvent> events, string vip, IReadOnlyList<(string Step, TimeSpan Start)>? steps = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var found = new List<Overlap>();
        var masters = new Tracker("masters", found);
        var holders = new Tracker("VIP holders", found);
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case LanEventKind.StateChanged when e.Detail.Contains("-> Master", StringComparison.Ordinal):
                    masters.Add(e.Node, e.Time);
                    break;
                case LanEventKind.StateChanged when e.Detail.Contains("Master ->", StringComparison.Ordinal):
                    masters.Remove(e.Node, e.Time);
                    break;
                case LanEventKind.AddressAdded when e.Detail == vip:
                    holders.Add(e.Node, e.Time);
                    break;
                case LanEventKind.AddressRemoved when e.Detail == vip:
                    holders.Remove(e.Node, e.Time);
                    break;
                case LanEventKind.NodeLifecycle when e.Detail is "crashed" or "powered off":
                    // A dead process is master of nothing; a powered-off host holds no address any more.
                    masters.Remove(e.Node, e.Time);
                    if (e.Detail == "powered off")
                    {
                        holders.Remove(e.Node, e.Time);
                    }

                    break;
            }
        }

        var end = events.Count > 0 ? events[^1].Time : TimeSpan.Zero;
        masters.Close(end);
        holders.Close(end);
        return [.. found.OrderBy(o => o.Start).Select(o => o with { Step = steps?.LastOrDefault(s => s.Start <= o.Start).Step })];
    }

    /// <summary>Judges a run: the lines to print about overlaps, whether it passed, and the verdict's text.</summary>
    /// <param name="stepsReached">Whether every step reached its expected state in time.</param>
    /// <param name="overlaps">The overlaps found in the events.</param>
    /// <param name="interval">The advertisement interval.</param>
    /// <returns>The lines, the result and the verdict (without its "OK: " or "FAILED: ").</returns>
    public static (IReadOnlyList<string> Lines, bool Ok, string Verdict) Judge(bool stepsReached, IReadOnlyList<Overlap> overlaps, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(overlaps);
        var lines = overlaps.Count == 0
            ? ["  at once: never two masters, and the VIP never on two nodes"]
            : overlaps.Select(o => $"  two {o.What} at once: {string.Join(" and ", o.Nodes)} for {o.Duration.TotalMilliseconds:F3} ms from {o.Start.TotalMilliseconds:F3} ms{(o.Step is null ? "" : $" (step {o.Step})")}").ToList();
        string ms = $"{interval.TotalMilliseconds:0.###} ms";
        if (!stepsReached)
        {
            return (lines, false, "a step did not reach the expected state in time");
        }

        if (overlaps.FirstOrDefault(o => o.Duration >= interval) is { } split)
        {
            return (lines, false, $"two {split.What} ({string.Join(" and ", split.Nodes)}) for {split.Duration.TotalMilliseconds:F3} ms, an advert interval ({ms}) or more: a split brain, not a handover");
        }

        if (overlaps.Count > 0)
        {
            var longest = overlaps.MaxBy(o => o.Duration)!;
            return (lines, true, $"every step ended with one master holding the VIP; two were master (or held the VIP) at once only while one stepped down for the other, at most {longest.Duration.TotalMilliseconds:F3} ms, under one advert interval ({ms})");
        }

        return (lines, true, "one master at every moment, and the VIP only on it");
    }

    private sealed class Tracker(string what, List<Overlap> found)
    {
        private readonly List<string> _now = [];
        private readonly List<string> _seen = [];
        private TimeSpan _since;

        public void Add(string node, TimeSpan time)
        {
            if (_now.Contains(node))
            {
                return;
            }

            _now.Add(node);
            if (_now.Count == 2)
            {
                _since = time;
                _seen.Clear();
                _seen.AddRange(_now);
            }
            else if (_now.Count > 2 && !_seen.Contains(node))
            {
                _seen.Add(node);
            }
        }

        public void Remove(string node, TimeSpan time)
        {
            if (_now.Remove(node) && _now.Count == 1)
            {
                found.Add(new Overlap(what, _since, time - _since, [.. _seen]));
            }
        }

        public void Close(TimeSpan end)
        {
            if (_now.Count >= 2)
            {
                found.Add(new Overlap(what, _since, end - _since, [.. _seen]));
            }
        }
    }
}
