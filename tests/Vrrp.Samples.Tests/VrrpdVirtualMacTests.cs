using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 11.2 with the daemon: vrrpd and keepalived 2.2.7, both with <c>use_vmac</c>, fail over back and forth.
/// Adverts and gratuitous ARPs of both come from 00:00:5e:00:01:33; the client's neighbour entry for the VIP stays that
/// MAC through every failover; a vrrpd killed with SIGKILL leaves its interface and sysctls, the next vrrpd adopts them,
/// and after its stop nothing is left (no interface, the parent's sysctls back to what they were).
/// </summary>
[Collection(VrrpdVirtualMacTests.Name)]
public class VrrpdVirtualMacTests
{
    public const string Name = "vrrpd use_vmac";

    private const string Vip = "192.0.2.150";
    private const string VirtualMac = "00:00:5e:00:01:33";

    private static string Config(int priority, bool vrrpd) => $$"""
        global_defs {
            router_id {{(vrrpd ? "vrrpd" : "keepalived")}}
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            use_vmac
            virtual_router_id 51
            priority {{priority}}
            advert_int 0.1
            virtual_ipaddress {
                {{Vip}}/32
            }
        }
        """;

    private static BackgroundProcess StartVrrpd(NetworkLab lab, LabHost host)
    {
        string file = Path.Combine(lab.Directory, "vrrpd.conf");
        File.WriteAllText(file, Config(150, vrrpd: true));
        return lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", file, "-p", Path.Combine(lab.Directory, "vrrpd.pid")]));
    }

    private static string Sysctl(LabHost host, string name) => host.Exec("cat", $"/proc/sys/net/ipv4/conf/eth0/{name}").Trim();

    private static string NeighbourMac(LabHost client)
    {
        client.TryExec(out _, "ping", "-n", "-c", "1", "-W", "1", Vip);
        string line = client.Exec("ip", "neigh", "show", Vip);
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(words, "lladdr");
        return at >= 0 ? words[at + 1] : $"(none: '{line.Trim()}')";
    }

    [Fact]
    public void Vrrpd_and_keepalived_with_use_vmac_fail_over_both_ways_and_a_killed_vrrpd_leaves_nothing_after_the_next_run()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark", "ping");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        var client = lab.AddHost("c1", "192.0.2.50/24");
        r1.Exec("sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_ignore=2"); // not the default, to see it restored

        // keepalived 2.2.7 does not set arp_announce (vrrpd does, on the parent of its virtual-MAC interface): without it
        // the host's ARP requests for a client it answers from the VIP carry the VIP with the base MAC, and the client
        // learns that. Set by hand on the keepalived host, as its users must.
        r2.Exec("sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_announce=2");
        var capture = lab.StartCapture("vmac", "ip proto 112 or arp");
        var keepalived = lab.StartKeepalived(r2, Config(100, vrrpd: false));
        var vrrpd = StartVrrpd(lab, r1);
        try
        {
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.Contains("vrrp.51", r1.Exec("ip", "link", "show"));
            Assert.Equal(VirtualMac, NeighbourMac(client));

            // kill -9: keepalived takes over; the client's entry is the same MAC; vrrpd's interface and sysctls remain.
            vrrpd.Signal("KILL");
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.Equal(VirtualMac, NeighbourMac(client));
            Assert.Contains("vrrp.51", r1.Exec("ip", "link", "show"));
            Assert.Equal("1", Sysctl(r1, "arp_ignore"));

            // The next vrrpd adopts what the killed one left, removes its leftover VIP, and preempts keepalived.
            vrrpd = StartVrrpd(lab, r1);
            Assert.True(vrrpd.WaitForOutput("(VI_1) adopted virtual-MAC interface vrrp.51 on eth0", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.True(WaitFor(() => Count(keepalived.Output, "(VI_1) Master received advert from 192.0.2.11 with higher priority 150, ours 100") >= 2, TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.True(WaitFor(() => r1.Addresses("vrrp.51").Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)));
            Assert.Equal(VirtualMac, NeighbourMac(client));

            // A clean stop: keepalived takes over again, and nothing of vrrpd's is left on r1.
            vrrpd.Signal("TERM");
            Assert.Equal(0, vrrpd.ExitCode);
            Assert.True(WaitFor(() => NeighbourMac(client) == VirtualMac && r2.Addresses("vrrp.51").Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(5)));
            Assert.DoesNotContain("vrrp.51", r1.Exec("ip", "link", "show"));
            Assert.Equal(("2", "0", "0"), (Sysctl(r1, "arp_ignore"), Sysctl(r1, "arp_filter"), Sysctl(r1, "arp_announce")));
            Assert.DoesNotContain(Vip, r1.Exec("ip", "addr", "show"), StringComparison.Ordinal);
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
            TestContext.Current.TestOutputHelper?.WriteLine(keepalived.Output);
        }

        capture.Stop();
        var adverts = capture.Fields("vrrp", "eth.src", "ip.src");
        Assert.Contains(adverts, a => a[1] == "192.0.2.11");
        Assert.Contains(adverts, a => a[1] == "192.0.2.12");
        Assert.All(adverts, a => Assert.Equal(VirtualMac, a[0]));
        var garps = capture.Fields("arp.isgratuitous == 1", "eth.src", "arp.src.hw_mac", "arp.src.proto_ipv4");
        Assert.NotEmpty(garps);
        Assert.All(garps, g => Assert.Equal([VirtualMac, VirtualMac, Vip], g));
    }

    private static int Count(string text, string line) => text.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal));

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return condition();
    }
}

[CollectionDefinition(VrrpdVirtualMacTests.Name, DisableParallelization = true)]
public sealed class VrrpdVirtualMacCollection
{
}
