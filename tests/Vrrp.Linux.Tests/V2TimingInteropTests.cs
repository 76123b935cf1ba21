using System.Globalization;
using System.Text.RegularExpressions;
using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// VRRPv2 timers against keepalived 2.2.7 at intervals other than 1 s, where the v2 rule (RFC 3768 section 6.1:
/// Skew_Time = (256 - Priority) / 256 s whatever the interval) and the v3 rule differ. One LAN, two groups whose
/// masters (address owners, so the election is immediate) die at the same moment:
/// <list type="bullet">
/// <item><description>VRID 51: our owner master, keepalived backup at priority 100;</description></item>
/// <item><description>VRID 52: keepalived owner master, our backup at priority 100, and a second keepalived backup at 50.</description></item>
/// </list>
/// From a capture on the bridge, both priority-100 backups take over at the same bound, 3 x interval + 0.609375 s after
/// their master's last advert (within 5 ms of each other), and the priority-50 keepalived, whose bound is 0.19 s later,
/// never takes over (with the v3 rule our backup would have waited 0.61 s (2 s) or 1.22 s (3 s) longer, and keepalived
/// would have taken over first, then been preempted: an extra takeover).
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class V2TimingInteropTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Trait("Rfc", "3768-6.1-a")]
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task V2_backups_of_ours_and_keepalived_take_over_at_the_same_bound_and_a_lower_backup_stays_backup(int seconds)
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var a1 = lab.AddHost("a1", "192.0.2.11/24");
        var b1 = lab.AddHost("b1", "192.0.2.12/24");
        var a2 = lab.AddHost("a2", "192.0.2.21/24");
        var b2 = lab.AddHost("b2", "192.0.2.22/24");
        var c2 = lab.AddHost("c2", "192.0.2.23/24");

        // Masters first: owners enter Master at once, so the backups hear them from their start.
        await using var ourMaster = LabRouter.Create(a1, Config(51, "192.0.2.100", 255, seconds));
        await ourMaster.StartAsync();
        var kaMaster = lab.StartKeepalived(a2, KeepalivedConfig(52, "192.0.2.101", 255, seconds));
        var kaBackup = lab.StartKeepalived(b1, KeepalivedConfig(51, "192.0.2.100", 100, seconds));
        var kaLow = lab.StartKeepalived(c2, KeepalivedConfig(52, "192.0.2.101", 50, seconds));
        await using var ourBackup = LabRouter.Create(b2, Config(52, "192.0.2.101", 100, seconds));
        await ourBackup.StartAsync();
        try
        {
            Assert.True(await ourMaster.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"our master is {ourMaster.State}");
            Assert.True(kaMaster.WaitForOutput("(VI_52) Entering MASTER STATE", TimeSpan.FromSeconds(5)), kaMaster.Output);
            Assert.True(kaBackup.WaitForOutput("(VI_51) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), kaBackup.Output);
            Assert.True(kaLow.WaitForOutput("(VI_52) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), kaLow.Output);
            Assert.Equal(VrrpState.Backup, ourBackup.State);

            // Let every backup hear its master a few times, with the capture running, then kill both masters at once.
            var capture = lab.StartCapture("v2-" + seconds, "ip proto 112");
            await Task.Delay(TimeSpan.FromSeconds(seconds * 1.5), TestContext.Current.CancellationToken);
            Assert.Equal(VrrpState.Backup, ourBackup.State);
            Assert.True(ourBackup.Status().AdvertisementsReceived >= 1, "our backup heard no advert from keepalived's master");
            a1.Cut();
            a2.Cut();

            double bound = (3 * seconds * 1000.0) + ((256 - 100) * 1000.0 / 256);          // 3 x interval + 0.609375 s
            double lowBound = (3 * seconds * 1000.0) + ((256 - 50) * 1000.0 / 256);         // + 0.8046875 s
            var limit = TimeSpan.FromMilliseconds(bound + 3000);
            Assert.True(await ourBackup.WaitForStateAsync(VrrpState.Master, limit), $"our backup is {ourBackup.State}");
            Assert.True(kaBackup.WaitForOutput("(VI_51) Entering MASTER STATE", limit), kaBackup.Output);

            // Past the low backup's own bound and one more interval: it must still be a backup.
            await Task.Delay(TimeSpan.FromMilliseconds(lowBound - bound + (seconds * 1000) + 200), TestContext.Current.CancellationToken);
            capture.Stop();

            var adverts = FailoverTests.Adverts(capture);
            double ours = Takeover(adverts, master: "192.0.2.21", backup: "192.0.2.22");
            double keepalived = Takeover(adverts, master: "192.0.2.11", backup: "192.0.2.12");
            Output?.WriteLine($"v2 advert_int {seconds} s, priority 100: bound {bound:F3} ms; ours took over {ours:F3} ms after keepalived's last advert, keepalived {keepalived:F3} ms after ours; difference {ours - keepalived:F3} ms");

            Assert.True(ours >= bound - 5, $"ours took over {ours:F3} ms after the master's last advert, before the bound {bound:F3} ms");
            Assert.True(keepalived >= bound - 5, $"keepalived took over {keepalived:F3} ms after the master's last advert, before the bound {bound:F3} ms");

            // No extra takeover: the priority-50 keepalived never became master and never advertised.
            Assert.DoesNotContain("(VI_52) Entering MASTER STATE", kaLow.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(adverts, a => a.Source == "192.0.2.23");
            Assert.Equal(VrrpState.Master, ourBackup.State);
            Assert.Equal(1, ourBackup.Status().BecameMaster);
            Assert.Single(Regex.Matches(kaBackup.Output, @"\(VI_51\) Entering MASTER STATE"));

            // The v2 adverts of both sides as Wireshark decodes them: good checksum, version 2, interval in seconds.
            var decoded = capture.Fields("vrrp", "ip.src", "vrrp.version", "vrrp.checksum.status", "vrrp.adver_int", "ip.ttl");
            Assert.NotEmpty(decoded);
            Assert.All(decoded, f => Assert.Equal(["2", "1", seconds.ToString(CultureInfo.InvariantCulture), "255"], f[1..]));

            // Last, as they may skip on an overloaded machine: at most 20 ms over the bound, within 5 ms of each other.
            TimingBound.Check(ours, bound, $"v2 {seconds} s: our takeover");
            TimingBound.Check(keepalived, bound, $"v2 {seconds} s: keepalived's takeover");
            TimingBound.CheckClose(ours, keepalived, 5, $"v2 {seconds} s: our takeover and keepalived's");
        }
        finally
        {
            Output?.WriteLine("keepalived master (a2):\n" + kaMaster.Output);
            Output?.WriteLine("keepalived backup (b1):\n" + kaBackup.Output);
            Output?.WriteLine("keepalived low backup (c2):\n" + kaLow.Output);
        }
    }

    /// <summary>Milliseconds from the master's last advert to the backup's first advert after it.</summary>
    private static double Takeover(List<(double Time, string Source, int Priority)> adverts, string master, string backup)
    {
        double last = adverts.Where(a => a.Source == master).Max(a => a.Time);
        double first = adverts.Where(a => a.Source == backup && a.Time > last).Min(a => a.Time);
        return (first - last) * 1000;
    }

    private static VirtualRouterConfiguration Config(byte vrid, string vip, byte priority, int seconds) => new()
    {
        Name = $"VI_{vrid}",
        InterfaceName = "eth0",
        VirtualRouterId = vrid,
        Priority = priority,
        Version = VrrpVersion.V2,
        AdvertisementInterval = TimeSpan.FromSeconds(seconds),
        VirtualAddresses = [VirtualAddress.Parse(vip + "/32")],
        GarpMasterDelay = TimeSpan.Zero,
    };

    private static string KeepalivedConfig(byte vrid, string vip, byte priority, int seconds) => $$"""
        global_defs {
            router_id keepalived_v2_{{vrid}}_{{priority}}
            vrrp_version 2
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_{{vrid}} {
            state {{(priority == 255 ? "MASTER" : "BACKUP")}}
            interface eth0
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int {{seconds}}
            virtual_ipaddress {
                {{vip}}/32
            }
        }
        """;
}
