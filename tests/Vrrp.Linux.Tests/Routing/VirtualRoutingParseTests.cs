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
    [InlineData("2001:db8:2::/48 from 2001:db8::/32 dev eth0 mtu lock 1400 rtt 300ms congctl lock cubic", "2001:db8:2::/48 from 2001:db8::/32 dev eth0 congctl lock cubic rtt 2400 mtu lock 1400")]
    [InlineData("local 10.1.2.3 dev eth0 scope host table 100 tos 16", "local 10.1.2.3/32 dev eth0 table 100 scope host tos 16")]
    [InlineData("multicast 239.1.0.0/16 dev eth0 protocol static no_track", "multicast 239.1.0.0/16 dev eth0 protocol 4 no_track")]
    [InlineData("10.9.0.0/16 dev eth0 protocol static", "10.9.0.0/16 dev eth0")] // tracked: keepalived's own protocol
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
    [InlineData("from 10.0.0.0/8 priority 10 goto 20", "from 10.0.0.0/8 priority 10 goto 20")]
    [InlineData("priority 5 ipproto tcp sport 1000 dport 80-90 uidrange 0-99 suppress_prefixlength 0 table 7", "from all priority 5 ipproto 6 sport 1000-1000 dport 80-90 uidrange 0-99 suppress_prefixlength 0 table 7")]
    [InlineData("priority 6 nop no_track protocol 99", "from all priority 6 protocol 99 nop no_track")]
    [InlineData("priority 7 l3mdev", "from all priority 7 l3mdev")]
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
    [InlineData("from 10.0.0.0/8 goto 100", "goto needs a priority lower than its target")]
    [InlineData("from 10.0.0.0/8 uidrange 5 table 1", "is not a range N-M")]
    [InlineData("from 10.0.0.0/8 nop suppress_prefixlength 0", "for the table action only")]
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

    [Fact]
    public void A_route_request_carries_its_source_prefix_tos_and_metrics_as_keepalived_sends_them()
    {
        var route = VirtualRoute.Parse("2001:db8:2::/48 from 2001:db8::/32 dev eth0 tos 16 mtu lock 1400 hoplimit 9 congctl cubic");
        byte[] add = Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, route, 3, delete: false));
        Assert.Equal(new byte[] { 10, 48, 32, 16, 254, 18, 0, 1 }, add[16..24]); // family, dst_len, src_len, tos, table, protocol, scope, type
        var attributes = Attributes(add[28..]);
        Assert.Equal(Convert.FromHexString("20010db8000000000000000000000000"), attributes[Nl.RTA_SRC]);
        var metrics = Attributes(attributes[Nl.RTA_METRICS]);
        Assert.Equal("cubic"u8.ToArray(), metrics[Nl.RTAX_CC_ALGO]);
        Assert.Equal(1400u, BitConverter.ToUInt32(metrics[2]));  // RTAX_MTU
        Assert.Equal(9u, BitConverter.ToUInt32(metrics[10]));    // RTAX_HOPLIMIT
        Assert.Equal(1u << 2, BitConverter.ToUInt32(metrics[Nl.RTAX_LOCK]));
        byte[] del = Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, route, 3, delete: true));
        Assert.False(Attributes(del[28..]).ContainsKey(Nl.RTA_METRICS));
    }

    [Fact]
    public void A_route_request_carries_realms_expires_and_pref_as_keepalived_sends_them()
    {
        var v4 = VirtualRoute.Parse("10.68.0.0/24 dev eth0 realms 3/7");
        Assert.Equal("10.68.0.0/24 dev eth0 realms 3/7", v4.ToString());
        var attributes = Attributes(Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, v4, 3, delete: false))[28..]);
        Assert.Equal((3u << 16) | 7, BitConverter.ToUInt32(attributes[Nl.RTA_FLOW]));
        Assert.False(attributes.ContainsKey(Nl.RTA_EXPIRES));
        Assert.False(attributes.ContainsKey(Nl.RTA_PREF));

        var v6 = VirtualRoute.Parse("fd03::/64 dev eth0 expires 600 pref low");
        Assert.Equal("fd03::/64 dev eth0 expires 600 pref low", v6.ToString());
        attributes = Attributes(Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, v6, 3, delete: false))[28..]);
        Assert.Equal(600u, BitConverter.ToUInt32(attributes[Nl.RTA_EXPIRES]));
        Assert.Equal(new byte[] { 3 }, attributes[Nl.RTA_PREF]); // ICMPV6_ROUTER_PREF_LOW
        Assert.False(attributes.ContainsKey(Nl.RTA_FLOW));
        Assert.Throws<FormatException>(() => VirtualRoute.Parse("fd03::/64 dev eth0 realms 3"));
        Assert.Throws<FormatException>(() => VirtualRoute.Parse("10.0.0.0/8 dev eth0 pref high"));
    }

    [Fact]
    public void A_multipath_route_request_carries_one_rtnexthop_per_hop_as_keepalived_sends_them()
    {
        var route = new VirtualRoute
        {
            Destination = new VirtualAddress(IPAddressValue.Parse("10.72.0.0"), 24),
            NextHops =
            [
                new VirtualRouteNextHop { Gateway = IPAddressValue.Parse("192.0.2.1"), Device = "eth0", Weight = 2, Realms = 4 },
                new VirtualRouteNextHop { Gateway = IPAddressValue.Parse("192.0.2.2"), OnLink = true },
            ],
        };
        Assert.Equal("10.72.0.0/24 nexthop via 192.0.2.1 dev eth0 weight 2 realms 4 nexthop via 192.0.2.2 onlink", route.ToString());
        Assert.Equal(route, route with { NextHops = [.. route.NextHops] }); // equal by value, so a reload keeps it
        Assert.NotEqual(route, route with { NextHops = [route.NextHops[0]] });
        var attributes = Attributes(Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, route, 0, delete: false, [7, 0]))[28..]);
        byte[] multipath = attributes[Nl.RTA_MULTIPATH];
        // rtnexthop: len 24 (8 + RTA_GATEWAY 8 + RTA_FLOW 8), flags 0, hops 1 (weight 2), ifindex 7; then len 16, RTNH_F_ONLINK, hops 0, ifindex 0.
        Assert.Equal(Convert.FromHexString("18000001070000000800050" + "0c0000201" + "08000b0004000000" + "1000040000000000" + "08000500c0000202"), multipath);
    }

    [Fact]
    public void A_route_request_carries_its_encapsulation_as_keepalived_sends_it()
    {
        var encap = new VirtualRouteEncap { Id = 5, Destination = IPAddressValue.Parse("198.51.100.1"), Tos = 16, Ttl = 9, Flags = 1 };
        var route = new VirtualRoute { Destination = new VirtualAddress(IPAddressValue.Parse("10.74.0.0"), 24), Device = "eth0", Encap = encap };
        Assert.Equal("10.74.0.0/24 dev eth0 encap ip id 5 dst 198.51.100.1 tos 16 ttl 9 flags 1", route.ToString());
        var attributes = Attributes(Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, route, 3, delete: false))[28..]);
        Assert.Equal(new byte[] { 2, 0 }, attributes[Nl.RTA_ENCAP_TYPE]); // LWTUNNEL_ENCAP_IP
        var values = Attributes(attributes[Nl.RTA_ENCAP]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 5 }, values[Nl.LWTUNNEL_IP_ID]); // big-endian
        Assert.Equal(new byte[] { 198, 51, 100, 1 }, values[Nl.LWTUNNEL_IP_DST]);
        Assert.Equal(new byte[] { 16 }, values[Nl.LWTUNNEL_IP_TOS]);
        Assert.Equal(new byte[] { 9 }, values[Nl.LWTUNNEL_IP_TTL]);
        Assert.Equal(new byte[] { 1, 0 }, values[Nl.LWTUNNEL_IP_FLAGS]);

        // In a next hop, the encapsulation counts in rtnh_len.
        var multipath = route with { Device = null, Encap = null, NextHops = [new VirtualRouteNextHop { Gateway = IPAddressValue.Parse("192.0.2.1"), Encap = encap with { IPv6 = true, Destination = IPAddressValue.Parse("fd00::9"), Flags = null } }] };
        byte[] hops = Attributes(Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRoute(ref w, multipath, 0, delete: false, [3]))[28..])[Nl.RTA_MULTIPATH];
        Assert.Equal(hops.Length, BitConverter.ToUInt16(hops, 0));
        var inHop = Attributes(hops[8..]);
        Assert.Equal(new byte[] { 4, 0 }, inHop[Nl.RTA_ENCAP_TYPE]); // LWTUNNEL_ENCAP_IP6
        Assert.Equal(Convert.FromHexString("fd000000000000000000000000000009"), Attributes(inHop[Nl.RTA_ENCAP])[Nl.LWTUNNEL_IP_DST]);
    }

    [Fact]
    public void A_rule_request_carries_goto_ports_uids_and_its_protocol_as_keepalived_sends_them()
    {
        var rule = VirtualRule.Parse("priority 5 ipproto udp sport 1000-2000 dport 53 uidrange 10-20 goto 9");
        byte[] request = Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRule(ref w, rule));
        Assert.Equal(2, request[23]); // FR_ACT_GOTO
        var attributes = Attributes(request[28..]);
        Assert.Equal(9u, BitConverter.ToUInt32(attributes[Nl.FRA_GOTO]));
        Assert.Equal(new byte[] { 17 }, attributes[Nl.FRA_IP_PROTO]);
        Assert.Equal(new byte[] { 0xe8, 0x03, 0xd0, 0x07 }, attributes[Nl.FRA_SPORT_RANGE]);
        Assert.Equal(new byte[] { 53, 0, 53, 0 }, attributes[Nl.FRA_DPORT_RANGE]);
        Assert.Equal(new byte[] { 10, 0, 0, 0, 20, 0, 0, 0 }, attributes[Nl.FRA_UID_RANGE]);
        Assert.Equal(new byte[] { 18 }, attributes[Nl.FRA_PROTOCOL]);
        Assert.False(attributes.ContainsKey(Nl.FRA_TABLE));

        // no_track without a protocol: none is sent (keepalived's), so the kernel's default stays.
        var free = VirtualRule.Parse("priority 6 suppress_prefixlength 0 table 100 no_track");
        attributes = Attributes(Build((ref NetlinkMessageWriter w) => RouteNetlink.WriteRule(ref w, free))[28..]);
        Assert.False(attributes.ContainsKey(Nl.FRA_PROTOCOL));
        Assert.Equal(0u, BitConverter.ToUInt32(attributes[Nl.FRA_SUPPRESS_PREFIXLEN]));
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
