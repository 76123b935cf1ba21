using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Testing;
using static Vrrp.Testing.Tests.LanTestKit;

namespace Vrrp.Testing.Tests;

/// <summary>Bytes as a real link delivers them: IPv4 headers, TTL, foreign (keepalived) adverts, garbage.</summary>
public class WireInteropTests
{
    // keepalived 2.2.7 captures (tests/Vrrp.Core.Tests/Vectors/keepalived-2.2.7.json): v2, VRID 9, auth PASS "1111",
    // VIP 172.16.1.25, from 10.50.0.11; priority 200, then the priority-0 advert it sends when it stops.
    private const string KeepalivedAdvert = "45c0002800010000ff70d0550a32000be00000122109c80101010668ac1001193131313100000000";
    private const string KeepalivedStop = "45c0002800030000ff70d0530a32000be0000012210900010101ce68ac1001193131313100000000";
    private static readonly IPAddressValue Keepalived = IPAddressValue.Parse("10.50.0.11");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static VirtualRouterConfiguration KeepalivedPeerConfig(byte priority) => new()
    {
        Name = "VI_1",
        InterfaceName = SimulatedNode.InterfaceName,
        VirtualRouterId = 9,
        Priority = priority,
        Version = VrrpVersion.V2,
        AuthenticationType = AuthenticationType.SimplePassword,
        AuthenticationPassword = "1111",
        VirtualAddresses = [VirtualAddress.Parse("172.16.1.25")],
    };

    private static byte[] VrrpPart(string ipPacketHex) => Convert.FromHexString(ipPacketHex)[20..];

    [Fact]
    public async Task A_router_follows_a_replayed_keepalived_master_then_takes_over_fast_on_its_priority_zero()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 1);
        var router = lan.AddRouter(KeepalivedPeerConfig(100));
        await lan.StartAsync(Token);
        for (int i = 0; i < 10; i++)
        {
            lan.Inject(router.Node, VrrpPart(KeepalivedAdvert), VrrpAddressFamily.IPv4, Keepalived);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var status = router.GetStatus();
        Assert.Equal(VrrpState.Backup, status.State);
        Assert.Equal(Keepalived, status.MasterAddress);
        Assert.Equal(200, status.MasterPriority);
        Assert.Equal(10, status.AdvertisementsReceived);
        Assert.Empty(status.Drops);

        var stoppedAt = lan.Elapsed;
        lan.Inject(router.Node, VrrpPart(KeepalivedStop), VrrpAddressFamily.IPv4, Keepalived);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(stoppedAt.Ticks + 1 + (609_375_000 / 100), StateChangeTime(lan, router.Node, VrrpState.Master, stoppedAt).Ticks);
    }

    [Trait("Rfc", "3768-5.3.6-a")]
    [Fact]
    public async Task A_wrong_password_from_keepalived_is_dropped_as_an_authentication_failure()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 2);
        var router = lan.AddRouter(KeepalivedPeerConfig(100) with { AuthenticationPassword = "2222" });
        await lan.StartAsync(Token);
        for (int i = 0; i < 5; i++)
        {
            lan.Inject(router.Node, VrrpPart(KeepalivedAdvert), VrrpAddressFamily.IPv4, Keepalived);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(5, router.GetStatus().Drops[DropReason.AuthenticationFailure]);
    }

    // keepalived 2.2.7 with auth_type AH (tests/Vrrp.Core.Tests/Vectors/keepalived-2.2.7-ah.json): whole IPv4 packets,
    // protocol 51, VRID 51, priority 150, key "secret12", sequence numbers 1 and 2, from 10.50.0.11.
    private const string KeepalivedAh1 = "45c0004400010000ff33d0760a32000be0000012700400000a32000b00000001259403200c3acce19fd057db213396020201319c0a3200640a3200650000000000000000";
    private const string KeepalivedAh2 = "45c0004400020000ff33d0750a32000be0000012700400000a32000b000000026c06263d3bb8b3e0fc4cffe3213396020201319c0a3200640a3200650000000000000000";

    private static VirtualRouterConfiguration AhConfig(byte priority, string key = "secret12") => new()
    {
        Name = "VI_1",
        InterfaceName = SimulatedNode.InterfaceName,
        VirtualRouterId = 51,
        Priority = priority,
        Version = VrrpVersion.V2,
        AuthenticationType = AuthenticationType.IPAuthenticationHeader,
        AuthenticationPassword = key,
        VirtualAddresses = [VirtualAddress.Parse("10.50.0.100/24"), VirtualAddress.Parse("10.50.0.101/24")],
    };

    [Fact]
    public async Task A_router_follows_replayed_keepalived_AH_adverts_and_drops_a_replay()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 5);
        var router = lan.AddRouter(AhConfig(100));
        await lan.StartAsync(Token);
        lan.Inject(router.Node, Convert.FromHexString(KeepalivedAh1), VrrpAddressFamily.IPv4, Keepalived);
        clock.Advance(TimeSpan.FromSeconds(1));
        lan.Inject(router.Node, Convert.FromHexString(KeepalivedAh2), VrrpAddressFamily.IPv4, Keepalived);
        clock.Advance(TimeSpan.FromSeconds(1));
        lan.Inject(router.Node, Convert.FromHexString(KeepalivedAh2), VrrpAddressFamily.IPv4, Keepalived);   // replayed
        clock.Advance(TimeSpan.FromSeconds(1));

        var status = router.GetStatus();
        Assert.Equal(VrrpState.Backup, status.State);
        Assert.Equal(Keepalived, status.MasterAddress);
        Assert.Equal(150, status.MasterPriority);
        Assert.Equal(2, status.AdvertisementsReceived);
        Assert.Equal(1, status.Drops[DropReason.AuthenticationFailure]);
    }

    [Fact]
    public async Task AH_routers_elect_one_master_and_a_wrong_key_makes_two()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 6);
        var a = lan.AddRouter(AhConfig(200));
        var b = lan.AddRouter(AhConfig(100));
        var c = lan.AddRouter(AhConfig(150, key: "guess"));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Backup, b.State);
        Assert.DoesNotContain(b.GetStatus().Drops, d => d.Key != DropReason.AuthenticationFailure);
        Assert.True(b.GetStatus().Drops[DropReason.AuthenticationFailure] >= 1);   // c's adverts, while c was master
        Assert.Equal(VrrpState.Master, c.State);                                     // hears no valid advert
        Assert.True(c.GetStatus().Drops[DropReason.AuthenticationFailure] >= 6);
        Assert.True(a.GetStatus().Drops[DropReason.AuthenticationFailure] >= 6);     // c's, every second
    }

    [Trait("Rfc", "9568-5.1.1.3-b")]
    [Fact]
    public async Task A_ttl_other_than_255_is_dropped_and_counted_against_the_instance()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 3);
        var a = lan.AddRouter(Config(200));
        var b = lan.AddRouter(Config(100));
        lan.SetLink(a.Node, b.Node, new LinkConditions { HopLimit = 64 });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);   // b never hears a valid advert: both masters, and b says why
        Assert.True(b.GetStatus().Drops[DropReason.TtlNot255] >= 6);
        Assert.Empty(a.GetStatus().Drops);
    }

    [Fact]
    public async Task Garbage_is_counted_never_thrown()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 4);
        var router = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        var random = new Random(4);
        for (int i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            if (bytes.Length > 1 && i % 2 == 0)
            {
                bytes[1] = 51;   // half of them claim our VRID
            }

            lan.Inject(router.Node, bytes, VrrpAddressFamily.IPv4, IPAddressValue.Parse("192.0.2.77"));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(VrrpState.Master, router.State);
        long attributed = router.GetStatus().Drops.Values.Sum();
        long unattributed = router.Node.Driver!.GetUnattributedDrops().Values.Sum();
        Assert.Equal(500, attributed + unattributed);
        Assert.True(attributed >= 200, $"{attributed} attributed by VRID");
    }
}
