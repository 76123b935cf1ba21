using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>
/// Two drivers with a VRRPv2 instance over IPv6 on one virtual LAN, as keepalived 2.2.7 runs them (version 2 before
/// IPv6 addresses, strict mode off): one master, one backup on its v2 adverts (8 + 16n bytes, whole-second interval).
/// </summary>
public class V2OverIPv6DriverTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static VirtualRouterConfiguration V2OverIPv6(byte priority) => Config(priority, version: VrrpVersion.V2) with
    {
        VirtualAddresses = [VirtualAddress.Parse("fd00::66"), VirtualAddress.Parse("fd00::67")],
        AuthenticationType = AuthenticationType.SimplePassword,
        AuthenticationPassword = "secret",
    };

    [Fact]
    public async Task Two_v2_routers_over_IPv6_elect_one_master()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 47, logs);
        var backup = lan.AddRouter(V2OverIPv6(100));
        var master = lan.AddRouter(V2OverIPv6(200));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(VrrpState.Master, master.GetStatus().State);
        Assert.Equal(VrrpState.Backup, backup.GetStatus().State);
        Assert.True(backup.GetStatus().AdvertisementsReceived >= 5, $"the backup heard {backup.GetStatus().AdvertisementsReceived} adverts");
        Assert.Empty(backup.GetStatus().Drops);

        // The master leaves: the backup takes over after its v2 master down interval (3 s + (256 - 100) / 256 s).
        await master.Node.StopAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, backup.GetStatus().State);
    }
}
