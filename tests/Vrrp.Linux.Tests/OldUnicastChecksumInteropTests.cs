using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;
using Vrrp.Packets;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived 2.2.7's <c>old_unicast_checksum</c> against keepalived itself, over unicast VRRPv3/IPv4 on one link: ours
/// with the keyword and keepalived with it hear each other both ways; ours without it switches to the old form on
/// keepalived's first advert (as keepalived does: "Setting unicast VRRPv3 checksum to old version"). The capture on the
/// bridge, read with the codec, is the oracle of the form on the wire.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class OldUnicastChecksumInteropTests
{
    private const string Theirs = "192.0.2.11";
    private const string Mine = "192.0.2.12";

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static VirtualRouterConfiguration Ours(byte priority, OldUnicastChecksum mode) => new()
    {
        Name = "VI_41",
        InterfaceName = "eth0",
        VirtualRouterId = 41,
        Priority = priority,
        AdvertisementInterval = TimeSpan.FromMilliseconds(200),
        VirtualAddresses = [VirtualAddress.Parse("192.0.2.141/32")],
        SourceAddress = IPAddressValue.Parse(Mine),
        UnicastPeers = [IPAddressValue.Parse(Theirs)],
        OldUnicastChecksum = mode,
        GarpMasterDelay = TimeSpan.Zero,
    };

    private static string Keepalived(byte priority) => $$"""
        global_defs {
            router_id keepalived_old_checksum
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_41 {
            state BACKUP
            interface eth0
            version 3
            virtual_router_id 41
            priority {{priority}}
            advert_int 0.2
            unicast_src_ip {{Theirs}}
            unicast_peer {
                {{Mine}}
            }
            old_unicast_checksum
            virtual_ipaddress {
                192.0.2.141/32
            }
        }
        """;

    /// <summary>The checksum form of every unicast VRRP advert in the capture, by source.</summary>
    private static List<(string Source, byte Priority, ChecksumForm Form)> Forms(LabCapture capture)
    {
        var forms = new List<(string, byte, ChecksumForm)>();
        foreach (byte[] frame in capture.Frames())
        {
            if (frame.Length > 34 && frame[12] == 0x08 && frame[13] == 0x00 && frame[23] == VrrpPacket.IPProtocol)
            {
                bool parsed = VrrpPacket.TryParseIPv4Packet(frame.AsSpan(14), VrrpVersion.V3, out var advert, out var reason);
                Assert.True(parsed, $"an advert on the wire does not parse: {reason} {Convert.ToHexString(frame)}");
                forms.Add((advert.Source.ToString(), advert.Priority, advert.ChecksumForm));
            }
        }

        return forms;
    }

    [Fact]
    public async Task Ours_with_the_keyword_and_keepalived_with_it_hear_each_other_both_ways()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump");
        using var lab = new NetworkLab();
        var k1 = lab.AddHost("k1", Theirs + "/24");
        var r2 = lab.AddHost("r2", Mine + "/24");
        var capture = lab.StartCapture("old-csum", "ip proto 112");
        var first = LabRouter.Create(r2, Ours(200, OldUnicastChecksum.Always));
        bool firstGone = false;
        BackgroundProcess? keepalived = null;
        try
        {
            await first.StartAsync();
            Assert.True(await first.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"ours is {first.State}");
            keepalived = lab.StartKeepalived(k1, Keepalived(100));
            Assert.True(keepalived.WaitForOutput("(VI_41) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            await Task.Delay(1500, TestContext.Current.CancellationToken); // twice keepalived's Master_Down_Interval (0.72 s)
            Assert.DoesNotContain("(VI_41) Entering MASTER STATE", keepalived.Output, StringComparison.Ordinal);

            // Ours leaves: keepalived takes over, and a new router of ours at 50 follows keepalived's old-form adverts.
            firstGone = true;
            await first.DisposeAsync();
            Assert.True(keepalived.WaitForOutput("(VI_41) Entering MASTER STATE", TimeSpan.FromSeconds(3)), keepalived.Output);
            await using var second = LabRouter.Create(r2, Ours(50, OldUnicastChecksum.Always));
            await second.StartAsync();
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            Assert.Equal(VrrpState.Backup, second.State);
            Assert.True(second.Status().AdvertisementsReceived >= 4, $"ours heard {second.Status().AdvertisementsReceived} adverts");
            Assert.Equal(0, second.Status().BecameMaster);
            capture.Stop();

            var forms = Forms(capture);
            Output?.WriteLine(string.Join("\n", forms.GroupBy(static f => $"{f.Source} prio {f.Priority} {f.Form}").Select(static g => $"{g.Key}: {g.Count()}")));
            Assert.Contains(forms, static f => f.Source == Mine && f.Priority == 200);
            Assert.Contains(forms, static f => f.Source == Mine && f.Priority == 0);
            Assert.Contains(forms, static f => f.Source == Theirs && f.Priority == 100);
            Assert.All(forms, static f => Assert.Equal(ChecksumForm.IPv4OldUnicast, f.Form));
            Assert.DoesNotContain("Invalid VRRPv3 checksum", keepalived.Output, StringComparison.Ordinal);
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

    [Fact]
    public async Task Ours_by_default_switches_to_the_old_form_on_keepalived_s_advert_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump");
        using var lab = new NetworkLab();
        var k1 = lab.AddHost("k1", Theirs + "/24");
        var r2 = lab.AddHost("r2", Mine + "/24");
        var capture = lab.StartCapture("old-csum-auto", "ip proto 112");
        using var logs = new ListLoggerFactory();
        var keepalived = lab.StartKeepalived(k1, Keepalived(100));
        try
        {
            Assert.True(keepalived.WaitForOutput("(VI_41) Entering MASTER STATE", TimeSpan.FromSeconds(5)), keepalived.Output);

            // Ours at 200 (default mode) hears keepalived's old form, switches, takes over (preempt) and keepalived,
            // which takes only the old form, goes back to backup on our adverts.
            await using var router = LabRouter.Create(r2, Ours(200, OldUnicastChecksum.Auto), logs: logs);
            await router.StartAsync();
            Assert.True(await router.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"ours is {router.State}");
            Assert.True(keepalived.WaitForOutput("(VI_41) Entering BACKUP STATE", TimeSpan.FromSeconds(3)), keepalived.Output);
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            Assert.Equal(VrrpState.Master, router.State);
            Assert.Equal(0, router.Status().Drops.GetValueOrDefault(DropReason.BadChecksum));
            capture.Stop();

            Assert.Single(logs.Messages, static m => m.Contains("(VI_41) Setting unicast VRRPv3 checksum to old version", StringComparison.Ordinal));
            var forms = Forms(capture);
            Output?.WriteLine(string.Join("\n", forms.GroupBy(static f => $"{f.Source} prio {f.Priority} {f.Form}").Select(static g => $"{g.Key}: {g.Count()}")));
            Assert.Contains(forms, static f => f.Source == Mine && f.Priority == 200);
            Assert.All(forms, static f => Assert.Equal(ChecksumForm.IPv4OldUnicast, f.Form));
            Assert.DoesNotContain("Invalid VRRPv3 checksum", keepalived.Output, StringComparison.Ordinal);
        }
        finally
        {
            Output?.WriteLine("keepalived (k1):\n" + keepalived.Output);
            Output?.WriteLine("ours:\n" + string.Join("\n", logs.Messages));
        }
    }
}
