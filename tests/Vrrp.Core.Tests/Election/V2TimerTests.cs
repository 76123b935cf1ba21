using Vrrp.Election;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>
/// VRRPv2 timers (RFC 3768 section 6.1): Skew_Time = (256 - Priority) / 256 seconds whatever the advertisement
/// interval, Master_Down_Interval = 3 x Advertisement_Interval + Skew_Time. VRRPv3 scales the skew by the interval,
/// so the two rules agree only at 1 s; these tests pin the other intervals, at every place the core arms the timer.
/// </summary>
[Trait("Rfc", "3768-6.1-a")]
public class V2TimerTests
{
    // (256 - p) x 1 s / 256, exact in nanoseconds: p 1 -> 0.99609375 s, p 100 -> 0.609375 s, p 254 -> 0.0078125 s.
    public static TheoryData<int, byte, long> MasterDownIntervals => new()
    {
        { 1, 1, 3_996_093_750 },
        { 1, 100, 3_609_375_000 },
        { 1, 254, 3_007_812_500 },
        { 2, 1, 6_996_093_750 },
        { 2, 100, 6_609_375_000 },     // keepalived measured 6.6095 s on the lab LAN (not 7.21875 s)
        { 2, 254, 6_007_812_500 },
        { 3, 1, 9_996_093_750 },
        { 3, 100, 9_609_375_000 },     // not 10.828125 s
        { 3, 254, 9_007_812_500 },
        { 255, 1, 765_996_093_750 },
        { 255, 100, 765_609_375_000 },
        { 255, 254, 765_007_812_500 },
    };

    [Theory]
    [MemberData(nameof(MasterDownIntervals))]
    public void The_v2_master_down_interval_has_a_skew_in_seconds_whatever_the_interval(int seconds, byte priority, long expected)
    {
        long interval = seconds * Second;
        Assert.Equal(expected, ProtocolTimers.MasterDownInterval(VrrpVersion.V2, priority, interval));
        Assert.Equal(expected - (3 * interval), ProtocolTimers.SkewTime(VrrpVersion.V2, priority, interval));
    }

    [Theory]
    [MemberData(nameof(MasterDownIntervals))]
    public void A_v2_backup_arms_the_v2_master_down_interval_at_startup_and_after_each_advert(int seconds, byte priority, long expected)
    {
        var router = new VirtualRouter(V2(priority, seconds), Local);
        Assert.Equal(expected, router.MasterDownInterval);

        router.Start(7 * Second);
        Assert.Equal((7 * Second) + expected, router.NextTimeout);

        // An advert from a higher-priority master restarts the timer with the same interval.
        long heard = (7 * Second) + (seconds * Second);
        router.HandleAdvertisement(Advert(255, HigherPeer, (ushort)seconds, VrrpVersion.V2), heard);
        Assert.Equal(heard + expected, router.NextTimeout);

        // One nanosecond early nothing happens; at the bound it takes over.
        router.HandleTimeout(heard + expected - 1);
        Assert.Equal(VrrpState.Backup, router.State);
        router.HandleTimeout(heard + expected);
        Assert.Equal(VrrpState.Master, router.State);
    }

    [Theory]
    [InlineData(2, 6_609_375_000)]
    [InlineData(3, 9_609_375_000)]
    public void A_v2_master_stepping_down_arms_the_v2_master_down_interval(int seconds, long expected)
    {
        var router = new VirtualRouter(V2(100, seconds), Local);
        router.Start(0);
        long now = router.NextTimeout!.Value;
        router.HandleTimeout(now);
        Assert.Equal(VrrpState.Master, router.State);

        now += Second;
        router.HandleAdvertisement(Advert(200, HigherPeer, (ushort)seconds, VrrpVersion.V2), now);
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal(now + expected, router.NextTimeout);
    }

    [Trait("Rfc", "3768-6.4.2-a")]
    [Theory]
    [InlineData(1, 100, 609_375_000)]
    [InlineData(2, 100, 609_375_000)]      // not 1.21875 s
    [InlineData(3, 100, 609_375_000)]      // not 1.828125 s
    [InlineData(3, 254, 7_812_500)]
    [InlineData(255, 1, 996_093_750)]
    public void A_v2_priority_zero_handover_takes_skew_time_only(int seconds, byte priority, long skew)
    {
        var router = new VirtualRouter(V2(priority, seconds), Local);
        router.Start(0);
        long now = Second;
        router.HandleAdvertisement(Advert(200, HigherPeer, (ushort)seconds, VrrpVersion.V2), now);

        now += Second;
        router.HandleAdvertisement(Advert(0, HigherPeer, (ushort)seconds, VrrpVersion.V2), now);
        Assert.Equal(now + skew, router.NextTimeout);
        router.HandleTimeout(now + skew - 1);
        Assert.Equal(VrrpState.Backup, router.State);
        router.HandleTimeout(now + skew);
        Assert.Equal(VrrpState.Master, router.State);
    }

    [Fact]
    public void A_v2_router_reports_the_v2_interval_in_its_status_whatever_its_tracked_priority()
    {
        var config = V2(100, 3) with { Trackers = [new TrackerConfiguration(TrackerKind.External, "bonus", 50, initialValue: 0)] };
        var router = new VirtualRouter(config, Local);
        Assert.Equal(9_609_375_000, router.MasterDownInterval);
        router.Start(0);
        router.SetTrackerState(TrackerKind.External, "bonus", true, Second);
        Assert.Equal(150, router.EffectivePriority);
        Assert.Equal(9_000_000_000 + ((256 - 150) * 3_906_250), router.MasterDownInterval);
    }

    [Trait("Rfc", "9568-6.1-a")]
    [Fact]
    public void VRRPv3_still_scales_the_skew_by_the_interval()
    {
        var router = new VirtualRouter(Config(100, VrrpVersion.V3, TimeSpan.FromSeconds(2)) with { Trackers = [] }, Local);
        Assert.Equal(7_218_750_000, router.MasterDownInterval);               // 6 s + 156 / 256 x 2 s
        Assert.Equal(1_218_750_000, ProtocolTimers.SkewTime(VrrpVersion.V3, 100, 2 * Second));
        router.Start(0);
        router.HandleAdvertisement(Advert(0, HigherPeer, 200), Second);
        Assert.Equal(Second + 1_218_750_000, router.NextTimeout);
    }

    private static VirtualRouterConfiguration V2(byte priority, int seconds) =>
        Config(priority, VrrpVersion.V2, TimeSpan.FromSeconds(seconds)) with { Trackers = [] };
}
