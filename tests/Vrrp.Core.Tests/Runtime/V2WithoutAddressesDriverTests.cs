using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>
/// Two drivers with a VRRPv2 instance without virtual addresses on one virtual LAN, as keepalived 2.2.7 runs them: each
/// warns as keepalived does, one is master sending adverts with a count of 0, the other stays backup on them.
/// </summary>
public class V2WithoutAddressesDriverTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_routers_without_addresses_elect_one_master_on_count_0_adverts()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 31, logs);
        var backup = lan.AddRouter(Config(100, version: VrrpVersion.V2) with { VirtualAddresses = [] });
        var master = lan.AddRouter(Config(200, version: VrrpVersion.V2) with { VirtualAddresses = [] });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(2, logs.Messages.Count(static m => m == "(VI_1) No VIP specified; at least one is sensible (VRRPv2 adverts without addresses are sent)"));
        Assert.Equal(VrrpState.Master, master.GetStatus().State);
        Assert.Equal(VrrpState.Backup, backup.GetStatus().State);
        Assert.True(backup.GetStatus().AdvertisementsReceived >= 5, $"the backup heard {backup.GetStatus().AdvertisementsReceived} adverts");
        Assert.False(backup.GetStatus().Drops.ContainsKey(DropReason.ZeroAddressCount));
    }
}
