// docs/testing.md: split brain on the in-memory LAN, loss and delay, and how it heals (runs as a test).
#region usings
using Vrrp;
using Vrrp.Election;
using Vrrp.Testing;
#endregion

namespace Vrrp.Docs.Snippets;

public static class TestingPartition
{
    public static async Task RunAsync()
    {
        #region partition
        var clock = new VirtualClock();
        await using var lan = new VirtualLan(clock, seed: 42);   // the seed fixes loss and jitter: print it in your test
        var config = new VirtualRouterConfiguration
        {
            Name = "VI_1",
            InterfaceName = "eth0",
            VirtualRouterId = 7,
            AdvertisementInterval = TimeSpan.FromMilliseconds(100),
            VirtualAddresses = [VirtualAddress.Parse("192.0.2.50/24")],
        };
        var a = lan.AddRouter(config with { Priority = 200 });
        var b = lan.AddRouter(config with { Priority = 100 });
        await lan.StartAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([a], lan.MastersOf(7));

        lan.Partition([a.Node], [b.Node]);                        // adverts no longer cross: split brain
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, lan.MastersOf(7).Count);
        Assert.Equal(2, lan.HoldersOf(IPAddressValue.Parse("192.0.2.50")).Count);

        lan.Heal();                                               // b hears a's higher priority and steps down
        lan.DefaultLink = new LinkConditions { LossRate = 0.2, Latency = TimeSpan.FromMilliseconds(2) };
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([a], lan.MastersOf(7));
        Assert.Equal([a.Node], lan.HoldersOf(IPAddressValue.Parse("192.0.2.50")));
        #endregion
    }
}
