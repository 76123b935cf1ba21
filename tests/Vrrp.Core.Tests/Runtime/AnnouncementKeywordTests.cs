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
        Assert.InRange(first, 1, 2);
        clock.Advance(TimeSpan.FromSeconds(0.5)); // 4 frames, 100 ms apart: all sent by now
        Assert.Equal(4, a.Node.Announcements);
    }
}
