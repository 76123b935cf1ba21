using System.Globalization;
using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// FRRouting 8.4's vrrpd as a second real peer, beside keepalived: one of our routers and one FRR router on a bridged
/// LAN elect the higher priority, the backup takes over when the master is cut off, and the higher priority preempts
/// the lower when it comes back, in both roles, for VRRPv3 over IPv4 at 100 ms and 1 s and VRRPv2 at 1 s. Every VRRP
/// packet of the run, captured on the bridge, is decoded by tshark as a good advert with the expected fields.
/// </summary>
/// <remarks>
/// What FRR does differently (measured here, asserted where it matters): it sends from the virtual MAC (RFC 9568
/// section 7.3; we and keepalived send from the interface MAC unless told otherwise); it computes Skew_Time in whole
/// centiseconds, rounded down (at priority 100 and 1 s: 600 ms, not 609.375 ms), so it takes over up to 10 ms before the
/// RFC's bound; it stays Master when its own link goes down (keepalived and we enter Fault); its Accept_Mode is on by
/// default (RFC 9568 section 6.1 says False); it marks adverts DSCP CS6. Its v3 IPv4 checksum includes the pseudo-header,
/// as keepalived's and ours do by default.
/// </remarks>
[Collection(TimingCollection.Name)]
public sealed class FrrInteropTests
{
    public enum Mode
    {
        V3At100Ms,
        V3At1S,
        V2At1S,
    }

    private const string Vip = "192.0.2.100";
    private const string OurAddress = "192.0.2.11";
    private const string FrrAddress = "192.0.2.12";
    private const byte Vrid = 51;
    private const byte High = 150;
    private const byte Low = 100;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static (int Version, int IntervalMs) Parameters(Mode mode) => mode switch
    {
        Mode.V3At100Ms => (3, 100),
        Mode.V3At1S => (3, 1000),
        _ => (2, 1000),
    };

    /// <summary>Master_Down_Interval (or Skew_Time) in ms by the RFC, for our routers (v2: the skew in seconds).</summary>
    private static double OurMasterDownMs(Mode mode, byte priority)
    {
        var (version, intervalMs) = Parameters(mode);
        double skew = version == 2 ? (256 - priority) * 1000.0 / 256 : (256 - priority) * intervalMs / 256.0;
        return (3 * intervalMs) + skew;
    }

    private static VirtualRouterConfiguration OurConfig(Mode mode, byte priority)
    {
        var (version, intervalMs) = Parameters(mode);
        return new VirtualRouterConfiguration
        {
            Name = "VI_1",
            InterfaceName = "eth0",
            VirtualRouterId = Vrid,
            Priority = priority,
            Version = version == 2 ? VrrpVersion.V2 : VrrpVersion.V3,
            AdvertisementInterval = TimeSpan.FromMilliseconds(intervalMs),
            VirtualAddresses = [VirtualAddress.Parse(Vip + "/32")],
            GarpMasterDelay = TimeSpan.Zero,
        };
    }

    [Trait("Rfc", "9568-5.1.1.3-a")]
    [Trait("Rfc", "9568-6.4.2-k")]
    [Trait("Rfc", "9568-7.2-b")]
    [Theory]
    [InlineData(Mode.V3At100Ms, true)]
    [InlineData(Mode.V3At100Ms, false)]
    [InlineData(Mode.V3At1S, true)]
    [InlineData(Mode.V3At1S, false)]
    [InlineData(Mode.V2At1S, true)]
    [InlineData(Mode.V2At1S, false)]
    public async Task Elects_takes_over_and_preempts_with_FRR(Mode mode, bool oursIsMaster)
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        if (!FrrRouter.IsInstalled)
        {
            Assert.Skip("FRRouting is not installed (apt-get install frr).");
        }

        var (version, intervalMs) = Parameters(mode);
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        byte ourPriority = oursIsMaster ? High : Low;
        byte frrPriority = oursIsMaster ? Low : High;
        using var lab = new NetworkLab();
        var ourHost = lab.AddHost("ours", OurAddress + "/24");
        var frrHost = lab.AddHost("frr", FrrAddress + "/24");
        var capture = lab.StartCapture("frr", "ip proto 112");
        await using var ours = LabRouter.Create(ourHost, OurConfig(mode, ourPriority));
        FrrRouter? frr = null;
        var timeline = new List<string>();
        try
        {
            // 1. Election: the intended master starts first; the other joins as Backup and stays there.
            var settle = TimeSpan.FromMilliseconds(OurMasterDownMs(mode, High) + 3000);
            if (oursIsMaster)
            {
                await ours.StartAsync();
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, settle), $"ours is {ours.State}");
                frr = FrrRouter.Start(lab, frrHost, new FrrVrrpConfig(Vrid, version, frrPriority, intervalMs, Vip));
                Assert.True(frr.WaitForStatus("Backup", TimeSpan.FromSeconds(3)), frr.StatusJson());
            }
            else
            {
                frr = FrrRouter.Start(lab, frrHost, new FrrVrrpConfig(Vrid, version, frrPriority, intervalMs, Vip));
                Assert.True(frr.WaitForStatus("Master", settle), frr.StatusJson());
                await ours.StartAsync();
                Assert.Equal(VrrpState.Backup, ours.State);
            }

            await Task.Delay(3.5 * interval, TestContext.Current.CancellationToken);
            var frrStatus = frr.Status();
            var ourStatus = ours.Status();
            timeline.Add($"elected: ours {ours.State} (sent {ourStatus.AdvertisementsSent}, received {ourStatus.AdvertisementsReceived}), FRR {frrStatus}");
            Assert.Equal(oursIsMaster ? VrrpState.Master : VrrpState.Backup, ours.State);
            Assert.Equal(oursIsMaster ? "Backup" : "Master", frrStatus.Status);
            Assert.True(await ours.WaitForAddressAsync(Vip, present: oursIsMaster));
            Assert.Equal(oursIsMaster, frr.MacvlanProtodown);          // FRR's VIP is usable only while it is Master
            Assert.DoesNotContain(ourStatus.Drops, d => d.Value > 0);
            if (oursIsMaster)
            {
                Assert.True(frrStatus.AdvertisementsReceived >= 2, $"FRR received {frrStatus.AdvertisementsReceived} of our adverts");
            }
            else
            {
                Assert.True(ourStatus.AdvertisementsReceived >= 2, $"we received {ourStatus.AdvertisementsReceived} of FRR's adverts");
                Assert.Equal(IPAddressValue.Parse(FrrAddress), ourStatus.MasterAddress);
                Assert.Equal(High, ourStatus.MasterPriority);
            }

            // 2. Takeover: the master is cut off the LAN; the backup takes over after its Master_Down_Interval.
            double frrBound = frrStatus.MasterDownIntervalMs;    // FRR's own figure (its skew in whole centiseconds)
            var masterHost = oursIsMaster ? ourHost : frrHost;
            masterHost.Cut();
            var cutAt = DateTime.UtcNow;
            if (oursIsMaster)
            {
                Assert.True(frr.WaitForStatus("Master", TimeSpan.FromMilliseconds(OurMasterDownMs(mode, Low) + 3000)), frr.StatusJson());
                Assert.True(await ours.WaitForStateAsync(VrrpState.Fault, TimeSpan.FromSeconds(2)), $"ours is {ours.State}");
                Assert.True(await ours.WaitForAddressAsync(Vip, present: false));
                Assert.False(frr.MacvlanProtodown);
            }
            else
            {
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, TimeSpan.FromMilliseconds(OurMasterDownMs(mode, Low) + 3000)), $"ours is {ours.State}");
                Assert.True(await ours.WaitForAddressAsync(Vip));

                // FRR does not notice that its link is down: it stays Master (keepalived and we enter Fault).
                await Task.Delay(interval, TestContext.Current.CancellationToken);
                timeline.Add($"FRR while cut off: {frr.Status().Status}");
            }

            timeline.Add($"taken over {(DateTime.UtcNow - cutAt).TotalMilliseconds:F0} ms after the cut");

            // 3. Preemption: the higher priority comes back as Backup, hears the lower-priority master and takes over
            //    after its own Master_Down_Interval. (FRR, still Master while cut off, is restarted through a VRRP
            //    shutdown / no shutdown so that it comes back through Backup, as after a reboot.)
            if (oursIsMaster)
            {
                masterHost.Heal();
                Assert.True(await ours.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(2)), $"ours is {ours.State}");
                Assert.True(await ours.WaitForStateAsync(VrrpState.Master, TimeSpan.FromMilliseconds(OurMasterDownMs(mode, High) + 3000)), $"ours is {ours.State}");
                Assert.True(frr.WaitForStatus("Backup", TimeSpan.FromSeconds(2)), frr.StatusJson());
                Assert.True(await ours.WaitForAddressAsync(Vip));
            }
            else
            {
                frr.ConfigureInterface($"vrrp {Vrid} shutdown");
                Assert.True(frr.WaitForStatus("Initialize", TimeSpan.FromSeconds(2)), frr.StatusJson());
                masterHost.Heal();
                await Task.Delay(interval, TestContext.Current.CancellationToken);
                frr.ConfigureInterface($"no vrrp {Vrid} shutdown");
                Assert.True(frr.WaitForStatus("Master", TimeSpan.FromMilliseconds(OurMasterDownMs(mode, High) + 3000)), frr.StatusJson());
                Assert.True(await ours.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(2)), $"ours is {ours.State}");
                Assert.True(await ours.WaitForAddressAsync(Vip, present: false));
            }

            await Task.Delay(2 * interval, TestContext.Current.CancellationToken);
            Assert.Equal(oursIsMaster ? VrrpState.Master : VrrpState.Backup, ours.State);
            Assert.Equal(oursIsMaster ? "Backup" : "Master", frr.Status().Status);
            Assert.Equal(oursIsMaster, frr.MacvlanProtodown);
            timeline.Add($"preempted back: ours {ours.State}, FRR {frr.Status()}; our drops [{string.Join(", ", ours.Status().Drops.Select(d => $"{d.Key}={d.Value}"))}]");
            capture.Stop();

            // 4. Every VRRP packet of the run, as tshark decodes it.
            CheckEveryPacket(capture, mode, ourPriority, frrPriority, ourHost, frr);

            // 5. Takeover time after the master's last advert, against the backup's bound (printed; checked last).
            var adverts = FailoverTests.Adverts(capture);
            string master = oursIsMaster ? OurAddress : FrrAddress;
            string backup = oursIsMaster ? FrrAddress : OurAddress;
            double firstBackup = adverts.Where(a => a.Source == backup).Min(a => a.Time);     // the backup never advertised before
            double lastMaster = adverts.Where(a => a.Source == master && a.Time < firstBackup).Max(a => a.Time);
            double takeoverMs = (firstBackup - lastMaster) * 1000;
            double rfcBound = OurMasterDownMs(mode, Low);
            double bound = oursIsMaster ? frrBound : rfcBound;
            foreach (var line in timeline)
            {
                Output?.WriteLine(line);
            }

            Output?.WriteLine($"{mode}, {(oursIsMaster ? "FRR" : "ours")} took over {takeoverMs:F3} ms after the master's last advert; its Master_Down_Interval {bound:F3} ms (RFC {rfcBound:F3} ms)");
            Assert.True(takeoverMs >= bound - 5, $"takeover {takeoverMs:F3} ms before the bound {bound:F3} ms");
            TimingBound.Check(takeoverMs, bound, $"{mode}: {(oursIsMaster ? "FRR's" : "our")} takeover");
        }
        finally
        {
            if (frr is not null)
            {
                Output?.WriteLine("FRR vrrpd:\n" + frr.Vrrpd.Output);
            }
        }
    }

    /// <summary>Every VRRP packet: good checksum, the group, TTL 255, the version, VRID, interval, one address (the VIP), and a known source with its priority (or 0).</summary>
    private static void CheckEveryPacket(LabCapture capture, Mode mode, byte ourPriority, byte frrPriority, LabHost ourHost, FrrRouter frr)
    {
        var (version, intervalMs) = Parameters(mode);
        string interval = version == 2 ? (intervalMs / 1000).ToString(CultureInfo.InvariantCulture) : (intervalMs / 10).ToString(CultureInfo.InvariantCulture);
        string ourMac = string.Join(':', ourHost.Mac.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        var packets = capture.Fields(
            "vrrp",
            "eth.src", "ip.src", "ip.dst", "ip.ttl", "vrrp.version", "vrrp.type", "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.addr_count",
            version == 2 ? "vrrp.adver_int" : "vrrp.short_adver_int", "vrrp.checksum.status", "vrrp.ip_addr", "vrrp.auth_type", "ip.dsfield.dscp");
        var bySource = packets.GroupBy(p => p[1]).ToDictionary(g => g.Key, g => g.Count());
        Output?.WriteLine($"{packets.Count} VRRP packets: {string.Join(", ", bySource.Select(s => $"{s.Key} x{s.Value}"))}; DSCP {string.Join(", ", packets.Select(p => $"{p[1]} {p[13]}").Distinct())}");
        Assert.True(bySource.GetValueOrDefault(OurAddress) >= 3, "too few of our adverts in the capture");
        Assert.True(bySource.GetValueOrDefault(FrrAddress) >= 3, "too few of FRR's adverts in the capture");
        foreach (var p in packets)
        {
            string line = string.Join(' ', p);
            bool fromUs = p[1] == OurAddress;
            Assert.True(fromUs || p[1] == FrrAddress, $"unknown source: {line}");
            Assert.Equal(fromUs ? ourMac : frr.VirtualMac, p[0]);        // FRR sends from the virtual MAC, we from eth0's
            Assert.Equal(["224.0.0.18", "255", version.ToString(CultureInfo.InvariantCulture), "1", Vrid.ToString(CultureInfo.InvariantCulture)], p[2..7]);
            byte expectedPriority = fromUs ? ourPriority : frrPriority;
            Assert.True(p[7] == expectedPriority.ToString(CultureInfo.InvariantCulture) || p[7] == "0", $"priority: {line}");
            Assert.Equal(["1", interval, "1", Vip], p[8..12]);
            Assert.Equal(version == 2 ? "0" : "", p[12]);
        }
    }
}
