using Vrrp.Election;

namespace Vrrp.Tests.Election;

[Trait("Rfc", "9568-6.1-a")]
public class ProtocolTimersTests
{
    [Theory]
    [InlineData(254, 10_000_000L, 78_125L)]                 // 78.125 us exactly
    [InlineData(100, 1_000_000_000L, 609_375_000L)]         // v2 at 1 s: 0.609375 s, not 0
    [InlineData(255, 1_000_000_000L, 3_906_250L)]
    [InlineData(1, 10_000_000L, 9_960_938L)]                // 9 960 937.5 ns rounded up
    [InlineData(100, 10_000_000L, 6_093_750L)]
    public void Skew_time_is_exact_in_integer_nanoseconds(byte priority, long interval, long expected) =>
        Assert.Equal(expected, ProtocolTimers.SkewTime(priority, interval));

    [Theory]
    [InlineData(100, 1_000_000_000L, 3_609_375_000L)]       // vrrp-protocol.md section 8: 3.609375 s
    [InlineData(100, 10_000_000L, 36_093_750L)]             // 36.09 ms
    [InlineData(254, 10_000_000L, 30_078_125L)]             // 30.08 ms
    [InlineData(200, 40_950_000_000L, 131_807_812_500L)]    // the largest v3 interval: 122.85 s + 8.9578125 s
    public void Master_down_interval_matches_the_reference_numbers(byte priority, long interval, long expected) =>
        Assert.Equal(expected, ProtocolTimers.MasterDownInterval(priority, interval));

    [Fact]
    public void Every_priority_and_centisecond_interval_is_exact_to_half_a_nanosecond()
    {
        for (int priority = 1; priority <= 255; priority++)
        {
            foreach (long centiseconds in new long[] { 1, 2, 3, 7, 100, 4095 })
            {
                long interval = centiseconds * ProtocolTimers.NanosecondsPerCentisecond;
                long skew = ProtocolTimers.SkewTime((byte)priority, interval);

                // 256 x skew is the exact product, or exceeds it by 128 (the half nanosecond rounded up).
                long excess = (256 * skew) - ((256 - priority) * interval);
                Assert.True(excess is 0 or 128, $"priority {priority}, {centiseconds} cs: excess {excess}");
            }
        }
    }

    [Fact]
    public void Conversion_to_TimeSpan_rounds_up_so_timers_never_fire_early()
    {
        Assert.Equal(TimeSpan.FromTicks(782), ProtocolTimers.ToTimeSpanRoundedUp(78_125));
        Assert.Equal(TimeSpan.FromTicks(1), ProtocolTimers.ToTimeSpanRoundedUp(1));
        Assert.Equal(TimeSpan.FromTicks(100), ProtocolTimers.ToTimeSpanRoundedUp(10_000));
        Assert.Equal(10_000_000_000L, ProtocolTimers.ToNanoseconds(TimeSpan.FromSeconds(10)));
    }
}
