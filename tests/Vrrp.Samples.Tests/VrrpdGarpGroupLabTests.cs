using System.Globalization;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's <c>garp_group</c>: one host, two interfaces on two segments, an instance on each; the two interfaces
/// are in one group with a 200 ms garp_interval. Both instances take over together, each asking for five gratuitous
/// ARPs. keepalived 2.2.7 sends VI_1's first at once; VI_1's repeats wait and fold into one, VI_2's (on the other
/// interface, same group) too: three ARPs, 200 ms apart, eth0, eth0, eth1 (paced alone, eth1's would go at once).
/// The same configuration runs under keepalived (the oracle) and under vrrpd; the captures must agree.
/// </summary>
public class VrrpdGarpGroupLabTests
{
    private const double Gap = 0.2;
    private const int Repeat = 5; // per instance; paced, keepalived folds the repeats of a waiting address into one

    private const string Config = """
        global_defs {
            vrrp_garp_master_delay 0
            vrrp_garp_master_repeat 5
        }
        garp_group {
            garp_interval 0.2
            interfaces {
                eth0
                eth1
            }
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 61
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.161
            }
        }
        vrrp_instance VI_2 {
            state BACKUP
            interface eth1
            virtual_router_id 62
            priority 150
            advert_int 1
            virtual_ipaddress {
                198.51.100.162
            }
        }
        """;

    [Fact]
    public void Gratuitous_arps_on_the_interfaces_of_one_garp_group_share_the_groups_gap_as_under_keepalived()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark", "keepalived");
        var keepalived = Capture(useKeepalived: true);
        var vrrpd = Capture(useKeepalived: false);
        foreach (var (who, arps) in new[] { ("keepalived", keepalived), ("vrrpd", vrrpd) })
        {
            var gaps = arps.Zip(arps.Skip(1), static (a, b) => b.Time - a.Time).ToList();
            string shown = $"{who}: gratuitous ARPs for {string.Join(" ", arps.Select(a => a.Address))}, gaps (ms) {string.Join(" ", gaps.Select(g => (g * 1000).ToString("F0", CultureInfo.InvariantCulture)))}";
            TestContext.Current.TestOutputHelper?.WriteLine(shown);
            Assert.True(arps.Select(a => a.Address).SequenceEqual(["192.0.2.161", "192.0.2.161", "198.51.100.162"]), shown);
            Assert.True(gaps.All(g => g >= Gap - 0.01 && g < Gap + 0.15), shown); // the group's gap between any two, whatever the interface
        }
    }

    /// <summary>Runs keepalived or vrrpd with <see cref="Config"/> until both instances are master and have announced; returns the gratuitous ARPs' times, both segments merged.</summary>
    private static List<(double Time, string Address)> Capture(bool useKeepalived)
    {
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        lab.AddInterface(host, "br1", "eth1", "198.51.100.11/24");
        var eth0 = lab.StartCapture("eth0", "arp");
        var eth1 = lab.StartCapture("eth1", "arp", bridge: "br1");
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, Config)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", Config), "--control-socket=none"]));
        try
        {
            Assert.True(daemon.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(15)), daemon.Output);
            Assert.True(daemon.WaitForOutput("(VI_2) Entering MASTER STATE", TimeSpan.FromSeconds(5)), daemon.Output);
            Thread.Sleep(TimeSpan.FromSeconds(2 * Repeat * Gap + 1)); // all ten sent, with room
        }
        finally
        {
            daemon.Signal("TERM");
            TestContext.Current.TestOutputHelper?.WriteLine((useKeepalived ? "keepalived:\n" : "vrrpd:\n") + daemon.Output);
        }

        eth0.Stop();
        eth1.Stop();
        return [.. eth0.Times("arp.src.proto_ipv4 == 192.0.2.161 && arp.dst.proto_ipv4 == 192.0.2.161").Select(static t => (t, "192.0.2.161"))
            .Concat(eth1.Times("arp.src.proto_ipv4 == 198.51.100.162 && arp.dst.proto_ipv4 == 198.51.100.162").Select(static t => (t, "198.51.100.162")))
            .OrderBy(static a => a.Item1)];
    }
}
