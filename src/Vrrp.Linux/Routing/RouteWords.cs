using System.Globalization;

namespace Vrrp.Linux.Routing;

/// <summary>
/// The words shared by routes and rules, as <c>ip route</c> / <c>ip rule</c> and keepalived's <c>virtual_routes</c> /
/// <c>virtual_rules</c> write them: tables (a number or main, local, default), scopes, prefixes.
/// </summary>
internal static class RouteWords
{
    internal const uint MainTable = 254;

    internal static uint ParseTable(string word) => word switch
    {
        "main" => 254,
        "local" => 255,
        "default" => 253,
        _ when uint.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out uint table) && table != 0 => table,
        _ => throw new FormatException($"'{word}' is not a routing table (a number 1..4294967295, or main, local, default; names from rt_tables are not read)."),
    };

    internal static string TableName(uint table) => table switch
    {
        254 => "main",
        255 => "local",
        253 => "default",
        _ => table.ToString(CultureInfo.InvariantCulture),
    };

    internal static byte ParseScope(string word) => word switch
    {
        "global" or "universe" => 0,
        "site" => 200,
        "link" => 253,
        "host" => 254,
        "nowhere" => 255,
        _ when byte.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out byte scope) => scope,
        _ => throw new FormatException($"'{word}' is not a scope (global, site, link, host, nowhere or 0..255)."),
    };

    internal static string ScopeName(byte scope) => scope switch
    {
        0 => "global",
        200 => "site",
        253 => "link",
        254 => "host",
        255 => "nowhere",
        _ => scope.ToString(CultureInfo.InvariantCulture),
    };

    private static readonly (string Name, byte Value)[] s_protocols =
    [
        ("unspec", 0), ("redirect", 1), ("kernel", 2), ("boot", 3), ("static", 4), ("gated", 8), ("ra", 9), ("mrt", 10),
        ("zebra", 11), ("bird", 12), ("dnrouted", 13), ("xorp", 14), ("ntk", 15), ("dhcp", 16), ("keepalived", 18),
        ("babel", 42), ("bgp", 186), ("isis", 187), ("ospf", 188), ("rip", 189), ("eigrp", 192),
    ];

    /// <summary>A routing protocol (rt_protos names or 0..255).</summary>
    internal static byte ParseProtocol(string word)
    {
        foreach (var (name, value) in s_protocols)
        {
            if (name == word)
            {
                return value;
            }
        }

        return (byte)ParseNumber("protocol", word, 255);
    }

    internal static uint ParseNumber(string keyword, string word, uint max = uint.MaxValue)
    {
        bool hex = word.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!uint.TryParse(hex ? word.AsSpan(2) : word, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out uint value) || value > max)
        {
            throw new FormatException($"{keyword}: '{word}' is not a number 0..{max}.");
        }

        return value;
    }

    internal static IPAddressValue ParseAddress(string keyword, string word) =>
        IPAddressValue.TryParse(word, out var address) ? address : throw new FormatException($"{keyword}: '{word}' is not an IP address.");

    /// <summary>A prefix ADDR[/LEN] (no length: a host) with no bits set past its length, as the kernel requires.</summary>
    internal static VirtualAddress ParsePrefix(string keyword, string word)
    {
        VirtualAddress prefix;
        try
        {
            prefix = VirtualAddress.Parse(word);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{keyword}: {ex.Message}", ex);
        }

        Span<byte> bytes = stackalloc byte[16];
        int n = prefix.Address.WriteTo(bytes);
        for (int bit = prefix.PrefixLength; bit < n * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                throw new FormatException($"{keyword}: '{word}' has bits set past its prefix length (did you mean {Network(prefix)}?).");
            }
        }

        return prefix;
    }

    internal static string Network(VirtualAddress prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        int n = prefix.Address.WriteTo(bytes);
        for (int bit = prefix.PrefixLength; bit < n * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return $"{IPAddressValue.Read(prefix.Family, bytes[..n])}/{prefix.PrefixLength}";
    }

    internal static VrrpAddressFamily? ParseFamilyWord(string word) => word switch
    {
        "inet" => VrrpAddressFamily.IPv4,
        "inet6" => VrrpAddressFamily.IPv6,
        _ => null,
    };

    internal static string[] Split(string text) => text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    internal static string Next(string[] words, ref int i, string keyword) =>
        ++i < words.Length ? words[i] : throw new FormatException($"'{keyword}' needs a value.");

    /// <summary>Sets the family once; a second, different one is a mistake.</summary>
    internal static void Agree(ref VrrpAddressFamily? family, VrrpAddressFamily found, string what)
    {
        if (family is { } known && known != found)
        {
            throw new FormatException($"{what} is {found}, but the rest of the entry is {known}.");
        }

        family = found;
    }
}
