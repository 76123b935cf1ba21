using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived 2.2.7's <c>down_timer_adverts</c>, <c>mcast_dst_ip</c>, <c>unicast_ttl 0</c> and <c>track_src_ip</c>
/// against keepalived itself, as the peer or beside ours with the same setting, with a capture on the bridge as the
/// oracle of the wire.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class ProtocolOptionsInteropTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    /// <summary>
    /// One LAN, two VRIDs whose masters (address owners) die at the same moment: VRID 61 our owner and a keepalived
    /// backup, VRID 62 a keepalived owner and our backup, both backups at priority 100 with the same
    /// <c>down_timer_adverts N</c>. Both take over N x 0.5 s + 156/256 x 0.5 s after their master's last advert (RFC 9568
    /// Skew_Time unchanged), within 5 ms of each other.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public async Task Our_backup_and_keepalived_take_over_after_the_same_number_of_adverts(int adverts)
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var a1 = lab.AddHost("a1", "192.0.2.11/24");
        var b1 = lab.AddHost("b1", "192.0.2.12/24");
        var a2 = lab.AddHost("a2", "192.0.2.21/24");
        var b2 = lab.AddHost("b2", "192.0.2.22/24");

        await using var ourMaster = LabRouter.Create(a1, Config(61, "192.0.2.100", 255, adverts));
        await ourMaster.StartAsync();
        var kaMaster = lab.StartKeepalived(a2, KeepalivedConfig(62, "192.0.2.101", 255, $"down_timer_adverts {adverts}"));
        var kaBackup = lab.StartKeepalived(b1, KeepalivedConfig(61, "192.0.2.100", 100, $"down_timer_adverts {adverts}"));
        await using var ourBackup = LabRouter.Create(b2, Config(62, "192.0.2.101", 100, adverts));
        await ourBackup.StartAsync();
        try
        {
            Assert.True(await ourMaster.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"our master is {ourMaster.State}");
            Assert.True(kaMaster.WaitForOutput("(VI_62) Entering MASTER STATE", TimeSpan.FromSeconds(5)), kaMaster.Output);
            Assert.True(kaBackup.WaitForOutput("(VI_61) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), kaBackup.Output);
            Assert.Equal(VrrpState.Backup, ourBackup.State);

            var capture = lab.StartCapture("down-timer-" + adverts, "ip proto 112");
            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
            Assert.Equal(VrrpState.Backup, ourBackup.State);
            a1.Cut();
            a2.Cut();

            double bound = (adverts * 500.0) + ((256 - 100) * 500.0 / 256);
            var limit = TimeSpan.FromMilliseconds(bound + 3000);
            Assert.True(await ourBackup.WaitForStateAsync(VrrpState.Master, limit), $"our backup is {ourBackup.State}");
            Assert.True(kaBackup.WaitForOutput("(VI_61) Entering MASTER STATE", limit), kaBackup.Output);
            await Task.Delay(300, TestContext.Current.CancellationToken);
            capture.Stop();

            var seen = FailoverTests.Adverts(capture);
            double ours = Takeover(seen, master: "192.0.2.21", backup: "192.0.2.22");
            double keepalived = Takeover(seen, master: "192.0.2.11", backup: "192.0.2.12");
            Output?.WriteLine($"down_timer_adverts {adverts}, advert_int 0.5 s, priority 100: bound {bound:F3} ms; ours took over {ours:F3} ms after keepalived's last advert, keepalived {keepalived:F3} ms after ours");

            // Not before the bound: with the RFC's 3 a backup with N = 1 would wait 1 s longer, and N = 6 1.5 s less.
            Assert.True(ours >= bound - 5, $"ours took over {ours:F3} ms after the master's last advert, before the bound {bound:F3} ms");
            Assert.True(keepalived >= bound - 5, $"keepalived took over {keepalived:F3} ms after the master's last advert, before the bound {bound:F3} ms");
            TimingBound.Check(ours, bound, $"down_timer_adverts {adverts}: our takeover");
            TimingBound.Check(keepalived, bound, $"down_timer_adverts {adverts}: keepalived's takeover");
            TimingBound.CheckClose(ours, keepalived, 5, $"down_timer_adverts {adverts}: our takeover and keepalived's");
        }
        finally
        {
            Output?.WriteLine("keepalived master (a2):\n" + kaMaster.Output);
            Output?.WriteLine("keepalived backup (b1):\n" + kaBackup.Output);
        }
    }

    /// <summary>
    /// <c>mcast_dst_ip 224.0.0.19</c> on both sides: our backup hears keepalived's master on that group, and once the
    /// master is gone ours takes over and advertises to it; no advert goes to 224.0.0.18. A keepalived on the RFC's
    /// group with the same VRID neither hears nor is heard (it is master on its own).
    /// </summary>
    [Fact]
    public async Task Adverts_go_to_the_instance_group_both_ways()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var k1 = lab.AddHost("k1", "192.0.2.11/24");
        var ours = lab.AddHost("r2", "192.0.2.12/24");
        var k3 = lab.AddHost("k3", "192.0.2.13/24");
        var capture = lab.StartCapture("mcast-dst", "ip proto 112");
        var kaMaster = lab.StartKeepalived(k1, KeepalivedConfig(71, "192.0.2.100", 200, "mcast_dst_ip 224.0.0.19", interval: "0.1"));
        var kaOther = lab.StartKeepalived(k3, KeepalivedConfig(71, "192.0.2.101", 150, "", interval: "0.1"));
        await using var router = LabRouter.Create(ours, Config(71, "192.0.2.100", 100, 3, interval: 100) with
        {
            MulticastGroup = IPAddressValue.Parse("224.0.0.19"),
        });
        try
        {
            Assert.True(kaMaster.WaitForOutput("(VI_71) Entering MASTER STATE", TimeSpan.FromSeconds(5)), kaMaster.Output);
            await router.StartAsync();
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            Assert.Equal(VrrpState.Backup, router.State);
            Assert.True(router.Status().AdvertisementsReceived >= 5, $"our backup heard {router.Status().AdvertisementsReceived} adverts on 224.0.0.19");

            k1.Cut();
            Assert.True(await router.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"ours is {router.State}");
            await Task.Delay(500, TestContext.Current.CancellationToken);
            capture.Stop();

            var adverts = capture.Fields("vrrp", "ip.src", "ip.dst", "vrrp.virt_rtr_id");
            Output?.WriteLine(string.Join("\n", adverts.GroupBy(static a => $"{a[0]} -> {a[1]}").Select(static g => $"{g.Key}: {g.Count()}")));
            Assert.Contains(adverts, static a => a[0] == "192.0.2.11" && a[1] == "224.0.0.19");
            Assert.Contains(adverts, static a => a[0] == "192.0.2.12" && a[1] == "224.0.0.19");
            Assert.DoesNotContain(adverts, static a => a[0] != "192.0.2.13" && a[1] != "224.0.0.19");
            Assert.DoesNotContain(adverts, static a => a[0] == "192.0.2.13" && a[1] != "224.0.0.18");

            // The keepalived on 224.0.0.18 never heard the others: it was master all along (its one transition).
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(kaOther.Output, @"\(VI_71\) Entering MASTER STATE"));
            Assert.DoesNotContain("Received advert", kaOther.Output, StringComparison.Ordinal);
            Assert.Equal(1, router.Status().BecameMaster);
        }
        finally
        {
            Output?.WriteLine("keepalived on 224.0.0.19 (k1):\n" + kaMaster.Output);
            Output?.WriteLine("keepalived on 224.0.0.18 (k3):\n" + kaOther.Output);
        }
    }

    /// <summary>
    /// <c>unicast_ttl 0</c> on both sides of one link, as keepalived 2.2.7 sends it (TTL / hop limit 0 on the wire;
    /// the kernel delivers such a packet to a host on the link). Ours at 200 is master and keepalived at 100, which
    /// hears only ours, stays backup past its Master_Down_Interval; ours then leaves, keepalived takes over, and a new
    /// router of ours at 50 stays backup on keepalived's TTL 0 adverts. Both drivers' send paths (the IPv4 header
    /// of ours on an IP_HDRINCL socket, since the kernel refuses IP_TTL 0).
    /// </summary>
    [Theory]
    [InlineData(VrrpAddressFamily.IPv4, false)]
    [InlineData(VrrpAddressFamily.IPv4, true)]
    [InlineData(VrrpAddressFamily.IPv6, false)]
    public async Task Unicast_ttl_0_is_sent_as_0_and_heard_both_ways(VrrpAddressFamily family, bool asyncDriver)
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        bool v6 = family == VrrpAddressFamily.IPv6;
        using var lab = new NetworkLab();
        var k1 = lab.AddHost("k1", "192.0.2.11/24", "2001:db8:80::11/64");
        var r2 = lab.AddHost("r2", "192.0.2.12/24", "2001:db8:80::12/64");
        string theirs = v6 ? "2001:db8:80::11" : "192.0.2.11";
        string mine = v6 ? "2001:db8:80::12" : "192.0.2.12";
        string vip = v6 ? "2001:db8:80::100/128" : "192.0.2.100/32";
        VirtualRouterConfiguration Ours(byte priority) => new()
        {
            Name = "VI_81",
            InterfaceName = "eth0",
            VirtualRouterId = 81,
            Priority = priority,
            AdvertisementInterval = TimeSpan.FromMilliseconds(200),
            VirtualAddresses = [VirtualAddress.Parse(vip)],
            SourceAddress = IPAddressValue.Parse(mine),
            UnicastPeers = [IPAddressValue.Parse(theirs)],
            UnicastHopLimit = 0,
            GarpMasterDelay = TimeSpan.Zero,
        };

        var capture = lab.StartCapture("ttl0", v6 ? "ip6 proto 112" : "ip proto 112");
        var first = LabRouter.Create(r2, Ours(200), asyncDriver: asyncDriver);
        bool firstGone = false;
        BackgroundProcess? keepalived = null;
        try
        {
            await first.StartAsync();
            Assert.True(await first.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"ours is {first.State}");
            keepalived = lab.StartKeepalived(k1, $$"""
                global_defs {
                    router_id keepalived_ttl0
                    vrrp_garp_master_delay 0
                }
                vrrp_instance VI_81 {
                    state BACKUP
                    interface eth0
                    version 3
                    virtual_router_id 81
                    priority 100
                    advert_int 0.2
                    unicast_src_ip {{theirs}}
                    unicast_peer {
                        {{mine}}
                    }
                    unicast_ttl 0
                    virtual_ipaddress {
                        {{vip}}
                    }
                }
                """);
            Assert.True(keepalived.WaitForOutput("(VI_81) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            await Task.Delay(1500, TestContext.Current.CancellationToken);   // more than twice keepalived's Master_Down_Interval (0.72 s)
            Assert.DoesNotContain("(VI_81) Entering MASTER STATE", keepalived.Output, StringComparison.Ordinal);

            // Ours leaves (priority 0, with TTL 0 too): keepalived takes over and a new router of ours at 50 follows it.
            firstGone = true;
            await first.DisposeAsync();
            Assert.True(keepalived.WaitForOutput("(VI_81) Entering MASTER STATE", TimeSpan.FromSeconds(3)), keepalived.Output);
            await using var second = LabRouter.Create(r2, Ours(50), asyncDriver: asyncDriver);
            await second.StartAsync();
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            Assert.Equal(VrrpState.Backup, second.State);
            Assert.True(second.Status().AdvertisementsReceived >= 4, $"ours heard {second.Status().AdvertisementsReceived} adverts");
            Assert.Equal(0, second.Status().BecameMaster);
            capture.Stop();

            var adverts = capture.Fields("vrrp", v6 ? "ipv6.src" : "ip.src", v6 ? "ipv6.hlim" : "ip.ttl", "vrrp.prio");
            Output?.WriteLine(string.Join("\n", adverts.GroupBy(static a => $"{a[0]} ttl {a[1]}").Select(static g => $"{g.Key}: {g.Count()}")));
            Assert.Contains(adverts, a => a[0] == mine && a[2] == "200");
            Assert.Contains(adverts, a => a[0] == mine && a[2] == "0");
            Assert.Contains(adverts, a => a[0] == theirs && a[2] == "100");
            Assert.All(adverts, a => Assert.Equal("0", a[1]));
        }
        finally
        {
            if (!firstGone)
            {
                await first.DisposeAsync();
            }

            Output?.WriteLine("keepalived (k1):\n" + keepalived?.Output);
        }
    }

    /// <summary>
    /// <c>track_src_ip</c> with a configured source address (each the only router of its VRID, each source address its
    /// host's only IPv4 address): deleting it puts ours in Fault and adding it back brings it back to Master, as
    /// keepalived's manual says ("if the configured src_ip doesn't exist or is removed put the instance into fault
    /// state"). keepalived 2.2.7 itself, with the same configuration, stays Master: its netlink handler compares the
    /// deleted address with the start of the source sockaddr (family and port), not its address, so the flag never
    /// acts. The test pins that difference, so that a keepalived which applies it shows up here.
    /// </summary>
    [Fact]
    public async Task Deleting_the_tracked_source_address_is_a_fault_as_keepalived_documents()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var k2 = lab.AddHost("k2", "192.0.2.12/24");
        var k3 = lab.AddHost("k3", "192.0.2.13/24");
        await using var router = LabRouter.Create(r1, new VirtualRouterConfiguration
        {
            Name = "VI_91",
            InterfaceName = "eth0",
            VirtualRouterId = 91,
            Priority = 200,
            AdvertisementInterval = TimeSpan.FromMilliseconds(100),
            VirtualAddresses = [VirtualAddress.Parse("192.0.2.191/32")],
            SourceAddress = IPAddressValue.Parse("192.0.2.11"),
            TrackSourceAddress = true,
            GarpMasterDelay = TimeSpan.Zero,
        });
        var tracking = lab.StartKeepalived(k2, KeepalivedSource(92, "192.0.2.12", "track_src_ip"));
        var plain = lab.StartKeepalived(k3, KeepalivedSource(93, "192.0.2.13", ""));
        try
        {
            await router.StartAsync();
            Assert.True(await router.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"ours is {router.State}");
            Assert.True(tracking.WaitForOutput("(VI_92) Entering MASTER STATE", TimeSpan.FromSeconds(5)), tracking.Output);
            Assert.True(plain.WaitForOutput("(VI_93) Entering MASTER STATE", TimeSpan.FromSeconds(5)), plain.Output);

            r1.Exec("ip", "addr", "del", "192.0.2.11/24", "dev", "eth0");
            k2.Exec("ip", "addr", "del", "192.0.2.12/24", "dev", "eth0");
            k3.Exec("ip", "addr", "del", "192.0.2.13/24", "dev", "eth0");
            Assert.True(await router.WaitForStateAsync(VrrpState.Fault, TimeSpan.FromSeconds(2)), $"ours is {router.State}");
            Assert.Contains("source address 192.0.2.11 not on eth0 (track_src_ip)", router.Status().Faults);
            Assert.True(await router.WaitForAddressAsync("192.0.2.191", present: false), r1.Addresses());
            Assert.True(tracking.WaitForOutput("Deassigned address 192.0.2.12 from interface eth0", TimeSpan.FromSeconds(3)), tracking.Output);

            r1.Exec("ip", "addr", "add", "192.0.2.11/24", "dev", "eth0");
            k2.Exec("ip", "addr", "add", "192.0.2.12/24", "dev", "eth0");
            Assert.True(await router.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"ours is {router.State}");
            Assert.Empty(router.Status().Faults);
            await Task.Delay(500, TestContext.Current.CancellationToken);

            // keepalived 2.2.7: no Fault with track_src_ip or without it (one MASTER transition each).
            Assert.DoesNotContain("(VI_92) Entering FAULT STATE", tracking.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("(VI_93) Entering FAULT STATE", plain.Output, StringComparison.Ordinal);
            Assert.True(await WaitForCountAsync(tracking, "(VI_92) Entering MASTER STATE", 1, TimeSpan.Zero), tracking.Output);
        }
        finally
        {
            Output?.WriteLine("keepalived with track_src_ip (k2):\n" + tracking.Output);
            Output?.WriteLine("keepalived without (k3):\n" + plain.Output);
        }

        static string KeepalivedSource(int vrid, string source, string extra) => $$"""
            global_defs {
                router_id keepalived_track_src_{{vrid}}
                vrrp_garp_master_delay 0
            }
            vrrp_instance VI_{{vrid}} {
                state BACKUP
                interface eth0
                version 3
                virtual_router_id {{vrid}}
                priority 200
                advert_int 0.1
                mcast_src_ip {{source}}
                {{extra}}
                virtual_ipaddress {
                    192.0.2.{{100 + vrid}}/32
                }
            }
            """;
    }

    private static async Task<bool> WaitForCountAsync(BackgroundProcess process, string text, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CountOf(process.Output, text) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return CountOf(process.Output, text) >= count;

        static int CountOf(string output, string text) => output.Split(text).Length - 1;
    }

    /// <summary>Milliseconds from the master's last advert to the backup's first advert after it.</summary>
    private static double Takeover(List<(double Time, string Source, int Priority)> adverts, string master, string backup)
    {
        double last = adverts.Where(a => a.Source == master).Max(a => a.Time);
        double first = adverts.Where(a => a.Source == backup && a.Time > last).Min(a => a.Time);
        return (first - last) * 1000;
    }

    private static VirtualRouterConfiguration Config(byte vrid, string vip, byte priority, int downTimerAdverts, int interval = 500) => new()
    {
        Name = $"VI_{vrid}",
        InterfaceName = "eth0",
        VirtualRouterId = vrid,
        Priority = priority,
        AdvertisementInterval = TimeSpan.FromMilliseconds(interval),
        VirtualAddresses = [VirtualAddress.Parse(vip + "/32")],
        GarpMasterDelay = TimeSpan.Zero,
        DownTimerAdvertisements = downTimerAdverts,
    };

    private static string KeepalivedConfig(byte vrid, string vip, byte priority, string extra, string interval = "0.5") => $$"""
        global_defs {
            router_id keepalived_{{vrid}}_{{priority}}
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_{{vrid}} {
            state {{(priority == 255 ? "MASTER" : "BACKUP")}}
            interface eth0
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int {{interval}}
            {{extra}}
            virtual_ipaddress {
                {{vip}}/32
            }
        }
        """;
}
