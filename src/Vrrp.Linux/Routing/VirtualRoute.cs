using System.Globalization;
using System.Text;

namespace Vrrp.Linux.Routing;

/// <summary>The kind of a route (rtm_type, linux/rtnetlink.h): where its packets go.</summary>
public enum VirtualRouteType : byte
{
    /// <summary>A gateway or a directly connected network (the default).</summary>
    Unicast = 1,

    /// <summary>A local address: delivered to this host (give it <c>scope host</c>, as the kernel requires).</summary>
    Local = 2,

    /// <summary>A broadcast address: sent as link broadcast (give it <c>scope link</c>).</summary>
    Broadcast = 3,

    /// <summary>An anycast address: delivered locally, never used as a source (give it <c>scope link</c>).</summary>
    Anycast = 4,

    /// <summary>A multicast route.</summary>
    Multicast = 5,

    /// <summary>Dropped silently.</summary>
    Blackhole = 6,

    /// <summary>Dropped with ICMP host unreachable.</summary>
    Unreachable = 7,

    /// <summary>Dropped with ICMP administratively prohibited.</summary>
    Prohibit = 8,

    /// <summary>Lookup goes on in the next table (policy routing).</summary>
    Throw = 9,

    /// <summary>Stateless NAT (IPv4; kept by the kernel as a route that refuses packets, as keepalived's).</summary>
    Nat = 10,
}

/// <summary>
/// A lightweight tunnel encapsulation of a route (<c>encap ip|ip6 ...</c>; RTA_ENCAP_TYPE LWTUNNEL_ENCAP_IP or IP6 and
/// the LWTUNNEL_IP(6)_* values nested in RTA_ENCAP), used with a metadata-collecting tunnel device.
/// </summary>
public sealed record VirtualRouteEncap
{
    /// <summary>True for <c>ip6</c> (an IPv6 outer header), false for <c>ip</c>.</summary>
    public bool IPv6 { get; init; }

    /// <summary>The tunnel id (<c>id</c>; sent big-endian), or null.</summary>
    public ulong? Id { get; init; }

    /// <summary>The outer destination (<c>dst</c>), or null.</summary>
    public IPAddressValue? Destination { get; init; }

    /// <summary>The outer source (<c>src</c>), or null.</summary>
    public IPAddressValue? Source { get; init; }

    /// <summary>The outer TOS (<c>tos</c>) or traffic class (<c>tc</c>), or null.</summary>
    public byte? Tos { get; init; }

    /// <summary>The outer TTL (<c>ttl</c>) or hop limit (<c>hoplimit</c>), or null.</summary>
    public byte? Ttl { get; init; }

    /// <summary>The tunnel flags (<c>flags</c>), or null.</summary>
    public ushort? Flags { get; init; }

    /// <summary>The encapsulation as <c>ip route</c> and keepalived write it, after <c>encap</c>.</summary>
    /// <returns>For example <c>ip id 5 dst 198.51.100.1 ttl 9</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(IPv6 ? "ip6" : "ip");
        if (Id is { } id)
        {
            text.Append(" id ").Append(id.ToString(CultureInfo.InvariantCulture));
        }

        if (Destination is { } dst)
        {
            text.Append(" dst ").Append(dst.ToString());
        }

        if (Source is { } src)
        {
            text.Append(" src ").Append(src.ToString());
        }

        if (Tos is { } tos)
        {
            text.Append(IPv6 ? " tc " : " tos ").Append(tos.ToString(CultureInfo.InvariantCulture));
        }

        if (Ttl is { } ttl)
        {
            text.Append(IPv6 ? " hoplimit " : " ttl ").Append(ttl.ToString(CultureInfo.InvariantCulture));
        }

        if (Flags is { } flags)
        {
            text.Append(" flags ").Append(flags.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

/// <summary>One path of a multipath route (<see cref="VirtualRoute.NextHops"/>; an rtnexthop in RTA_MULTIPATH).</summary>
public sealed record VirtualRouteNextHop
{
    /// <summary>The gateway (<c>via</c>, RTA_GATEWAY in the hop), or null.</summary>
    public IPAddressValue? Gateway { get; init; }

    /// <summary>The output interface (<c>dev</c>, rtnh_ifindex), or null.</summary>
    public string? Device { get; init; }

    /// <summary>The weight 1..256 (<c>weight</c>; rtnh_hops is one less), or null for the kernel's 1.</summary>
    public int? Weight { get; init; }

    /// <summary>The gateway is on the link (<c>onlink</c>, RTNH_F_ONLINK).</summary>
    public bool OnLink { get; init; }

    /// <summary>The path's realms (<c>realms [FROM/]TO</c>, RTA_FLOW in the hop; IPv4), 0 for none.</summary>
    public uint Realms { get; init; }

    /// <summary>The path's encapsulation (<c>encap ...</c>), or null.</summary>
    public VirtualRouteEncap? Encap { get; init; }
}

/// <summary>
/// A route installed while the instance is master and removed when it is not (keepalived's <c>virtual_routes</c>),
/// through rtnetlink (RTM_NEWROUTE / RTM_DELROUTE) with protocol <see cref="Protocol"/>, so that a route left by a
/// crashed run is recognised and removed at the next start. Write it as keepalived does (<see cref="Parse"/>):
/// <c>[TYPE] [to] PREFIX|default [src ADDR] [from PREFIX] [via|gw ADDR] [dev IF] [table T] [metric N] [scope S] [tos N]
/// [protocol P] [onlink] [METRIC [lock] N ...] [realms [FROM/]TO] [expires SECS] [pref low|medium|high] [no_track]</c>, where METRIC is one of <see cref="VirtualRouteMetrics"/>'s.
/// </summary>
public sealed record VirtualRoute
{
    /// <summary>The protocol of the routes (rtm_protocol): 18, <c>RTPROT_KEEPALIVED</c> (<c>ip route</c> shows <c>proto keepalived</c>), as keepalived's own.</summary>
    public const byte Protocol = 18;

    /// <summary>The destination prefix (<c>0.0.0.0/0</c> or <c>::/0</c> for <c>default</c>).</summary>
    public required VirtualAddress Destination { get; init; }

    /// <summary>The kind of route (default <see cref="VirtualRouteType.Unicast"/>).</summary>
    public VirtualRouteType Type { get; init; } = VirtualRouteType.Unicast;

    /// <summary>The next hop (<c>via</c> / <c>gw</c>), or null for a directly connected network.</summary>
    public IPAddressValue? Gateway { get; init; }

    /// <summary>The source address preferred for locally generated packets (<c>src</c>, RTA_PREFSRC), or null.</summary>
    public IPAddressValue? PreferredSource { get; init; }

    /// <summary>The source prefix of an IPv6 source-specific route (<c>from</c>, RTA_SRC), or null.</summary>
    public VirtualAddress? From { get; init; }

    /// <summary>The TOS the route matches (<c>tos</c> / <c>dsfield</c>, rtm_tos; IPv4), or 0 for any.</summary>
    public byte TypeOfService { get; init; }

    /// <summary>
    /// The route's protocol (rtm_protocol): <see cref="Protocol"/> unless a <c>no_track</c> route names another
    /// (<c>protocol</c>), as keepalived.
    /// </summary>
    public byte RouteProtocol { get; init; } = Protocol;

    /// <summary>The route's metrics (<c>mtu</c>, <c>advmss</c>, <c>rtt</c>...; RTA_METRICS), or null for none.</summary>
    public VirtualRouteMetrics? Metrics { get; init; }

    /// <summary>The outgoing interface (<c>dev</c>), or null.</summary>
    public string? Device { get; init; }

    /// <summary>The routing table (<c>table</c>, default 254, main).</summary>
    public uint Table { get; init; } = RouteWords.MainTable;

    /// <summary>The metric (<c>metric</c> / <c>priority</c> / <c>preference</c>), or null for the kernel's default.</summary>
    public uint? Metric { get; init; }

    /// <summary>The scope (<c>scope</c>), or null: keepalived's default, global (0).</summary>
    public byte? Scope { get; init; }

    /// <summary>Pretend the gateway is on the link even if no prefix says so (<c>onlink</c>).</summary>
    public bool OnLink { get; init; }

    /// <summary>
    /// The realms (<c>realms [FROM/]TO</c>, RTA_FLOW; IPv4): FROM in the high 16 bits, TO in the low 16; 0 for none
    /// (keepalived sends none then).
    /// </summary>
    public uint Realms { get; init; }

    /// <summary>The lifetime of the route in seconds (<c>expires</c>, RTA_EXPIRES; IPv6), or null for none.</summary>
    public uint? Expires { get; init; }

    /// <summary>The IPv6 router preference (<c>pref</c>, RTA_PREF: low 3, medium 0, high 1), or null.</summary>
    public byte? Preference { get; init; }

    /// <summary>The lightweight tunnel encapsulation (<c>encap ip|ip6 ...</c>), or null.</summary>
    public VirtualRouteEncap? Encap { get; init; }

    /// <summary>The paths of a multipath route (<c>nexthop ...</c>, RTA_MULTIPATH), or empty.</summary>
    public IReadOnlyList<VirtualRouteNextHop> NextHops { get; init; } = [];

    /// <summary>keepalived's <c>no_track</c>: the route's interface is not tracked (its going down does not put the instance in Fault).</summary>
    public bool NoTrack { get; init; }

    /// <summary>The address family.</summary>
    public VrrpAddressFamily Family => Destination.Family;

    /// <summary>Parses keepalived's <c>virtual_routes</c> syntax (a subset of <c>ip route</c>'s).</summary>
    /// <param name="text">For example <c>10.80.0.0/24 via 10.70.0.1 dev eth1 table 100</c>.</param>
    /// <returns>The route.</returns>
    /// <exception cref="FormatException">A word is not understood or not supported (the message names it), or the families disagree.</exception>
    public static VirtualRoute Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = RouteWords.Split(text);
        VrrpAddressFamily? family = null;
        VirtualRouteType type = VirtualRouteType.Unicast;
        string? destination = null;
        IPAddressValue? gateway = null, source = null;
        string? device = null;
        uint table = RouteWords.MainTable;
        uint? metric = null;
        byte? scope = null;
        byte tos = 0, protocol = Protocol;
        VirtualAddress? from = null;
        VirtualRouteMetrics? metrics = null;
        bool onLink = false, noTrack = false;
        uint realms = 0;
        uint? expires = null;
        byte? preference = null;
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            switch (word)
            {
                case "inet" or "inet6":
                    RouteWords.Agree(ref family, RouteWords.ParseFamilyWord(word)!.Value, $"'{word}'");
                    break;
                case "blackhole" or "unreachable" or "prohibit" or "throw" or "unicast" or "local" or "broadcast" or "anycast" or "multicast" or "nat"
                    when i == 0 || (i == 1 && family is not null && destination is null):
                    type = Enum.Parse<VirtualRouteType>(word, ignoreCase: true);
                    break;
                case "to":
                    destination = RouteWords.Next(words, ref i, word);
                    break;
                case "src":
                    source = RouteWords.ParseAddress(word, RouteWords.Next(words, ref i, word));
                    break;
                case "via" or "gw":
                    string next = RouteWords.Next(words, ref i, word);
                    if (RouteWords.ParseFamilyWord(next) is { } viaFamily)
                    {
                        RouteWords.Agree(ref family, viaFamily, $"'{word} {next}'");
                        next = RouteWords.Next(words, ref i, word);
                    }

                    gateway = RouteWords.ParseAddress(word, next);
                    break;
                case "dev" or "oif":
                    device = RouteWords.Next(words, ref i, word);
                    break;
                case "table":
                    table = RouteWords.ParseTable(RouteWords.Next(words, ref i, word));
                    break;
                case "metric" or "priority" or "preference":
                    metric = RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word));
                    break;
                case "scope":
                    scope = RouteWords.ParseScope(RouteWords.Next(words, ref i, word));
                    break;
                case "protocol":
                    // keepalived resets any other protocol to its own for routes it tracks (see below).
                    protocol = RouteWords.ParseProtocol(RouteWords.Next(words, ref i, word));
                    break;
                case "from":
                    from = RouteWords.ParsePrefix($"Route '{text}': from", RouteWords.Next(words, ref i, word));
                    RouteWords.Agree(ref family, from.Family, $"Route '{text}': from {from}");
                    if (from.Family != VrrpAddressFamily.IPv6)
                    {
                        throw new FormatException($"Route '{text}': from (a source prefix) is for IPv6 routes only, as keepalived.");
                    }

                    break;
                case "tos" or "dsfield":
                    tos = (byte)RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word), 255);
                    break;
                case var _ when VirtualRouteMetrics.IsMetric(word):
                    metrics = VirtualRouteMetrics.Read(metrics, word, words, ref i);
                    break;
                case "onlink":
                    onLink = true;
                    break;
                case "realms":
                    string[] pair = RouteWords.Next(words, ref i, word).Split('/');
                    realms = pair.Length switch
                    {
                        1 => RouteWords.ParseNumber(word, pair[0], 255),
                        2 => (RouteWords.ParseNumber(word, pair[0], 255) << 16) | RouteWords.ParseNumber(word, pair[1], 255),
                        _ => throw new FormatException($"Route '{text}': realms is [FROM/]TO."),
                    };
                    RouteWords.Agree(ref family, VrrpAddressFamily.IPv4, $"Route '{text}': realms (IPv4 only)");
                    break;
                case "expires":
                    expires = RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word));
                    RouteWords.Agree(ref family, VrrpAddressFamily.IPv6, $"Route '{text}': expires (IPv6 only)");
                    break;
                case "pref":
                    string pref = RouteWords.Next(words, ref i, word);
                    preference = pref switch { "low" => 3, "medium" => 0, "high" => 1, _ => (byte)RouteWords.ParseNumber(word, pref, 255) };
                    RouteWords.Agree(ref family, VrrpAddressFamily.IPv6, $"Route '{text}': pref (IPv6 only)");
                    break;
                case "no_track":
                    noTrack = true;
                    break;
                default:
                    if (destination is null && !IsKeyword(word))
                    {
                        destination = word;
                        break;
                    }

                    throw new FormatException($"Route '{text}': '{word}' is not supported (supported: type, to, src, from, via/gw, dev, table, metric, scope, tos, protocol, onlink, realms, expires, pref, the metrics mtu, advmss, rtt... and no_track).");
            }
        }

        if (destination is null)
        {
            throw new FormatException($"Route '{text}' has no destination.");
        }

        VirtualAddress prefix;
        if (destination == "default")
        {
            var defaultFamily = family ?? gateway?.Family ?? source?.Family ?? VrrpAddressFamily.IPv4;
            prefix = new VirtualAddress(defaultFamily == VrrpAddressFamily.IPv4 ? IPAddressValue.Parse("0.0.0.0") : IPAddressValue.Parse("::"), 0);
        }
        else
        {
            prefix = RouteWords.ParsePrefix($"Route '{text}'", destination);
        }

        RouteWords.Agree(ref family, prefix.Family, $"Route '{text}': the destination {destination}");
        if (gateway is { } g)
        {
            RouteWords.Agree(ref family, g.Family, $"Route '{text}': the gateway {g}");
        }

        if (source is { } s)
        {
            RouteWords.Agree(ref family, s.Family, $"Route '{text}': the source {s}");
        }

        if (type is VirtualRouteType.Blackhole or VirtualRouteType.Unreachable or VirtualRouteType.Prohibit or VirtualRouteType.Throw or VirtualRouteType.Nat && gateway is not null)
        {
            throw new FormatException($"Route '{text}': a {type.ToString().ToLowerInvariant()} route has no gateway.");
        }

        return new VirtualRoute
        {
            Destination = prefix,
            Type = type,
            Gateway = gateway,
            PreferredSource = source,
            Device = device,
            Table = table,
            Metric = metric,
            Scope = scope,
            OnLink = onLink,
            NoTrack = noTrack,
            From = from,
            TypeOfService = tos,
            RouteProtocol = noTrack ? protocol : Protocol,
            Metrics = metrics,
            Realms = realms,
            Expires = expires,
            Preference = preference,
        };
    }

    /// <summary>The route in keepalived's (and <c>ip route</c>'s) syntax.</summary>
    /// <returns>For example <c>10.80.0.0/24 via 10.70.0.1 dev eth1 table 100</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Type != VirtualRouteType.Unicast)
        {
            text.Append(Type.ToString().ToLowerInvariant()).Append(' ');
        }

        text.Append(Destination.PrefixLength == 0 && Destination.Address.IsUnspecified ? (Family == VrrpAddressFamily.IPv4 ? "default" : "inet6 default") : Destination.ToString());
        Append(text, "src", PreferredSource?.ToString());
        Append(text, "from", From?.ToString());
        Append(text, "via", Gateway?.ToString());
        Append(text, "dev", Device);
        Append(text, "table", Table == RouteWords.MainTable ? null : RouteWords.TableName(Table));
        Append(text, "metric", Metric?.ToString(CultureInfo.InvariantCulture));
        Append(text, "scope", Scope is { } scope ? RouteWords.ScopeName(scope) : null);
        Append(text, "tos", TypeOfService == 0 ? null : TypeOfService.ToString(CultureInfo.InvariantCulture));
        Append(text, "encap", Encap?.ToString());
        Append(text, "protocol", RouteProtocol == Protocol ? null : RouteProtocol.ToString(CultureInfo.InvariantCulture));
        if (OnLink)
        {
            text.Append(" onlink");
        }

        Metrics?.Append(text);
        Append(text, "realms", Realms == 0 ? null : Realms >> 16 != 0 ? $"{Realms >> 16}/{Realms & 0xffff}" : (Realms & 0xffff).ToString(CultureInfo.InvariantCulture));
        Append(text, "expires", Expires?.ToString(CultureInfo.InvariantCulture));
        Append(text, "pref", Preference switch { null => null, 3 => "low", 0 => "medium", 1 => "high", { } p => p.ToString(CultureInfo.InvariantCulture) });

        if (NoTrack)
        {
            text.Append(" no_track");
        }

        foreach (var hop in NextHops)
        {
            text.Append(" nexthop");
            Append(text, "via", hop.Gateway?.ToString());
            Append(text, "dev", hop.Device);
            Append(text, "weight", hop.Weight?.ToString(CultureInfo.InvariantCulture));
            if (hop.OnLink)
            {
                text.Append(" onlink");
            }

            Append(text, "encap", hop.Encap?.ToString());
            Append(text, "realms", hop.Realms == 0 ? null : hop.Realms >> 16 != 0 ? $"{hop.Realms >> 16}/{hop.Realms & 0xffff}" : (hop.Realms & 0xffff).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Routes are equal when they are the same route: every option and next hop (in order) the same.</summary>
    /// <param name="other">The other route.</param>
    /// <returns>True when they are equal.</returns>
    public bool Equals(VirtualRoute? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static void Append(StringBuilder text, string keyword, string? value)
    {
        if (value is not null)
        {
            text.Append(' ').Append(keyword).Append(' ').Append(value);
        }
    }

    private static bool IsKeyword(string word) => word is "realms" or "nexthop" or "or" or "encap" or "expires" or "pref" or "as" or "ttl-propagate"
        or "track_group" or "add" or "append" or "prepend" or "vrf";
}
