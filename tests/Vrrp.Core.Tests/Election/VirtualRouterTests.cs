using Vrrp.Election;
using Vrrp.Packets;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

public class VirtualRouterTests
{
    [Trait("Rfc", "9568-6.4.1-b")]
    [Fact]
    public void Startup_waits_a_full_master_down_interval_in_backup()
    {
        var router = new VirtualRouter(Config(), Local);
        router.Start(5 * Second);
        Assert.Equal(5 * Second + 3_609_375_000, router.NextTimeout);
        router.HandleTimeout(5 * Second + 3_609_374_999);
        Assert.Equal(VrrpState.Backup, router.State);
        router.HandleTimeout(5 * Second + 3_609_375_000);
        Assert.Equal(VrrpState.Master, router.State);
    }

    [Trait("Rfc", "9568-6.4.2-i")]
    [Fact]
    public void Priority_zero_makes_a_backup_wait_only_skew_time()
    {
        var router = InState(VrrpState.Backup, out long now);
        router.HandleAdvertisement(Advert(0, HigherPeer), now);
        Assert.Equal(now + 609_375_000, router.NextTimeout);
        Assert.Null(router.MasterAddress);
        Assert.Equal(1, router.Counters.PriorityZeroReceived);
    }

    [Trait("Rfc", "9568-6.4.2-j")]
    [Trait("Rfc", "9568-7.1-l")]
    [Fact]
    public void A_v3_backup_learns_the_masters_interval()
    {
        var router = InState(VrrpState.Backup, out long now);
        router.HandleAdvertisement(Advert(200, HigherPeer, interval: 50), now);
        Assert.Equal(500 * Millisecond, router.MasterAdvertisementInterval);
        Assert.Equal(now + (3 * 500 * Millisecond) + ProtocolTimers.SkewTime(100, 500 * Millisecond), router.NextTimeout);
        Assert.Equal(HigherPeer, router.MasterAddress);
        Assert.Equal(200, router.MasterPriority);
    }

    [Trait("Rfc", "9568-6.4.3-j")]
    [Fact]
    public void A_master_stepping_down_learns_the_interval_of_the_new_master()
    {
        var router = InState(VrrpState.Master, out long now);
        router.HandleAdvertisement(Advert(200, HigherPeer, interval: 25), now);
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal(250 * Millisecond, router.MasterAdvertisementInterval);
        Assert.Equal(now + ProtocolTimers.MasterDownInterval(100, 250 * Millisecond), router.NextTimeout);
    }

    [Fact]
    public void A_backup_that_takes_over_uses_its_own_interval_again()
    {
        var router = InState(VrrpState.Backup, out long now);
        router.HandleAdvertisement(Advert(200, HigherPeer, interval: 50), now);
        router.HandleTimeout(router.NextTimeout!.Value);
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(Second, router.MasterAdvertisementInterval);
    }

    [Trait("Rfc", "3768-6.4.2-b")]
    [Trait("Rfc", "3768-7.1-d")]
    [Fact]
    public void A_v2_interval_mismatch_is_dropped_and_counted()
    {
        var router = InState(VrrpState.Backup, out long now, Config(version: VrrpVersion.V2));
        long before = router.NextTimeout!.Value;
        Assert.Equal(DropReason.IntervalMismatch, router.HandleAdvertisement(Advert(200, HigherPeer, interval: 2, version: VrrpVersion.V2), now));
        Assert.Equal(before, router.NextTimeout);
        Assert.Equal(1, router.Counters.GetDrops(DropReason.IntervalMismatch));
        Assert.Equal(DropReason.None, router.HandleAdvertisement(Advert(200, HigherPeer, interval: 1, version: VrrpVersion.V2), now));
        Assert.Equal(Second, router.MasterAdvertisementInterval);
    }

    [Trait("Rfc", "3768-5.3.6-a")]
    [Fact]
    public void V2_authentication_is_checked_with_the_codec()
    {
        var config = Config(version: VrrpVersion.V2) with { AuthenticationType = AuthenticationType.SimplePassword, AuthenticationPassword = "1111" };
        var router = InState(VrrpState.Backup, out long now, config);
        byte[] good = [(byte)'1', (byte)'1', (byte)'1', (byte)'1', 0, 0, 0, 0];
        byte[] bad = [(byte)'2', (byte)'1', (byte)'1', (byte)'1', 0, 0, 0, 0];
        Assert.Equal(DropReason.AuthenticationFailure, router.HandleAdvertisement(Advert(200, HigherPeer, 1, VrrpVersion.V2, auth: AuthenticationType.SimplePassword, authData: bad), now));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, router.HandleAdvertisement(Advert(200, HigherPeer, 1, VrrpVersion.V2), now));
        Assert.Equal(DropReason.None, router.HandleAdvertisement(Advert(200, HigherPeer, 1, VrrpVersion.V2, auth: AuthenticationType.SimplePassword, authData: good), now));
        Assert.Equal(1, router.Counters.GetDrops(DropReason.AuthenticationFailure));
        Assert.Equal(1, router.Counters.GetDrops(DropReason.AuthenticationTypeMismatch));
    }

    [Trait("Rfc", "9568-5.2.9-c")]
    [Trait("Rfc", "9568-7.1-f")]
    [Trait("Rfc", "9568-7.1-h")]
    [Trait("Rfc", "9568-8.4.2-a")]
    [Fact]
    public void Version_vrid_and_family_mismatches_are_dropped()
    {
        var router = InState(VrrpState.Backup, out long now);
        Assert.Equal(DropReason.VersionMismatch, router.HandleAdvertisement(Advert(200, HigherPeer, 1, VrrpVersion.V2), now));
        Assert.Equal(DropReason.UnknownVirtualRouterId, router.HandleAdvertisement(Advert(200, HigherPeer, vrid: 2), now));
        Assert.Equal(DropReason.ZeroInterval, router.HandleAdvertisement(Advert(200, HigherPeer, interval: 0), now));
        Assert.Equal(3, router.Counters.TotalDrops);
    }

    [Trait("Rfc", "9568-6.4.2-j")]
    [Fact]
    public void Nopreempt_backup_follows_a_lower_priority_master()
    {
        var router = InState(VrrpState.Backup, out long now, Config(priority: 200) with { Preempt = false });
        for (int i = 0; i < 10; i++)
        {
            now += Second;
            router.HandleAdvertisement(Advert(100, HigherPeer), now);
            router.HandleTimeout(now);
        }

        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal(HigherPeer, router.MasterAddress);
    }

    [Fact]
    public void Preempt_delay_follows_a_lower_master_until_the_delay_ends_then_takes_over()
    {
        var router = InState(VrrpState.Backup, out long now, Config(priority: 200) with { PreemptDelay = TimeSpan.FromSeconds(10) });
        long firstSeen = now;
        long lastAccepted = now;
        while (router.State == VrrpState.Backup && now < firstSeen + (20 * Second))
        {
            long deadlineBefore = router.NextTimeout!.Value;
            router.HandleAdvertisement(Advert(100, HigherPeer), now);
            if (router.NextTimeout != deadlineBefore)
            {
                lastAccepted = now;
            }

            now += Second;
            router.HandleTimeout(now);
        }

        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(firstSeen + (9 * Second), lastAccepted); // accepted while now < firstSeen + 10 s
        Assert.True(now >= firstSeen + (10 * Second));
        Assert.True(now <= lastAccepted + ProtocolTimers.MasterDownInterval(200, Second) + Second);
    }

    [Trait("Rfc", "3768-7.1-b")]
    [Trait("Rfc", "9568-6.1-c")]
    [Trait("Rfc", "9568-7.1-g")]
    [Trait("Rfc", "9568-8.3.2-b")]
    [Fact]
    public void An_owner_ignores_nopreempt_and_reports_adverts_it_receives()
    {
        var router = new VirtualRouter(Config(priority: 255) with { Preempt = false }, Local);
        router.Start(0);
        Drain(router);
        router.HandleAdvertisement(Advert(100, HigherPeer), Millisecond);
        Assert.Equal("OwnerReceived LowerDiscarded Send:255 Announce", string.Join(" ", Drain(router)));
        Assert.Equal(VrrpState.Master, router.State);
    }

    [Trait("Rfc", "9568-5.2.4-b")]
    [Fact]
    public void Tracker_weights_adjust_the_effective_priority_within_1_to_254_and_never_an_owner()
    {
        var config = Config(priority: 240) with
        {
            Trackers = [new TrackerConfiguration(TrackerKind.External, "up", 50), new TrackerConfiguration(TrackerKind.External, "down", -100, initialValue: 0), new TrackerConfiguration(TrackerKind.External, "down2", -200)],
        };
        var router = new VirtualRouter(config, Local);
        Assert.Equal(190, router.EffectivePriority);         // 240 + 50 - 100
        router.SetTrackerState(TrackerKind.External, "down", true, 0);
        Assert.Equal(254, router.EffectivePriority);         // 290 clamped
        router.SetTrackerState(TrackerKind.External, "down2", false, 0);
        router.SetTrackerState(TrackerKind.External, "up", false, 0);
        Assert.Equal(40, router.EffectivePriority);          // 240 - 200
        router.SetTrackerState(TrackerKind.External, "down", false, 0);
        Assert.Equal(1, router.EffectivePriority);           // -60 clamped

        var owner = new VirtualRouter(config with { Priority = 255 }, Local);
        owner.SetTrackerState(TrackerKind.External, "up", false, 0);
        Assert.Equal(255, owner.EffectivePriority);
    }

    [Fact]
    public void Fault_is_left_only_when_every_fault_clears()
    {
        var router = InState(VrrpState.Master, out long now);
        router.SetInterfaceState(false, now);
        router.SetTrackerState(TrackerKind.External, "check", false, now);
        Assert.Equal(VrrpState.Fault, router.State);
        Assert.Equal(1, router.Counters.PriorityZeroSent);
        router.SetInterfaceState(true, now);
        Assert.Equal(VrrpState.Fault, router.State);
        router.SetTrackerState(TrackerKind.External, "check", true, now + 1);
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal(now + 1 + 3_609_375_000, router.NextTimeout);
    }

    [Fact]
    public void Dont_track_primary_ignores_the_own_interface()
    {
        var router = InState(VrrpState.Backup, out long now, Config() with { DontTrackPrimary = true });
        router.SetInterfaceState(false, now);
        Assert.Equal(VrrpState.Backup, router.State);
    }

    [Trait("Rfc", "9568-6.4.1-b")]
    [Fact]
    public void Start_with_a_fault_present_enters_fault()
    {
        var router = new VirtualRouter(Config(), Local);
        router.SetInterfaceState(false, 0);
        router.Start(0);
        Assert.Equal(VrrpState.Fault, router.State);
        Assert.Null(router.NextTimeout);
    }

    [Trait("Rfc", "9568-6.4.3-h")]
    [Fact]
    public void The_advertisement_timer_keeps_its_phase_when_handled_late()
    {
        var router = InState(VrrpState.Master, out long now);
        long first = router.AdvertisementDeadline!.Value;
        router.HandleTimeout(first + (3 * Millisecond));
        Assert.Equal(first + Second, router.AdvertisementDeadline);
        router.HandleTimeout(first + (5 * Second));           // very late: no burst, restart from now
        Assert.Equal(first + (6 * Second), router.AdvertisementDeadline);
        Assert.Equal(["Send:100", "Send:100"], Drain(router).Where(a => a.StartsWith("Send", StringComparison.Ordinal)));
    }

    [Fact]
    public void Announcements_have_a_second_burst_and_an_optional_refresh()
    {
        var config = Config() with { GarpMasterDelay = TimeSpan.FromSeconds(5), GarpMasterRepeat = 3, GarpMasterRefresh = TimeSpan.FromSeconds(60), GarpMasterRefreshRepeat = 2 };
        var router = new VirtualRouter(config, Local);
        router.Start(0);
        router.HandleTimeout(router.NextTimeout!.Value);
        long takeover = 3_609_375_000;
        var announcements = new List<(long Time, AnnouncementReason Reason, int Repeat)>();
        long now = takeover;
        while (now < takeover + (125 * Second))
        {
            while (router.TryPollAction(out var action))
            {
                if (action.Kind == VirtualRouterActionKind.Announce)
                {
                    announcements.Add((action.Time, action.Announcement, action.Repeat));
                }
            }

            now = router.NextTimeout!.Value;
            router.HandleTimeout(now);
        }

        Assert.Equal(
            [
                (takeover, AnnouncementReason.Takeover, 3),
                (takeover + (5 * Second), AnnouncementReason.SecondBurst, 3),
                (takeover + (60 * Second), AnnouncementReason.Refresh, 2),
                (takeover + (120 * Second), AnnouncementReason.Refresh, 2),
            ],
            announcements);
    }

    [Trait("Rfc", "9568-6.4.3-k")]
    [Fact]
    public void Lower_priority_reannouncement_happens_at_most_once_per_master_down_interval()
    {
        // (The name is the ledger's; since issue 13 the bound is half an advertisement interval: keepalived's rate for a
        // peer advertising at ours, with room for jitter.) Adverts every 0.25 s for 5 s at a 1 s interval: a burst at
        // t = 0, 0.5, 1, ... 4.5 s.
        var router = InState(VrrpState.Master, out long now);
        int announces = 0;
        for (int i = 0; i < 20; i++)
        {
            router.HandleAdvertisement(Advert(50, HigherPeer), now + (i * 250 * Millisecond));
            announces += Drain(router).Count(a => a == "Announce");
        }

        Assert.Equal(10, announces);
    }

    [Trait("Rfc", "9568-6.4.3-k")]
    [Fact]
    public void Lower_priority_reannouncement_goes_at_once_and_again_after_garp_lower_prio_delay_as_keepalived_does()
    {
        // keepalived 2.2.7, vrrp_state_master_rx: garp_lower_prio_repeat at once, and (a timer) as many again after
        // garp_lower_prio_delay; independent of garp_master_repeat.
        var router = new VirtualRouter(Config() with { GarpLowerPriorityDelay = TimeSpan.FromSeconds(2), GarpLowerPriorityRepeat = 3, GarpMasterRepeat = 0 }, Local);
        router.Start(0);
        long now = router.NextTimeout!.Value;
        router.HandleTimeout(now);
        Drain(router);
        Assert.Equal(VrrpState.Master, router.State);

        router.HandleAdvertisement(Advert(50, HigherPeer), now);
        var first = new List<VirtualRouterAction>();
        while (router.TryPollAction(out var action))
        {
            first.Add(action);
        }

        var burst = Assert.Single(first, a => a.Kind == VirtualRouterActionKind.Announce);
        Assert.Equal((AnnouncementReason.LowerPriorityAdvertisement, 3), (burst.Announcement, burst.Repeat));
        var discarded = Assert.Single(first, a => a.Kind == VirtualRouterActionKind.LowerPriorityAdvertisementDiscarded);
        Assert.Equal((HigherPeer, (byte)50, 100), (discarded.Peer, discarded.PeerPriority, discarded.Interval));

        // Nothing more until the delay (the adverts go on), then the second set.
        for (long t = now + Second; t < now + (2 * Second); t += 100 * Millisecond)
        {
            router.HandleTimeout(t);
            Assert.DoesNotContain("Announce", Drain(router));
        }

        router.HandleTimeout(now + (2 * Second));
        var second = new List<VirtualRouterAction>();
        while (router.TryPollAction(out var action))
        {
            second.Add(action);
        }

        burst = Assert.Single(second, a => a.Kind == VirtualRouterActionKind.Announce);
        Assert.Equal((AnnouncementReason.LowerPriorityAdvertisement, 3), (burst.Announcement, burst.Repeat));
    }

    [Trait("Rfc", "9568-7.1-m")]
    [Fact]
    public void An_address_list_mismatch_is_reported_once_and_not_dropped()
    {
        var router = InState(VrrpState.Backup, out long now);
        Assert.Equal(DropReason.None, router.HandleAdvertisement(Advert(200, HigherPeer, otherAddress: true), now));
        router.HandleAdvertisement(Advert(200, HigherPeer, otherAddress: true), now);
        Assert.Equal(["AddressListMismatch"], Drain(router));
        router.HandleAdvertisement(Advert(200, HigherPeer), now);
        router.HandleAdvertisement(Advert(200, HigherPeer, otherAddress: true), now);
        Assert.Equal(["AddressListMismatch"], Drain(router));
    }

    [Fact]
    public void Time_as_master_and_counters_accumulate()
    {
        var router = new VirtualRouter(Config(), Local);
        router.Start(0);
        long takeover = router.NextTimeout!.Value;
        router.HandleTimeout(takeover);
        router.HandleAdvertisement(Advert(200, HigherPeer), takeover + (2 * Second));
        Assert.Equal(2 * Second, router.GetTimeAsMaster(takeover + (10 * Second)));
        Assert.Equal(1, router.Counters.BecameMaster);
        Assert.Equal(3, router.Counters.Transitions);
        Assert.Equal(1, router.Counters.AdvertisementsSent);
        Assert.Equal(1, router.Counters.AdvertisementsReceived);
    }

    [Trait("Rfc", "9568-7.2-a")]
    [Theory]
    [InlineData(VrrpVersion.V3, false)]
    [InlineData(VrrpVersion.V2, true)]
    public void The_advert_it_writes_parses_back_through_the_codec(VrrpVersion version, bool password)
    {
        var config = Config(version: version) with
        {
            VirtualAddresses = [VirtualAddress.Parse("192.0.2.100"), VirtualAddress.Parse("192.0.2.101")],
            AuthenticationType = password ? AuthenticationType.SimplePassword : AuthenticationType.None,
            AuthenticationPassword = password ? "secret12345" : null,
        };
        var router = new VirtualRouter(config, Local);
        var buffer = new byte[router.AdvertisementLength];
        int n = router.WriteAdvertisement(buffer, 123, Group);
        Assert.Equal(buffer.Length, n);
        Assert.True(VrrpPacket.TryParseMessage(buffer, VrrpAddressFamily.IPv4, Local, Group, 255, version, out var advert, out var reason), reason.ToString());
        Assert.Equal(123, advert.Priority);
        Assert.Equal(1, advert.VirtualRouterId);
        Assert.Equal(version == VrrpVersion.V2 ? 1 : 100, advert.Interval);
        Assert.Equal(IPAddressValue.Parse("192.0.2.101"), advert.GetAddress(1));

        // The receiving side with the same configuration accepts it (including the password).
        var peer = InState(VrrpState.Backup, out long now, config);
        var looped = new VirtualRouter(config, HigherPeer);
        looped.Start(0);
        int m = looped.WriteAdvertisement(buffer, 200, Group);
        Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, m), VrrpAddressFamily.IPv4, HigherPeer, Group, 255, version, out var fromPeer, out _));
        Assert.Equal(DropReason.None, peer.HandleAdvertisement(fromPeer, now));
    }

    [Fact]
    public void Configuration_errors_name_the_setting()
    {
        var good = Config();
        Assert.Contains("0.01..40.95", Assert.Throws<ArgumentException>(() => (good with { AdvertisementInterval = TimeSpan.FromMilliseconds(15) }).Validate()).Message);
        Assert.Contains("whole seconds", Assert.Throws<ArgumentException>(() => (good with { Version = VrrpVersion.V2, AdvertisementInterval = TimeSpan.FromMilliseconds(1500) }).Validate()).Message);
        Assert.Contains("1..255", Assert.Throws<ArgumentException>(() => (good with { VirtualRouterId = 0 }).Validate()).Message);
        Assert.Contains("one family", Assert.Throws<ArgumentException>(() => (good with { VirtualAddresses = [VirtualAddress.Parse("192.0.2.1"), VirtualAddress.Parse("fd00::1")] }).Validate()).Message);
        Assert.Contains("AH authentication is IPv4 only", Assert.Throws<ArgumentException>(() => (good with { Version = VrrpVersion.V2, VirtualAddresses = [VirtualAddress.Parse("fd00::1")], AuthenticationType = AuthenticationType.IPAuthenticationHeader, AuthenticationPassword = "x" }).Validate()).Message);
        (good with { Version = VrrpVersion.V2, VirtualAddresses = [VirtualAddress.Parse("fd00::1")] }).Validate(); // VRRPv2 over IPv6, as keepalived 2.2.7
        Assert.Contains("no authentication", Assert.Throws<ArgumentException>(() => (good with { AuthenticationType = AuthenticationType.SimplePassword, AuthenticationPassword = "x" }).Validate()).Message);
        Assert.Contains("priority", Assert.Throws<ArgumentException>(() => (good with { Priority = 0 }).Validate()).Message);
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => (good with { Trackers = [new(TrackerKind.Script, "a"), new(TrackerKind.Script, "a")] }).Validate()).Message);
        Assert.Throws<ArgumentException>(() => new VirtualRouter(good, IPAddressValue.Parse("fe80::1")));
    }

    [Fact]
    public void Configuration_lists_are_copied()
    {
        var list = new List<VirtualAddress> { VirtualAddress.Parse("192.0.2.1") };
        var config = Config() with { VirtualAddresses = list };
        list.Add(VirtualAddress.Parse("192.0.2.2"));
        Assert.Single(config.VirtualAddresses);
    }
}
