using Vrrp.Linux.Netlink;
using Vrrp.Linux.Routing;

namespace Vrrp.Linux.Tests.Routing;

/// <summary>
/// keepalived's <c>virtual_routes</c> and <c>virtual_rules</c> entries: parsed into routes and rules, written back in
/// the same words, refused with the word named when not supported; and the rtnetlink requests they make (checked
/// against the kernel by VirtualRoutingTests, with <c>ip route</c> and <c>ip rule</c> as oracles).
/// </summary>
public sealed class VirtualRoutingParseTests
{
    [Theory]
    [InlineData("10.80.0.0/24 dev eth1", "10.80.0.0/24 dev eth1")]
    [InlineData("src 192.168.100.1 to 192.168.109.0/24 via 192.168.200.254 dev eth1", "192.168.109.0/24 src 192.168.100.1 via 192.168.200.254 dev eth1")]
    [InlineData("192.168.111.0/24 dev eth2 no_track", "192.168.111.0/24 dev eth2 no_track")]
    [InlineData("blackhole 192.168.114.0/24", "blackhole 192.168.114.0/24")]
    [InlineData("0.0.0.0/0 gw 192.168.0.1 table 100", "default via 192.168.0.1 table 100")]
    [InlineData("default via 10.0.0.1 metric 20 scope global table main", "default via 10.0.0.1 metric 20 scope global")]
    [InlineData("inet6 default via fe80::1 dev eth0", "inet6 default via fe80::1 dev eth0")]
    [InlineData("2001:db8:1::/48 via inet6 2001:db8::1 onlink", "2001:db8:1::/48 via 2001:db8::1 onlink")]
    public void Routes_read_as_keepalived_writes_them(string text, string written)
    {
        var route = VirtualRoute.Parse(text);
        Assert.Equal(written, route.ToString());
        Assert.Equal(route, VirtualRoute.Parse(route.ToString()));
    }

    [Theory]
    [InlineData("10.80.0.0/24 nexthop via 10.0.0.1", "'nexthop' is not supported")]
    [InlineData("10.80.0.1/24 dev eth1", "bits set past its prefix length (did you mean 10.80.0.0/24?)")]
    [InlineData("10.80.0.0/24 via fd00::1", "the gateway fd00::1 is IPv6")]
    [InlineData("blackhole 10.80.0.0/24 via 10.0.0.1", "has no gateway")]
    [InlineData("dev eth1", "has no destination")]
    [InlineData("10.80.0.0/24 table 0", "not a routing table")]
    public void Routes_that_cannot_be_installed_are_refused_with_the_reason(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => VirtualRoute.Parse(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from 192.168.2.0/24 table 1", "from 192.168.2.0/24 table 1")]
    [InlineData("to 192.168.2.0/24 table 1 no_track", "from all to 192.168.2.0/24 table 1 no_track")]
    [InlineData("from all fwmark 0x10/0xff lookup 200 priority 100", "from all fwmark 0x10/0xff priority 100 table 200")]
    [InlineData("not from 10.0.0.0/8 iif eth0 oif eth1 tos 16 table main", "not from 10.0.0.0/8 iif eth0 oif eth1 tos 16 table main")]
    [InlineData("inet6 from all type prohibit", "inet6 from all prohibit")]
    [InlineData("from 2001:db8::/32 blackhole", "from 2001:db8::/32 blackhole")]
    public void Rules_read_as_keepalived_writes_them(string text, string written)
    {
        var rule = VirtualRule.Parse(text);
        Assert.Equal(written, rule.ToString());
        Assert.Equal(rule, VirtualRule.Parse(rule.ToString()));
    }

    [Theory]
    [InlineData("from 10.0.0.0/8", "has no action")]
    [InlineData("from 10.0.0.0/8 table 1 blackhole", "more than one action")]
    [InlineData("from 10.0.0.0/8 goto 100", "'goto' is not supported")]
    [InlineData("from 10.0.0.0/8 to fd00::/8 table 1", "is IPv6")]
    public void Rules_that_cannot_be_installed_are_refused_with_the_reason(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => VirtualRule.Parse(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_route_request_carries_our_protocol_its_table_and_a_deletion_matches_any_scope()
    {
        var route = VirtualRoute.Parse("10.30.0.0/24 via 10.20.0.50 dev eth1 table 1000 metric 5 scope link");
        byte[] add = Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, route, 7, delete: false));
        byte[] del = Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, route, 7, delete: true));
        // rtmsg after the 16-byte header: family, dst_len, src_len, tos, table (0: above 255, see RTA_TABLE), protocol, scope, type.
        Assert.Equal(new byte[] { 2, 24, 0, 0, 0, 18, 253, 1 }, add[16..24]);
        Assert.Equal(255, del[22]); // RT_SCOPE_NOWHERE: any scope
        var attributes = Attributes(add[28..]);
        Assert.Equal(new byte[] { 10, 30, 0, 0 }, attributes[Nl.RTA_DST]);
        Assert.Equal(new byte[] { 10, 20, 0, 50 }, attributes[Nl.RTA_GATEWAY]);
        Assert.Equal(7u, BitConverter.ToUInt32(attributes[Nl.RTA_OIF]));
        Assert.Equal(5u, BitConverter.ToUInt32(attributes[Nl.RTA_PRIORITY]));
        Assert.Equal(1000u, BitConverter.ToUInt32(attributes[Nl.RTA_TABLE]));
    }

    [Fact]
    public void A_rule_request_carries_our_protocol_its_selectors_and_its_action()
    {
        var rule = VirtualRule.Parse("not from 10.10.0.0/24 iif eth0 fwmark 3/7 priority 1000 table 100");
        byte[] request = Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRule(ref w, rule));
        // fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action; flags (FIB_RULE_INVERT).
        Assert.Equal(new byte[] { 2, 0, 24, 0, 100, 0, 0, 1 }, request[16..24]);
        Assert.Equal(2u, BitConverter.ToUInt32(request, 24));
        var attributes = Attributes(request[28..]);
        Assert.Equal(new byte[] { 10, 10, 0, 0 }, attributes[Nl.FRA_SRC]);
        Assert.Equal("eth0\0"u8.ToArray(), attributes[Nl.FRA_IIFNAME]);
        Assert.Equal(3u, BitConverter.ToUInt32(attributes[Nl.FRA_FWMARK]));
        Assert.Equal(7u, BitConverter.ToUInt32(attributes[Nl.FRA_FWMASK]));
        Assert.Equal(1000u, BitConverter.ToUInt32(attributes[Nl.FRA_PRIORITY]));
        Assert.Equal(100u, BitConverter.ToUInt32(attributes[Nl.FRA_TABLE]));
        Assert.Equal(new byte[] { 18 }, attributes[Nl.FRA_PROTOCOL]);
    }

    private delegate void Writer(ref NetlinkMessageWriter writer);

    private static byte[] Build(Writer write)
    {
        var buffer = new byte[512];
        var writer = new NetlinkMessageWriter(buffer, Nl.RTM_NEWROUTE, 0, 1);
        write(ref writer);
        return writer.Finish().ToArray();
    }

    private static Dictionary<ushort, byte[]> Attributes(byte[] bytes)
    {
        var found = new Dictionary<ushort, byte[]>();
        var reader = new NetlinkAttributeReader(bytes);
        while (reader.TryRead(out ushort type, out var value))
        {
            found[type] = value.ToArray();
        }

        return found;
    }
}
