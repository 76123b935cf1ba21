using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Nftables;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// The accept-mode filter against the real kernel, in namespaces (root; skipped otherwise): a host holds a virtual
/// address and a client pings it and opens TCP to it, blocked while the address is in the set and allowed when it is
/// taken out; VRRP still flows; the table goes away on removal and a leftover one is replaced. <c>nft</c> is the oracle.
/// </summary>
public sealed partial class AcceptModeFilterLabTests
{
    private const int Port = 8080;

    private static (NetworkLab Lab, LabHost Router, LabHost Client) RouterAndClient()
    {
        LabProcess.RequireRootAnd("ip", "nft", "ping");
        var lab = new NetworkLab();
        try
        {
            var router = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
            var client = lab.AddHost("c", "192.0.2.20/24", "2001:db8:50::20/64");
            return (lab, router, client);
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    [Theory]
    [InlineData("192.0.2.100", "192.0.2.11", "192.0.2.20", "32")]
    [InlineData("2001:db8:50::100", "2001:db8:50::11", "2001:db8:50::20", "128")]
    public async Task Ping_and_tcp_to_a_filtered_virtual_address_are_dropped_and_flow_again_when_it_is_removed(string vip, string own, string client, string prefix)
    {
        var (lab, r1, c) = RouterAndClient();
        using var _ = lab;
        bool v6 = vip.Contains(':', StringComparison.Ordinal);
        r1.Exec(["ip", "addr", "add", $"{vip}/{prefix}", "dev", "eth0", .. v6 ? (string[])["nodad"] : []]);
        using var listener = Listen(r1.Namespace);
        var output = TestContext.Current.TestOutputHelper;

        // Without the filter, everything reaches the virtual address: the test can tell both outcomes apart.
        Assert.True(Ping(c, vip), "ping to the virtual address before filtering");
        Assert.True(await ConnectsAsync(c.Namespace, vip), "TCP to the virtual address before filtering");
        Assert.True(PingFrom(r1, vip, client), "ping from the virtual address before filtering");

        using var filter = AcceptModeFilter.Open(r1.Namespace);
        Assert.True(filter.Add(IPAddressValue.Parse(vip)));
        c.Exec("ip", "neigh", "flush", "dev", "eth0");
        Assert.False(Ping(c, vip), "ping to a filtered virtual address");
        Assert.False(await ConnectsAsync(c.Namespace, vip), "TCP to a filtered virtual address");
        Assert.False(PingFrom(r1, vip, client), "ping from a filtered virtual address (the output chain)");

        // Only the virtual address is filtered; ARP / neighbour discovery for it still work (the client knows its MAC).
        Assert.True(Ping(c, own), "ping to the router's own address");
        Assert.True(await ConnectsAsync(c.Namespace, own), "TCP to the router's own address");
        string neighbour = c.Exec("ip", "neigh", "show", vip, "dev", "eth0");
        output?.WriteLine(neighbour);
        Assert.Contains("lladdr", neighbour);

        string listing = r1.Exec("nft", "list", "table", "inet", "vrrp");
        output?.WriteLine(listing);
        Assert.True(Counter(listing, v6 ? "ip6 daddr @vips6" : "ip daddr @vips4") >= 2, "the drop rule counted the ping and the SYNs");
        Assert.Contains($"elements = {{ {vip} }}", listing);

        Assert.True(filter.Remove(IPAddressValue.Parse(vip)));
        Assert.True(Ping(c, vip), "ping to the virtual address after removal");
        Assert.True(await ConnectsAsync(c.Namespace, vip), "TCP to the virtual address after removal");
        Assert.True(PingFrom(r1, vip, client), "ping from the virtual address after removal");

        Assert.True(filter.RemoveTable());
        Assert.DoesNotContain("vrrp", r1.Exec("nft", "list", "tables"));
    }

    [Fact]
    public async Task Vrrp_adverts_still_reach_a_router_whose_virtual_addresses_are_filtered()
    {
        var (lab, r1, _) = RouterAndClient();
        using var __ = lab;
        var r2 = lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
        r1.Exec("ip", "addr", "add", "192.0.2.100/32", "dev", "eth0");
        r1.Exec("ip", "addr", "add", "2001:db8:50::100/128", "dev", "eth0", "nodad");
        using var filter = AcceptModeFilter.Open(r1.Namespace);
        filter.Add(IPAddressValue.Parse("192.0.2.100"));
        filter.Add(IPAddressValue.Parse("2001:db8:50::100"));

        using var p1 = LinuxVrrpPlatform.Create(r1.Namespace);
        using var p2 = LinuxVrrpPlatform.Create(r2.Namespace);
        var ct = TestContext.Current.CancellationToken;
        var r1Address = IPAddressValue.Parse("192.0.2.11");
        var r2Address = IPAddressValue.Parse("192.0.2.12");
        var group4 = IPAddressValue.Parse("224.0.0.18");
        var cases = new (VrrpAddressFamily Family, IPAddressValue[] Peers, byte[] Advert)[]
        {
            (VrrpAddressFamily.IPv4, [], TestAdverts.V3(51, 100, 100, r2Address, group4, "192.0.2.100")),
            (VrrpAddressFamily.IPv4, [r1Address], TestAdverts.V3(51, 100, 100, r2Address, r1Address, "192.0.2.100")),
            (VrrpAddressFamily.IPv6, [], TestAdverts.V3(51, 100, 100, default, default, "fe80::51", "2001:db8:50::100")),
        };
        foreach (var (family, peers, advert) in cases)
        {
            // r1 receives on its raw socket: past the input hook, where the filter's chain sits.
            var options = new VrrpChannelOptions { InterfaceName = "eth0", Family = family };
            await using var receiver = await p1.Transport.OpenAsync(options, ct);
            await using var sender = await p2.Transport.OpenAsync(options with { JoinMulticastGroup = peers.Length == 0 }, ct);
            var buffer = new byte[1500];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(3000);
            var receive = receiver.ReceiveAsync(buffer, timeout.Token);
            var destination = peers.Length > 0 ? peers[0] : family == VrrpAddressFamily.IPv4 ? group4 : IPAddressValue.Parse("ff02::12");
            await sender.SendAsync(advert, destination, ct);
            var datagram = await receive;
            Assert.Equal(peers.Length == 0 ? (family == VrrpAddressFamily.IPv4 ? group4 : IPAddressValue.Parse("ff02::12")) : r1Address, datagram.Destination);
        }

        // And the filtered router's own adverts leave (they come from its own address, never from a virtual one).
        await using (var receiver = await p2.Transport.OpenAsync(new VrrpChannelOptions { InterfaceName = "eth0", Family = VrrpAddressFamily.IPv4 }, ct))
        await using (var sender = await p1.Transport.OpenAsync(new VrrpChannelOptions { InterfaceName = "eth0", Family = VrrpAddressFamily.IPv4 }, ct))
        {
            var buffer = new byte[1500];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(3000);
            var receive = receiver.ReceiveAsync(buffer, timeout.Token);
            await sender.SendAsync(TestAdverts.V3(51, 200, 100, r1Address, group4, "192.0.2.100"), group4, ct);
            Assert.Equal(r1Address, (await receive).Source);
        }
    }

    [Fact]
    public void A_leftover_table_of_a_crashed_run_is_replaced_and_lists_as_nft_writes_the_rules()
    {
        var (lab, r1, _) = RouterAndClient();
        using var __ = lab;

        // A run that dies: its socket closes (as the kernel sees a killed process) and the table stays, with an
        // address in it; someone adds a chain and a rule to it as well.
        var crashed = NfTablesClient.Open(r1.Namespace);
        new AcceptModeFilter(crashed).Add(IPAddressValue.Parse("192.0.2.99"));
        crashed.Dispose();
        r1.Exec("nft", "add", "chain", "inet", "vrrp", "junk");
        r1.Exec("nft", "add", "rule", "inet", "vrrp", "input", "ip", "saddr", "192.0.2.20", "drop");
        Assert.Contains("192.0.2.99", r1.Exec("nft", "list", "table", "inet", "vrrp"));

        // The next start.
        using (var filter = AcceptModeFilter.Open(r1.Namespace))
        {
            Assert.True(filter.EnsureInstalled());
            Assert.False(filter.EnsureInstalled());
            filter.Add(IPAddressValue.Parse("192.0.2.100"));
            filter.Add(IPAddressValue.Parse("2001:db8:50::100"));
            filter.Add(IPAddressValue.Parse("fe80::100"), "eth0");
            string listing = r1.Exec("nft", "list", "table", "inet", "vrrp");
            TestContext.Current.TestOutputHelper?.WriteLine(listing);
            Assert.Equal(ExpectedListing("192.0.2.100", "2001:db8:50::100", "fe80::100 . \"eth0\""), Normalise(listing));

            // nft's own translation of the same text, in another namespace, gives the same expressions (--debug=netlink).
            string oracle = lab.AddNamespace("oracle");
            string file = Path.Combine(lab.Directory, "expected.nft");
            File.WriteAllText(file, ExpectedListing("192.0.2.100", "2001:db8:50::100", "fe80::100 . \"eth0\""));
            LabProcess.Run("ip", ["netns", "exec", oracle, "nft", "-f", file]);
            Assert.Equal(
                Expressions(LabProcess.Run("ip", ["netns", "exec", oracle, "nft", "--debug=netlink", "list", "table", "inet", "vrrp"])),
                Expressions(r1.Exec("nft", "--debug=netlink", "list", "table", "inet", "vrrp")));
        }

        // Dispose (the stop) removed it.
        Assert.DoesNotContain("vrrp", r1.Exec("nft", "list", "tables"));
    }

    [Fact]
    public void Two_filters_with_their_own_table_names_do_not_touch_each_other()
    {
        var (lab, r1, _) = RouterAndClient();
        using var __ = lab;
        using var first = AcceptModeFilter.Open(r1.Namespace, "vrrp_a");
        using var second = AcceptModeFilter.Open(r1.Namespace, "vrrp_b", chainPriority: -5);
        first.Add(IPAddressValue.Parse("192.0.2.100"));
        second.Add(IPAddressValue.Parse("192.0.2.101"));
        second.Install();
        Assert.Contains("192.0.2.100", r1.Exec("nft", "list", "table", "inet", "vrrp_a"));
        Assert.Contains("priority filter - 5", r1.Exec("nft", "list", "table", "inet", "vrrp_b"));
        Assert.True(first.RemoveTable());
        Assert.Equal(["table inet vrrp_b"], r1.Exec("nft", "list", "tables").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void Hundreds_of_addresses_are_added_one_by_one_and_installed_again_in_one_transaction()
    {
        var (lab, r1, _) = RouterAndClient();
        using var __ = lab;
        using var filter = AcceptModeFilter.Open(r1.Namespace);
        var v4 = Enumerable.Range(0, 300).Select(i => IPAddressValue.Parse($"10.0.{i / 256}.{i % 256}")).ToList();
        var v6 = Enumerable.Range(1, 300).Select(i => IPAddressValue.Parse($"2001:db8:99::{i:x}")).ToList();
        var started = System.Diagnostics.Stopwatch.StartNew();
        foreach (var address in v4.Concat(v6))
        {
            filter.Add(address);
        }

        var added = started.Elapsed;
        started.Restart();
        filter.Install();
        TestContext.Current.TestOutputHelper?.WriteLine($"600 adds: {added.TotalMilliseconds:F0} ms; reinstall with 600 elements: {started.Elapsed.TotalMilliseconds:F0} ms");

        // nft's JSON listing as the oracle: { "nftables": [ { "metainfo": ... }, { "set": { ..., "elem": [...] } } ] }.
        foreach (var (set, expected) in new[] { ("vips4", v4), ("vips6", v6) })
        {
            using var json = System.Text.Json.JsonDocument.Parse(r1.Exec("nft", "-j", "list", "set", "inet", "vrrp", set));
            var elements = json.RootElement.GetProperty("nftables")[1].GetProperty("set").GetProperty("elem")
                .EnumerateArray().Select(e => IPAddressValue.Parse(e.GetString()!)).Order().ToList();
            Assert.Equal(expected.Order(), elements);
        }
    }

    [Fact]
    public void The_real_kernel_refuses_a_transaction_whole_and_the_error_names_the_message_that_failed()
    {
        var (lab, r1, _) = RouterAndClient();
        using var __ = lab;
        using (var filter = AcceptModeFilter.Open(r1.Namespace))
        {
            filter.Install();
        }

        r1.Exec("nft", "add", "table", "inet", "vrrp"); // Dispose removed it; a table of the same name, empty
        using var client = NfTablesClient.Open(r1.Namespace);
        client.Commit(AcceptModeFilter.BuildInstall("vrrp", -1, []));
        var batch = new NfTablesBatch();
        AcceptModeFilter.AddElement(batch, Nft.NFT_MSG_NEWSETELEM, "vrrp", FilteredAddress.Create(IPAddressValue.Parse("192.0.2.1"), null));
        AcceptModeFilter.AddElement(batch, Nft.NFT_MSG_DELSETELEM, "vrrp", FilteredAddress.Create(IPAddressValue.Parse("192.0.2.2"), null));
        AcceptModeFilter.AddElement(batch, Nft.NFT_MSG_NEWSETELEM, "vrrp", FilteredAddress.Create(IPAddressValue.Parse("192.0.2.3"), null));
        var ex = Assert.Throws<NetlinkException>(() => client.Commit(batch));
        TestContext.Current.TestOutputHelper?.WriteLine(ex.Message);
        Assert.Equal(2, ex.Errno); // ENOENT: no such element
        Assert.Equal($"delete element inet vrrp vips4 {{ 192.0.2.2 }} in network namespace '{r1.Namespace}'", ex.Operation);
        Assert.DoesNotContain("192.0.2.", r1.Exec("nft", "list", "set", "inet", "vrrp", "vips4")); // nothing applied

        // The same client goes on: the next transaction's acknowledgements are matched despite the failed one.
        Assert.True(client.TableExists(Nft.NFPROTO_INET, "vrrp"));
        Assert.False(client.TableExists(Nft.NFPROTO_IPV4, "vrrp"));
        batch = new NfTablesBatch();
        AcceptModeFilter.AddElement(batch, Nft.NFT_MSG_NEWSETELEM, "vrrp", FilteredAddress.Create(IPAddressValue.Parse("192.0.2.3"), null));
        Assert.Equal(0, client.Commit(batch));
        Assert.Contains("192.0.2.3", r1.Exec("nft", "list", "set", "inet", "vrrp", "vips4"));
    }

    [Fact]
    public void Keepalived_s_settings_name_the_table_set_its_priority_match_link_local_by_index_and_drop_counters()
    {
        // nftables keepalived, nftables_priority -5, no nftables_counters; a link-local address matched by interface
        // index (ip6 daddr . iif), as keepalived's table matches it: nft's own translation of the listing is the oracle.
        var (lab, r1, _) = RouterAndClient();
        using var __ = lab;
        int index = int.Parse(r1.Exec("cat", "/sys/class/net/eth0/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        string expected;
        List<string> ours;
        using (var filter = AcceptModeFilter.Open(r1.Namespace, "keepalived", -5, counters: false, linkLocalIndex: true))
        {
            filter.Add(IPAddressValue.Parse("192.0.2.100"));
            filter.Add(IPAddressValue.Parse("2001:db8:50::100"));
            filter.Add(IPAddressValue.Parse("fe80::100"), "eth0", index);
            filter.Add(IPAddressValue.Parse("fe80::101"), "eth0");
            using (var byName = AcceptModeFilter.Open(r1.Namespace, "other"))
            {
                Assert.Throws<ArgumentException>(() => byName.Add(IPAddressValue.Parse("fe80::102"), "eth0", index)); // a filter without the index set
            }

            string listing = r1.Exec("nft", "list", "table", "inet", "keepalived");
            TestContext.Current.TestOutputHelper?.WriteLine(listing);
            Assert.DoesNotContain("counter", listing, StringComparison.Ordinal);
            Assert.Contains("type filter hook input priority filter - 5; policy accept;", listing, StringComparison.Ordinal);

            string Chain(string name) =>
                $"\tchain {name} {{\n\t\ttype filter hook {name} priority filter - 5; policy accept;\n"
                + string.Concat(AcceptModeFilter.RulesFor(counters: false, linkLocalIndex: true).Where(r => r.Chain == name).Select(r => $"\t\t{r.Text}\n"))
                + "\t}\n";
            expected = "table inet keepalived {\n"
                + "\tset vips4 {\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.100 }\n\t}\n\n"
                + "\tset vips6 {\n\t\ttype ipv6_addr\n\t\telements = { 2001:db8:50::100 }\n\t}\n\n"
                + "\tset vips6_link_local {\n\t\ttype ipv6_addr . ifname\n\t\telements = { fe80::101 . \"eth0\" }\n\t}\n\n"
                + "\tset vips6_link_local_index {\n\t\ttype ipv6_addr . iface_index\n\t\telements = { fe80::100 . \"eth0\" }\n\t}\n\n"
                + Chain("input") + "\n" + Chain("output") + "}\n";
            Assert.Equal(expected, listing);

            ours = Expressions(r1.Exec("nft", "--debug=netlink", "list", "table", "inet", "keepalived"));
        }

        Assert.DoesNotContain("keepalived", r1.Exec("nft", "list", "tables"));

        // nft's own translation of the text, in the same namespace (where "eth0" has that index), once ours is gone.
        string file = Path.Combine(lab.Directory, "keepalived.nft");
        File.WriteAllText(file, expected);
        r1.Exec("nft", "-f", file);
        Assert.Equal(Expressions(r1.Exec("nft", "--debug=netlink", "list", "table", "inet", "keepalived")), ours);
        r1.Exec("nft", "delete", "table", "inet", "keepalived");
    }

    /// <summary><c>nft list table inet vrrp</c> as the filter's rules say it should read, counters at zero removed.</summary>
    private static string ExpectedListing(string v4, string v6, string linkLocal)
    {
        string Chain(string name) =>
            $"\tchain {name} {{\n\t\ttype filter hook {name} priority filter - 1; policy accept;\n"
            + string.Concat(AcceptModeFilter.Rules.Where(r => r.Chain == name).Select(r => $"\t\t{r.Text}\n"))
            + "\t}\n";
        return "table inet vrrp {\n"
            + $"\tset vips4 {{\n\t\ttype ipv4_addr\n\t\telements = {{ {v4} }}\n\t}}\n\n"
            + $"\tset vips6 {{\n\t\ttype ipv6_addr\n\t\telements = {{ {v6} }}\n\t}}\n\n"
            + $"\tset vips6_link_local {{\n\t\ttype ipv6_addr . ifname\n\t\telements = {{ {linkLocal} }}\n\t}}\n\n"
            + Chain("input") + "\n" + Chain("output") + "}\n";
    }

    /// <summary>A listing with its counters' values taken out (they vary).</summary>
    private static string Normalise(string listing) => CounterValues().Replace(listing, "counter ");

    /// <summary>The expression lines of <c>nft --debug=netlink list</c>, without handles and counter values.</summary>
    private static List<string> Expressions(string debug) =>
        debug.Split('\n')
            .Where(l => l.TrimStart().StartsWith('['))
            .Select(l => CounterValues().Replace(l.Trim(), "counter "))
            .ToList();

    /// <summary>The packets counted by the rule that starts with <paramref name="rule"/>.</summary>
    private static long Counter(string listing, string rule)
    {
        var match = Regex.Match(listing, Regex.Escape(rule) + @" counter packets (\d+)");
        Assert.True(match.Success, $"no counter for '{rule}' in:\n{listing}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"counter (packets|pkts) \d+ bytes \d+ ")]
    private static partial Regex CounterValues();

    private static bool Ping(LabHost from, string address) =>
        from.TryExec(out _, "ping", "-n", "-c", "1", "-W", "1", address);

    private static bool PingFrom(LabHost from, string source, string address) =>
        from.TryExec(out _, "ping", "-n", "-c", "1", "-W", "1", "-I", source, address);

    /// <summary>A TCP listener in a namespace (dual-stack); the kernel completes handshakes into its backlog.</summary>
    private static Socket Listen(string ns) =>
        NetworkNamespace.Run(ns, () =>
        {
            var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, Port));
            socket.Listen(64);
            return socket;
        });

    /// <summary>Whether a TCP connection from a namespace completes within 1.5 s (a dropped SYN times out).</summary>
    private static async Task<bool> ConnectsAsync(string ns, string address)
    {
        var ip = IPAddress.Parse(address);
        using var socket = NetworkNamespace.Run(ns, () => new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(1500);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(ip, Port), timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            return false;
        }
    }
}
