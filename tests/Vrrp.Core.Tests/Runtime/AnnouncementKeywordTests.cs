using Vrrp.Election;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>
/// Issue 12.4, keepalived's GARP / NA and multicast keywords on the in-memory LAN: a non-standard multicast group
/// (vrrp_mcast_group4/6), higher_prio_send_advert, garp_extra_if, garp_interval / gna_interval pacing.
/// </summary>
public class AnnouncementKeywordTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static List<string> Sent(VirtualLan lan) =>
        [.. lan.Events.Where(e => e.Kind == LanEventKind.AdvertisementSent).Select(e => e.Detail)];

    [Fact]
    public async Task Routers_on_a_non_standard_group_elect_with_each_other_and_do_not_hear_the_standard_group()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 31);
        var group = IPAddressValue.Parse("224.0.0.42");
        var a = lan.AddRouter(Config(200) with { MulticastGroup = group });
        var b = lan.AddRouter(Config(100) with { MulticastGroup = group });
        var stranger = lan.AddRouter(Config(150)); // the same VRID on the standard group
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal((VrrpState.Master, VrrpState.Backup), (a.State, b.State));
        Assert.Equal(VrrpState.Master, stranger.State); // it never heard a or b
        Assert.Contains(Sent(lan), d => d.EndsWith("to 224.0.0.42", StringComparison.Ordinal));
        Assert.True(b.GetStatus().AdvertisementsReceived > 0);
        Assert.Equal(0, stranger.GetStatus().AdvertisementsReceived);
    }

    [Theory]
    [InlineData("224.0.1.1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("ff02::99", false)] // not the instance's family
    public void The_group_must_be_a_multicast_address_of_the_family(string group, bool valid)
    {
        var config = Config(100) with { MulticastGroup = IPAddressValue.Parse(group) };
        if (valid)
        {
            config.Validate();
        }
        else
        {
            Assert.Contains("multicast", Assert.Throws<ArgumentException>(config.Validate).Message, StringComparison.Ordinal);
        }

        var v6 = Config(100) with { VirtualAddresses = [VirtualAddress.Parse("fd00::1")], MulticastGroup = IPAddressValue.Parse("ff05::12") };
        Assert.Contains("link-local scope", Assert.Throws<ArgumentException>(v6.Validate).Message, StringComparison.Ordinal);
        (v6 with { MulticastGroup = IPAddressValue.Parse("ff12::12") }).Validate();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_master_that_hears_a_higher_priority_sends_one_more_advert_only_with_higher_prio_send_advert(bool enabled)
    {
        var local = IPAddressValue.Parse("10.0.0.5");
        var peer = IPAddressValue.Parse("10.0.0.9");
        var router = new VirtualRouter(Config(100) with { HigherPrioritySendAdvertisement = enabled }, local);
        router.Start(0);
        router.HandleTimeout(router.NextTimeout!.Value);
        Assert.Equal(VrrpState.Master, router.State);
        while (router.TryPollAction(out _))
        {
        }

        // The other master's advert, priority 200.
        var sender = new VirtualRouter(Config(200), peer);
        byte[] message = new byte[sender.AdvertisementLength];
        sender.WriteAdvertisement(message, 200, router.MulticastGroup);
        Assert.True(Vrrp.Packets.VrrpPacket.TryParseMessage(message, VrrpAddressFamily.IPv4, peer, router.MulticastGroup, 255, null, out var advert, out _));
        router.HandleAdvertisement(in advert, 4_000_000_000);

        var actions = new List<VirtualRouterAction>();
        while (router.TryPollAction(out var action))
        {
            actions.Add(action);
        }

        Assert.Equal(VrrpState.Backup, router.State);
        var sends = actions.Where(a => a.Kind == VirtualRouterActionKind.SendAdvertisement).ToList();
        Assert.Equal(enabled ? 1 : 0, sends.Count);
        if (enabled)
        {
            Assert.Equal(100, sends[0].Priority); // our own, lower priority
            Assert.True(actions.IndexOf(sends[0]) < actions.FindIndex(a => a.Kind == VirtualRouterActionKind.StateChanged));
        }
    }

    [Fact]
    public async Task Garp_extra_if_re_announces_the_other_interfaces_addresses_while_master()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 33);
        var a = lan.AddRouter(Config(100) with
        {
            VirtualAddresses = [VirtualAddress.Parse("10.99.0.1"), VirtualAddress.Parse("10.98.0.1 dev eth1 no_track")],
            GarpExtraInterfacesInterval = TimeSpan.FromSeconds(10),
            GarpMasterDelay = TimeSpan.Zero,
        });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(VrrpState.Master, a.State);
        int afterTakeover = a.Node.Announcements;
        clock.Advance(TimeSpan.FromSeconds(10.1));
        Assert.Equal(afterTakeover + 1, a.Node.Announcements); // only 10.98.0.1 on eth1, once
        var announced = lan.Events.Where(e => e.Kind == LanEventKind.Announced).Select(e => e.Detail).ToList();
        Assert.Equal("10.98.0.1", announced[^1]);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(afterTakeover + 2, a.Node.Announcements);
    }

    [Fact]
    public async Task Garp_interval_spaces_the_announcements_on_an_interface()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 34);
        var a = lan.AddRouter(Config(100) with
        {
            VirtualAddresses = [VirtualAddress.Parse("10.99.0.1"), VirtualAddress.Parse("10.99.0.2")],
            GarpInterval = TimeSpan.FromMilliseconds(100),
            GarpMasterRepeat = 2,
            GarpMasterDelay = TimeSpan.Zero,
        });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(3.7)); // takeover at 3.609 s: the first frame goes at once
        int first = a.Node.Announcements;
        Assert.Equal(1, first);
        clock.Advance(TimeSpan.FromSeconds(0.5));

        // As keepalived: 10.99.0.1 at once; 10.99.0.2 and the repeat of 10.99.0.1 wait, each once (a waiting
        // address's further repeats fold into it), then go 100 ms apart in configuration order.
        Assert.Equal(3, a.Node.Announcements);
        var announced = lan.Events.Where(e => e.Kind == LanEventKind.Announced).ToList();
        Assert.Equal(["10.99.0.1", "10.99.0.1", "10.99.0.2"], announced.Select(e => e.Detail));
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)], announced.Zip(announced.Skip(1), static (x, y) => y.Time - x.Time));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_garp_group_paces_the_announcements_of_all_its_interfaces_together(bool grouped)
    {
        // Two routers of one node take over at the same moment; one announces on eth0, the other on eth1. With the
        // global gap alone each interface is paced on its own (the two first frames go together); in one garp_group
        // every frame on either interface waits the group's gap after the previous one (keepalived's shared
        // garp_next_time of the group).
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 35);
        var node = lan.AddNode("n1");
        var gap = TimeSpan.FromMilliseconds(100);
        AnnouncementPacingGroup[] groups = grouped ? [new AnnouncementPacingGroup { Interfaces = ["eth0", "eth1"], GarpInterval = gap }] : [];
        VirtualRouterConfiguration Paced(byte vrid, string address) => Config(100, vrid) with
        {
            VirtualAddresses = [VirtualAddress.Parse(address)],
            GarpInterval = gap,
            GarpMasterRepeat = 2,
            GarpMasterDelay = TimeSpan.Zero,
            AnnouncementPacingGroups = groups,
        };
        node.AddRouter(Paced(1, "10.99.0.1"));
        node.AddRouter(Paced(2, "10.98.0.1 dev eth1 no_track"));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));

        var times = lan.Events.Where(e => e.Kind == LanEventKind.Announced).Select(e => e.Time).Order().ToList();
        Assert.Equal(grouped ? 3 : 4, times.Count); // in the group, eth1's first frame waits, and its repeat folds into it
        var gaps = times.Zip(times.Skip(1), static (x, y) => y - x).ToList();
        if (grouped)
        {
            Assert.All(gaps, g => Assert.True(g >= gap, $"gaps {string.Join(", ", gaps)}"));
        }
        else
        {
            Assert.Contains(gaps, g => g < gap); // a frame on eth1 right after one on eth0
        }
    }

    [Fact]
    public async Task A_garp_group_without_a_gna_interval_sends_its_neighbour_advertisements_back_to_back_whatever_the_global_gap()
    {
        // keepalived: on the interfaces of a group the group's gaps replace the global ones, a missing one too.
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 36);
        var a = lan.AddRouter(Config(100) with
        {
            VirtualAddresses = [VirtualAddress.Parse("fd00::1"), VirtualAddress.Parse("fd00::2")],
            GnaInterval = TimeSpan.FromSeconds(1),
            GarpMasterRepeat = 2,
            GarpMasterDelay = TimeSpan.Zero,
            AnnouncementPacingGroups = [new AnnouncementPacingGroup { Interfaces = [SimulatedNode.InterfaceName], GarpInterval = TimeSpan.FromSeconds(1) }],
        });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(4, a.Node.Announcements); // with the global 1 s gap this would take 3 s more
    }

    [Fact]
    public void A_negative_group_gap_is_refused()
    {
        var config = Config(100) with { AnnouncementPacingGroups = [new AnnouncementPacingGroup { Interfaces = ["eth0"], GnaInterval = TimeSpan.FromSeconds(-1) }] };
        Assert.Contains("pacing group", Assert.Throws<ArgumentException>(config.Validate).Message, StringComparison.Ordinal);
    }
}
