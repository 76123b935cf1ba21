namespace Vrrp.Hosting;

// The rules of the options that keepalived.conf keywords set beyond the protocol itself (routes and rules, unicast
// TTLs, tracked processes, notify FIFOs and users, multicast groups), and the options not applied yet (NotYetApplied).
internal sealed partial class VrrpOptionsValidator
{
    /// <summary>
    /// An instance without an interface, and vrf, with keepalived 2.2.7's rules (vrrp_complete_instance, chk_min_cfg):
    /// such an instance is unicast, has unicast_src_ip (not IPv6 link-local), and each address names its dev (keepalived
    /// removes one that does not, "no interface for vip"); vrf only without interface and with unicast peers.
    /// </summary>
    private static void CheckNoInterface(List<string> errors, string label, VrrpInstanceOptions instance)
    {
        if (instance.Interface.Length > 0 && string.IsNullOrWhiteSpace(instance.Interface))
        {
            errors.Add($"{label}: Interface (interface) '{instance.Interface}' is not an interface name.");
            return;
        }

        if (instance.Vrf is { } vrf && (vrf.Length == 0 || vrf.Length >= 16 || vrf.Contains('/', StringComparison.Ordinal) || vrf.Any(char.IsWhiteSpace)))
        {
            errors.Add($"{label}: Vrf (vrf) '{vrf}' is not an interface name.");
        }

        if (instance.Interface.Length > 0)
        {
            if (instance.Vrf is not null)
            {
                errors.Add($"{label}: Vrf (vrf) is only for an instance without Interface (interface), as keepalived; an instance on an interface enslaved to a VRF runs in that VRF.");
            }

            return;
        }

        if (instance.UnicastPeers.Count == 0)
        {
            errors.Add($"{label}: Interface (interface) is required, unless the instance is unicast (UnicastPeers, unicast_peer), as keepalived.");
            return;
        }

        if (string.IsNullOrEmpty(instance.SourceAddress))
        {
            errors.Add($"{label}: an instance without Interface (interface) needs SourceAddress (unicast_src_ip), as keepalived.");
        }
        else if (IPAddressValue.TryParse(instance.SourceAddress, out var source) && source.ToIPAddress().IsIPv6LinkLocal)
        {
            errors.Add($"{label}: an instance without Interface (interface) needs a SourceAddress (unicast_src_ip) that is not IPv6 link-local, as keepalived.");
        }

        if (instance.UseVirtualMac)
        {
            errors.Add($"{label}: UseVirtualMac (use_vmac) needs an Interface (interface).");
        }

        foreach (string text in instance.VirtualAddresses.Concat(instance.ExcludedVirtualAddresses))
        {
            if (VirtualAddressSpec.TryParse(text, out var spec, out _) && spec.Device is null)
            {
                errors.Add($"{label}: the instance has no Interface (interface), so the address '{text}' must name its device (dev), as keepalived.");
            }
        }
    }

    /// <summary>One instance's keepalived options.</summary>
    private static void CheckKeepalivedOptions(List<string> errors, string label, VrrpOptions options, VrrpInstanceOptions instance)
    {
        foreach (string route in instance.VirtualRoutes)
        {
            if (!VirtualRouteSpec.TryParse(route, out var spec, out string? error))
            {
                errors.Add($"{label}: VirtualRoutes (virtual_routes) entry '{route}' is invalid: {error}.");
            }
            else if (spec.TrackGroup is not null)
            {
                errors.Add($"{label}: VirtualRoutes (virtual_routes) entry '{route}': track_group is for StaticRoutes (static_routes) only, as keepalived.");
            }
        }

        foreach (string rule in instance.VirtualRules)
        {
            if (!VirtualRuleSpec.TryParse(rule, out var spec, out string? error))
            {
                errors.Add($"{label}: VirtualRules (virtual_rules) entry '{rule}' is invalid: {error}.");
            }
            else if (spec.TrackGroup is not null)
            {
                errors.Add($"{label}: VirtualRules (virtual_rules) entry '{rule}': track_group is for StaticRules (static_rules) only, as keepalived.");
            }
        }

        foreach (string address in instance.VirtualAddresses.Concat(instance.ExcludedVirtualAddresses))
        {
            if (VirtualAddressSpec.TryParse(address, out var spec, out _) && spec.TrackGroup is not null)
            {
                errors.Add($"{label}: virtual address '{address}': track_group is for StaticAddresses (static_ipaddress) only, as keepalived.");
            }
        }

        foreach (var peer in instance.UnicastPeerTtls)
        {
            if (!instance.UnicastPeers.Contains(peer.Peer))
            {
                errors.Add($"{label}: UnicastPeerTtls names peer '{peer.Peer}', which is not one of UnicastPeers (unicast_peer).");
            }

            CheckRanges(errors, $"{label}, UnicastPeerTtls '{peer.Peer}'", peer, OptionFields.UnicastPeerTtl);
        }

        var processes = options.TrackProcesses.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        CheckTrackedOnce(errors, label, "TrackProcesses (track_process)", instance.TrackProcesses.Select(t => t.Name));
        foreach (var track in instance.TrackProcesses)
        {
            if (!processes.Contains(track.Name))
            {
                errors.Add($"{label}: TrackProcesses (track_process) names process tracker '{track.Name}', which is not defined in TrackProcesses (vrrp_track_process).");
            }

            if (track.Weight is { } w)
            {
                CheckWeight(errors, label, $"TrackProcesses[{track.Name}].Weight", w, VrrpLimits.MaximumTrackFileWeight);
            }
        }

        if (instance.GarpExtraInterfacesInterval is { } extra && (extra < TimeSpan.Zero || extra > TimeSpan.FromDays(1)))
        {
            errors.Add($"{label}: GarpExtraInterfacesInterval (garp_extra_if) must be 0 to 86400 seconds, got {VrrpLimits.Seconds(extra)} s.");
        }

        CheckCommand(errors, label, "NotifyMasterRxLowerPriority (notify_master_rx_lower_pri)", instance.NotifyMasterRxLowerPriority);

        if (instance.MulticastGroup is { } group)
        {
            // mcast_dst_ip: keepalived takes an IPv4 multicast address or an IPv6 link-local scoped one (ffX2::/16), of the instance's family.
            var family = instance.VirtualAddresses.Select(static a => VirtualAddressSpec.TryParse(a, out var spec, out _) ? spec.Address.Family : (VrrpAddressFamily?)null).FirstOrDefault();
            if (!IPAddressValue.TryParse(group, out var address) || !(address.Family == VrrpAddressFamily.IPv4 ? IsIPv4Multicast(address) : IsIPv6LinkLocalMulticast(address)))
            {
                errors.Add($"{label}: MulticastGroup (mcast_dst_ip) '{group}' is not an IPv4 multicast address or an IPv6 link-local multicast address (ffX2::/16).");
            }
            else if (family is { } f && f != address.Family)
            {
                errors.Add($"{label}: MulticastGroup (mcast_dst_ip) {group} is not {f}, the family of the virtual addresses.");
            }
        }
    }

    /// <summary>static_ipaddress, static_routes, static_rules and their track groups.</summary>
    private static void CheckStaticEntries(List<string> errors, VrrpOptions options)
    {
        var groups = options.StaticTrackGroups.Select(static g => g.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string text in options.StaticAddresses)
        {
            if (!VirtualAddressSpec.TryParse(text, out var spec, out string? error))
            {
                errors.Add($"Vrrp: StaticAddresses (static_ipaddress) entry '{text}' is invalid: {error}.");
            }
            else if (spec.UseVirtualMac)
            {
                errors.Add($"Vrrp: StaticAddresses (static_ipaddress) entry '{text}': use_vmac is for an instance's addresses only, as keepalived.");
            }
            else
            {
                CheckGroup(spec.TrackGroup, "StaticAddresses (static_ipaddress)", text, hasInterface: true);
            }
        }

        foreach (string text in options.StaticRoutes)
        {
            if (!VirtualRouteSpec.TryParse(text, out var spec, out string? error))
            {
                errors.Add($"Vrrp: StaticRoutes (static_routes) entry '{text}' is invalid: {error}.");
            }
            else
            {
                CheckGroup(spec.TrackGroup, "StaticRoutes (static_routes)", text, spec.Device is not null);
            }
        }

        foreach (string text in options.StaticRules)
        {
            if (!VirtualRuleSpec.TryParse(text, out var spec, out string? error))
            {
                errors.Add($"Vrrp: StaticRules (static_rules) entry '{text}' is invalid: {error}.");
            }
            else
            {
                CheckGroup(spec.TrackGroup, "StaticRules (static_rules)", text, spec.InputInterface is not null);
            }
        }

        CheckUniqueNames(errors, "static track group", options.StaticTrackGroups.Select(static g => g.Name));
        foreach (var group in options.StaticTrackGroups)
        {
            if (group.Instances.Count == 0)
            {
                errors.Add($"Vrrp: StaticTrackGroups (track_group) '{group.Name}' has no instances (group).");
            }

            foreach (string member in group.Instances.Where(m => !options.Instances.Exists(i => i.Name == m)))
            {
                errors.Add($"Vrrp: StaticTrackGroups (track_group) '{group.Name}' names instance '{member}', which is not configured.");
            }
        }

        void CheckGroup(string? group, string field, string text, bool hasInterface)
        {
            if (group is null)
            {
                return;
            }

            if (!groups.Contains(group))
            {
                errors.Add($"Vrrp: {field} entry '{text}' names track_group '{group}', which is not defined in StaticTrackGroups (track_group).");
            }
            else if (!hasInterface)
            {
                errors.Add($"Vrrp: {field} entry '{text}': track_group needs the entry's interface ({(field.StartsWith("StaticRules", StringComparison.Ordinal) ? "iif" : "dev")}), as keepalived.");
            }
        }
    }

    /// <summary>The top-level keepalived options, the tracked processes, and what is not applied yet.</summary>
    private static void CheckKeepalivedOptions(List<string> errors, VrrpOptions options)
    {
        if (options.MulticastGroup4 is { } group4 && !(IPAddressValue.TryParse(group4, out var address4) && address4.Family == VrrpAddressFamily.IPv4 && IsIPv4Multicast(address4)))
        {
            errors.Add($"Vrrp: MulticastGroup4 (vrrp_mcast_group4) '{group4}' is not an IPv4 multicast address.");
        }

        if (options.MulticastGroup6 is { } group6 && !(IPAddressValue.TryParse(group6, out var address6) && address6.Family == VrrpAddressFamily.IPv6 && address6.ToString().StartsWith("ff", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"Vrrp: MulticastGroup6 (vrrp_mcast_group6) '{group6}' is not an IPv6 multicast address (ff00::/8; link-local ff02::/16 is the usual).");
        }

        foreach (var (fifo, keyword) in new[] { (options.NotifyFifo, "notify_fifo"), (options.VrrpNotifyFifo, "vrrp_notify_fifo") })
        {
            if (fifo is not null && string.IsNullOrWhiteSpace(fifo.Path))
            {
                errors.Add($"Vrrp: the path of the notify FIFO ({keyword}) is required.");
            }

            CheckCommand(errors, "Vrrp", $"the notify FIFO script ({keyword}_script)", fifo?.Script);
        }

        if (options.GarpInterval < TimeSpan.Zero || options.GnaInterval < TimeSpan.Zero)
        {
            errors.Add("Vrrp: GarpInterval and GnaInterval (vrrp_garp_interval, vrrp_gna_interval) must not be negative.");
        }

        CheckUniqueNames(errors, "garp group", options.GarpGroups.Select(g => g.Name));
        var grouped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in options.GarpGroups)
        {
            string label = $"Garp group '{group.Name}'";
            if (group.GarpInterval < TimeSpan.Zero || group.GnaInterval < TimeSpan.Zero)
            {
                errors.Add($"{label}: GarpInterval and GnaInterval (garp_interval, gna_interval) must not be negative.");
            }

            if (group.GarpInterval is null && group.GnaInterval is null)
            {
                errors.Add($"{label}: set GarpInterval or GnaInterval (garp_interval, gna_interval); keepalived removes a group without either.");
            }

            foreach (string name in group.Interfaces)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    errors.Add($"{label}: an interface name (interfaces) is empty.");
                }
                else if (!grouped.Add(name))
                {
                    errors.Add($"{label}: interface '{name}' is in another garp group already; an interface belongs to at most one.");
                }
            }
        }

        CheckStaticEntries(errors, options);
        CheckUniqueNames(errors, "tracked process", options.TrackProcesses.Select(p => p.Name));
        foreach (var process in options.TrackProcesses)
        {
            string label = $"Tracked process '{process.Name}'";
            CheckRanges(errors, label, process, OptionFields.TrackProcess);
            if (string.IsNullOrEmpty(process.Process))
            {
                errors.Add($"{label}: Process (process) is required.");
            }

            if (process.QuorumMax is { } max && max < process.Quorum)
            {
                errors.Add($"{label}: QuorumMax (quorum_max) {max} is below Quorum (quorum) {process.Quorum}.");
            }

            if (process.Quorum == 0 && process.QuorumMax != 0)
            {
                errors.Add($"{label}: Quorum (quorum) 0 is only allowed with QuorumMax (quorum_max) 0.");
            }

            if (process.TerminateDelay < TimeSpan.Zero || process.ForkDelay < TimeSpan.Zero)
            {
                errors.Add($"{label}: TerminateDelay and ForkDelay (delay, terminate_delay, fork_delay) must not be negative.");
            }

            CheckWeight(errors, label, "Weight (weight)", process.Weight, VrrpLimits.MaximumTrackFileWeight);
        }

        if (!options.IgnoreUnsupported)
        {
            foreach (var (owner, entry) in NotYetApplied.UsedBy(options))
            {
                errors.Add($"{owner}: {entry.Setting} is not applied by the host yet, so it would run without it. " +
                    $"Instead: {entry.Instead}; or set IgnoreUnsupported (vrrpd_ignore_unsupported in global_defs) to run without it.");
            }
        }
    }

    private static bool IsIPv6LinkLocalMulticast(IPAddressValue address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.WriteTo(bytes);
        return bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02;
    }

    private static bool IsIPv4Multicast(IPAddressValue address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.WriteTo(bytes);
        return bytes[0] is >= 224 and <= 239;
    }
}
