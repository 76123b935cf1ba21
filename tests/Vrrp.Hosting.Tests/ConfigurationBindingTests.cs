using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vrrp.Packets;

namespace Vrrp.Hosting.Tests;

/// <summary>AddVrrp(configuration): strict keys with "did you mean", instances keyed by name, keepalived seconds.</summary>
public class ConfigurationBindingTests
{
    private const string Instance = """
        "Interface": "eth0", "VirtualRouterId": 51, "VirtualAddresses": [ "192.0.2.10/24" ]
        """;

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

    private static (VrrpOptions? Options, IReadOnlyList<string> Errors) Load(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddVrrp(configuration.GetSection(VrrpOptions.SectionName));
        using var sp = services.BuildServiceProvider();
        try
        {
            return (sp.GetRequiredService<IOptions<VrrpOptions>>().Value, []);
        }
        catch (OptionsValidationException ex)
        {
            return (null, [.. ex.Failures]);
        }
    }

    private static (VrrpOptions? Options, IReadOnlyList<string> Errors) Load(string json) => Load(Json(json));

    [Fact]
    public void A_misspelt_key_is_an_error_naming_it_and_the_nearest_option()
    {
        var (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "Priorty": 150 } } } }""");
        Assert.Equal(["Vrrp:Instances:VI_1:Priorty is not an option of an instance; did you mean Priority (keepalived priority)?"], errors);
    }

    [Fact]
    public void A_misspelt_vrid_is_reported_alone_not_as_a_range_error()
    {
        var (_, errors) = Load("""{ "Vrrp": { "Instances": { "VI_1": { "Interface": "eth0", "VirtualRoutrId": 51, "VirtualAddresses": [ "192.0.2.10" ] } } } }""");
        Assert.Equal(["Vrrp:Instances:VI_1:VirtualRoutrId is not an option of an instance; did you mean VirtualRouterId (keepalived virtual_router_id)?"], errors);
    }

    [Theory]
    [InlineData("advert_int", "AdvertisementInterval (keepalived advert_int)")]
    [InlineData("virtual_ipaddress", "VirtualAddresses (keepalived virtual_ipaddress)")]
    [InlineData("NoPremept", "NoPreempt (keepalived nopreempt)")]
    [InlineData("unicast_peers", "UnicastPeers (keepalived unicast_peer)")]
    public void keepalived_keywords_and_typos_suggest_the_option(string key, string suggestion)
    {
        var (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "{{key}}": "1" } } } }""");
        Assert.Equal([$"Vrrp:Instances:VI_1:{key} is not an option of an instance; did you mean {suggestion}?"], errors);
    }

    [Fact]
    public void An_unknown_key_with_nothing_close_lists_the_options()
    {
        var (_, errors) = Load("""{ "Vrrp": { "Colour": "blue" } }""");
        Assert.Equal(["Vrrp:Colour is not an option of the Vrrp section; the options are RouterId, DefaultInterface, DynamicInterfaces, AllowInterfaceChanges, NetworkNamespace, StartupDelay, CallbackTimeout, ReleaseOnStop, IgnoreUnsupported, MulticastGroup4, MulticastGroup6, NotifyFifo, VrrpNotifyFifo, EnableScriptSecurity, FifoWriteStatesOnReload, ScriptUser, ScriptGroup, GarpInterval, GnaInterval, VirtualMacPrefix, VirtualMacAddressPrefix, GarpGroups, Instances, SyncGroups, Scripts, TrackFiles, InterfaceDelays, TrackProcesses, StaticAddresses, StaticRoutes, StaticRules, StaticTrackGroups, StartupScript, ShutdownScript, Process, Firewall, LogUnknownVirtualRouterIds, DisableLocalIgmp, ReceiveBuffers."], errors);
    }

    [Fact]
    public void Process_settings_bind_and_are_checked_as_keepalived_reads_them()
    {
        var (options, errors) = Load($$"""{ "Vrrp": { "Process": { "Priority": -5, "RealtimePriority": 50, "RealtimeTimeLimitMicroseconds": 20000, "CpuAffinity": [ 0 ], "LockMemory": true, "Umask": 18 }, "Instances": { "VI_1": { {{Instance}} } } } }""");
        Assert.Empty(errors);
        Assert.Equal((-5, 50, 20000, true), (options!.Process.Priority, options.Process.RealtimePriority, options.Process.RealtimeTimeLimitMicroseconds, options.Process.LockMemory));
        Assert.Equal([0], options.Process.CpuAffinity);
        Assert.Equal(18, options.Process.Umask); // 022

        options.Process.MaxAutoPriority = 100;
        options.Process.MinAutoPriorityDelayMicroseconds = 0;
        options.Process.Priority = 20;
        options.Process.Umask = 512;
        options.Process.RealtimePriority = 100;
        options.Process.CpuAffinity = [Environment.ProcessorCount];
        var failures = new VrrpOptionsValidator().Validate(null, options).Failures ?? [];
        Assert.Contains(failures, static f => f.Contains("Process.Priority (vrrp_priority) must be -20 to 19", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("Process.RealtimePriority (vrrp_rt_priority) must be 1 to 99", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("Process.CpuAffinity (vrrp_cpu_affinity) has CPU", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("Process.MaxAutoPriority (max_auto_priority) must be 1 to 99", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("Process.MinAutoPriorityDelayMicroseconds (min_auto_priority_delay) must be 1 to 10000000", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("Process.Umask (umask) must be permission bits 0 to 511", StringComparison.Ordinal));
    }

    [Fact]
    public void Firewall_settings_bind_and_the_table_name_is_checked()
    {
        var (options, errors) = Load($$"""{ "Vrrp": { "Firewall": { "TableName": "keepalived", "ChainPriority": -150, "MatchInterfaceIndex": true, "Counters": true }, "Instances": { "VI_1": { {{Instance}} } } } }""");
        Assert.Empty(errors);
        Assert.Equal(("keepalived", -150, true, true), (options!.Firewall.TableName, options.Firewall.ChainPriority, options.Firewall.MatchInterfaceIndex, options.Firewall.Counters));

        options.Firewall.TableName = "1st table";
        var failures = new VrrpOptionsValidator().Validate(null, options).Failures ?? [];
        Assert.Contains(failures, static f => f.Contains("Firewall.TableName (nftables) must be a letter", StringComparison.Ordinal));
    }

    [Fact]
    public void Receive_buffer_settings_bind_and_their_ranges_are_checked()
    {
        var (options, errors) = Load($$"""{ "Vrrp": { "ReceiveBuffers": { "NetlinkCommand": 300000, "NetlinkCommandForce": true, "NetlinkMonitor": 400000, "NetlinkMonitorForce": true, "ProcessMonitor": 500000, "ProcessMonitorForce": true }, "Instances": { "VI_1": { {{Instance}} } } } }""");
        Assert.Empty(errors);
        var b = options!.ReceiveBuffers;
        Assert.Equal((300000, true, 400000, true, 500000, true), (b.NetlinkCommand, b.NetlinkCommandForce, b.NetlinkMonitor, b.NetlinkMonitorForce, b.ProcessMonitor, b.ProcessMonitorForce));

        var (rx, rxErrors) = Load($$"""{ "Vrrp": { "ReceiveBuffers": { "VrrpSocketPolicy": "Advert", "VrrpSocketMultiplier": 7 }, "Instances": { "VI_1": { {{Instance}} } } } }""");
        Assert.Empty(rxErrors);
        Assert.Equal((VrrpReceiveBufferPolicy.Advert, 7), (rx!.ReceiveBuffers.VrrpSocketPolicy, rx.ReceiveBuffers.VrrpSocketMultiplier));

        b.VrrpSocketMultiplier = 0;
        b.NetlinkMonitor = -1;
        var failures = new VrrpOptionsValidator().Validate(null, options).Failures ?? [];
        Assert.Contains(failures, static f => f.Contains("NetlinkMonitor (vrrp_netlink_monitor_rcv_bufs) must be between 0 and", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("VrrpSocketMultiplier (vrrp_rx_bufs_multiplier) must be between 1 and", StringComparison.Ordinal));
    }

    [Fact]
    public void Startup_and_shutdown_scripts_bind_and_their_timeouts_are_checked_as_keepalived_reads_them()
    {
        var (options, errors) = Load($$"""{ "Vrrp": { "StartupScript": { "Command": "/bin/echo up", "User": "root", "Timeout": "3" }, "ShutdownScript": { "Command": "/bin/true" }, "Instances": { "VI_1": { {{Instance}} } } } }""");
        Assert.Empty(errors);
        Assert.Equal(("/bin/echo up", "root", TimeSpan.FromSeconds(3)), (options!.StartupScript!.Command, options.StartupScript.User, options.StartupScript.Timeout));
        Assert.Equal(TimeSpan.FromSeconds(VrrpDaemonScriptOptions.DefaultTimeoutSeconds), options.ShutdownScript!.Timeout);

        options.StartupScript.Timeout = TimeSpan.FromSeconds(1001);
        options.ShutdownScript.Timeout = TimeSpan.FromSeconds(1.5);
        options.ShutdownScript.Command = " ";
        var failures = new VrrpOptionsValidator().Validate(null, options).Failures ?? [];
        Assert.Contains(failures, static f => f.Contains("StartupScript.Timeout (startup_script_timeout) must be 1 to 1000 whole seconds", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("ShutdownScript.Timeout (shutdown_script_timeout) must be 1 to 1000 whole seconds", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains("ShutdownScript.Command (shutdown_script) must name a program", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_keys_are_found_in_scripts_groups_and_trackers_too()
    {
        var (_, errors) = Load($$"""
            {
              "Vrrp": {
                "Instances": { "VI_1": { {{Instance}}, "TrackScripts": { "chk": { "Wieght": -20 } } } },
                "Scripts": { "chk": { "Command": "/bin/true", "Intervall": "2" } },
                "SyncGroups": { "G1": { "Instances": [ "VI_1" ], "NotifyMastr": "/bin/true" } }
              }
            }
            """);
        Assert.Equal(
            [
                "Vrrp:Instances:VI_1:TrackScripts:chk:Wieght is not an option of an entry of TrackScripts (track_script); did you mean Weight (keepalived weight)?",
                "Vrrp:Scripts:chk:Intervall is not an option of a script; did you mean Interval (keepalived interval)?",
                "Vrrp:SyncGroups:G1:NotifyMastr is not an option of a sync group; did you mean NotifyMaster (keepalived notify_master)?",
            ],
            errors);
    }

    [Theory]
    [InlineData("1", 1000)]
    [InlineData("0.05", 50)]
    [InlineData("2.5", 2500)]
    [InlineData("00:00:01", 1000)]
    [InlineData("00:00:00.050", 50)]
    public void Durations_are_keepalived_seconds_or_timespans(string text, int milliseconds)
    {
        var (options, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "AdvertisementInterval": "{{text}}" } } } }""");
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options!.Instances[0].AdvertisementInterval);
    }

    [Theory]
    [InlineData("1s")]
    [InlineData("1:30")]
    [InlineData("100ms")]
    [InlineData("one")]
    public void Other_duration_forms_are_rejected_with_the_accepted_ones(string text)
    {
        var (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "AdvertisementInterval": "{{text}}" } } } }""");
        Assert.Equal(
            [$"Instance 'VI_1': AdvertisementInterval (advert_int) '{text}' is not a duration: write seconds as keepalived does (\"1\", \"0.05\", \"2.5\") or a TimeSpan with hours, minutes and seconds (\"00:00:01\", \"00:00:00.050\") (Vrrp:Instances:VI_1:AdvertisementInterval)."],
            errors);
    }

    [Fact]
    public void Numbers_booleans_and_enums_that_cannot_be_read_name_the_option_the_keyword_the_value_and_the_range()
    {
        var (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "Priority": "high", "NoPreempt": "yes", "Version": "4" } } } }""");
        Assert.Equal(   // in configuration key order
            [
                "Instance 'VI_1': NoPreempt (nopreempt) must be true or false, got 'yes' (Vrrp:Instances:VI_1:NoPreempt).",
                "Instance 'VI_1': Priority (priority) must be a whole number from 1 to 255, got 'high' (Vrrp:Instances:VI_1:Priority).",
                "Instance 'VI_1': Version (version) must be 2 or 3, got '4' (Vrrp:Instances:VI_1:Version).",
            ],
            errors);
    }

    [Fact]
    public void A_number_out_of_range_is_a_validation_error_with_option_keyword_value_and_range()
    {
        var (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "Priority": 300 } } } }""");
        Assert.Equal(["Instance 'VI_1': Priority (priority) must be between 1 and 255, got 300."], errors);
    }

    [Fact]
    public void Instances_keyed_by_name_take_their_name_from_the_key()
    {
        var (options, errors) = Load($$"""
            {
              "Vrrp": {
                "Instances": {
                  "VI_1": { {{Instance}}, "Priority": 150, "Version": "2", "AuthenticationType": "PASS", "AuthenticationPassword": "x", "AdvertisementInterval": "1" },
                  "VI_2": { "Interface": "eth0", "VirtualRouterId": 52, "VirtualAddresses": "192.0.2.20/24" }
                }
              }
            }
            """);
        Assert.Empty(errors);
        Assert.Equal(["VI_1", "VI_2"], options!.Instances.Select(i => i.Name));
        Assert.Equal((150, VrrpVersion.V2, AuthenticationType.SimplePassword), (options.Instances[0].Priority, options.Instances[0].Version, options.Instances[0].AuthenticationType));
        Assert.Equal(["192.0.2.20/24"], options.Instances[1].VirtualAddresses);   // a single value is a list of one
    }

    [Fact]
    public void An_environment_variable_keyed_by_name_overrides_one_instance_of_a_json_array()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{ "Vrrp": { "Instances": [ { "Name": "VI_1", {{Instance}}, "Priority": 100 } ] } }""")))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Vrrp:Instances:VI_1:Priority"] = "150" })   // Vrrp__Instances__VI_1__Priority=150
            .Build();
        var (options, errors) = Load(configuration);
        Assert.Empty(errors);
        var instance = Assert.Single(options!.Instances);
        Assert.Equal(("VI_1", 150, 51), (instance.Name, instance.Priority, instance.VirtualRouterId));
    }

    [Fact]
    public void An_array_item_without_a_name_and_a_name_that_differs_from_its_key_are_errors()
    {
        var (_, errors) = Load($$"""{ "Vrrp": { "Instances": [ { {{Instance}} } ] } }""");
        Assert.Equal(["Instance '#0': Instances (vrrp_instance) item 0 has no Name: in a JSON array each item names itself (\"Name\": \"...\"); or key the items by name (Vrrp:Instances:NAME:...) (Vrrp:Instances:0)."], errors);

        (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { "Name": "VI_2", {{Instance}} } } } }""");
        Assert.Equal(["Instance 'VI_1': Name 'VI_2' differs from the item's key 'VI_1': the key is the name (drop Name, or use the same name) (Vrrp:Instances:VI_1:Name)."], errors);
    }

    [Fact]
    public void A_list_of_strings_written_as_an_object_is_an_error()
    {
        var (_, errors) = Load("""{ "Vrrp": { "Instances": { "VI_1": { "Interface": "eth0", "VirtualRouterId": 51, "VirtualAddresses": { "vip": "192.0.2.10" } } } } }""");
        Assert.Equal(["Instance 'VI_1': VirtualAddresses (virtual_ipaddress) is a list of strings: write a JSON array such as [\"a\", \"b\"], not the key 'vip' (Vrrp:Instances:VI_1:VirtualAddresses:vip)."], errors);
    }

    [Fact]
    public void Trackers_scripts_and_files_can_be_keyed_by_name()
    {
        var (options, errors) = Load($$"""
            {
              "Vrrp": {
                "Instances": { "VI_1": { {{Instance}},
                  "TrackInterfaces": { "eth1": { "Weight": -10 } },
                  "TrackScripts": { "chk": { "Weight": -20 } },
                  "TrackFiles": [ { "Name": "prio" } ] } },
                "Scripts": { "chk": { "Command": "/bin/true", "Interval": "2", "Timeout": "0.5" } },
                "TrackFiles": { "prio": { "Path": "/tmp/prio" } }
              }
            }
            """);
        Assert.Empty(errors);
        var i = options!.Instances[0];
        Assert.Equal(("eth1", -10), (i.TrackInterfaces[0].Interface, i.TrackInterfaces[0].Weight));
        Assert.Equal(("chk", (int?)-20), (i.TrackScripts[0].Name, i.TrackScripts[0].Weight));
        Assert.Equal("prio", i.TrackFiles[0].Name);
        Assert.Equal((TimeSpan.FromSeconds(2), (TimeSpan?)TimeSpan.FromSeconds(0.5)), (options.Scripts[0].Interval, options.Scripts[0].Timeout));
        Assert.Equal("/tmp/prio", options.TrackFiles[0].Path);
    }

    [Fact]
    public void The_keepalived_options_of_issues_11_12_and_14_bind_from_configuration()
    {
        var (options, errors) = Load($$"""
            {
              "Vrrp": {
                "IgnoreUnsupported": true,
                "NotifyFifo": { "Path": "/run/k.fifo", "Script": "/usr/local/bin/fifo" },
                "GarpInterval": "0.001",
                "TrackProcesses": { "nginx": { "Process": "nginx", "Quorum": 2, "Weight": -30, "ParameterMatch": "Partial" } },
                "Instances": { "VI_1": { {{Instance}},
                  "Accept": false,
                  "UnicastPeers": [ "192.0.2.2" ],
                  "UnicastTtl": 64,
                  "UnicastPeerTtls": { "192.0.2.2": { "MaxTtl": 254 } },
                  "VirtualRoutes": [ "10.80.0.0/24 dev eth0" ],
                  "TrackProcesses": { "nginx": { "Reverse": true } } } }
              }
            }
            """);
        Assert.Empty(errors);
        var i = options!.Instances[0];
        Assert.Equal((false, (int?)64, "192.0.2.2", 254), (i.Accept, i.UnicastTtl, i.UnicastPeerTtls[0].Peer, i.UnicastPeerTtls[0].MaxTtl));
        Assert.Equal(["10.80.0.0/24 dev eth0"], i.VirtualRoutes);
        Assert.Equal(("nginx", (bool?)true), (i.TrackProcesses[0].Name, i.TrackProcesses[0].Reverse));
        Assert.Equal(("/run/k.fifo", "/usr/local/bin/fifo"), (options.NotifyFifo!.Path, options.NotifyFifo.Script));
        var p = Assert.Single(options.TrackProcesses);
        Assert.Equal(("nginx", 2, -30, ProcessParameterMatch.Partial), (p.Process, p.Quorum, p.Weight, p.ParameterMatch));
    }

    [Fact]
    public void Vmac_prefixes_bind_from_configuration_and_are_checked()
    {
        var (options, errors) = Load($$"""{ "Vrrp": { "VirtualMacPrefix": "vm", "VirtualMacAddressPrefix": "va", "Instances": { "VI_1": { {{Instance}} } } } }""");
        Assert.Empty(errors);
        Assert.Equal(("vm", "va"), (options!.VirtualMacPrefix, options.VirtualMacAddressPrefix));
        (_, errors) = Load($$"""{ "Vrrp": { "VirtualMacPrefix": "v m", "VirtualMacAddressPrefix": "a/b", "Instances": { "VI_1": { {{Instance}} } } } }""");
        Assert.Equal(
            ["Vrrp: VirtualMacPrefix (vmac_prefix) 'v m' cannot start an interface name (no '/', ':' or blank, not empty).",
             "Vrrp: VirtualMacAddressPrefix (vmac_addr_prefix) 'a/b' cannot start an interface name (no '/', ':' or blank, not empty)."],
            errors);
    }

    [Fact]
    public void Use_ipvlan_binds_from_configuration_and_is_checked()
    {
        var (options, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "UseIpvlan": true, "IpvlanInterface": "ipv1", "IpvlanAddress": "192.0.2.21/24", "IpvlanMode": "Private" } } } }""");
        Assert.Empty(errors);
        var i = options!.Instances[0];
        Assert.Equal((true, "ipv1", "192.0.2.21/24", IpvlanMode.Private), (i.UseIpvlan, i.IpvlanInterface, i.IpvlanAddress, i.IpvlanMode));

        (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "IpvlanMode": "Vepa", "IpvlanInterface": "a-name-far-too-long" } } } }""");
        Assert.Contains(errors, static e => e.Contains("IpvlanInterface, IpvlanAddress and IpvlanMode (use_ipvlan) are only allowed with UseIpvlan", StringComparison.Ordinal));
        (_, errors) = Load($$"""{ "Vrrp": { "Instances": { "VI_1": { {{Instance}}, "UseIpvlan": true, "IpvlanInterface": "a-name-far-too-long", "IpvlanAddress": "192.0.2.300" } } } }""");
        Assert.Contains(errors, static e => e.Contains("IpvlanInterface (use_ipvlan NAME) 'a-name-far-too-long' is not an interface name", StringComparison.Ordinal));
        Assert.Contains(errors, static e => e.Contains("IpvlanAddress (use_ipvlan ADDRESS) '192.0.2.300' is not ADDRESS or ADDRESS/PREFIX", StringComparison.Ordinal));
    }

    [Fact]
    public void Garp_groups_bind_from_configuration_and_an_interface_in_two_groups_is_refused()
    {
        var (options, errors) = Load($$"""
            {
              "Vrrp": {
                "GarpInterval": "0.001",
                "GarpGroups": {
                  "lan": { "GarpInterval": "0.25", "Interfaces": [ "eth0", "eth1" ] },
                  "v6": { "GnaInterval": "0", "Interfaces": [ "eth2" ] }
                },
                "Instances": { "VI_1": { {{Instance}} } }
              }
            }
            """);
        Assert.Empty(errors);
        Assert.Equal(("lan", TimeSpan.FromMilliseconds(250), (TimeSpan?)null, "eth0 eth1"),
            (options!.GarpGroups[0].Name, options.GarpGroups[0].GarpInterval!.Value, options.GarpGroups[0].GnaInterval, string.Join(' ', options.GarpGroups[0].Interfaces)));
        Assert.Equal(((TimeSpan?)null, TimeSpan.Zero), (options.GarpGroups[1].GarpInterval, options.GarpGroups[1].GnaInterval!.Value));

        options.GarpGroups.Add(new VrrpGarpGroupOptions { Name = "again", GarpInterval = TimeSpan.FromSeconds(1), Interfaces = ["eth1"] });
        options.GarpGroups.Add(new VrrpGarpGroupOptions { Name = "none", Interfaces = ["eth3"] });
        var failures = new VrrpOptionsValidator().Validate(null, options).Failures!;
        Assert.Contains("Garp group 'again': interface 'eth1' is in another garp group already; an interface belongs to at most one.", failures);
        Assert.Contains("Garp group 'none': set GarpInterval or GnaInterval (garp_interval, gna_interval); keepalived removes a group without either.", failures);
    }

    [Fact]
    public void The_ranges_of_the_new_options_come_from_the_option_table()
    {
        var (_, errors) = Load($$"""
            {
              "Vrrp": {
                "IgnoreUnsupported": true,
                "TrackProcesses": { "p": { "Process": "p", "Quorum": 70000 } },
                "NotifyFifo": { "Paht": "/run/x" },
                "Instances": { "VI_1": { {{Instance}}, "UnicastPeers": [ "192.0.2.2" ], "UnicastTtl": 300, "UnicastPeerTtls": { "192.0.2.2": { "MinTtl": -1 } } } }
              }
            }
            """);
        Assert.Equal(["Vrrp:NotifyFifo:Paht is not an option of NotifyFifo (notify_fifo); did you mean Path (keepalived notify_fifo)?"], errors);

        (_, errors) = Load($$"""
            {
              "Vrrp": {
                "IgnoreUnsupported": true,
                "TrackProcesses": { "p": { "Process": "p", "Quorum": 70000 } },
                "Instances": { "VI_1": { {{Instance}}, "UnicastPeers": [ "192.0.2.2" ], "UnicastTtl": 300, "UnicastPeerTtls": { "192.0.2.2": { "MinTtl": -1 } } } }
              }
            }
            """);
        Assert.Contains("Instance 'VI_1': UnicastTtl (unicast_ttl) must be between 0 and 255, got 300.", errors);
        Assert.Contains("Instance 'VI_1', UnicastPeerTtls '192.0.2.2': MinTtl (min_ttl) must be between 0 and 255, got -1.", errors);
        Assert.Contains("Tracked process 'p': Quorum (quorum) must be between 0 and 65535, got 70000.", errors);
    }

    [Fact]
    public void The_binder_is_public_for_programs_that_read_configuration_themselves()
    {
        var options = new VrrpOptions();
        var errors = VrrpConfigurationBinder.Bind(Json("""{ "Vrrp": { "RouterId": "lb1", "StartupDelay": "5", "Instancs": {} } }""").GetSection("Vrrp"), options);
        Assert.Equal(("lb1", TimeSpan.FromSeconds(5)), (options.RouterId, options.StartupDelay));
        Assert.Equal(["Vrrp:Instancs is not an option of the Vrrp section; did you mean Instances (keepalived vrrp_instance)?"], errors);
    }

    /// <summary>A property added to an options class without a binder entry would be reported as an unknown key: this says which.</summary>
    [Fact]
    public void Every_options_property_has_an_entry_in_the_option_tables()
    {
        void Check<T>(object[] fields)
        {
            var names = fields.Select(f => (string)f.GetType().GetProperty("Name")!.GetValue(f)!).ToHashSet();
            var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name);
            Assert.Equal([], properties.Where(p => !names.Contains(p)).Select(p => $"{typeof(T).Name}.{p}"));
            Assert.Equal([], names.Where(n => typeof(T).GetProperty(n) is null));
        }

        Check<VrrpOptions>(OptionFields.Root);
        Check<VrrpInstanceOptions>(OptionFields.Instance);
        Check<TrackInterfaceOptions>(OptionFields.TrackInterface);
        Check<TrackReferenceOptions>(OptionFields.TrackReference);
        Check<TrackHealthCheckOptions>(OptionFields.TrackHealthCheck);
        Check<VrrpScriptOptions>(OptionFields.Script);
        Check<VrrpTrackFileOptions>(OptionFields.TrackFile);
        Check<VrrpSyncGroupOptions>(OptionFields.SyncGroup);
        Check<VrrpStaticTrackGroupOptions>(OptionFields.StaticTrackGroup);
        Check<VrrpTrackProcessOptions>(OptionFields.TrackProcess);
        Check<UnicastPeerTtlOptions>(OptionFields.UnicastPeerTtl);
        Check<VrrpNotifyFifoOptions>(OptionFields.NotifyFifo);
    }
}
