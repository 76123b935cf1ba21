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
        string config = WriteConfig(lab);
        var capture = lab.StartCapture("vrrpd", "ip proto 112");
        string pidFile = Path.Combine(lab.Directory, "vrrpd.pid");

        // keepalived's lab command line, unchanged but for the program.
        var vrrpd = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", config, "-p", pidFile]));
        try
        {
            // A backup waits Master_Down_Interval (3 s + skew) before it takes over.
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.Contains("(VI_1) Entering BACKUP STATE", vrrpd.Output);
            // The configuration's warnings are logged at start, with file and line.
            Assert.Contains($"WARNING: {config}:5: warning: vrrp_instance: 'smtp_alert' is not supported (mail alerts are not part of Vrrp); ignored", vrrpd.Output);
            Assert.True(await HoldsVipAsync(r1), r1.Addresses()); // the addresses follow the state change within milliseconds
            Assert.Equal(vrrpd.Id.ToString(CultureInfo.InvariantCulture), File.ReadAllText(pidFile).Trim());

            // SIGHUP reloads, as keepalived: the unchanged file changes nothing, and vrrpd keeps running.
            vrrpd.Signal("HUP", waitForExit: false);
            Assert.True(vrrpd.WaitForOutput("Reload finished: 1 instance(s) unchanged, 0 changed in place, 0 added, 0 removed", TimeSpan.FromSeconds(5)), vrrpd.Output);
            Assert.False(vrrpd.HasExited);

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

    [Fact]
    public async Task Vrrpd_runs_as_an_unprivileged_user_with_only_CAP_NET_RAW_and_CAP_NET_ADMIN_as_the_systemd_unit_grants()
    {
        // What vrrpd.service does: User=nobody-like, AmbientCapabilities and CapabilityBoundingSet = the two, NoNewPrivileges.
        LabProcess.RequireRootAnd("ip", "setpriv");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        string config = WriteConfig(lab);
        string program = VrrpdProcess.CopyForUnprivilegedUser(lab.Directory); // nobody may not reach the build output
        var vrrpd = lab.Track(new BackgroundProcess("ip", [
            "netns", "exec", r1.Namespace, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "--inh-caps=-all,+net_raw,+net_admin", "--ambient-caps=-all,+net_raw,+net_admin", "--bounding-set=-all,+net_raw,+net_admin",
            "--no-new-privs", program, "-f", config]));
        try
        {
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.True(await HoldsVipAsync(r1), r1.Addresses()); // the addresses follow the state change within milliseconds
            Assert.Equal("nobody", LabProcess.Run("ps", ["-o", "user=", "-p", vrrpd.Id.ToString(CultureInfo.InvariantCulture)]).Trim());
            vrrpd.Signal("TERM");
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
        }

        Assert.Equal(0, vrrpd.ExitCode);
        Assert.DoesNotContain(Vip, r1.Addresses(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vrrpd_without_the_capabilities_exits_1_naming_them_and_how_to_grant_them()
    {
        LabProcess.RequireRootAnd("setpriv");
        using var temp = new VrrpdProcess.TempFolder();
        string config = temp.Write("keepalived.conf", Config);
        string program = VrrpdProcess.CopyForUnprivilegedUser(temp.Directory); // nobody may not reach the build output
        var (code, output) = await SampleProcess.RunAsync("setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all", "--no-new-privs", program, "-f", config], TimeSpan.FromSeconds(30));
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(1, code);
        Assert.Matches(@"ERROR: Could not start: .*CAP_NET_RAW and CAP_NET_ADMIN.*AmbientCapabilities", output);
        Assert.Single(output.Split('\n'), l => l.Contains("CAP_NET_RAW", StringComparison.Ordinal));
    }

    /// <summary>Waits (bounded) until the VIP is on the host's eth0, as <c>ip</c> shows it.</summary>
    private static async Task<bool> HoldsVipAsync(LabHost host)
    {
        for (int i = 0; i < 100; i++)
        {
            if (host.Addresses().Contains(Vip + "/32", StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }

    private static string Config => $$"""
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            virtual_router_id 77
            smtp_alert
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
        """;

    private static string WriteConfig(NetworkLab lab)
    {
        string config = Path.Combine(lab.Directory, "keepalived.conf");
        File.WriteAllText(config, Config);

        // Readable by the unprivileged user, as /etc/keepalived/keepalived.conf is.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(lab.Directory, (UnixFileMode)Convert.ToInt32("755", 8));
            File.SetUnixFileMode(config, (UnixFileMode)Convert.ToInt32("644", 8));
        }

        return config;
    }
}
