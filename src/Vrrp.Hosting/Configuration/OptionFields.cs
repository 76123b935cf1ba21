using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Vrrp.Hosting;

/// <summary>
/// One option of an options class: its configuration key, the keepalived keyword it stands for, how it is read from
/// configuration and (for numbers) its range. The tables below drive <see cref="VrrpConfigurationBinder"/> (binding,
/// unknown keys and "did you mean") and the range checks of <see cref="VrrpOptionsValidator"/>, so each option is
/// described once. The ranges are <see cref="VrrpLimits"/>' constants, which the keepalived.conf keyword table of
/// Vrrp.Keepalived reads too (keepalived's syntax, defaults and writing live there; a test in Vrrp.Keepalived.Tests
/// checks that every keyword named here is one that table knows, in the same block).
/// </summary>
/// <typeparam name="T">The options class.</typeparam>
internal sealed class OptionField<T>(string name, string? keyword, Action<T, IConfigurationSection, BindContext> bind)
{
    /// <summary>The configuration key (the property name).</summary>
    public string Name { get; } = name;

    /// <summary>The keepalived keyword, or null when the option has none.</summary>
    public string? Keyword { get; } = keyword;

    /// <summary>The name as messages show it: <c>Priority (priority)</c>.</summary>
    public string Display => Keyword is null ? Name : $"{Name} ({Keyword})";

    /// <summary>The integer range, for numbers with one.</summary>
    public (int Min, int Max)? Range { get; init; }

    /// <summary>Reads the integer value from the options (for the range check).</summary>
    public Func<T, int>? GetInt { get; init; }

    public void Bind(T target, IConfigurationSection section, BindContext context) => bind(target, section, context);
}

/// <summary>What a binding pass reports into: the errors, and the label of the item being bound.</summary>
internal sealed class BindContext(List<string> errors)
{
    public List<string> Errors { get; } = errors;

    /// <summary>The item being bound, as messages name it: <c>Vrrp</c>, <c>Instance 'VI_1'</c>, <c>Script 'chk'</c>.</summary>
    public string Label { get; set; } = "Vrrp";

    public void Error(IConfigurationSection section, string field, string problem) =>
        Errors.Add($"{Label}: {field} {problem} ({section.Path}).");
}

/// <summary>The option tables of every options class.</summary>
internal static class OptionFields
{
    /// <summary>The accepted forms of a duration, shown in every duration error.</summary>
    internal const string DurationForms = "write seconds as keepalived does (\"1\", \"0.05\", \"2.5\") or a TimeSpan with hours, minutes and seconds (\"00:00:01\", \"00:00:00.050\")";

    public static readonly OptionField<VrrpOptions>[] Root =
    [
        Text<VrrpOptions>("RouterId", "router_id", (o, v) => o.RouterId = v),
        Text<VrrpOptions>("DefaultInterface", "default_interface", (o, v) => o.DefaultInterface = v),
        Bool<VrrpOptions>("DynamicInterfaces", "dynamic_interfaces", (o, v) => o.DynamicInterfaces = v),
        Bool<VrrpOptions>("AllowInterfaceChanges", "dynamic_interfaces allow_if_changes", (o, v) => o.AllowInterfaceChanges = v),
        Text<VrrpOptions>("NetworkNamespace", "net_namespace", (o, v) => o.NetworkNamespace = v),
        Duration<VrrpOptions>("StartupDelay", "vrrp_startup_delay", (o, v) => o.StartupDelay = v),
        Duration<VrrpOptions>("CallbackTimeout", null, (o, v) => o.CallbackTimeout = v),
        Bool<VrrpOptions>("ReleaseOnStop", null, (o, v) => o.ReleaseOnStop = v),
        Bool<VrrpOptions>("IgnoreUnsupported", "vrrpd_ignore_unsupported", (o, v) => o.IgnoreUnsupported = v),
        Text<VrrpOptions>("MulticastGroup4", "vrrp_mcast_group4", (o, v) => o.MulticastGroup4 = v),
        Text<VrrpOptions>("MulticastGroup6", "vrrp_mcast_group6", (o, v) => o.MulticastGroup6 = v),
        Section<VrrpOptions, VrrpNotifyFifoOptions>("NotifyFifo", "notify_fifo", o => o.NotifyFifo ??= new(), () => NotifyFifo!),
        Section<VrrpOptions, VrrpNotifyFifoOptions>("VrrpNotifyFifo", "vrrp_notify_fifo", o => o.VrrpNotifyFifo ??= new(), () => NotifyFifo!),
        Bool<VrrpOptions>("EnableScriptSecurity", "enable_script_security", (o, v) => o.EnableScriptSecurity = v),
        Bool<VrrpOptions>("FifoWriteStatesOnReload", "fifo_write_vrrp_states_on_reload", (o, v) => o.FifoWriteStatesOnReload = v),
        Text<VrrpOptions>("ScriptUser", "script_user", (o, v) => o.ScriptUser = v),
        Text<VrrpOptions>("ScriptGroup", "script_user", (o, v) => o.ScriptGroup = v),
        Duration<VrrpOptions>("GarpInterval", "vrrp_garp_interval", (o, v) => o.GarpInterval = v),
        Duration<VrrpOptions>("GnaInterval", "vrrp_gna_interval", (o, v) => o.GnaInterval = v),
        Text<VrrpOptions>("VirtualMacPrefix", "vmac_prefix", (o, v) => o.VirtualMacPrefix = v),
        Text<VrrpOptions>("VirtualMacAddressPrefix", "vmac_addr_prefix", (o, v) => o.VirtualMacAddressPrefix = v),
        Named<VrrpOptions, VrrpGarpGroupOptions>("GarpGroups", "garp_group", "Garp group", o => o.GarpGroups, "Name", g => g.Name, (g, n) => g.Name = n, () => GarpGroup!),
        Named<VrrpOptions, VrrpInstanceOptions>("Instances", "vrrp_instance", "Instance", o => o.Instances, "Name", i => i.Name, (i, n) => i.Name = n, () => Instance!),
        Named<VrrpOptions, VrrpSyncGroupOptions>("SyncGroups", "vrrp_sync_group", "Sync group", o => o.SyncGroups, "Name", g => g.Name, (g, n) => g.Name = n, () => SyncGroup!),
        Named<VrrpOptions, VrrpScriptOptions>("Scripts", "vrrp_script", "Script", o => o.Scripts, "Name", s => s.Name, (s, n) => s.Name = n, () => Script!),
        Named<VrrpOptions, VrrpTrackFileOptions>("TrackFiles", "vrrp_track_file", "Track file", o => o.TrackFiles, "Name", f => f.Name, (f, n) => f.Name = n, () => TrackFile!),
        Named<VrrpOptions, VrrpInterfaceDelayOptions>("InterfaceDelays", "interface_up_down_delays", "Interface delays", o => o.InterfaceDelays, "Interface", d => d.Interface, (d, n) => d.Interface = n, () => InterfaceDelay!),
        Named<VrrpOptions, VrrpTrackProcessOptions>("TrackProcesses", "vrrp_track_process", "Tracked process", o => o.TrackProcesses, "Name", p => p.Name, (p, n) => p.Name = n, () => TrackProcess!),
        Strings<VrrpOptions>("StaticAddresses", "static_ipaddress", o => o.StaticAddresses),
        Strings<VrrpOptions>("StaticRoutes", "static_routes", o => o.StaticRoutes),
        Strings<VrrpOptions>("StaticRules", "static_rules", o => o.StaticRules),
        Named<VrrpOptions, VrrpStaticTrackGroupOptions>("StaticTrackGroups", "track_group", "Static track group", o => o.StaticTrackGroups, "Name", g => g.Name, (g, n) => g.Name = n, () => StaticTrackGroup!),
        Section<VrrpOptions, VrrpDaemonScriptOptions>("StartupScript", "startup_script", o => o.StartupScript ??= new(), () => StartupScript!),
        Section<VrrpOptions, VrrpDaemonScriptOptions>("ShutdownScript", "shutdown_script", o => o.ShutdownScript ??= new(), () => ShutdownScript!),
        Section<VrrpOptions, VrrpProcessOptions>("Process", "vrrp_priority / vrrp_rt_priority / vrrp_rlimit_rttime / vrrp_cpu_affinity / vrrp_no_swap / umask / reload_check_config / reload_file / reload_time_file / data_use_instance / config_save_dir", o => o.Process, () => Process!),
        Section<VrrpOptions, VrrpFirewallOptions>("Firewall", "nftables", o => o.Firewall, () => Firewall!),
        Bool<VrrpOptions>("LogUnknownVirtualRouterIds", "log_unknown_vrids", (o, v) => o.LogUnknownVirtualRouterIds = v),
        Bool<VrrpOptions>("DisableLocalIgmp", "disable_local_igmp", (o, v) => o.DisableLocalIgmp = v),
        Section<VrrpOptions, VrrpReceiveBufferOptions>("ReceiveBuffers", "vrrp_netlink_cmd_rcv_bufs / vrrp_netlink_monitor_rcv_bufs / process_monitor_rcv_bufs", o => o.ReceiveBuffers, () => ReceiveBuffers!),
    ];

    public static readonly OptionField<VrrpReceiveBufferOptions>[] ReceiveBuffers =
    [
        Int<VrrpReceiveBufferOptions>("NetlinkCommand", "vrrp_netlink_cmd_rcv_bufs", o => o.NetlinkCommand, (o, v) => o.NetlinkCommand = v, 0, int.MaxValue),
        Bool<VrrpReceiveBufferOptions>("NetlinkCommandForce", "vrrp_netlink_cmd_rcv_bufs_force", (o, v) => o.NetlinkCommandForce = v),
        Int<VrrpReceiveBufferOptions>("NetlinkMonitor", "vrrp_netlink_monitor_rcv_bufs", o => o.NetlinkMonitor, (o, v) => o.NetlinkMonitor = v, 0, int.MaxValue),
        Bool<VrrpReceiveBufferOptions>("NetlinkMonitorForce", "vrrp_netlink_monitor_rcv_bufs_force", (o, v) => o.NetlinkMonitorForce = v),
        Int<VrrpReceiveBufferOptions>("ProcessMonitor", "process_monitor_rcv_bufs", o => o.ProcessMonitor, (o, v) => o.ProcessMonitor = v, 0, int.MaxValue),
        Bool<VrrpReceiveBufferOptions>("ProcessMonitorForce", "process_monitor_rcv_bufs_force", (o, v) => o.ProcessMonitorForce = v),
        Enum<VrrpReceiveBufferOptions, VrrpReceiveBufferPolicy>("VrrpSocketPolicy", "vrrp_rx_bufs_policy", (o, v) => o.VrrpSocketPolicy = v, "Default, Mtu, Advert or Size"),
        Int<VrrpReceiveBufferOptions>("VrrpSocketSize", "vrrp_rx_bufs_policy", o => o.VrrpSocketSize, (o, v) => o.VrrpSocketSize = v, 0, int.MaxValue),
        Int<VrrpReceiveBufferOptions>("VrrpSocketMultiplier", "vrrp_rx_bufs_multiplier", o => o.VrrpSocketMultiplier, (o, v) => o.VrrpSocketMultiplier = v, 1, int.MaxValue),
    ];

    public static readonly OptionField<VrrpFirewallOptions>[] Firewall =
    [
        Text<VrrpFirewallOptions>("TableName", "nftables", (o, v) => o.TableName = v),
        Int<VrrpFirewallOptions>("ChainPriority", "nftables_priority", o => o.ChainPriority, (o, v) => o.ChainPriority = v, int.MinValue, int.MaxValue),
        Bool<VrrpFirewallOptions>("MatchInterfaceIndex", "nftables_ifindex", (o, v) => o.MatchInterfaceIndex = v),
        Bool<VrrpFirewallOptions>("Counters", "nftables_counters", (o, v) => o.Counters = v),
    ];

    public static readonly OptionField<VrrpProcessOptions>[] Process =
    [
        Int<VrrpProcessOptions>("Priority", "vrrp_priority", o => o.Priority, (o, v) => o.Priority = v, -20, 19),
        Int<VrrpProcessOptions>("RealtimePriority", "vrrp_rt_priority", o => o.RealtimePriority, (o, v) => o.RealtimePriority = v, 0, 99),
        Int<VrrpProcessOptions>("RealtimeTimeLimitMicroseconds", "vrrp_rlimit_rttime", o => o.RealtimeTimeLimitMicroseconds, (o, v) => o.RealtimeTimeLimitMicroseconds = v, 2, int.MaxValue),
        Ints<VrrpProcessOptions>("CpuAffinity", "vrrp_cpu_affinity", o => o.CpuAffinity),
        Bool<VrrpProcessOptions>("LockMemory", "vrrp_no_swap", (o, v) => o.LockMemory = v),
        Text<VrrpProcessOptions>("Name", "vrrp_process_name", (o, v) => o.Name = v),
        Int<VrrpProcessOptions>("MaxAutoPriority", "max_auto_priority", o => o.MaxAutoPriority, (o, v) => o.MaxAutoPriority = v, -1, 99),
        Int<VrrpProcessOptions>("MinAutoPriorityDelayMicroseconds", "min_auto_priority_delay", o => o.MinAutoPriorityDelayMicroseconds, (o, v) => o.MinAutoPriorityDelayMicroseconds = v, 1, 10_000_000),
        Text<VrrpProcessOptions>("ParentName", "process_name", (o, v) => o.ParentName = v),
        NullableInt<VrrpProcessOptions>("Umask", "umask", (o, v) => o.Umask = v, 0, 511, o => o.Umask),
        Text<VrrpProcessOptions>("ReloadCheckLog", "reload_check_config", (o, v) => o.ReloadCheckLog = v),
        Text<VrrpProcessOptions>("ReloadFile", "reload_file", (o, v) => o.ReloadFile = v),
        Text<VrrpProcessOptions>("InstanceName", "instance", (o, v) => o.InstanceName = v),
        Text<VrrpProcessOptions>("ReloadTimeFile", "reload_time_file", (o, v) => o.ReloadTimeFile = v),
        Bool<VrrpProcessOptions>("ReloadRepeat", "reload_repeat", (o, v) => o.ReloadRepeat = v),
        Text<VrrpProcessOptions>("ConfigSaveDirectory", "config_save_dir", (o, v) => o.ConfigSaveDirectory = v),
        Bool<VrrpProcessOptions>("DataUseInstance", "data_use_instance", (o, v) => o.DataUseInstance = v),
    ];

    public static readonly OptionField<VrrpInterfaceDelayOptions>[] InterfaceDelay =
    [
        Text<VrrpInterfaceDelayOptions>("Interface", null, (o, v) => o.Interface = v ?? ""),
        Duration<VrrpInterfaceDelayOptions>("Down", null, (o, v) => o.Down = v),
        Duration<VrrpInterfaceDelayOptions>("Up", null, (o, v) => o.Up = v),
    ];

    public static readonly OptionField<VrrpInstanceOptions>[] Instance =
    [
        Text<VrrpInstanceOptions>("Name", "vrrp_instance", (o, v) => o.Name = v ?? ""),
        Text<VrrpInstanceOptions>("Interface", "interface", (o, v) => o.Interface = v ?? ""),
        Text<VrrpInstanceOptions>("Vrf", "vrf", (o, v) => o.Vrf = v),
        Int<VrrpInstanceOptions>("VirtualRouterId", "virtual_router_id", o => o.VirtualRouterId, (o, v) => o.VirtualRouterId = v, VrrpLimits.MinimumVirtualRouterId, VrrpLimits.MaximumVirtualRouterId),
        Int<VrrpInstanceOptions>("Priority", "priority", o => o.Priority, (o, v) => o.Priority = v, VrrpLimits.MinimumPriority, VrrpLimits.MaximumPriority),
        Enum<VrrpInstanceOptions, VrrpVersion>("Version", "version", (o, v) => o.Version = v, "2 or 3"),
        Duration<VrrpInstanceOptions>("AdvertisementInterval", "advert_int", (o, v) => o.AdvertisementInterval = v),
        Strings<VrrpInstanceOptions>("VirtualAddresses", "virtual_ipaddress", o => o.VirtualAddresses),
        Strings<VrrpInstanceOptions>("ExcludedVirtualAddresses", "virtual_ipaddress_excluded", o => o.ExcludedVirtualAddresses),
        Enum<VrrpInstanceOptions, VrrpState>("InitialState", "state", (o, v) => o.InitialState = v, "MASTER or BACKUP"),
        Bool<VrrpInstanceOptions>("NoPreempt", "nopreempt", (o, v) => o.NoPreempt = v),
        Duration<VrrpInstanceOptions>("PreemptDelay", "preempt_delay", (o, v) => o.PreemptDelay = v),
        Enum<VrrpInstanceOptions, Packets.AuthenticationType>("AuthenticationType", "auth_type", (o, v) => o.AuthenticationType = v, "None, PASS (SimplePassword) or AH (IPAuthenticationHeader)"),
        Text<VrrpInstanceOptions>("AuthenticationPassword", "auth_pass", (o, v) => o.AuthenticationPassword = v),
        Enum<VrrpInstanceOptions, Ipv4ChecksumMode>("ChecksumMode", null, (o, v) => o.ChecksumMode = v, null),
        Enum<VrrpInstanceOptions, OldUnicastChecksum>("OldUnicastChecksum", "old_unicast_checksum", (o, v) => o.OldUnicastChecksum = v, null),
        Text<VrrpInstanceOptions>("SourceAddress", "mcast_src_ip / unicast_src_ip", (o, v) => o.SourceAddress = v),
        Strings<VrrpInstanceOptions>("UnicastPeers", "unicast_peer", o => o.UnicastPeers),
        Bool<VrrpInstanceOptions>("CheckUnicastSource", "check_unicast_src", (o, v) => o.CheckUnicastSource = v),
        Bool<VrrpInstanceOptions>("UseVirtualMac", "use_vmac", (o, v) => o.UseVirtualMac = v),
        Bool<VrrpInstanceOptions>("UseVirtualMacForAddresses", "use_vmac_addr", (o, v) => o.UseVirtualMacForAddresses = v),
        Text<VrrpInstanceOptions>("VirtualMacInterface", "use_vmac NAME", (o, v) => o.VirtualMacInterface = v),
        Bool<VrrpInstanceOptions>("UseIpvlan", "use_ipvlan", (o, v) => o.UseIpvlan = v),
        Text<VrrpInstanceOptions>("IpvlanInterface", "use_ipvlan NAME", (o, v) => o.IpvlanInterface = v),
        Text<VrrpInstanceOptions>("IpvlanAddress", "use_ipvlan ADDRESS", (o, v) => o.IpvlanAddress = v),
        Enum<VrrpInstanceOptions, IpvlanMode>("IpvlanMode", "use_ipvlan bridge|private|vepa", (o, v) => o.IpvlanMode = v, "Bridge, Private or Vepa"),
        Text<VrrpInstanceOptions>("NetworkNamespace", "net_namespace", (o, v) => o.NetworkNamespace = v),
        Bool<VrrpInstanceOptions>("DontTrackPrimary", "dont_track_primary", (o, v) => o.DontTrackPrimary = v),
        Bool<VrrpInstanceOptions>("StrictMode", "strict_mode", (o, v) => o.StrictMode = v),
        Duration<VrrpInstanceOptions>("GarpMasterDelay", "garp_master_delay", (o, v) => o.GarpMasterDelay = v),
        Int<VrrpInstanceOptions>("GarpMasterRepeat", "garp_master_repeat", o => o.GarpMasterRepeat, (o, v) => o.GarpMasterRepeat = v, 1, VrrpLimits.MaximumRepeat),
        Duration<VrrpInstanceOptions>("GarpMasterRefresh", "garp_master_refresh", (o, v) => o.GarpMasterRefresh = v),
        Int<VrrpInstanceOptions>("GarpMasterRefreshRepeat", "garp_master_refresh_repeat", o => o.GarpMasterRefreshRepeat, (o, v) => o.GarpMasterRefreshRepeat = v, 1, VrrpLimits.MaximumRepeat),
        Duration<VrrpInstanceOptions>("GarpLowerPriorityDelay", "garp_lower_prio_delay", (o, v) => o.GarpLowerPriorityDelay = v),
        Int<VrrpInstanceOptions>("GarpLowerPriorityRepeat", "garp_lower_prio_repeat", o => o.GarpLowerPriorityRepeat, (o, v) => o.GarpLowerPriorityRepeat = v, 0, VrrpLimits.MaximumRepeat),
        Named<VrrpInstanceOptions, TrackInterfaceOptions>("TrackInterfaces", "track_interface", null, o => o.TrackInterfaces, "Interface", t => t.Interface, (t, n) => t.Interface = n, () => TrackInterface!),
        Named<VrrpInstanceOptions, TrackReferenceOptions>("TrackScripts", "track_script", null, o => o.TrackScripts, "Name", t => t.Name, (t, n) => t.Name = n, () => TrackReference!),
        Named<VrrpInstanceOptions, TrackReferenceOptions>("TrackFiles", "track_file", null, o => o.TrackFiles, "Name", t => t.Name, (t, n) => t.Name = n, () => TrackReference!),
        Named<VrrpInstanceOptions, TrackHealthCheckOptions>("TrackHealthChecks", null, null, o => o.TrackHealthChecks, "Name", t => t.Name, (t, n) => t.Name = n, () => TrackHealthCheck!),
        Text<VrrpInstanceOptions>("NotifyMaster", "notify_master", (o, v) => o.NotifyMaster = v),
        Text<VrrpInstanceOptions>("NotifyBackup", "notify_backup", (o, v) => o.NotifyBackup = v),
        Text<VrrpInstanceOptions>("NotifyFault", "notify_fault", (o, v) => o.NotifyFault = v),
        Text<VrrpInstanceOptions>("NotifyStop", "notify_stop", (o, v) => o.NotifyStop = v),
        Text<VrrpInstanceOptions>("Notify", "notify", (o, v) => o.Notify = v),
        NullableBool<VrrpInstanceOptions>("Accept", "accept / no_accept", (o, v) => o.Accept = v),
        Bool<VrrpInstanceOptions>("VirtualMacTransmitOnBase", "vmac_xmit_base", (o, v) => o.VirtualMacTransmitOnBase = v),
        NullableInt<VrrpInstanceOptions>("UnicastTtl", "unicast_ttl", (o, v) => o.UnicastTtl = v, 0, VrrpLimits.MaximumTtl, o => o.UnicastTtl),
        Named<VrrpInstanceOptions, UnicastPeerTtlOptions>("UnicastPeerTtls", "unicast_peer", null, o => o.UnicastPeerTtls, "Peer", t => t.Peer, (t, n) => t.Peer = n, () => UnicastPeerTtl!),
        Strings<VrrpInstanceOptions>("VirtualRoutes", "virtual_routes", o => o.VirtualRoutes),
        Strings<VrrpInstanceOptions>("VirtualRules", "virtual_rules", o => o.VirtualRules),
        Named<VrrpInstanceOptions, TrackReferenceOptions>("TrackProcesses", "track_process", null, o => o.TrackProcesses, "Name", t => t.Name, (t, n) => t.Name = n, () => TrackReference!),
        NullableDuration<VrrpInstanceOptions>("GarpExtraInterfacesInterval", "garp_extra_if", (o, v) => o.GarpExtraInterfacesInterval = v),
        Bool<VrrpInstanceOptions>("GarpExtraInterfacesAll", "garp_extra_if", (o, v) => o.GarpExtraInterfacesAll = v),
        Bool<VrrpInstanceOptions>("HigherPrioritySendAdvert", "higher_prio_send_advert", (o, v) => o.HigherPrioritySendAdvert = v),
        Text<VrrpInstanceOptions>("NotifyMasterRxLowerPriority", "notify_master_rx_lower_pri", (o, v) => o.NotifyMasterRxLowerPriority = v),
        Bool<VrrpInstanceOptions>("PromoteSecondaries", "promote_secondaries", (o, v) => o.PromoteSecondaries = v),
        NullableBool<VrrpInstanceOptions>("NotifyPriorityChanges", "notify_priority_changes", (o, v) => o.NotifyPriorityChanges = v),
        Bool<VrrpInstanceOptions>("ReportDeleted", "notify_deleted", (o, v) => o.ReportDeleted = v),
        Text<VrrpInstanceOptions>("NotifyDeleted", "notify_deleted", (o, v) => o.NotifyDeleted = v),
        Bool<VrrpInstanceOptions>("LowerPriorityNoAdvert", "lower_prio_no_advert", (o, v) => o.LowerPriorityNoAdvert = v),
        Int<VrrpInstanceOptions>("DownTimerAdverts", "down_timer_adverts", o => o.DownTimerAdverts, (o, v) => o.DownTimerAdverts = v, VrrpLimits.MinimumDownTimerAdverts, VrrpLimits.MaximumDownTimerAdverts),
        Text<VrrpInstanceOptions>("MulticastGroup", "mcast_dst_ip", (o, v) => o.MulticastGroup = v),
        Bool<VrrpInstanceOptions>("UnicastFaultNoPeer", "unicast_fault_no_peer", (o, v) => o.UnicastFaultNoPeer = v),
        Bool<VrrpInstanceOptions>("TrackSourceAddress", "track_src_ip", (o, v) => o.TrackSourceAddress = v),
        Text<VrrpInstanceOptions>("NotifyUser", "notify_master", (o, v) => o.NotifyUser = v),
        Text<VrrpInstanceOptions>("NotifyGroup", "notify_master", (o, v) => o.NotifyGroup = v),
    ];

    public static readonly OptionField<UnicastPeerTtlOptions>[] UnicastPeerTtl =
    [
        Text<UnicastPeerTtlOptions>("Peer", "unicast_peer", (o, v) => o.Peer = v ?? ""),
        Int<UnicastPeerTtlOptions>("MinTtl", "min_ttl", o => o.MinTtl, (o, v) => o.MinTtl = v, 0, VrrpLimits.MaximumTtl),
        Int<UnicastPeerTtlOptions>("MaxTtl", "max_ttl", o => o.MaxTtl, (o, v) => o.MaxTtl = v, 0, VrrpLimits.MaximumTtl),
    ];

    public static readonly OptionField<VrrpDaemonScriptOptions>[] StartupScript = DaemonScript("startup_script");

    public static readonly OptionField<VrrpDaemonScriptOptions>[] ShutdownScript = DaemonScript("shutdown_script");

    private static OptionField<VrrpDaemonScriptOptions>[] DaemonScript(string keyword) =>
    [
        Text<VrrpDaemonScriptOptions>("Command", keyword, (o, v) => o.Command = v ?? ""),
        Text<VrrpDaemonScriptOptions>("User", keyword, (o, v) => o.User = v),
        Text<VrrpDaemonScriptOptions>("Group", keyword, (o, v) => o.Group = v),
        Duration<VrrpDaemonScriptOptions>("Timeout", keyword + "_timeout", (o, v) => o.Timeout = v),
    ];

    public static readonly OptionField<VrrpNotifyFifoOptions>[] NotifyFifo =
    [
        Text<VrrpNotifyFifoOptions>("Path", "notify_fifo", (o, v) => o.Path = v ?? ""),
        Text<VrrpNotifyFifoOptions>("User", "notify_fifo", (o, v) => o.User = v),
        Text<VrrpNotifyFifoOptions>("Group", "notify_fifo", (o, v) => o.Group = v),
        Text<VrrpNotifyFifoOptions>("Script", "notify_fifo_script", (o, v) => o.Script = v),
        Text<VrrpNotifyFifoOptions>("ScriptUser", "notify_fifo_script", (o, v) => o.ScriptUser = v),
        Text<VrrpNotifyFifoOptions>("ScriptGroup", "notify_fifo_script", (o, v) => o.ScriptGroup = v),
    ];

    public static readonly OptionField<VrrpTrackProcessOptions>[] TrackProcess =
    [
        Text<VrrpTrackProcessOptions>("Name", "vrrp_track_process", (o, v) => o.Name = v ?? ""),
        Text<VrrpTrackProcessOptions>("Process", "process", (o, v) => o.Process = v ?? ""),
        Strings<VrrpTrackProcessOptions>("Parameters", "process", o => o.Parameters),
        Enum<VrrpTrackProcessOptions, ProcessParameterMatch>("ParameterMatch", "param_match", (o, v) => o.ParameterMatch = v, null),
        Bool<VrrpTrackProcessOptions>("FullCommand", "full_command", (o, v) => o.FullCommand = v),
        Int<VrrpTrackProcessOptions>("Quorum", "quorum", o => o.Quorum, (o, v) => o.Quorum = v, 0, VrrpLimits.MaximumQuorum),
        NullableInt<VrrpTrackProcessOptions>("QuorumMax", "quorum_max", (o, v) => o.QuorumMax = v, 0, VrrpLimits.MaximumQuorum, o => o.QuorumMax),
        Int<VrrpTrackProcessOptions>("Weight", "weight", null, (o, v) => o.Weight = v, null, null),
        Bool<VrrpTrackProcessOptions>("Reverse", "weight N reverse", (o, v) => o.Reverse = v),
        Duration<VrrpTrackProcessOptions>("TerminateDelay", "terminate_delay", (o, v) => o.TerminateDelay = v),
        Duration<VrrpTrackProcessOptions>("ForkDelay", "fork_delay", (o, v) => o.ForkDelay = v),
    ];

    public static readonly OptionField<TrackInterfaceOptions>[] TrackInterface =
    [
        Text<TrackInterfaceOptions>("Interface", "track_interface", (o, v) => o.Interface = v ?? ""),
        Int<TrackInterfaceOptions>("Weight", "weight", null, (o, v) => o.Weight = v, null, null),
        Bool<TrackInterfaceOptions>("Reverse", "weight N reverse", (o, v) => o.Reverse = v),
    ];

    public static readonly OptionField<TrackReferenceOptions>[] TrackReference =
    [
        Text<TrackReferenceOptions>("Name", null, (o, v) => o.Name = v ?? ""),
        NullableInt<TrackReferenceOptions>("Weight", "weight", (o, v) => o.Weight = v),
        NullableBool<TrackReferenceOptions>("Reverse", "weight N reverse", (o, v) => o.Reverse = v),
    ];

    public static readonly OptionField<TrackHealthCheckOptions>[] TrackHealthCheck =
    [
        Text<TrackHealthCheckOptions>("Name", null, (o, v) => o.Name = v ?? ""),
        Int<TrackHealthCheckOptions>("Weight", "weight", null, (o, v) => o.Weight = v, null, null),
        Duration<TrackHealthCheckOptions>("Interval", "interval", (o, v) => o.Interval = v),
        Duration<TrackHealthCheckOptions>("Timeout", "timeout", (o, v) => o.Timeout = v),
        Int<TrackHealthCheckOptions>("Rise", "rise", o => o.Rise, (o, v) => o.Rise = v, 1, 1000),
        Int<TrackHealthCheckOptions>("Fall", "fall", o => o.Fall, (o, v) => o.Fall = v, 1, 1000),
    ];

    public static readonly OptionField<VrrpScriptOptions>[] Script =
    [
        Text<VrrpScriptOptions>("Name", "vrrp_script", (o, v) => o.Name = v ?? ""),
        Text<VrrpScriptOptions>("Command", "script", (o, v) => o.Command = v ?? ""),
        Strings<VrrpScriptOptions>("Arguments", null, o => o.Arguments),
        Duration<VrrpScriptOptions>("Interval", "interval", (o, v) => o.Interval = v),
        NullableDuration<VrrpScriptOptions>("Timeout", "timeout", (o, v) => o.Timeout = v),
        Int<VrrpScriptOptions>("Weight", "weight", null, (o, v) => o.Weight = v, null, null),
        Int<VrrpScriptOptions>("Rise", "rise", o => o.Rise, (o, v) => o.Rise = v, 1, VrrpLimits.MaximumRiseFall),
        Int<VrrpScriptOptions>("Fall", "fall", o => o.Fall, (o, v) => o.Fall = v, 1, VrrpLimits.MaximumRiseFall),
        Text<VrrpScriptOptions>("User", "user", (o, v) => o.User = v),
        Text<VrrpScriptOptions>("Group", "user", (o, v) => o.Group = v),
        Bool<VrrpScriptOptions>("InitFail", "init_fail", (o, v) => o.InitFail = v),
        Bool<VrrpScriptOptions>("Reverse", "weight N reverse", (o, v) => o.Reverse = v),
    ];

    public static readonly OptionField<VrrpTrackFileOptions>[] TrackFile =
    [
        Text<VrrpTrackFileOptions>("Name", "vrrp_track_file", (o, v) => o.Name = v ?? ""),
        Text<VrrpTrackFileOptions>("Path", "file", (o, v) => o.Path = v ?? ""),
        Int<VrrpTrackFileOptions>("Weight", "weight", null, (o, v) => o.Weight = v, null, null),
        Duration<VrrpTrackFileOptions>("Interval", null, (o, v) => o.Interval = v),
        Bool<VrrpTrackFileOptions>("Reverse", "weight N reverse", (o, v) => o.Reverse = v),
        NullableInt<VrrpTrackFileOptions>("InitialValue", "init_file", (o, v) => o.InitialValue = v),
        Bool<VrrpTrackFileOptions>("InitialOverwrite", "init_file", (o, v) => o.InitialOverwrite = v),
    ];

    public static readonly OptionField<VrrpGarpGroupOptions>[] GarpGroup =
    [
        Text<VrrpGarpGroupOptions>("Name", null, (o, v) => o.Name = v ?? ""),
        NullableDuration<VrrpGarpGroupOptions>("GarpInterval", "garp_interval", (o, v) => o.GarpInterval = v),
        NullableDuration<VrrpGarpGroupOptions>("GnaInterval", "gna_interval", (o, v) => o.GnaInterval = v),
        Strings<VrrpGarpGroupOptions>("Interfaces", "interfaces", o => o.Interfaces),
    ];

    public static readonly OptionField<VrrpStaticTrackGroupOptions>[] StaticTrackGroup =
    [
        Text<VrrpStaticTrackGroupOptions>("Name", "track_group", (o, v) => o.Name = v ?? ""),
        Strings<VrrpStaticTrackGroupOptions>("Instances", "group", o => o.Instances),
    ];

    public static readonly OptionField<VrrpSyncGroupOptions>[] SyncGroup =
    [
        Text<VrrpSyncGroupOptions>("Name", "vrrp_sync_group", (o, v) => o.Name = v ?? ""),
        Strings<VrrpSyncGroupOptions>("Instances", "group", o => o.Instances),
        Text<VrrpSyncGroupOptions>("NotifyMaster", "notify_master", (o, v) => o.NotifyMaster = v),
        Text<VrrpSyncGroupOptions>("NotifyBackup", "notify_backup", (o, v) => o.NotifyBackup = v),
        Text<VrrpSyncGroupOptions>("NotifyFault", "notify_fault", (o, v) => o.NotifyFault = v),
        Text<VrrpSyncGroupOptions>("Notify", "notify", (o, v) => o.Notify = v),
        Bool<VrrpSyncGroupOptions>("TrackingWeight", "sync_group_tracking_weight", (o, v) => o.TrackingWeight = v),
        Text<VrrpSyncGroupOptions>("NotifyStop", "notify_stop", (o, v) => o.NotifyStop = v),
        NullableBool<VrrpSyncGroupOptions>("NotifyPriorityChanges", "notify_priority_changes", (o, v) => o.NotifyPriorityChanges = v),
        Text<VrrpSyncGroupOptions>("NotifyUser", "notify_master", (o, v) => o.NotifyUser = v),
        Text<VrrpSyncGroupOptions>("NotifyGroup", "notify_master", (o, v) => o.NotifyGroup = v),
    ];

    /// <summary>Parses a duration: seconds as keepalived writes them, or a TimeSpan with at least hours, minutes and seconds.</summary>
    /// <returns>False for anything else (units, a bare <c>1:30</c>, words).</returns>
    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds) &&
            Math.Abs(seconds) <= (decimal)TimeSpan.MaxValue.TotalSeconds / 2)
        {
            value = TimeSpan.FromTicks((long)decimal.Round(seconds * TimeSpan.TicksPerSecond));
            return true;
        }

        // "1:30" could be hours:minutes or minutes:seconds: demand hh:mm:ss (with an optional d. and .fffffff).
        if (text.Count(c => c == ':') == 2 && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    private static OptionField<T> Text<T>(string name, string? keyword, Action<T, string?> set) =>
        new(name, keyword, (o, s, c) =>
        {
            if (Leaf(s, c, name, keyword))
            {
                set(o, s.Value);
            }
        });

    private static OptionField<T> Int<T>(string name, string? keyword, Func<T, int>? get, Action<T, int> set, int? min, int? max) =>
        new(name, keyword, (o, s, c) =>
        {
            if (!Leaf(s, c, name, keyword))
            {
                return;
            }

            if (int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
            {
                set(o, v);
            }
            else
            {
                c.Error(s, Show(name, keyword), min is not null
                    ? $"must be a whole number from {min} to {max}, got '{s.Value}'"
                    : $"must be a whole number, got '{s.Value}'");
            }
        })
        {
            Range = min is { } lo && max is { } hi ? (lo, hi) : null,
            GetInt = get,
        };

    private static OptionField<T> NullableInt<T>(string name, string? keyword, Action<T, int?> set, int? min = null, int? max = null, Func<T, int?>? get = null) =>
        new(name, keyword, (o, s, c) =>
        {
            if (!Leaf(s, c, name, keyword))
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(s.Value))
            {
                set(o, null);
            }
            else if (int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
            {
                set(o, v);
            }
            else
            {
                c.Error(s, Show(name, keyword), $"must be a whole number, got '{s.Value}'");
            }
        })
        {
            // Unset (null) is always in range.
            Range = min is { } lo && max is { } hi ? (lo, hi) : null,
            GetInt = get is null || min is null ? null : o => get(o) ?? min.Value,
        };

    private static OptionField<T> NullableBool<T>(string name, string? keyword, Action<T, bool?> set) =>
        new(name, keyword, (o, s, c) =>
        {
            if (!Leaf(s, c, name, keyword))
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(s.Value))
            {
                set(o, null);
            }
            else if (bool.TryParse(s.Value, out bool v))
            {
                set(o, v);
            }
            else
            {
                c.Error(s, Show(name, keyword), $"must be true or false, got '{s.Value}'");
            }
        });

    // A nested object (NotifyFifo): its keys are bound onto the object get returns (created on first use).
    private static OptionField<T> Section<T, TItem>(string name, string? keyword, Func<T, TItem> get, Func<OptionField<TItem>[]> fields) =>
        new(name, keyword, (o, s, c) =>
        {
            if (!s.GetChildren().Any())
            {
                if (!string.IsNullOrEmpty(s.Value))
                {
                    c.Error(s, Show(name, keyword), $"is a section with the keys {string.Join(", ", fields().Select(f => f.Name))}, not the value '{s.Value}'");
                }

                return;
            }

            VrrpConfigurationBinder.BindFields(s, get(o), fields(), c, $"{name} ({keyword})");
        });

    private static OptionField<T> Bool<T>(string name, string? keyword, Action<T, bool> set) =>
        new(name, keyword, (o, s, c) =>
        {
            if (!Leaf(s, c, name, keyword))
            {
                return;
            }

            if (bool.TryParse(s.Value, out bool v))
            {
                set(o, v);
            }
            else
            {
                c.Error(s, Show(name, keyword), $"must be true or false, got '{s.Value}'");
            }
        });

    private static OptionField<T> Duration<T>(string name, string? keyword, Action<T, TimeSpan> set) =>
        new(name, keyword, (o, s, c) =>
        {
            if (!Leaf(s, c, name, keyword))
            {
                return;
            }

            if (TryParseDuration(s.Value ?? "", out var v))
            {
                set(o, v);
            }
            else
            {
                c.Error(s, Show(name, keyword), $"'{s.Value}' is not a duration: {DurationForms}");
            }
        });

    private static OptionField<T> NullableDuration<T>(string name, string? keyword, Action<T, TimeSpan?> set) =>
        new(name, keyword, (o, s, c) =>
        {
            if (!Leaf(s, c, name, keyword))
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(s.Value))
            {
                set(o, null);
            }
            else if (TryParseDuration(s.Value, out var v))
            {
                set(o, v);
            }
            else
            {
                c.Error(s, Show(name, keyword), $"'{s.Value}' is not a duration: {DurationForms}");
            }
        });

    private static OptionField<T> Enum<T, TEnum>(string name, string? keyword, Action<T, TEnum> set, string? accepted)
        where TEnum : struct, System.Enum =>
        new(name, keyword, (o, s, c) =>
        {
            if (!Leaf(s, c, name, keyword))
            {
                return;
            }

            string text = (s.Value ?? "").Trim();
            text = typeof(TEnum) == typeof(Packets.AuthenticationType) && text.Equals("PASS", StringComparison.OrdinalIgnoreCase) ? "SimplePassword"
                : typeof(TEnum) == typeof(Packets.AuthenticationType) && text.Equals("AH", StringComparison.OrdinalIgnoreCase) ? "IPAuthenticationHeader"
                : text;
            if (text.Length > 0 && System.Enum.TryParse(text, ignoreCase: true, out TEnum v) && System.Enum.IsDefined(v))
            {
                set(o, v);
            }
            else
            {
                c.Error(s, Show(name, keyword), $"must be {accepted ?? "one of " + string.Join(", ", System.Enum.GetNames<TEnum>())}, got '{s.Value}'");
            }
        });

    private static OptionField<T> Ints<T>(string name, string? keyword, Func<T, List<int>> get)
    {
        var strings = Strings<List<string>>(name, keyword, static l => l);
        return new(name, keyword, (o, s, c) =>
        {
            var words = new List<string>();
            strings.Bind(words, s, c);
            var list = get(o);
            list.Clear();
            foreach (string word in words)
            {
                if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int v))
                {
                    list.Add(v);
                }
                else
                {
                    c.Error(s, Show(name, keyword), $"is a list of whole numbers, got '{word}'");
                }
            }
        });
    }

    private static OptionField<T> Strings<T>(string name, string? keyword, Func<T, List<string>> get) =>
        new(name, keyword, (o, s, c) =>
        {
            var list = get(o);
            var children = s.GetChildren().ToList();
            if (children.Count == 0)
            {
                // A single value is a list of one (environment variables: Vrrp__Instances__VI_1__VirtualAddresses=...).
                list.Clear();
                if (!string.IsNullOrEmpty(s.Value))
                {
                    list.Add(s.Value);
                }

                return;
            }

            list.Clear();
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _) || child.GetChildren().Any())
                {
                    c.Error(child, Show(name, keyword), $"is a list of strings: write a JSON array such as [\"a\", \"b\"], not the key '{child.Key}'");
                    continue;
                }

                if (child.Value is { } value)
                {
                    list.Add(value);
                }
            }
        });

    private static OptionField<T> Named<T, TItem>(
        string name,
        string? keyword,
        string? itemLabel,
        Func<T, List<TItem>> get,
        string nameKey,
        Func<TItem, string> nameOf,
        Action<TItem, string> setName,
        Func<OptionField<TItem>[]> fields)
        where TItem : new() =>
        new(name, keyword, (o, s, c) => VrrpConfigurationBinder.BindNamedList(s, c, Show(name, keyword), itemLabel, get(o), nameKey, nameOf, setName, fields()));

    private static string Show(string name, string? keyword) => keyword is null ? name : $"{name} ({keyword})";

    // A scalar option must be a value, not a section.
    private static bool Leaf(IConfigurationSection section, BindContext context, string name, string? keyword)
    {
        if (section.GetChildren().Any())
        {
            context.Error(section, Show(name, keyword), $"is a single value, not a section (it has the keys {string.Join(", ", section.GetChildren().Select(c => c.Key))})");
            return false;
        }

        return section.Value is not null;
    }
}
