using System.Globalization;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 14's reload: two vrrpd routers under traffic; the master's keepalived.conf is edited (a priority, an extra VIP, a
/// removed instance, a new one) and reloaded with SIGHUP; then a broken file is sent the same way.
/// </summary>
public class VrrpdReloadLabTests
{
    private const double Interval = 0.2;

    [Fact]
    public async Task Sighup_applies_an_edited_configuration_live_and_refuses_a_broken_one()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark", "ping");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        var client = lab.AddHost("c", "192.0.2.50/24");
        string r1Config = Path.Combine(lab.Directory, "r1.conf");
        string r2Config = Path.Combine(lab.Directory, "r2.conf");
        File.WriteAllText(r1Config, Config(("VI_1", 51, 150, ["192.0.2.140"]), ("VI_2", 52, 150, ["192.0.2.141"]), ("VI_3", 53, 150, ["192.0.2.143"])));
        File.WriteAllText(r2Config, Config(("VI_1", 51, 100, ["192.0.2.140"]), ("VI_2", 52, 100, ["192.0.2.141", "192.0.2.142"]), ("VI_3", 53, 100, ["192.0.2.143"]), ("VI_4", 54, 100, ["192.0.2.144"])));
        var capture = lab.StartCapture("reload", "ip proto 112 or arp");
        var vipWatch = lab.Track(new BackgroundProcess("ip", ["-n", r1.Namespace, "monitor", "address"]));
        var vrrpd1 = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-f", r1Config]));
        var vrrpd2 = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r2.Namespace, VrrpdProcess.Path, "-f", r2Config]));
        double reloadAt, brokenAt, stopAt;
        string pingOutput, addressEvents;
        try
        {
            Assert.True(vrrpd1.WaitForOutput("(VI_3) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd1.Output);
            Assert.True(vrrpd1.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)), vrrpd1.Output);
            Assert.True(vrrpd2.WaitForOutput("(VI_3) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), vrrpd2.Output);
            await Task.Delay(1000, TestContext.Current.CancellationToken);

            // Traffic to the unchanged instance's VIP through the reloads: a ping every 20 ms for 3 s.
            var ping = Task.Run(() => LabProcess.Run("ip", ["netns", "exec", client.Namespace, "ping", "-n", "-q", "-c", "150", "-i", "0.02", "-W", "1", "192.0.2.140"], allowFailure: true, timeoutMs: 30_000));
            await Task.Delay(700, TestContext.Current.CancellationToken);

            // The edit: VI_1 unchanged; VI_2 priority 150 -> 120 (still above r2's 100) and an extra VIP; VI_3 removed; VI_4 new.
            File.WriteAllText(r1Config, Config(("VI_1", 51, 150, ["192.0.2.140"]), ("VI_2", 52, 120, ["192.0.2.141", "192.0.2.142"]), ("VI_4", 54, 150, ["192.0.2.144"])));
            reloadAt = Now();
            vrrpd1.Signal("HUP", waitForExit: false);
            Assert.True(vrrpd1.WaitForOutput("Reload finished: 1 instance(s) unchanged, 1 changed in place, 1 added, 1 removed", TimeSpan.FromSeconds(5)), vrrpd1.Output);
            Assert.True(vrrpd1.WaitForOutput("(VI_4) Entering MASTER STATE", TimeSpan.FromSeconds(5)), vrrpd1.Output);
            Assert.True(vrrpd2.WaitForOutput("(VI_3) Entering MASTER STATE", TimeSpan.FromSeconds(5)), vrrpd2.Output);

            // A broken file: refused whole, every problem with file:line, nothing exits, the running configuration goes on.
            File.WriteAllText(r1Config, Config(("VI_1", 51, 150, ["192.0.2.140"]), ("VI_2", 52, 120, ["192.0.2.141", "192.0.2.142"])) + "\nvrrp_instance VI_9 {\n    virtual_router_id 999\n");
            brokenAt = Now();
            vrrpd1.Signal("HUP", waitForExit: false);
            Assert.True(vrrpd1.WaitForOutput("New config failed validation", TimeSpan.FromSeconds(5)), vrrpd1.Output);
            Assert.Matches($@"ERROR: {System.Text.RegularExpressions.Regex.Escape(r1Config)}:\d+: error: ", vrrpd1.Output);
            pingOutput = await ping;
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            Assert.False(vrrpd1.HasExited, vrrpd1.Output);
            Assert.Contains("192.0.2.144/32", r1.Addresses(), StringComparison.Ordinal); // VI_4 kept: the broken file was not applied
            Assert.Contains("192.0.2.142/32", r1.Addresses(), StringComparison.Ordinal);
            Assert.DoesNotContain("192.0.2.143/32", r1.Addresses(), StringComparison.Ordinal);
            addressEvents = vipWatch.Output; // before the stop, which removes them all
            stopAt = Now();
            vrrpd1.Signal("TERM");
            vrrpd2.Signal("TERM");
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine("r1:\n" + vrrpd1.Output + "\nr2:\n" + vrrpd2.Output);
        }

        capture.Stop();
        Assert.Equal(0, vrrpd1.ExitCode);
        TestContext.Current.TestOutputHelper?.WriteLine(pingOutput);
        // The VIP never left (checked below); a loaded machine running other lab tests may still drop a reply or two.
        var received = System.Text.RegularExpressions.Regex.Match(pingOutput, @"(\d+) received");
        Assert.True(received.Success && int.Parse(received.Groups[1].Value, CultureInfo.InvariantCulture) >= 147, pingOutput);

        var adverts = capture.Fields("vrrp", "frame.time_epoch", "ip.src", "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.ip_addr")
            .Select(f => (Time: double.Parse(f[0], CultureInfo.InvariantCulture), Source: f[1], Vrid: int.Parse(f[2], CultureInfo.InvariantCulture), Priority: int.Parse(f[3], CultureInfo.InvariantCulture), Addresses: f[4]))
            .ToList();

        // VI_1: r1's adverts never missed one across both reloads (the largest gap is under two intervals) and never changed.
        var vi1 = adverts.Where(a => a.Source == "192.0.2.11" && a.Vrid == 51 && a.Time > reloadAt - 2 && a.Time < brokenAt + 1.5).ToList();
        double largest = vi1.Zip(vi1.Skip(1), (a, b) => b.Time - a.Time).Max();
        TestContext.Current.TestOutputHelper?.WriteLine($"VI_1: {vi1.Count} adverts around the reloads, largest gap {largest * 1000:F1} ms (interval {Interval * 1000} ms)");
        Assert.InRange(largest, 0, 1.75 * Interval);
        Assert.All(vi1, a => Assert.Equal((150, "192.0.2.140"), (a.Priority, a.Addresses)));
        Assert.DoesNotContain(addressEvents.Split('\n'), l => l.StartsWith("Deleted", StringComparison.Ordinal) && l.Contains("192.0.2.140/", StringComparison.Ordinal));

        // VI_2: at once priority 120 with both addresses, and the new VIP announced by gratuitous ARP.
        var vi2 = adverts.Where(a => a.Source == "192.0.2.11" && a.Vrid == 52 && a.Time > reloadAt && a.Time < stopAt).ToList();
        int changed = vi2.FindIndex(a => a.Priority == 120); // adverts sent while the file was being read still say 150
        Assert.True(changed >= 0 && vi2[changed].Time - reloadAt < 1.0, $"first VI_2 advert at 120: {(changed < 0 ? "none" : $"{vi2[changed].Time - reloadAt:F3} s after the SIGHUP")}");
        Assert.All(vi2.Skip(changed), a => Assert.Equal((120, "192.0.2.141,192.0.2.142"), (a.Priority, a.Addresses)));
        var garps = capture.Fields("arp", "frame.time_epoch", "arp.src.proto_ipv4", "arp.dst.proto_ipv4")
            .Where(f => f[1] == "192.0.2.142" && double.Parse(f[0], CultureInfo.InvariantCulture) > reloadAt).ToList();
        Assert.NotEmpty(garps);

        // VI_3: left with priority 0; r2 took over.
        Assert.Single(adverts, a => a.Source == "192.0.2.11" && a.Vrid == 53 && a.Priority == 0 && a.Time > reloadAt);
        Assert.DoesNotContain(adverts, a => a.Source == "192.0.2.11" && a.Vrid == 53 && a.Time > reloadAt + 0.5);

        // VI_4: started and became master over r2.
        Assert.Contains(adverts, a => a.Source == "192.0.2.11" && a.Vrid == 54 && a.Priority == 150);
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static string Config(params (string Name, int Vrid, int Priority, string[] Vips)[] instances) =>
        string.Join('\n', instances.Select(i => $$"""
            vrrp_instance {{i.Name}} {
                state BACKUP
                interface eth0
                virtual_router_id {{i.Vrid}}
                priority {{i.Priority}}
                version 3
                advert_int {{Interval.ToString(CultureInfo.InvariantCulture)}}
                virtual_ipaddress {
                    {{string.Join("\n        ", i.Vips)}}
                }
            }
            """)) + "\n";
}
