using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Vrrp.Hosting;

/// <summary>
/// One entry of <see cref="VrrpInstanceOptions.VirtualRules"/> in keepalived's syntax, parsed: <c>[from ADDR/LEN|all]
/// [to ADDR/LEN|all] [priority N] [tos N] [fwmark N[/MASK]] [iif IF] [oif IF] [protocol P] [ipproto P] [sport N[-M]]
/// [dport N[-M]] [uidrange N-M] [suppress_prefixlength N] [no_track] ACTION</c>, where ACTION is <c>table T</c> (or
/// <c>lookup T</c>), <c>goto N</c>, <c>nop</c>, <c>blackhole</c>, <c>unreachable</c>, <c>prohibit</c> or
/// <c>l3mdev</c>. The master adds its rules; they are removed when it leaves Master.
/// </summary>
/// <remarks>The words mean what they mean to <c>ip rule</c>. A rule without a priority gets one from the keepalived.conf reader, as keepalived does.</remarks>
public sealed class VirtualRuleSpec
{
    private static readonly string[] s_actions = ["blackhole", "unreachable", "prohibit", "nop", "l3mdev"];

    private VirtualRuleSpec()
    {
    }

    /// <summary>The address family of the rule.</summary>
    public VrrpAddressFamily Family { get; private set; } = VrrpAddressFamily.IPv4;

    /// <summary>The source prefix (<c>from</c>), or null for all.</summary>
    public VirtualAddress? From { get; private set; }

    /// <summary>The destination prefix (<c>to</c>), or null for all.</summary>
    public VirtualAddress? To { get; private set; }

    /// <summary>What the rule does: <c>table</c>, <c>goto</c>, <c>nop</c>, <c>blackhole</c>, <c>unreachable</c>, <c>prohibit</c> or <c>l3mdev</c>.</summary>
    public string Action { get; private set; } = "table";

    /// <summary>The table to look up for the <c>table</c> action, or null.</summary>
    public uint? Table { get; private set; }

    /// <summary>The rule to jump to for the <c>goto</c> action, or null.</summary>
    public uint? GotoTarget { get; private set; }

    /// <summary>The rule's priority (<c>priority</c>, <c>preference</c>, <c>order</c>), or null when not given.</summary>
    public uint? Priority { get; private set; }

    /// <summary>The TOS / DS field to match (<c>tos</c>, <c>dsfield</c>), or null.</summary>
    public byte? Tos { get; private set; }

    /// <summary>The firewall mark to match (<c>fwmark</c>), or null.</summary>
    public uint? FirewallMark { get; private set; }

    /// <summary>The mask of <see cref="FirewallMark"/> (<c>fwmark N/MASK</c>), or null for all bits.</summary>
    public uint? FirewallMask { get; private set; }

    /// <summary>The input interface to match (<c>iif</c>, <c>dev</c>), or null.</summary>
    public string? InputInterface { get; private set; }

    /// <summary>The output interface to match (<c>oif</c>), or null.</summary>
    public string? OutputInterface { get; private set; }

    /// <summary>
    /// The routing protocol of the rule (<c>protocol N</c>, a number, as keepalived 2.2.7 reads it), or null. A tracked
    /// rule always gets keepalived's (18); a <c>no_track</c> one this one, or none.
    /// </summary>
    public string? Protocol { get; private set; }

    /// <summary>The IP protocol to match (<c>ipproto</c>: tcp, udp, icmp, ipv6-icmp, sctp, dccp, gre, esp, ah or a number 0..127, as keepalived 2.2.7 reads it), or null.</summary>
    public string? IPProtocol { get; private set; }

    /// <summary>The source port range to match (<c>sport N[-M]</c>, kept as <c>N-M</c>), or null.</summary>
    public string? SourcePorts { get; private set; }

    /// <summary>The destination port range to match (<c>dport N[-M]</c>, kept as <c>N-M</c>), or null.</summary>
    public string? DestinationPorts { get; private set; }

    /// <summary>The user id range to match (<c>uidrange N-M</c>), or null.</summary>
    public string? UidRange { get; private set; }

    /// <summary>Routes with a prefix this long or shorter are not used (<c>suppress_prefixlength</c>), or null.</summary>
    public int? SuppressPrefixLength { get; private set; }

    /// <summary>
    /// The static track group whose instances track the rule's input interface (<c>track_group NAME</c>, with
    /// <c>iif</c>; for <see cref="VrrpOptions.StaticRules"/> only, as keepalived), or null.
    /// </summary>
    public string? TrackGroup { get; private set; }

    /// <summary>The rule's interfaces going down do not put the instance in Fault (<c>no_track</c>).</summary>
    public bool NoTrack { get; private set; }

    /// <summary>Parses an entry.</summary>
    /// <param name="text">For example <c>from 10.90.0.0/24 table 100 priority 1000</c>.</param>
    /// <param name="value">The entry, when it is valid.</param>
    /// <param name="error">What is wrong otherwise.</param>
    /// <returns>True when the entry is valid.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out VirtualRuleSpec? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var r = new WordReader(text);
        var rule = new VirtualRuleSpec();
        VrrpAddressFamily? family = null;
        bool haveAction = false;
        while (!r.AtEnd && r.Error is null)
        {
            string word = r.Take();
            switch (word)
            {
                case "from" or "to" when r.TryValue(word, out string prefix):
                    if (prefix is "all" or "any" or "default")
                    {
                        break;
                    }

                    if (!RoutingWords.TryParsePrefix(prefix, out var address, out string? prefixError) || (family ??= address.Family) != address.Family)
                    {
                        r.Fail(prefixError is null ? "a rule cannot mix IPv4 and IPv6 addresses" : $"{word} '{prefix}': {prefixError}");
                    }
                    else if (word == "from")
                    {
                        rule.From = address;
                    }
                    else
                    {
                        rule.To = address;
                    }

                    break;
                case "table" or "lookup" when r.TryValue(word, out string table):
                    if (!RoutingWords.TryParseTable(table, out uint t) || t == 0)
                    {
                        r.Fail($"{word} '{table}': expected main, local, default or a number other than 0");
                    }

                    SetAction(r, ref haveAction, rule, "table");
                    rule.Table = t;
                    break;
                case "goto" when r.TryValue(word, out string target):
                    rule.GotoTarget = Number(r, word, target, uint.MaxValue);
                    SetAction(r, ref haveAction, rule, "goto");
                    break;
                case "priority" or "preference" or "pref" or "order" when r.TryValue(word, out string priority):
                    rule.Priority = Number(r, word, priority, uint.MaxValue);
                    break;
                case "tos" or "dsfield" when r.TryValue(word, out string tos):
                    rule.Tos = RoutingWords.TryParseTos(tos, out byte b) ? b : Fail<byte?>(r, $"{word} '{tos}': expected a number 0..255");
                    break;
                case "fwmark" when r.TryValue(word, out string mark):
                    int slash = mark.IndexOf('/');
                    rule.FirewallMark = Number(r, word, slash < 0 ? mark : mark[..slash], uint.MaxValue);
                    rule.FirewallMask = slash < 0 ? null : Number(r, "fwmark mask", mark[(slash + 1)..], uint.MaxValue);
                    break;
                case "iif" or "dev" or "oif" when r.TryValue(word, out string device):
                    if (!RoutingWords.IsInterfaceName(device))
                    {
                        r.Fail($"{word} '{device}' is not an interface name");
                    }
                    else if (word == "oif")
                    {
                        rule.OutputInterface = device;
                    }
                    else
                    {
                        rule.InputInterface = device;
                    }

                    break;
                case "protocol" when r.TryValue(word, out string protocol):
                    // keepalived 2.2.7 reads a number only here (a name is a configuration error it skips).
                    rule.Protocol = RoutingWords.TryParseNumber(protocol, 255, out uint p) && !protocol.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                        ? p.ToString(CultureInfo.InvariantCulture) : Fail<string>(r, $"protocol '{protocol}': expected a number 0..255 (keepalived 2.2.7 reads no names here)");
                    break;
                case "ipproto" when r.TryValue(word, out string ipproto):
                    // keepalived 2.2.7 reads a decimal number up to 127 (INT8_MAX) or a name of /etc/protocols.
                    rule.IPProtocol = ipproto is "tcp" or "udp" or "icmp" or "ipv6-icmp" or "sctp" or "dccp" or "gre" or "esp" or "ah" ||
                        (uint.TryParse(ipproto, NumberStyles.None, CultureInfo.InvariantCulture, out uint number) && number <= 127)
                        ? ipproto : Fail<string>(r, $"ipproto '{ipproto}': expected tcp, udp, icmp, ipv6-icmp, sctp, dccp, gre, esp, ah or a number 0..127 (keepalived 2.2.7 reads no larger number here)");
                    break;
                case "sport" or "dport" when r.TryValue(word, out string ports):
                    if (!IsRange(ports, 65535))
                    {
                        r.Fail($"{word} '{ports}': expected a port or a range N-M");
                    }
                    else
                    {
                        // keepalived 2.2.7 reads only N-M here (its single-port branch ends in an error): written as a range.
                        ports = ports.Contains('-', StringComparison.Ordinal) ? ports : $"{ports}-{ports}";
                        if (word == "sport")
                        {
                            rule.SourcePorts = ports;
                        }
                        else
                        {
                            rule.DestinationPorts = ports;
                        }
                    }

                    break;
                case "uidrange" when r.TryValue(word, out string uids):
                    rule.UidRange = uids.Contains('-', StringComparison.Ordinal) && IsRange(uids, uint.MaxValue) ? uids : Fail<string>(r, $"uidrange '{uids}': expected N-M");
                    break;
                case "suppress_prefixlength" or "sup_pl" when r.TryValue(word, out string length):
                    rule.SuppressPrefixLength = (int?)Number(r, word, length, 128);
                    break;
                case "no_track":
                    rule.NoTrack = true;
                    break;
                case "type" when r.TryValue(word, out string type):
                    ReadAction(type);
                    break;
                case "inet" or "inet6":
                    r.Fail($"'{word}': leave it out (the family comes from the addresses)");
                    break;
                case "track_group" when r.TryValue(word, out string group):
                    rule.TrackGroup = rule.TrackGroup is null ? group : Fail<string>(r, "'track_group' is given twice");
                    break;
                case "realms" or "suppress_ifgroup" or "sup_group" or "tunnel-id":
                    r.Fail($"rule option '{word}' is not supported by Vrrp");
                    break;
                default:
                    if (r.Error is null)
                    {
                        ReadAction(word); // (an option whose value is missing comes here too, with its error set)
                    }

                    break;
            }
        }

        if (r.Error is null && !haveAction)
        {
            r.Fail("no action: a rule needs table T, goto N, nop, blackhole, unreachable, prohibit or l3mdev");
        }

        if (r.Error is null && rule.Action == "goto" && (rule.Priority is null || rule.Priority >= rule.GotoTarget))
        {
            r.Fail(rule.Priority is null ? "goto needs the rule's own priority" : $"priority {rule.Priority} must be lower than the goto target {rule.GotoTarget}");
        }

        if (r.Error is null && rule.Action != "table" && rule.SuppressPrefixLength is not null)
        {
            r.Fail("suppress_prefixlength is for the table action only");
        }

        if (r.Error is not null)
        {
            error = r.Error;
            return false;
        }

        rule.Family = family ?? VrrpAddressFamily.IPv4;
        value = rule;
        error = null;
        return true;

        void ReadAction(string word)
        {
            if (s_actions.Contains(word))
            {
                SetAction(r, ref haveAction, rule, word);
            }
            else
            {
                r.Fail($"'{word}' is not a rule option or action");
            }
        }

        static void SetAction(WordReader r, ref bool haveAction, VirtualRuleSpec rule, string action)
        {
            if (haveAction)
            {
                r.Fail("a rule takes one of table, nop, goto, blackhole, prohibit, unreachable and l3mdev");
            }

            haveAction = true;
            rule.Action = action;
        }

        static uint? Number(WordReader r, string option, string text, uint max) =>
            RoutingWords.TryParseNumber(text, max, out uint value) ? value : Fail<uint?>(r, $"{option} '{text}' is not a number 0..{max}");

        static bool IsRange(string text, uint max)
        {
            string[] parts = text.Split('-');
            return parts.Length <= 2 && parts.All(p => uint.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out uint n) && n <= max);
        }

        static T Fail<T>(WordReader r, string message)
        {
            r.Fail(message);
            return default!;
        }
    }

    /// <summary>Parses an entry.</summary>
    /// <param name="text">For example <c>from 10.90.0.0/24 table 100</c>.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="FormatException">The entry is not valid; the message says why.</exception>
    public static VirtualRuleSpec Parse(string text) =>
        TryParse(text, out var value, out string? error) ? value : throw new FormatException($"'{text}': {error}");

    /// <summary>A copy with a priority (what the keepalived.conf reader gives a rule without one).</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>The copy.</returns>
    public VirtualRuleSpec WithPriority(uint priority)
    {
        var copy = (VirtualRuleSpec)MemberwiseClone();
        copy.Priority = priority;
        return copy;
    }

    /// <summary>The entry in keepalived's syntax, each option once, the action last.</summary>
    /// <returns>For example <c>from 10.90.0.0/24 priority 1000 table 100</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append("from", From?.ToString());
        Append("to", To?.ToString());
        Append("priority", Priority?.ToString(CultureInfo.InvariantCulture));
        Append("tos", Tos is byte tos ? $"0x{tos:x}" : null);
        Append("fwmark", FirewallMark is uint mark ? (FirewallMask is uint mask ? $"0x{mark:x}/0x{mask:x}" : $"0x{mark:x}") : null);
        Append("iif", InputInterface);
        Append("oif", OutputInterface);
        Append("protocol", Protocol);
        Append("ipproto", IPProtocol);
        Append("sport", SourcePorts);
        Append("dport", DestinationPorts);
        Append("uidrange", UidRange);
        Append("suppress_prefixlength", SuppressPrefixLength?.ToString(CultureInfo.InvariantCulture));
        if (NoTrack)
        {
            Append("no_track", "");
        }

        Append("track_group", TrackGroup);

        Append(Action, Action switch
        {
            "table" => Table!.Value.ToString(CultureInfo.InvariantCulture),
            "goto" => GotoTarget!.Value.ToString(CultureInfo.InvariantCulture),
            _ => "",
        });
        return text.ToString();

        void Append(string option, string? value)
        {
            if (value is not null)
            {
                text.Append(text.Length == 0 ? "" : " ").Append(option).Append(value.Length == 0 ? "" : " ").Append(value);
            }
        }
    }
}
