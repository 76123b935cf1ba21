using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived's use_vmac mode with our routers: each runs its instance on a macvlan carrying the virtual MAC; adverts,
/// gratuitous ARPs and ARP replies for the VIP come from the virtual MAC, and the client reaches the VIP across a failover.
/// (Replies to the client leave through the parent, as with keepalived, so the client may also learn the parent's MAC.)
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class VirtualMacFailoverTests
{
    private const string Vip = "192.0.2.100";
    private const string VirtualMac = "00:00:5e:00:01:33";

    [Fact]
    public async Task Adverts_garps_and_arp_replies_come_from_the_virtual_mac_and_the_client_follows_a_failover()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        const int interval = 50;
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        var client = lab.AddHost("c1", "192.0.2.50/24");
        using var s1 = new LabTcpService(h1);
        using var s2 = new LabTcpService(h2);
        var routers = new List<LabRouter>();
        var setups = new List<LinuxVrrpPlatform>();
        try
        {
            foreach (var (host, priority) in new[] { (h1, (byte)150), (h2, (byte)100) })
            {
                var setup = LinuxVrrpPlatform.Create(host.Namespace);
                setups.Add(setup);
                Assert.Equal("vrrp.51", setup.CreateVirtualMacInterface("eth0", 51, VrrpAddressFamily.IPv4));
                Assert.Equal("1", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim());

                // No IPv6 on the virtual-MAC interface: its router solicitations would teach the bridge the backup's port.
                host.Exec("sysctl", "-q", "-w", "net.ipv6.conf.vrrp/51.disable_ipv6=1");
                routers.Add(LabRouter.Create(host, FailoverTests.Config("VI_1", priority, interval) with { InterfaceName = "vrrp.51" }));
            }

            var (r1, r2) = (routers[0], routers[1]);
            await Task.WhenAll(r1.StartAsync(), r2.StartAsync());
            Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r1 is {r1.State}");
            Assert.Equal(VrrpState.Backup, r2.State);
            Assert.True(await r1.WaitForAddressAsync(Vip));
            Assert.Contains(Vip, h1.Addresses("vrrp.51"));
            Assert.Equal(IPAddressValue.Parse("192.0.2.11"), r1.Router.GetStatus().LocalAddress); // the parent's address

            var capture = lab.StartCapture("vmac", "ip proto 112 or arp");
            Assert.Equal("r1", await LabTcpService.AskUntilAsync(client, Vip, "r1", TimeSpan.FromSeconds(3)));
            await Task.Delay(4 * interval, TestContext.Current.CancellationToken); // some of r1's adverts in the capture

            h1.Cut();
            Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
            Assert.Equal("r2", await LabTcpService.AskUntilAsync(client, Vip, "r2", TimeSpan.FromSeconds(3)));
            capture.Stop();

            var adverts = capture.Fields("vrrp", "eth.src", "ip.src");
            Assert.Contains(adverts, a => a[1] == "192.0.2.11");
            Assert.Contains(adverts, a => a[1] == "192.0.2.12");
            Assert.All(adverts, a => Assert.Equal(VirtualMac, a[0]));
            var garps = capture.Fields("arp.isgratuitous == 1", "eth.src", "arp.src.hw_mac", "arp.src.proto_ipv4");
            Assert.NotEmpty(garps);
            Assert.All(garps, g => Assert.Equal([VirtualMac, VirtualMac, Vip], g));
            var replies = capture.Fields($"arp.opcode == 2 && arp.src.proto_ipv4 == {Vip}", "eth.src", "arp.src.hw_mac");
            Assert.NotEmpty(replies); // the client asked who has the VIP
            Assert.All(replies, r => Assert.Equal([VirtualMac, VirtualMac], r)); // only the virtual-MAC interface answers
        }
        finally
        {
            foreach (var router in routers)
            {
                await router.DisposeAsync();
                router.Platform.Dispose();
            }

            for (int i = 0; i < setups.Count; i++)
            {
                var host = i == 0 ? h1 : h2;
                setups[i].RemoveVirtualMacInterface("vrrp.51");
                setups[i].Dispose();
                Assert.DoesNotContain("vrrp.51", host.Exec("ip", "link", "show"));
                Assert.Equal("0", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim()); // restored
            }
        }
    }
}
