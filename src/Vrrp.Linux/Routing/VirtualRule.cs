using System.Globalization;
using System.Text;

namespace Vrrp.Linux.Routing;

/// <summary>What a policy rule does when it matches (fib_rule_hdr action, linux/fib_rules.h).</summary>
public enum VirtualRuleAction : byte
{
    /// <summary>Look the destination up in <see cref="VirtualRule.Table"/> (<c>table</c> / <c>lookup</c>).</summary>
    Table = 1,

    /// <summary>Go on at the rule of priority <see cref="VirtualRule.GotoTarget"/> (<c>goto</c>).</summary>
    Goto = 2,

    /// <summary>Do nothing (<c>nop</c>).</summary>
    Nop = 3,

    /// <summary>Drop silently.</summary>
    Blackhole = 6,

    /// <summary>Drop with ICMP network unreachable.</summary>
    Unreachable = 7,

    /// <summary>Drop with ICMP administratively prohibited.</summary>
    Prohibit = 8,
}

/// <summary>
/// A policy routing rule installed while the instance is master and removed when it is not (keepalived's
/// <c>virtual_rules</c>), through rtnetlink (RTM_NEWRULE / RTM_DELRULE) with protocol <see cref="VirtualRoute.Protocol"/>,
/// so that a rule left by a crashed run is recognised and removed at the next start. Written as keepalived does
/// (<see cref="Parse"/>): <c>[inet|inet6] [from PREFIX|all] [to PREFIX|all] [not] [iif IF] [oif IF] [fwmark N[/M]]
/// [tos N] [priority N] [ipproto P] [sport N[-M]] [dport N[-M]] [uidrange N-M] [suppress_prefixlength N] [protocol N]
/// table T|goto N|nop|blackhole|unreachable|prohibit [no_track]</c>.
/// </summary>
public sealed record VirtualRule
{
    /// <summary>The address family (from the prefixes, or <c>inet</c> / <c>inet6</c>; IPv4 when nothing says).</summary>
    public VrrpAddressFamily Family { get; init; } = VrrpAddressFamily.IPv4;

    /// <summary>The source prefix matched (<c>from</c>), or null for all.</summary>
    public VirtualAddress? From { get; init; }

    /// <summary>The destination prefix matched (<c>to</c>), or null for all.</summary>
    public VirtualAddress? To { get; init; }

    /// <summary>Match what the selectors do not match (<c>not</c>).</summary>
    public bool Invert { get; init; }

    /// <summary>The incoming interface matched (<c>iif</c> / <c>dev</c>), or null.</summary>
    public string? InputInterface { get; init; }

    /// <summary>The outgoing interface matched (<c>oif</c>), or null.</summary>
    public string? OutputInterface { get; init; }

    /// <summary>The firewall mark matched (<c>fwmark</c>), or null.</summary>
    public uint? FirewallMark { get; init; }

    /// <summary>The mask of <see cref="FirewallMark"/> (<c>fwmark N/M</c>), or null for all bits.</summary>
    public uint? FirewallMask { get; init; }

    /// <summary>The TOS matched (<c>tos</c> / <c>dsfield</c>), or 0 for any.</summary>
    public byte TypeOfService { get; init; }

    /// <summary>The rule's priority (<c>priority</c> / <c>preference</c> / <c>order</c>), or null for the kernel's choice.</summary>
    public uint? Priority { get; init; }

    /// <summary>What the rule does.</summary>
    public VirtualRuleAction Action { get; init; } = VirtualRuleAction.Table;

    /// <summary>The table looked up for <see cref="VirtualRuleAction.Table"/>.</summary>
    public uint Table { get; init; }

    /// <summary>
    /// Look the destination up in the table of the packet's L3 master device (VRF) (<c>l3mdev</c>, FRA_L3MDEV; the
    /// action is <see cref="VirtualRuleAction.Table"/> with no table).
    /// </summary>
    public bool L3MasterDevice { get; init; }

    /// <summary>The priority of the rule that <see cref="VirtualRuleAction.Goto"/> jumps to (<c>goto N</c>, FRA_GOTO).</summary>
    public uint? GotoTarget { get; init; }

    /// <summary>The IP protocol matched (<c>ipproto</c>, FRA_IP_PROTO: 6 for tcp, 17 for udp...), or null.</summary>
    public byte? IPProtocol { get; init; }

    /// <summary>The source port range matched (<c>sport N[-M]</c>, FRA_SPORT_RANGE), or null.</summary>
    public (ushort Start, ushort End)? SourcePorts { get; init; }

    /// <summary>The destination port range matched (<c>dport N[-M]</c>, FRA_DPORT_RANGE), or null.</summary>
    public (ushort Start, ushort End)? DestinationPorts { get; init; }

    /// <summary>The user id range matched (<c>uidrange N-M</c>, FRA_UID_RANGE), or null.</summary>
    public (uint Start, uint End)? UidRange { get; init; }

    /// <summary>For <see cref="VirtualRuleAction.Table"/>: ignore routes with this prefix length or shorter (<c>suppress_prefixlength</c>, FRA_SUPPRESS_PREFIXLEN), or null.</summary>
    public int? SuppressPrefixLength { get; init; }

    /// <summary>
    /// The rule's protocol (FRA_PROTOCOL): <see cref="VirtualRoute.Protocol"/> unless a <c>no_track</c> rule names
    /// another (<c>protocol N</c>) or none (null), as keepalived.
    /// </summary>
    public byte? RuleProtocol { get; init; } = VirtualRoute.Protocol;

    /// <summary>keepalived's <c>no_track</c>: the rule's interfaces are not tracked.</summary>
    public bool NoTrack { get; init; }

    /// <summary>Parses keepalived's <c>virtual_rules</c> syntax (a subset of <c>ip rule</c>'s).</summary>
    /// <param name="text">For example <c>from 10.90.0.0/24 table 100</c>.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="FormatException">A word is not understood or not supported (the message names it), the families disagree, or there is no action.</exception>
    public static VirtualRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = RouteWords.Split(text);
        VrrpAddressFamily? family = null;
        VirtualAddress? from = null, to = null;
        bool invert = false, noTrack = false;
        string? iif = null, oif = null;
        uint? mark = null, mask = null, priority = null;
        byte tos = 0;
        VirtualRuleAction? action = null;
        uint table = 0;
        uint? gotoTarget = null;
        byte? ipProtocol = null, protocol = null;
        (ushort, ushort)? sport = null, dport = null;
        (uint, uint)? uids = null;
        int? suppress = null;
        bool l3mdev = false;
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            switch (word)
            {
                case "inet" or "inet6":
                    RouteWords.Agree(ref family, RouteWords.ParseFamilyWord(word)!.Value, $"Rule '{text}': '{word}'");
                    break;
                case "from" or "to":
                    string value = RouteWords.Next(words, ref i, word);
                    if (value != "all")
                    {
                        var prefix = RouteWords.ParsePrefix($"Rule '{text}'", value);
                        RouteWords.Agree(ref family, prefix.Family, $"Rule '{text}': {word} {value}");
                        if (word == "from")
                        {
                            from = prefix;
                        }
                        else
                        {
                            to = prefix;
                        }
                    }

                    break;
                case "not":
                    invert = true;
                    break;
                case "iif" or "dev":
                    iif = RouteWords.Next(words, ref i, word);
                    break;
                case "oif":
                    oif = RouteWords.Next(words, ref i, word);
                    break;
                case "fwmark":
                    string fwmark = RouteWords.Next(words, ref i, word);
                    int slash = fwmark.IndexOf('/', StringComparison.Ordinal);
                    mark = RouteWords.ParseNumber(word, slash < 0 ? fwmark : fwmark[..slash]);
                    mask = slash < 0 ? null : RouteWords.ParseNumber(word, fwmark[(slash + 1)..]);
                    break;
                case "tos" or "dsfield":
                    tos = (byte)RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word), 255);
                    break;
                case "priority" or "preference" or "order":
                    priority = RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word));
                    break;
                case "table" or "lookup":
                    SetAction(ref action, VirtualRuleAction.Table, text);
                    table = RouteWords.ParseTable(RouteWords.Next(words, ref i, word));
                    break;
                case "type":
                    string kind = RouteWords.Next(words, ref i, word);
                    SetAction(ref action, ParseAction(kind, text), text);
                    break;
                case "l3mdev":
                    SetAction(ref action, VirtualRuleAction.Table, text);
                    l3mdev = true;
                    break;
                case "blackhole" or "unreachable" or "prohibit" or "nop":
                    SetAction(ref action, ParseAction(word, text), text);
                    break;
                case "goto":
                    SetAction(ref action, VirtualRuleAction.Goto, text);
                    gotoTarget = RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word));
                    break;
                case "ipproto":
                    ipProtocol = ParseIPProtocol(RouteWords.Next(words, ref i, word));
                    break;
                case "sport" or "dport":
                    var (low, high) = ParseRange(word, RouteWords.Next(words, ref i, word), ushort.MaxValue, single: true);
                    if (word == "sport")
                    {
                        sport = ((ushort)low, (ushort)high);
                    }
                    else
                    {
                        dport = ((ushort)low, (ushort)high);
                    }

                    break;
                case "uidrange":
                    uids = ParseRange(word, RouteWords.Next(words, ref i, word), uint.MaxValue, single: false);
                    break;
                case "suppress_prefixlength" or "sup_pl":
                    suppress = (int)RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word), int.MaxValue);
                    break;
                case "protocol":
                    protocol = (byte)RouteWords.ParseNumber(word, RouteWords.Next(words, ref i, word), 255);
                    break;
                case "no_track":
                    noTrack = true;
                    break;
                default:
                    throw new FormatException($"Rule '{text}': '{word}' is not supported (supported: inet, inet6, from, to, not, iif, oif, fwmark, tos, priority, ipproto, sport, dport, uidrange, suppress_prefixlength, protocol, table, goto, nop, blackhole, unreachable, prohibit, no_track).");
            }
        }

        if (action is null)
        {
            throw new FormatException($"Rule '{text}' has no action (table T, goto N, nop, blackhole, unreachable or prohibit).");
        }

        if (action == VirtualRuleAction.Goto && (priority is null || priority >= gotoTarget))
        {
            throw new FormatException($"Rule '{text}': goto needs a priority lower than its target, as keepalived.");
        }

        if (action != VirtualRuleAction.Table && suppress is not null)
        {
            throw new FormatException($"Rule '{text}': suppress_prefixlength is for the table action only.");
        }

        return new VirtualRule
        {
            Family = family ?? VrrpAddressFamily.IPv4,
            From = from,
            To = to,
            Invert = invert,
            InputInterface = iif,
            OutputInterface = oif,
            FirewallMark = mark,
            FirewallMask = mask,
            TypeOfService = tos,
            Priority = priority,
            Action = action.Value,
            Table = table,
            NoTrack = noTrack,
            GotoTarget = gotoTarget,
            IPProtocol = ipProtocol,
            SourcePorts = sport,
            DestinationPorts = dport,
            UidRange = uids,
            SuppressPrefixLength = suppress,
            L3MasterDevice = l3mdev,

            // keepalived: a tracked rule always gets its own protocol; a no_track one the protocol it names, if any.
            RuleProtocol = noTrack ? protocol : VirtualRoute.Protocol,
        };
    }

    /// <summary>The rule in keepalived's (and <c>ip rule</c>'s) syntax.</summary>
    /// <returns>For example <c>from 10.90.0.0/24 table 100</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (Family == VrrpAddressFamily.IPv6 && From is null && To is null)
        {
            text.Append("inet6 ");
        }

        if (Invert)
        {
            text.Append("not ");
        }

        text.Append("from ").Append(From?.ToString() ?? "all");
        if (To is { } to)
        {
            text.Append(" to ").Append(to);
        }

        if (InputInterface is not null)
        {
            text.Append(" iif ").Append(InputInterface);
        }

        if (OutputInterface is not null)
        {
            text.Append(" oif ").Append(OutputInterface);
        }

        if (FirewallMark is { } mark)
        {
            text.Append(" fwmark 0x").Append(mark.ToString("x", CultureInfo.InvariantCulture));
            if (FirewallMask is { } mask)
            {
                text.Append("/0x").Append(mask.ToString("x", CultureInfo.InvariantCulture));
            }
        }

        if (TypeOfService != 0)
        {
            text.Append(" tos ").Append(TypeOfService.ToString(CultureInfo.InvariantCulture));
        }

        if (Priority is { } priority)
        {
            text.Append(" priority ").Append(priority.ToString(CultureInfo.InvariantCulture));
        }

        if (IPProtocol is { } ipProtocol)
        {
            text.Append(" ipproto ").Append(ipProtocol.ToString(CultureInfo.InvariantCulture));
        }

        if (SourcePorts is { } sportRange)
        {
            text.Append(CultureInfo.InvariantCulture, $" sport {sportRange.Start}-{sportRange.End}");
        }

        if (DestinationPorts is { } dportRange)
        {
            text.Append(CultureInfo.InvariantCulture, $" dport {dportRange.Start}-{dportRange.End}");
        }

        if (UidRange is { } uidsRange)
        {
            text.Append(CultureInfo.InvariantCulture, $" uidrange {uidsRange.Start}-{uidsRange.End}");
        }

        if (SuppressPrefixLength is { } suppress)
        {
            text.Append(" suppress_prefixlength ").Append(suppress.ToString(CultureInfo.InvariantCulture));
        }

        if (NoTrack && RuleProtocol is { } protocol)
        {
            text.Append(" protocol ").Append(protocol.ToString(CultureInfo.InvariantCulture));
        }

        text.Append(Action switch
        {
            VirtualRuleAction.Table => L3MasterDevice ? " l3mdev" : " table " + RouteWords.TableName(Table),
            VirtualRuleAction.Goto => " goto " + GotoTarget?.ToString(CultureInfo.InvariantCulture),
            _ => " " + Action.ToString().ToLowerInvariant(),
        });
        if (NoTrack)
        {
            text.Append(" no_track");
        }

        return text.ToString();
    }

    private static VirtualRuleAction ParseAction(string word, string text) => word switch
    {
        "blackhole" => VirtualRuleAction.Blackhole,
        "unreachable" => VirtualRuleAction.Unreachable,
        "prohibit" => VirtualRuleAction.Prohibit,
        "nop" => VirtualRuleAction.Nop,
        _ => throw new FormatException($"Rule '{text}': the action '{word}' is not supported (table, goto, nop, blackhole, unreachable, prohibit)."),
    };

    /// <summary>An IP protocol: a number 0..255 or tcp, udp, icmp, icmpv6, sctp, dccp, gre, esp, ah.</summary>
    internal static byte ParseIPProtocol(string word) => word switch
    {
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        "dccp" => 33,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "icmpv6" or "ipv6-icmp" => 58,
        "sctp" => 132,
        _ => (byte)RouteWords.ParseNumber("ipproto", word, 255),
    };

    private static (uint Start, uint End) ParseRange(string keyword, string word, uint max, bool single)
    {
        int dash = word.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 && !single)
        {
            throw new FormatException($"{keyword}: '{word}' is not a range N-M.");
        }

        uint low = RouteWords.ParseNumber(keyword, dash < 0 ? word : word[..dash], max);
        uint high = dash < 0 ? low : RouteWords.ParseNumber(keyword, word[(dash + 1)..], max);
        return low <= high ? (low, high) : throw new FormatException($"{keyword}: '{word}' ends before it starts.");
    }

    private static void SetAction(ref VirtualRuleAction? action, VirtualRuleAction value, string text)
    {
        if (action is not null)
        {
            throw new FormatException($"Rule '{text}' has more than one action.");
        }

        action = value;
    }
}
