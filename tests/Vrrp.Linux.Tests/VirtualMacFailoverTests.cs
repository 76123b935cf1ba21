using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived's use_vmac mode with our routers: each runs its instance on a macvlan carrying the virtual MAC; adverts,
/// gratuitous ARPs and ARP replies for the VIP come from the virtual MAC, and the client reaches the VIP across a failover.
/// (Replies to the client leave through the parent, as with keepalived, so the client may also learn the parent's MAC.)
/// </summary>
[Trait("Rfc", "9568-8.1.2-d")]
[Collection(TimingCollection.Name)]
public sealed class VirtualMacFailoverTests
{
    [Trait("Rfc", "9568-6.4.2-a")]
    [Trait("Rfc", "9568-6.4.2-e")]
    [Trait("Rfc", "9568-6.4.2-h")]
    [Trait("Rfc", "9568-6.4.3-e")]
    [Trait("Rfc", "9568-7.2-b")]
    [Trait("Rfc", "9568-8.1.2-a")]
    [Trait("Rfc", "9568-8.2.2-a")]
    [Theory]
    [InlineData(VrrpAddressFamily.IPv4)]
    [InlineData(VrrpAddressFamily.IPv6)]
    public async Task Adverts_garps_and_arp_replies_come_from_the_virtual_mac_and_the_client_follows_a_failover(VrrpAddressFamily family)
    {
        bool v6 = family == VrrpAddressFamily.IPv6;
        string Vip = v6 ? "2001:db8:50::100" : "192.0.2.100";
        string VirtualMac = v6 ? "00:00:5e:00:02:33" : "00:00:5e:00:01:33";
        string vmac = v6 ? "vrrp6.51" : "vrrp.51";
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        const int interval = 50;
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        var h2 = lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
        var client = lab.AddHost("c1", "192.0.2.50/24", "2001:db8:50::50/64");
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
                Assert.Equal(vmac, setup.CreateVirtualMacInterface("eth0", 51, family));
                Assert.Equal("1", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim());
                if (!v6)
                {
                    // No IPv6 on the IPv4 virtual-MAC interface: its router solicitations would teach the bridge the backup's port.
                    host.Exec("sysctl", "-q", "-w", "net.ipv6.conf.vrrp/51.disable_ipv6=1");
                }

                var config = FailoverTests.Config("VI_1", priority, interval) with { InterfaceName = vmac };
                if (v6)
                {
                    config = config with { VirtualAddresses = [VirtualAddress.Parse(Vip + "/64")] };
                }

                routers.Add(LabRouter.Create(host, config));
            }

            var (r1, r2) = (routers[0], routers[1]);
            await Task.WhenAll(r1.StartAsync(), r2.StartAsync());
            Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r1 is {r1.State}");
            Assert.Equal(VrrpState.Backup, r2.State);
            Assert.True(await r1.WaitForAddressAsync(Vip));
            Assert.Contains(Vip, h1.Addresses(vmac));
            string source1 = v6 ? LinkLocal(h1) : "192.0.2.11";
            string source2 = v6 ? LinkLocal(h2) : "192.0.2.12";
            Assert.Equal(IPAddressValue.Parse(source1), r1.Status().LocalAddress); // the parent's address

            var capture = lab.StartCapture("vmac", "ip proto 112 or ip6 proto 112 or arp or icmp6");
            Assert.Equal("r1", await LabTcpService.AskUntilAsync(client, Vip, "r1", TimeSpan.FromSeconds(3)));
            await Task.Delay(4 * interval, TestContext.Current.CancellationToken); // some of r1's adverts in the capture

            h1.Cut();
            Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
            Assert.Equal("r2", await LabTcpService.AskUntilAsync(client, Vip, "r2", TimeSpan.FromSeconds(3)));
            capture.Stop();

            var adverts = capture.Fields("vrrp", "eth.src", v6 ? "ipv6.src" : "ip.src");
            Assert.Contains(adverts, a => a[1] == source1);
            Assert.Contains(adverts, a => a[1] == source2);
            Assert.All(adverts, a => Assert.Equal(VirtualMac, a[0]));
            if (v6)
            {
                // Unsolicited (override) and solicited neighbour advertisements for the VIP: all from the virtual MAC.
                var nas = capture.Fields($"icmpv6.type == 136 && icmpv6.nd.na.target_address == {Vip}", "eth.src", "icmpv6.opt.linkaddr", "icmpv6.nd.na.flag.s");
                Assert.Contains(nas, n => n[2] == "0");
                Assert.Contains(nas, n => n[2] == "1"); // the client asked who has the VIP
                Assert.All(nas, n => Assert.Equal([VirtualMac, VirtualMac], n[..2]));
            }
            else
            {
                var garps = capture.Fields("arp.isgratuitous == 1", "eth.src", "arp.src.hw_mac", "arp.src.proto_ipv4");
                Assert.NotEmpty(garps);
                Assert.All(garps, g => Assert.Equal([VirtualMac, VirtualMac, Vip], g));
                var replies = capture.Fields($"arp.opcode == 2 && arp.src.proto_ipv4 == {Vip}", "eth.src", "arp.src.hw_mac");
                Assert.NotEmpty(replies); // the client asked who has the VIP
                Assert.All(replies, r => Assert.Equal([VirtualMac, VirtualMac], r)); // only the virtual-MAC interface answers
            }
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
                setups[i].RemoveVirtualMacInterface(vmac);
                setups[i].Dispose();
                Assert.DoesNotContain(vmac, host.Exec("ip", "link", "show"));
                Assert.Equal("0", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim()); // restored
            }
        }
    }

    private static string LinkLocal(LabHost host) =>
        host.Exec("ip", "-6", "-br", "addr", "show", "dev", "eth0", "scope", "link").Split(' ', StringSplitOptions.RemoveEmptyEntries)[2].Split('/')[0];
}
