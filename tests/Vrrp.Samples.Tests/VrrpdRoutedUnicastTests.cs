using System.Text.Json;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 11.1 with the daemon: vrrpd (a keepalived.conf with <c>unicast_src_ip</c> / <c>unicast_peer</c>) on one
/// subnet, keepalived 2.2.7 on another, a forwarding router namespace between them (adverts arrive with one TTL less
/// than they were sent with). Election, takeover (vrrpd: SIGKILL; keepalived: SIGTERM) and preemption work with either
/// one the higher priority; a peer's <c>min_ttl</c> / <c>max_ttl</c> in vrrpd's file drops keepalived's adverts that
/// arrive with TTL 253, logs them as keepalived does and counts them in <c>vrrpd status --json</c>.
/// </summary>
[Collection(VrrpdVirtualMacTests.Name)]
public sealed class VrrpdRoutedUnicastTests
{
    private const string Vip = "192.0.2.170";
    private const string Ours = "10.1.0.11";
    private const string Theirs = "10.2.0.12";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    // vrrpd on br0 (10.1.0.0/24), keepalived on br1 (10.2.0.0/24), a router between them.
    private static (NetworkLab Lab, LabHost Ours, LabHost Theirs) RoutedLab() => NetworkLab.Routed("vd", "ka");

    // The same file shape for both; each names its own source and the other as its peer.
    private static string Config(string routerId, int priority, string source, string peer, string peerOptions = "", string extra = "") => $$"""
        global_defs {
            router_id {{routerId}}
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 53
            priority {{priority}}
            advert_int 0.1
            unicast_src_ip {{source}}
            unicast_peer {
                {{peer}}{{peerOptions}}
            }
        {{extra}}    virtual_ipaddress {
                {{Vip}}/32
            }
        }
        """;

    private static string KeepalivedConfig(int priority, string extra = "") => Config("keepalived", priority, Theirs, Ours, extra: extra);

    private static BackgroundProcess StartVrrpd(NetworkLab lab, LabHost host, string config)
    {
        string file = Path.Combine(lab.Directory, "vrrpd.conf");
        File.WriteAllText(file, config);
        return lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", file,
            "-p", Path.Combine(lab.Directory, "vrrpd.pid"), $"--control-socket={Socket(lab)}"]));
    }

    private static string Socket(NetworkLab lab) => Path.Combine(lab.Directory, "vrrpd.sock");

    private static async Task<JsonElement> StatusAsync(NetworkLab lab)
    {
        var (code, output) = await VrrpdProcess.RunAsync("status", "--json", $"--control-socket={Socket(lab)}");
        Assert.True(code == 0, output);
        using var document = JsonDocument.Parse(output);
        return Assert.Single(document.RootElement.EnumerateArray().ToList()).Clone();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Vrrpd_and_keepalived_across_a_router_elect_take_over_and_preempt(bool vrrpdIsHigher)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var (lab, ourHost, theirHost) = RoutedLab();
        using var _ = lab;
        int ourPriority = vrrpdIsHigher ? 150 : 100;
        int theirPriority = vrrpdIsHigher ? 100 : 150;
        string vrrpdConfig = Config("vrrpd", ourPriority, Ours, Theirs);
        BackgroundProcess? vrrpd = null;
        BackgroundProcess? keepalived = null;
        string earlierVrrpd = "";
        try
        {
            // Election: the higher one starts first and is master; the lower one follows its routed adverts.
            if (vrrpdIsHigher)
            {
                vrrpd = StartVrrpd(lab, ourHost, vrrpdConfig);
                Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), vrrpd.Output);
                keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering BACKUP STATE", Settle), keepalived.Output);
                await Task.Delay(1000, TestContext.Current.CancellationToken);
                Assert.DoesNotContain("(VI_1) Entering MASTER STATE", keepalived.Output, StringComparison.Ordinal);
                Assert.Contains(Vip, ourHost.Addresses(), StringComparison.Ordinal);
                Assert.DoesNotContain(Vip, theirHost.Addresses(), StringComparison.Ordinal);
            }
            else
            {
                keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
                vrrpd = StartVrrpd(lab, ourHost, vrrpdConfig);
                Assert.True(vrrpd.WaitForOutput("(VI_1) Entering BACKUP STATE", Settle), vrrpd.Output);
                await Task.Delay(1000, TestContext.Current.CancellationToken);
                Assert.DoesNotContain("(VI_1) Entering MASTER STATE", vrrpd.Output, StringComparison.Ordinal);
                var status = await StatusAsync(lab);
                Output?.WriteLine("vrrpd as backup: " + status);
                Assert.Equal("Backup", status.GetProperty("state").GetString());
                Assert.Equal(Theirs, status.GetProperty("masterAddress").GetString());
                Assert.True(status.GetProperty("advertisementsReceived").GetInt64() >= 5, status.ToString());
                Assert.DoesNotContain(Vip, ourHost.Addresses(), StringComparison.Ordinal);
            }

            // Takeover: the master dies (vrrpd: SIGKILL, no priority 0; keepalived: SIGTERM), the other one takes over.
            if (vrrpdIsHigher)
            {
                vrrpd.Signal("KILL");
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
                Assert.True(WaitFor(() => theirHost.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), theirHost.Addresses());
            }
            else
            {
                keepalived.Signal("TERM");
                Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), vrrpd.Output);
                Assert.True(WaitFor(() => ourHost.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), ourHost.Addresses());
            }

            // Preemption: the higher one comes back and takes the VIP from the lower master.
            if (vrrpdIsHigher)
            {
                earlierVrrpd = vrrpd.Output;
                vrrpd = StartVrrpd(lab, ourHost, vrrpdConfig);
                Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), vrrpd.Output);
                Assert.True(keepalived.WaitForOutput($"(VI_1) Master received advert from {Ours} with higher priority 150, ours 100", Settle), keepalived.Output);
                Assert.True(WaitFor(() => !theirHost.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), theirHost.Addresses());
                Assert.True(WaitFor(() => ourHost.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), ourHost.Addresses());
            }
            else
            {
                keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(theirPriority));
                Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
                Assert.True(WaitFor(() => Count(vrrpd.Output, "(VI_1) Entering BACKUP STATE") >= 2, Settle), vrrpd.Output);
                Assert.True(WaitFor(() => !ourHost.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), ourHost.Addresses());
                Assert.Equal(Theirs, (await StatusAsync(lab)).GetProperty("masterAddress").GetString());
            }
        }
        finally
        {
            Output?.WriteLine(earlierVrrpd);
            Output?.WriteLine(vrrpd?.Output ?? "");
            Output?.WriteLine(keepalived?.Output ?? "");
        }
    }

    [Fact]
    public async Task Vrrpd_drops_logs_and_counts_keepalived_adverts_outside_the_peer_ttl_range()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var (lab, ourHost, theirHost) = RoutedLab();
        using var _ = lab;

        // keepalived sends with unicast_ttl 254: its adverts arrive with 253. vrrpd accepts 254..255 from it: all dropped.
        var keepalived = lab.StartKeepalived(theirHost, KeepalivedConfig(200, "    unicast_ttl 254\n"));
        BackgroundProcess? vrrpd = null;
        try
        {
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), keepalived.Output);
            vrrpd = StartVrrpd(lab, ourHost, Config("vrrpd", 100, Ours, Theirs, " min_ttl 254 max_ttl 255"));

            // vrrpd, priority 100, must not follow the priority 200 master whose adverts it drops: it takes over.
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), vrrpd.Output);
            Assert.True(vrrpd.WaitForOutput($"(VI_1) TTL/HL 253 not in range 254 - 255 (unicast advert from {Theirs})", TimeSpan.FromSeconds(2)), vrrpd.Output);

            // keepalived sends 10 a second, so at least 3 arrive (and are dropped) within vrrpd's Master_Down_Interval
            // before it takes over. Not necessarily more: keepalived 2.2.7 as master can stop sending (see
            // RoutedUnicastTests), so no continuing stream is asked for.
            var status = await StatusAsync(lab);
            Output?.WriteLine("vrrpd: " + status);
            Assert.Equal("Master", status.GetProperty("state").GetString());
            Assert.True(TtlDrops(status) >= 3, status.ToString());
            Assert.Equal(0, status.GetProperty("advertisementsReceived").GetInt64());
        }
        finally
        {
            Output?.WriteLine(vrrpd?.Output ?? "");
            Output?.WriteLine(keepalived.Output);
        }
    }

    private static long TtlDrops(JsonElement status) =>
        status.TryGetProperty("drops", out var drops) && drops.TryGetProperty("TtlOutOfRange", out var count) ? count.GetInt64() : 0;

    private static int Count(string text, string line) => text.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal));

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return condition();
    }
}
