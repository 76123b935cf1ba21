using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// A VRRPv2 instance without virtual addresses, ours and keepalived 2.2.7's on one LAN: both advertise Count IP Addrs 0
/// and each follows the other's adverts (keepalived: "No VIP specified; at least one is sensible").
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class V2WithoutAddressesInteropTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static VirtualRouterConfiguration Ours(byte priority) => new()
    {
        Name = "VI_43",
        InterfaceName = "eth0",
        VirtualRouterId = 43,
        Priority = priority,
        Version = VrrpVersion.V2,
        VirtualAddresses = [],
        GarpMasterDelay = TimeSpan.Zero,
    };

    [Fact]
    public async Task Ours_and_keepalived_follow_each_other_s_count_0_adverts()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var k1 = lab.AddHost("k1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        var capture = lab.StartCapture("v2-novip", "ip proto 112");
        var first = LabRouter.Create(r2, Ours(200));
        bool firstGone = false;
        BackgroundProcess? keepalived = null;
        try
        {
            await first.StartAsync();
            Assert.True(await first.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(5)), $"ours is {first.State}");
            keepalived = lab.StartKeepalived(k1, """
                global_defs {
                    router_id keepalived_novip
                    vrrp_garp_master_delay 0
                }
                vrrp_instance VI_43 {
                    state BACKUP
                    interface eth0
                    version 2
                    virtual_router_id 43
                    priority 100
                    advert_int 1
                }
                """);
            Assert.True(keepalived.WaitForOutput("(VI_43) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            await Task.Delay(4000, TestContext.Current.CancellationToken); // past keepalived's Master_Down_Interval (3.6 s)
            Assert.DoesNotContain("(VI_43) Entering MASTER STATE", keepalived.Output, StringComparison.Ordinal);

            firstGone = true;
            await first.DisposeAsync();
            Assert.True(keepalived.WaitForOutput("(VI_43) Entering MASTER STATE", TimeSpan.FromSeconds(3)), keepalived.Output);
            await using var second = LabRouter.Create(r2, Ours(50));
            await second.StartAsync();
            await Task.Delay(4500, TestContext.Current.CancellationToken);
            Assert.Equal(VrrpState.Backup, second.State);
            Assert.True(second.Status().AdvertisementsReceived >= 3, $"ours heard {second.Status().AdvertisementsReceived} adverts");
            Assert.Equal(0, second.Status().BecameMaster);
            capture.Stop();

            var adverts = capture.Fields("vrrp", "ip.src", "vrrp.prio", "vrrp.addr_count", "vrrp.checksum.status");
            Output?.WriteLine(string.Join("\n", adverts.GroupBy(static a => string.Join(" ", a)).Select(static g => $"{g.Key}: {g.Count()}")));
            Assert.Contains(adverts, static a => a[0] == "192.0.2.12" && a[1] == "200");
            Assert.Contains(adverts, static a => a[0] == "192.0.2.11" && a[1] == "100");
            Assert.All(adverts, static a => Assert.Equal("0", a[2]));
            Assert.All(adverts, static a => Assert.Equal("1", a[3])); // Wireshark: good checksum
            Assert.Contains("No VIP specified; at least one is sensible", keepalived.Output, StringComparison.Ordinal);
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
}
