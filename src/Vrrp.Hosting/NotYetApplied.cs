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
        new("UseVirtualMac (use_vmac)", "leave it out: the addresses then go on the interface itself, with its MAC address", Instance: static (_, o) => o.UseVirtualMac),
        new("VirtualMacTransmitOnBase (vmac_xmit_base)", LeaveOut, Instance: static (_, o) => o.VirtualMacTransmitOnBase),
        new("StrictMode (strict_mode, vrrp_strict)", "leave it out: RFC-strict checks are then not enforced", Instance: static (_, o) => o.StrictMode),
        new("AuthenticationType (auth_type) AH", "auth_type PASS or no authentication, on every router of the group", Instance: static (_, o) => o.AuthenticationType == AuthenticationType.IPAuthenticationHeader),
        new("Accept (no_accept) false", "leave it out: a master then answers for its addresses (accept)", Instance: static (_, o) => o.Accept == false && o.Priority != VrrpLimits.MaximumPriority),
        new("UnicastTtl (unicast_ttl) other than 255", "leave it out: unicast adverts are sent with TTL 255", Instance: static (_, o) => o.UnicastTtl is not (null or 255) && o.UnicastPeers.Count > 0),
        new("UnicastPeerTtls (unicast_peer min_ttl/max_ttl)", "leave them out: the TTL of unicast adverts is not checked", Instance: static (_, o) => o.UnicastPeerTtls.Any(static t => t.MinTtl != 0 || t.MaxTtl != 255)),
        new("VirtualAddresses / ExcludedVirtualAddresses options (dev, scope, brd, label, peer, no_track...)", "leave the options out: each address then goes on the instance's interface", Instance: static (_, o) => HasAddressOptions(o)),
        new("VirtualRoutes (virtual_routes)", "routes added by NotifyMaster (notify_master) and removed by NotifyBackup and NotifyFault", Instance: static (_, o) => o.VirtualRoutes.Count > 0),
        new("VirtualRules (virtual_rules)", "rules added by NotifyMaster (notify_master) and removed by NotifyBackup and NotifyFault", Instance: static (_, o) => o.VirtualRules.Count > 0),
        new("TrackProcesses (track_process)", "a tracked script that runs pgrep, or a tracked health check", Instance: static (_, o) => o.TrackProcesses.Count > 0),
        new("GarpInterval / GnaInterval (vrrp_garp_interval, vrrp_gna_interval)", "leave them out: announcements are then sent back to back", Global: static o => o.GarpInterval > TimeSpan.Zero || o.GnaInterval > TimeSpan.Zero),
        new("GarpExtraInterfacesInterval (garp_extra_if)", LeaveOut, Instance: static (_, o) => o.GarpExtraInterfacesInterval is not null),
        new("HigherPrioritySendAdvert (higher_prio_send_advert)", LeaveOut, Instance: static (_, o) => o.HigherPrioritySendAdvert),
        new("NotifyMasterRxLowerPriority (notify_master_rx_lower_pri)", "leave it out, or watch state changes with a callback", Instance: static (_, o) => o.NotifyMasterRxLowerPriority is not null),
        new("Group (user USER GROUP, script_user USER GROUP)", "leave the group out: scripts run with the user's own group", Script: static s => s.Group is not null),
        new("MulticastGroup4 / MulticastGroup6 (vrrp_mcast_group4, vrrp_mcast_group6) other than the RFC's", "leave them out: 224.0.0.18 and ff02::12 are used",
            Global: static o => !IsStandard(o.MulticastGroup4, "224.0.0.18") || !IsStandard(o.MulticastGroup6, "ff02::12")),
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

    private static bool IsStandard(string? group, string standard) =>
        group is null || (IPAddressValue.TryParse(group, out var address) && address == IPAddressValue.Parse(standard));

    /// <summary>An address entry with more than the address (a dev other than the instance's interface counts, the same one does not).</summary>
    private static bool HasAddressOptions(VrrpInstanceOptions o) =>
        o.VirtualAddresses.Concat(o.ExcludedVirtualAddresses).Any(text =>
            VirtualAddressSpec.TryParse(text, out var spec, out _) && spec.HasAttributes &&
            !(spec.Device == o.Interface && !spec.NoTrack && spec.Scope is null && spec.Broadcast is null && spec.Label is null &&
              spec.Peer is null && spec.Flags.Count == 0 && spec.PreferredLifetime is null && !spec.UseVirtualMac));
}
