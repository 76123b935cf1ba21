using System.Text.Json;
using System.Text.RegularExpressions;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 12, <c>use_ipvlan</c>: vrrpd and keepalived 2.2.7 run the same file. They ask the kernel for the same ipvlan
/// (the RTM_NEWLINK request, seen with strace: this runs on any kernel); and on a kernel with ipvlan support they leave
/// the same ipvlan (<c>ip -d -j link</c>: name, kind, mode, flags, parent; <c>ip -j addr</c>: addresses; disable_ipv6)
/// as master, as backup and after stop, and fail over to each other both ways (a vrrpd killed with SIGKILL leaves its
/// ipvlan, which the next vrrpd adopts).
/// </summary>
[Collection(VrrpdIpvlanLabTests.Name)]
public class VrrpdIpvlanLabTests
{
    public const string Name = "vrrpd use_ipvlan";

    private const string Vip = "192.0.2.150";

    /// <summary>The file of a host: the same for keepalived and vrrpd.</summary>
    private static string Config(string host, int priority, string ipvlanAddress) => $$"""
        global_defs {
            router_id {{host}}
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            use_ipvlan {{ipvlanAddress}} private
            virtual_router_id 51
            priority {{priority}}
            advert_int 0.1
            virtual_ipaddress {
                {{Vip}}/32
            }
        }
        """;

    private static BackgroundProcess StartVrrpd(NetworkLab lab, LabHost host, string config, params string[] wrapper)
    {
        string file = Path.Combine(lab.Directory, $"vrrpd-{host.Name}.conf");
        File.WriteAllText(file, config);
        return lab.Track(new BackgroundProcess("ip", [
            "netns", "exec", host.Namespace, .. wrapper, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", file, "-p", Path.Combine(lab.Directory, $"vrrpd-{host.Name}.pid")]));
    }

    private static BackgroundProcess StartKeepalived(NetworkLab lab, LabHost host, string config, params string[] wrapper)
    {
        string baseName = Path.Combine(lab.Directory, "keepalived-" + host.Name);
        File.WriteAllText(baseName + ".conf", config);
        return lab.Track(new BackgroundProcess("ip", [
            "netns", "exec", host.Namespace, .. wrapper, "keepalived", "-n", "-l", "-D", "-G", "--vrrp",
            "-f", baseName + ".conf", "-p", baseName + ".pid", "-r", baseName + ".vrrp.pid", "-c", baseName + ".chk.pid", "-i", host.Name]));
    }

    [Fact]
    public void Vrrpd_asks_the_kernel_for_the_ipvlan_keepalived_asks_for()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "strace");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        string config = Config("r", 100, "192.0.2.21/24");
        string keepalivedTrace = Path.Combine(lab.Directory, "keepalived.strace");
        string vrrpdTrace = Path.Combine(lab.Directory, "vrrpd.strace");
        var keepalived = StartKeepalived(lab, r1, config, "strace", "-f", "-s", "256", "-e", "trace=sendmsg,sendto", "-o", keepalivedTrace);
        var vrrpd = StartVrrpd(lab, r2, config, "strace", "-f", "-s", "256", "-e", "trace=sendmsg,sendto", "-o", vrrpdTrace);
        try
        {
            string ours = WaitForCreate(vrrpdTrace, r2);
            string theirs = WaitForCreate(keepalivedTrace, r1);
            TestContext.Current.TestOutputHelper?.WriteLine($"keepalived: {theirs}\nvrrpd:      {ours}");
            Assert.Equal(
                "flags NLM_F_REQUEST|NLM_F_ACK|NLM_F_EXCL|NLM_F_CREATE, ifi_flags IFF_UP, ifi_change 0x1, link eth0, name vrrp.51, kind ipvlan, data \\x06\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x06\\x00\\x02\\x00\\x01\\x00\\x00\\x00",
                theirs);
            Assert.Equal(theirs, ours);

            if (!KernelHasIpvlan(r1))
            {
                // Both were refused (EOPNOTSUPP): keepalived keeps the instance in Fault, vrrpd does not start.
                Assert.True(keepalived.WaitForOutput("Unable to create ipvlan interface vrrp.51", TimeSpan.FromSeconds(5)), keepalived.Output);
                Assert.True(vrrpd.WaitForOutput("Could not start: rtnetlink: create ipvlan vrrp.51 (l2, flags 1) on eth0 failed: errno 95", TimeSpan.FromSeconds(10)), vrrpd.Output);
            }
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
            TestContext.Current.TestOutputHelper?.WriteLine(keepalived.Output);
        }
    }

    [Fact]
    public void Vrrpd_and_keepalived_leave_the_same_ipvlan_as_master_backup_and_after_stop_and_fail_over_to_each_other()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "ping");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        var client = lab.AddHost("c1", "192.0.2.50/24");
        if (!KernelHasIpvlan(r1))
        {
            Assert.Skip("The kernel has no ipvlan support (CONFIG_IPVLAN): 'ip link add ... type ipvlan' is refused; Vrrpd_asks_the_kernel_for_the_ipvlan_keepalived_asks_for still compares the requests.");
        }

        string config1 = Config("r1", 150, "192.0.2.21/24");
        string config2 = Config("r2", 100, "192.0.2.22/24");
        var timeout = TimeSpan.FromSeconds(10);
        var processes = new List<BackgroundProcess>();
        try
        {
            // A: keepalived master on r1, vrrpd backup on r2.
            var keepalived1 = StartKeepalived(lab, r1, config1);
            var vrrpd2 = StartVrrpd(lab, r2, config2);
            processes.AddRange([keepalived1, vrrpd2]);
            Assert.True(keepalived1.WaitForOutput("(VI_1) Entering MASTER STATE", timeout), keepalived1.Output);
            Assert.True(vrrpd2.WaitForOutput("(VI_1) Entering BACKUP STATE", timeout), vrrpd2.Output);
            string master1 = WaitForSettled(r1);
            string backup2 = WaitForSettled(r2);
            Assert.Matches(Expected("192.0.2.150/32 192.0.2.21/24"), master1);
            Assert.Matches(Expected("192.0.2.22/24"), backup2);
            Assert.True(Ping(client), "the VIP answers through keepalived's ipvlan");

            // B: keepalived stops; vrrpd takes over; nothing is left on r1.
            keepalived1.Signal("TERM");
            Assert.True(vrrpd2.WaitForOutput("(VI_1) Entering MASTER STATE", timeout), vrrpd2.Output);
            string master2 = WaitForSettled(r2, s => s.Contains(Vip, StringComparison.Ordinal));
            string stopped1 = Snapshot(r1);
            Assert.Matches(Expected("192.0.2.150/32 192.0.2.22/24"), master2);
            Assert.Equal("absent", stopped1);
            Assert.True(Ping(client), "the VIP answers through vrrpd's ipvlan");

            // C: roles swapped: vrrpd stops on r2 (nothing left), keepalived backup on r2, vrrpd master on r1: the same
            // interfaces as keepalived's master on r1 and vrrpd's backup on r2.
            vrrpd2.Signal("TERM");
            Assert.Equal(0, vrrpd2.ExitCode);
            Assert.Equal(stopped1, Snapshot(r2));
            var keepalived2 = StartKeepalived(lab, r2, config2);
            var vrrpd1 = StartVrrpd(lab, r1, config1);
            processes.AddRange([keepalived2, vrrpd1]);
            Assert.True(vrrpd1.WaitForOutput("(VI_1) Entering MASTER STATE", timeout), vrrpd1.Output);
            Assert.True(WaitFor(() => Snapshot(r1) == master1 && Snapshot(r2) == backup2, timeout), $"r1 {Snapshot(r1)} (keepalived's master {master1}); r2 {Snapshot(r2)} (vrrpd's backup {backup2})");
            Assert.True(Ping(client), "the VIP answers through vrrpd's ipvlan");

            // A vrrpd killed with SIGKILL leaves its ipvlan; the next one adopts it and takes over again.
            vrrpd1.Signal("KILL");
            Assert.True(keepalived2.WaitForOutput("(VI_1) Entering MASTER STATE", timeout), keepalived2.Output);
            Assert.StartsWith("vrrp.51 ipvlan", Snapshot(r1), StringComparison.Ordinal);
            vrrpd1 = StartVrrpd(lab, r1, config1);
            processes.Add(vrrpd1);
            Assert.True(vrrpd1.WaitForOutput("(VI_1) adopted ipvlan interface vrrp.51 on eth0", timeout), vrrpd1.Output);
            Assert.True(vrrpd1.WaitForOutput("(VI_1) Entering MASTER STATE", timeout), vrrpd1.Output);
            Assert.True(WaitFor(() => Snapshot(r1) == master1 && Snapshot(r2) == backup2, timeout), $"r1 {Snapshot(r1)} (keepalived's master {master1}); r2 {Snapshot(r2)} (vrrpd's backup {backup2})");

            // D: vrrpd stops on r1 (nothing left, as keepalived left nothing); keepalived takes over on r2 with vrrpd's
            // master interface; keepalived stops (nothing left, as vrrpd left nothing).
            vrrpd1.Signal("TERM");
            Assert.Equal(0, vrrpd1.ExitCode);
            Assert.Equal(stopped1, Snapshot(r1));
            Assert.True(WaitFor(() => Snapshot(r2) == master2, timeout), $"r2 {Snapshot(r2)} (vrrpd's master {master2})");
            Assert.True(Ping(client), "the VIP answers through keepalived's ipvlan");
            keepalived2.Signal("TERM");
            Assert.Equal(stopped1, Snapshot(r2));
        }
        finally
        {
            foreach (var process in processes)
            {
                TestContext.Current.TestOutputHelper?.WriteLine(process.Output);
            }
        }
    }

    /// <summary>True when the host's kernel creates an L2 ipvlan (removed again).</summary>
    private static bool KernelHasIpvlan(LabHost host)
    {
        if (!host.TryExec(out _, "ip", "link", "add", "link", "eth0", "name", "ipvprobe", "type", "ipvlan", "mode", "l2"))
        {
            return false;
        }

        host.Exec("ip", "link", "del", "ipvprobe");
        return true;
    }

    /// <summary>
    /// The ipvlan vrrp.51 of a host as ip shows it: name, kind, its info_data (mode, flags), parent, UP, disable_ipv6 and
    /// the addresses, sorted; or "absent".
    /// </summary>
    private static string Snapshot(LabHost host)
    {
        if (!host.TryExec(out string link, "ip", "-d", "-j", "link", "show", "dev", "vrrp.51"))
        {
            return "absent";
        }

        using var links = JsonDocument.Parse(link);
        var l = links.RootElement[0];
        var info = l.GetProperty("linkinfo");
        string data = info.TryGetProperty("info_data", out var d) ? d.GetRawText() : "{}";
        string parent = l.TryGetProperty("link", out var p) ? p.GetString() ?? "?" : "?";
        bool up = l.GetProperty("flags").EnumerateArray().Any(static f => f.GetString() == "UP");
        using var addresses = JsonDocument.Parse(host.Exec("ip", "-j", "addr", "show", "dev", "vrrp.51"));
        var list = addresses.RootElement[0].GetProperty("addr_info").EnumerateArray()
            .Select(static a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")
            .Order(StringComparer.Ordinal);
        string disableIpv6 = host.Exec("cat", "/proc/sys/net/ipv6/conf/vrrp.51/disable_ipv6").Trim();
        return $"{l.GetProperty("ifname").GetString()} {info.GetProperty("info_kind").GetString()} {data} on {parent}{(up ? " UP" : "")}; disable_ipv6 {disableIpv6}; {string.Join(' ', list)}";
    }

    /// <summary>An L2 private ipvlan of eth0, up, without IPv6, with these addresses (iproute2 versions name the flags differently in JSON).</summary>
    private static string Expected(string addresses) => $@"^vrrp\.51 ipvlan \{{.*""l2"".*private.*\}} on eth0 UP; disable_ipv6 1; {Regex.Escape(addresses)}$";

    /// <summary>The snapshot once two in a row agree (the VIP comes and goes with the state), waiting for a condition too.</summary>
    private static string WaitForSettled(LabHost host, Func<string, bool>? condition = null)
    {
        string last = "";
        WaitFor(() =>
        {
            string now = Snapshot(host);
            bool settled = now == last && now != "absent" && (condition?.Invoke(now) ?? true);
            last = now;
            return settled;
        }, TimeSpan.FromSeconds(5));
        return last;
    }

    private static bool Ping(LabHost client) => WaitFor(() => client.TryExec(out _, "ping", "-n", "-c", "1", "-W", "1", Vip), TimeSpan.FromSeconds(5));

    /// <summary>The RTM_NEWLINK creating an interface, from an strace file, with the parent's index as its name.</summary>
    private static string WaitForCreate(string trace, LabHost host)
    {
        string? found = null;
        WaitFor(() =>
        {
            if (File.Exists(trace))
            {
                using var stream = new FileStream(trace, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                found = reader.ReadToEnd().Split('\n').FirstOrDefault(static l => l.Contains("RTM_NEWLINK", StringComparison.Ordinal) && l.Contains("IFLA_INFO_KIND", StringComparison.Ordinal));
            }

            return found is not null;
        }, TimeSpan.FromSeconds(15));
        Assert.True(found is not null, $"no RTM_NEWLINK with IFLA_INFO_KIND in {trace}");
        string Field(string pattern) => Regex.Match(found!, pattern).Groups[1].Value;
        int parentIndex = int.Parse(Field(@"nla_type=IFLA_LINK\}, (\d+)\]"), System.Globalization.CultureInfo.InvariantCulture);
        using var links = JsonDocument.Parse(host.Exec("ip", "-j", "link", "show"));
        string parent = links.RootElement.EnumerateArray().FirstOrDefault(l => l.GetProperty("ifindex").GetInt32() == parentIndex) is { ValueKind: JsonValueKind.Object } p
            ? p.GetProperty("ifname").GetString()! : $"index {parentIndex}";

        // keepalived's strings have no terminating NUL (strace adds "..."); the nested flag is not kept by the kernel.
        return $"flags {Field(@"nlmsg_flags=([^,]+),")}, ifi_flags {Field(@"ifi_flags=([^,]+),")}, ifi_change {Field(@"ifi_change=([^}]+)\}")}, " +
            $"link {parent}, name {Field(@"IFLA_IFNAME\}, ""([^""]*)""")}, kind {Field(@"IFLA_INFO_KIND\}, ""([^""]*)""")}, data {Field(@"IFLA_INFO_DATA\}, ""([^""]*)""")}";
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

            Thread.Sleep(100);
        }

        return condition();
    }
}

[CollectionDefinition(VrrpdIpvlanLabTests.Name, DisableParallelization = true)]
public sealed class VrrpdIpvlanCollection
{
}
