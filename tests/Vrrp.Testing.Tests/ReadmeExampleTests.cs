using Vrrp.Election;
using Vrrp.Testing;

#pragma warning disable xUnit1051 // the README snippet is shown as users write it, without a test token

namespace Vrrp.Testing.Tests;

public class ReadmeExampleTests
{
    [Fact]
    public async Task Readme_example_elects_and_fails_over()
    {
        // --- README snippet starts ---
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 1);
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

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(VrrpState.Master, primary.State);
        Assert.Equal(VrrpState.Backup, standby.State);

        await primary.Node.PowerOffAsync();          // the primary host dies
        clock.Advance(TimeSpan.FromSeconds(4));      // > Master_Down_Interval (3.609375 s at priority 100)
        Assert.Equal(VrrpState.Master, standby.State);
        Assert.True(standby.Node.HasAddress(IPAddressValue.Parse("192.0.2.100")));
        // --- README snippet ends ---
    }
}
