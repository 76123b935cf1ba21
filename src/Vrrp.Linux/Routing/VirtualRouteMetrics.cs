using System.Globalization;
using System.Text;

namespace Vrrp.Linux.Routing;

/// <summary>The route metrics that can be locked (<c>ip route</c>'s <c>lock</c>; bit 1 &lt;&lt; RTAX_* of RTAX_LOCK, linux/rtnetlink.h).</summary>
[Flags]
public enum VirtualRouteLocks : uint
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>mtu lock</c>.</summary>
    Mtu = 1 << 2,

    /// <summary><c>rtt lock</c>.</summary>
    Rtt = 1 << 4,

    /// <summary><c>rttvar lock</c>.</summary>
    RttVariance = 1 << 5,

    /// <summary><c>ssthresh lock</c>.</summary>
    SlowStartThreshold = 1 << 6,

    /// <summary><c>cwnd lock</c>.</summary>
    CongestionWindow = 1 << 7,

    /// <summary><c>advmss lock</c>.</summary>
    AdvertisedMss = 1 << 8,

    /// <summary><c>reordering lock</c>.</summary>
    Reordering = 1 << 9,

    /// <summary><c>rto_min lock</c>.</summary>
    RtoMin = 1 << 13,

    /// <summary><c>congctl lock</c>.</summary>
    CongestionControl = 1 << 16,
}

/// <summary>
/// The metrics of a route (RTA_METRICS, the RTAX_* attributes of linux/rtnetlink.h) in keepalived's and <c>ip route</c>'s
/// words; every value is in the kernel's units (null: not set). keepalived 2.2.7 takes all of them in
/// <c>virtual_routes</c>.
/// </summary>
public sealed record VirtualRouteMetrics
{
    /// <summary>The path MTU (<c>mtu</c>, RTAX_MTU).</summary>
    public uint? Mtu { get; init; }

    /// <summary>The largest TCP window to advertise (<c>window</c>, RTAX_WINDOW).</summary>
    public uint? Window { get; init; }

    /// <summary>The initial RTT estimate in 1/8 ms (<c>rtt</c>, RTAX_RTT; keepalived's <c>rtt 10ms</c> is 80).</summary>
    public uint? Rtt { get; init; }

    /// <summary>The initial RTT variance in 1/4 ms (<c>rttvar</c>, RTAX_RTTVAR).</summary>
    public uint? RttVariance { get; init; }

    /// <summary>The initial slow start threshold (<c>ssthresh</c>, RTAX_SSTHRESH).</summary>
    public uint? SlowStartThreshold { get; init; }

    /// <summary>The clamp of the congestion window (<c>cwnd</c>, RTAX_CWND).</summary>
    public uint? CongestionWindow { get; init; }

    /// <summary>The MSS advertised (<c>advmss</c>, RTAX_ADVMSS).</summary>
    public uint? AdvertisedMss { get; init; }

    /// <summary>The maximal reordering (<c>reordering</c>, RTAX_REORDERING).</summary>
    public uint? Reordering { get; init; }

    /// <summary>The hop limit (TTL) of packets sent along the route (<c>hoplimit</c>, RTAX_HOPLIMIT, 0..255).</summary>
    public uint? HopLimit { get; init; }

    /// <summary>The initial congestion window (<c>initcwnd</c>, RTAX_INITCWND).</summary>
    public uint? InitialCongestionWindow { get; init; }

    /// <summary>The feature bits (<c>features ecn</c> is 1, RTAX_FEATURES).</summary>
    public uint? Features { get; init; }

    /// <summary>The minimal TCP retransmission timeout in ms (<c>rto_min</c>, RTAX_RTO_MIN).</summary>
    public uint? RtoMin { get; init; }

    /// <summary>The initial receive window (<c>initrwnd</c>, RTAX_INITRWND).</summary>
    public uint? InitialReceiveWindow { get; init; }

    /// <summary>Quick ACK on or off (<c>quickack 0|1</c>, RTAX_QUICKACK).</summary>
    public uint? QuickAck { get; init; }

    /// <summary>The TCP congestion control algorithm (<c>congctl NAME</c>, RTAX_CC_ALGO), or null.</summary>
    public string? CongestionControl { get; init; }

    /// <summary>TCP Fast Open without a cookie on or off (<c>fastopen_no_cookie 0|1</c>, RTAX_FASTOPEN_NO_COOKIE).</summary>
    public uint? FastOpenNoCookie { get; init; }

    /// <summary>The metrics the kernel must not change (<c>lock</c>, RTAX_LOCK).</summary>
    public VirtualRouteLocks Locked { get; init; }

    /// <summary>The metrics as RTAX attribute numbers and values, in keepalived's order (RTAX_CC_ALGO is <see cref="CongestionControl"/>).</summary>
    internal IEnumerable<(ushort Type, uint Value)> Values()
    {
        foreach (var m in s_metrics)
        {
            if (m.Get(this) is uint value)
            {
                yield return (m.Type, value);
            }
        }
    }

    /// <summary>The metrics in keepalived's words (each value raw, in the kernel's units, which keepalived reads back the same).</summary>
    internal void Append(StringBuilder text)
    {
        if (CongestionControl is { } algorithm)
        {
            text.Append(" congctl ").Append((Locked & VirtualRouteLocks.CongestionControl) != 0 ? "lock " : "").Append(algorithm);
        }

        foreach (var m in s_metrics)
        {
            if (m.Get(this) is uint value)
            {
                text.Append(' ').Append(m.Word).Append(' ').Append(m.Lock != 0 && (Locked & m.Lock) != 0 ? "lock " : "")
                    .Append(m.Word == "features" && value == 1 ? "ecn" : value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Whether <paramref name="word"/> is a metric keyword.</summary>
    internal static bool IsMetric(string word) => word == "congctl" || Array.Exists(s_metrics, m => m.Word == word);

    /// <summary>
    /// Reads <c>WORD [lock] VALUE</c> as keepalived 2.2.7 does: times (<c>rtt</c>, <c>rttvar</c>, <c>rto_min</c>) raw in the
    /// kernel's units or with <c>ms</c> / <c>s</c>, kept within 200 ms..120 s; <c>features ecn</c>; 0|1 switches.
    /// </summary>
    /// <exception cref="FormatException">The value is missing or out of range, or the metric cannot be locked.</exception>
    internal static VirtualRouteMetrics Read(VirtualRouteMetrics? metrics, string word, string[] words, ref int i)
    {
        metrics ??= new VirtualRouteMetrics();
        string value = RouteWords.Next(words, ref i, word);
        bool locked = false;
        if (value == "lock")
        {
            locked = true;
            value = RouteWords.Next(words, ref i, word);
        }

        if (word == "congctl")
        {
            return metrics with { CongestionControl = value, Locked = metrics.Locked | (locked ? VirtualRouteLocks.CongestionControl : 0) };
        }

        var m = Array.Find(s_metrics, x => x.Word == word);
        if (locked && m.Lock == 0)
        {
            throw new FormatException($"{word} cannot be locked.");
        }

        uint number = m.Kind switch
        {
            Kind.Features => value == "ecn" ? 1u : throw new FormatException($"features '{value}': only ecn is supported."),
            Kind.Time => ParseTime(word, value, m.Max),
            _ => RouteWords.ParseNumber(word, value, m.Max),
        };
        return m.Set(metrics, number) with { Locked = metrics.Locked | (locked ? m.Lock : 0) };
    }

    /// <summary>Sets a metric by its keyword (a value the caller has checked), with its lock.</summary>
    internal static VirtualRouteMetrics With(VirtualRouteMetrics? metrics, string word, uint value, bool locked)
    {
        metrics ??= new VirtualRouteMetrics();
        var m = Array.Find(s_metrics, x => x.Word == word);
        return m.Word is null ? metrics : m.Set(metrics, value) with { Locked = metrics.Locked | (locked ? m.Lock : 0) };
    }

    // keepalived's get_time_rtt: a raw number is in the kernel's units; with ms or s it is a time, multiplied into them;
    // either way kept between 200 ms and 120 s.
    private static uint ParseTime(string word, string text, uint multiplier)
    {
        string digits = text;
        ulong scale = 0;
        if (text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            (digits, scale) = (text[..^2], 1);
        }
        else if (text.EndsWith("secs", StringComparison.OrdinalIgnoreCase) || text.EndsWith("sec", StringComparison.OrdinalIgnoreCase) || text.EndsWith('s') || text.EndsWith('S'))
        {
            (digits, scale) = (text.TrimEnd('s', 'S', 'e', 'E', 'c', 'C'), 1000);
        }

        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number) || (scale == 0 && decimal.Truncate(number) != number))
        {
            throw new FormatException($"{word}: '{text}' is not a time (N, Nms or Ns).");
        }

        decimal units = scale == 0 ? number : decimal.Truncate(number * scale) * multiplier;
        return (uint)Math.Clamp(units, 200m * multiplier, 120_000m * multiplier);
    }

    private enum Kind
    {
        Number,
        Time,
        Features,
    }

    // The Max of a time is its multiplier (units per ms).
    private readonly record struct Metric(string Word, ushort Type, VirtualRouteLocks Lock, Kind Kind, uint Max, Func<VirtualRouteMetrics, uint?> Get, Func<VirtualRouteMetrics, uint, VirtualRouteMetrics> Set);

    // RTAX_* numbers, in the order keepalived 2.2.7 writes them.
    private static readonly Metric[] s_metrics =
    [
        new("rtt", 4, VirtualRouteLocks.Rtt, Kind.Time, 8, static m => m.Rtt, static (m, v) => m with { Rtt = v }),
        new("rttvar", 5, VirtualRouteLocks.RttVariance, Kind.Time, 4, static m => m.RttVariance, static (m, v) => m with { RttVariance = v }),
        new("rto_min", 13, VirtualRouteLocks.RtoMin, Kind.Time, 1, static m => m.RtoMin, static (m, v) => m with { RtoMin = v }),
        new("features", 12, 0, Kind.Features, 1, static m => m.Features, static (m, v) => m with { Features = v }),
        new("mtu", 2, VirtualRouteLocks.Mtu, Kind.Number, uint.MaxValue, static m => m.Mtu, static (m, v) => m with { Mtu = v }),
        new("window", 3, 0, Kind.Number, uint.MaxValue, static m => m.Window, static (m, v) => m with { Window = v }),
        new("ssthresh", 6, VirtualRouteLocks.SlowStartThreshold, Kind.Number, uint.MaxValue, static m => m.SlowStartThreshold, static (m, v) => m with { SlowStartThreshold = v }),
        new("cwnd", 7, VirtualRouteLocks.CongestionWindow, Kind.Number, uint.MaxValue, static m => m.CongestionWindow, static (m, v) => m with { CongestionWindow = v }),
        new("advmss", 8, VirtualRouteLocks.AdvertisedMss, Kind.Number, uint.MaxValue, static m => m.AdvertisedMss, static (m, v) => m with { AdvertisedMss = v }),
        new("reordering", 9, VirtualRouteLocks.Reordering, Kind.Number, uint.MaxValue, static m => m.Reordering, static (m, v) => m with { Reordering = v }),
        new("hoplimit", 10, 0, Kind.Number, 255, static m => m.HopLimit, static (m, v) => m with { HopLimit = v }),
        new("initcwnd", 11, 0, Kind.Number, uint.MaxValue, static m => m.InitialCongestionWindow, static (m, v) => m with { InitialCongestionWindow = v }),
        new("initrwnd", 14, 0, Kind.Number, uint.MaxValue, static m => m.InitialReceiveWindow, static (m, v) => m with { InitialReceiveWindow = v }),
        new("quickack", 15, 0, Kind.Number, 1, static m => m.QuickAck, static (m, v) => m with { QuickAck = v }),
        new("fastopen_no_cookie", 17, 0, Kind.Number, 1, static m => m.FastOpenNoCookie, static (m, v) => m with { FastOpenNoCookie = v }),
    ];
}
