using System.Globalization;

namespace Vrrp.Hosting;

/// <summary>
/// The ranges of the options and the words that explain them, in one place: the option table of Vrrp.Hosting (which
/// drives configuration binding and the options validator's range checks), the keepalived.conf reader of Vrrp.Keepalived and <c>vrrpd --check</c>
/// all take them from here. They are keepalived 2.2.7's limits wherever keepalived has one, so that a keepalived.conf
/// keepalived accepts is accepted.
/// </summary>
public static class VrrpLimits
{
    /// <summary>The lowest virtual router id (<c>virtual_router_id</c>).</summary>
    public const int MinimumVirtualRouterId = 1;

    /// <summary>The highest virtual router id.</summary>
    public const int MaximumVirtualRouterId = 255;

    /// <summary>The lowest priority (<c>priority</c>); 0 is reserved for a master that is leaving.</summary>
    public const int MinimumPriority = 1;

    /// <summary>The highest priority: 255 is the address owner.</summary>
    public const int MaximumPriority = 255;

    /// <summary>The largest weight of a tracked interface, script or health check, of either sign (keepalived: -253..253).</summary>
    public const int MaximumTrackWeight = 253;

    /// <summary>The largest weight of a tracked file or process, of either sign (keepalived: -254..254).</summary>
    public const int MaximumTrackFileWeight = 254;

    /// <summary>The longest preempt delay in seconds (<c>preempt_delay</c>; keepalived's TIMER_MAX_SEC).</summary>
    public const int MaximumPreemptDelaySeconds = 1000;

    /// <summary>The longest start-up delay in seconds (<c>vrrp_startup_delay</c>).</summary>
    public const int MaximumStartupDelaySeconds = 3600;

    /// <summary>
    /// The longest second-resolution timer in seconds (script interval and timeout, announcement delays): keepalived
    /// keeps them in microseconds in an unsigned 32-bit number.
    /// </summary>
    public const int MaximumTimerSeconds = 4294;

    /// <summary>The highest VRRPv2 advertisement interval in seconds (an 8-bit field of whole seconds).</summary>
    public const int MaximumV2AdvertisementIntervalSeconds = 255;

    /// <summary>The highest VRRPv3 advertisement interval in centiseconds (a 12-bit field: 40.95 s).</summary>
    public const int MaximumV3AdvertisementIntervalCentiseconds = 4095;

    /// <summary>The most consecutive results a check needs to change state (<c>rise</c>, <c>fall</c>) in keepalived.conf.</summary>
    public const int MaximumRiseFall = int.MaxValue;

    /// <summary>The most announcements per address in one burst that keepalived.conf can ask for (<c>garp_*_repeat</c>).</summary>
    public const int MaximumRepeat = int.MaxValue;

    /// <summary>The highest TTL or hop limit (<c>unicast_ttl</c>, a unicast peer's <c>min_ttl</c> and <c>max_ttl</c>).</summary>
    public const int MaximumTtl = 255;

    /// <summary>The most processes a process tracker can count (<c>quorum</c>, <c>quorum_max</c>).</summary>
    public const int MaximumQuorum = 65535;

    /// <summary>The fewest advertisement intervals in Master_Down_Interval (<c>down_timer_adverts</c>).</summary>
    public const int MinimumDownTimerAdverts = 1;

    /// <summary>The most advertisement intervals in Master_Down_Interval (<c>down_timer_adverts</c>, keepalived's 100).</summary>
    public const int MaximumDownTimerAdverts = 100;

    /// <summary>The smallest step of a VRRPv3 advertisement interval: 10 ms.</summary>
    public static TimeSpan V3IntervalStep { get; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Says what is wrong with an advertisement interval for a protocol version, or null when it is valid.</summary>
    /// <param name="version">The protocol version.</param>
    /// <param name="interval">The interval.</param>
    /// <returns>For example <c>must be whole seconds from 1 to 255 with version 2, got 0.5 s</c>; null when valid.</returns>
    public static string? CheckAdvertisementInterval(VrrpVersion version, TimeSpan interval)
    {
        if (version == VrrpVersion.V2)
        {
            return interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromSeconds(MaximumV2AdvertisementIntervalSeconds) ||
                interval.Ticks % TimeSpan.TicksPerSecond != 0
                ? $"must be whole seconds from 1 to {MaximumV2AdvertisementIntervalSeconds} with version 2, got {Seconds(interval)} s"
                : null;
        }

        return interval < V3IntervalStep || interval > V3IntervalStep * MaximumV3AdvertisementIntervalCentiseconds ||
            interval.Ticks % V3IntervalStep.Ticks != 0
            ? $"must be 0.01 to {Seconds(V3IntervalStep * MaximumV3AdvertisementIntervalCentiseconds)} s in steps of 0.01 s with version 3, got {Seconds(interval)} s"
            : null;
    }

    /// <summary>Says what is wrong with a weight, or null when it is within -<paramref name="maximum"/>..<paramref name="maximum"/>.</summary>
    /// <param name="weight">The weight.</param>
    /// <param name="maximum"><see cref="MaximumTrackWeight"/> or <see cref="MaximumTrackFileWeight"/>.</param>
    /// <returns>For example <c>must be between -253 and 253, got 300</c>; null when valid.</returns>
    public static string? CheckWeight(int weight, int maximum) =>
        weight < -maximum || weight > maximum ? $"must be between {-maximum} and {maximum}, got {weight}" : null;

    /// <summary>Seconds as a plain decimal, for messages (<c>1</c>, <c>0.05</c>).</summary>
    /// <param name="value">The time.</param>
    /// <returns>The seconds with up to seven decimals.</returns>
    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#######", CultureInfo.InvariantCulture);
}
