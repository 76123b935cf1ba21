using Vrrp.Packets;

namespace Vrrp.Hosting;

/// <summary>
/// The one list of options that are read and validated but that the host does not apply yet. A configuration that
/// uses one is refused by the options validator (an instance would run without what it asks for; the message names
/// the option, its keepalived keyword and what to use instead), unless <see cref="VrrpOptions.IgnoreUnsupported"/> is
/// set: then the host logs each one at start (event 1005) and runs without it. Whoever implements one of these at run
/// time removes its entry (and its test in OptionsValidationTests).
/// </summary>
internal static class NotYetApplied
{
    /// <summary>An option the host does not apply yet.</summary>
    /// <param name="Setting">The option, as the validator names it (with its keepalived keyword).</param>
    /// <param name="Instead">What to configure instead to get a working configuration.</param>
    /// <param name="Instance">Whether an instance uses it (null: not an instance option).</param>
    /// <param name="Global">Whether the configuration uses it at the top level (null: not a top-level option).</param>
    /// <param name="Script">Whether a check script uses it (null: not a script option).</param>
    /// <param name="Group">Whether a sync group uses it (null: not a group option).</param>
    internal sealed record Entry(
        string Setting,
        string Instead,
        Func<VrrpOptions, VrrpInstanceOptions, bool>? Instance = null,
        Func<VrrpOptions, bool>? Global = null,
        Func<VrrpScriptOptions, bool>? Script = null,
        Func<VrrpOptions, VrrpSyncGroupOptions, bool>? Group = null);

    private const string LeaveOut = "leave it out";

    /// <summary>Every option not applied yet.</summary>
    public static IReadOnlyList<Entry> All { get; } =
    [
        new("VirtualAddresses / ExcludedVirtualAddresses options peer, home, mngtmpaddr, noprefixroute, autojoin, preferred_lft, or a numbered scope",
            "leave those options out (dev, scope by name, brd, label, no_track, -nodad and use_vmac are applied)", Instance: static (_, o) => HasAddressOptions(o)),
        new("VirtualRoutes (virtual_routes) with from, tos, mtu, or a type other than unicast, blackhole, unreachable, prohibit and throw",
            "leave those options out, or add such routes from NotifyMaster (notify_master) and remove them from NotifyBackup and NotifyFault", Instance: static (_, o) => HasRouteOptions(o)),
        new("VirtualRules (virtual_rules) with goto, nop, ipproto, sport, dport, uidrange, suppress_prefixlength or protocol",
            "leave those options out, or add such rules from NotifyMaster (notify_master) and remove them from NotifyBackup and NotifyFault", Instance: static (_, o) => HasRuleOptions(o)),
        new("Group (user USER GROUP, script_user USER GROUP)", "leave the group out: scripts run with the user's own group", Script: static s => s.Group is not null),
    ];

    /// <summary>The options of <paramref name="options"/> not applied yet, each with who uses it ("Instance 'VI_1'", "Script 'chk'", "Vrrp").</summary>
    public static IEnumerable<(string Owner, Entry Entry)> UsedBy(VrrpOptions options)
    {
        foreach (var entry in All)
        {
            if (entry.Global?.Invoke(options) == true)
            {
                yield return ("Vrrp", entry);
            }

            foreach (var instance in entry.Instance is null ? [] : options.Instances.Where(i => entry.Instance(options, i)))
            {
                yield return ($"Instance '{instance.Name}'", entry);
            }

            foreach (var script in entry.Script is null ? [] : options.Scripts.Where(entry.Script))
            {
                yield return ($"Script '{script.Name}'", entry);
            }

            foreach (var group in entry.Group is null ? [] : options.SyncGroups.Where(g => entry.Group(options, g)))
            {
                yield return ($"Sync group '{group.Name}'", entry);
            }
        }
    }



    /// <summary>An address entry with an option the host does not apply (dev, a named scope, brd, label, no_track, -nodad and use_vmac are applied).</summary>
    private static bool HasAddressOptions(VrrpInstanceOptions o) =>
        o.VirtualAddresses.Concat(o.ExcludedVirtualAddresses).Any(static text =>
            VirtualAddressSpec.TryParse(text, out var spec, out _) &&
            (spec.Peer is not null || spec.Flags.Any(static f => f != "-nodad") || spec.PreferredLifetime is not null ||
             spec.Scope is not (null or "global" or "universe" or "site" or "link" or "host" or "nowhere")));

    /// <summary>A route with an option the Linux runtime does not apply.</summary>
    private static bool HasRouteOptions(VrrpInstanceOptions o) =>
        o.VirtualRoutes.Any(static text =>
            VirtualRouteSpec.TryParse(text, out var spec, out _) &&
            (spec.From is not null || spec.Tos is not null || spec.Mtu is not null ||
             spec.Type is not ("unicast" or "blackhole" or "unreachable" or "prohibit" or "throw")));

    /// <summary>A rule with an option the Linux runtime does not apply.</summary>
    private static bool HasRuleOptions(VrrpInstanceOptions o) =>
        o.VirtualRules.Any(static text =>
            VirtualRuleSpec.TryParse(text, out var spec, out _) &&
            (spec.Action is not ("table" or "blackhole" or "unreachable" or "prohibit") || spec.GotoTarget is not null || spec.IPProtocol is not null ||
             spec.SourcePorts is not null || spec.DestinationPorts is not null || spec.UidRange is not null || spec.SuppressPrefixLength is not null ||
             spec.Protocol is not null));
}
