namespace Vrrp.Election;

/// <summary>
/// The timer arithmetic of RFC 9568 section 6.1 (and RFC 3768 section 6.1 for v2), in integer nanoseconds (the core's
/// time unit): no floating point.
/// </summary>
/// <remarks>
/// Intervals on the wire are whole centiseconds (v3) or seconds (v2), that is multiples of 10^7 ns = 2^7 x 78125 ns.
/// <c>Skew_Time = ((256 - Priority) x Master_Adver_Interval) / 256</c> is therefore exact in nanoseconds up to a
/// remainder of at most half a nanosecond (when <c>(256 - Priority) x centiseconds</c> is odd). Such a half is
/// rounded UP so that no timer ever fires early. Examples: priority 254 at 10 ms gives 78 125 ns exactly; priority 100
/// at 1 s gives a skew of 609 375 000 ns and a Master_Down_Interval of 3 609 375 000 ns exactly; priority 1 at 10 ms
/// gives 9 960 937.5 ns, rounded to 9 960 938 ns.
/// <para>VRRPv2 (RFC 3768 section 6.1) does not scale the skew by the interval: <c>Skew_Time = (256 - Priority) / 256</c>
/// seconds whatever the advertisement interval, a multiple of 3 906 250 ns, always exact. The overloads taking a
/// <see cref="VrrpVersion"/> apply the rule of that version; the ones without it are the VRRPv3 rule.</para>
/// </remarks>
public static class ProtocolTimers
{
    /// <summary>Nanoseconds per centisecond, the VRRPv3 interval unit.</summary>
    public const long NanosecondsPerCentisecond = 10_000_000;

    /// <summary>Nanoseconds per second.</summary>
    public const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>VRRPv3 Skew_Time for a priority and a master advertisement interval (rounded up to whole nanoseconds).</summary>
    /// <param name="priority">The local priority (1..255).</param>
    /// <param name="masterAdvertisementInterval">Master_Adver_Interval in nanoseconds.</param>
    /// <returns>The skew in nanoseconds.</returns>
    public static long SkewTime(byte priority, long masterAdvertisementInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(masterAdvertisementInterval);
        long product = (256 - priority) * masterAdvertisementInterval;
        return (product + 255) / 256;
    }

    /// <summary>VRRPv3 Master_Down_Interval = 3 x Master_Adver_Interval + Skew_Time.</summary>
    /// <param name="priority">The local priority (1..255).</param>
    /// <param name="masterAdvertisementInterval">Master_Adver_Interval in nanoseconds.</param>
    /// <returns>The interval in nanoseconds.</returns>
    public static long MasterDownInterval(byte priority, long masterAdvertisementInterval) =>
        (3 * masterAdvertisementInterval) + SkewTime(priority, masterAdvertisementInterval);

    /// <summary>Skew_Time by the rule of <paramref name="version"/>: v3 scales it by the interval, v2 is (256 - Priority) / 256 s.</summary>
    /// <param name="version">The protocol version.</param>
    /// <param name="priority">The local priority (1..255).</param>
    /// <param name="masterAdvertisementInterval">Master_Adver_Interval in nanoseconds (v3 only; v2 ignores it).</param>
    /// <returns>The skew in nanoseconds.</returns>
    internal static long SkewTime(VrrpVersion version, byte priority, long masterAdvertisementInterval) =>
        version == VrrpVersion.V2 ? (256 - priority) * (NanosecondsPerSecond / 256) : SkewTime(priority, masterAdvertisementInterval);

    /// <summary>Master_Down_Interval = 3 x Advertisement_Interval + Skew_Time, with the Skew_Time of <paramref name="version"/>.</summary>
    /// <param name="version">The protocol version.</param>
    /// <param name="priority">The local priority (1..255).</param>
    /// <param name="masterAdvertisementInterval">Master_Adver_Interval (v2: the configured Advertisement_Interval) in nanoseconds.</param>
    /// <returns>The interval in nanoseconds.</returns>
    internal static long MasterDownInterval(VrrpVersion version, byte priority, long masterAdvertisementInterval) =>
        (3 * masterAdvertisementInterval) + SkewTime(version, priority, masterAdvertisementInterval);

    /// <summary>
    /// Master_Down_Interval = <paramref name="adverts"/> x Master_Adver_Interval + Skew_Time (keepalived's
    /// <c>down_timer_adverts</c>; the RFC's 3), with the Skew_Time of <paramref name="version"/>, which does not change.
    /// </summary>
    /// <param name="version">The protocol version.</param>
    /// <param name="priority">The local priority (1..255).</param>
    /// <param name="masterAdvertisementInterval">Master_Adver_Interval (v2: the configured Advertisement_Interval) in nanoseconds.</param>
    /// <param name="adverts">The number of advertisement intervals (1..100).</param>
    /// <returns>The interval in nanoseconds.</returns>
    internal static long MasterDownInterval(VrrpVersion version, byte priority, long masterAdvertisementInterval, int adverts) =>
        (adverts * masterAdvertisementInterval) + SkewTime(version, priority, masterAdvertisementInterval);

    /// <summary>Converts a <see cref="TimeSpan"/> to nanoseconds.</summary>
    /// <param name="value">The span.</param>
    /// <returns>Nanoseconds.</returns>
    public static long ToNanoseconds(TimeSpan value) => checked(value.Ticks * 100);

    /// <summary>Converts nanoseconds to a <see cref="TimeSpan"/>, rounding up to whole 100 ns ticks (so a deadline is never early).</summary>
    /// <param name="nanoseconds">Nanoseconds (not negative).</param>
    /// <returns>The span.</returns>
    internal static TimeSpan ToTimeSpanRoundedUp(long nanoseconds) => TimeSpan.FromTicks((nanoseconds + 99) / 100);
}
