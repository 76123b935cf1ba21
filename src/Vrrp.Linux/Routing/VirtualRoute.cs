using System.Globalization;
using System.Text;

namespace Vrrp.Linux.Routing;

/// <summary>The kind of a route (rtm_type, linux/rtnetlink.h): where its packets go.</summary>
public enum VirtualRouteType : byte
{
    /// <summary>A gateway or a directly connected network (the default).</summary>
    Unicast = 1,

    /// <summary>Dropped silently.</summary>
    Blackhole = 6,

    /// <summary>Dropped with ICMP host unreachable.</summary>
    Unreachable = 7,

    /// <summary>Dropped with ICMP administratively prohibited.</summary>
    Prohibit = 8,

    /// <summary>Lookup goes on in the next table (policy routing).</summary>
    Throw = 9,
}

/// <summary>
/// A route installed while the instance is master and removed when it is not (keepalived's <c>virtual_routes</c>),
/// through rtnetlink (RTM_NEWROUTE / RTM_DELROUTE) with protocol <see cref="Protocol"/>, so that a route left by a
/// crashed run is recognised and removed at the next start. Write it as keepalived does (<see cref="Parse"/>):
/// <c>[TYPE] [to] PREFIX|default [src ADDR] [via|gw ADDR] [dev IF] [table T] [metric N] [scope S] [onlink] [no_track]</c>.
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
        bool onLink = false, noTrack = false;
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            switch (word)
            {
                case "inet" or "inet6":
                    RouteWords.Agree(ref family, RouteWords.ParseFamilyWord(word)!.Value, $"'{word}'");
                    break;
                case "blackhole" or "unreachable" or "prohibit" or "throw" or "unicast" when i == 0 || (i == 1 && family is not null && destination is null):
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
                    // keepalived resets any other protocol to its own for routes it tracks; so do we, always.
                    RouteWords.Next(words, ref i, word);
                    break;
                case "onlink":
                    onLink = true;
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

                    throw new FormatException($"Route '{text}': '{word}' is not supported (supported: type, to, src, via/gw, dev, table, metric, scope, onlink, no_track).");
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

        if (type != VirtualRouteType.Unicast && gateway is not null)
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
        Append(text, "via", Gateway?.ToString());
        Append(text, "dev", Device);
        Append(text, "table", Table == RouteWords.MainTable ? null : RouteWords.TableName(Table));
        Append(text, "metric", Metric?.ToString(CultureInfo.InvariantCulture));
        Append(text, "scope", Scope is { } scope ? RouteWords.ScopeName(scope) : null);
        if (OnLink)
        {
            text.Append(" onlink");
        }

        if (NoTrack)
        {
            text.Append(" no_track");
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string keyword, string? value)
    {
        if (value is not null)
        {
            text.Append(' ').Append(keyword).Append(' ').Append(value);
        }
    }

    private static bool IsKeyword(string word) => word is "from" or "tos" or "dsfield" or "realms" or "nexthop" or "or" or "encap" or "mtu" or "advmss"
        or "expires" or "hoplimit" or "rtt" or "rttvar" or "window" or "cwnd" or "ssthresh" or "initcwnd" or "initrwnd" or "features" or "quickack"
        or "congctl" or "pref" or "as" or "rto_min" or "reordering" or "fastopen_no_cookie" or "ttl-propagate" or "track_group" or "add" or "append" or "prepend";
}
