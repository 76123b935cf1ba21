namespace Vrrp.Hosting.Tests;

/// <summary>Virtual addresses, routes and rules in keepalived's syntax: what is read, what is refused, and the text written back.</summary>
public class RoutingSpecTests
{
    [Theory]
    [InlineData("192.0.2.10", "192.0.2.10/32")]
    [InlineData("192.0.2.10/24 label eth1:vip dev eth1 scope link", "192.0.2.10/24 dev eth1 scope link label eth1:vip")]
    [InlineData("192.0.2.10/24 brd +", "192.0.2.10/24 brd 192.0.2.255")]
    [InlineData("192.0.2.10/24 broadcast -", "192.0.2.10/24 brd 192.0.2.0")]
    [InlineData("10.0.0.1/1 brd -", "10.0.0.1/1")]            // 0.0.0.0: keepalived's "no broadcast"
    [InlineData("fd00::5/64 -nodad preferred_lft forever no_track", "fd00::5/64 no_track -nodad preferred_lft forever")]
    [InlineData("192.0.2.10/32 peer 192.0.2.1 use_vmac", "192.0.2.10/32 peer 192.0.2.1 use_vmac")]
    [InlineData("192.0.2.10/24 peer 192.0.2.1", "192.0.2.10/32 peer 192.0.2.1")]  // keepalived: a peer address is a host
    [InlineData("192.0.2.10 scope 253", "192.0.2.10/32 scope link")]
    [InlineData("192.0.2.10 scope 77", "192.0.2.10/32 scope 77")]
    [InlineData("fd00::7/64 autojoin noprefixroute mngtmpaddr home preferred_lft 0", "fd00::7/64 home mngtmpaddr noprefixroute autojoin preferred_lft 0")]
    public void Addresses_are_read_and_written_in_one_form(string text, string written)
    {
        Assert.True(VirtualAddressSpec.TryParse(text, out var spec, out string? error), error);
        Assert.Equal(written, spec.ToString());
        Assert.Equal(written, VirtualAddressSpec.Parse(written).ToString());
    }

    [Theory]
    [InlineData("192.0.2.10 peer 192.0.2.1 scope 77 home", 32, "192.0.2.1", 77, VirtualAddressFlags.HomeAddress, null)]
    [InlineData("192.0.2.10/24 noprefixroute autojoin preferred_lft 0", 24, null, 0, VirtualAddressFlags.NoPrefixRoute | VirtualAddressFlags.AutoJoin, null)] // IPv4: no lifetime
    [InlineData("fd00::10", 128, null, 0, VirtualAddressFlags.None, 0u)]                     // keepalived: a /128 is deprecated by default
    [InlineData("fd00::10/64", 64, null, 0, VirtualAddressFlags.None, null)]                 // a shorter prefix preferred forever
    [InlineData("fd00::10 preferred_lft forever", 128, null, 0, VirtualAddressFlags.None, null)]
    [InlineData("fd00::10/64 preferred_lft 30 -nodad mngtmpaddr", 64, null, 0, VirtualAddressFlags.DuplicateAddressDetection | VirtualAddressFlags.ManageTemporaryAddresses, 30u)]
    [InlineData("fd00::10 peer fd00::1", 128, "fd00::1", 0, VirtualAddressFlags.None, 0u)]
    public void The_host_applies_every_address_option_with_keepalived_defaults(string text, int prefix, string? peer, int scope, VirtualAddressFlags flags, uint? lifetime)
    {
        var a = DriverConfiguration.AddressOf(text);
        Assert.Equal(prefix, a.PrefixLength);
        Assert.Equal(peer is null ? null : IPAddressValue.Parse(peer), a.Peer);
        Assert.Equal((VirtualAddressScope)scope, a.Scope);
        Assert.Equal(flags, a.Flags);
        Assert.Equal(lifetime, a.PreferredLifetime);
    }

    [Theory]
    [InlineData("fd00::1/64 scope link label x", "scope link: IPv6 addresses take no scope; ignored (as keepalived does)")]
    [InlineData("192.0.2.1/31 brd +", "brd +: the prefix length 31 is too long for a broadcast address; ignored (as keepalived does)")]
    public void Keepalived_adjustments_are_warnings(string text, string warning)
    {
        var spec = VirtualAddressSpec.Parse(text);
        Assert.Contains(warning, spec.Warnings);
        Assert.Null(spec.Scope);
        Assert.Null(spec.Broadcast);
    }

    [Theory]
    [InlineData("192.0.2.300", "expected an IPv4 or IPv6 address, optionally with /PREFIX")]
    [InlineData("192.0.2.1/33", "expected a prefix length 0..32 after '/'")]
    [InlineData("192.0.2.1 dev", "'dev' expects a value")]
    [InlineData("192.0.2.1 label a-label-of-sixteen", "label 'a-label-of-sixteen' is longer than 15 characters")]
    [InlineData("fd00::1 brd +", "brd +: IPv6 addresses have no broadcast address")]
    [InlineData("192.0.2.1 scope galaxy", "scope 'galaxy': expected global, site, link, host, nowhere or a number 0..255")]
    [InlineData("192.0.2.1 colour blue", "'colour' is not an address option")]
    [InlineData("192.0.2.1 peer 192.0.2.2/24", "peer '192.0.2.2/24' is not an IPv4 or IPv6 address (keepalived 2.2.7 takes no prefix length there)")]
    [InlineData("192.0.2.1 peer fd00::1", "peer fd00::1 is not of the address's family")]
    [InlineData("fd00::1 preferred_lft soon", "preferred_lft 'soon': expected seconds or forever")]
    public void Malformed_addresses_say_why(string text, string error)
    {
        Assert.False(VirtualAddressSpec.TryParse(text, out _, out string? actual));
        Assert.StartsWith(error, actual, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.80.0.0/24 dev eth1", "10.80.0.0/24 dev eth1")]
    [InlineData("src 10.70.0.100 to 10.81.0.0/16 via 10.70.0.1 dev eth1 table 100 metric 5 scope link", "10.81.0.0/16 src 10.70.0.100 via 10.70.0.1 dev eth1 table 100 metric 5 scope link")]
    [InlineData("blackhole 10.82.0.0/16", "blackhole 10.82.0.0/16 protocol keepalived no_track")]
    [InlineData("default gw 10.70.0.254 table main", "default via 10.70.0.254 table 254 protocol keepalived no_track")]
    [InlineData("fd01::/64 via inet6 fd00::1 dev eth1 protocol 99 onlink mtu lock 1400", "fd01::/64 via fd00::1 dev eth1 protocol 99 onlink mtu lock 1400")]
    [InlineData("fd02::/64 from fd00::/64 dev eth1 tos 0x10", "fd02::/64 from fd00::/64 dev eth1 tos 0x10")]
    [InlineData("10.83.0.0/16 dev eth1 rtt 300ms rttvar lock 1s rto_min 300 advmss lock 1360 hoplimit 9 features ecn congctl lock cubic quickack 1",
        "10.83.0.0/16 dev eth1 rtt 2400 rttvar lock 4000 rto_min 300 advmss lock 1360 hoplimit 9 features ecn quickack 1 congctl lock cubic")]
    [InlineData("10.84.0.0/16 dev eth1 rtt 1 window 65535 initcwnd 10 initrwnd 20 cwnd 30 ssthresh 40 reordering 3 fastopen_no_cookie 1",
        "10.84.0.0/16 dev eth1 rtt 1600 window 65535 initcwnd 10 initrwnd 20 cwnd 30 ssthresh 40 reordering 3 fastopen_no_cookie 1")] // rtt at least 200 ms, as keepalived
    [InlineData("local 10.85.0.1 dev eth1 scope host table 100", "local 10.85.0.1/32 dev eth1 table 100 scope host")]
    [InlineData("10.86.0.0/16 dev eth1 realms 3/0x7", "10.86.0.0/16 dev eth1 realms 3/7")]
    [InlineData("realms 9 default dev eth1", "default dev eth1 realms 9")]
    [InlineData("realms cosmos 10.87.0.0/16 dev eth1", "10.87.0.0/16 dev eth1 realms 0")] // rt_realms here names 0 cosmos
    [InlineData("fd03::/64 dev eth1 expires 600 pref low", "fd03::/64 dev eth1 expires 600 pref low")]
    [InlineData("expires 5 default dev eth1 pref 7", "default dev eth1 expires 5 pref 7")]
    [InlineData("10.88.0.0/16 table 100 nexthop via 10.0.0.1 dev eth1 weight 256 realms 1/2 nexthop via inet 10.0.0.2 onlink",
        "10.88.0.0/16 table 100 protocol keepalived no_track nexthop via 10.0.0.1 dev eth1 weight 256 realms 1/2 nexthop via 10.0.0.2 onlink")]
    [InlineData("fd04::/64 nexthop via inet6 fd00::1 dev eth1 nexthop dev eth2", "fd04::/64 protocol keepalived no_track nexthop via fd00::1 dev eth1 nexthop dev eth2")]
    [InlineData("10.90.0.0/16 encap ip id 5 dst 198.51.100.1 src 198.51.100.2 tos 0x10 ttl 9 flags 1 dev eth1", "10.90.0.0/16 dev eth1 encap ip id 5 dst 198.51.100.1 src 198.51.100.2 tos 16 ttl 9 flags 1")]
    [InlineData("fd05::/64 dev eth1 encap ip6 id 16 tc 0x20 hoplimit 7 no_track", "fd05::/64 dev eth1 encap ip6 id 16 tc 32 hoplimit 7 no_track")]
    [InlineData("10.91.0.0/16 nexthop via 10.0.0.1 encap ip dst 198.51.100.1 weight 2", "10.91.0.0/16 protocol keepalived no_track nexthop via 10.0.0.1 weight 2 encap ip dst 198.51.100.1")]
    [InlineData("10.89.0.0/16 via 10.0.0.1 or 10.0.0.2", "10.89.0.0/16 protocol keepalived no_track nexthop via 10.0.0.1 nexthop via 10.0.0.2")]
    public void Routes_are_read_and_written_in_one_form(string text, string written)
    {
        Assert.True(VirtualRouteSpec.TryParse(text, out var spec, out string? error), error);
        Assert.Equal(written, spec.ToString());
        Assert.Equal(written, VirtualRouteSpec.Parse(written).ToString());
    }

    [Fact]
    public void A_route_without_an_interface_is_not_tracked_as_keepalived_does()
    {
        var spec = VirtualRouteSpec.Parse("10.82.0.0/16 via 10.0.0.1");
        Assert.True(spec.NoTrack);
        Assert.Equal(["cannot track route 10.82.0.0/16 with no interface specified, not tracking (as keepalived does)"], spec.Warnings);
    }

    [Theory]
    [InlineData("via 10.0.0.1 dev eth0", "a route must have a destination")]
    [InlineData("inet6 fd01::/64 dev eth0", "'inet6': keepalived 2.2.7 skips the word after it")]
    [InlineData("10.0.0.0/8 via fd00::1", "a route cannot mix IPv4 and IPv6 addresses")]
    [InlineData("10.0.0.0/8 from 10.1.0.0/16", "from 10.1.0.0/16: a route's source prefix is for IPv6 only")]
    [InlineData("10.0.0.0/8 dev eth0 encap seg6 mode encap segs fd00::1", "unknown encap type - seg6")]
    [InlineData("10.0.0.0/8 dev eth0 encap mpls 100", "encap mpls is not supported by Vrrp")]
    [InlineData("10.0.0.0/8 dev eth0 encap ip ttl 5", "address or id missing for ip encapsulation")]
    [InlineData("10.0.0.0/8 dev eth0 encap ip id 1 flags 0x10", "encap ip flags '0x10': expected a decimal number")]
    [InlineData("10.0.0.0/8 dev eth0 encap ip dst fd00::1", "encap ip dst 'fd00::1' is not an IPv4 address")]
    [InlineData("fd00::/8 dev eth0 realms 10", "realms are only valid for IPv4")]
    [InlineData("10.0.0.0/8 nexthop via 10.0.0.1 no_track", "route has trailing nonsense after nexthops - no_track")]
    [InlineData("10.0.0.0/8 nexthop via 10.0.0.1 weight 0", "nexthop weight '0': expected a number 1..256")]
    [InlineData("10.0.0.0/8 nexthop via 10.0.0.1 weight 257", "nexthop weight '257': expected a number 1..256")]
    [InlineData("10.0.0.0/8 nexthop via fd00::1", "a route cannot mix IPv4 and IPv6 addresses")]
    [InlineData("10.0.0.0/8 nexthop via 10.0.0.1 as to 10.0.0.2", "nexthop option 'as' is not supported by Vrrp")]
    [InlineData("10.0.0.0/8 via 10.0.0.1 or 10.0.0.2 nexthop via 10.0.0.3", "cannot specify nexthops with \"or\" route")]
    [InlineData("10.0.0.0/8 dev eth0 realms 256", "realms '256': expected [FROM/]TO")]
    [InlineData("10.0.0.0/8 dev eth0 realms 1/nowhere", "realms '1/nowhere': expected [FROM/]TO")]
    [InlineData("10.0.0.0/8 dev eth0 expires 5", "expires is only valid for IPv6")]
    [InlineData("realms 1 fd00::/8 dev eth0", "a route cannot mix IPv4 and IPv6 addresses")]
    [InlineData("fd00::/8 dev eth0 expires soon", "expires 'soon' is not a number of seconds")]
    [InlineData("fd00::/8 dev eth0 pref highest", "pref 'highest': expected low, medium, high or a number 0..255")]
    [InlineData("10.0.0.0/8 dev eth0 hoplimit 256", "hoplimit '256': expected a number 0..255")]
    [InlineData("10.0.0.0/8 dev eth0 features sack", "features 'sack': expected ecn")]
    [InlineData("10.0.0.0/8 dev eth0 rtt 1e3", "rtt '1e3': expected a time")]
    [InlineData("10.0.0.0/8 dev eth0 window lock 5", "window 'lock': expected a number")]
    [InlineData("10.0.0.0/8 dev eth0 10.1.0.0/16", "'10.1.0.0/16' is not a route option")]
    [InlineData("10.0.0.0/8 table red", "table 'red': expected main, local, default or a number")]
    public void Malformed_routes_say_why(string text, string error)
    {
        Assert.False(VirtualRouteSpec.TryParse(text, out _, out string? actual));
        Assert.StartsWith(error, actual, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from 10.90.0.0/24 table 100", "from 10.90.0.0/24 table 100")]
    [InlineData("to 10.91.0.0/24 lookup 101 priority 1000 fwmark 7/0xff", "to 10.91.0.0/24 priority 1000 fwmark 0x7/0xff table 101")]
    [InlineData("from all iif eth1 prohibit preference 5", "priority 5 iif eth1 prohibit")]
    [InlineData("from fd00::/64 oif eth0 tos 0x10 table 103 no_track ipproto tcp dport 80-90", "from fd00::/64 tos 0x10 oif eth0 ipproto tcp dport 80-90 no_track table 103")]
    [InlineData("from 10.0.0.0/8 priority 10 goto 20", "from 10.0.0.0/8 priority 10 goto 20")]
    [InlineData("priority 5 sport 1000 uidrange 10-20 protocol 99 no_track nop", "priority 5 protocol 99 sport 1000-1000 uidrange 10-20 no_track nop")]
    public void Rules_are_read_and_written_in_one_form(string text, string written)
    {
        Assert.True(VirtualRuleSpec.TryParse(text, out var spec, out string? error), error);
        Assert.Equal(written, spec.ToString());
        Assert.Equal(written, VirtualRuleSpec.Parse(written).ToString());
    }

    [Theory]
    [InlineData("from 10.0.0.0/8", "no action: a rule needs table T")]
    [InlineData("from 10.0.0.0/8 table 1 blackhole", "a rule takes one of table, nop, goto")]
    [InlineData("from 10.0.0.0/8 table 0", "table '0': expected main, local, default or a number other than 0")]
    [InlineData("from 10.0.0.0/8 goto 5", "goto needs the rule's own priority")]
    [InlineData("from 10.0.0.0/8 priority 9 goto 5", "priority 9 must be lower than the goto target 5")]
    [InlineData("from 10.0.0.0/8 to fd00::/8 table 5", "a rule cannot mix IPv4 and IPv6 addresses")]
    [InlineData("from 10.0.0.0/8 sport 70000 table 5", "sport '70000': expected a port or a range N-M")]
    [InlineData("from 10.0.0.0/8 protocol static table 5", "protocol 'static': expected a number 0..255 (keepalived 2.2.7 reads no names here)")]
    [InlineData("from 10.0.0.0/8 ipproto 132 table 5", "ipproto '132': expected tcp, udp, icmp, ipv6-icmp, sctp")]
    [InlineData("from 10.0.0.0/8 ipproto icmpv6 table 5", "ipproto 'icmpv6': expected tcp")]
    public void Malformed_rules_say_why(string text, string error)
    {
        Assert.False(VirtualRuleSpec.TryParse(text, out _, out string? actual));
        Assert.StartsWith(error, actual, StringComparison.Ordinal);
    }
}
