using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 12: the options of virtual addresses, routes and rules, installed by vrrpd and by keepalived 2.2.7 from the
/// same keepalived.conf, each alone on a LAN of its own (so each is master), compared through <c>ip -d -j</c> (the
/// oracle): the addresses with their flags, peers, scopes and lifetimes, every route of every table and every rule
/// must be the same. A higher-priority keepalived peer then makes each a backup, and each must give back exactly what
/// it added; after its stop the host is as it was before.
/// </summary>
[Collection(VrrpdVirtualMacTests.Name)]
public sealed class KeepalivedParityLabTests
{
    private const string Instance = """
        global_defs {
            router_id {{ROUTER}}
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 71
            priority {{PRIORITY}}
            advert_int 0.1
        {{BODY}}
        }
        """;

    // A secondary IPv4 address must have its primary's scope (Linux 6.x: "ipv4: Invalid scope value"), so the scoped
    // ones are primaries of their own.
    [Fact]
    public void Virtual_address_options_are_installed_and_removed_as_keepalived_does() => Compare("""
            virtual_ipaddress {
                192.0.2.100/24
                192.0.2.101 peer 192.0.2.201
                192.0.2.102/24 noprefixroute home
                192.0.2.103 scope 77 label eth0:n77
                10.55.0.104/24 brd + scope link
            }
            virtual_ipaddress_excluded {
                fd00:50::100
                fd00:50::101/64 preferred_lft 0
                fd00:50::102/64 preferred_lft 300 mngtmpaddr
                fd00:50::103/64 -nodad noprefixroute
                fd00:50::104 peer fd00:50::1
                fd00:50::105 preferred_lft forever home
                239.255.0.7 autojoin
            }
        """,
        // keepalived 2.2.7 deletes an IPv4 address by its own address in IFA_ADDRESS, which the kernel compares with the
        // peer: the point-to-point address stays behind. vrrpd names the peer and removes it.
        keepalivedKeeps: "192.0.2.101");

    [Fact]
    public void Virtual_route_options_are_installed_and_removed_as_keepalived_does() => Compare("""
            virtual_ipaddress {
                192.0.2.100/24
            }
            virtual_routes {
                10.60.0.0/24 via 192.0.2.1 dev eth0 mtu lock 1400 advmss 1360 rtt 10ms rttvar 5ms rto_min 300 hoplimit 9 initcwnd 10 initrwnd 20 window 65535 cwnd lock 30 ssthresh 40 reordering 3 features ecn quickack 1 fastopen_no_cookie 1 congctl cubic
                10.61.0.0/24 dev eth0 tos 0x10 table 100
                fd01::/64 from fd00:50::/64 via fd00:50::1 dev eth0
                local 10.62.0.1 dev eth0 scope host table 100
                broadcast 10.63.0.255 dev eth0 scope link table 100
                anycast 10.64.0.0 dev eth0 scope link table 100
                multicast 239.1.0.0/16 dev eth0 table 100
                throw 10.65.0.0/16 table 100 no_track
                nat 10.66.0.0/24 scope nowhere table 100 no_track
                10.67.0.0/24 dev eth0 protocol 99 no_track table 101
                10.68.0.0/24 dev eth0 realms 3/7
                10.69.0.0/24 via 192.0.2.1 dev eth0 realms 5
                fd02::/64 via fd00:50::1 dev eth0 pref high
                fd03::/64 dev eth0 expires 600 pref low
                10.72.0.0/24 no_track nexthop via 192.0.2.1 dev eth0 weight 2 realms 4 nexthop via 192.0.2.2 dev eth0 onlink
                fd04::/64 no_track nexthop via fd00:50::1 dev eth0 nexthop via fd00:50::2 dev eth0 weight 3
                10.74.0.0/24 encap ip id 5 dst 198.51.100.1 ttl 9 tos 0x10 dev eth0
                fd05::/64 encap ip6 id 6 dst fd00::9 hoplimit 7 tc 32 dev eth0
            }
        """,
        mustHold: ["\"flow\":{\"from\":\"3\",\"to\":\"7\"}", "\"flow\":{\"to\":\"5\"}", "\"flags\":[],\"pref\":\"high\"",
            "\"expires\":\"finite\",\"pref\":\"low\"", "\"nexthops\":[{\"gateway\":\"192.0.2.1\",\"flow\":{\"to\":\"4\"},\"dev\":\"eth0\",\"weight\":2",
            "{\"gateway\":\"192.0.2.2\",\"dev\":\"eth0\",\"weight\":1,\"flags\":[\"onlink\"]}", "\"gateway\":\"fd00:50::2\",\"dev\":\"eth0\",\"weight\":3",
            "\"encap\":\"ip\",\"id\":5,\"src\":\"0.0.0.0\",\"dst\":\"198.51.100.1\",\"ttl\":9,\"tos\":16", "\"encap\":\"ip6\",\"id\":6,\"src\":\"::\",\"dst\":\"fd00::9\",\"hoplimit\":7,\"tc\":32"]);

    [Fact]
    public void Virtual_rule_options_are_installed_and_removed_as_keepalived_does() => Compare("""
            virtual_ipaddress {
                192.0.2.100/24
            }
            virtual_rules {
                from 10.70.0.0/24 priority 100 goto 300
                priority 200 nop
                priority 300 ipproto tcp sport 1000-2000 dport 80-80 table 100
                priority 400 uidrange 1000-2000 suppress_prefixlength 0 table 101
                priority 500 iif eth0 protocol 99 no_track table 102
                priority 600 to 10.71.0.0/16 no_track unreachable
                from fd00:60::/64 priority 700 ipproto udp dport 53-53 table 103
                priority 800 l3mdev
            }
        """);

    /// <summary>
    /// static_ipaddress, static_routes, static_rules and a track_group, as keepalived 2.2.7 handles them: installed at
    /// start whatever the instance's state (also as a backup), an address already there taken as added (and so removed
    /// at stop, as keepalived does),
    /// a route through an interface that went down and up put back, the group's instance in Fault while the tracked
    /// interface is down, and nothing of ours left after stop.
    /// </summary>
    [Fact]
    public async Task Static_addresses_routes_rules_and_track_groups_are_handled_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        const string Statics = """
            track_group TG {
                group {
                    VI_1
                }
            }
            static_ipaddress {
                192.0.2.150/24 dev eth0
                192.0.2.152/24 dev eth0
                fd00:50::150/64 dev eth0 preferred_lft 0
                10.99.0.50/24 dev eth1 track_group TG
            }
            static_routes {
                10.80.0.0/24 via 192.0.2.1 dev eth0
                10.81.0.0/24 dev eth0 table 100 mtu 1400
                10.83.0.0/24 via 10.99.0.254 dev eth1
            }
            static_rules {
                from 10.82.0.0/24 priority 900 table 100
            }
            """;
        using var kLab = new NetworkLab();
        using var vLab = new NetworkLab();
        var k = Host(kLab);
        var v = Host(vLab);
        foreach (var (lab, host) in new[] { (kLab, k), (vLab, v) })
        {
            lab.AddInterface(host, "br1", "eth1", "10.99.0.11/24");
            host.Exec("ip", "addr", "add", "192.0.2.152/24", "dev", "eth0"); // already there: keepalived takes it as added
        }

        string before = State(k);
        Assert.Equal(before, State(v));
        string config = Statics + Config("subject", 150, "virtual_ipaddress {\n192.0.2.100/24\n}");
        string file = vLab.WriteFile("vrrpd.conf", config);
        var (code, check) = await SampleProcess.RunAsync("ip", ["netns", "exec", v.Namespace, "keepalived", "-t", "-f", file], TimeSpan.FromSeconds(20)); // eth1 is in there
        Assert.True(code == 0, "keepalived -t: " + check);

        var keepalived = kLab.StartKeepalived(k, config);
        var vrrpd = vLab.Track(new BackgroundProcess("ip", ["netns", "exec", v.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", file, "-p", Path.Combine(vLab.Directory, "vrrpd.pid")]));
        var output = TestContext.Current.TestOutputHelper;
        try
        {
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), keepalived.Output);
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            AssertSameSoon(k, v, "as master");
            string master = State(v);
            Assert.Contains("10.99.0.50", master, StringComparison.Ordinal);
            Assert.Contains("\"dst\":\"10.83.0.0/24\"", master, StringComparison.Ordinal);

            // The tracked interface goes down: the group's instance goes to Fault in both; back up, both return to
            // Master and the route through it is put back.
            foreach (var host in new[] { k, v })
            {
                host.Exec("ip", "link", "set", "eth1", "down");
            }

            Assert.True(keepalived.WaitForOutput("(VI_1) Entering FAULT STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering FAULT STATE", TimeSpan.FromSeconds(5)), vrrpd.Output);
            foreach (var host in new[] { k, v })
            {
                host.Exec("ip", "link", "set", "eth1", "up");
            }

            Assert.True(WaitFor(() => Count(keepalived.Output, "(VI_1) Entering MASTER STATE") >= 2, TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.True(WaitFor(() => Count(vrrpd.Output, "(VI_1) Entering MASTER STATE") >= 2, TimeSpan.FromSeconds(5)), vrrpd.Output);
            AssertSameSoon(k, v, "after the tracked interface came back");
            Assert.Contains("\"dst\":\"10.83.0.0/24\"", State(v), StringComparison.Ordinal);

            // A backup keeps its static entries (they do not follow the state).
            kLab.StartKeepalived(kLab.AddHost("peer", "192.0.2.12/24", "fd00:50::12/64"), Config("peer", 200, "virtual_ipaddress {\n192.0.2.100/24\n}"));
            vLab.StartKeepalived(vLab.AddHost("peer", "192.0.2.12/24", "fd00:50::12/64"), Config("peer", 200, "virtual_ipaddress {\n192.0.2.100/24\n}"));
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), vrrpd.Output);
            AssertSameSoon(k, v, "as backup");
            Assert.Contains("10.99.0.50", State(v), StringComparison.Ordinal);

            // Stop: what each added is gone, the address that was there before too (keepalived's EEXIST-as-success).
            vrrpd.Signal("TERM");
            keepalived.Signal("TERM");
            Assert.Equal(0, vrrpd.ExitCode);
            AssertSame(State(k), State(v), "after stop");
            Assert.True(State(v) == Without(before, "192.0.2.152"), "vrrpd left:\n" + Diff(Without(before, "192.0.2.152"), State(v)));
        }
        finally
        {
            output?.WriteLine(vrrpd.Output);
            output?.WriteLine(keepalived.Output);
        }
    }

    private static void AssertSameSoon(LabHost k, LabHost v, string when)
    {
        string expected = "", actual = "";
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3); DateTime.UtcNow < deadline; Thread.Sleep(100))
        {
            (expected, actual) = (State(k), State(v));
            if (expected == actual)
            {
                break;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"keepalived {when}:\n{expected}");
        AssertSame(expected, actual, when);
    }

    private static int Count(string text, string line) => text.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal));

    /// <summary>
    /// Runs keepalived and vrrpd on <paramref name="body"/>, each alone
    /// on its LAN, compares what they installed, then makes each a backup (a keepalived peer of priority 200) and stops it.
    /// </summary>
    /// <param name="body">The instance's address, route and rule blocks.</param>
    /// <param name="keepalivedKeeps">A deviation of keepalived's not copied: lines with this text stay in keepalived's namespace after it gives the addresses up.</param>
    /// <param name="mustHold">Texts the master's state must contain (so that the options were applied, not refused by both).</param>
    private static void Compare(string body, string? keepalivedKeeps = null, string[]? mustHold = null)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var kLab = new NetworkLab();
        using var vLab = new NetworkLab();
        var k = Host(kLab);
        var v = Host(vLab);
        string before = State(k);
        Assert.Equal(before, State(v)); // the same hosts: the comparison below is of what each daemon added

        string config = Config("subject", 150, body);
        string file = vLab.WriteFile("vrrpd.conf", config);
        var (code, check) = SampleProcess.RunAsync("keepalived", ["-t", "-f", file], TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
        Assert.True(code == 0, "keepalived -t: " + check); // keepalived takes the configuration as it is

        var keepalived = kLab.StartKeepalived(k, config);
        var vrrpd = vLab.Track(new BackgroundProcess("ip", ["netns", "exec", v.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", file, "-p", Path.Combine(vLab.Directory, "vrrpd.pid")]));
        var output = TestContext.Current.TestOutputHelper;
        try
        {
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), keepalived.Output);
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);

            // Both masters: the same addresses, routes and rules (each daemon may still be adding: bounded wait).
            string expected = "", actual = "";
            for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3); DateTime.UtcNow < deadline; Thread.Sleep(100))
            {
                (expected, actual) = (State(k), State(v));
                if (expected == actual && expected != before)
                {
                    break;
                }
            }

            output?.WriteLine("keepalived master:\n" + expected);
            AssertSame(expected, actual, "as master");
            Assert.NotEqual(before, actual);
            foreach (string text in mustHold ?? [])
            {
                Assert.Contains(text, actual, StringComparison.Ordinal);
            }

            // A higher-priority peer on each LAN: both become backups and give back exactly what they added.
            // (The same addresses: keepalived 2.2.7 ignores an advert whose address list differs from its own.)
            var kPeer = kLab.StartKeepalived(kLab.AddHost("peer", "192.0.2.12/24", "fd00:50::12/64"), Config("peer", 200, body));
            var vPeer = vLab.StartKeepalived(vLab.AddHost("peer", "192.0.2.12/24", "fd00:50::12/64"), Config("peer", 200, body));
            // Both started as backups ("Entering BACKUP STATE" at start): the second one is the peer's doing.
            Assert.True(WaitFor(() => Count(keepalived.Output, "(VI_1) Entering BACKUP STATE") >= 2, TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.True(WaitFor(() => Count(vrrpd.Output, "(VI_1) Entering BACKUP STATE") >= 2, TimeSpan.FromSeconds(5)), vrrpd.Output);
            Assert.True(WaitFor(() => State(v) == before, TimeSpan.FromSeconds(3)), "vrrpd as backup still holds:\n" + Diff(before, State(v)));
            Assert.True(WaitFor(() => Without(State(k), keepalivedKeeps) == before, TimeSpan.FromSeconds(3)), "keepalived as backup still holds:\n" + Diff(before, State(k)));

            vrrpd.Signal("TERM");
            keepalived.Signal("TERM");
            Assert.Equal(0, vrrpd.ExitCode);
            Assert.Equal(before, State(v));
            kPeer.Signal("TERM");
            vPeer.Signal("TERM");
        }
        finally
        {
            output?.WriteLine(vrrpd.Output);
            output?.WriteLine(keepalived.Output);
        }
    }

    private static LabHost Host(NetworkLab lab) => lab.AddHost("r1", "192.0.2.11/24", "fd00:50::11/64");

    private static string Config(string router, int priority, string body) =>
        Instance.Replace("{{ROUTER}}", router, StringComparison.Ordinal).Replace("{{PRIORITY}}", priority.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{BODY}}", body, StringComparison.Ordinal);

    /// <summary>What a host holds, normalised (no indexes, MACs or ticking lifetimes), one sorted line per address, route and rule.</summary>
    internal static string State(LabHost host)
    {
        var lines = new List<string>();
        foreach (var link in Json(host, "-d", "-j", "addr", "show"))
        {
            string name = link!["ifname"]!.GetValue<string>();
            foreach (var info in link["addr_info"]!.AsArray())
            {
                var a = info!.AsObject();
                a.Remove("valid_life_time");
                if (a["preferred_life_time"] is { } preferred)
                {
                    long seconds = preferred.GetValue<long>();
                    a["preferred_life_time"] = seconds == uint.MaxValue ? "forever" : seconds == 0 ? "0" : "finite";
                }

                lines.Add($"addr {name} {a.ToJsonString()}");
            }
        }

        foreach (string family in new[] { "-4", "-6" })
        {
            lines.AddRange(Json(host, family, "-d", "-j", "route", "show", "table", "all").Select(r => $"route{family} {r!.ToJsonString()}"));
            lines.AddRange(Json(host, family, "-d", "-j", "rule", "show").Select(r => $"rule{family} {r!.ToJsonString()}"));
        }

        // An expiring route's remaining lifetime ticks: only that it expires is compared.
        lines = [.. lines.Select(static l => Regex.Replace(l, "\"expires\":[0-9]+", "\"expires\":\"finite\""))];

        // The kernel's own link-local addresses come from random MACs: the same on both sides but for their value.
        lines = [.. lines.Select(static l => Regex.Replace(l, "fe80::[0-9a-f]+:[0-9a-f:]+", "fe80::LL"))];
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private static JsonArray Json(LabHost host, params string[] arguments)
    {
        string text = host.Exec(["ip", .. arguments]);
        return JsonNode.Parse(text.Length == 0 ? "[]" : text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true })!.AsArray();
    }

    private static void AssertSame(string keepalived, string vrrpd, string when) =>
        Assert.True(keepalived == vrrpd, $"{when}, keepalived (-) and vrrpd (+) differ:\n{Diff(keepalived, vrrpd)}");

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n').ToHashSet(StringComparer.Ordinal);
        var a = actual.Split('\n').ToHashSet(StringComparer.Ordinal);
        return string.Join('\n', e.Except(a).Select(l => "- " + l).Concat(a.Except(e).Select(l => "+ " + l)));
    }

    private static string Without(string state, string? text) =>
        text is null ? state : string.Join('\n', state.Split('\n').Where(l => !l.Contains(text, StringComparison.Ordinal)));


    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; Thread.Sleep(100))
        {
            if (condition())
            {
                return true;
            }
        }

        return condition();
    }
}
