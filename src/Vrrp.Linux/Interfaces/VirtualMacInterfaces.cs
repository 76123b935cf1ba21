using System.Globalization;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Interfaces;

/// <summary>
/// The virtual-MAC interfaces (keepalived <c>use_vmac</c>) of one network namespace: macvlans in bridge mode carrying
/// 00-00-5E-00-01-VRID (IPv4) or 00-00-5E-00-02-VRID (IPv6), and the /proc/sys settings keepalived makes for them.
/// </summary>
/// <remarks>
/// <para>Settings (written under <c>/proc/sys/net</c>, never with the sysctl binary):</para>
/// <list type="bullet">
/// <item>the parent: <c>arp_ignore=1</c> and <c>arp_filter=1</c>, so that only the virtual-MAC interface answers ARP
/// for the virtual addresses (otherwise the parent answers with its own MAC), as keepalived; and <c>arp_announce=2</c>,
/// which keepalived does not set: replies from a virtual address to a client leave through the parent (its route), and
/// the ARP request the parent sends for the client would otherwise carry the virtual address with the parent's MAC,
/// teaching the client the wrong MAC for the virtual address. Restored when the parent's last virtual-MAC interface is
/// removed;</item>
/// <item>the interface itself: <c>arp_ignore=1</c>, <c>accept_local=1</c>, <c>rp_filter=0</c> (traffic to the virtual
/// addresses arrives on it while the route back leaves through the parent), <c>promote_secondaries=1</c>; IPv4
/// interfaces get no IPv6 (<c>disable_ipv6=1</c>: router solicitations and MLD reports from the virtual MAC would teach
/// the switch the backup's port); IPv6 ones generate no link-local address and carry the parent's, the source of
/// their adverts. These go away with the interface.</item>
/// </list>
/// <para>
/// The parent's values before the first change are written into each interface's alias (IFLA_IFALIAS, shown by
/// <c>ip link</c>), so that a run that crashed (kill -9) leaves what the next run needs to restore them: it adopts the
/// interfaces it finds, reads the values back, and restores them when it stops.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class VirtualMacInterfaces(RouteNetlink netlink, string? networkNamespace)
{
    /// <summary>The start of the alias of an interface made here; the rest is <c>PARENT arp_ignore=N arp_filter=N arp_announce=N</c>.</summary>
    internal const string AliasPrefix = "vrrp vmac, restore on ";

    private readonly Dictionary<string, ParentSettings> _parents = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>
    /// The name of an instance's own interface when neither it nor the host names it: <c>PREFIX.VRID</c>, or
    /// <c>PREFIX6.VRID</c> for IPv6 (keepalived's name for an IPv6 instance when an IPv4 one of the same VRID has the
    /// first; AddVrrp's hosts name interfaces as keepalived does across all their instances, see VirtualMacNames).
    /// </summary>
    internal static string DefaultName(byte virtualRouterId, VrrpAddressFamily family, string? prefix = null)
    {
        prefix ??= VirtualMacNames.DefaultPrefix;
        var used = new HashSet<string>(StringComparer.Ordinal);
        if (family == VrrpAddressFamily.IPv6)
        {
            used.Add(VirtualMacNames.Create(prefix, virtualRouterId, VrrpAddressFamily.IPv4, used));
        }

        return VirtualMacNames.Create(prefix, virtualRouterId, family, used);
    }

    /// <summary>
    /// Creates the interface, or with <paramref name="adopt"/> takes over one of that name that is already a macvlan
    /// of <paramref name="parentName"/> with the virtual MAC (left by a crashed run), and makes the settings.
    /// </summary>
    /// <returns>True when it was created, false when adopted.</returns>
    /// <exception cref="NetlinkException">The parent is missing (ENODEV); the name is taken (EEXIST) by something else, or at all without <paramref name="adopt"/>; or the kernel refused.</exception>
    /// <exception cref="IOException">A /proc/sys setting could not be written (the interface is removed again).</exception>
    internal bool Create(string parentName, byte virtualRouterId, VrrpAddressFamily family, string name, bool adopt)
    {
        if (name.Length > 15 || name.Length == 0 || name.Contains('/') || name.Contains(' '))
        {
            throw new ArgumentException($"'{name}' is not an interface name (1..15 characters, no '/' or blank).", nameof(name));
        }

        byte[] mac = LinuxVrrpPlatform.VirtualMac(virtualRouterId, family);
        var parent = netlink.GetLink(parentName);
        lock (_lock)
        {
            var links = netlink.GetLinksWithAliases();
            var existing = links.FirstOrDefault(l => l.Link.Name == name);
            bool created = existing.Link is null;
            if (!created)
            {
                bool ours = existing.Link!.IsMacvlan && existing.Link.ParentIndex == parent.Index && existing.Link.HardwareAddress.AsSpan().SequenceEqual(mac);
                if (!adopt || !ours)
                {
                    throw new NetlinkException(
                        $"create macvlan {name} ({Convert.ToHexString(mac)}) on {parentName}{Where}" + (ours ? "" : $": an interface named {name} exists and is not a virtual-MAC interface of {parentName}"),
                        Libc.EEXIST,
                        null);
                }
            }

            if (!_parents.TryGetValue(parentName, out var settings))
            {
                // The parent's values before any virtual-MAC interface: from one that a crashed run left, else as they are.
                settings = links.Select(l => ParentSettings.FromAlias(l.Alias, parentName)).FirstOrDefault(s => s is not null)
                    ?? new ParentSettings(
                        InterfaceSettings.Read(networkNamespace, parentName, "arp_ignore") ?? "0",
                        InterfaceSettings.Read(networkNamespace, parentName, "arp_filter") ?? "0",
                        InterfaceSettings.Read(networkNamespace, parentName, "arp_announce") ?? "0");
                _parents[parentName] = settings;
            }

            bool v6 = family == VrrpAddressFamily.IPv6;
            if (created)
            {
                netlink.CreateMacvlan(parent, name, mac, up: !v6);
            }

            try
            {
                var link = netlink.GetLink(name);
                netlink.SetAlias(link, settings.Alias(parentName));
                if (v6 && created)
                {
                    // IPv6 adverts come from a link-local address, and one generated from the virtual MAC would be the
                    // same on every router: as keepalived does, the interface carries the parent's instead.
                    netlink.DisableIPv6AddressGeneration(link);
                    netlink.SetUp(link);
                    var parentLinkLocal = netlink.GetAddresses(parent, VrrpAddressFamily.IPv6).FirstOrDefault(a => a.Address.IsIPv6LinkLocal);
                    if (parentLinkLocal is not null)
                    {
                        netlink.AddAddress(link, new VirtualAddress(parentLinkLocal.Address, 64));
                    }
                }
                else if (!v6)
                {
                    InterfaceSettings.WriteIPv6(networkNamespace, name, "disable_ipv6", "1");
                }

                InterfaceSettings.Write(networkNamespace, name, "arp_ignore", "1");
                InterfaceSettings.Write(networkNamespace, name, "accept_local", "1");
                InterfaceSettings.Write(networkNamespace, name, "rp_filter", "0");
                InterfaceSettings.Write(networkNamespace, name, "promote_secondaries", "1");
                InterfaceSettings.Write(networkNamespace, parentName, "arp_ignore", "1");
                InterfaceSettings.Write(networkNamespace, parentName, "arp_filter", "1");
                InterfaceSettings.Write(networkNamespace, parentName, "arp_announce", "2");
                settings.Interfaces.Add(name);
            }
            catch (Exception ex) when (ex is IOException or NetlinkException or UnauthorizedAccessException)
            {
                // Half-configured (wrong ARP answers, or a shared link-local address): undo it.
                netlink.DeleteLink(name);
                if (settings.Interfaces.Count == 0)
                {
                    Restore(parentName, settings);
                }

                throw;
            }

            return created;
        }
    }

    /// <summary>Deletes an interface (and the addresses on it); a missing one counts as deleted. The parent's settings are restored with its last one.</summary>
    /// <returns>True when it existed and was deleted.</returns>
    internal bool Remove(string name)
    {
        lock (_lock)
        {
            bool deleted = netlink.DeleteLink(name);
            foreach (var (parent, settings) in _parents)
            {
                if (settings.Interfaces.Remove(name) && settings.Interfaces.Count == 0)
                {
                    _parents.Remove(parent);
                    Restore(parent, settings);
                    break;
                }
            }

            return deleted;
        }
    }

    private void Restore(string parentName, ParentSettings settings)
    {
        try
        {
            InterfaceSettings.Write(networkNamespace, parentName, "arp_ignore", settings.ArpIgnore);
            InterfaceSettings.Write(networkNamespace, parentName, "arp_filter", settings.ArpFilter);
            InterfaceSettings.Write(networkNamespace, parentName, "arp_announce", settings.ArpAnnounce);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The parent is gone too.
        }
    }

    private string Where => networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'";

    /// <summary>A parent's ARP settings from before its first virtual-MAC interface, and its interfaces now.</summary>
    private sealed record ParentSettings(string ArpIgnore, string ArpFilter, string ArpAnnounce)
    {
        public HashSet<string> Interfaces { get; } = new(StringComparer.Ordinal);

        public string Alias(string parent) => $"{AliasPrefix}{parent} arp_ignore={ArpIgnore} arp_filter={ArpFilter} arp_announce={ArpAnnounce}";

        public static ParentSettings? FromAlias(string? alias, string parent)
        {
            if (alias is null || !alias.StartsWith(AliasPrefix + parent + " ", StringComparison.Ordinal))
            {
                return null;
            }

            string? ignore = null, filter = null, announce = "0";
            foreach (string word in alias[(AliasPrefix.Length + parent.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.StartsWith("arp_ignore=", StringComparison.Ordinal))
                {
                    ignore = word["arp_ignore=".Length..];
                }
                else if (word.StartsWith("arp_filter=", StringComparison.Ordinal))
                {
                    filter = word["arp_filter=".Length..];
                }
                else if (word.StartsWith("arp_announce=", StringComparison.Ordinal))
                {
                    announce = word["arp_announce=".Length..];
                }
            }

            return IsNumber(ignore) && IsNumber(filter) && IsNumber(announce) ? new ParentSettings(ignore!, filter!, announce!) : null;

            static bool IsNumber(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        }
    }
}
