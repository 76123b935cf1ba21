using System.Globalization;

namespace Vrrp.Hosting;

/// <summary>The words of <c>ip address</c>, <c>ip route</c> and <c>ip rule</c> that keepalived's virtual addresses, routes and rules share.</summary>
internal static class RoutingWords
{
    private static readonly (string Name, int Value)[] s_scopes = [("global", 0), ("universe", 0), ("site", 200), ("link", 253), ("host", 254), ("nowhere", 255)];
    private static readonly (string Name, uint Value)[] s_tables = [("unspec", 0), ("default", 253), ("main", 254), ("local", 255)];
    private static readonly (string Name, int Value)[] s_protocols =
    [
        ("unspec", 0), ("redirect", 1), ("kernel", 2), ("boot", 3), ("static", 4), ("gated", 8), ("ra", 9), ("mrt", 10),
        ("zebra", 11), ("bird", 12), ("dnrouted", 13), ("xorp", 14), ("ntk", 15), ("dhcp", 16), ("keepalived", 18),
        ("babel", 42), ("bgp", 186), ("isis", 187), ("ospf", 188), ("rip", 189), ("eigrp", 192),
    ];

    /// <summary>Route types (<c>ip route</c>'s TYPE), the first one being the default.</summary>
    public static readonly string[] RouteTypes = ["unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat"];

    /// <summary>An IPv4 dotted quad or an IPv6 address, as inet_pton reads them.</summary>
    public static bool TryParseAddress(string text, out IPAddressValue address)
    {
        address = default;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return !text.Contains('%', StringComparison.Ordinal) && IPAddressValue.TryParse(text, out address) && address.Family == VrrpAddressFamily.IPv6;
        }

        string[] parts = text.Split('.');
        return parts.Length == 4 &&
            parts.All(static p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, CultureInfo.InvariantCulture) <= 255) &&
            IPAddressValue.TryParse(text, out address);
    }

    /// <summary><c>ADDR[/LEN]</c>; no length means the whole address (/32 or /128).</summary>
    public static bool TryParsePrefix(string text, out VirtualAddress prefix, out string? error)
    {
        prefix = null!;
        int slash = text.IndexOf('/');
        if (!TryParseAddress(slash < 0 ? text : text[..slash], out var address))
        {
            error = "expected an IPv4 or IPv6 address, optionally with /PREFIX";
            return false;
        }

        int max = address.Family == VrrpAddressFamily.IPv4 ? 32 : 128;
        int length = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > max))
        {
            error = $"expected a prefix length 0..{max} after '/'";
            return false;
        }

        prefix = new VirtualAddress(address, length);
        error = null;
        return true;
    }

    /// <summary>A scope name (global, site, link, host, nowhere) or number 0..255, written back by name when it has one.</summary>
    public static bool TryParseScope(string text, out string scope) => TryName(s_scopes, text, 255, out scope);

    /// <summary>A routing table: main, local, default, unspec, or a number (not 0 for rules).</summary>
    public static bool TryParseTable(string text, out uint table)
    {
        foreach (var (name, value) in s_tables)
        {
            if (name == text)
            {
                table = value;
                return true;
            }
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out table);
    }

    /// <summary>A routing protocol name (kernel, static, keepalived...) or number 0..255.</summary>
    public static bool TryParseProtocol(string text, out string protocol) => TryName(s_protocols, text, 255, out protocol);

    /// <summary>A TOS / DS field: a number 0..255, decimal or 0x hexadecimal.</summary>
    public static bool TryParseTos(string text, out byte tos)
    {
        bool ok = TryParseNumber(text, 255, out uint value);
        tos = (byte)value;
        return ok;
    }

    /// <summary>
    /// Realms as keepalived 2.2.7 reads them (get_realms): <c>[FROM/]TO</c>, each a number 0..255 or a name of
    /// /etc/iproute2/rt_realms, FROM in the high 16 bits.
    /// </summary>
    public static bool TryParseRealms(string text, out uint realms)
    {
        realms = 0;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!TryParseRealm(slash < 0 ? text : text[..slash], out uint first))
        {
            return false;
        }

        if (slash < 0)
        {
            realms = first;
            return true;
        }

        if (!TryParseRealm(text[(slash + 1)..], out uint second))
        {
            return false;
        }

        realms = (first << 16) | second;
        return true;
    }

    private static bool TryParseRealm(string text, out uint realm)
    {
        if (TryParseNumber(text, 255, out realm))
        {
            return true;
        }

        foreach (string file in new[] { "/etc/iproute2/rt_realms", "/usr/share/iproute2/rt_realms" })
        {
            try
            {
                foreach (string line in File.ReadLines(file))
                {
                    string[] fields = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length >= 2 && !fields[0].StartsWith('#') && fields[1] == text && TryParseNumber(fields[0], 255, out realm))
                    {
                        return true;
                    }
                }

                break; // the first file that exists is the one read, as keepalived
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return false;
    }

    /// <summary>An IPv6 route preference (<c>pref</c>): low (3), medium (0), high (1) or a number 0..255, as keepalived 2.2.7.</summary>
    public static bool TryParseRoutePreference(string text, out byte preference)
    {
        switch (text)
        {
            case "low":
                preference = 3;
                return true;
            case "medium":
                preference = 0;
                return true;
            case "high":
                preference = 1;
                return true;
            default:
                bool ok = TryParseNumber(text, 255, out uint value);
                preference = (byte)value;
                return ok;
        }
    }

    /// <summary>The word of an IPv6 route preference (the number when it has none).</summary>
    public static string RoutePreferenceName(byte preference) =>
        preference switch { 3 => "low", 0 => "medium", 1 => "high", _ => preference.ToString(CultureInfo.InvariantCulture) };

    /// <summary>A number in decimal or 0x hexadecimal, at most <paramref name="max"/>.</summary>
    public static bool TryParseNumber(string text, uint max, out uint value)
    {
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok && value <= max;
    }

    /// <summary>
    /// A route metric's value as keepalived 2.2.7 reads it, in the kernel's units: rtt (1/8 ms), rttvar (1/4 ms) and
    /// rto_min (ms) raw or with ms / s, kept within 200 ms..120 s; hoplimit 0..255; quickack and fastopen_no_cookie 0..1;
    /// features ecn (1); the others 0..4294967295.
    /// </summary>
    public static bool TryParseRouteMetric(string metric, string text, out uint value)
    {
        value = 0;
        switch (metric)
        {
            case "features":
                value = 1;
                return text == "ecn";
            case "rtt" or "rttvar" or "rto_min":
                uint multiplier = metric == "rtt" ? 8u : metric == "rttvar" ? 4u : 1u;
                string digits = text;
                decimal scale = 0;
                if (text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
                {
                    (digits, scale) = (text[..^2], 1);
                }
                else if (text.EndsWith('s') || text.EndsWith('S') || text.EndsWith("sec", StringComparison.OrdinalIgnoreCase))
                {
                    (digits, scale) = (text.TrimEnd('s', 'S', 'e', 'E', 'c', 'C'), 1000);
                }

                if (digits.Length == 0 || !decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number) ||
                    (scale == 0 && decimal.Truncate(number) != number))
                {
                    return false;
                }

                decimal units = scale == 0 ? number : decimal.Truncate(number * scale) * multiplier;
                value = (uint)Math.Clamp(units, 200m * multiplier, 120_000m * multiplier);
                return true;
            default:
                return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) &&
                    value <= (metric == "hoplimit" ? 255u : metric is "quickack" or "fastopen_no_cookie" ? 1u : uint.MaxValue);
        }
    }

    /// <summary>What <see cref="TryParseRouteMetric"/> expects, for messages.</summary>
    public static string RouteMetricSyntax(string metric) => metric switch
    {
        "features" => "expected ecn",
        "rtt" or "rttvar" or "rto_min" => "expected a time (N in the kernel's units, Nms or Ns)",
        "hoplimit" => "expected a number 0..255",
        "quickack" or "fastopen_no_cookie" => "expected 0 or 1",
        _ => "expected a number",
    };

    /// <summary>A Linux interface name: at most 15 characters, no '/', ':' or blank, not . or ...</summary>
    public static bool IsInterfaceName(string name) =>
        name.Length is > 0 and <= 15 && name is not ("." or "..") && !name.Any(static c => c is '/' or ':' || char.IsWhiteSpace(c));

    private static bool TryName(IEnumerable<(string Name, int Value)> names, string text, int max, out string normalised)
    {
        foreach (var (name, _) in names)
        {
            if (name == text)
            {
                normalised = name == "universe" ? "global" : name;
                return true;
            }
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number <= max)
        {
            var known = names.FirstOrDefault(n => n.Value == number);
            normalised = known.Name ?? number.ToString(CultureInfo.InvariantCulture);
            normalised = normalised == "universe" ? "global" : normalised;
            return true;
        }

        normalised = "";
        return false;
    }
}

/// <summary>Reads the words of one virtual address, route or rule, reporting the first problem.</summary>
internal sealed class WordReader(string text)
{
    private readonly string[] _words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    private int _next;

    public bool AtEnd => _next >= _words.Length;

    public string? Error { get; set; }

    public List<string> Warnings { get; } = [];

    public int Count => _words.Length;

    /// <summary>The words not read yet.</summary>
    public int Remaining => _words.Length - _next;

    public string Peek => _words[_next];

    public string Take() => _words[_next++];

    /// <summary>The value after an option, or an error naming the option.</summary>
    public bool TryValue(string option, out string value)
    {
        if (AtEnd)
        {
            Error = $"'{option}' expects a value";
            value = "";
            return false;
        }

        value = Take();
        return true;
    }

    public bool Fail(string error)
    {
        Error ??= error;
        return false;
    }
}
