using System.Globalization;

namespace Vrrp.Linux.Interfaces;

/// <summary>
/// keepalived 2.2.7's names for the interfaces it names itself (vrrp.c create_vmac_name): the instance's own
/// virtual-MAC interface or ipvlan (<c>use_vmac</c>, <c>use_ipvlan</c> without a name, prefix <c>vmac_prefix</c>) and the
/// virtual-MAC interfaces of addresses (<c>use_vmac_addr</c>, an address's <c>use_vmac</c>; prefix
/// <c>vmac_addr_prefix</c>, else <c>vmac_prefix</c>). Both default to <c>vrrp</c>.
/// </summary>
internal static class VirtualMacNames
{
    /// <summary>keepalived's prefix when global_defs names none.</summary>
    internal const string DefaultPrefix = "vrrp";

    /// <summary>
    /// <c>PREFIX.VRID</c> unless <paramref name="used"/> has it, then <c>PREFIXN.VRID</c> with N = 1, 2... (IPv6 tries 6
    /// first, then 1..5, 7...); a name longer than 15 characters loses the end of its prefix, as keepalived cuts it.
    /// </summary>
    internal static string Create(string prefix, byte virtualRouterId, VrrpAddressFamily family, ISet<string> used)
    {
        string name = Fit(prefix, "", virtualRouterId);
        int number = 0;
        while (used.Contains(name))
        {
            number = family == VrrpAddressFamily.IPv6
                ? number switch { 0 => 6, 6 => 1, 5 => 7, _ => number + 1 }
                : number + 1;
            name = Fit(prefix, number.ToString(CultureInfo.InvariantCulture), virtualRouterId);
        }

        return name;
    }

    // IFNAMSIZ is 16 with the NUL: at most 15 characters, the prefix cut to fit.
    private static string Fit(string prefix, string number, byte virtualRouterId)
    {
        string tail = $"{number}.{virtualRouterId.ToString(CultureInfo.InvariantCulture)}";
        return prefix.Length + tail.Length > 15 ? prefix[..Math.Max(0, 15 - tail.Length)] + tail : prefix + tail;
    }
}
