using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace GcPressure;

/// <summary>
/// Every GC pause of this process, from the runtime's own events (in-process EventListener, GC keyword,
/// informational level: a few events per collection): a pause runs from GCSuspendEEBegin to GCRestartEEEnd, and is
/// attributed to the generation of the GCStart inside it.
/// </summary>
internal sealed class GcPauseListener : EventListener
{
    private const int GCStart = 1;
    private const int GCRestartEEEnd = 3;
    private const int GCSuspendEEBegin = 9;
    private readonly Samples _pauses = new();
    private DateTime _suspendedAt;
    private int _generation = -1;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        switch (eventData.EventId)
        {
            case GCSuspendEEBegin:
                _suspendedAt = eventData.TimeStamp;
                _generation = -1;
                break;
            case GCStart:
                int i = eventData.PayloadNames?.IndexOf("Depth") ?? -1;
                if (i >= 0 && eventData.Payload?[i] is { } depth)
                {
                    _generation = Convert.ToInt32(depth, CultureInfo.InvariantCulture);
                }

                break;
            case GCRestartEEEnd when _suspendedAt != default:
                _pauses.Add((eventData.TimeStamp - _suspendedAt).TotalMilliseconds, _generation);
                _suspendedAt = default;
                break;
        }
    }

    public Samples Snapshot(bool reset) => _pauses.Snapshot(reset);
}

/// <summary>
/// How late a dedicated thread wakes from a short sleep: what a timer thread in this process sees (GC suspensions,
/// CPU contention), whatever the cause.
/// </summary>
internal sealed class StallProbe
{
    private readonly Samples _late = new();

    public static StallProbe Start(TimeSpan period)
    {
        var probe = new StallProbe();
        var thread = new Thread(() => probe.Run(period)) { IsBackground = true, Name = "stall probe" };
        thread.Start();
        return probe;
    }

    private void Run(TimeSpan period)
    {
        while (true)
        {
            long before = Stopwatch.GetTimestamp();
            Thread.Sleep(period);
            double late = Stopwatch.GetElapsedTime(before).TotalMilliseconds - period.TotalMilliseconds;
            _late.Add(Math.Max(0, late), -1);
        }
    }

    public Samples Snapshot(bool reset) => _late.Snapshot(reset);
}

/// <summary>Durations in milliseconds (thread-safe), with percentiles and a histogram.</summary>
internal sealed class Samples
{
    private static readonly double[] Bounds = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500];
    private readonly object _gate = new();
    private List<(double Ms, int Generation)> _all = [];
    private List<(double Ms, int Generation)> _period = [];

    public int Count => _all.Count;

    public double Max => _all.Count == 0 ? 0 : _all.Max(static s => s.Ms);

    public double Sum => _all.Sum(static s => s.Ms);

    public void Add(double ms, int generation)
    {
        lock (_gate)
        {
            _all.Add((ms, generation));
            _period.Add((ms, generation));
        }
    }

    /// <summary>A copy: of everything, or of the samples since the last reset (and then starts a new period).</summary>
    public Samples Snapshot(bool reset)
    {
        lock (_gate)
        {
            var copy = new Samples { _all = reset ? _period : [.. _all] };
            if (reset)
            {
                _period = [];
            }

            return copy;
        }
    }

    public double Percentile(double p)
    {
        if (_all.Count == 0)
        {
            return 0;
        }

        var sorted = _all.Select(static s => s.Ms).Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    public string Histogram()
    {
        var counts = new int[Bounds.Length + 1];
        foreach (var (ms, _) in _all)
        {
            int i = 0;
            while (i < Bounds.Length && ms >= Bounds[i])
            {
                i++;
            }

            counts[i]++;
        }

        var parts = new List<string>();
        for (int i = 0; i < counts.Length; i++)
        {
            string label = i == 0 ? $"<{Bounds[0]}" : i == Bounds.Length ? $">={Bounds[^1]}" : $"{Bounds[i - 1]}-{Bounds[i]}";
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{label}:{counts[i]}"));
        }

        return string.Join(' ', parts);
    }

    public string ByGeneration() => string.Join(' ', _all.GroupBy(static s => s.Generation).OrderBy(static g => g.Key).Select(static g =>
        string.Create(CultureInfo.InvariantCulture, $"gen{(g.Key < 0 ? "?" : g.Key.ToString(CultureInfo.InvariantCulture))}:n={g.Count()},max_ms={g.Max(static s => s.Ms):F2},sum_ms={g.Sum(static s => s.Ms):F0}")));
}
