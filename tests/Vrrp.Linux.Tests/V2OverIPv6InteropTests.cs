using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;
using Vrrp.Packets;

namespace Vrrp.Linux.Tests;

/// <summary>
/// VRRPv2 over IPv6 with keepalived 2.2.7 (<c>version 2</c> before the IPv6 addresses, strict mode off): ours and
/// keepalived elect one master in both roles, and on the wire both send the same layout: to ff02::12 with hop limit 255,
/// version 2, the 8-byte header and 16-byte addresses without authentication data, the IPv6 pseudo-header checksum.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class V2OverIPv6InteropTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static readonly IPAddressValue Group = IPAddressValue.Parse("ff02::12");

    private static string KeepalivedConfig(byte priority) => $$"""
        global_defs {
            router_id keepalived_v2ipv6
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 66
            priority {{priority}}
            advert_int 1
            version 2
            virtual_ipaddress {
                fd00::66/128
                fd00::67/128
            }
        }
        """;

    private static VirtualRouterConfiguration OurConfig(byte priority) => new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 66,
        Priority = priority,
        Version = VrrpVersion.V2,
        AdvertisementInterval = TimeSpan.FromSeconds(1),
        VirtualAddresses = [VirtualAddress.Parse("fd00::66/128"), VirtualAddress.Parse("fd00::67/128")],
        GarpMasterDelay = TimeSpan.Zero,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Elects_with_keepalived_and_sends_keepalived_s_layout(bool oursIsMaster)
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump");
        using var lab = new NetworkLab();
        var ourHost = lab.AddHost("ours", "192.0.2.11/24", "2001:db8:66::11/64");
        var theirHost = lab.AddHost("ka", "192.0.2.12/24", "2001:db8:66::12/64");
        byte ourPriority = oursIsMaster ? (byte)200 : (byte)100;
        byte theirPriority = oursIsMaster ? (byte)100 : (byte)200;

        var capture = lab.StartCapture("v2ipv6", "ip6 proto 112");
        await using var ours = LabRouter.Create(ourHost, OurConfig(ourPriority));
        BackgroundProcess keepalived;
        if (oursIsMaster)
        {
            await ours.StartAsync();
            keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
        }
        else
        {
            keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
            Assert.True(keepalived.WaitForOutput("Entering BACKUP STATE (init)", TimeSpan.FromSeconds(5)), keepalived.Output);
            await ours.StartAsync();
        }

        try
        {
            if (oursIsMaster)
            {
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(8)), $"ours is {ours.State}");
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(3)), keepalived.Output);
            }
            else
            {
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(8)), keepalived.Output);
            }

            // Several intervals later nobody has flipped, and the backup heard the master all along.
            await Task.Delay(5000, TestContext.Current.CancellationToken);
            var status = ours.Status();
            Output?.WriteLine($"ours {(oursIsMaster ? "master" : "backup")}: sent {status.AdvertisementsSent}, received {status.AdvertisementsReceived}, drops [{string.Join(", ", status.Drops.Select(d => $"{d.Key}={d.Value}"))}]");
            Assert.Equal(oursIsMaster ? VrrpState.Master : VrrpState.Backup, ours.State);
            Assert.Equal(oursIsMaster ? 0 : 1, CountMatches(keepalived.Output, "(VI_1) Entering MASTER STATE"));
            Assert.DoesNotContain(status.Drops, d => d.Value > 0);
            Assert.DoesNotContain("wrong version", keepalived.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("vrrp packet too", keepalived.Output, StringComparison.Ordinal);
            if (!oursIsMaster)
            {
                Assert.True(status.AdvertisementsReceived >= 4, $"received {status.AdvertisementsReceived}");
            }

            capture.Stop();
            await Task.Delay(300, TestContext.Current.CancellationToken);

            // The wire: every advert of both, as keepalived 2.2.7 sends VRRPv2 over IPv6.
            var adverts = Adverts(capture);
            Output?.WriteLine(string.Join("\n", adverts.GroupBy(static a => a.Source).Select(static g => $"{g.Key}: {g.Count()} adverts, {g.First().Message.Length} bytes, first {Convert.ToHexString(g.First().Message)}")));
            // The master (ours or keepalived, so both senders are covered by the two cases) advertises at 200.
            Assert.True(adverts.Count(static a => a.Message[2] == 200) >= 4, $"{adverts.Count} adverts");
            foreach (var (source, destination, hopLimit, message) in adverts)
            {
                Assert.Equal(Group, destination);
                Assert.Equal(255, hopLimit);
                Assert.Equal(8 + (2 * 16), message.Length);
                Assert.True(
                    VrrpPacket.TryParseMessage(message, VrrpAddressFamily.IPv6, source, destination, hopLimit, VrrpVersion.V2, out var a, out var reason),
                    $"{source}: {reason} {Convert.ToHexString(message)}");
                Assert.Equal(66, a.VirtualRouterId);
                Assert.Equal(1, a.Interval);
                Assert.Equal(AuthenticationType.None, a.AuthenticationType);
                Assert.Equal(IPAddressValue.Parse("fd00::66"), a.GetAddress(0));
            }
        }
        finally
        {
            Output?.WriteLine("keepalived:\n" + keepalived.Output);
        }
    }

    private static int CountMatches(string text, string what) =>
        System.Text.RegularExpressions.Regex.Matches(text, System.Text.RegularExpressions.Regex.Escape(what)).Count;

    /// <summary>The VRRP messages of the capture (Ethernet, IPv6 without extension headers), with their IP metadata.</summary>
    private static List<(IPAddressValue Source, IPAddressValue Destination, int HopLimit, byte[] Message)> Adverts(LabCapture capture)
    {
        var list = new List<(IPAddressValue, IPAddressValue, int, byte[])>();
        foreach (byte[] frame in capture.Frames())
        {
            if (frame.Length < 54 || frame[12] != 0x86 || frame[13] != 0xDD || frame[20] != VrrpPacket.IPProtocol)
            {
                continue;
            }

            int payload = (frame[18] << 8) | frame[19];
            list.Add((IPAddressValue.FromIPv6(frame.AsSpan(22, 16)), IPAddressValue.FromIPv6(frame.AsSpan(38, 16)), frame[21], frame.AsSpan(54, Math.Min(payload, frame.Length - 54)).ToArray()));
        }

        return list;
    }
}
