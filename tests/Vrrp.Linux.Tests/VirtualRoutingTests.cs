using Vrrp.Election;
using Vrrp.Linux.Routing;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Issue 12: a two-armed router pair. One instance holds a VIP on each leg (<c>dev</c>), a virtual route in table 100
/// through the server leg and a rule sending the client prefix to table 100; a client behind one leg reaches a network
/// behind the server (only reachable through the master's virtual route) before and after a failover. The backup, and a
/// router in Fault, hold neither route nor rule; nothing is left after stop. <c>ip</c> is the oracle.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class VirtualRoutingTests
{
    private const int Interval = 100;
    private const string ClientGateway = "10.10.0.1";
    private const string ServerGateway = "10.20.0.1";
    private const string Behind = "10.30.0.1";

    private static readonly LinuxInstanceOptions Routing = new()
    {
        Routes = [VirtualRoute.Parse("10.30.0.0/24 via 10.20.0.50 dev eth1 table 100")],
        Rules = [VirtualRule.Parse("from 10.10.0.0/24 table 100 priority 1000")],
    };

    private static VirtualRouterConfiguration Config(byte priority) => new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 61,
        Priority = priority,
        AdvertisementInterval = TimeSpan.FromMilliseconds(Interval),
        VirtualAddresses = [VirtualAddress.Parse(ClientGateway + "/24"), VirtualAddress.Parse(ServerGateway + "/24 dev eth1 label eth1:vip")],
        GarpMasterDelay = TimeSpan.Zero,
    };

    // What the instance put in the kernel: our routes (proto keepalived, 18) in table 100, our rules, and the VIPs.
    private static string Routes(LabHost host) => host.Exec("ip", "route", "show", "table", "all", "proto", "18");

    private static string Rules(LabHost host) => host.Exec("ip", "rule", "show").Split('\n').Where(l => l.Contains("lookup 100", StringComparison.Ordinal)).Aggregate("", (a, l) => a + l + "\n");

    private static bool HoldsAny(LabHost host) =>
        Routes(host).Length > 0 || Rules(host).Length > 0 || host.Exec("ip", "-br", "addr", "show").Contains(ClientGateway + "/", StringComparison.Ordinal) ||
        host.Exec("ip", "-br", "addr", "show").Contains(ServerGateway + "/", StringComparison.Ordinal);

    [Fact]
    public async Task A_client_reaches_a_network_behind_the_virtual_route_before_and_after_failover_and_only_the_master_holds_route_and_rule()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "10.10.0.11/24");
        var h2 = lab.AddHost("r2", "10.10.0.12/24");
        var client = lab.AddHost("cl", "10.10.0.50/24");
        var server = lab.AddHostOn("br1", "srv", "10.20.0.50/24");
        lab.AddInterface(h1, "br1", "eth1", "10.20.0.11/24");
        lab.AddInterface(h2, "br1", "eth1", "10.20.0.12/24");
        foreach (var router in new[] { h1, h2 })
        {
            router.Exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        }

        client.Exec("ip", "route", "add", "default", "via", ClientGateway);
        server.Exec("ip", "addr", "add", Behind + "/24", "dev", "lo");
        server.Exec("ip", "route", "add", "default", "via", ServerGateway);
        using var service = new LabTcpService(server);
        var output = TestContext.Current.TestOutputHelper;

        var r1 = LabRouter.Create(h1, Config(150), Routing);
        var r2 = LabRouter.Create(h2, Config(100), Routing);
        try
        {
            await r1.StartAsync();
            await r2.StartAsync();
            Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r1 is {r1.State}");
            Assert.True(await r1.WaitForAddressAsync(ServerGateway));
            Assert.Equal("srv", await LabTcpService.AskUntilAsync(client, Behind, "srv", TimeSpan.FromSeconds(3)));

            output?.WriteLine(Routes(h1) + Rules(h1) + h1.Exec("ip", "-br", "addr", "show"));
            Assert.Contains("10.30.0.0/24 via 10.20.0.50 dev eth1", Routes(h1));
            Assert.Contains("from 10.10.0.0/24 lookup 100 proto keepalived", Rules(h1));
            Assert.Contains(ClientGateway + "/24", h1.Addresses("eth0"));
            Assert.Contains(ServerGateway + "/24", h1.Addresses("eth1"));
            Assert.Contains("eth1:vip", h1.Exec("ip", "addr", "show", "dev", "eth1"));
            Assert.False(HoldsAny(h2), "the backup holds neither route, rule nor VIP");

            // r1 loses its server leg: the VIP there names eth1, which the instance tracks (keepalived's rule), so r1
            // goes to Fault and gives everything up; r2 takes over and the client still reaches the network behind.
            h1.Exec("ip", "link", "set", "eth1", "down");
            Assert.True(await r1.WaitForStateAsync(VrrpState.Fault, TimeSpan.FromSeconds(2)), $"r1 is {r1.State}");
            Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
            Assert.True(await r2.WaitForAddressAsync(ServerGateway));
            Assert.Equal("srv", await LabTcpService.AskUntilAsync(client, Behind, "srv", TimeSpan.FromSeconds(3)));
            Assert.Contains("10.30.0.0/24 via 10.20.0.50 dev eth1", Routes(h2));
            Assert.Contains("from 10.10.0.0/24 lookup 100 proto keepalived", Rules(h2));
            Assert.True(WaitFor(() => !HoldsAny(h1), TimeSpan.FromSeconds(2)), "r1 in Fault holds neither route, rule nor VIP");

            await r1.Driver.StopAsync(TestContext.Current.CancellationToken);
            await r2.Driver.StopAsync(TestContext.Current.CancellationToken);
            Assert.False(HoldsAny(h1), "nothing is left on r1 after stop");
            Assert.False(HoldsAny(h2), "nothing is left on r2 after stop");
        }
        finally
        {
            await r1.DisposeAsync();
            await r2.DisposeAsync();
        }
    }

    [Fact]
    public async Task Routes_and_rules_a_killed_run_left_are_removed_at_the_next_start()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "10.10.0.11/24");
        lab.AddInterface(h1, "br1", "eth1", "10.20.0.11/24");
        var owner = Config(255);

        var first = LabRouter.Create(h1, owner, Routing);
        await first.StartAsync();
        Assert.True(WaitFor(() => Routes(h1).Length > 0 && Rules(h1).Length > 0, TimeSpan.FromSeconds(2)));
        await first.Driver.AbortAsync(); // kill -9
        first.Platform.Dispose();
        Assert.True(HoldsAny(h1));

        // Someone else's route to the same network (another protocol) is not ours to remove.
        h1.Exec("ip", "route", "add", "10.30.0.0/24", "via", "10.20.0.50", "dev", "eth1", "table", "100", "metric", "7", "proto", "static");

        // The next run starts as a backup (priority 100, a silent LAN: it would take over only after 3.6 intervals).
        var second = LabRouter.Create(h1, Config(100), Routing);
        try
        {
            await second.StartAsync();
            Assert.Equal(VrrpState.Backup, second.State);
            Assert.Equal("", Routes(h1));
            Assert.Equal("", Rules(h1));
            Assert.Contains("proto static", h1.Exec("ip", "route", "show", "table", "100"));
            await second.Driver.StopAsync(TestContext.Current.CancellationToken);
            Assert.False(HoldsAny(h1));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return condition();
    }
}
