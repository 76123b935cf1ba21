using System.Globalization;
using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;
using Vrrp.Packets;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Issue 11.1: unicast peers in two subnets joined by a router namespace (ip_forward=1: adverts arrive with TTL 254),
/// one of our routers and keepalived 2.2.7. Election, takeover and preemption work in both directions; a peer's
/// min_ttl / max_ttl drops and counts adverts outside the range on either side, and unicast_ttl sets what is sent.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class RoutedUnicastTests
{
    private const int IntervalMs = 100;
    private const string Vip = "192.0.2.100";
    private const string Ours = "10.1.0.11";
    private const string Theirs = "10.2.0.12";

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    // ours on br0 (10.1.0.0/24), keepalived on br1 (10.2.0.0/24), a router between them.
    private static (NetworkLab Lab, LabHost Ours, LabHost Theirs) RoutedLab() => NetworkLab.Routed("ours", "ka");

    private static string KeepalivedConfig(byte priority, string peerOptions = "", string extra = "") => $$"""
        global_defs {
            router_id ka_routed
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority {{priority}}
            advert_int 0.1
            unicast_src_ip {{Theirs}}
            unicast_peer {
                {{Ours}}{{peerOptions}}
            }
        {{extra}}    virtual_ipaddress {
                {{Vip}}/32
            }
        }
        """;

    private static VirtualRouterConfiguration OurConfig(byte priority) => new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 51,
        Priority = priority,
        AdvertisementInterval = TimeSpan.FromMilliseconds(IntervalMs),
        VirtualAddresses = [VirtualAddress.Parse(Vip + "/32")],
        GarpMasterDelay = TimeSpan.Zero,
        SourceAddress = IPAddressValue.Parse(Ours),
        UnicastPeers = [IPAddressValue.Parse(Theirs)],
    };

    private static TimeSpan Settle => TimeSpan.FromMilliseconds(FailoverTests.MasterDownMs(100, IntervalMs) + 3000);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Elect_take_over_and_preempt_across_a_router(bool oursIsHigher)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var (lab, ourHost, theirHost) = RoutedLab();
        using var _ = lab;
        byte ourPriority = oursIsHigher ? (byte)150 : (byte)100;
        byte theirPriority = oursIsHigher ? (byte)100 : (byte)150;
        var ours = LabRouter.Create(ourHost, OurConfig(ourPriority));
        BackgroundProcess? keepalived = null;
        try
        {
            // The higher one starts first and is elected; the lower one follows its routed adverts.
            if (oursIsHigher)
            {
                await ours.StartAsync();
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, Settle), $"ours is {ours.State}");
                keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
                await Task.Delay(8 * IntervalMs, TestContext.Current.CancellationToken);
                Assert.DoesNotContain("(VI_1) Entering MASTER STATE", keepalived.Output, StringComparison.Ordinal);
            }
            else
            {
                keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
                await ours.StartAsync();
                await Task.Delay(8 * IntervalMs, TestContext.Current.CancellationToken);
                Assert.Equal(VrrpState.Backup, ours.State);
                var status = ours.Status();
                Output?.WriteLine($"ours as backup: received {status.AdvertisementsReceived}, drops [{string.Join(", ", status.Drops.Select(d => $"{d.Key}={d.Value}"))}]");
                Assert.True(status.AdvertisementsReceived >= 4, $"received {status.AdvertisementsReceived}");
                Assert.Equal(IPAddressValue.Parse(Theirs), status.MasterAddress);
                Assert.DoesNotContain(status.Drops, d => d.Value > 0);
            }

            // Takeover: the master dies (ours: no priority 0, as kill -9; keepalived: SIGTERM), the other one takes over.
            if (oursIsHigher)
            {
                await ours.Driver.AbortAsync();
                ours.Platform.Dispose();
                await ours.DisposeAsync();
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
                ourHost.Exec("ip", "addr", "del", Vip + "/32", "dev", "eth0"); // what the next start would do
            }
            else
            {
                keepalived.Signal("TERM");
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, Settle), $"ours is {ours.State}");
            }

            // Preemption: the higher one comes back and takes the VIP from the lower master.
            if (oursIsHigher)
            {
                ours = LabRouter.Create(ourHost, OurConfig(ourPriority));
                await ours.StartAsync();
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, Settle), $"ours is {ours.State}");
                Assert.True(keepalived.WaitForOutput($"(VI_1) Master received advert from {Ours} with higher priority 150, ours 100", TimeSpan.FromSeconds(3)), keepalived.Output);
                Assert.True(WaitFor(() => !theirHost.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)));
            }
            else
            {
                keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
                Assert.True(await ours.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(3)), $"ours is {ours.State}");
                Assert.Equal(IPAddressValue.Parse(Theirs), ours.Status().MasterAddress);
                Assert.True(await ours.WaitForAddressAsync(Vip, present: false));
            }
        }
        finally
        {
            Output?.WriteLine(keepalived?.Output ?? "");
            await ours.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_peer_ttl_range_drops_and_counts_adverts_that_crossed_more_routers_on_both_sides()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        var (lab, ourHost, theirHost) = RoutedLab();
        using var _ = lab;
        var capture = lab.StartCapture("ttl", "ip proto 112");
        var theirSide = lab.StartCapture("ttl-br1", "ip proto 112 or icmp or arp", "br1");

        // keepalived sends with unicast_ttl 254: its adverts arrive with 253. Ours accepts 254..255 from it: all dropped.
        var logs = new ListLoggerFactory();
        var range = new Dictionary<IPAddressValue, HopLimitRange> { [IPAddressValue.Parse(Theirs)] = new(254, 255) };
        var config = OurConfig(100) with { PeerHopLimits = range, UnicastHopLimit = 254 };
        await using var ours = LabRouter.Create(ourHost, config, logs: logs);

        // And keepalived accepts only 254 from us (one hop after our 255); ours sends 254, which arrives as 253.
        using var keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(200, " min_ttl 254 max_ttl 254", "    unicast_ttl 254\n"));
        Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
        await ours.StartAsync();
        Assert.True(await ours.WaitForStateAsync(VrrpState.Master, Settle), $"ours is {ours.State}: it must not follow adverts outside the range");
        // keepalived sends 10 adverts a second, so at least 3 arrive (and are dropped) within our Master_Down_Interval
        // (360 ms) before we take over. Not more: keepalived 2.2.7, master and hearing our adverts at its own rate that
        // fail its TTL check, can stop sending for as long as ours keep coming while its log still shows it dropping
        // them as MASTER (seen in captures on both segments, in about one run in six). Ours is right either way.
        WaitFor(() => ours.Status().Drops.GetValueOrDefault(DropReason.TtlOutOfRange) >= 3, TimeSpan.FromSeconds(3));
        var status = ours.Status();
        Output?.WriteLine($"ours: {status.State}, drops [{string.Join(", ", status.Drops.Select(d => $"{d.Key}={d.Value}"))}], received {status.AdvertisementsReceived}");
        if (status.Drops.GetValueOrDefault(DropReason.TtlOutOfRange) < 3)
        {
            // Say what the wire saw: did keepalived's adverts stop, or did ours stop reading them?
            capture.Stop();
            Output?.WriteLine(capture.Log + capture.Tshark());
            theirSide.Stop();
            Output?.WriteLine("br1: " + theirSide.Log + theirSide.Tshark());
            Output?.WriteLine(keepalived.Output);
        }

        Assert.True(status.Drops.GetValueOrDefault(DropReason.TtlOutOfRange) >= 3, "our drops of keepalived's TTL 253 adverts are counted");
        Assert.Contains(logs.Messages, m => m.StartsWith("(VI_1) TTL/HL 253 not in range 254 - 255 (unicast advert from 10.2.0.12)", StringComparison.Ordinal));
        Assert.True(keepalived.WaitForOutput("(VI_1) TTL/HL 253 not in range 254 - 254", TimeSpan.FromSeconds(2)), keepalived.Output);
        capture.Stop();

        // On our segment (the capture is on br0): our adverts leave with unicast_ttl 254, keepalived's arrive with 253
        // (sent with 254, one router crossed).
        var ttls = capture.Fields("vrrp", "ip.src", "ip.ttl").Select(t => (Source: t[0], Ttl: int.Parse(t[1], CultureInfo.InvariantCulture))).ToList();
        Output?.WriteLine(string.Join(" ", ttls.Select(t => $"{t.Source}:{t.Ttl}").Distinct()));
        Assert.Contains(ttls, t => t.Source == Ours);
        Assert.Contains(ttls, t => t.Source == Theirs);
        Assert.All(ttls, t => Assert.Equal(t.Source == Ours ? 254 : 253, t.Ttl));
    }

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return condition();
    }
}
