using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Runtime;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

public class VrrpDriverTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_use_keepalived_phrases()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 1, logs);
        var low = lan.AddRouter(Config(100));
        var high = lan.AddRouter(Config(200));
        await low.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(4));
        await high.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        await high.Node.StopAsync();
        clock.Advance(TimeSpan.FromSeconds(1));

        var messages = logs.Messages;
        string[] expected =
        [
            "(VI_1) Entering BACKUP STATE",
            "(VI_1) Receive advertisement timeout",
            "(VI_1) Entering MASTER STATE",
            "(VI_1) setting VIPs.",
            "(VI_1) Sending gratuitous ARP on eth0 for 10.99.0.1",
            "(VI_1) Master received advert from 192.0.2.2 with higher priority 200, ours 100",
            "(VI_1) removing VIPs.",
            "(VI_1) sent 0 priority",
            "(VI_1) Stopped",
        ];
        var missing = expected.Where(e => !messages.Contains(e)).ToList();
        Assert.True(missing.Count == 0, $"missing: {string.Join(" | ", missing)}\nlogged:\n{string.Join("\n", messages)}");

        // Order of a takeover as keepalived logs it.
        int timeout = IndexOf(messages, "(VI_1) Receive advertisement timeout");
        Assert.True(timeout < IndexOf(messages, "(VI_1) Entering MASTER STATE", timeout));
    }

    [Trait("Rfc", "9568-6.4.3-k")]
    [Fact]
    public async Task A_healed_split_brain_leaves_the_higher_master_which_reannounces()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 12, logs);
        var low = lan.AddRouter(Config(100));
        var high = lan.AddRouter(Config(200) with { GarpMasterDelay = TimeSpan.Zero });
        await lan.StartAsync(Token);
        lan.Partition([low.Node], [high.Node]);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, low.State);
        Assert.Equal(VrrpState.Master, high.State);
        int announcementsBefore = high.Node.Announcements;

        // The partition heals from low to high first: high hears the lower master, answers at once and re-announces.
        lan.Heal();
        lan.SetLink(high.Node, low.Node, new LinkConditions { LossRate = 1 });
        clock.Advance(TimeSpan.FromSeconds(1.5));
        lan.Heal();
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(VrrpState.Backup, low.State);
        Assert.Equal(VrrpState.Master, high.State);
        Assert.Equal([high.Node], lan.HoldersOf(VipOf(1)));
        Assert.Contains("(VI_1) received lower priority (100) advert from 192.0.2.1 - discarding", logs.Messages);
        // garp_lower_prio_repeat 5 for each lower-priority advert (they come one interval apart), as keepalived does.
        long heard = high.GetStatus().OtherMasterAdvertisements;
        Assert.InRange(heard, 1, 3);
        Assert.Equal(announcementsBefore + (5 * heard), high.Node.Announcements);
    }

    [Trait("Rfc", "9568-6.4.3-k")]
    [Fact]
    public async Task A_master_that_hears_a_lower_master_that_does_not_step_down_reports_a_split_brain_until_it_does()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 13, logs);
        var low = lan.AddRouter(Config(100));
        var high = lan.AddRouter(Config(200) with { GarpMasterDelay = TimeSpan.Zero, GarpLowerPriorityDelay = TimeSpan.FromSeconds(2), GarpLowerPriorityRepeat = 3 });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal((VrrpState.Master, VrrpState.Backup), (high.State, low.State));
        Assert.Null(high.GetStatus().SplitBrain);

        // One-way: low no longer hears high, so it takes over and keeps advertising; high hears it all along.
        lan.SetLink(high.Node, low.Node, new LinkConditions { LossRate = 1 });
        int announcementsBefore = high.Node.Announcements;
        for (int step = 0; step < 500 && high.GetStatus().OtherMasterAdvertisements == 0; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));   // low's Master_Down_Interval (3.6 s) passes: its first advert
        }

        Assert.Equal((VrrpState.Master, VrrpState.Master), (high.State, low.State));
        var status = high.GetStatus();
        Assert.Equal(1, status.OtherMasterAdvertisements);
        Assert.Null(status.SplitBrain);                // one advert is a handover in the making: it must hear our answer first
        Assert.Equal(announcementsBefore + 3, high.Node.Announcements);   // garp_lower_prio_repeat 3 at once

        clock.Advance(TimeSpan.FromSeconds(1.05));     // it advertises again: it did not step down
        status = high.GetStatus();
        Assert.Equal(2, status.OtherMasterAdvertisements);
        Assert.Equal(1, status.SplitBrainEpisodes);
        var split = Assert.IsType<VrrpSplitBrain>(status.SplitBrain);
        Assert.Equal((low.Node.Address, (byte)100, (byte)200, 2L), (split.Peer, split.PeerPriority, split.Priority, split.Adverts));
        Assert.Equal(VrrpState.Master, status.State);
        Assert.Single(logs.Messages, m => m.StartsWith($"(VI_1) split brain: {low.Node.Address} on eth0 also acts as master for VRID 1 (its priority 100, ours 200)", StringComparison.Ordinal));

        // Re-announcing per keepalived: 3 at each of its adverts, and 3 more 2 s after the first.
        clock.Advance(TimeSpan.FromSeconds(1.05));
        status = high.GetStatus();
        Assert.Equal(3, status.OtherMasterAdvertisements);
        Assert.Equal(announcementsBefore + (3 * 3) + 3, high.Node.Announcements);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, high.GetStatus().SplitBrainEpisodes);   // one episode, logged once
        Assert.Single(logs.Messages, m => m.Contains("split brain", StringComparison.Ordinal));
        Assert.NotNull(high.GetStatus().SplitBrain);

        // Healed: low hears high and steps down; three of its intervals later the episode is over.
        lan.Heal();
        clock.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal((VrrpState.Master, VrrpState.Backup), (high.State, low.State));
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Null(high.GetStatus().SplitBrain);
        Assert.Equal(1, high.GetStatus().SplitBrainEpisodes);
        Assert.Equal([high.Node], lan.HoldersOf(VipOf(1)));
    }

    [Trait("Rfc", "9568-7.1-j")]
    [Fact]
    public async Task Drops_are_counted_by_reason_and_logged_rate_limited()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 2, logs);
        var a = lan.AddRouter(Config(200, version: VrrpVersion.V2) with { AuthenticationType = AuthenticationType.SimplePassword, AuthenticationPassword = "secret1" });
        var b = lan.AddRouter(Config(100, version: VrrpVersion.V2) with { AuthenticationType = AuthenticationType.SimplePassword, AuthenticationPassword = "secret2" });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(10.5));

        long drops = b.GetStatus().Drops[DropReason.AuthenticationFailure];
        Assert.InRange(drops, 7, 11);
        int logged = logs.Messages.Count(m => m == "(VI_1) received an invalid passwd!");
        Assert.InRange(logged, 14, 22);   // both sides, at most once a second each
        Assert.True(logged <= 2 * (drops + 1));
    }

    [Fact]
    public async Task A_peer_of_the_other_version_is_logged_once_per_episode_and_shown_in_the_status()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 2, logs);
        var v3 = lan.AddRouter(Config(200, interval: TimeSpan.FromMilliseconds(10)));
        var v2 = lan.AddRouter(Config(100, version: VrrpVersion.V2));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(10));

        long drops = v2.GetStatus().Drops[DropReason.VersionMismatch];
        Assert.InRange(drops, 990, 1001);
        const string Line = "(VI_1) VRRP version mismatch: 192.0.2.1 on eth0 sends VRRPv3 adverts for VRID 1, this instance speaks VRRPv2; " +
            "the two ignore each other and may both be master. Configure one version on every router of the VRID (option Version, " +
            "keepalived 'version'; keepalived defaults to 2, this library to 3). Logged once per episode (it ends after 00:00:03 without such an advert)";
        Assert.Equal(1, logs.Messages.Count(m => m == Line));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("dropped a packet from 192.0.2.1: VersionMismatch", StringComparison.Ordinal));
        var mismatch = v2.GetStatus().VersionMismatch;
        Assert.NotNull(mismatch);
        Assert.Equal(IPAddressValue.Parse("192.0.2.1"), mismatch.Peer);
        Assert.Equal(VrrpVersion.V3, mismatch.PeerVersion);
        Assert.Equal(VrrpVersion.V2, mismatch.Version);
        Assert.Equal(drops, mismatch.Adverts);

        // The v3 side hears the v2 adverts too (once a second), and its episode window follows the peer's interval.
        Assert.Equal(VrrpVersion.V2, v3.GetStatus().VersionMismatch?.PeerVersion);

        // The v3 router goes away: the episode ends after 3 s; it comes back: a new episode, logged again.
        await v3.Node.StopAsync();
        clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Null(v2.GetStatus().VersionMismatch);
        await v3.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(v2.GetStatus().VersionMismatch);
        Assert.Equal(2, logs.Messages.Count(m => m == Line));
    }

    [Trait("Rfc", "9568-7.1-f")]
    [Fact]
    public async Task Unknown_vrids_are_counted_per_driver()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 3);
        var a = lan.AddRouter(Config(100, vrid: 1));
        var b = lan.AddRouter(Config(100, vrid: 2));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(10.5));
        Assert.InRange(a.Node.Driver!.GetUnattributedDrops()[DropReason.UnknownVirtualRouterId], 6, 8);
        Assert.Empty(a.GetStatus().Drops);
        Assert.Equal(VrrpState.Master, b.State);
    }

    [Fact]
    public async Task Addresses_left_by_a_crash_are_removed_before_the_instance_starts()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 4, logs);
        var a = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(a.Node.HasAddress(VipOf(1)));

        await a.Node.CrashAsync();
        Assert.True(a.Node.HasAddress(VipOf(1)));   // a killed process leaves its VIPs behind
        await a.Node.StartAsync(Token);
        Assert.False(a.Node.HasAddress(VipOf(1)));
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Contains("(VI_1) removing leftover VIP 10.99.0.1 from eth0 (left by a previous run)", logs.Messages);
    }

    [Fact]
    public async Task An_address_removed_by_someone_else_while_master_is_put_back()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 5, logs);
        var a = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        a.Node.RemoveAddressExternally(VipOf(1));
        Assert.True(a.Node.HasAddress(VipOf(1)));
        Assert.Contains("(VI_1) VIP 10.99.0.1 was removed from eth0 while master; putting it back", logs.Messages);
    }

    [Trait("Rfc", "9568-6.4.3-g")]
    [Fact]
    public async Task Stop_sends_priority_zero_removes_the_addresses_and_waits_for_them()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 6);
        var node = lan.AddNode();
        var routers = Enumerable.Range(1, 3).Select(v => node.AddRouter(Config(150, vrid: (byte)v))).ToList();
        var peer = lan.AddRouter(Config(100, vrid: 1));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, node.Addresses.Count);

        await node.StopAsync();
        Assert.Empty(node.Addresses);
        Assert.All(routers, r => Assert.Equal(1, r.GetStatus().PriorityZeroSent));
        Assert.All(routers, r => Assert.Equal(VrrpState.Stopped, r.Node.Driver!.GetState(r.Name)));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Master, peer.State);
        Assert.Equal(1, peer.GetStatus().PriorityZeroReceived);
    }

    [Trait("Rfc", "9568-8.1.2-b")]
    [Trait("Rfc", "9568-8.2.2-c")]
    [Fact]
    public async Task Observers_see_each_instance_in_order()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 7);
        var a = lan.AddRouter(Config(100));
        var b = lan.AddRouter(Config(200));
        var seen = new List<string>();
        await a.Node.StartAsync(Token);
        a.Node.Driver!.AddObserver(new Recorder(seen));
        clock.Advance(TimeSpan.FromSeconds(5));
        await b.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));

        var distinct = seen.Where((s, i) => i == 0 || s != seen[i - 1]).ToList();
        Assert.Equal(
            [
                "state Backup->Master MasterDownTimerExpired",
                "addresses added",
                "announced Takeover x5",
                "applied Master holds=True",
                "state Master->Backup HigherPriorityAdvertisement",
                "addresses removed",
                "applied Backup holds=False",
            ],
            distinct.Take(7));
    }

    [Fact]
    public async Task One_timer_serves_every_instance()
    {
        var clock = new CountingTimeProvider(new VirtualClock());
        var lan = new VirtualLan(clock, seed: 8);
        var node = lan.AddNode();
        for (int v = 1; v <= 50; v++)
        {
            node.AddRouter(Config((byte)(100 + v), vrid: (byte)v, interval: TimeSpan.FromMilliseconds(10 * v)));
        }

        int before = clock.TimersCreated;
        await lan.StartAsync(Token);
        ((VirtualClock)typeof(CountingTimeProvider).GetField("<inner>P", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(clock)!).Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, clock.TimersCreated - before);
        Assert.All(node.Routers, r => Assert.Equal(VrrpState.Master, r.State));
        Assert.All(node.Routers, r => Assert.InRange(r.GetStatus().AdvertisementsSent, (long)(6_000 / (10 * r.Configuration.VirtualRouterId)) - 1, (long)(10_000 / (10 * r.Configuration.VirtualRouterId)) + 1));
    }

    [Fact]
    public async Task Tracker_states_pushed_before_start_apply_at_start()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 9);
        var a = lan.AddRouter(Config(100) with { Trackers = [new TrackerConfiguration(TrackerKind.External, "db", 0)] });
        a.SetTrackerState(TrackerKind.External, "db", false);
        await lan.StartAsync(Token);
        Assert.Equal(VrrpState.Fault, a.State);
        Assert.True(a.Node.Driver!.SetTrackerState(null, TrackerKind.External, "db", true));
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.False(a.Node.Driver.SetTrackerState(null, TrackerKind.External, "nope", true));
    }

    [Fact]
    public async Task Status_reports_counters_and_time_as_master()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 10);
        var a = lan.AddRouter(Config(200));
        var b = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(13.5));     // takeover at 3.21875 s (priority 200)
        var status = a.GetStatus();
        Assert.Equal(VrrpState.Master, status.State);
        Assert.Equal(TimeSpan.FromSeconds(10.28125), status.TimeAsMaster);
        Assert.Equal(11, status.AdvertisementsSent);
        Assert.Equal(1, status.BecameMaster);
        Assert.Equal(a.Node.Address, b.GetStatus().MasterAddress);
        Assert.Equal(11, b.GetStatus().AdvertisementsReceived);
        Assert.Equal(200, b.GetStatus().MasterPriority);
        Assert.Equal(StateChangeReason.MasterDownTimerExpired, status.LastStateChange!.Reason);
    }

    [Fact]
    public async Task Configuration_mistakes_are_reported_when_adding()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 11);
        var node = lan.AddNode();
        await using var driver = new AsyncVrrpDriver(new NullTransport(), new NullAddresses(), timeProvider: clock);
        driver.AddRouter(Config(100, vrid: 1));
        Assert.Contains("both use VRID 1", Assert.Throws<ArgumentException>(() => driver.AddRouter(Config(100, vrid: 1) with { Name = "other" })).Message);
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => driver.AddRouter(Config(100, vrid: 2) with { Name = "VI_1" })).Message);
        await driver.StartAsync(Token);
        Assert.Throws<InvalidOperationException>(() => driver.AddRouter(Config(100, vrid: 3)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => driver.StartAsync(Token));
        await driver.StopAsync(Token);
        _ = node;
    }

    [Fact]
    public async Task Send_failures_are_counted_and_logged_once_per_second_and_a_throwing_observer_is_isolated()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        await using var driver = new AsyncVrrpDriver(new NullTransport(failSends: true), new NullAddresses(), timeProvider: clock, loggerFactory: logs);
        driver.AddRouter(Config(100, interval: TimeSpan.FromMilliseconds(10)));
        driver.AddObserver(new Throwing());
        await driver.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5.5));
        Assert.True(driver.TryGetStatus("VI_1", out var status));
        Assert.Equal(VrrpState.Master, status.State);
        Assert.InRange(status.SendErrors, 545, 548);   // master at 36.09 ms, then every 10 ms
        Assert.InRange(logs.Messages.Count(m => m == "(VI_1) could not send an advertisement"), 5, 6);
        Assert.Contains("An observer threw; ignored", logs.Messages);
        await driver.StopAsync(Token);
        Assert.Equal(VrrpState.Stopped, driver.GetState("VI_1"));
    }

    private static int IndexOf(IReadOnlyList<string> list, string value, int from = 0)
    {
        for (int i = from; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class Recorder(List<string> seen) : VrrpObserver
    {
        public override void OnStateChanged(VrrpStateChange change) => seen.Add($"state {change.PreviousState}->{change.State} {change.Reason}");

        public override void OnAddressesChanged(string instance, bool added, Exception? error) => seen.Add(added ? "addresses added" : "addresses removed");

        public override void OnAnnounced(string instance, AnnouncementReason reason, int repeat) => seen.Add($"announced {reason} x{repeat}");

        public override void OnStateApplied(VrrpStateChange change) => seen.Add($"applied {change.State} holds={change.HoldsVirtualAddresses}");
    }

    private sealed class Throwing : VrrpObserver
    {
        public override void OnStateChanged(VrrpStateChange change) => throw new InvalidOperationException("observer bug");
    }

    private sealed class NullTransport(bool failSends = false) : IVrrpTransport
    {
        public ValueTask<IVrrpChannel> OpenAsync(VrrpChannelOptions options, CancellationToken cancellationToken) => new(new NullChannel(failSends));
    }

    private sealed class NullChannel(bool failSends) : IVrrpChannel
    {
        public IPAddressValue LocalAddress => IPAddressValue.Parse("192.0.2.1");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public async ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return default;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken) =>
            failSends ? ValueTask.FromException(new System.Net.Sockets.SocketException(101)) : ValueTask.CompletedTask;
    }

    private sealed class NullAddresses : IVirtualAddressManager
    {
        public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) => new(false);

        public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
