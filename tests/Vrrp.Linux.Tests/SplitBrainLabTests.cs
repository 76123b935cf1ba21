using System.Globalization;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Split brain on a namespace LAN (issue 13, item 4): r2 (ours, priority 100) stops hearing VRRP (an nftables input
/// drop in its namespace, a one-way failure), takes over and keeps advertising; r1 (priority 150) hears it all along. r1
/// is ours or keepalived 2.2.7 in turn: both re-announce the VIP the same way (garp_lower_prio_repeat at each of r2's
/// adverts and again garp_lower_prio_delay later, counted on the bridge), and ours reports the split brain in its status
/// until r2 hears it again and steps down.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class SplitBrainLabTests
{
    private const string Vip = "192.0.2.100";
    private const int Repeat = 2;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Trait("Rfc", "9568-6.4.3-k")]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_master_hearing_a_lower_master_that_does_not_step_down_reannounces_as_keepalived_does_and_reports_it(bool keepalivedWins)
    {
        LabProcess.RequireRootAnd(keepalivedWins ? (string[])["ip", "nft", "tcpdump", "tshark", "keepalived"] : ["ip", "nft", "tcpdump", "tshark"]);
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        LabRouter? ours = null;
        BackgroundProcess? keepalived = null;
        await using var r2 = LabRouter.Create(h2, FailoverTests.Config("VI_1", 100, 1000));
        try
        {
            if (keepalivedWins)
            {
                keepalived = lab.StartKeepalived(h1, $$"""
                    global_defs {
                        router_id split_lab
                        vrrp_version 3
                        vrrp_garp_master_delay 0
                    }
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        virtual_router_id 51
                        priority 150
                        advert_int 1
                        garp_lower_prio_repeat {{Repeat}}
                        garp_lower_prio_delay 1
                        virtual_ipaddress {
                            {{Vip}}/32
                        }
                    }
                    """);
                Assert.True(keepalived.WaitForOutput("Entering MASTER STATE", TimeSpan.FromSeconds(8)), keepalived.Output);
            }
            else
            {
                ours = LabRouter.Create(h1, FailoverTests.Config("VI_1", 150, 1000) with
                {
                    GarpLowerPriorityRepeat = Repeat,
                    GarpLowerPriorityDelay = TimeSpan.FromSeconds(1),
                });
                await ours.StartAsync();
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(8)), $"r1 is {ours.State}");
            }

            await r2.StartAsync();
            await Task.Delay(1500, Token);
            Assert.Equal(VrrpState.Backup, r2.State);
            Assert.Null(ours?.Status().SplitBrain);

            // r2 goes deaf to VRRP: after its Master_Down_Interval it is master too and advertises every second.
            var capture = lab.StartCapture("split", "arp or ip proto 112");
            h2.Exec("nft", "add table inet vrrp_split");
            h2.Exec("nft", "add chain inet vrrp_split in { type filter hook input priority -300 ; }");
            h2.Exec("nft", "add rule inet vrrp_split in ip protocol 112 drop");
            Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(6)), $"r2 is {r2.State}");
            await Task.Delay(4200, Token);
            if (ours is not null)
            {
                var status = ours.Status();
                Assert.Equal(VrrpState.Master, status.State);
                var split = Assert.IsType<VrrpSplitBrain>(status.SplitBrain);
                Output?.WriteLine($"r1's status: split brain with {split.Peer} (priority {split.PeerPriority}, ours {split.Priority}) since {split.Since:O}, {split.Adverts} adverts; episodes {status.SplitBrainEpisodes}, other-master adverts {status.OtherMasterAdvertisements}");
                Assert.Equal((IPAddressValue.Parse("192.0.2.12"), (byte)100, (byte)150), (split.Peer, split.PeerPriority, split.Priority));
                Assert.Equal(1, status.SplitBrainEpisodes);
                Assert.True(split.Adverts >= 3, $"{split.Adverts} adverts");
            }

            // r2 hears again: it steps down; r1 alone holds the VIP.
            h2.Exec("nft", "delete table inet vrrp_split");
            Assert.True(await r2.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(3)), $"r2 is {r2.State}");
            Assert.True(await r2.WaitForAddressAsync(Vip, present: false));
            Assert.Contains(Vip, h1.Addresses(), StringComparison.Ordinal);
            capture.Stop();

            // The re-announcements in r1's first 3.5 s of split brain: at r2's adverts T, T+1, T+2, T+3 the repeat at once,
            // and the delayed ones of T, T+1, T+2 at T+1, T+2, T+3.
            string mac = string.Join(':', h1.Mac.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            double first = capture.Fields("vrrp && ip.src == 192.0.2.12 && vrrp.prio == 100", "frame.time_epoch")
                .Select(f => double.Parse(f[0], CultureInfo.InvariantCulture)).Min();
            var arps = capture.Times($"arp && eth.src == {mac} && arp.src.proto_ipv4 == {Vip}")
                .Select(t => t - first).Where(t => t >= -0.05 && t < 3.5).ToList();
            var bursts = arps.GroupBy(t => (int)Math.Floor((t + 0.25) / 1.0)).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
            Output?.WriteLine($"{(keepalivedWins ? "keepalived" : "ours")} as r1: {arps.Count} gratuitous ARPs in the first 3.5 s of r2's adverts, per second [{string.Join(", ", bursts)}]; at {string.Join(" ", arps.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))}");
            Assert.Equal((4 * Repeat) + (3 * Repeat), arps.Count);
            Assert.Equal([Repeat, 2 * Repeat, 2 * Repeat, 2 * Repeat], bursts);

            if (ours is not null)
            {
                // Three of r2's intervals after its last advert, the episode is over; the count stays.
                await Task.Delay(3500, Token);
                Assert.Null(ours.Status().SplitBrain);
                Assert.Equal(1, ours.Status().SplitBrainEpisodes);
                Assert.Equal(VrrpState.Master, ours.State);
            }
        }
        finally
        {
            if (ours is not null)
            {
                await ours.DisposeAsync();
            }

            if (keepalived is not null)
            {
                Output?.WriteLine(keepalived.Output);
            }
        }
    }
}
