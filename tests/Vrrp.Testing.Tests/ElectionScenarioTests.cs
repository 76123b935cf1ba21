using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Testing;
using static Vrrp.Testing.Tests.LanTestKit;

namespace Vrrp.Testing.Tests;

/// <summary>Elections of 2, 3 and 5 routers on the in-memory LAN, timed on the virtual clock.</summary>
public class ElectionScenarioTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task The_highest_priority_wins_the_initial_election(int count)
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: count);
        var routers = Enumerable.Range(0, count).Select(i => lan.AddRouter(Config((byte)(100 + (((i * 7) + 3) % count * 10))))).ToList();
        await lan.StartAsync(Token);

        clock.Advance(TimeSpan.FromSeconds(5));
        var best = routers.MaxBy(r => r.Configuration.Priority)!;
        AssertSingleMaster(lan, best);

        // Every backup follows it.
        foreach (var r in routers.Where(r => r != best))
        {
            Assert.Equal(VrrpState.Backup, r.State);
            Assert.Equal(best.Node.Address, r.GetStatus().MasterAddress);
        }
    }

    [Trait("Rfc", "9568-6.4.2-g")]
    [Theory]
    [InlineData(2, 10)]
    [InlineData(3, 10)]
    [InlineData(5, 10)]
    [InlineData(2, 1000)]
    [InlineData(3, 1000)]
    [InlineData(5, 1000)]
    public async Task Failover_happens_exactly_master_down_interval_after_the_last_advert(int count, int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 7);
        var routers = Enumerable.Range(0, count).Select(i => lan.AddRouter(Config((byte)(200 - (i * 25)), interval))).ToList();
        await lan.StartAsync(Token);
        clock.Advance(interval * 10 + TimeSpan.FromSeconds(4));
        AssertSingleMaster(lan, routers[0]);

        // Kill the master between two adverts.
        clock.Advance(interval / 3);
        var killedAt = lan.Elapsed;
        await routers[0].Node.PowerOffAsync();
        var lastAdvert = LastAdvertisementSent(lan, routers[0].Node, killedAt);
        clock.Advance(TimeSpan.FromSeconds(6) + (interval * 5));

        var next = routers[1];
        AssertSingleMaster(lan, next);
        long mdi = ProtocolTimers.MasterDownInterval(next.Configuration.Priority, (long)interval.TotalMilliseconds * 1_000_000);
        long expectedTicks = lastAdvert.Ticks + VirtualLan.MinimumLatency.Ticks + ((mdi + 99) / 100);
        Assert.Equal(expectedTicks, StateChangeTime(lan, next.Node, VrrpState.Master, killedAt).Ticks);
    }

    [Trait("Rfc", "9568-6.1-c")]
    [Trait("Rfc", "9568-6.4.2-k")]
    [Fact]
    public async Task A_higher_priority_router_that_returns_preempts()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 1);
        var high = lan.AddRouter(Config(200));
        var low = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, high);

        await high.Node.PowerOffAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, low);

        await high.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, high);
        Assert.Equal(VrrpState.Backup, low.State);
    }

    [Trait("Rfc", "9568-6.1-c")]
    [Fact]
    public async Task With_nopreempt_a_returning_higher_priority_router_stays_backup()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 2);
        var high = lan.AddRouter(Config(200) with { Preempt = false });
        var low = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        await high.Node.PowerOffAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        await high.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(60));
        AssertSingleMaster(lan, low);
        Assert.Equal(VrrpState.Backup, high.State);

        // It still takes over when the lower master goes away.
        await low.Node.StopAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        AssertSingleMaster(lan, high);
    }

    [Trait("Rfc", "9568-6.1-c")]
    [Fact]
    public async Task Preempt_delay_postpones_preemption()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 3);
        var high = lan.AddRouter(Config(200) with { PreemptDelay = TimeSpan.FromSeconds(10) });
        var low = lan.AddRouter(Config(100));
        await low.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, low);

        var start = lan.Elapsed;
        await high.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(9.5));
        AssertSingleMaster(lan, low);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, high);
        var takeover = StateChangeTime(lan, high.Node, VrrpState.Master, start) - start;
        Assert.InRange(takeover, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(3.6171875) + TimeSpan.FromSeconds(1));
    }

    [Trait("Rfc", "9568-6.4.3-j")]
    [Fact]
    public async Task Equal_priorities_elect_the_highest_address()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 4);
        var routers = Enumerable.Range(0, 3).Select(_ => lan.AddRouter(Config(100))).ToList();
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(6));
        AssertSingleMaster(lan, routers.MaxBy(r => r.Node.Address)!);
    }

    [Trait("Rfc", "9568-6.4.2-i")]
    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    public async Task Priority_zero_hands_over_in_one_skew_time(int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 5);
        var high = lan.AddRouter(Config(200, interval));
        var low = lan.AddRouter(Config(254 - 154, interval));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5) + (interval / 2));
        var stoppedAt = lan.Elapsed;
        await high.Node.StopAsync();
        Assert.False(high.Node.HasAddress(Vip));
        clock.Advance(TimeSpan.FromSeconds(2));
        AssertSingleMaster(lan, low);

        long skew = ProtocolTimers.SkewTime(100, (long)interval.TotalMilliseconds * 1_000_000);
        long expected = stoppedAt.Ticks + VirtualLan.MinimumLatency.Ticks + ((skew + 99) / 100);
        Assert.Equal(expected, StateChangeTime(lan, low.Node, VrrpState.Master, stoppedAt).Ticks);
        Assert.Equal(1, high.GetStatus().PriorityZeroSent);
    }

    [Trait("Rfc", "9568-5.2.4-a")]
    [Trait("Rfc", "9568-6.4.1-a")]
    [Fact]
    public async Task The_address_owner_is_master_at_once_and_takes_back_over_when_it_returns()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 6);
        var owner = lan.AddRouter(Config(255));
        var backups = Enumerable.Range(0, 2).Select(i => lan.AddRouter(Config((byte)(150 + i)))).ToList();
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        AssertSingleMaster(lan, owner);

        await owner.Node.PowerOffAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, backups[1]);

        var back = lan.Elapsed;
        await owner.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        AssertSingleMaster(lan, owner);
        Assert.Equal(back, StateChangeTime(lan, owner.Node, VrrpState.Master, back));
    }

    [Trait("Rfc", "9568-6.4.2-j")]
    [Fact]
    public async Task A_v3_backup_learns_the_masters_interval_and_fails_over_on_it()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 8);
        var master = lan.AddRouter(Config(200, TimeSpan.FromMilliseconds(100)));
        var backup = lan.AddRouter(Config(100, TimeSpan.FromSeconds(1)));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromMilliseconds(100), backup.GetStatus().MasterAdvertisementInterval);

        var killedAt = lan.Elapsed;
        await master.Node.PowerOffAsync();
        var lastAdvert = LastAdvertisementSent(lan, master.Node, killedAt);
        clock.Advance(TimeSpan.FromSeconds(2));
        AssertSingleMaster(lan, backup);
        long mdi = ProtocolTimers.MasterDownInterval(100, 100_000_000);   // 360.9375 ms, not 3.609375 s
        Assert.Equal(lastAdvert.Ticks + 1 + ((mdi + 99) / 100), StateChangeTime(lan, backup.Node, VrrpState.Master, killedAt).Ticks);
    }

    [Trait("Rfc", "3768-7.1-d")]
    [Fact]
    public async Task A_v2_interval_mismatch_is_dropped_so_both_become_master()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 9);
        var a = lan.AddRouter(Config(200, TimeSpan.FromSeconds(1), version: VrrpVersion.V2));
        var b = lan.AddRouter(Config(100, TimeSpan.FromSeconds(2), version: VrrpVersion.V2));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);
        Assert.True(a.GetStatus().Drops[DropReason.IntervalMismatch] >= 5);
        Assert.True(b.GetStatus().Drops[DropReason.IntervalMismatch] >= 10);
    }

    [Fact]
    public async Task Tracker_weights_move_mastership_and_back()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 10);
        var a = lan.AddRouter(Config(150) with { Trackers = [new TrackerConfiguration(TrackerKind.External, "app", -60)] });
        var b = lan.AddRouter(Config(120));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a);

        a.SetTrackerState(TrackerKind.External, "app", false);
        Assert.Equal(90, a.EffectivePriority);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, b);

        a.SetTrackerState(TrackerKind.External, "app", true);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a);
    }

    [Fact]
    public async Task A_weight_zero_tracker_puts_the_master_in_fault_and_hands_over_fast()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 11);
        var a = lan.AddRouter(Config(200) with { Trackers = [new TrackerConfiguration(TrackerKind.External, "app")] });
        var b = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        var failedAt = lan.Elapsed;
        a.SetTrackerState(TrackerKind.External, "app", false);
        Assert.Equal(VrrpState.Fault, a.State);
        clock.Advance(TimeSpan.FromSeconds(1));
        AssertSingleMaster(lan, b);
        Assert.True(StateChangeTime(lan, b.Node, VrrpState.Master, failedAt) - failedAt < TimeSpan.FromSeconds(0.61));

        a.SetTrackerState(TrackerKind.External, "app", true);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a);
    }

    [Fact]
    public async Task Link_down_means_fault_and_link_up_rejoins()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 12);
        var a = lan.AddRouter(Config(200));
        var b = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        a.Node.SetLinkUp(false);
        Assert.Equal(VrrpState.Fault, a.State);
        Assert.False(a.Node.HasAddress(Vip));
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, b);
        a.Node.SetLinkUp(true);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a);
    }

    [Fact]
    public async Task Sync_group_members_fail_over_together()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 13);
        var nodeA = lan.AddNode("a");
        var nodeB = lan.AddNode("b");
        var a1 = nodeA.AddRouter(Config(200, vrid: 1, name: "VI_1") with { Trackers = [new TrackerConfiguration(TrackerKind.External, "app"), new TrackerConfiguration(TrackerKind.External, "weight", -150)] });
        var a2 = nodeA.AddRouter(Config(200, vrid: 2, name: "VI_2"));
        var b1 = nodeB.AddRouter(Config(100, vrid: 1, name: "VI_1"));
        var b2 = nodeB.AddRouter(Config(100, vrid: 2, name: "VI_2"));
        nodeA.AddSyncGroup("G", a1, a2);
        nodeB.AddSyncGroup("G", b1, b2);
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a1);
        AssertSingleMaster(lan, a2);

        // One member in Fault pulls the other into Fault: node B takes both.
        a1.SetTrackerState(TrackerKind.External, "app", false);
        Assert.Equal(VrrpState.Fault, a2.State);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, b1);
        AssertSingleMaster(lan, b2);

        a1.SetTrackerState(TrackerKind.External, "app", true);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a1);
        AssertSingleMaster(lan, a2);

        // Tracker weights are ignored in a sync group (keepalived's default): a weighted tracker failing means Fault.
        a1.SetTrackerState(TrackerKind.External, "weight", false);
        Assert.Equal(VrrpState.Fault, a1.State);
        Assert.Equal(VrrpState.Fault, a2.State);
        a1.SetTrackerState(TrackerKind.External, "weight", true);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a1);
        AssertSingleMaster(lan, a2);
    }

    [Fact]
    public async Task Sync_group_members_are_pulled_to_master_and_to_backup_together()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 14);
        var nodeA = lan.AddNode("a");
        var nodeB = lan.AddNode("b");
        var a1 = nodeA.AddRouter(Config(200, vrid: 1, name: "VI_1"));
        var a2 = nodeA.AddRouter(Config(200, vrid: 2, name: "VI_2"));
        var b1 = nodeB.AddRouter(Config(250, vrid: 1, name: "VI_1"));
        var b2 = nodeB.AddRouter(Config(250, vrid: 2, name: "VI_2") with { AdvertisementInterval = TimeSpan.FromSeconds(3) });
        nodeA.AddSyncGroup("G", a1, a2);
        nodeB.AddSyncGroup("G", b1, b2);
        await nodeA.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        AssertSingleMaster(lan, a1);
        AssertSingleMaster(lan, a2);

        // b1's Master_Down_Timer runs out first (1 s adverts); it pulls b2 (3 s adverts) to Master with it, and a1
        // stepping down pulls a2 down at once.
        var started = lan.Elapsed;
        await nodeB.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(4));
        AssertSingleMaster(lan, b1);
        AssertSingleMaster(lan, b2);
        var b1Master = StateChangeTime(lan, nodeB, VrrpState.Master, started);
        Assert.Contains(lan.Events, e => e.Node == "b" && e.Time == b1Master && e.Detail.StartsWith("VI_2 Backup -> Master (SyncGroup", StringComparison.Ordinal));
        Assert.Contains(lan.Events, e => e.Node == "a" && e.Detail.StartsWith("VI_2 Master -> Backup (SyncGroup", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromSeconds(60));
        AssertSingleMaster(lan, b1);
        AssertSingleMaster(lan, b2);
        Assert.Equal(3, a2.GetStatus().Transitions); // Initialize -> Backup -> Master -> Backup, and no flapping
    }
}
