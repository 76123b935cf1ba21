using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Loop;

/// <summary>
/// The Linux driver's clock: timestamps are CLOCK_MONOTONIC in nanoseconds, read with clock_gettime(2), the clock its
/// timerfd counts in, so that a deadline the core computes is the absolute expiry the kernel is given, with no
/// conversion. Wall-clock time (the timestamps of state changes) comes from another provider.
/// </summary>
/// <remarks>
/// .NET's <see cref="System.Diagnostics.Stopwatch"/> reads CLOCK_MONOTONIC on Linux too (a test checks they agree),
/// but that is the runtime's choice, not a contract: the driver reads the clock its timer uses.
/// </remarks>
internal sealed class MonotonicTimeProvider(TimeProvider wallClock) : TimeProvider
{
    /// <summary>Nanoseconds per second: timestamps are nanoseconds.</summary>
    public override long TimestampFrequency => 1_000_000_000;

    /// <summary>The provider of wall-clock time.</summary>
    public TimeProvider WallClock { get; } = wallClock;

    /// <summary>CLOCK_MONOTONIC now, in nanoseconds.</summary>
    public static unsafe long Now()
    {
        Libc.TimeSpec time;
        Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, &time);
        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    /// <inheritdoc />
    public override long GetTimestamp() => Now();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => WallClock.GetUtcNow();

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => WallClock.LocalTimeZone;
}
