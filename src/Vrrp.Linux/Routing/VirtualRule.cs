using System.Globalization;
using System.Text;

namespace Vrrp.Linux.Routing;

/// <summary>What a policy rule does when it matches (fib_rule_hdr action, linux/fib_rules.h).</summary>
public enum VirtualRuleAction : byte
{
    /// <summary>Look the destination up in <see cref="VirtualRule.Table"/> (<c>table</c> / <c>lookup</c>).</summary>
    Table = 1,

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
/// [tos N] [priority N] table T|blackhole|unreachable|prohibit [no_track]</c>.
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
                case "blackhole" or "unreachable" or "prohibit":
                    SetAction(ref action, ParseAction(word, text), text);
                    break;
                case "no_track":
                    noTrack = true;
                    break;
                default:
                    throw new FormatException($"Rule '{text}': '{word}' is not supported (supported: inet, inet6, from, to, not, iif, oif, fwmark, tos, priority, table, blackhole, unreachable, prohibit, no_track).");
            }
        }

        if (action is null)
        {
            throw new FormatException($"Rule '{text}' has no action (table T, blackhole, unreachable or prohibit).");
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

        text.Append(Action == VirtualRuleAction.Table ? " table " + RouteWords.TableName(Table) : " " + Action.ToString().ToLowerInvariant());
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
        _ => throw new FormatException($"Rule '{text}': the action '{word}' is not supported (table, blackhole, unreachable, prohibit)."),
    };

    private static void SetAction(ref VirtualRuleAction? action, VirtualRuleAction value, string text)
    {
        if (action is not null)
        {
            throw new FormatException($"Rule '{text}' has more than one action.");
        }

        action = value;
    }
}
