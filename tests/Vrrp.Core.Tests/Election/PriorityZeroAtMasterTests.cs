using Vrrp.Election;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>
/// RFC 9568 section 6.4.3 (and RFC 3768 section 6.4.3): a master that receives a priority-0 advert sends an advert at
/// once AND restarts its Adver_Timer from that moment, so its next advert comes one Advertisement_Interval after the
/// immediate one, not at the old phase.
/// </summary>
public class PriorityZeroAtMasterTests
{
    [Trait("Rfc", "9568-6.4.3-i")]
    [Theory]
    [InlineData(VrrpVersion.V3, 1000)]
    [InlineData(VrrpVersion.V3, 100)]
    [InlineData(VrrpVersion.V2, 1000)]
    [InlineData(VrrpVersion.V2, 3000)]
    public void A_master_answers_priority_zero_at_once_and_restarts_its_advertisement_timer(VrrpVersion version, int intervalMs)
    {
        long interval = intervalMs * Millisecond;
        var router = new VirtualRouter(Config(100, version, TimeSpan.FromMilliseconds(intervalMs)) with { Trackers = [] }, Local);
        router.Start(0);
        long takeover = router.NextTimeout!.Value;
        router.HandleTimeout(takeover);
        Assert.Equal(VrrpState.Master, router.State);
        long oldPhase = takeover + interval;
        Assert.Equal(oldPhase, router.AdvertisementDeadline);
        Drain(router);

        // A priority-0 advert arrives 30% into the interval: one advert at once, the timer restarted from now.
        long zeroAt = takeover + (interval * 3 / 10);
        ushort wireInterval = (ushort)(version == VrrpVersion.V2 ? intervalMs / 1000 : intervalMs / 10);
        router.HandleAdvertisement(Advert(0, HigherPeer, wireInterval, version), zeroAt);
        Assert.Equal(["Send:100"], Drain(router));
        Assert.Equal(zeroAt + interval, router.AdvertisementDeadline);
        Assert.Equal(zeroAt + interval, router.NextTimeout);

        // Nothing at the old phase, nothing a nanosecond early; then one advert per interval from the new phase.
        var sends = new List<long>();
        foreach (long t in new[] { oldPhase, zeroAt + interval - 1, zeroAt + interval, zeroAt + (2 * interval) - 1, zeroAt + (2 * interval) })
        {
            router.HandleTimeout(t);
            sends.AddRange(Drain(router).Where(a => a == "Send:100").Select(_ => t));
        }

        Assert.Equal([zeroAt + interval, zeroAt + (2 * interval)], sends);
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(1, router.Counters.PriorityZeroReceived);
    }
}
