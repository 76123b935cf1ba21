using Vrrp.Hosting;
using Vrrp.Packets;
using W = Vrrp.Keepalived.KeepalivedConfigWriter;

namespace Vrrp.Keepalived;

/// <summary>
/// Every keepalived.conf keyword Vrrp knows, one row each: the block it is allowed in (the table it is in), how its
/// value is read with keepalived's rules and ranges (<see cref="Syntax"/>, the ranges from <see cref="VrrpLimits"/>),
/// which option it sets, its global_defs default and keepalived's default, and how the writer writes it back. The
/// reader, the writer and the list of known keywords all come from here.
/// </summary>
/// <remarks>
/// To add a keyword: add its option property to the options of Vrrp.Hosting (with its range in
/// <see cref="VrrpLimits"/> if it has a new one), then one row in the right block below. A plain value is
/// <c>Value(keyword, syntax, get, set)</c>; a keyword with a block or several parts is a <c>Custom</c> row whose
/// reading lives in KeepalivedConfigBinder.Blocks.cs and writing in KeepalivedConfigWriter.Blocks.cs. Rows are
/// written in table order.
/// </remarks>
internal static class KeywordTable
{
    static KeywordTable()
    {
        Instance = BuildInstance();
        Authentication = BuildAuthentication();
        Script = BuildScript();
        TrackFile = BuildTrackFile();
        SyncGroup = BuildSyncGroup();
        Global = BuildGlobal();
        TopLevel = BuildTopLevel();
    }

    /// <summary>The top level of the file: global_defs and the named blocks.</summary>
    public static KeywordBlock<VrrpOptions> TopLevel { get; }

    /// <summary><c>global_defs { ... }</c>, including the defaults of instance and script keywords (<c>vrrp_garp_master_delay</c>...).</summary>
    public static KeywordBlock<VrrpOptions> Global { get; }

    /// <summary><c>vrrp_instance NAME { ... }</c>.</summary>
    public static KeywordBlock<VrrpInstanceOptions> Instance { get; }

    /// <summary><c>authentication { ... }</c> inside an instance.</summary>
    public static KeywordBlock<VrrpInstanceOptions> Authentication { get; }

    /// <summary><c>vrrp_script NAME { ... }</c>.</summary>
    public static KeywordBlock<VrrpScriptOptions> Script { get; }

    /// <summary><c>vrrp_track_file NAME { ... }</c> (or <c>track_file NAME { ... }</c>).</summary>
    public static KeywordBlock<VrrpTrackFileOptions> TrackFile { get; }

    /// <summary><c>vrrp_sync_group NAME { ... }</c>.</summary>
    public static KeywordBlock<VrrpSyncGroupOptions> SyncGroup { get; }

    /// <summary>version and vrrp_version: 2 or 3.</summary>
    internal static readonly ValueSyntax<VrrpVersion> VersionSyntax =
        Syntax.Integer(2, 3, "2 or 3").Map(static v => v == 2 ? VrrpVersion.V2 : VrrpVersion.V3, static v => v == VrrpVersion.V2 ? 2 : 3);

    // keepalived reads 0..UINT_MAX and makes 0 into 1 ("must be greater than 0, setting to 1").
    private static readonly ValueSyntax<int> s_repeat = Syntax.Integer(0, VrrpLimits.MaximumRepeat).RaisedTo(1);

    private static KeywordBlock<VrrpOptions> BuildTopLevel()
    {
        var k = new KeywordBlock<VrrpOptions>("keepalived.conf");
        k.Custom("global_defs", BlockUse.Either, static (_, _, _) => { }, W.WriteGlobal); // read (and checked) before everything else
        k.Custom("vrrp_script", BlockUse.Required, static (b, s, _) => b.ReadScript(s), W.WriteScripts);
        k.Custom("vrrp_track_file", BlockUse.Required, static (b, s, _) => b.ReadTrackFile(s), W.WriteTrackFiles);
        k.Custom("track_file", BlockUse.Required, static (b, s, _) => b.ReadTrackFile(s));
        k.Custom("vrrp_instance", BlockUse.Required, static (b, s, _) => b.ReadInstance(s), W.WriteInstances);
        k.Custom("vrrp_sync_group", BlockUse.Required, static (b, s, _) => b.ReadSyncGroup(s), W.WriteSyncGroups);
        k.Value("net_namespace", Syntax.Text("a namespace name"), static o => o.NetworkNamespace!, static (o, v) => o.NetworkNamespace = v)
            .WrittenWhen(static _ => false); // keepalived also accepts it outside global_defs; written there

        k.Unsupported("vrrp_track_process", "process tracking is not read yet", "a vrrp_script that runs pgrep, or a health check");
        k.Unsupported("static_ipaddress", "static addresses are not managed by Vrrp", "the system's network configuration");
        k.Unsupported("static_routes", "static routes are not managed by Vrrp", "the system's network configuration");
        k.Unsupported("static_rules", "static rules are not managed by Vrrp", "the system's network configuration");
        k.Unsupported("track_group", "static track groups are not part of Vrrp", "leave it out (it only serves static_* blocks)");
        k.Unsupported("garp_group", "announcement rate groups are not part of Vrrp", "leave it out: announcements are sent at once");
        k.Unsupported("interface_up_down_delays", "interface debouncing is not part of Vrrp", "leave it out: link changes act at once");
        TopLevelIgnoredBlock(k, "virtual_server", "LVS is not part of Vrrp");
        TopLevelIgnoredBlock(k, "virtual_server_group", "LVS is not part of Vrrp");
        TopLevelIgnoredBlock(k, "real_server", "LVS is not part of Vrrp");
        TopLevelIgnoredBlock(k, "SSL", "LVS checkers are not part of Vrrp");
        TopLevelIgnoredBlock(k, "bfd_instance", "BFD is not part of Vrrp");
        TopLevelIgnoredBlock(k, "linkbeat_interfaces", "link state comes from netlink");
        foreach (string daemonSetting in new[] { "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir", "linkbeat_use_polling", "child_wait_time" })
        {
            k.Custom(daemonSetting, BlockUse.Either, static (b, s, _) => b.Warning(s, $"'{s.Keyword}' is not supported; ignored"));
        }

        return k;

        static void TopLevelIgnoredBlock(KeywordBlock<VrrpOptions> k, string keyword, string why) =>
            k.Custom(keyword, BlockUse.Either, (b, s, _) => b.Warning(s, $"{s.Keyword} block is not supported ({why}); skipped"));
    }

    private static KeywordBlock<VrrpOptions> BuildGlobal()
    {
        var k = new KeywordBlock<VrrpOptions>("global_defs");
        k.Value("router_id", Syntax.Text("a name"), static o => o.RouterId!, static (o, v) => o.RouterId = v);
        k.Value("net_namespace", Syntax.Text("a namespace name"), static o => o.NetworkNamespace!, static (o, v) => o.NetworkNamespace = v);
        k.Value("vrrp_startup_delay", Syntax.Seconds(0, VrrpLimits.MaximumStartupDelaySeconds), static o => o.StartupDelay, static (o, v) => o.StartupDelay = v)
            .KeepalivedDefault(TimeSpan.Zero);
        k.Custom("vrrp_mcast_group4", BlockUse.No, static (b, s, _) => b.CheckMulticastGroup(s, "224.0.0.18"));
        k.Custom("vrrp_mcast_group6", BlockUse.No, static (b, s, _) => b.CheckMulticastGroup(s, "ff02::12"));
        k.Flag(KeepalivedConfigBinder.IgnoreUnsupportedKeyword, static o => o.IgnoreUnsupported, static (o, v) => o.IgnoreUnsupported = v); // read first, see Bind
        k.Ignored("vrrp_skip_check_adv_addr", "an advert is never dropped for its address list, a difference is only logged");
        k.Ignored("enable_script_security", "scripts are not checked for unsafe permissions");
        k.Unsupported("vrrp_garp_interval", "pacing gratuitous ARPs is not read yet", "leave it out: announcements are sent at once");
        k.Unsupported("vrrp_gna_interval", "pacing neighbour advertisements is not read yet", "leave it out: announcements are sent at once");
        k.Unsupported("vrrp_min_garp", "vrrp_min_garp is not part of Vrrp", "garp_master_repeat 1 and garp_master_delay 0");
        k.Unsupported("vrrp_garp_extra_if", "announcing on other interfaces is not read yet", "leave it out");
        k.Unsupported("vrrp_lower_prio_no_advert", "not answering a lower-priority advert is not part of Vrrp", "leave it out: a master answers with an advert");
        k.Unsupported("vrrp_higher_prio_send_advert", "sending an advert before giving way is not read yet", "leave it out");
        k.Unsupported("vrrp_down_timer_adverts", "another number of adverts before Master_Down is not part of Vrrp", "leave it out: 3 adverts, as the RFC");
        foreach (string fifo in new[] { "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script" })
        {
            k.Unsupported(fifo, "notify FIFOs are not read yet", "notify scripts (run in order per instance), or callbacks");
        }

        // The defaults that instance and script keywords take from global_defs (vrrp_garp_master_delay...), read with
        // the syntax of the keyword they are the default of.
        AddGlobalDefaults(k, Instance);
        AddGlobalDefaults(k, Script);
        return k;
    }

    private static KeywordBlock<VrrpInstanceOptions> BuildInstance()
    {
        var k = new KeywordBlock<VrrpInstanceOptions>("vrrp_instance");
        k.Custom("state", BlockUse.No, static (b, s, d) => b.ReadState(s, d), W.WriteState);
        k.Value("interface", Syntax.InterfaceName, static o => o.Interface, static (o, v) => o.Interface = v).AlwaysWritten();
        k.Value("virtual_router_id", Syntax.Integer(VrrpLimits.MinimumVirtualRouterId, VrrpLimits.MaximumVirtualRouterId), static o => o.VirtualRouterId, static (o, v) => o.VirtualRouterId = v)
            .AlwaysWritten();
        k.Value("priority", Syntax.Integer(VrrpLimits.MinimumPriority, VrrpLimits.MaximumPriority), static o => o.Priority, static (o, v) => o.Priority = v)
            .AlwaysWritten();
        k.Value("version", VersionSyntax, static o => o.Version, static (o, v) => o.Version = v)
            .DefaultFrom("vrrp_version").KeepalivedDefault(VrrpVersion.V2).AlwaysWritten().FirstValueWins();
        k.Value("advert_int", Syntax.AdvertisementInterval, static o => o.AdvertisementInterval, static (o, v) => o.AdvertisementInterval = v)
            .AlwaysWritten(); // checked against the version when the instance is complete
        k.Custom("authentication", BlockUse.Required, static (b, s, d) => b.ReadAuthentication(s, d), W.WriteAuthentication);
        k.Custom("virtual_ipaddress", BlockUse.Required, static (b, s, d) => b.ReadAddresses(s, d, d.Options.VirtualAddresses, sameFamily: true),
            static (w, o, _) => W.WriteList(w, "virtual_ipaddress", o.VirtualAddresses));
        k.Custom("virtual_ipaddress_excluded", BlockUse.Required, static (b, s, d) => b.ReadAddresses(s, d, d.Options.ExcludedVirtualAddresses, sameFamily: false),
            static (w, o, _) => W.WriteList(w, "virtual_ipaddress_excluded", o.ExcludedVirtualAddresses));
        k.Flag("nopreempt", static o => o.NoPreempt, static (o, v) => o.NoPreempt = v);
        k.Flag("no_preempt", static o => o.NoPreempt, static (o, v) => o.NoPreempt = v).NotWritten();
        k.Flag("preempt", static o => o.NoPreempt, static (o, v) => o.NoPreempt = v, value: false).NotWritten();
        k.Value("preempt_delay", Syntax.Seconds(0, VrrpLimits.MaximumPreemptDelaySeconds), static o => o.PreemptDelay, static (o, v) => o.PreemptDelay = v)
            .KeepalivedDefault(TimeSpan.Zero);
        k.Value("unicast_src_ip", Syntax.Address, static o => o.SourceAddress, static (o, v) => o.SourceAddress = v)
            .WrittenWhen(static o => o.UnicastPeers.Count > 0);
        k.Value("mcast_src_ip", Syntax.Address, static o => o.SourceAddress, static (o, v) => o.SourceAddress = v)
            .WrittenWhen(static o => o.UnicastPeers.Count == 0);
        k.Custom("unicast_peer", BlockUse.Required, static (b, s, d) => b.ReadPeers(s, d.Options),
            static (w, o, _) => W.WriteList(w, "unicast_peer", o.UnicastPeers));
        k.Flag("check_unicast_src", static o => o.CheckUnicastSource, static (o, v) => o.CheckUnicastSource = v)
            .DefaultFrom("vrrp_check_unicast_src");
        k.Custom("use_vmac", BlockUse.No, static (b, s, d) => b.ReadUseVirtualMac(s, d.Options), W.WriteUseVirtualMac);
        k.Value("net_namespace", Syntax.Text("a namespace name"), static o => o.NetworkNamespace!, static (o, v) => o.NetworkNamespace = v);
        k.Flag("dont_track_primary", static o => o.DontTrackPrimary, static (o, v) => o.DontTrackPrimary = v);
        k.Value("strict_mode", Syntax.Bool, static o => o.StrictMode, static (o, v) => o.StrictMode = v)
            .DefaultFrom("vrrp_strict").KeepalivedDefault(false);

        // Announcements: the instance keyword, else global_defs' vrrp_ one, else keepalived's default. The
        // lower-priority ones default to the global master settings, not the instance's (as keepalived).
        var garpDelay = Syntax.WholeSeconds(0, VrrpLimits.MaximumTimerSeconds);
        k.Value("garp_master_delay", garpDelay, static o => o.GarpMasterDelay, static (o, v) => o.GarpMasterDelay = v)
            .DefaultFrom("vrrp_garp_master_delay").KeepalivedDefault(TimeSpan.FromSeconds(5));
        k.Value("garp_master_repeat", s_repeat, static o => o.GarpMasterRepeat, static (o, v) => o.GarpMasterRepeat = v)
            .DefaultFrom("vrrp_garp_master_repeat").KeepalivedDefault(5);
        k.Value("garp_master_refresh", Syntax.WholeSeconds(0, uint.MaxValue), static o => o.GarpMasterRefresh, static (o, v) => o.GarpMasterRefresh = v)
            .DefaultFrom("vrrp_garp_master_refresh").KeepalivedDefault(TimeSpan.Zero);
        k.Value("garp_master_refresh_repeat", s_repeat, static o => o.GarpMasterRefreshRepeat, static (o, v) => o.GarpMasterRefreshRepeat = v)
            .DefaultFrom("vrrp_garp_master_refresh_repeat").KeepalivedDefault(1);
        k.Value("garp_lower_prio_delay", garpDelay, static o => o.GarpLowerPriorityDelay, static (o, v) => o.GarpLowerPriorityDelay = v)
            .DefaultFrom("vrrp_garp_lower_prio_delay", "vrrp_garp_master_delay").KeepalivedDefault(TimeSpan.FromSeconds(5));
        k.Value("garp_lower_prio_repeat", Syntax.Integer(0, VrrpLimits.MaximumRepeat), static o => o.GarpLowerPriorityRepeat, static (o, v) => o.GarpLowerPriorityRepeat = v)
            .DefaultFrom("vrrp_garp_lower_prio_repeat", "vrrp_garp_master_repeat").KeepalivedDefault(5);

        k.Custom("track_interface", BlockUse.Required, static (b, s, d) => b.ReadTrackInterfaces(s, d.Options.TrackInterfaces), W.WriteTrackInterfaces);
        k.Custom("track_script", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((InstanceDraft)d).Scripts, VrrpLimits.MaximumTrackWeight),
            static (w, o, _) => W.WriteReferences(w, "track_script", o.TrackScripts));
        k.Custom("track_file", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((InstanceDraft)d).Files, VrrpLimits.MaximumTrackFileWeight),
            static (w, o, _) => W.WriteReferences(w, "track_file", o.TrackFiles));

        // keepalived keeps the first notify command of a kind.
        k.Value("notify_master", Syntax.CommandLine, static o => o.NotifyMaster, static (o, v) => o.NotifyMaster = v).FirstWins();
        k.Value("notify_backup", Syntax.CommandLine, static o => o.NotifyBackup, static (o, v) => o.NotifyBackup = v).FirstWins();
        k.Value("notify_fault", Syntax.CommandLine, static o => o.NotifyFault, static (o, v) => o.NotifyFault = v).FirstWins();
        k.Value("notify_stop", Syntax.CommandLine, static o => o.NotifyStop, static (o, v) => o.NotifyStop = v).FirstWins();
        k.Value("notify", Syntax.CommandLine, static o => o.Notify, static (o, v) => o.Notify = v).FirstWins();

        // keepalived 2.2.7's other instance keywords. What changes the protocol or the data plane is refused unless
        // vrrpd_ignore_unsupported; what has no effect here is a warning.
        k.Unsupported("use_vmac_addr", "virtual MACs per address are not part of Vrrp", "leave it out");
        k.Unsupported("vmac_xmit_base", "sending from the base interface is not read yet", "leave it out");
        k.Unsupported("use_ipvlan", "ipvlan interfaces are not part of Vrrp", "leave it out");
        k.Unsupported("unicast_fault_no_peer", "Fault without unicast peers is not part of Vrrp", "list the unicast peers");
        k.Unsupported("old_unicast_checksum", "keepalived's old VRRPv3 unicast checksum is not sent", "leave it out: adverts with either checksum are accepted");
        k.Unsupported("native_ipv6", "an IPv6 instance without IPv6 addresses is not part of Vrrp", "give the instance IPv6 virtual addresses");
        k.Unsupported("vrf", "VRF devices are not part of Vrrp", "leave it out and give the interface");
        k.Ignored("linkbeat_use_polling", "link state comes from netlink");
        k.Unsupported("track_process", "process tracking is not read yet", "a track_script that runs pgrep, or a health check");
        k.Unsupported("track_bfd", "BFD is not part of Vrrp", "a track_script or track_interface");
        k.Unsupported("mcast_dst_ip", "another multicast group per instance is not part of Vrrp", "leave it out: 224.0.0.18 and ff02::12 are used");
        k.Unsupported("track_src_ip", "tracking the source address is not part of Vrrp", "leave it out");
        k.Unsupported("unicast_ttl", "the TTL of unicast adverts is not read yet", "leave it out: adverts are sent with TTL 255");
        k.Unsupported("promote_secondaries", "promote_secondaries is not set on the interface", "sysctl net.ipv4.conf.IF.promote_secondaries=1");
        k.Unsupported("virtual_routes", "virtual routes are not read yet", "routes added by notify_master and removed by notify_backup");
        k.Unsupported("virtual_rules", "virtual rules are not read yet", "rules added by notify_master and removed by notify_backup");
        k.Unsupported("accept", "accept mode is not read yet", "leave it out: the addresses then answer as with accept");
        k.Unsupported("no_accept", "no_accept is not read yet", "leave it out: the addresses then answer as with accept");
        k.Ignored("skip_check_adv_addr", "an advert is never dropped for its address list, a difference is only logged");
        k.Ignored("debug", "debug output is set by log levels");
        k.Unsupported("notify_deleted", "a notify when an instance is deleted is not part of Vrrp", "notify_stop");
        k.Unsupported("notify_master_rx_lower_pri", "this notify is not read yet", "leave it out");
        k.Ignored("smtp_alert", "mail alerts are not part of Vrrp");
        k.Unsupported("notify_priority_changes", "notifying priority changes is not part of Vrrp", "leave it out, or watch IVrrpMonitor");
        k.Ignored("lvs_sync_daemon_interface", "LVS is not part of Vrrp");
        k.Unsupported("down_timer_adverts", "another number of adverts before Master_Down is not part of Vrrp", "leave it out: 3 adverts, as the RFC");
        k.Unsupported("garp_extra_if", "announcing on other interfaces is not read yet", "leave it out");
        k.Unsupported("vmac_garp_intvl", "announcing on other interfaces is not read yet", "leave it out");
        k.Unsupported("lower_prio_no_advert", "not answering a lower-priority advert is not part of Vrrp", "leave it out: a master answers with an advert");
        k.Unsupported("higher_prio_send_advert", "sending an advert before giving way is not read yet", "leave it out");
        k.Ignored("kernel_rx_buf_size", "receive buffers are sized by Vrrp");
        return k;
    }

    private static KeywordBlock<VrrpInstanceOptions> BuildAuthentication()
    {
        var k = new KeywordBlock<VrrpInstanceOptions>("authentication", blocksAreErrors: true);
        k.Value("auth_type", Syntax.Choice("PASS or AH", ("PASS", AuthenticationType.SimplePassword), ("AH", AuthenticationType.IPAuthenticationHeader)),
            static o => o.AuthenticationType, static (o, v) => o.AuthenticationType = v);
        k.Value("auth_pass", Syntax.Password, static o => o.AuthenticationPassword, static (o, v) => o.AuthenticationPassword = v);
        return k;
    }

    private static KeywordBlock<VrrpScriptOptions> BuildScript()
    {
        var k = new KeywordBlock<VrrpScriptOptions>("vrrp_script", blocksAreErrors: true);
        k.Custom("script", BlockUse.No, static (b, s, d) => b.ReadScriptCommand(s, d.Options), W.WriteScriptCommand);
        var timer = Syntax.WholeSeconds(0, VrrpLimits.MaximumTimerSeconds).RaisedTo(TimeSpan.FromSeconds(1)); // 0 becomes 1, as keepalived
        k.Value("interval", timer, static o => o.Interval, static (o, v) => o.Interval = v).AlwaysWritten();
        k.Value("timeout", timer.Map<TimeSpan?>(static v => v, static v => v!.Value), static o => o.Timeout, static (o, v) => o.Timeout = v);
        k.Custom("weight", BlockUse.No, static (b, s, d) => b.ReadWeight(s, VrrpLimits.MaximumTrackWeight, $"vrrp_script {d.Options.Name} weight",
            (w, reverse) => (d.Options.Weight, d.Options.Reverse) = (w, reverse)),
            static (w, o, _) => w.Line($"weight {W.Number(o.Weight)}{(o.Reverse ? " reverse" : "")}"));
        var riseFall = Syntax.Integer(1, VrrpLimits.MaximumRiseFall);
        k.Value("rise", riseFall, static o => o.Rise, static (o, v) => o.Rise = v).AlwaysWritten();
        k.Value("fall", riseFall, static o => o.Fall, static (o, v) => o.Fall = v).AlwaysWritten();
        k.Value("user", Syntax.User, static o => o.User!, static (o, v) => o.User = v).DefaultFrom("script_user");
        k.Flag("init_fail", static o => o.InitFail, static (o, v) => o.InitFail = v);
        return k;
    }

    private static KeywordBlock<VrrpTrackFileOptions> BuildTrackFile()
    {
        var k = new KeywordBlock<VrrpTrackFileOptions>("vrrp_track_file", blocksAreErrors: true);
        k.Value("file", Syntax.Text("a file path"), static o => o.Path, static (o, v) => o.Path = v).AlwaysWritten();
        k.Custom("weight", BlockUse.No, static (b, s, d) => b.ReadWeight(s, VrrpLimits.MaximumTrackFileWeight, $"{d.Scope} {d.Options.Name} weight",
            (w, reverse) => (d.Options.Weight, d.Options.Reverse) = (w, reverse)),
            static (w, o, _) => w.Line($"weight {W.Number(o.Weight)}{(o.Reverse ? " reverse" : "")}"));
        k.Unsupported("init_file", "creating the tracked file is not part of Vrrp", "create the file before starting");
        return k;
    }

    private static KeywordBlock<VrrpSyncGroupOptions> BuildSyncGroup()
    {
        var k = new KeywordBlock<VrrpSyncGroupOptions>("vrrp_sync_group");
        k.Custom("group", BlockUse.Required, static (b, s, d) => b.ReadSyncGroupMembers(s, (SyncGroupDraft)d), W.WriteSyncGroupMembers);
        k.Value("notify_master", Syntax.CommandLine, static o => o.NotifyMaster, static (o, v) => o.NotifyMaster = v).FirstWins();
        k.Value("notify_backup", Syntax.CommandLine, static o => o.NotifyBackup, static (o, v) => o.NotifyBackup = v).FirstWins();
        k.Value("notify_fault", Syntax.CommandLine, static o => o.NotifyFault, static (o, v) => o.NotifyFault = v).FirstWins();
        k.Value("notify", Syntax.CommandLine, static o => o.Notify, static (o, v) => o.Notify = v).FirstWins();
        k.Custom("sync_group_tracking_weight", BlockUse.No, static (b, s, _) => b.NoArguments(s), W.WriteTrackingWeight);
        k.Custom("global_tracking", BlockUse.No, static (b, s, d) =>
        {
            b.Warning(s, "global_tracking is deprecated (as keepalived says); sync_group_tracking_weight is used: put the trackers on the sync group instead");
            d.Seen["sync_group_tracking_weight"] = s.Location;
        });

        // The group's own trackers: every member tracks them too (with their weights, as keepalived).
        k.Custom("track_interface", BlockUse.Required, static (b, s, d) => b.ReadTrackInterfaces(s, ((SyncGroupDraft)d).Interfaces));
        k.Custom("track_script", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((SyncGroupDraft)d).Scripts, VrrpLimits.MaximumTrackWeight));
        k.Custom("track_file", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((SyncGroupDraft)d).Files, VrrpLimits.MaximumTrackFileWeight));
        k.Unsupported("track_process", "process tracking is not read yet", "a track_script that runs pgrep");
        k.Unsupported("track_bfd", "BFD is not part of Vrrp", "a track_script or track_interface");
        k.Unsupported("notify_stop", "a stop notify of the group is not part of Vrrp", "notify_stop on each member instance");
        k.Ignored("smtp_alert", "mail alerts are not part of Vrrp");
        k.Unsupported("notify_priority_changes", "notifying priority changes is not part of Vrrp", "leave it out, or watch IVrrpMonitor");
        return k;
    }

    /// <summary>Adds to global_defs the keywords that are defaults of <paramref name="block"/>'s keywords, read with their syntax.</summary>
    private static void AddGlobalDefaults<TOptions>(KeywordBlock<VrrpOptions> global, KeywordBlock<TOptions> block)
        where TOptions : class
    {
        foreach (var keyword in block)
        {
            foreach (string name in keyword.GlobalDefaults.Where(n => !global.Contains(n)))
            {
                var of = keyword;
                global.Custom(name, BlockUse.No, (b, s, _) =>
                {
                    if (of.ReadGlobalDefault(b, s) is { } value)
                    {
                        b.Globals[s.Keyword] = value;
                    }
                });
            }
        }
    }
}
