using System.Runtime.Versioning;
using Vrrp.Hosting;
using Vrrp.Keepalived;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 12: a unicast instance without <c>interface</c> (its VIP naming its <c>dev</c>), in the default VRF and in a
/// VRF (<c>vrf blue</c>, eth0 enslaved to it in each host), against keepalived 2.2.7 on eth0 (in the VRF: on a VRF
/// slave, which keepalived 2.2.7 runs) and against vrrpd. Election, failover both ways, the VIP on the device its entry
/// names, and the adverts on eth0 (tshark). keepalived 2.2.7 itself refuses an instance without an interface
/// ("Unknown interface!", fixed in 2.2.8), which the last test shows on our writer's output.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
[Collection(VrrpdVirtualMacTests.Name)]
public sealed class VrrpdVrfLabTests
{
    private const string Vip = "10.9.0.100";
    private const string AddressA = "10.9.0.1";
    private const string AddressB = "10.9.0.2";
    private const string Vip6 = "fd00:9::100";
    private const string AddressA6 = "fd00:9::1";
    private const string AddressB6 = "fd00:9::2";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(8);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    /// <summary>How host b runs: keepalived 2.2.7 on eth0, vrrpd without an interface, or vrrpd on eth0.</summary>
    public enum Peer
    {
        KeepalivedOnInterface,
        VrrpdWithoutInterface,
        VrrpdOnInterface,
    }

    // Host a: always vrrpd without interface (and with vrf blue when the lab has the VRF). Host b: as asked.
    private static string Config(string routerId, int priority, string source, string peer, string? iface, string? vrf, string vip = Vip + "/24") => $$"""
        global_defs {
            router_id {{routerId}}
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
        {{(iface is null ? "" : $"    interface {iface}\n")}}{{(vrf is null ? "" : $"    vrf {vrf}\n")}}    virtual_router_id 57
            priority {{priority}}
            advert_int 1
            unicast_src_ip {{source}}
            unicast_peer {
                {{peer}}
            }
            virtual_ipaddress {
                {{vip}} dev eth0
            }
        }
        """;

    [Theory]
    [InlineData(false, Peer.KeepalivedOnInterface)]
    [InlineData(false, Peer.VrrpdWithoutInterface)]
    [InlineData(true, Peer.KeepalivedOnInterface)]
    [InlineData(true, Peer.VrrpdWithoutInterface)]
    [InlineData(true, Peer.VrrpdOnInterface)]
    public void An_instance_without_interface_elects_fails_over_both_ways_and_advertises_on_its_peers_link(bool inVrf, Peer peer) =>
        Run(inVrf, peer, ipv6: false);

    [Theory]
    [InlineData(Peer.KeepalivedOnInterface)]
    [InlineData(Peer.VrrpdWithoutInterface)]
    public void An_IPv6_instance_without_interface_elects_and_fails_over_both_ways(Peer peer) => Run(inVrf: false, peer, ipv6: true);

    private static void Run(bool inVrf, Peer peer, bool ipv6)
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var a = lab.AddHost("a", AddressA + "/24", AddressA6 + "/64");
        var b = lab.AddHost("b", AddressB + "/24", AddressB6 + "/64");
        var (vip, addressA, addressB) = ipv6 ? (Vip6, AddressA6, AddressB6) : (Vip, AddressA, AddressB);
        string vipEntry = ipv6 ? Vip6 + "/64" : Vip + "/24";
        if (inVrf)
        {
            foreach (var host in new[] { a, b })
            {
                if (!host.TryExec(out string error, "ip", "link", "add", "blue", "type", "vrf", "table", "10"))
                {
                    Assert.Skip($"the kernel cannot create a VRF device (CONFIG_NET_VRF): {error.Trim()}");
                }

                host.Exec("ip", "link", "set", "blue", "up");
                host.Exec("ip", "link", "set", "eth0", "master", "blue");    // its routes move to table 10
                host.Exec("ip", "link", "set", "eth0", "up");
            }

            // The peer is reachable in the VRF's table only: an advert not routed there could not leave.
            Assert.DoesNotContain("10.9.0.0/24", a.Exec("ip", "route", "show", "table", "main"), StringComparison.Ordinal);
            Assert.Contains("10.9.0.0/24", a.Exec("ip", "route", "show", "table", "10"), StringComparison.Ordinal);
        }

        string? vrf = inVrf ? "blue" : null;
        string configA = Config("a", 150, addressA, addressB, iface: null, vrf, vipEntry);
        string configB = peer switch
        {
            Peer.VrrpdWithoutInterface => Config("b", 100, addressB, addressA, iface: null, vrf, vipEntry),
            _ => Config("b", 100, addressB, addressA, iface: "eth0", vrf: null, vipEntry),
        };

        BackgroundProcess StartA() => StartVrrpd(lab, a, configA);
        BackgroundProcess StartB() => peer == Peer.KeepalivedOnInterface ? lab.StartKeepalived(b, configB) : StartVrrpd(lab, b, configB);

        var capture = StartHostCapture(lab, a, "a-eth0", ipv6);
        var daemonA = StartA();
        BackgroundProcess? daemonB = null;
        string earlierA = "", earlierB = "";
        try
        {
            // Election: a (150) is master, b (100) follows a's adverts.
            Assert.True(daemonA.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), daemonA.Output);
            daemonB = StartB();
            Assert.True(daemonB.WaitForOutput("(VI_1) Entering BACKUP STATE", Settle), daemonB.Output);
            Thread.Sleep(2500);
            Assert.DoesNotContain("(VI_1) Entering MASTER STATE", daemonB.Output, StringComparison.Ordinal);
            Assert.Contains(vipEntry, a.Addresses("eth0"), StringComparison.Ordinal);
            Assert.DoesNotContain(vip, b.Addresses("eth0"), StringComparison.Ordinal);

            // Failover a -> b: a stops (priority 0 to b), b takes the VIP on its eth0.
            daemonA.Signal("TERM");
            earlierA = daemonA.Output;
            Assert.True(daemonB.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), daemonB.Output);
            Assert.True(WaitFor(() => b.Addresses("eth0").Contains(vip, StringComparison.Ordinal), TimeSpan.FromSeconds(3)), b.Addresses("eth0"));
            Assert.DoesNotContain(vip, a.Addresses("eth0"), StringComparison.Ordinal);

            // Back b -> a: a starts again and preempts; then b stops and a stays master with the VIP.
            daemonA = StartA();
            Assert.True(daemonA.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), daemonA.Output);
            Assert.True(WaitFor(() => !b.Addresses("eth0").Contains(vip, StringComparison.Ordinal), TimeSpan.FromSeconds(3)), b.Addresses("eth0"));
            Assert.True(WaitFor(() => a.Addresses("eth0").Contains(vip, StringComparison.Ordinal), TimeSpan.FromSeconds(3)), a.Addresses("eth0"));
            daemonB.Signal("TERM");
            earlierB = daemonB.Output;
            Thread.Sleep(1500);
            Assert.Equal(1, Count(daemonA.Output, "(VI_1) Entering MASTER STATE"));
            Assert.Contains(vipEntry, a.Addresses("eth0"), StringComparison.Ordinal);
            capture.Stop();

            // On a's eth0 (the VRF slave in the VRF case): a's adverts to b and b's to a, unicast, VRID 57, TTL 255.
            var adverts = ipv6
                ? capture.Fields("vrrp", "ipv6.src", "ipv6.dst", "vrrp.virt_rtr_id", "vrrp.prio", "ipv6.hlim")
                : capture.Fields("vrrp", "ip.src", "ip.dst", "vrrp.virt_rtr_id", "vrrp.prio", "ip.ttl");
            Output?.WriteLine(string.Join("\n", adverts.Select(f => string.Join(' ', f))));
            Assert.Contains(adverts, f => f.SequenceEqual([addressA, addressB, "57", "150", "255"]));
            // b's TTL: 255, but keepalived 2.2.7 leaves an IPv6 unicast advert's hop limit to the kernel (64).
            Assert.Contains(adverts, f => f.SequenceEqual([addressB, addressA, "57", "100", ipv6 && peer == Peer.KeepalivedOnInterface ? "64" : "255"]));
            Assert.Contains(adverts, f => f.SequenceEqual([addressA, addressB, "57", "0", "255"]));      // a stopping
            Assert.All(adverts, f => Assert.True(f[1] == addressA || f[1] == addressB, $"an advert to {f[1]}: only unicast to the peer"));
        }
        finally
        {
            Output?.WriteLine(earlierA);
            Output?.WriteLine(daemonA.Output);
            Output?.WriteLine(earlierB);
            Output?.WriteLine(daemonB?.Output ?? "");
        }
    }

    [Fact]
    public void Keepalived_2_2_7_refuses_our_written_instance_without_interface_as_it_refuses_its_own()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var a = lab.AddHost("a", AddressA + "/24");
        var options = KeepalivedConfigReader.ReadText(Config("a", 150, AddressA, AddressB, iface: null, vrf: null)).GetOptionsOrThrow();
        string written = KeepalivedConfigWriter.Write(options);
        Assert.DoesNotContain("interface", written, StringComparison.Ordinal);
        string file = lab.WriteFile("written.conf", written);
        Assert.False(a.TryExec(out string output, "keepalived", "-t", "-l", "-n", "-f", file), output);
        Output?.WriteLine(output);
        Assert.Contains("(VI_1) Unknown interface!", output, StringComparison.Ordinal);

        // With the interface given, the same instance (unicast, VIP with dev) is accepted without a word.
        options.Instances[0].Interface = "eth0";
        file = lab.WriteFile("with-interface.conf", KeepalivedConfigWriter.Write(options));
        Assert.True(a.TryExec(out output, "keepalived", "-t", "-l", "-n", "-f", file), output);
        Assert.Equal("", output.Trim());
    }

    private static BackgroundProcess StartVrrpd(NetworkLab lab, LabHost host, string config)
    {
        string file = Path.Combine(lab.Directory, $"vrrpd-{host.Name}.conf");
        File.WriteAllText(file, config);
        return lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", file,
            "-p", Path.Combine(lab.Directory, $"vrrpd-{host.Name}.pid"), "--control-socket=none"]));
    }

    // tcpdump on a host's own eth0 (the VRF slave), not on the bridge: what the host's stack sent and received there.
    private static LabCapture StartHostCapture(NetworkLab lab, LabHost host, string name, bool ipv6)
    {
        string file = Path.Combine(lab.Directory, name + ".pcap");
        var process = lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, "tcpdump", "-i", "eth0", "--immediate-mode", "-U", "-n", "-w", file, ipv6 ? "ip6" : "ip", "proto", "112"]));
        if (!process.WaitForOutput("listening on", TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("tcpdump did not start: " + process.Output);
        }

        return new LabCapture(process, file);
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
