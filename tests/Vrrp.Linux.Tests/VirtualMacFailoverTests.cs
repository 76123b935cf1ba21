using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived's use_vmac as an instance option (issue 11.2): each router's instance creates its macvlan with the
/// virtual MAC at start and runs on it; adverts, gratuitous ARPs / unsolicited NAs and ARP / NS replies for the VIP come
/// from the virtual MAC, so the client's neighbour entry for the VIP is the virtual MAC before and after a failover;
/// at stop the interface is gone and the parent's sysctls are back.
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
    public async Task Adverts_and_announcements_come_from_the_virtual_mac_and_the_clients_neighbour_entry_survives_a_failover(VrrpAddressFamily family)
    {
        bool v6 = family == VrrpAddressFamily.IPv6;
        string vip = v6 ? "2001:db8:50::100" : "192.0.2.100";
        string virtualMac = v6 ? "00:00:5e:00:02:33" : "00:00:5e:00:01:33";
        string vmac = v6 ? "vrrp6.51" : "vrrp.51";
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        const int interval = 50;
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        var h2 = lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
        var client = lab.AddHost("c1", "192.0.2.50/24", "2001:db8:50::50/64");
        foreach (var host in new[] { h1, h2 })
        {
            // Routers forward IPv6: keepalived 2.2.7 (and so do we) then set the Router flag of the unsolicited NA.
            host.Exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        }

        using var s1 = new LabTcpService(h1);
        using var s2 = new LabTcpService(h2);
        var routers = new List<LabRouter>();
        try
        {
            foreach (var (host, priority) in new[] { (h1, (byte)150), (h2, (byte)100) })
            {
                var config = FailoverTests.Config("VI_1", priority, interval);
                if (v6)
                {
                    config = config with { VirtualAddresses = [VirtualAddress.Parse(vip + "/64")] };
                }

                routers.Add(LabRouter.Create(host, config, new LinuxInstanceOptions { UseVirtualMac = true }));
            }

            var (r1, r2) = (routers[0], routers[1]);
            await Task.WhenAll(r1.StartAsync(), r2.StartAsync());
            foreach (var host in new[] { h1, h2 })
            {
                string details = host.Exec("ip", "-d", "link", "show", vmac);
                Assert.Contains("link/ether " + virtualMac, details);
                Assert.Contains("macvlan mode bridge", details);
                Assert.Equal("1", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim());
                Assert.Equal("1", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_filter").Trim());
                Assert.Equal("2", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_announce").Trim());
                Assert.Equal(["1", "1", "0"], [.. new[] { "arp_ignore", "accept_local", "rp_filter" }.Select(s => host.Exec("cat", $"/proc/sys/net/ipv4/conf/{vmac}/{s}").Trim())]);
            }

            Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r1 is {r1.State}");
            Assert.Equal(VrrpState.Backup, r2.State);
            Assert.Equal(vmac, r1.Status().Interface);
            Assert.True(await r1.WaitForAddressAsync(vip));
            Assert.Contains(vip, h1.Addresses(vmac));
            string source1 = v6 ? LinkLocal(h1) : "192.0.2.11";
            string source2 = v6 ? LinkLocal(h2) : "192.0.2.12";
            Assert.Equal(IPAddressValue.Parse(source1), r1.Status().LocalAddress); // the parent's address

            var capture = lab.StartCapture("vmac", "ip proto 112 or ip6 proto 112 or arp or icmp6");
            Assert.Equal("r1", await LabTcpService.AskUntilAsync(client, vip, "r1", TimeSpan.FromSeconds(3)));
            Assert.Equal(virtualMac, NeighbourMac(client, vip));
            await Task.Delay(4 * interval, TestContext.Current.CancellationToken); // some of r1's adverts in the capture

            h1.Cut();
            Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
            Assert.Equal("r2", await LabTcpService.AskUntilAsync(client, vip, "r2", TimeSpan.FromSeconds(3)));
            Assert.Equal(virtualMac, NeighbourMac(client, vip)); // the same entry: the MAC moved with the VIP
            capture.Stop();

            var adverts = capture.Fields("vrrp", "eth.src", v6 ? "ipv6.src" : "ip.src");
            Assert.Contains(adverts, a => a[1] == source1);
            Assert.Contains(adverts, a => a[1] == source2);
            Assert.All(adverts, a => Assert.Equal(virtualMac, a[0]));
            if (v6)
            {
                // Issue 15 item 3: unsolicited NAs R=1 (forwarding on), S=0, O=1, target link-layer address the virtual MAC.
                var unsolicited = capture.Fields($"icmpv6.type == 136 && icmpv6.nd.na.target_address == {vip} && icmpv6.nd.na.flag.s == 0",
                    "eth.src", "icmpv6.opt.linkaddr", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.o", "ipv6.dst");
                Assert.NotEmpty(unsolicited);
                Assert.All(unsolicited, n => Assert.Equal([virtualMac, virtualMac, "1", "1", "ff02::1"], n));
                var solicited = capture.Fields($"icmpv6.type == 136 && icmpv6.nd.na.target_address == {vip} && icmpv6.nd.na.flag.s == 1", "eth.src", "icmpv6.opt.linkaddr");
                Assert.NotEmpty(solicited); // the client asked who has the VIP
                Assert.All(solicited, n => Assert.Equal(virtualMac, n[0]));
            }
            else
            {
                var garps = capture.Fields("arp.isgratuitous == 1", "eth.src", "arp.src.hw_mac", "arp.src.proto_ipv4");
                Assert.NotEmpty(garps);
                Assert.All(garps, g => Assert.Equal([virtualMac, virtualMac, vip], g));
                var replies = capture.Fields($"arp.opcode == 2 && arp.src.proto_ipv4 == {vip}", "eth.src", "arp.src.hw_mac");
                Assert.NotEmpty(replies); // the client asked who has the VIP
                Assert.All(replies, r => Assert.Equal([virtualMac, virtualMac], r)); // only the virtual-MAC interface answers
            }
        }
        finally
        {
            foreach (var router in routers)
            {
                await router.DisposeAsync();
            }
        }

        foreach (var host in new[] { h1, h2 })
        {
            Assert.DoesNotContain(vmac, host.Exec("ip", "link", "show"));
            Assert.Equal("0", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim()); // restored
            Assert.Equal("0", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_filter").Trim());
            Assert.Equal("0", host.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_announce").Trim());
        }
    }

    [Fact]
    public async Task A_killed_run_leaves_its_interface_and_sysctls_and_the_next_run_adopts_them_and_leaves_nothing_at_stop()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        h1.Exec("sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_ignore=2"); // not the default, to see it come back
        var config = FailoverTests.Config("VI_1", 255, 100); // the owner: master at once

        var first = LabRouter.Create(h1, config, new LinuxInstanceOptions { UseVirtualMac = true, VirtualMacInterface = "vmac51" });
        await first.StartAsync();
        Assert.True(await first.WaitForAddressAsync(FailoverTests.Vip));
        await first.Driver.AbortAsync(); // kill -9: nothing is undone
        first.Platform.Dispose();
        Assert.Contains("vmac51", h1.Exec("ip", "link", "show"));
        Assert.Contains("alias vrrp vmac, restore on eth0 arp_ignore=2 arp_filter=0 arp_announce=0", h1.Exec("ip", "link", "show", "vmac51"));
        Assert.Equal("1", h1.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim());

        using var logs = new ListLoggerFactory();
        await using (var second = LabRouter.Create(h1, config, new LinuxInstanceOptions { UseVirtualMac = true, VirtualMacInterface = "vmac51" }, logs))
        {
            await second.StartAsync();
            Assert.True(await second.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
            Assert.True(await second.WaitForAddressAsync(FailoverTests.Vip));
            Assert.Contains(logs.Messages, m => m.Contains("(VI_1) adopted virtual-MAC interface vmac51 on eth0", StringComparison.Ordinal));
            await second.Driver.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.DoesNotContain("vmac51", h1.Exec("ip", "link", "show"));
        Assert.Equal("2", h1.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim());
        Assert.Equal("0", h1.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_filter").Trim());
        Assert.DoesNotContain(FailoverTests.Vip, h1.Exec("ip", "addr", "show"));
    }

    [Fact]
    public async Task A_name_taken_by_another_interface_fails_the_start_and_leaves_it_alone()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        h1.Exec("ip", "link", "add", "vrrp.51", "type", "bridge");
        await using var router = LabRouter.Create(h1, FailoverTests.Config("VI_1", 100, 100), new LinuxInstanceOptions { UseVirtualMac = true });
        var ex = await Assert.ThrowsAsync<NetlinkException>(router.StartAsync);
        Assert.Contains("an interface named vrrp.51 exists and is not a virtual-MAC interface of eth0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bridge", h1.Exec("ip", "-d", "link", "show", "vrrp.51"));
        Assert.Equal("0", h1.Exec("sysctl", "-n", "net.ipv4.conf.eth0.arp_ignore").Trim());
    }

    internal static string NeighbourMac(LabHost host, string address)
    {
        string line = host.Exec("ip", "neigh", "show", address);
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(words, "lladdr");
        return at >= 0 && at + 1 < words.Length ? words[at + 1] : $"(no lladdr: '{line.Trim()}')";
    }

    private static string LinkLocal(LabHost host) =>
        host.Exec("ip", "-6", "-br", "addr", "show", "dev", "eth0", "scope", "link").Split(' ', StringSplitOptions.RemoveEmptyEntries)[2].Split('/')[0];
}
