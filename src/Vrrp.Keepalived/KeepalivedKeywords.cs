using System.Collections.Frozen;

namespace Vrrp.Keepalived;

/// <summary>The keepalived.conf keywords the reader knows, beyond the ones it maps (see the binder).</summary>
internal static class KeepalivedKeywords
{
    /// <summary>Top-level blocks of keepalived that Vrrp does not implement: a warning naming the block, never an error.</summary>
    public static readonly FrozenDictionary<string, string> UnsupportedTopLevelBlocks = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["virtual_server"] = "LVS is not part of Vrrp",
        ["virtual_server_group"] = "LVS is not part of Vrrp",
        ["real_server"] = "LVS is not part of Vrrp",
        ["SSL"] = "LVS checkers are not part of Vrrp",
        ["bfd_instance"] = "BFD is not part of Vrrp",
        ["linkbeat_interfaces"] = "link state comes from netlink",
        ["static_ipaddress"] = "static addresses are not managed by Vrrp",
        ["static_routes"] = "static routes are not managed by Vrrp",
        ["static_rules"] = "static rules are not managed by Vrrp",
        ["track_group"] = "static track groups are not part of Vrrp",
        ["vrrp_track_process"] = "process tracking is not part of Vrrp; use a vrrp_script",
        ["garp_group"] = "announcement rate groups are not part of Vrrp",
        ["interface_up_down_delays"] = "interface debouncing is not part of Vrrp",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Top-level keywords without a block that keepalived has (daemon settings) and Vrrp ignores.</summary>
    public static readonly FrozenSet<string> UnsupportedTopLevelKeywords = new[]
    {
        "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir", "linkbeat_use_polling", "child_wait_time",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Blocks inside global_defs that Vrrp maps (none: <c>notification_email</c> and the like are warned).</summary>
    public static readonly FrozenSet<string> GlobalBlocks = FrozenSet<string>.Empty;

    /// <summary>The vrrp_instance keywords that take a block.</summary>
    public static readonly FrozenSet<string> InstanceBlocks = new[]
    {
        "authentication", "virtual_ipaddress", "virtual_ipaddress_excluded", "unicast_peer", "track_interface", "track_script", "track_file",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The vrrp_instance keywords that take no block.</summary>
    public static readonly FrozenSet<string> InstanceKeywords = new[]
    {
        "state", "interface", "virtual_router_id", "priority", "advert_int", "version", "nopreempt", "no_preempt", "preempt",
        "preempt_delay", "unicast_src_ip", "mcast_src_ip", "check_unicast_src", "use_vmac", "net_namespace", "dont_track_primary",
        "strict_mode", "garp_master_delay", "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat",
        "garp_lower_prio_delay", "garp_lower_prio_repeat", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify",
    }.ToFrozenSet(StringComparer.Ordinal);
}
