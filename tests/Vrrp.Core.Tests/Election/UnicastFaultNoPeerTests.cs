using Vrrp.Election;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>
/// keepalived's <c>unicast_fault_no_peer</c> (<see cref="VirtualRouterConfiguration.FaultWithoutUnicastPeers"/>): an
/// instance without unicast peers goes to Fault rather than to multicast (keepalived 2.2.7 counts it as a
/// configuration fault: "Cannot use unicast without any peers - going to fault state").
/// </summary>
public class UnicastFaultNoPeerTests
{
    [Fact]
    public void Without_peers_the_router_starts_in_fault_and_says_why()
    {
        var router = new VirtualRouter(Config(100) with { Trackers = [], FaultWithoutUnicastPeers = true }, Local);
        router.Start(0);
        Assert.Equal(VrrpState.Fault, router.State);
        Assert.Equal(["unicast without any peers (unicast_fault_no_peer)"], router.GetFaults());
        Assert.Null(router.NextTimeout);                                    // no Master_Down timer: it never takes over
        Assert.DoesNotContain(Drain(router), static a => a.StartsWith("Send", StringComparison.Ordinal));
    }

    [Fact]
    public void With_peers_it_runs_and_losing_them_at_a_reload_is_a_fault_until_they_are_back()
    {
        var withPeers = Config(100) with { Trackers = [], FaultWithoutUnicastPeers = true, UnicastPeers = [HigherPeer] };
        var router = new VirtualRouter(withPeers, Local);
        router.Start(0);
        Assert.Equal(VrrpState.Backup, router.State);

        router.Reconfigure(withPeers with { UnicastPeers = [] }, Second);
        Assert.Equal(VrrpState.Fault, router.State);

        router.Reconfigure(withPeers, 2 * Second);
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Empty(router.GetFaults());
    }

    [Fact]
    public void By_default_no_peers_means_multicast()
    {
        var router = new VirtualRouter(Config(100) with { Trackers = [] }, Local);
        router.Start(0);
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal([Group], router.Destinations);
    }
}
