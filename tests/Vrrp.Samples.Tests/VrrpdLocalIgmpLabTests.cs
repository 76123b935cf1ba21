using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's <c>disable_local_igmp</c> with keepalived 2.2.7 as the oracle: the daemon sets
/// net.ipv4.igmp_link_local_mcast_reports of its namespace to 0 while it runs and back to 1 at stop, so that joining
/// 224.0.0.18 puts no IGMP report on the LAN (a capture on the bridge shows none; without the keyword, vrrpd's join is
/// reported).
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdLocalIgmpLabTests
{
    private static string Config(string globals) => $$"""
        global_defs {
            {{globals}}
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 80
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.180
            }
        }
        """;

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Local_igmp_reports_are_off_while_running_and_back_at_stop_as_under_keepalived(bool useKeepalived, bool keyword)
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        string Setting() => host.Exec("cat", "/proc/sys/net/ipv4/igmp_link_local_mcast_reports").Trim();
        Assert.Equal("1", Setting());
        var capture = lab.StartCapture("igmp", "igmp");
        string config = Config(keyword ? "disable_local_igmp" : "");
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, config)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));
        string during;
        try
        {
            Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
            Thread.Sleep(1500); // the join's reports (the kernel repeats an unsolicited report)
            during = Setting();
        }
        finally
        {
            daemon.Signal("TERM");
            capture.Stop();
            TestContext.Current.TestOutputHelper?.WriteLine(daemon.Output);
        }

        var reports = capture.Fields("igmp", "igmp.maddr").Select(static f => f[0]).Where(static g => g == "224.0.0.18").ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"during {during}, after {Setting()}, {reports.Count} IGMP reports for 224.0.0.18");
        Assert.Equal(keyword ? "0" : "1", during);
        Assert.Equal("1", Setting());
        Assert.Equal(keyword, reports.Count == 0);
    }
}
