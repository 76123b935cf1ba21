using Vrrp.Election;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>
/// keepalived's <c>down_timer_adverts</c> (<see cref="VirtualRouterConfiguration.DownTimerAdvertisements"/>):
/// Master_Down_Interval = N x Master_Adver_Interval + Skew_Time (keepalived 2.2.7's VRRP_MS_DOWN_TIMER), N = 1..100,
/// 3 by default (RFC 9568 section 6.1). The Skew_Time, and the skew-only wait after a priority 0 advert, do not change.
/// </summary>
public class DownTimerAdvertsTests
{
    // v3 at 1 s, priority 100: skew 156/256 s = 609 375 000 ns; v2 at 2 s, priority 100: skew 156/256 s too (v2 skew is in seconds).
    [Theory]
    [InlineData(1, VrrpVersion.V3, 1, 1_609_375_000)]
    [InlineData(2, VrrpVersion.V3, 1, 2_609_375_000)]
    [InlineData(3, VrrpVersion.V3, 1, 3_609_375_000)]
    [InlineData(10, VrrpVersion.V3, 1, 10_609_375_000)]
    [InlineData(100, VrrpVersion.V3, 1, 100_609_375_000)]
    [InlineData(1, VrrpVersion.V2, 2, 2_609_375_000)]
    [InlineData(5, VrrpVersion.V2, 2, 10_609_375_000)]
    public void A_backup_takes_over_after_N_intervals_and_the_unchanged_skew(int adverts, VrrpVersion version, int seconds, long expected)
    {
        var router = new VirtualRouter(Config(100, version, TimeSpan.FromSeconds(seconds)) with { Trackers = [], DownTimerAdvertisements = adverts }, Local);
        Assert.Equal(expected, router.MasterDownInterval);

        router.Start(0);
        Assert.Equal(expected, router.NextTimeout);

        // An advert from a higher-priority master restarts the timer with the same N.
        long heard = 500 * Millisecond;   // before the first deadline (1.6 s at N = 1)
        router.HandleAdvertisement(Advert(200, HigherPeer, (ushort)(version == VrrpVersion.V2 ? seconds : seconds * 100), version), heard);
        Assert.Equal(heard + expected, router.NextTimeout);
        router.HandleTimeout(heard + expected - 1);
        Assert.Equal(VrrpState.Backup, router.State);
        router.HandleTimeout(heard + expected);
        Assert.Equal(VrrpState.Master, router.State);
    }

    [Fact]
    public void The_default_is_the_RFCs_three_intervals()
    {
        var config = Config(100) with { Trackers = [] };
        Assert.Equal(3, config.DownTimerAdvertisements);
        Assert.Equal(ProtocolTimers.MasterDownInterval(100, Second), new VirtualRouter(config, Local).MasterDownInterval);
    }

    [Fact]
    public void A_learned_v3_master_interval_is_multiplied_by_N()
    {
        var router = new VirtualRouter(Config(100) with { Trackers = [], DownTimerAdvertisements = 5 }, Local);
        router.Start(0);
        router.HandleAdvertisement(Advert(200, HigherPeer, 50), Second); // the master advertises every 0.5 s
        long expected = (5 * 500 * Millisecond) + ProtocolTimers.SkewTime(100, 500 * Millisecond);
        Assert.Equal(expected, router.MasterDownInterval);
        Assert.Equal(Second + expected, router.NextTimeout);
    }

    [Fact]
    public void A_priority_zero_advert_still_waits_the_skew_only()
    {
        var router = new VirtualRouter(Config(100) with { Trackers = [], DownTimerAdvertisements = 10 }, Local);
        router.Start(0);
        router.HandleAdvertisement(Advert(200, HigherPeer), Second);
        router.HandleAdvertisement(Advert(0, HigherPeer), 2 * Second);
        Assert.Equal((2 * Second) + 609_375_000, router.NextTimeout);
    }

    [Fact]
    public void A_master_stepping_down_arms_N_intervals()
    {
        var router = new VirtualRouter(Config(100) with { Trackers = [], DownTimerAdvertisements = 1 }, Local);
        router.Start(0);
        long now = router.NextTimeout!.Value;
        Assert.Equal(1_609_375_000, now);
        router.HandleTimeout(now);
        Assert.Equal(VrrpState.Master, router.State);
        now += Second;
        router.HandleAdvertisement(Advert(200, HigherPeer), now);
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal(now + 1_609_375_000, router.NextTimeout);
    }

    [Fact]
    public void A_reload_to_fewer_adverts_shortens_a_running_master_down_timer()
    {
        var router = new VirtualRouter(Config(100) with { Trackers = [] }, Local);
        router.Start(0);
        router.HandleAdvertisement(Advert(200, HigherPeer), Second);
        Assert.Equal(Second + 3_609_375_000, router.NextTimeout);
        router.Reconfigure(Config(100) with { Trackers = [], DownTimerAdvertisements = 1 }, 2 * Second);
        Assert.Equal((2 * Second) + 1_609_375_000, router.NextTimeout);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-1)]
    public void Out_of_keepalived_range_is_refused(int adverts)
    {
        var e = Assert.Throws<ArgumentException>(() => (Config(100) with { DownTimerAdvertisements = adverts }).Validate());
        Assert.Contains("down_timer_adverts", e.Message, StringComparison.Ordinal);
        Assert.Contains("1..100", e.Message, StringComparison.Ordinal);
    }
}
