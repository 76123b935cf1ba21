using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;
using Vrrp.Packets;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Mixed groups of one of our routers and keepalived 2.2.7 on a bridged LAN, in both roles, for VRRPv2 with a
/// password, VRRPv3 over IPv4 and VRRPv3 over IPv6: they elect the same master, and a graceful stop of the master
/// (priority 0) hands the VIP to the other.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class KeepalivedInteropTests
{
    public enum Mode
    {
        V2Password,
        V3IPv4,
        V3IPv6,
        V3IPv4Unicast,
    }

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static (string Vip, string Prefixed, int IntervalMs) Parameters(Mode mode) => mode switch
    {
        Mode.V2Password => ("192.0.2.100", "192.0.2.100/32", 1000),
        Mode.V3IPv4 or Mode.V3IPv4Unicast => ("192.0.2.100", "192.0.2.100/32", 100),
        _ => ("2001:db8:50::100", "2001:db8:50::100/64", 100),
    };

    private static string KeepalivedConfig(Mode mode, byte priority)
    {
        var (_, prefixed, intervalMs) = Parameters(mode);
        string interval = (intervalMs / 1000.0).ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture);
        string auth = mode == Mode.V2Password ? "    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n" : "";
        if (mode == Mode.V3IPv4Unicast)
        {
            auth = "    unicast_src_ip 192.0.2.12\n    unicast_peer {\n        192.0.2.11\n    }\n";
        }

        return $$"""
            global_defs {
                router_id keepalived_lab
                vrrp_version {{(mode == Mode.V2Password ? 2 : 3)}}
                vrrp_garp_master_delay 0
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface eth0
                virtual_router_id 51
                priority {{priority}}
                advert_int {{interval}}
            {{auth}}    virtual_ipaddress {
                    {{prefixed}}
                }
            }
            """;
    }

    private static VirtualRouterConfiguration OurConfig(Mode mode, byte priority)
    {
        var (_, prefixed, intervalMs) = Parameters(mode);
        return new VirtualRouterConfiguration
        {
            Name = "VI_1",
            InterfaceName = "eth0",
            VirtualRouterId = 51,
            Priority = priority,
            Version = mode == Mode.V2Password ? VrrpVersion.V2 : VrrpVersion.V3,
            AdvertisementInterval = TimeSpan.FromMilliseconds(intervalMs),
            AuthenticationType = mode == Mode.V2Password ? AuthenticationType.SimplePassword : AuthenticationType.None,
            AuthenticationPassword = mode == Mode.V2Password ? "secret" : null,
            VirtualAddresses = [VirtualAddress.Parse(prefixed)],
            GarpMasterDelay = TimeSpan.Zero,
            UnicastPeers = mode == Mode.V3IPv4Unicast ? [IPAddressValue.Parse("192.0.2.12")] : [],
            AcceptOnlyUnicastPeers = mode == Mode.V3IPv4Unicast,
        };
    }

    [Trait("Rfc", "3768-6.4.2-a")]
    [Trait("Rfc", "9568-6.4.2-i")]
    [Trait("Rfc", "9568-7.2-c")]
    [Theory]
    [InlineData(Mode.V2Password, true)]
    [InlineData(Mode.V2Password, false)]
    [InlineData(Mode.V3IPv4, true)]
    [InlineData(Mode.V3IPv4, false)]
    [InlineData(Mode.V3IPv6, true)]
    [InlineData(Mode.V3IPv6, false)]
    [InlineData(Mode.V3IPv4Unicast, true)]
    [InlineData(Mode.V3IPv4Unicast, false)]
    public async Task Elects_and_hands_over_with_keepalived(Mode mode, bool oursIsMaster)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var (vip, _, intervalMs) = Parameters(mode);
        using var lab = new NetworkLab();
        var ourHost = lab.AddHost("ours", "192.0.2.11/24", "2001:db8:50::11/64");
        var theirHost = lab.AddHost("ka", "192.0.2.12/24", "2001:db8:50::12/64");
        if (mode == Mode.V3IPv6)
        {
            // Both forward IPv6, as routers do: the Router flag of the unsolicited NA (issue 15 item 3) is then set by
            // keepalived 2.2.7 and by us, and the byte-for-byte comparison below covers it.
            ourHost.Exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            theirHost.Exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        }

        byte ourPriority = oursIsMaster ? (byte)150 : (byte)100;
        byte theirPriority = oursIsMaster ? (byte)100 : (byte)150;

        // The intended master starts first, so that neither side's startup delay lets the backup time out first.
        await using var ours = LabRouter.Create(ourHost, OurConfig(mode, ourPriority));
        BackgroundProcess keepalived;
        if (oursIsMaster)
        {
            await ours.StartAsync();
            keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(mode, theirPriority));
        }
        else
        {
            keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(mode, theirPriority));
            Assert.True(keepalived.WaitForOutput("Entering BACKUP STATE (init)", TimeSpan.FromSeconds(5)), keepalived.Output);
            await ours.StartAsync();
        }

        var settle = TimeSpan.FromMilliseconds(FailoverTests.MasterDownMs(150, intervalMs) + 3000);
        try
        {
            if (oursIsMaster)
            {
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, settle), $"ours is {ours.State}");
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(3)), keepalived.Output);
            }
            else
            {
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", settle), keepalived.Output);
            }

            // Several intervals later nobody has flipped.
            await Task.Delay(4 * intervalMs, TestContext.Current.CancellationToken);
            Assert.Equal(oursIsMaster ? VrrpState.Master : VrrpState.Backup, ours.State);
            Assert.Equal(oursIsMaster ? "BACKUP" : "MASTER", LastState(keepalived.Output));
            Assert.Equal(!oursIsMaster, keepalived.Output.Contains("(VI_1) Entering MASTER STATE", StringComparison.Ordinal));
            Assert.True(await ours.WaitForAddressAsync(vip, present: oursIsMaster));
            Assert.Equal(!oursIsMaster, theirHost.Addresses().Contains(vip, StringComparison.Ordinal));
            var status = ours.Status();
            Output?.WriteLine($"{mode}, ours {(oursIsMaster ? "master" : "backup")}: sent {status.AdvertisementsSent}, received {status.AdvertisementsReceived}, drops [{string.Join(", ", status.Drops.Select(d => $"{d.Key}={d.Value}"))}], unattributed [{string.Join(", ", ours.Driver.GetUnattributedDrops().Select(d => $"{d.Key}={d.Value}"))}]");
            Assert.DoesNotContain(status.Drops, d => d.Value > 0);
            if (!oursIsMaster)
            {
                Assert.True(status.AdvertisementsReceived >= 3, $"received {status.AdvertisementsReceived}");
                Assert.Equal(IPAddressValue.Parse(mode == Mode.V3IPv6 ? LinkLocal(theirHost) : "192.0.2.12"), status.MasterAddress);
            }

            // Graceful stop of the master: priority 0, and the other takes over after its skew time.
            LabCapture? capture = LabProcess.HasTool("tcpdump") && LabProcess.HasTool("tshark")
                ? lab.StartCapture("handover", "ip proto 112 or ip6 proto 112 or arp or icmp6")
                : null;
            if (oursIsMaster)
            {
                await ours.Driver.StopAsync(TestContext.Current.CancellationToken);
                Assert.True(await ours.WaitForAddressAsync(vip, present: false));
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(3)), keepalived.Output);
                Assert.True(WaitFor(() => theirHost.Addresses().Contains(vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)));
            }
            else
            {
                keepalived.Signal("TERM");
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, TimeSpan.FromMilliseconds(intervalMs + 2000)), $"ours is {ours.State}");
                Assert.True(ours.Status().PriorityZeroReceived >= 1);
                Assert.True(WaitFor(() => ours.HoldsAddress(vip), TimeSpan.FromSeconds(2)));
                Assert.DoesNotContain(vip, theirHost.Addresses(), StringComparison.Ordinal);
            }

            if (capture is not null)
            {
                await Task.Delay(2 * intervalMs, TestContext.Current.CancellationToken);
                capture.Stop();
                var adverts = FailoverTests.Adverts(capture);
                var zero = adverts.First(a => a.Priority == 0);
                double first = adverts.First(a => a.Time > zero.Time && a.Source != zero.Source).Time;
                double handoverMs = (first - zero.Time) * 1000;
                double skew = FailoverTests.SkewMs(100, intervalMs);
                Output?.WriteLine($"{mode}: {(oursIsMaster ? "keepalived" : "ours")} took over {handoverMs:F3} ms after the priority-0 advert; skew time {skew:F3} ms");
                // Our adverts have good checksums in Wireshark's eyes. (keepalived 2.2.7's unicast v3 adverts do not: it puts
                // the multicast group in the pseudo-header, its "old version" checksum, which our receiver accepts.)
                string ourSource = ours.Status().LocalAddress!.Value.ToString();
                var ourAdverts = capture.Fields("vrrp", "ip.src", "ipv6.src", "vrrp.checksum.status").Where(f => f[0] == ourSource || f[1] == ourSource).ToList();
                Assert.NotEmpty(ourAdverts);
                Assert.All(ourAdverts, f => Assert.Equal("1", f[2]));
                if (!oursIsMaster)
                {
                    TimingBound.Check(handoverMs, skew, $"{mode}: our takeover after keepalived's priority 0");
                }

                // The new master's announcement, byte for byte: keepalived's frames equal ours built for its MAC and the VIP.
                var newMaster = oursIsMaster ? theirHost : ourHost;
                byte[] expected = Vrrp.Linux.Announcements.AnnouncementFrames.Build(newMaster.Mac, IPAddressValue.Parse(vip), router: mode == Mode.V3IPv6);
                int matching = capture.Frames().Count(f => f.AsSpan().SequenceEqual(expected));
                Output?.WriteLine($"{mode}: {matching} announcement frames from the new master ({(oursIsMaster ? "keepalived" : "ours")}) identical to AnnouncementFrames.Build");
                Assert.True(matching >= 1, "no announcement frame of the new master matches the keepalived layout");
            }
        }
        finally
        {
            Output?.WriteLine(keepalived.Output);
        }
    }

    /// <summary>The state of keepalived's last "(VI_1) Entering X STATE" line.</summary>
    private static string? LastState(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, @"\(VI_1\) Entering (\w+) STATE").LastOrDefault()?.Groups[1].Value;

    private static string LinkLocal(LabHost host)
    {
        string text = host.Exec("ip", "-6", "-br", "addr", "show", "dev", "eth0", "scope", "link");
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).First(t => t.StartsWith("fe80", StringComparison.Ordinal)).Split('/')[0];
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
