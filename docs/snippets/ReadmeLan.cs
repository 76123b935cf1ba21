// README.md and docs/testing.md: two routers on the in-memory LAN with a virtual clock (runs as a test).
#region usings
using Vrrp;
using Vrrp.Election;
using Vrrp.Testing;
#endregion

namespace Vrrp.Docs.Snippets;

public static class ReadmeLan
{
    public static async Task RunAsync()
    {
        #region failover
        var clock = new VirtualClock();
        await using var lan = new VirtualLan(clock, seed: 1);
        var config = new VirtualRouterConfiguration
        {
            Name = "VI_1",
            InterfaceName = "eth0",
            VirtualRouterId = 51,
            VirtualAddresses = [VirtualAddress.Parse("192.0.2.100/24")],
        };
        var primary = lan.AddRouter(config with { Priority = 200 });
        var standby = lan.AddRouter(config with { Priority = 100 });
        await lan.StartAsync();

        clock.Advance(TimeSpan.FromSeconds(4));          // no waiting: the clock is virtual
        Assert.Equal(VrrpState.Master, primary.State);
        Assert.Equal(VrrpState.Backup, standby.State);

        await primary.Node.PowerOffAsync();              // the primary host dies
        clock.Advance(TimeSpan.FromSeconds(4));          // > Master_Down_Interval (3.609375 s at priority 100)
        Assert.Equal(VrrpState.Master, standby.State);
        Assert.True(standby.Node.HasAddress(IPAddressValue.Parse("192.0.2.100")));
        #endregion
    }
}
