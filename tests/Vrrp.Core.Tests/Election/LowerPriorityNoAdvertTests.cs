using Vrrp.Election;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>
/// keepalived's <c>lower_prio_no_advert</c> (<see cref="VirtualRouterConfiguration.LowerPriorityNoAdvertisement"/>): a
/// master that hears a lower priority discards it without answering (RFC 9568 section 6.4.3); by default it answers
/// with an advert at once and restarts its advert timer from there (keepalived 2.2.7's vrrp_state_master_rx and
/// its dispatcher's timer reset). The lower-priority announcements are sent either way.
/// </summary>
public class LowerPriorityNoAdvertTests
{
    [Theory]
    [InlineData(false, "LowerDiscarded Send:100 Announce")]
    [InlineData(true, "LowerDiscarded Announce")]
    public void A_master_answers_a_lower_priority_unless_told_not_to(bool noAdvert, string expected)
    {
        var router = MasterAt(noAdvert, out long now);
        long nextAdvert = router.NextTimeout!.Value;
        now += 300 * Millisecond;
        router.HandleAdvertisement(Advert(50, LowerPeer), now);
        Assert.Equal(expected, string.Join(" ", Drain(router).Where(static a => !a.StartsWith("Priority", StringComparison.Ordinal))));
        Assert.Equal(VrrpState.Master, router.State);

        // The answer restarts the advert timer; without an answer the next advert stays where it was.
        Assert.Equal(noAdvert ? nextAdvert : now + Second, router.NextTimeout);
    }

    private static VirtualRouter MasterAt(bool noAdvert, out long now)
    {
        var router = new VirtualRouter(Config(100) with { Trackers = [], LowerPriorityNoAdvertisement = noAdvert, GarpMasterDelay = TimeSpan.Zero }, Local);
        router.Start(0);
        now = router.NextTimeout!.Value;
        router.HandleTimeout(now);
        Assert.Equal(VrrpState.Master, router.State);
        Drain(router);
        return router;
    }
}
