using System.Runtime.Versioning;
using System.Text.Json;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's firewall keywords of global_defs (<c>nftables [TABLE]</c>, <c>nftables_priority</c>,
/// <c>nftables_ifindex</c>, <c>nftables_counters</c>) with keepalived 2.2.7 as the oracle: the same configuration
/// (masters that do not own their addresses, <c>no_accept</c>) runs under each in a namespace of its own, and the
/// tables they leave in the kernel must hook the same chains at the same priority, hold the same addresses, count (or
/// not) alike, drop a client's traffic to the virtual address alike, and go at stop. keepalived makes an ip and an ip6
/// table of the name; vrrpd one inet table (docs/migrating-from-keepalived.md says so).
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdFirewallLabTests
{
    private static string Config(string globals, bool dontTrackPrimary) => $$"""
        global_defs {
        {{globals}}
        }
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            virtual_router_id 73
            priority 150
            advert_int 1
            no_accept
            virtual_ipaddress {
                192.0.2.173/24
            }
        }
        vrrp_instance VI_6 {
            state MASTER
            interface eth0
            virtual_router_id 74
            version 3
            {{(dontTrackPrimary ? "dont_track_primary" : "")}}
            priority 150
            advert_int 1
            no_accept
            virtual_ipaddress {
                fe80::174/64
                2001:db8:73::174/64
            }
        }
        """;

    /// <summary>What a table shows of itself, whatever its family and chain names.</summary>
    private sealed record TableSeen(string Hooks, string Elements, bool Counters, string LinkLocalKey, int Rules)
    {
        public override string ToString() => $"hooks [{Hooks}], elements [{Elements}], counters {Counters}, link-local key {LinkLocalKey}, {Rules} drop rules";
    }

    [Theory]
    [InlineData("    nftables fwlab\n    nftables_priority -5\n    nftables_counters", false, "fwlab", -5, true, "iface_index")]
    [InlineData("    nftables\n    nftables_ifindex", true, "keepalived", -1, false, "iface_index")]
    [InlineData("    nftables", true, "keepalived", -1, false, "ifname")]
    [InlineData("    vrrp_iptables VRRP_IN VRRP_OUT", false, "keepalived", -1, false, "iface_index")]
    public void The_table_matches_keepalived_s_and_drops_traffic_to_the_virtual_address(string globals, bool dontTrackPrimary, string table, int priority, bool counters, string linkLocalKey)
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "nft", "ping");
        var seen = new Dictionary<bool, TableSeen>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:73::11/64");
            var client = lab.AddHost("c", "192.0.2.50/24", "2001:db8:73::50/64");
            string config = Config(globals, dontTrackPrimary);
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, config)
                : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                Assert.True(daemon.WaitForOutput("(VI_6) Entering MASTER STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                Thread.Sleep(300); // the addresses after the state line

                // The owner of nothing answers nothing at its virtual addresses; its own addresses still answer.
                Assert.True(client.TryExec(out _, "ping", "-c", "1", "-W", "1", "192.0.2.11"), $"{who}: own address");
                Assert.False(client.TryExec(out _, "ping", "-c", "2", "-W", "1", "192.0.2.173"), $"{who}: the IPv4 virtual address answered");
                Assert.False(client.TryExec(out _, "ping", "-c", "2", "-W", "1", "2001:db8:73::174"), $"{who}: the IPv6 virtual address answered");
                Assert.False(client.TryExec(out _, "ping", "-c", "2", "-W", "1", "fe80::174%eth0"), $"{who}: the link-local virtual address answered");

                seen[useKeepalived] = Read(host, table);
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}: {seen[useKeepalived]}");
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }

            string tables = host.Exec("nft", "list", "tables");
            Assert.DoesNotContain(" " + table, tables, StringComparison.Ordinal);
        }

        Assert.Equal($"input {priority}, output {priority}", seen[true].Hooks);
        Assert.Equal("192.0.2.173, 2001:db8:73::174, fe80::174 . eth0", seen[true].Elements);
        Assert.Equal(counters, seen[true].Counters);
        Assert.Equal("ipv6_addr . " + linkLocalKey, seen[true].LinkLocalKey);
        Assert.Equal(seen[true].LinkLocalKey, seen[false].LinkLocalKey);
        Assert.Equal(seen[true].Hooks, seen[false].Hooks);
        Assert.Equal(seen[true].Elements, seen[false].Elements);
        Assert.Equal(seen[true].Counters, seen[false].Counters);
    }

    /// <summary>The tables of that name (any family): their base chains' hooks and priorities, the virtual addresses in their sets, and whether drop rules count.</summary>
    private static TableSeen Read(LabHost host, string table)
    {
        using var json = JsonDocument.Parse(host.Exec("nft", "-j", "list", "ruleset"));
        var hooks = new SortedSet<string>(StringComparer.Ordinal);
        var elements = new SortedSet<string>(StringComparer.Ordinal);
        bool counters = false;
        string linkLocalKey = "";
        int rules = 0;
        foreach (var item in json.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain) && chain.GetProperty("table").GetString() == table && chain.TryGetProperty("hook", out var hook))
            {
                hooks.Add($"{hook.GetString()} {chain.GetProperty("prio").GetInt32()}");
            }
            else if (item.TryGetProperty("set", out var set) && set.GetProperty("table").GetString() == table &&
                set.GetProperty("name").GetString()!.StartsWith("vips", StringComparison.Ordinal) && set.TryGetProperty("elem", out var elem))
            {
                foreach (var e in elem.EnumerateArray())
                {
                    if (e.ValueKind != JsonValueKind.String)
                    {
                        linkLocalKey = string.Join(" . ", set.GetProperty("type").EnumerateArray().Select(static t => t.GetString()));
                    }

                    elements.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : string.Join(" . ", e.GetProperty("concat").EnumerateArray().Select(static p => p.ToString())));
                }
            }
            else if (item.TryGetProperty("rule", out var rule) && rule.GetProperty("table").GetString() == table)
            {
                var expressions = rule.GetProperty("expr").EnumerateArray().ToList();
                if (expressions.Any(static x => x.TryGetProperty("drop", out _)))
                {
                    rules++;
                    counters |= expressions.Any(static x => x.TryGetProperty("counter", out _));
                }
            }
        }

        return new TableSeen(string.Join(", ", hooks), string.Join(", ", elements), counters, linkLocalKey, rules);
    }
}
