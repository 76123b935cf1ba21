using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Vrrp.Hosting;

/// <summary>
/// One entry of <see cref="VrrpInstanceOptions.VirtualRoutes"/> in keepalived's syntax, parsed: <c>[TYPE] [to] DEST
/// [src ADDR] [via ADDR] [from ADDR/LEN] [dev IF] [table T] [metric N] [scope S] [protocol P] [tos N] [onlink]
/// [mtu [lock] N] [METRIC [lock] N ...] [realms [FROM/]TO] [expires SECS] [pref low|medium|high] [encap ip|ip6 ...] [no_track] [nexthop ...]...</c>, METRIC being advmss, rtt, rttvar, rto_min, reordering, window,
/// cwnd, ssthresh, initcwnd, initrwnd, hoplimit, quickack, fastopen_no_cookie, features (ecn) or congctl. DEST is <c>ADDR[/LEN]</c> or <c>default</c>; TYPE is unicast (the default), local,
/// broadcast, anycast, multicast, blackhole, unreachable, prohibit, throw or nat. The master adds its routes; they
/// are removed when it leaves Master.
/// </summary>
/// <remarks>
/// The words mean what they mean to <c>ip route</c>. keepalived's adjustments are made too and listed in
/// <see cref="Warnings"/>: a route without <c>dev</c> cannot follow its interface, so it is not tracked
/// (<c>no_track</c>); <c>gw</c> is read as <c>via</c>.
/// </remarks>
public sealed class VirtualRouteSpec
{
    private VirtualRouteSpec()
    {
    }

    /// <summary>The route type (<c>unicast</c> unless another is given).</summary>
    public string Type { get; private set; } = "unicast";

    /// <summary>The destination, or null for the default route.</summary>
    public VirtualAddress? Destination { get; private set; }

    /// <summary>The address family of the route.</summary>
    public VrrpAddressFamily Family { get; private set; } = VrrpAddressFamily.IPv4;

    /// <summary>The preferred source address (<c>src</c>), or null.</summary>
    public IPAddressValue? Source { get; private set; }

    /// <summary>The gateway (<c>via</c>), or null.</summary>
    public IPAddressValue? Via { get; private set; }

    /// <summary>The source prefix of an IPv6 source-specific route (<c>from</c>), or null.</summary>
    public VirtualAddress? From { get; private set; }

    /// <summary>The output interface (<c>dev</c> or <c>oif</c>), or null.</summary>
    public string? Device { get; private set; }

    /// <summary>The routing table (<c>table</c>; main is 254), or null for main.</summary>
    public uint? Table { get; private set; }

    /// <summary>The metric (<c>metric</c>, <c>priority</c>, <c>preference</c>), or null.</summary>
    public uint? Metric { get; private set; }

    /// <summary>The scope (<c>scope</c>), or null for the kernel's default.</summary>
    public string? Scope { get; private set; }

    /// <summary>The routing protocol (<c>protocol</c>), or null for keepalived's (18).</summary>
    public string? Protocol { get; private set; }

    /// <summary>The TOS / DS field (<c>tos</c>, <c>dsfield</c>), or null.</summary>
    public byte? Tos { get; private set; }

    /// <summary>The gateway is on the link even if no prefix says so (<c>onlink</c>).</summary>
    public bool OnLink { get; private set; }

    /// <summary>The path MTU (<c>mtu</c>), or null.</summary>
    public uint? Mtu { get; private set; }

    /// <summary>The MTU is locked (<c>mtu lock N</c>).</summary>
    public bool MtuLocked { get; private set; }

    /// <summary>
    /// The metrics other than <see cref="Mtu"/> by keepalived's keyword (advmss, rtt, rttvar, rto_min, reordering, window,
    /// cwnd, ssthresh, initcwnd, initrwnd, hoplimit, quickack, fastopen_no_cookie, features), each in the kernel's units
    /// (rtt in 1/8 ms, rttvar in 1/4 ms, rto_min in ms, features ecn 1), in the order given.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, uint>> Metrics { get; private set; } = [];

    /// <summary>The metrics given with <c>lock</c> (their keywords; <c>mtu lock</c> is <see cref="MtuLocked"/>).</summary>
    public IReadOnlyList<string> LockedMetrics { get; private set; } = [];

    /// <summary>The TCP congestion control algorithm (<c>congctl [lock] NAME</c>), or null.</summary>
    public string? CongestionControl { get; private set; }

    /// <summary>
    /// The static track group whose instances track the route's interface (<c>track_group NAME</c>, with <c>dev</c>; for
    /// <see cref="VrrpOptions.StaticRoutes"/> only, as keepalived), or null.
    /// </summary>
    public string? TrackGroup { get; private set; }

    /// <summary>The route's interface going down does not put the instance in Fault (<c>no_track</c>).</summary>
    public bool NoTrack { get; private set; }

    /// <summary>
    /// The realms (<c>realms [FROM/]TO</c>, RTA_FLOW; IPv4): FROM in the high 16 bits, TO in the low 16, each 0..255 or a
    /// name of /etc/iproute2/rt_realms, as keepalived; null when not given (keepalived sends nothing for 0 either).
    /// </summary>
    public uint? Realms { get; private set; }

    /// <summary>The route expires after this many seconds (<c>expires SECS</c>, RTA_EXPIRES; IPv6), or null.</summary>
    public uint? Expires { get; private set; }

    /// <summary>
    /// The IPv6 router preference (<c>pref low|medium|high|N</c>, RTA_PREF; RFC 4191 section 2.1 values: low 3,
    /// medium 0, high 1), or null.
    /// </summary>
    public byte? Preference { get; private set; }

    /// <summary>
    /// The paths of a multipath route (<c>nexthop [via ADDR] [dev IF] [weight 1..256] [onlink] [realms [FROM/]TO]</c>,
    /// each, after every other option, as keepalived 2.2.7 reads them; RTA_MULTIPATH), or empty. keepalived's deprecated
    /// <c>via A or B</c> is read as two next hops.
    /// </summary>
    public IReadOnlyList<VirtualRouteNextHopSpec> NextHops { get; private set; } = [];

    /// <summary>
    /// The lightweight tunnel encapsulation (<c>encap ip|ip6 [id N] [dst A] [src A] [tos|tc N] [ttl|hoplimit N] [flags N]</c>,
    /// RTA_ENCAP and RTA_ENCAP_TYPE), or null.
    /// </summary>
    public VirtualRouteEncapSpec? Encap { get; private set; }

    /// <summary>What was adjusted while reading, in keepalived's terms.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>Parses an entry.</summary>
    /// <param name="text">For example <c>10.80.0.0/24 via 10.70.0.1 dev eth1 table 100</c>.</param>
    /// <param name="value">The entry, when it is valid.</param>
    /// <param name="error">What is wrong otherwise.</param>
    /// <returns>True when the entry is valid.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out VirtualRouteSpec? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var r = new WordReader(text);
        var route = new VirtualRouteSpec();
        VrrpAddressFamily? family = null;
        bool haveDestination = false;
        var metrics = new List<KeyValuePair<string, uint>>();
        var locked = new List<string>();
        while (!r.AtEnd && r.Error is null)
        {
            string word = r.Take();
            switch (word)
            {
                case "inet" or "inet6":
                    // keepalived 2.2.7 skips the word after these (its parser steps twice), so the route loses its destination.
                    r.Fail($"'{word}': keepalived 2.2.7 skips the word after it, so the route would lose its destination; leave it out (the family comes from the addresses)");
                    break;
                case "src" when r.TryValue(word, out string src):
                    route.Source = Address(r, "src", src, ref family);
                    break;
                case "via" or "gw" when r.TryValue(word, out string via):
                    if (word == "gw")
                    {
                        r.Warnings.Add("\"gw\" for routes is deprecated, read as \"via\" (as keepalived says)");
                    }

                    if (via is "inet" or "inet6" && r.TryValue(via, out string next))
                    {
                        via = next;
                    }

                    route.Via = Address(r, "via", via, ref family);
                    break;
                case "from" when r.TryValue(word, out string from):
                    if (RoutingWords.TryParsePrefix(from, out var prefix, out string? fromError) && prefix.Family == VrrpAddressFamily.IPv6 && family != VrrpAddressFamily.IPv4)
                    {
                        route.From = prefix;
                        family = VrrpAddressFamily.IPv6;
                    }
                    else
                    {
                        r.Fail(fromError is null ? $"from {from}: a route's source prefix is for IPv6 only" : $"from '{from}': {fromError}");
                    }

                    break;
                case "dev" or "oif" when r.TryValue(word, out string device):
                    route.Device = RoutingWords.IsInterfaceName(device) ? device : Fail<string>(r, $"{word} '{device}' is not an interface name");
                    break;
                case "table" when r.TryValue(word, out string table):
                    route.Table = RoutingWords.TryParseTable(table, out uint t) ? t : Fail<uint?>(r, $"table '{table}': expected main, local, default or a number");
                    break;
                case "metric" or "priority" or "preference" when r.TryValue(word, out string metric):
                    route.Metric = uint.TryParse(metric, NumberStyles.None, CultureInfo.InvariantCulture, out uint m) ? m : Fail<uint?>(r, $"{word} '{metric}' is not a number");
                    break;
                case "scope" when r.TryValue(word, out string scope):
                    route.Scope = RoutingWords.TryParseScope(scope, out string s) ? s : Fail<string>(r, $"scope '{scope}': expected global, site, link, host, nowhere or a number 0..255");
                    break;
                case "protocol" or "proto" when r.TryValue(word, out string protocol):
                    route.Protocol = RoutingWords.TryParseProtocol(protocol, out string p) ? p : Fail<string>(r, $"protocol '{protocol}': expected a protocol name or a number 0..255");
                    break;
                case "tos" or "dsfield" when r.TryValue(word, out string tos):
                    route.Tos = RoutingWords.TryParseTos(tos, out byte b) ? b : Fail<byte?>(r, $"{word} '{tos}': expected a number 0..255");
                    break;
                case "onlink":
                    route.OnLink = true;
                    break;
                case "mtu" when r.TryValue(word, out string mtu):
                    if (mtu == "lock" && r.TryValue("mtu lock", out string lockedMtu))
                    {
                        route.MtuLocked = true;
                        mtu = lockedMtu;
                    }

                    route.Mtu = uint.TryParse(mtu, NumberStyles.None, CultureInfo.InvariantCulture, out uint size) ? size : Fail<uint?>(r, $"mtu '{mtu}' is not a number");
                    break;
                case "no_track":
                    route.NoTrack = true;
                    break;
                case "congctl" when r.TryValue(word, out string algorithm):
                    if (algorithm == "lock" && r.TryValue("congctl lock", out string name))
                    {
                        locked.Add(word);
                        algorithm = name;
                    }

                    route.CongestionControl = algorithm;
                    break;
                case "advmss" or "rtt" or "rttvar" or "rto_min" or "reordering" or "window" or "cwnd" or "ssthresh" or "initcwnd" or "initrwnd" or "hoplimit" or
                    "quickack" or "fastopen_no_cookie" or "features" when r.TryValue(word, out string metric):
                    if (metric == "lock" && word is "advmss" or "rtt" or "rttvar" or "rto_min" or "reordering" or "cwnd" or "ssthresh" && r.TryValue(word + " lock", out string lockedValue))
                    {
                        locked.Add(word);
                        metric = lockedValue;
                    }

                    uint? number = RoutingWords.TryParseRouteMetric(word, metric, out uint v) ? v : Fail<uint?>(r, $"{word} '{metric}': {RoutingWords.RouteMetricSyntax(word)}");
                    if (number is uint n)
                    {
                        metrics.RemoveAll(m => m.Key == word);
                        metrics.Add(new(word, n));
                    }

                    break;
                case "track_group" when r.TryValue(word, out string group):
                    route.TrackGroup = route.TrackGroup is null ? group : Fail<string>(r, "'track_group' is given twice");
                    break;
                case "add" or "prepend" or "append":
                    break; // how keepalived adds the route; the route is the same
                case "realms" when r.TryValue(word, out string realms):
                    route.Realms = RoutingWords.TryParseRealms(realms, out uint flow) && (family != VrrpAddressFamily.IPv6 || r.Fail("realms are only valid for IPv4 (as keepalived says)")) && Same(r, ref family, VrrpAddressFamily.IPv4)
                        ? flow : Fail<uint?>(r, r.Error ?? $"realms '{realms}': expected [FROM/]TO, each a number 0..255 or a name of rt_realms");
                    break;
                case "expires" when r.TryValue(word, out string expires):
                    route.Expires = uint.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out uint seconds) && (family != VrrpAddressFamily.IPv4 || r.Fail("expires is only valid for IPv6 (as keepalived says)")) && Same(r, ref family, VrrpAddressFamily.IPv6)
                        ? seconds : Fail<uint?>(r, r.Error ?? $"expires '{expires}' is not a number of seconds");
                    break;
                case "pref" when r.TryValue(word, out string pref):
                    route.Preference = RoutingWords.TryParseRoutePreference(pref, out byte preference) && (family != VrrpAddressFamily.IPv4 || r.Fail("pref is only valid for IPv6 (as keepalived says)")) && Same(r, ref family, VrrpAddressFamily.IPv6)
                        ? preference : Fail<byte?>(r, r.Error ?? $"pref '{pref}': expected low, medium, high or a number 0..255");
                    break;
                case "or" when r.TryValue(word, out string or):
                    r.Warnings.Add("\"or\" for routes is deprecated, read as two next hops (as keepalived says)");
                    if (route.NextHops.Count > 0)
                    {
                        r.Warnings.Add("\"or\" route already specified - ignoring subsequent (as keepalived says)");
                        break;
                    }

                    var second = Address(r, "or", or, ref family);
                    route.NextHops = [new VirtualRouteNextHopSpec { Via = route.Via }, new VirtualRouteNextHopSpec { Via = second }];
                    route.Via = null;
                    break;
                case "nexthop":
                    if (route.NextHops.Count > 0)
                    {
                        r.Fail("cannot specify nexthops with \"or\" route (as keepalived says)");
                        break;
                    }

                    route.NextHops = ReadNextHops(r, ref family);
                    break;
                case "encap":
                    route.Encap = VirtualRouteEncapSpec.Read(r);
                    break;
                case "as" or "ttl-propagate" or "vrf":
                    r.Fail($"route option '{word}' is not supported by Vrrp (dest, src, via, from, dev, table, metric, scope, protocol, tos, onlink, realms, expires, pref, encap ip|ip6, nexthop, the metrics and no_track are)");
                    break;
                default:
                    if (r.Error is not null)
                    {
                        break; // an option whose value is missing comes here, with its error set
                    }

                    if (haveDestination)
                    {
                        r.Fail($"'{word}' is not a route option (the destination is already {route.Destination?.ToString() ?? "default"})");
                        break;
                    }

                    if (word == "to" && r.TryValue(word, out string after))
                    {
                        word = after;
                    }

                    if (RoutingWords.RouteTypes.Contains(word) && r.TryValue(word, out string destination))
                    {
                        route.Type = word;
                        word = destination;
                    }

                    haveDestination = true;
                    if (word is "default" or "any" or "all")
                    {
                        break;
                    }

                    if (!RoutingWords.TryParsePrefix(word, out var dest, out string? destError))
                    {
                        r.Fail($"unknown route keyword or destination '{word}' ({destError})");
                        break;
                    }

                    route.Destination = dest;
                    _ = Same(r, ref family, dest.Family);
                    break;
            }
        }

        if (r.Error is null && !haveDestination)
        {
            r.Fail("a route must have a destination (ADDR[/LEN] or default)");
        }

        if (r.Error is not null)
        {
            error = r.Error;
            return false;
        }

        route.Family = family ?? VrrpAddressFamily.IPv4;
        route.Metrics = metrics;
        route.LockedMetrics = locked;
        if (!route.NoTrack && route.Device is null)
        {
            r.Warnings.Add($"cannot track route {route.Destination?.ToString() ?? "default"} with no interface specified, not tracking (as keepalived does)");
            route.NoTrack = true;
            route.Protocol ??= "keepalived"; // keepalived has already given it its own protocol (18) by then
        }

        route.Warnings = r.Warnings;
        value = route;
        error = null;
        return true;

        static List<VirtualRouteNextHopSpec> ReadNextHops(WordReader r, ref VrrpAddressFamily? family)
        {
            // Everything after the first nexthop is next hops, as keepalived 2.2.7 reads it ("trailing nonsense" otherwise).
            var hops = new List<VirtualRouteNextHopSpec>();
            var hop = new VirtualRouteNextHopSpec();
            hops.Add(hop);
            while (!r.AtEnd && r.Error is null)
            {
                string word = r.Take();
                switch (word)
                {
                    case "nexthop":
                        hops.Add(hop = new VirtualRouteNextHopSpec());
                        break;
                    case "via" when r.TryValue(word, out string via):
                        if (via is "inet" or "inet6" && r.TryValue(via, out string next))
                        {
                            if (!Same(r, ref family, via == "inet" ? VrrpAddressFamily.IPv4 : VrrpAddressFamily.IPv6))
                            {
                                break;
                            }

                            via = next;
                        }

                        hop.Via = Address(r, "nexthop via", via, ref family);
                        break;
                    case "dev" when r.TryValue(word, out string device):
                        hop.Device = RoutingWords.IsInterfaceName(device) ? device : Fail<string>(r, $"nexthop dev '{device}' is not an interface name");
                        break;
                    case "weight" when r.TryValue(word, out string weight):
                        hop.Weight = RoutingWords.TryParseNumber(weight, 256, out uint w) && w > 0 ? (int)w : Fail<int?>(r, $"nexthop weight '{weight}': expected a number 1..256");
                        break;
                    case "onlink":
                        hop.OnLink = true;
                        break;
                    case "realms" when r.TryValue(word, out string realms):
                        hop.Realms = RoutingWords.TryParseRealms(realms, out uint flow) && (family != VrrpAddressFamily.IPv6 || r.Fail("realms are only supported for IPv4 (as keepalived says)")) && Same(r, ref family, VrrpAddressFamily.IPv4)
                            ? flow : Fail<uint?>(r, r.Error ?? $"nexthop realms '{realms}': expected [FROM/]TO, each a number 0..255 or a name of rt_realms");
                        break;
                    case "encap":
                        hop.Encap = VirtualRouteEncapSpec.Read(r);
                        break;
                    case "as":
                        r.Fail($"nexthop option '{word}' is not supported by Vrrp (via, dev, weight, onlink, encap ip|ip6 and realms are)");
                        break;
                    default:
                        if (r.Error is null)
                        {
                            r.Fail($"route has trailing nonsense after nexthops - {word} (as keepalived says; nexthops come last)");
                        }

                        break;
                }
            }

            return hops;
        }

        static T Fail<T>(WordReader r, string message)
        {
            r.Fail(message);
            return default!;
        }

        static IPAddressValue? Address(WordReader r, string option, string text, ref VrrpAddressFamily? family)
        {
            if (!RoutingWords.TryParseAddress(text, out var address))
            {
                r.Fail($"{option} '{text}' is not an IPv4 or IPv6 address");
                return null;
            }

            return Same(r, ref family, address.Family) ? address : null;
        }

        static bool Same(WordReader r, ref VrrpAddressFamily? family, VrrpAddressFamily other)
        {
            family ??= other;
            return family == other || r.Fail("a route cannot mix IPv4 and IPv6 addresses");
        }
    }

    /// <summary>Parses an entry.</summary>
    /// <param name="text">For example <c>10.80.0.0/24 dev eth1</c>.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="FormatException">The entry is not valid; the message says why.</exception>
    public static VirtualRouteSpec Parse(string text) =>
        TryParse(text, out var value, out string? error) ? value : throw new FormatException($"'{text}': {error}");

    /// <summary>The entry in keepalived's syntax, each option once.</summary>
    /// <returns>For example <c>10.80.0.0/24 via 10.70.0.1 dev eth1 table 100</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Type != "unicast")
        {
            text.Append(Type).Append(' ');
        }

        text.Append(Destination?.ToString() ?? "default");
        Append("src", Source?.ToString());
        Append("via", Via?.ToString());
        Append("from", From?.ToString());
        Append("dev", Device);
        Append("table", Table?.ToString(CultureInfo.InvariantCulture));
        Append("metric", Metric?.ToString(CultureInfo.InvariantCulture));
        Append("scope", Scope);
        Append("protocol", Protocol);
        Append("tos", Tos is byte tos ? $"0x{tos:x}" : null);
        Append("encap", Encap?.ToString());
        if (OnLink)
        {
            text.Append(" onlink");
        }

        Append("mtu", Mtu is uint mtu ? (MtuLocked ? $"lock {mtu}" : mtu.ToString(CultureInfo.InvariantCulture)) : null);
        foreach (var (metric, value) in Metrics)
        {
            Append(metric, (LockedMetrics.Contains(metric) ? "lock " : "") + (metric == "features" ? "ecn" : value.ToString(CultureInfo.InvariantCulture)));
        }

        Append("congctl", CongestionControl is null ? null : (LockedMetrics.Contains("congctl") ? "lock " : "") + CongestionControl);
        Append("realms", Realms is uint realms ? (realms >> 16 != 0 ? $"{realms >> 16}/{realms & 0xffff}" : (realms & 0xffff).ToString(CultureInfo.InvariantCulture)) : null);
        Append("expires", Expires?.ToString(CultureInfo.InvariantCulture));
        Append("pref", Preference is byte pref ? RoutingWords.RoutePreferenceName(pref) : null);
        if (NoTrack)
        {
            text.Append(" no_track");
        }

        Append("track_group", TrackGroup);
        foreach (var hop in NextHops)
        {
            text.Append(" nexthop");
            Append("via", hop.Via?.ToString());
            Append("dev", hop.Device);
            Append("weight", hop.Weight?.ToString(CultureInfo.InvariantCulture));
            if (hop.OnLink)
            {
                text.Append(" onlink");
            }

            Append("encap", hop.Encap?.ToString());
            Append("realms", hop.Realms is uint hopRealms ? (hopRealms >> 16 != 0 ? $"{hopRealms >> 16}/{hopRealms & 0xffff}" : (hopRealms & 0xffff).ToString(CultureInfo.InvariantCulture)) : null);
        }

        return text.ToString();

        void Append(string option, string? value)
        {
            if (value is not null)
            {
                text.Append(' ').Append(option).Append(' ').Append(value);
            }
        }
    }
}

/// <summary>One path of a multipath route (<see cref="VirtualRouteSpec.NextHops"/>), as keepalived 2.2.7 reads it.</summary>
public sealed class VirtualRouteNextHopSpec
{
    internal VirtualRouteNextHopSpec()
    {
    }

    /// <summary>The gateway (<c>via</c>), or null.</summary>
    public IPAddressValue? Via { get; internal set; }

    /// <summary>The output interface (<c>dev</c>), or null.</summary>
    public string? Device { get; internal set; }

    /// <summary>The weight (<c>weight</c>, 1..256; the kernel keeps it less one in rtnh_hops), or null for the kernel's 1.</summary>
    public int? Weight { get; internal set; }

    /// <summary>The gateway is on the link even if no prefix says so (<c>onlink</c>, RTNH_F_ONLINK).</summary>
    public bool OnLink { get; internal set; }

    /// <summary>The path's realms (<c>realms [FROM/]TO</c>, RTA_FLOW in the hop; IPv4), or null.</summary>
    public uint? Realms { get; internal set; }

    /// <summary>The path's lightweight tunnel encapsulation (<c>encap ...</c>), or null.</summary>
    public VirtualRouteEncapSpec? Encap { get; internal set; }
}

/// <summary>
/// A route's lightweight tunnel encapsulation as keepalived 2.2.7 reads it: <c>encap ip [id N] [dst IPV4] [src IPV4]
/// [tos N] [ttl N] [flags N]</c> or <c>encap ip6 [id N] [dst IPV6] [src IPV6] [tc N] [hoplimit N] [flags N]</c>, with
/// dst or id (RTA_ENCAP_TYPE LWTUNNEL_ENCAP_IP / IP6, the values in RTA_ENCAP). keepalived's mpls and ila are not
/// taken (the kernel needs MPLS routing and the ila module for them).
/// </summary>
public sealed class VirtualRouteEncapSpec
{
    private VirtualRouteEncapSpec()
    {
    }

    /// <summary><c>ip</c> or <c>ip6</c>.</summary>
    public string Type { get; private set; } = "ip";

    /// <summary>The tunnel id (<c>id</c>), or null.</summary>
    public ulong? Id { get; private set; }

    /// <summary>The tunnel's remote address (<c>dst</c>), or null.</summary>
    public IPAddressValue? Destination { get; private set; }

    /// <summary>The tunnel's local address (<c>src</c>), or null.</summary>
    public IPAddressValue? Source { get; private set; }

    /// <summary>The TOS (<c>tos</c>, ip) or traffic class (<c>tc</c>, ip6), or null.</summary>
    public byte? Tos { get; private set; }

    /// <summary>The TTL (<c>ttl</c>, ip) or hop limit (<c>hoplimit</c>, ip6), or null.</summary>
    public byte? Ttl { get; private set; }

    /// <summary>The tunnel flags (<c>flags</c>, TUNNEL_* bits), or null.</summary>
    public ushort? Flags { get; private set; }

    /// <summary>The encapsulation in keepalived's syntax, after <c>encap</c>.</summary>
    /// <returns>For example <c>ip id 5 dst 198.51.100.1 ttl 9</c>.</returns>
    public override string ToString()
    {
        bool v6 = Type == "ip6";
        var text = new StringBuilder(Type);
        Append("id", Id?.ToString(CultureInfo.InvariantCulture));
        Append("dst", Destination?.ToString());
        Append("src", Source?.ToString());
        Append(v6 ? "tc" : "tos", Tos?.ToString(CultureInfo.InvariantCulture));
        Append(v6 ? "hoplimit" : "ttl", Ttl?.ToString(CultureInfo.InvariantCulture));
        Append("flags", Flags?.ToString(CultureInfo.InvariantCulture)); // keepalived 2.2.7 reads id, ttl and flags in decimal only
        return text.ToString();

        void Append(string option, string? value)
        {
            if (value is not null)
            {
                text.Append(' ').Append(option).Append(' ').Append(value);
            }
        }
    }

    /// <summary>Reads the words after <c>encap</c> as keepalived 2.2.7 does: the type, then option-value pairs while the option is one of the type's.</summary>
    internal static VirtualRouteEncapSpec? Read(WordReader r)
    {
        if (!r.TryValue("encap", out string type))
        {
            return null;
        }

        if (type is "mpls" or "ila")
        {
            r.Fail($"encap {type} is not supported by Vrrp (the kernel needs {(type == "mpls" ? "MPLS routing" : "the ila module")}; encap ip and ip6 are)");
            return null;
        }

        if (type is not ("ip" or "ip6"))
        {
            r.Fail($"unknown encap type - {type} (as keepalived says)");
            return null;
        }

        bool v6 = type == "ip6";
        var encap = new VirtualRouteEncapSpec { Type = type };
        var family = v6 ? VrrpAddressFamily.IPv6 : VrrpAddressFamily.IPv4;
        while (r.Remaining >= 2 && r.Error is null && IsOption(r.Peek))
        {
            string option = r.Take(), value = r.Take();
            switch (option)
            {
                case "id":
                    encap.Id = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) ? id : Fail<ulong?>($"encap {type} id '{value}' is not a decimal number");
                    break;
                case "dst" or "src":
                    IPAddressValue? address = RoutingWords.TryParseAddress(value, out var a) && a.Family == family ? a : Fail<IPAddressValue?>($"encap {type} {option} '{value}' is not an {(v6 ? "IPv6" : "IPv4")} address");
                    if (option == "dst")
                    {
                        encap.Destination = address;
                    }
                    else
                    {
                        encap.Source = address;
                    }

                    break;
                case "tos" or "tc":
                    encap.Tos = RoutingWords.TryParseTos(value, out byte tos) ? tos : Fail<byte?>($"encap {type} {option} '{value}': expected a number 0..255");
                    break;
                case "ttl" or "hoplimit":
                    encap.Ttl = byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out byte ttl) ? ttl : Fail<byte?>($"encap {type} {option} '{value}': expected a decimal number 0..255");
                    break;
                default:
                    encap.Flags = ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ushort flags) ? flags : Fail<ushort?>($"encap {type} flags '{value}': expected a decimal number 0..65535");
                    break;
            }
        }

        if (r.Error is null && encap.Destination is null && encap.Id is null)
        {
            r.Fail($"address or id missing for {type} encapsulation (as keepalived says)");
        }

        return encap;

        bool IsOption(string word) => word is "id" or "dst" or "src" or "flags" || (v6 ? word is "tc" or "hoplimit" : word is "tos" or "ttl");

        T Fail<T>(string message)
        {
            r.Fail(message);
            return default!;
        }
    }
}
