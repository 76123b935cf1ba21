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
        GarpGroup = BuildGarpGroup();
        SyncGroup = BuildSyncGroup();
        TrackProcess = BuildTrackProcess();
        Global = BuildGlobal();
        TopLevel = BuildTopLevel();
    }

    /// <summary><c>garp_group { ... }</c>.</summary>
    public static KeywordBlock<VrrpGarpGroupOptions> GarpGroup { get; }

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

    /// <summary><c>vrrp_track_process NAME { ... }</c>.</summary>
    public static KeywordBlock<VrrpTrackProcessOptions> TrackProcess { get; }

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
        k.Custom("vrrp_track_process", BlockUse.Required, static (b, s, _) => b.ReadTrackProcess(s), W.WriteTrackProcesses); // before the instances that name them, as keepalived needs
        k.Custom("vrrp_instance", BlockUse.Required, static (b, s, _) => b.ReadInstance(s), W.WriteInstances);
        k.Custom("vrrp_sync_group", BlockUse.Required, static (b, s, _) => b.ReadSyncGroup(s), W.WriteSyncGroups);
        k.Value("net_namespace", Syntax.Text("a namespace name"), static o => o.NetworkNamespace!, static (o, v) => o.NetworkNamespace = v)
            .WrittenWhen(static _ => false); // keepalived also accepts it outside global_defs; written there

        k.Custom("track_group", BlockUse.Required, static (b, s, _) => b.ReadStaticTrackGroup(s), W.WriteStaticTrackGroups);
        k.Custom("static_ipaddress", BlockUse.Required, static (b, s, d) => b.ReadAddresses(s, d.Options.StaticAddresses, sameFamily: false, isStatic: true),
            static (w, o, _) => W.WriteEntries(w, "static_ipaddress", o.StaticAddresses));
        k.Custom("static_routes", BlockUse.Required, static (b, s, d) => b.ReadRoutes(s, d.Options.StaticRoutes, isStatic: true),
            static (w, o, _) => W.WriteEntries(w, "static_routes", o.StaticRoutes));
        k.Custom("static_rules", BlockUse.Required, static (b, s, d) => b.ReadRules(s, d.Options.StaticRules, isStatic: true),
            static (w, o, _) => W.WriteEntries(w, "static_rules", o.StaticRules));
        k.Custom("garp_group", BlockUse.Required, static (b, s, _) => b.ReadGarpGroup(s), W.WriteGarpGroups);
        k.Custom("interface_up_down_delays", BlockUse.Required, static (b, s, d) => b.ReadInterfaceDelays(s, d.Options.InterfaceDelays), W.WriteInterfaceDelays);
        TopLevelIgnoredBlock(k, "virtual_server", "LVS is not part of Vrrp");
        TopLevelIgnoredBlock(k, "virtual_server_group", "LVS is not part of Vrrp");
        TopLevelIgnoredBlock(k, "real_server", "LVS is not part of Vrrp");
        TopLevelIgnoredBlock(k, "SSL", "LVS checkers are not part of Vrrp");
        TopLevelIgnoredBlock(k, "bfd_instance", "BFD is not part of Vrrp");
        k.Custom("net_namespace_ipvs", BlockUse.Either, static (b, s, _) => b.Warning(s, $"'{s.Keyword}' is not supported (LVS is not part of Vrrp); ignored"));

        // keepalived's instance name: the data dump's name with data_use_instance, the default reload_file (pid files: -p).
        k.Custom("instance", BlockUse.Either, static (b, s, d) => b.ReadInstanceName(s, d.Options.Process),
            static (w, o, _) => W.WriteProcessName(w, "instance", o.Process.InstanceName));

        // Daemon settings that change nothing here, accepted as they are (docs/migrating-from-keepalived.md): link state
        // always comes from rtnetlink (linkbeat_*), vrrpd is one process with no children to wait for
        // (child_wait_time), writes the pid file -p names and logs to stdout (instance, use_pid_dir), and uses nf_tables,
        // not ipsets (namespace_with_ipsets).
        foreach (string daemonSetting in new[] { "namespace_with_ipsets", "use_pid_dir", "linkbeat_use_polling", "child_wait_time", "linkbeat_interfaces" })
        {
            k.Custom(daemonSetting, BlockUse.Either, static (_, _, _) => { });
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
        k.Value("default_interface", Syntax.InterfaceName, static o => o.DefaultInterface!, static (o, v) => o.DefaultInterface = v); // static_ipaddress without dev
        k.Custom("dynamic_interfaces", BlockUse.No, static (b, s, d) => b.ReadDynamicInterfaces(s, d.Options),
            static (w, o, _) => { if (o.DynamicInterfaces) { w.Line(o.AllowInterfaceChanges ? "dynamic_interfaces allow_if_changes" : "dynamic_interfaces"); } });
        k.Value("vrrp_startup_delay", Syntax.Seconds(0, VrrpLimits.MaximumStartupDelaySeconds), static o => o.StartupDelay, static (o, v) => o.StartupDelay = v)
            .KeepalivedDefault(TimeSpan.Zero);
        k.Value("vrrp_mcast_group4", Syntax.MulticastGroup(VrrpAddressFamily.IPv4), static o => o.MulticastGroup4, static (o, v) => o.MulticastGroup4 = v);
        k.Value("vrrp_mcast_group6", Syntax.MulticastGroup(VrrpAddressFamily.IPv6), static o => o.MulticastGroup6, static (o, v) => o.MulticastGroup6 = v);
        k.Value("vrrp_garp_interval", Syntax.Seconds(0.000001m, 4294.967295m), static o => o.GarpInterval, static (o, v) => o.GarpInterval = v)
            .KeepalivedDefault(TimeSpan.Zero);
        k.Value("vrrp_gna_interval", Syntax.Seconds(0.000001m, 4294.967295m), static o => o.GnaInterval, static (o, v) => o.GnaInterval = v)
            .KeepalivedDefault(TimeSpan.Zero);
        k.Custom("script_user", BlockUse.No, static (b, s, d) => b.ReadUser(s, (user, group) => (d.Options.ScriptUser, d.Options.ScriptGroup) = (user, group)),
            static (w, o, _) => W.WriteUser(w, "script_user", o.ScriptUser, o.ScriptGroup));
        k.Flag("enable_script_security", static o => o.EnableScriptSecurity, static (o, v) => o.EnableScriptSecurity = v);
        k.Custom("notify_fifo", BlockUse.No, static (b, s, d) => b.ReadNotifyFifo(s, d.Options.NotifyFifo ??= new()), static (w, o, _) => W.WriteNotifyFifo(w, "", o.NotifyFifo));
        k.Custom("notify_fifo_script", BlockUse.No, static (b, s, d) => b.ReadNotifyFifoScript(s, d.Options.NotifyFifo ??= new()));
        k.Custom("vrrp_notify_fifo", BlockUse.No, static (b, s, d) => b.ReadNotifyFifo(s, d.Options.VrrpNotifyFifo ??= new()), static (w, o, _) => W.WriteNotifyFifo(w, "vrrp_", o.VrrpNotifyFifo));
        k.Custom("vrrp_notify_fifo_script", BlockUse.No, static (b, s, d) => b.ReadNotifyFifoScript(s, d.Options.VrrpNotifyFifo ??= new()));
        k.Flag("fifo_write_vrrp_states_on_reload", static o => o.FifoWriteStatesOnReload, static (o, v) => o.FifoWriteStatesOnReload = v);
        k.Custom("vrrp_notify_priority_changes", BlockUse.No, static (b, s, _) =>
        {
            if (b.TryParseBool(s, out bool value))
            {
                b.Globals[s.Keyword] = value; // the default of instances whose sync group does not say (applied with the groups)
            }
        });
        k.Flag(KeepalivedConfigBinder.IgnoreUnsupportedKeyword, static o => o.IgnoreUnsupported, static (o, v) => o.IgnoreUnsupported = v); // read first, see Bind
        k.Ignored("vrrp_skip_check_adv_addr", "an advert is never dropped for its address list, a difference is only logged");
        k.Custom("vrrp_min_garp", BlockUse.No, static (b, s, _) => ReadMinGarp(b, s)); // written as the settings it stands for
        k.Custom("vrrp_garp_extra_if", BlockUse.No, static (b, s, _) => b.ReadGarpExtraInterfaces(s, (interval, all) => b.Globals[s.Keyword] = (interval, all)));
        k.Custom("vrrp_vmac_garp_intvl", BlockUse.No, static (b, s, _) =>
        {
            b.Warning(s, "vrrp_vmac_garp_intvl is deprecated (as keepalived says): read as vrrp_garp_extra_if");
            b.ReadGarpExtraInterfaces(s, (interval, all) => b.Globals["vrrp_garp_extra_if"] = (interval, all));
        }); // written as the instances' garp_extra_if

        // The names of the interfaces keepalived names itself (vrrp.c create_vmac_name; applied by Vrrp.Linux).
        k.Value("vmac_prefix", Syntax.Text("a name"), static o => o.VirtualMacPrefix!, static (o, v) => o.VirtualMacPrefix = v).FirstWins();
        k.Value("vmac_addr_prefix", Syntax.Text("a name"), static o => o.VirtualMacAddressPrefix!, static (o, v) => o.VirtualMacAddressPrefix = v).FirstWins();

        // The VRRP process's scheduling and memory (global_parser.c; applied by vrrpd as vrrp_daemon.c applies them).
        k.Value("vrrp_priority", Syntax.Integer(-20, 19), static o => o.Process.Priority, static (o, v) => o.Process.Priority = v)
            .WrittenWhen(static o => o.Process.Priority != 0);
        k.Value("vrrp_rt_priority", Syntax.Integer(1, 99), static o => o.Process.RealtimePriority, static (o, v) => o.Process.RealtimePriority = v)
            .WrittenWhen(static o => o.Process.RealtimePriority != 0);
        k.Value("vrrp_rlimit_rttime", RealtimeLimitSyntax, static o => o.Process.RealtimeTimeLimitMicroseconds, static (o, v) => o.Process.RealtimeTimeLimitMicroseconds = v)
            .WrittenWhen(static o => o.Process.RealtimeTimeLimitMicroseconds != VrrpProcessOptions.DefaultRealtimeTimeLimitMicroseconds); // the option's default is keepalived's
        k.Value("vrrp_rlimit_rtime", RealtimeLimitSyntax, static o => o.Process.RealtimeTimeLimitMicroseconds, static (o, v) => o.Process.RealtimeTimeLimitMicroseconds = v)
            .WrittenWhen(static _ => false); // keepalived's old spelling, written as vrrp_rlimit_rttime
        k.Custom("vrrp_cpu_affinity", BlockUse.No, static (b, s, d) => b.ReadCpuAffinity(s, d.Options.Process.CpuAffinity), W.WriteCpuAffinity);
        k.Flag("vrrp_no_swap", static o => o.Process.LockMemory, static (o, v) => o.Process.LockMemory = v);
        k.Custom("vrrp_process_name", BlockUse.No, static (b, s, d) => b.ReadProcessName(s, s.Arguments.Count > 0 ? s.Arguments[0].Text : null, name => d.Options.Process.Name = name),
            static (w, o, _) => W.WriteProcessName(w, "vrrp_process_name", o.Process.Name));
        k.Custom("process_name", BlockUse.No, static (b, s, d) => b.ReadProcessName(s, s.Arguments.Count > 0 ? s.Arguments[0].Text : null, name => d.Options.Process.ParentName = name),
            static (w, o, _) => W.WriteProcessName(w, "process_name", o.Process.ParentName));
        k.Custom("process_names", BlockUse.No, static (b, s, d) => { b.NoArguments(s); b.ReadProcessName(s, "keepalived_vrrp", name => d.Options.Process.Name = name); }); // the VRRP process's name of it; written as vrrp_process_name
        k.Custom("startup_script", BlockUse.No, static (b, s, d) => b.ReadDaemonScript(s, d.Options, startup: true),
            static (w, o, _) => W.WriteDaemonScript(w, "startup_script", o.StartupScript));
        k.Custom("startup_script_timeout", BlockUse.No, static (b, s, d) => b.ReadDaemonScriptTimeout(s, d.Options, startup: true)); // written with the script
        k.Custom("shutdown_script", BlockUse.No, static (b, s, d) => b.ReadDaemonScript(s, d.Options, startup: false),
            static (w, o, _) => W.WriteDaemonScript(w, "shutdown_script", o.ShutdownScript));
        k.Custom("shutdown_script_timeout", BlockUse.No, static (b, s, d) => b.ReadDaemonScriptTimeout(s, d.Options, startup: false));
        // keepalived 2.2.7 seeds only its ${_RANDOM} expansion with it, and clears the seed before each read, so it changes
        // nothing there either (docs/migrating-from-keepalived.md); checked as keepalived checks it.
        k.Custom("random_seed", BlockUse.No, static (b, s, _) => b.ReadRandomSeed(s));
        k.Custom("reload_check_config", BlockUse.No, static (b, s, d) => b.ReadOptionalPath(s, "/dev/null", v => d.Options.Process.ReloadCheckLog = v),
            static (w, o, _) => W.WriteOptionalPath(w, "reload_check_config", o.Process.ReloadCheckLog, "/dev/null"));
        k.Custom("reload_file", BlockUse.No, static (b, s, d) => b.ReadOptionalPath(s, DefaultReloadFile, v => d.Options.Process.ReloadFile = v),
            static (w, o, _) => W.WriteOptionalPath(w, "reload_file", o.Process.ReloadFile, null));
        k.Custom("reload_time_file", BlockUse.No, static (b, s, d) =>
        {
            if (s.Arguments.Count != 1)
            {
                b.Error(s, "reload_time_file invalid");
                return;
            }

            d.Options.Process.ReloadTimeFile = s.Arguments[0].Text;
        }, static (w, o, _) => W.WriteOptionalPath(w, "reload_time_file", o.Process.ReloadTimeFile, null));
        k.Flag("reload_repeat", static o => o.Process.ReloadRepeat, static (o, v) => o.Process.ReloadRepeat = v);
        // Where keepalived keeps the copy of the configuration its processes read (an unnamed file there instead of a
        // memfd: nothing to see); vrrpd is one process that reads the files themselves, so there is no copy to place.
        // Which include problems are errors: applied by the file reader (ConfigLexer) where it reads the line, to the
        // includes after it, as keepalived applies it; nothing is left for the options (the written file has no includes).
        k.Custom("include_check", BlockUse.No, static (_, _, _) => { });
        k.Custom("tmp_config_directory", BlockUse.No, static (b, s, _) =>
        {
            if (s.Arguments.Count == 0)
            {
                b.Error(s, "tmp_config_directory missing directory name");
            }
            else if (!b.Globals.TryAdd(s.Keyword, s.Arguments[0].Text))
            {
                b.Error(s, "tmp_config_directory already specified - ignoring");
            }
        });
        k.Custom("config_save_dir", BlockUse.No, static (b, s, d) =>
        {
            if (s.Arguments.Count == 0 || s.Arguments[0].Text.Length == 0)
            {
                b.Error(s, "config_save_dir needs a directory");
                return;
            }

            // keepalived removes one trailing '/'; it creates the directory when it starts (vrrpd too), not while reading.
            string dir = s.Arguments[0].Text;
            d.Options.Process.ConfigSaveDirectory = dir.Length > 1 && dir[^1] == '/' ? dir[..^1] : dir;
        }, static (w, o, _) => W.WriteOptionalPath(w, "config_save_dir", o.Process.ConfigSaveDirectory, null));
        k.Custom("data_use_instance", BlockUse.No, static (b, s, d) =>
        {
            if (b.TryParseBool(s, out bool value))
            {
                d.Options.Process.DataUseInstance = value;
            }
        }, static (w, o, _) => W.WriteOptionalPath(w, "data_use_instance", o.Process.DataUseInstance ? "" : null, ""));
        k.Custom("umask", BlockUse.No, static (b, s, d) => b.ReadUmask(s, d.Options.Process), static (w, o, _) => W.WriteUmask(w, o.Process.Umask));

        // The Accept_Mode filter's nftables table (global_parser.c; applied by the Linux platform, which filters whenever
        // accept is off, with or without these).
        k.Custom("nftables", BlockUse.No, static (b, s, d) => b.ReadNftables(s, d.Options.Firewall), W.WriteFirewall);
        k.Custom("vrrp_iptables", BlockUse.No, static (b, s, d) => b.ReadIptables(s, d.Options.Firewall)); // written as nftables keepalived
        k.Custom("nftables_priority", BlockUse.No, static (b, s, d) =>
        {
            if (b.TryParseInt(s, 0, int.MinValue, int.MaxValue, "a chain priority (an integer)", out int priority))
            {
                d.Options.Firewall.ChainPriority = priority;
            }
        });
        k.Flag("nftables_ifindex", static o => o.Firewall.MatchInterfaceIndex, static (o, v) => o.Firewall.MatchInterfaceIndex = v).NotWritten(); // written by WriteFirewall
        k.Flag("nftables_counters", static o => o.Firewall.Counters, static (o, v) => o.Firewall.Counters = v).NotWritten();

        // The receive buffers of the netlink sockets (global_parser.c; applied by the Linux platform and the process tracker).
        k.Custom("vrrp_netlink_cmd_rcv_bufs", BlockUse.No, static (b, s, d) => b.ReadReceiveBuffer(s, v => d.Options.ReceiveBuffers.NetlinkCommand = v),
            static (w, o, _) => W.WriteReceiveBuffer(w, "vrrp_netlink_cmd_rcv_bufs", o.ReceiveBuffers.NetlinkCommand, o.ReceiveBuffers.NetlinkCommandForce));
        k.Custom("vrrp_netlink_cmd_rcv_bufs_force", BlockUse.No, static (b, s, d) => b.ReadForce(s, v => d.Options.ReceiveBuffers.NetlinkCommandForce = v));
        k.Custom("vrrp_netlink_monitor_rcv_bufs", BlockUse.No, static (b, s, d) => b.ReadReceiveBuffer(s, v => d.Options.ReceiveBuffers.NetlinkMonitor = v),
            static (w, o, _) => W.WriteReceiveBuffer(w, "vrrp_netlink_monitor_rcv_bufs", o.ReceiveBuffers.NetlinkMonitor, o.ReceiveBuffers.NetlinkMonitorForce));
        k.Custom("vrrp_netlink_monitor_rcv_bufs_force", BlockUse.No, static (b, s, d) => b.ReadForce(s, v => d.Options.ReceiveBuffers.NetlinkMonitorForce = v));
        k.Custom("process_monitor_rcv_bufs", BlockUse.No, static (b, s, d) => b.ReadReceiveBuffer(s, v => d.Options.ReceiveBuffers.ProcessMonitor = v),
            static (w, o, _) => W.WriteReceiveBuffer(w, "process_monitor_rcv_bufs", o.ReceiveBuffers.ProcessMonitor, o.ReceiveBuffers.ProcessMonitorForce));
        k.Custom("process_monitor_rcv_bufs_force", BlockUse.No, static (b, s, d) => b.ReadForce(s, v => d.Options.ReceiveBuffers.ProcessMonitorForce = v));

        k.Flag("disable_local_igmp", static o => o.DisableLocalIgmp, static (o, v) => o.DisableLocalIgmp = v); // applied by the Linux platform
        k.Flag("log_unknown_vrids", static o => o.LogUnknownVirtualRouterIds, static (o, v) => o.LogUnknownVirtualRouterIds = v);
        k.Custom("vrrp_log_unknown_vrids", BlockUse.No, static (b, s, d) =>
        {
            // Not a keyword of keepalived 2.2.7 (its handler is named so, the keyword is log_unknown_vrids): read as that.
            b.Warning(s, "vrrp_log_unknown_vrids is read as log_unknown_vrids, the keyword keepalived 2.2.7 knows (it would reject this one)");
            b.NoArguments(s);
            d.Options.LogUnknownVirtualRouterIds = true;
        });

        // The VRRP receive socket's buffer (global_parser.c, vrrp_scheduler.c; applied by the Linux platform).
        k.Custom("vrrp_rx_bufs_policy", BlockUse.No, static (b, s, d) => b.ReadReceiveBufferPolicy(s, d.Options.ReceiveBuffers), W.WriteReceiveBufferPolicy);
        k.Custom("vrrp_rx_bufs_multiplier", BlockUse.No, static (b, s, d) =>
        {
            if (s.Arguments.Count != 1)
            {
                b.Error(s, "Invalid vrrp_rx_bufs_multiplier (one number, 1 or more)");
            }
            else if (b.TryParseInt(s, 0, 1, int.MaxValue, "a multiplier, 1 or more", out int multiplier))
            {
                d.Options.ReceiveBuffers.VrrpSocketMultiplier = multiplier;
            }
        });

        // The VRRP loop's automatic real-time priority (global_parser.c; lib/scheduler.c raises it, the Linux driver's loop here).
        k.Custom("max_auto_priority", BlockUse.No, static (b, s, d) =>
        {
            if (s.Arguments.Count == 0)
            {
                d.Options.Process.MaxAutoPriority = 99; // sched_get_priority_max(SCHED_RR)
            }
            else if (b.TryParseInt(s, 0, -1, 99, "a priority, 0 to 99 (or -1 to disable)", out int priority))
            {
                d.Options.Process.MaxAutoPriority = priority;
            }
        }, static (w, o, _) => W.WriteAutoPriority(w, o.Process));
        k.Custom("min_auto_priority_delay", BlockUse.No, static (b, s, d) =>
        {
            if (b.TryParseInt(s, 0, 1, 10_000_000, "a delay in microseconds, 1 to 10000000", out int delay))
            {
                d.Options.Process.MinAutoPriorityDelayMicroseconds = delay;
            }
        });

        // The defaults that instance and script keywords take from global_defs (vrrp_garp_master_delay...), read with
        // the syntax of the keyword they are the default of.
        AddGlobalDefaults(k, Instance);
        AddGlobalDefaults(k, Script);
        return k;
    }

    /// <summary>reload_file without a path: keepalived's default, resolved once net_namespace is known (CompleteDaemonSettings).</summary>
    internal const string DefaultReloadFile = "\0default";

    /// <summary>vrrp_rlimit_rttime: microseconds, 1 read as 2 (keepalived halves it for the soft limit, which must not be 0).</summary>
    private static ValueSyntax<int> RealtimeLimitSyntax { get; } = Syntax.Integer(1, int.MaxValue).Map(static v => Math.Max(v, 2), static v => v);

    private static KeywordBlock<VrrpInstanceOptions> BuildInstance()
    {
        var k = new KeywordBlock<VrrpInstanceOptions>("vrrp_instance");
        k.Custom("state", BlockUse.No, static (b, s, d) => b.ReadState(s, d), W.WriteState);
        k.Value("interface", Syntax.InterfaceName, static o => o.Interface, static (o, v) => o.Interface = v)
            .WrittenWhen(static o => o.Interface.Length > 0); // none: a unicast instance without one, as keepalived runs it
        k.Value("virtual_router_id", Syntax.Integer(VrrpLimits.MinimumVirtualRouterId, VrrpLimits.MaximumVirtualRouterId), static o => o.VirtualRouterId, static (o, v) => o.VirtualRouterId = v)
            .AlwaysWritten();
        k.Value("priority", Syntax.Integer(VrrpLimits.MinimumPriority, VrrpLimits.MaximumPriority), static o => o.Priority, static (o, v) => o.Priority = v)
            .AlwaysWritten();
        k.Value("version", VersionSyntax, static o => o.Version, static (o, v) => o.Version = v)
            .DefaultFrom("vrrp_version").KeepalivedDefault(VrrpVersion.V2).AlwaysWritten().FirstValueWins();
        k.Value("advert_int", Syntax.AdvertisementInterval, static o => o.AdvertisementInterval, static (o, v) => o.AdvertisementInterval = v)
            .AlwaysWritten(); // checked against the version when the instance is complete
        k.Custom("authentication", BlockUse.Required, static (b, s, d) => b.ReadAuthentication(s, d), W.WriteAuthentication);
        k.Custom("virtual_ipaddress", BlockUse.Required, static (b, s, d) => b.ReadAddresses(s, d.Options.VirtualAddresses, sameFamily: true),
            static (w, o, _) => W.WriteEntries(w, "virtual_ipaddress", o.VirtualAddresses));
        k.Custom("virtual_ipaddress_excluded", BlockUse.Required, static (b, s, d) => b.ReadAddresses(s, d.Options.ExcludedVirtualAddresses, sameFamily: false),
            static (w, o, _) => W.WriteEntries(w, "virtual_ipaddress_excluded", o.ExcludedVirtualAddresses));
        k.Custom("virtual_routes", BlockUse.Required, static (b, s, d) => b.ReadRoutes(s, d.Options.VirtualRoutes),
            static (w, o, _) => W.WriteEntries(w, "virtual_routes", o.VirtualRoutes));
        k.Custom("virtual_rules", BlockUse.Required, static (b, s, d) => b.ReadRules(s, d.Options.VirtualRules),
            static (w, o, _) => W.WriteEntries(w, "virtual_rules", o.VirtualRules));
        k.Flag("nopreempt", static o => o.NoPreempt, static (o, v) => o.NoPreempt = v);
        k.Flag("no_preempt", static o => o.NoPreempt, static (o, v) => o.NoPreempt = v).NotWritten();
        k.Flag("preempt", static o => o.NoPreempt, static (o, v) => o.NoPreempt = v, value: false).NotWritten();
        k.Value("preempt_delay", Syntax.Seconds(0, VrrpLimits.MaximumPreemptDelaySeconds), static o => o.PreemptDelay, static (o, v) => o.PreemptDelay = v)
            .KeepalivedDefault(TimeSpan.Zero);
        k.Value("unicast_src_ip", Syntax.Address, static o => o.SourceAddress, static (o, v) => o.SourceAddress = v)
            .WrittenWhen(static o => o.UnicastPeers.Count > 0);
        k.Value("mcast_src_ip", Syntax.Address, static o => o.SourceAddress, static (o, v) => o.SourceAddress = v)
            .WrittenWhen(static o => o.UnicastPeers.Count == 0);
        k.Custom("unicast_peer", BlockUse.Required, static (b, s, d) => b.ReadPeers(s, d.Options), W.WritePeers);
        k.Value("unicast_ttl", Syntax.Integer(0, VrrpLimits.MaximumTtl).Map<int?>(static v => v, static v => v!.Value), static o => o.UnicastTtl, static (o, v) => o.UnicastTtl = v);
        k.Flag("check_unicast_src", static o => o.CheckUnicastSource, static (o, v) => o.CheckUnicastSource = v)
            .DefaultFrom("vrrp_check_unicast_src");
        k.Custom("old_unicast_checksum", BlockUse.No, static (b, s, d) => b.ReadOldUnicastChecksum(s, d.Options), W.WriteOldUnicastChecksum);
        k.Flag("unicast_fault_no_peer", static o => o.UnicastFaultNoPeer, static (o, v) => o.UnicastFaultNoPeer = v);
        k.Flag("track_src_ip", static o => o.TrackSourceAddress, static (o, v) => o.TrackSourceAddress = v); // no effect without mcast_src_ip / unicast_src_ip, as keepalived
        k.Custom("use_vmac", BlockUse.No, static (b, s, d) => b.ReadUseVirtualMac(s, d.Options), W.WriteUseVirtualMac);
        k.Flag("vmac_xmit_base", static o => o.VirtualMacTransmitOnBase, static (o, v) => o.VirtualMacTransmitOnBase = v);
        k.Custom("accept", BlockUse.No, static (b, s, d) => { b.NoArguments(s); d.Options.Accept = true; }, static (w, o, _) => W.WriteAccept(w, o.Accept));
        k.Custom("no_accept", BlockUse.No, static (b, s, d) => { b.NoArguments(s); d.Options.Accept = false; });
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
        k.Custom("track_process", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((InstanceDraft)d).Processes, VrrpLimits.MaximumTrackFileWeight),
            static (w, o, _) => W.WriteReferences(w, "track_process", o.TrackProcesses));
        k.Custom("garp_extra_if", BlockUse.No, static (b, s, d) => b.ReadGarpExtraInterfaces(s, (interval, all) => (d.Options.GarpExtraInterfacesInterval, d.Options.GarpExtraInterfacesAll) = (interval, all)),
            W.WriteGarpExtraInterfaces); // its global_defs default (vrrp_garp_extra_if) is applied when the instance is complete
        k.Custom("vmac_garp_intvl", BlockUse.No, static (b, s, d) =>
        {
            b.Warning(s, "vmac_garp_intvl is deprecated (as keepalived says): read as garp_extra_if");
            b.ReadGarpExtraInterfaces(s, (interval, all) => (d.Options.GarpExtraInterfacesInterval, d.Options.GarpExtraInterfacesAll) = (interval, all));
            d.Seen["garp_extra_if"] = s.Location;
        });
        k.Value("higher_prio_send_advert", Syntax.Bool, static o => o.HigherPrioritySendAdvert, static (o, v) => o.HigherPrioritySendAdvert = v)
            .DefaultFrom("vrrp_higher_prio_send_advert").KeepalivedDefault(false);
        k.Value("lower_prio_no_advert", Syntax.Bool, static o => o.LowerPriorityNoAdvert, static (o, v) => o.LowerPriorityNoAdvert = v)
            .DefaultFrom("vrrp_lower_prio_no_advert").KeepalivedDefault(false); // strict mode turns it on when the instance is complete
        k.Value("down_timer_adverts", Syntax.Integer(VrrpLimits.MinimumDownTimerAdverts, VrrpLimits.MaximumDownTimerAdverts), static o => o.DownTimerAdverts, static (o, v) => o.DownTimerAdverts = v)
            .DefaultFrom("vrrp_down_timer_adverts").KeepalivedDefault(3); // strict mode resets it to 3 when the instance is complete
        k.Value("mcast_dst_ip", Syntax.InstanceMulticastGroup, static o => o.MulticastGroup, static (o, v) => o.MulticastGroup = v); // its family is checked when the instance is complete

        // keepalived keeps the first notify command of a kind.
        k.Custom("notify_master", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyMaster, static (o, v) => o.NotifyMaster = v), static (w, o, _) => W.WriteNotify(w, "notify_master", o.NotifyMaster, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_backup", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyBackup, static (o, v) => o.NotifyBackup = v), static (w, o, _) => W.WriteNotify(w, "notify_backup", o.NotifyBackup, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_fault", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyFault, static (o, v) => o.NotifyFault = v), static (w, o, _) => W.WriteNotify(w, "notify_fault", o.NotifyFault, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_stop", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyStop, static (o, v) => o.NotifyStop = v), static (w, o, _) => W.WriteNotify(w, "notify_stop", o.NotifyStop, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.Notify, static (o, v) => o.Notify = v), static (w, o, _) => W.WriteNotify(w, "notify", o.Notify, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_master_rx_lower_pri", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyMasterRxLowerPriority, static (o, v) => o.NotifyMasterRxLowerPriority = v),
            static (w, o, _) => W.WriteNotify(w, "notify_master_rx_lower_pri", o.NotifyMasterRxLowerPriority, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_deleted", BlockUse.No, static (b, s, d) => b.ReadNotifyDeleted(s, (InstanceDraft)d), W.WriteNotifyDeleted);
        k.Value("notify_priority_changes", Syntax.Bool.Map<bool?>(static v => v, static v => v!.Value), static o => o.NotifyPriorityChanges, static (o, v) => o.NotifyPriorityChanges = v); // else the group's, else global_defs' (when the groups are read)

        // keepalived 2.2.7's other instance keywords. What changes the protocol or the data plane is refused unless
        // vrrpd_ignore_unsupported; what has no effect here is a warning.
        k.Flag("use_vmac_addr", static o => o.UseVirtualMacForAddresses, static (o, v) => o.UseVirtualMacForAddresses = v);
        k.Custom("use_ipvlan", BlockUse.No, static (b, s, d) => b.ReadUseIpvlan(s, d.Options), W.WriteUseIpvlan);
        k.Custom("native_ipv6", BlockUse.No, static (b, s, d) => b.ReadNativeIpv6(s, d.Options)); // not written: the IPv6 addresses and version 3 it implies are
        k.Custom("vrf", BlockUse.No, static (b, s, d) => b.ReadVrf(s, d), static (w, o, _) => { if (o.Vrf is { } vrf) { w.Line($"vrf {W.Word(vrf)}"); } });
        k.Custom("linkbeat_use_polling", BlockUse.No, static (_, _, _) => { }); // link state always comes from rtnetlink: the same
        k.Unsupported("track_bfd", "BFD is not part of Vrrp", "a track_script or track_interface");
        k.Flag("promote_secondaries", static o => o.PromoteSecondaries, static (o, v) => o.PromoteSecondaries = v);
        k.Ignored("skip_check_adv_addr", "an advert is never dropped for its address list, a difference is only logged");
        k.Ignored("debug", "debug output is set by log levels");
        k.Ignored("smtp_alert", "mail alerts are not part of Vrrp");
        k.Ignored("lvs_sync_daemon_interface", "LVS is not part of Vrrp");
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
        k.Custom("user", BlockUse.No, static (b, s, d) => b.ReadUser(s, (user, group) => (d.Options.User, d.Options.Group) = (user, group)),
            static (w, o, _) => W.WriteUser(w, "user", o.User, o.Group)); // without it, script_user's, when the script is complete
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
        k.Custom("init_file", BlockUse.No, static (b, s, d) => b.ReadInitFile(s, d.Options), W.WriteInitFile);
        return k;
    }

    // keepalived reads the gaps of a garp_group as 0..INT_MAX microseconds; 0 is a gap too (and still replaces the global one).
    private static readonly ValueSyntax<TimeSpan?> s_garpGroupGap = Syntax.Seconds(0, 2147.483647m).Map<TimeSpan?>(static v => v, static v => v!.Value);

    private static KeywordBlock<VrrpGarpGroupOptions> BuildGarpGroup()
    {
        var k = new KeywordBlock<VrrpGarpGroupOptions>("garp_group");
        k.Value("garp_interval", s_garpGroupGap, static o => o.GarpInterval, static (o, v) => o.GarpInterval = v);
        k.Value("gna_interval", s_garpGroupGap, static o => o.GnaInterval, static (o, v) => o.GnaInterval = v);
        k.Custom("interface", BlockUse.No, static (b, s, d) => b.ReadGarpGroupInterface(s, d)); // written in "interfaces"
        k.Custom("interfaces", BlockUse.Required, static (b, s, d) => b.ReadGarpGroupInterfaces(s, d), W.WriteGarpGroupInterfaces);
        return k;
    }

    private static KeywordBlock<VrrpSyncGroupOptions> BuildSyncGroup()
    {
        var k = new KeywordBlock<VrrpSyncGroupOptions>("vrrp_sync_group");
        k.Custom("group", BlockUse.Required, static (b, s, d) => b.ReadSyncGroupMembers(s, (SyncGroupDraft)d), W.WriteSyncGroupMembers);
        k.Custom("notify_master", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyMaster, static (o, v) => o.NotifyMaster = v), static (w, o, _) => W.WriteNotify(w, "notify_master", o.NotifyMaster, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_backup", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyBackup, static (o, v) => o.NotifyBackup = v), static (w, o, _) => W.WriteNotify(w, "notify_backup", o.NotifyBackup, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_fault", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyFault, static (o, v) => o.NotifyFault = v), static (w, o, _) => W.WriteNotify(w, "notify_fault", o.NotifyFault, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify_stop", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.NotifyStop, static (o, v) => o.NotifyStop = v), static (w, o, _) => W.WriteNotify(w, "notify_stop", o.NotifyStop, o.NotifyUser, o.NotifyGroup));
        k.Custom("notify", BlockUse.No, static (b, s, d) => b.ReadNotify(s, d, d.Options.Notify, static (o, v) => o.Notify = v), static (w, o, _) => W.WriteNotify(w, "notify", o.Notify, o.NotifyUser, o.NotifyGroup));
        k.Custom("sync_group_tracking_weight", BlockUse.No, static (b, s, _) => b.NoArguments(s), W.WriteTrackingWeight);
        k.Value("notify_priority_changes", Syntax.Bool.Map<bool?>(static v => v, static v => v!.Value), static o => o.NotifyPriorityChanges, static (o, v) => o.NotifyPriorityChanges = v);
        k.Custom("global_tracking", BlockUse.No, static (b, s, d) =>
        {
            b.Warning(s, "global_tracking is deprecated (as keepalived says); sync_group_tracking_weight is used: put the trackers on the sync group instead");
            d.Seen["sync_group_tracking_weight"] = s.Location;
        });

        // The group's own trackers: every member tracks them too (with their weights, as keepalived).
        k.Custom("track_interface", BlockUse.Required, static (b, s, d) => b.ReadTrackInterfaces(s, ((SyncGroupDraft)d).Interfaces));
        k.Custom("track_script", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((SyncGroupDraft)d).Scripts, VrrpLimits.MaximumTrackWeight));
        k.Custom("track_file", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((SyncGroupDraft)d).Files, VrrpLimits.MaximumTrackFileWeight));
        k.Custom("track_process", BlockUse.Required, static (b, s, d) => b.ReadTrackReferences(s, ((SyncGroupDraft)d).Processes, VrrpLimits.MaximumTrackFileWeight));
        k.Unsupported("track_bfd", "BFD is not part of Vrrp", "a track_script or track_interface");
        k.Ignored("smtp_alert", "mail alerts are not part of Vrrp");
        return k;
    }

    private static KeywordBlock<VrrpTrackProcessOptions> BuildTrackProcess()
    {
        var k = new KeywordBlock<VrrpTrackProcessOptions>("vrrp_track_process", blocksAreErrors: true);
        k.Custom("process", BlockUse.No, static (b, s, d) => b.ReadProcess(s, d), W.WriteProcess);
        k.Custom("param_match", BlockUse.No, static (b, s, d) => b.ReadParameterMatch(s, d.Options), W.WriteParameterMatch);
        k.Custom("weight", BlockUse.No, static (b, s, d) => b.ReadWeight(s, VrrpLimits.MaximumTrackFileWeight, $"vrrp_track_process {d.Options.Name} weight",
            (w, reverse) => (d.Options.Weight, d.Options.Reverse) = (w, reverse)),
            static (w, o, _) => w.Line($"weight {W.Number(o.Weight)}{(o.Reverse ? " reverse" : "")}"));
        k.Custom("quorum", BlockUse.No, static (b, s, d) => b.ReadQuorum(s, d.Options), W.WriteQuorum);
        k.Custom("quorum_max", BlockUse.No, static (b, s, d) => b.ReadQuorumMax(s, d.Options));
        var delay = Syntax.Seconds(0.000001m, 3600);
        k.Value("terminate_delay", delay, static o => o.TerminateDelay, static (o, v) => o.TerminateDelay = v).KeepalivedDefault(TimeSpan.Zero);
        k.Value("fork_delay", delay, static o => o.ForkDelay, static (o, v) => o.ForkDelay = v).KeepalivedDefault(TimeSpan.Zero);
        k.Value("delay", delay, static o => o.TerminateDelay, static (o, v) => (o.TerminateDelay, o.ForkDelay) = (v, v)).WrittenWhen(static _ => false);
        k.Flag("full_command", static o => o.FullCommand, static (o, v) => o.FullCommand = v);
        return k;
    }

    /// <summary>
    /// vrrp_min_garp [true|false]: keepalived's shorthand for one announcement per address at takeover and none later
    /// (global_parser.c): the global defaults vrrp_garp_master_repeat 1, vrrp_garp_master_delay 0 and
    /// vrrp_garp_master_refresh 0, each only where it still has keepalived's default (5, 5 s, 0) when the keyword is read;
    /// a later statement sets its own value as usual. The lower-priority defaults follow the master ones, as keepalived's.
    /// </summary>
    private static void ReadMinGarp(KeepalivedConfigBinder b, ConfigStatement s)
    {
        if (!b.TryParseBool(s, out bool on) || !on)
        {
            return;
        }

        SetIfDefault("vrrp_garp_master_repeat", 5, 1);
        SetIfDefault("vrrp_garp_master_delay", TimeSpan.FromSeconds(5), TimeSpan.Zero);
        SetIfDefault("vrrp_garp_master_refresh", TimeSpan.Zero, TimeSpan.Zero);

        void SetIfDefault<T>(string global, T keepalivedDefault, T value)
        {
            if (!b.Globals.TryGetValue(global, out object? set) || EqualityComparer<T>.Default.Equals((T)set, keepalivedDefault))
            {
                b.Globals[global] = value!;
            }
        }
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
