using Vrrp.Election;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>What RFC 9568 asks to be logged: the core reports it as actions, the driver writes the lines.</summary>
public class RfcReportsTests
{
    [Trait("Rfc", "9568-7.1-l")]
    [Fact]
    public void A_v3_backup_reports_a_learned_interval_once_per_change()
    {
        var router = InState(VrrpState.Backup, out long now);
        Drain(router);
        router.HandleAdvertisement(Advert(200, HigherPeer, interval: 50), now);
        var first = Actions(router);
        var learned = Assert.Single(first, a => a.Kind == VirtualRouterActionKind.IntervalLearned);
        Assert.Equal((HigherPeer, 50), (learned.Peer, learned.Interval));

        router.HandleAdvertisement(Advert(200, HigherPeer, interval: 50), now + (500 * Millisecond));
        Assert.DoesNotContain(Actions(router), a => a.Kind == VirtualRouterActionKind.IntervalLearned);
        router.HandleAdvertisement(Advert(200, HigherPeer, interval: 100), now + Second);
        Assert.Single(Actions(router), a => a.Kind == VirtualRouterActionKind.IntervalLearned);
    }

    [Trait("Rfc", "9568-7.1-l")]
    [Fact]
    public void A_v2_backup_never_learns_an_interval()
    {
        var router = InState(VrrpState.Backup, out long now, Config(version: VrrpVersion.V2));
        Drain(router);
        router.HandleAdvertisement(Advert(200, HigherPeer, interval: 1, version: VrrpVersion.V2), now);
        Assert.DoesNotContain(Actions(router), a => a.Kind == VirtualRouterActionKind.IntervalLearned);
    }

    [Trait("Rfc", "9568-8.3.2-b")]
    [Fact]
    public void Two_routers_claiming_priority_255_are_reported()
    {
        var router = InState(VrrpState.Backup, out long now);
        Drain(router);
        router.HandleAdvertisement(Advert(255, HigherPeer), now);
        Assert.DoesNotContain(Actions(router), a => a.Kind == VirtualRouterActionKind.MultipleOwners);
        router.HandleAdvertisement(Advert(255, HigherPeer), now + Second);
        Assert.DoesNotContain(Actions(router), a => a.Kind == VirtualRouterActionKind.MultipleOwners);
        router.HandleAdvertisement(Advert(255, LowerPeer), now + (2 * Second));
        var report = Assert.Single(Actions(router), a => a.Kind == VirtualRouterActionKind.MultipleOwners);
        Assert.Equal((LowerPeer, HigherPeer), (report.Peer, report.OtherPeer));
    }

    private static List<VirtualRouterAction> Actions(VirtualRouter router)
    {
        var list = new List<VirtualRouterAction>();
        while (router.TryPollAction(out var action))
        {
            list.Add(action);
        }

        return list;
    }
}
