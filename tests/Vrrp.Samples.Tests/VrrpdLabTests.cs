using System.Globalization;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>vrrpd as a process in a network namespace (root): becomes master, and on SIGTERM sends priority 0, removes the VIP and exits 0.</summary>
public class VrrpdLabTests
{
    private const string Vip = "192.0.2.140";

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Vrrpd_becomes_master_and_on_a_stop_signal_sends_priority_0_removes_the_VIP_and_exits_0(string signal)
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        string config = Path.Combine(lab.Directory, "keepalived.conf");
        File.WriteAllText(config, $$"""
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 77
                priority 150
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass secret
                }
                virtual_ipaddress {
                    {{Vip}}
                }
            }
            """);
        var capture = lab.StartCapture("vrrpd", "ip proto 112");
        string pidFile = Path.Combine(lab.Directory, "vrrpd.pid");

        // keepalived's lab command line, unchanged but for the program.
        var vrrpd = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", config, "-p", pidFile]));
        try
        {
            // A backup waits Master_Down_Interval (3 s + skew) before it takes over.
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.Contains("(VI_1) Entering BACKUP STATE", vrrpd.Output);
            Assert.Contains(Vip + "/32", r1.Addresses(), StringComparison.Ordinal);
            Assert.Equal(vrrpd.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile).Trim());

            vrrpd.Signal(signal);
            Assert.True(vrrpd.HasExited, "vrrpd did not exit within 10 s of SIG" + signal);
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
        }

        capture.Stop();
        Assert.Equal(0, vrrpd.ExitCode);
        Assert.Contains("(VI_1) sent 0 priority", vrrpd.Output);
        Assert.Contains("(VI_1) removing VIPs.", vrrpd.Output);
        Assert.DoesNotContain(Vip, r1.Addresses(), StringComparison.Ordinal);
        Assert.False(File.Exists(pidFile), "the pid file was left behind");

        // On the wire: v2 adverts at priority 150 with the password, the last one at priority 0.
        var adverts = capture.Fields("vrrp", "ip.src", "vrrp.version", "vrrp.prio", "vrrp.ip_addr");
        Assert.NotEmpty(adverts);
        Assert.All(adverts, a => Assert.Equal(["192.0.2.11", "2", a[2], Vip], a));
        Assert.Equal("150", adverts[0][2]);
        Assert.Equal("0", adverts[^1][2]);
        Assert.Single(adverts, a => a[2] == "0");

        // One line per message, a timestamp, keepalived's words, no category names.
        foreach (string line in vrrpd.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Matches(@"^\w{3} \w{3} +\d+ \d\d:\d\d:\d\d\.\d{3} \d{4}: ", line);
            Assert.DoesNotContain("Vrrp.", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Microsoft.", line, StringComparison.Ordinal);
        }
    }
}
