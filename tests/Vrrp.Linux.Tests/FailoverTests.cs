using System.Globalization;
using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Our routers (driver + Linux data plane) on a bridged LAN of namespaces: election, failover when the master is cut
/// off, graceful handover, leftovers from a crash; a client reaches the VIP over TCP throughout. Takeover times are
/// measured on a capture of the bridge and printed.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class FailoverTests
{
    internal const string Vip = "192.0.2.100";

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    internal static VirtualRouterConfiguration Config(string name, byte priority, int intervalMs, byte vrid = 51) => new()
    {
        Name = name,
        InterfaceName = "eth0",
        VirtualRouterId = vrid,
        Priority = priority,
        Version = VrrpVersion.V3,
        AdvertisementInterval = TimeSpan.FromMilliseconds(intervalMs),
        VirtualAddresses = [VirtualAddress.Parse(Vip + "/32")],
        GarpMasterDelay = TimeSpan.Zero,
    };

    /// <summary>Master_Down_Interval in milliseconds (RFC 9568 section 6.1).</summary>
    internal static double MasterDownMs(int priority, int intervalMs) => (3 * intervalMs) + SkewMs(priority, intervalMs);

    internal static double SkewMs(int priority, int intervalMs) => (256 - priority) * intervalMs / 256.0;

    /// <summary>(time in s, source, priority) of every VRRP advert in a capture.</summary>
    internal static List<(double Time, string Source, int Priority)> Adverts(LabCapture capture) =>
        capture.Fields("vrrp", "frame.time_epoch", "ip.src", "ipv6.src", "vrrp.prio")
            .Select(f => (double.Parse(f[0], CultureInfo.InvariantCulture), f[1].Length > 0 ? f[1] : f[2], int.Parse(f[3], CultureInfo.InvariantCulture)))
            .ToList();

    [Trait("Rfc", "9568-5.1.1.3-a")]
    [Trait("Rfc", "9568-5.1.2.3-a")]
    [Trait("Rfc", "9568-6.1-a")]
    [Trait("Rfc", "9568-6.4.2-a")]
    [Trait("Rfc", "9568-6.4.2-b")]
    [Trait("Rfc", "9568-6.4.2-e")]
    [Trait("Rfc", "9568-6.4.2-g")]
    [Trait("Rfc", "9568-6.4.3-a")]
    [Trait("Rfc", "9568-6.4.3-b")]
    [Trait("Rfc", "9568-7.2-d")]
    [Theory]
    [InlineData(1000, VrrpAddressFamily.IPv4)]
    [InlineData(50, VrrpAddressFamily.IPv4)]
    [InlineData(50, VrrpAddressFamily.IPv6)]
    public async Task Backup_takes_over_within_master_down_interval_when_the_master_is_cut_off(int intervalMs, VrrpAddressFamily family)
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        bool v6 = family == VrrpAddressFamily.IPv6;
        string vip = v6 ? "2001:db8:50::100" : Vip;
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        var h2 = lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
        var client = lab.AddHost("c1", "192.0.2.50/24", "2001:db8:50::50/64");
        using var s1 = new LabTcpService(h1);
        using var s2 = new LabTcpService(h2);
        var addresses = v6 ? (IReadOnlyList<VirtualAddress>)[VirtualAddress.Parse(vip + "/64")] : [VirtualAddress.Parse(Vip + "/32")];
        await using var r1 = LabRouter.Create(h1, Config("VI_1", 150, intervalMs) with { VirtualAddresses = addresses });
        await using var r2 = LabRouter.Create(h2, Config("VI_1", 100, intervalMs) with { VirtualAddresses = addresses });
        await Task.WhenAll(r1.StartAsync(), r2.StartAsync());

        var settle = TimeSpan.FromMilliseconds(MasterDownMs(150, intervalMs) + 2000);
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, settle), $"r1 is {r1.State}");
        Assert.Equal(VrrpState.Backup, r2.State);
        Assert.True(await r1.WaitForAddressAsync(vip));
        Assert.False(r2.HoldsAddress(vip));
        Assert.Equal("r1", await LabTcpService.AskUntilAsync(client, vip, "r1", TimeSpan.FromSeconds(3)));
        string source1 = r1.Status().LocalAddress.ToString()!;
        string source2 = r2.Status().LocalAddress.ToString()!;

        var capture = lab.StartCapture("failover", v6 ? "ip6 proto 112" : "ip proto 112");
        await Task.Delay(Math.Max(1100, 3 * intervalMs), TestContext.Current.CancellationToken); // past the client's ARP lock time
        h1.Cut();
        Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromMilliseconds(MasterDownMs(100, intervalMs) + 2000)), $"r2 is {r2.State}");
        await Task.Delay(2 * intervalMs, TestContext.Current.CancellationToken);
        capture.Stop();

        var adverts = Adverts(capture);
        double lastMaster = adverts.Where(a => a.Source == source1).Max(a => a.Time);
        double firstBackup = adverts.Where(a => a.Source == source2 && a.Time > lastMaster).Min(a => a.Time);
        double takeoverMs = (firstBackup - lastMaster) * 1000;
        double bound = MasterDownMs(100, intervalMs);
        Output?.WriteLine($"{family} advert_int {intervalMs} ms: backup's first advert {takeoverMs:F3} ms after the master's last; Master_Down_Interval {bound:F3} ms");
        TimingBound.Check(takeoverMs, bound, $"{family} takeover at advert_int {intervalMs} ms");
        Assert.True(takeoverMs >= bound - 5, $"takeover {takeoverMs:F3} ms is earlier than Master_Down_Interval {bound:F3} ms");

        // The driver's own adverts (codec + transport) as Wireshark sees them.
        var decoded = capture.Fields("vrrp", "vrrp.version", "vrrp.checksum.status", v6 ? "ipv6.hlim" : "ip.ttl", v6 ? "ipv6.dst" : "ip.dst", "vrrp.virt_rtr_id");
        Assert.NotEmpty(decoded);
        Assert.All(decoded, f => Assert.Equal(["3", "1", "255", v6 ? "ff02::12" : "224.0.0.18", "51"], f));

        Assert.True(await r2.WaitForAddressAsync(vip));
        Assert.Equal("r2", await LabTcpService.AskUntilAsync(client, vip, "r2", TimeSpan.FromSeconds(3)));

        // The cut-off master lost carrier: Fault, and its VIP removed (no duplicate when the link heals).
        Assert.True(await r1.WaitForStateAsync(VrrpState.Fault, TimeSpan.FromSeconds(1)), $"r1 is {r1.State}");
        Assert.True(await r1.WaitForAddressAsync(vip, present: false));
    }

    [Fact]
    public async Task Three_routers_elect_the_highest_fail_over_to_the_next_and_preempt_back()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        const int interval = 50;
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        var h3 = lab.AddHost("r3", "192.0.2.13/24");
        await using var r1 = LabRouter.Create(h1, Config("VI_1", 150, interval));
        await using var r2 = LabRouter.Create(h2, Config("VI_1", 100, interval));
        await using var r3 = LabRouter.Create(h3, Config("VI_1", 50, interval));
        await Task.WhenAll(r1.StartAsync(), r2.StartAsync(), r3.StartAsync());

        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
        await Task.Delay(5 * interval, TestContext.Current.CancellationToken);
        Assert.Equal((VrrpState.Master, VrrpState.Backup, VrrpState.Backup), (r1.State, r2.State, r3.State));
        Assert.True(await r1.WaitForAddressAsync(Vip));
        Assert.Equal([true, false, false], new[] { r1, r2, r3 }.Select(r => r.HoldsAddress(Vip)));

        var capture = lab.StartCapture("three", "ip proto 112");
        await Task.Delay(4 * interval, TestContext.Current.CancellationToken);
        h1.Cut();
        Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
        await Task.Delay(10 * interval, TestContext.Current.CancellationToken);
        Assert.Equal(VrrpState.Backup, r3.State);
        Assert.True(await r2.WaitForAddressAsync(Vip));
        Assert.True(await r3.WaitForAddressAsync(Vip, present: false));

        h1.Heal();
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"r1 is {r1.State}");
        Assert.True(await r2.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(1)), $"r2 is {r2.State}");
        capture.Stop();

        var adverts = Adverts(capture);
        double lastMaster = adverts.Where(a => a.Source == "192.0.2.11").Select(a => a.Time).Where(t => t < adverts.First(a => a.Source == "192.0.2.12").Time).Max();
        double firstBackup = adverts.First(a => a.Source == "192.0.2.12").Time;
        double takeoverMs = (firstBackup - lastMaster) * 1000;
        double bound = MasterDownMs(100, interval);
        Output?.WriteLine($"three routers, advert_int {interval} ms: r2 took over {takeoverMs:F3} ms after r1's last advert; bound {bound:F3} ms");
        Assert.True(takeoverMs >= bound - 5, $"takeover {takeoverMs:F3} ms is earlier than Master_Down_Interval {bound:F3} ms");
        TimingBound.Check(takeoverMs, bound, "three-router takeover");
        Assert.DoesNotContain(adverts, a => a.Source == "192.0.2.13");
        Assert.True(await r1.WaitForAddressAsync(Vip));
        Assert.True(await r2.WaitForAddressAsync(Vip, present: false));
    }

    [Trait("Rfc", "9568-6.4.2-i")]
    [Trait("Rfc", "9568-6.4.3-g")]
    [Theory]
    [InlineData(1000)]
    [InlineData(50)]
    public async Task Graceful_stop_hands_over_within_skew_time_and_leaves_no_vip(int intervalMs)
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        var client = lab.AddHost("c1", "192.0.2.50/24");
        using var s2 = new LabTcpService(h2);
        var r1 = LabRouter.Create(h1, Config("VI_1", 150, intervalMs));
        await using var r2 = LabRouter.Create(h2, Config("VI_1", 100, intervalMs));
        try
        {
            await Task.WhenAll(r1.StartAsync(), r2.StartAsync());
            Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromMilliseconds(MasterDownMs(150, intervalMs) + 2000)));
            var capture = lab.StartCapture("stop", "ip proto 112");
            await Task.Delay(2 * intervalMs, TestContext.Current.CancellationToken);
            await r1.Driver.StopAsync(TestContext.Current.CancellationToken);
            Assert.True(await r1.WaitForAddressAsync(Vip, present: false));
            Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
            await Task.Delay(2 * intervalMs, TestContext.Current.CancellationToken);
            capture.Stop();

            var adverts = Adverts(capture);
            foreach (var a in adverts)
            {
                Output?.WriteLine($"{a.Time:F6} {a.Source} prio {a.Priority}");
            }

            double priorityZero = adverts.Single(a => a.Source == "192.0.2.11" && a.Priority == 0).Time;
            double firstBackup = adverts.Where(a => a.Source == "192.0.2.12").Min(a => a.Time);
            double handoverMs = (firstBackup - priorityZero) * 1000;
            double bound = SkewMs(100, intervalMs);
            Output?.WriteLine($"graceful stop, advert_int {intervalMs} ms: r2's first advert {handoverMs:F3} ms after r1's priority 0; skew time {bound:F3} ms");
            TimingBound.Check(handoverMs, bound, $"graceful handover at advert_int {intervalMs} ms");
            Assert.True(await r2.WaitForAddressAsync(Vip));
            Assert.Equal("r2", await LabTcpService.AskUntilAsync(client, Vip, "r2", TimeSpan.FromSeconds(3)));
        }
        finally
        {
            await r1.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_vip_removed_behind_the_masters_back_is_put_back()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        await using var r1 = LabRouter.Create(h1, Config("VI_1", 100, 50));
        await r1.StartAsync();
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
        Assert.True(await r1.WaitForAddressAsync(Vip));

        // Someone runs `ip addr del`: the link monitor reports it and the master adds the VIP again.
        // (`ip addr del` fails when the address is absent, so the deletion did happen; the re-add is that fast.)
        h1.Exec("ip", "addr", "del", Vip + "/32", "dev", "eth0");
        Assert.True(await r1.WaitForAddressAsync(Vip, timeoutMs: 2000), "the VIP was not restored");
        Assert.Equal(VrrpState.Master, r1.State);
    }

    [Trait("Rfc", "9568-6.4.2-a")]
    [Trait("Rfc", "9568-6.4.2-e")]
    [Fact]
    public async Task A_killed_routers_stale_vip_is_removed_when_it_starts_again()
    {
        LabProcess.RequireRootAnd("ip");
        const int interval = 50;
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var first = LabRouter.Create(h1, Config("VI_1", 100, interval));
        await first.StartAsync();
        Assert.True(await first.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
        Assert.True(await first.WaitForAddressAsync(Vip));

        // A crash: no priority 0, no cleanup; the VIP stays behind.
        await first.Driver.AbortAsync();
        first.Platform.Dispose();
        Assert.True(await first.WaitForAddressAsync(Vip));

        await using var second = LabRouter.Create(h1, Config("VI_1", 100, interval));
        await second.StartAsync();
        Assert.Equal(VrrpState.Backup, second.State);
        Assert.False(second.HoldsAddress(Vip)); // removed before the instance started, not on becoming master
        Assert.True(await second.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
        Assert.True(await second.WaitForAddressAsync(Vip));
        await second.Driver.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(await second.WaitForAddressAsync(Vip, present: false));
    }
}
