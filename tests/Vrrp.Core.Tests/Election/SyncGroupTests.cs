using Vrrp.Election;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

public class SyncGroupTests
{
    private static (VirtualRouter A, VirtualRouter B, SyncGroup Group) Pair()
    {
        var a = new VirtualRouter(Config() with { Trackers = [] }, Local);
        var b = new VirtualRouter(Config() with { Name = "VI_2", VirtualRouterId = 2, Trackers = [] }, Local);
        return (a, b, new SyncGroup("G", [a, b]));
    }

    private static void Pump(SyncGroup group, long now)
    {
        bool again = true;
        while (again)
        {
            again = false;
            foreach (var member in group.Members)
            {
                while (member.TryPollAction(out var action))
                {
                    if (action.Kind == VirtualRouterActionKind.StateChanged)
                    {
                        group.OnMemberStateChanged(member, action, now);
                        again = true;
                    }
                }
            }
        }
    }

    [Fact]
    public void A_member_taking_over_pulls_the_others_to_master()
    {
        var (a, b, group) = Pair();
        a.Start(0);
        b.Start(0);
        Pump(group, 0);
        a.HandleTimeout(a.NextTimeout!.Value);
        Pump(group, a.NextTimeout!.Value);
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);
    }

    [Fact]
    public void A_member_does_not_take_over_while_another_follows_a_master_it_must_not_preempt()
    {
        var (a, b, group) = Pair();
        a.Start(0);
        b.Start(0);
        Pump(group, 0);
        b.HandleAdvertisement(Advert(200, HigherPeer, vrid: 2), Second);
        long expiry = a.NextTimeout!.Value;
        a.HandleTimeout(expiry);
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(expiry + a.MasterDownInterval, a.NextTimeout);
        Assert.False(group.AllowsTakeover(a));
        Assert.True(group.AllowsTakeover(b));
    }

    [Fact]
    public void A_member_stepping_down_pulls_the_other_masters_to_backup()
    {
        var (a, b, group) = Pair();
        a.Start(0);
        b.Start(0);
        a.HandleTimeout(a.NextTimeout!.Value);
        b.HandleTimeout(b.NextTimeout!.Value);
        Pump(group, 4 * Second);
        a.HandleAdvertisement(Advert(200, HigherPeer), 5 * Second);
        Pump(group, 5 * Second);
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(VrrpState.Backup, b.State);
    }

    [Fact]
    public void A_member_in_fault_holds_the_others_in_fault_until_it_recovers()
    {
        var (a, b, group) = Pair();
        a.Start(0);
        b.Start(0);
        a.HandleTimeout(a.NextTimeout!.Value);
        b.HandleTimeout(b.NextTimeout!.Value);
        Pump(group, 4 * Second);
        a.SetInterfaceState(false, 5 * Second);
        Pump(group, 5 * Second);
        Assert.Equal(VrrpState.Fault, a.State);
        Assert.Equal(VrrpState.Fault, b.State);
        Assert.Equal(1, b.Counters.PriorityZeroSent);
        Assert.False(b.HasOwnFault);
        a.SetInterfaceState(true, 6 * Second);
        Pump(group, 6 * Second);
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(VrrpState.Backup, b.State);
    }
}

public class SyncGroupTrackerTests
{
    [Fact]
    public void Tracker_weights_are_ignored_in_a_sync_group_unless_tracking_weight_is_set()
    {
        var config = Config() with { Trackers = [new TrackerConfiguration(TrackerKind.External, "w", -50)] };
        var a = new VirtualRouter(config, Local);
        var b = new VirtualRouter(config with { Name = "VI_2", VirtualRouterId = 2 }, Local);
        _ = new SyncGroup("G", [a, b]);
        a.Start(0);
        a.SetTrackerState(TrackerKind.External, "w", false, 0);
        Assert.Equal(100, a.EffectivePriority);
        Assert.Equal(VrrpState.Fault, a.State);

        var c = new VirtualRouter(config, Local);
        var d = new VirtualRouter(config with { Name = "VI_2", VirtualRouterId = 2 }, Local);
        _ = new SyncGroup("G", [c, d], trackingWeight: true);
        c.Start(0);
        c.SetTrackerState(TrackerKind.External, "w", false, 0);
        Assert.Equal(50, c.EffectivePriority);
        Assert.Equal(VrrpState.Backup, c.State);
    }
}
