using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Vrrp.Packets;

namespace Vrrp.Hosting.Tests;

public class OptionsValidationTests
{
    private static VrrpInstanceOptions Valid(string name = "VI_1", int vrid = 51) => new()
    {
        Name = name,
        Interface = "eth0",
        VirtualRouterId = vrid,
        Priority = 100,
        VirtualAddresses = ["192.0.2.10/24"],
    };

    private static VrrpOptions With(params VrrpInstanceOptions[] instances)
    {
        var o = new VrrpOptions();
        o.Instances.AddRange(instances);
        return o;
    }

    private static IReadOnlyList<string> Errors(VrrpOptions options, IOptionsMonitor<HealthCheckServiceOptions>? healthChecks = null)
    {
        var result = new VrrpOptionsValidator(healthChecks).Validate(Options.DefaultName, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    private static void AssertError(VrrpOptions options, params string[] fragments)
    {
        var errors = Errors(options);
        Assert.True(
            errors.Any(e => fragments.All(f => e.Contains(f, StringComparison.Ordinal))),
            $"No error contains all of [{string.Join(" | ", fragments)}]; errors: {string.Join(Environment.NewLine, errors)}");
    }

    [Fact]
    public void A_valid_configuration_passes()
    {
        Assert.Empty(Errors(With(Valid(), Valid("VI_2", 52))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void Vrid_outside_1_to_255_is_rejected_naming_instance_and_field(int vrid)
    {
        var i = Valid();
        i.VirtualRouterId = vrid;
        Assert.Contains($"Instance 'VI_1': VirtualRouterId (virtual_router_id) must be between 1 and 255, got {vrid}.", Errors(With(i)));
    }

    [Fact]
    public void Vrid_must_be_unique_per_interface_and_family()
    {
        AssertError(With(Valid("VI_1", 7), Valid("VI_2", 7)), "Instance 'VI_2'", "virtual_router_id", "already used by instance 'VI_1'", "eth0");
    }

    [Fact]
    public void Same_vrid_on_another_interface_or_family_is_fine()
    {
        var other = Valid("VI_2", 7);
        other.Interface = "eth1";
        var v6 = Valid("VI_3", 7);
        v6.VirtualAddresses = ["2001:db8::10"];
        Assert.Empty(Errors(With(Valid("VI_1", 7), other, v6)));
    }

    [Trait("Rfc", "9568-5.2.4-b")]
    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void Priority_outside_1_to_255_is_rejected(int priority)
    {
        var i = Valid();
        i.Priority = priority;
        Assert.Contains($"Instance 'VI_1': Priority (priority) must be between 1 and 255, got {priority}.", Errors(With(i)));
    }

    [Trait("Rfc", "3768-5.3.7-a")]
    [Theory]
    [InlineData(0.5)]
    [InlineData(1.5)]
    [InlineData(256)]
    public void V2_interval_must_be_whole_seconds_1_to_255(double seconds)
    {
        var i = Valid();
        i.Version = VrrpVersion.V2;
        i.AdvertisementInterval = TimeSpan.FromSeconds(seconds);
        AssertError(With(i), "Instance 'VI_1'", "AdvertisementInterval (advert_int)", "whole seconds from 1 to 255 with version 2");
    }

    [Trait("Rfc", "9568-6.1-b")]
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(15)]
    [InlineData(40960)]
    public void V3_interval_must_be_10ms_steps_from_10ms_to_40_95s(int milliseconds)
    {
        var i = Valid();
        i.AdvertisementInterval = TimeSpan.FromMilliseconds(milliseconds);
        AssertError(With(i), "Instance 'VI_1'", "AdvertisementInterval (advert_int)", "0.01 to 40.95 s in steps of 0.01 s");
    }

    [Trait("Rfc", "9568-6.1-b")]
    [Fact]
    public void V3_interval_bounds_are_accepted()
    {
        var a = Valid("A", 1);
        a.AdvertisementInterval = TimeSpan.FromMilliseconds(10);
        var b = Valid("B", 2);
        b.AdvertisementInterval = TimeSpan.FromMilliseconds(40950);
        Assert.Empty(Errors(With(a, b)));
    }

    [Fact]
    public void At_least_one_virtual_address_is_required_with_v3_or_strict_mode()
    {
        var i = Valid();
        i.VirtualAddresses = [];
        AssertError(With(i), "Instance 'VI_1'", "VirtualAddresses (virtual_ipaddress)", "at least one address");

        var strict = Valid();
        (strict.VirtualAddresses, strict.Version, strict.StrictMode) = ([], VrrpVersion.V2, true);
        AssertError(With(strict), "Instance 'VI_1'", "VirtualAddresses (virtual_ipaddress)", "at least one address");
    }

    [Fact]
    public void A_v2_instance_without_virtual_addresses_is_valid_as_keepalived_runs_it()
    {
        var i = Valid();
        (i.VirtualAddresses, i.Version) = ([], VrrpVersion.V2);
        Assert.Empty(Errors(With(i)));
        var config = DriverConfiguration.Create(With(i), i);
        config.Validate();
        Assert.Equal((VrrpAddressFamily.IPv4, 0), (config.Family, config.VirtualAddresses.Count));
    }

    [Trait("Rfc", "9568-5.2.9-c")]
    [Fact]
    public void Virtual_addresses_must_be_one_family()
    {
        var i = Valid();
        i.VirtualAddresses = ["192.0.2.10", "2001:db8::1"];
        AssertError(With(i), "Instance 'VI_1'", "VirtualAddresses (virtual_ipaddress)", "mixes IPv4 and IPv6");
    }

    [Fact]
    public void A_malformed_virtual_address_is_rejected()
    {
        var i = Valid();
        i.VirtualAddresses = ["192.0.2.300"];
        AssertError(With(i), "Instance 'VI_1'", "VirtualAddresses (virtual_ipaddress)", "192.0.2.300");
    }

    [Fact]
    public void Authentication_only_with_v2()
    {
        var i = Valid();
        i.AuthenticationType = AuthenticationType.SimplePassword;
        i.AuthenticationPassword = "secret";
        AssertError(With(i), "Instance 'VI_1'", "AuthenticationType (auth_type)", "only allowed with Version (version) 2");
    }

    [Fact]
    public void Password_only_with_pass()
    {
        var i = Valid();
        i.Version = VrrpVersion.V2;
        i.AuthenticationPassword = "secret";
        AssertError(With(i), "Instance 'VI_1'", "AuthenticationPassword (auth_pass)", "only allowed with an AuthenticationType (auth_type)");
    }

    [Fact]
    public void Pass_needs_a_password()
    {
        var i = Valid();
        i.Version = VrrpVersion.V2;
        i.AuthenticationType = AuthenticationType.SimplePassword;
        AssertError(With(i), "Instance 'VI_1'", "AuthenticationPassword (auth_pass)", "required with auth_type PASS");
    }

    [Fact]
    public void Ipv6_with_v2_is_allowed_as_keepalived_allows_it()
    {
        // keepalived 2.2.7 runs VRRPv2 over IPv6 unless strict mode is on; AH is IPv4 only.
        var i = Valid();
        i.Version = VrrpVersion.V2;
        i.VirtualAddresses = ["2001:db8::10"];
        i.AuthenticationType = AuthenticationType.SimplePassword;
        i.AuthenticationPassword = "secret";
        Assert.Empty(Errors(With(i)));

        i.StrictMode = true;
        i.AuthenticationType = AuthenticationType.None;
        i.AuthenticationPassword = null;
        AssertError(With(i), "Instance 'VI_1'", "IPv6 virtual addresses need Version (version) 3 in strict mode");

        i.StrictMode = false;
        i.AuthenticationType = AuthenticationType.IPAuthenticationHeader;
        i.AuthenticationPassword = "secret";
        AssertError(With(i), "Instance 'VI_1'", "AuthenticationType (auth_type) AH is IPv4 only");
    }

    [Fact]
    public void Nopreempt_is_not_allowed_for_the_owner()
    {
        var i = Valid();
        i.Priority = 255;
        i.NoPreempt = true;
        AssertError(With(i), "Instance 'VI_1'", "NoPreempt (nopreempt)", "Priority (priority) 255");
    }

    [Fact]
    public void Instance_names_are_unique()
    {
        AssertError(With(Valid("VI_1", 1), Valid("VI_1", 2)), "instance name 'VI_1'", "unique");
    }

    [Fact]
    public void Tracked_script_must_exist()
    {
        var i = Valid();
        i.TrackScripts.Add(new TrackReferenceOptions { Name = "chk_nginx" });
        AssertError(With(i), "Instance 'VI_1'", "TrackScripts (track_script)", "'chk_nginx'", "not defined");
    }

    [Fact]
    public void An_object_is_tracked_once_per_instance()
    {
        var o = With(Valid());
        o.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "/bin/true" });
        o.Instances[0].TrackScripts.Add(new TrackReferenceOptions { Name = "chk" });
        o.Instances[0].TrackScripts.Add(new TrackReferenceOptions { Name = "chk", Weight = 10 });
        AssertError(o, "Instance 'VI_1'", "TrackScripts (track_script)", "lists 'chk' 2 times");
    }

    [Fact]
    public void Tracked_file_must_exist()
    {
        var i = Valid();
        i.TrackFiles.Add(new TrackReferenceOptions { Name = "prio" });
        AssertError(With(i), "Instance 'VI_1'", "TrackFiles (track_file)", "'prio'", "not defined");
    }

    [Fact]
    public void Tracked_health_check_must_be_registered()
    {
        var i = Valid();
        i.TrackHealthChecks.Add(new TrackHealthCheckOptions { Name = "db" });
        AssertError(With(i), "Instance 'VI_1'", "TrackHealthChecks", "'db'", "not registered");

        var services = new ServiceCollection();
        services.AddHealthChecks().AddCheck("db", () => HealthCheckResult.Healthy());
        using var sp = services.BuildServiceProvider();
        Assert.Empty(Errors(With(i), sp.GetRequiredService<IOptionsMonitor<HealthCheckServiceOptions>>()));
    }

    [Fact]
    public void Sync_group_members_must_exist()
    {
        var o = With(Valid());
        o.SyncGroups.Add(new VrrpSyncGroupOptions { Name = "G1", Instances = ["VI_1", "VI_9"] });
        AssertError(o, "Sync group 'G1'", "member 'VI_9'", "not a configured instance");
    }

    [Fact]
    public void An_instance_is_in_at_most_one_sync_group()
    {
        var o = With(Valid("VI_1", 1), Valid("VI_2", 2));
        o.SyncGroups.Add(new VrrpSyncGroupOptions { Name = "G1", Instances = ["VI_1", "VI_2"] });
        o.SyncGroups.Add(new VrrpSyncGroupOptions { Name = "G2", Instances = ["VI_2"] });
        AssertError(o, "Sync group 'G2'", "instance 'VI_2'", "already in sync group 'G1'");
    }

    [Fact]
    public void Garp_repeats_must_be_at_least_one_but_lower_priority_ones_may_be_zero()
    {
        var i = Valid();
        i.GarpMasterRepeat = 0;
        i.GarpMasterRefreshRepeat = 0;
        i.GarpLowerPriorityRepeat = -1;
        AssertError(With(i), "Instance 'VI_1': GarpMasterRepeat (garp_master_repeat) must be between 1 and 2147483647, got 0.");
        AssertError(With(i), "Instance 'VI_1': GarpMasterRefreshRepeat (garp_master_refresh_repeat) must be between 1 and 2147483647, got 0.");
        AssertError(With(i), "Instance 'VI_1': GarpLowerPriorityRepeat (garp_lower_prio_repeat) must be between 0 and 2147483647, got -1.");
    }

    [Fact]
    public void Keepalived_values_above_the_old_limits_are_valid()
    {
        // keepalived 2.2.7 accepts these (GARP repeats above 255, rise/fall above 1000, a track file weight of 254).
        var i = Valid();
        i.GarpMasterRepeat = 1000;
        i.GarpLowerPriorityRepeat = 0;
        var o = With(i);
        o.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "true", Rise = 5000, Fall = 2000 });
        o.TrackFiles.Add(new VrrpTrackFileOptions { Name = "tf", Path = "/run/tf", Weight = -254 });
        i.TrackFiles.Add(new TrackReferenceOptions { Name = "tf", Weight = 254 });
        Assert.Empty(Errors(o));
    }

    [Fact]
    public void The_last_option_not_applied_yet_a_script_group_is_applied_now()
    {
        // Issue 12 applied script groups (VrrpScriptLauncher): nothing is read and left unapplied any more.
        Assert.Empty(NotYetApplied.All);
        var o = With(Valid());
        o.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "true", User = "nobody", Group = "nogroup" });
        Assert.Empty(Errors(o));
        Assert.Empty(NotYetApplied.UsedBy(o));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void Preempt_delay_must_be_0_to_1000_seconds(int seconds)
    {
        var i = Valid();
        i.PreemptDelay = TimeSpan.FromSeconds(seconds);
        Assert.Contains($"Instance 'VI_1': PreemptDelay (preempt_delay) must be between 0 and 1000 seconds, got {seconds} s.", Errors(With(i)));
    }

    [Fact]
    public void Script_rise_and_fall_and_command_are_checked()
    {
        var o = With(Valid());
        o.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "", Rise = 0, Fall = 0 });
        AssertError(o, "Script 'chk'", "Command (script) is required");
        Assert.Contains("Script 'chk': Rise (rise) must be between 1 and 2147483647, got 0.", Errors(o));
        Assert.Contains("Script 'chk': Fall (fall) must be between 1 and 2147483647, got 0.", Errors(o));
    }

    [Fact]
    public void A_tracked_script_program_must_exist()
    {
        var o = With(Valid());
        o.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "/nonexistent/check_nginx" });
        AssertError(o, "Script 'chk'", "Command (script)", "/nonexistent/check_nginx", "does not exist");
    }

    [Fact]
    public void Weights_are_limited_to_keepalived_range()
    {
        var i = Valid();
        i.TrackInterfaces.Add(new TrackInterfaceOptions { Interface = "eth1", Weight = 300 });
        Assert.Contains("Instance 'VI_1': TrackInterfaces[eth1].Weight (weight) must be between -253 and 253, got 300.", Errors(With(i)));
    }

    [Fact]
    public void A_notify_command_with_an_open_quote_is_rejected()
    {
        var i = Valid();
        i.NotifyMaster = "/bin/echo \"unterminated";
        AssertError(With(i), "Instance 'VI_1'", "NotifyMaster (notify_master)", "cannot be split", "not closed");
    }

    [Fact]
    public void ValidateOnStart_fails_host_start_with_the_messages()
    {
        var services = new ServiceCollection();
        services.AddVrrp().AddInstance("VI_1", i =>
        {
            i.Interface = "eth0";
            i.VirtualRouterId = 0;
            i.VirtualAddresses = ["192.0.2.1"];
        });
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<VrrpOptions>>().Value);
        Assert.Contains("Instance 'VI_1': VirtualRouterId (virtual_router_id) must be between 1 and 255, got 0.", ex.Failures);
    }

    /// <summary>A configuration that uses each option of NotYetApplied (keyed by its Setting).</summary>
    private static readonly Dictionary<string, Action<VrrpOptions, VrrpInstanceOptions>> s_notYetApplied = new()
    {
    };

    /// <summary>Options that were in NotYetApplied until the runtime applied them (issues 11 and 12): valid without IgnoreUnsupported.</summary>
    private static readonly Dictionary<string, Action<VrrpOptions, VrrpInstanceOptions>> s_applied = new()
    {
        ["use_vmac"] = static (_, i) => i.UseVirtualMac = true,
        ["use_vmac_addr"] = static (_, i) => i.UseVirtualMacForAddresses = true,
        ["VIP use_vmac"] = static (_, i) => i.VirtualAddresses = ["192.0.2.10/24 dev eth1 use_vmac"],
        ["auth_type AH"] = static (_, i) => (i.Version, i.AuthenticationType, i.AuthenticationPassword) = (VrrpVersion.V2, AuthenticationType.IPAuthenticationHeader, "x"),
        ["vmac_xmit_base"] = static (_, i) => (i.UseVirtualMac, i.VirtualMacTransmitOnBase) = (true, true),
        ["strict_mode"] = static (_, i) => i.StrictMode = true,
        ["no_accept"] = static (_, i) => i.Accept = false,
        ["unicast_ttl"] = static (_, i) => (i.UnicastPeers, i.UnicastTtl) = (["192.0.2.2"], 64),
        ["min_ttl/max_ttl"] = static (_, i) => (i.UnicastPeers, i.UnicastPeerTtls) = (["192.0.2.2"], [new UnicastPeerTtlOptions { Peer = "192.0.2.2", MaxTtl = 254 }]),
        ["VIP dev, scope, brd, label, no_track"] = static (_, i) => i.VirtualAddresses = ["192.0.2.10/24 dev eth1 scope link brd 192.0.2.255 label eth1:vip no_track"],
        ["VIP peer, flags, numbered scope"] = static (_, i) => i.VirtualAddresses = ["192.0.2.10 peer 192.0.2.1 scope 77 home noprefixroute autojoin mngtmpaddr"],
        ["VIP preferred_lft, -nodad"] = static (_, i) =>
            (i.VirtualAddresses, i.ExcludedVirtualAddresses) = (["fd00::10/64 preferred_lft 0 -nodad"], ["fd00::11 preferred_lft 30", "192.0.2.12 peer 192.0.2.1"]),
        ["virtual_routes"] = static (_, i) => i.VirtualRoutes = ["10.80.0.0/24 via 192.0.2.1 dev eth0 table 100 metric 5", "blackhole 10.81.0.0/16"],
        ["virtual_rules"] = static (_, i) => i.VirtualRules = ["from 10.90.0.0/24 priority 100 table 100"],
        ["virtual_routes from, tos, metrics, types"] = static (_, i) => i.VirtualRoutes =
            ["fd01::/64 from fd00::/64 dev eth0 mtu lock 1400 advmss 1360 rtt 10ms congctl lock cubic features ecn", "10.80.0.0/24 dev eth0 tos 0x10 hoplimit 9", "local 10.81.0.1 dev eth0 scope host table 100", "nat 10.82.0.0/24 scope nowhere"],
        ["virtual_rules goto, nop, ipproto, ports, uidrange, suppress_prefixlength, protocol"] = static (_, i) => i.VirtualRules =
            ["from 10.90.0.0/24 priority 100 goto 200", "priority 200 nop", "priority 300 ipproto tcp sport 1000-2000 dport 80 uidrange 0-99 suppress_prefixlength 0 table 100",
             "priority 400 protocol 99 no_track iif eth0 table 101", "priority 500 l3mdev"],
        ["track_process"] = static (o, i) =>
        {
            o.TrackProcesses.Add(new VrrpTrackProcessOptions { Name = "nginx", Process = "nginx" });
            i.TrackProcesses.Add(new TrackReferenceOptions { Name = "nginx" });
        },
        ["static_ipaddress, static_routes, static_rules, track_group"] = static (o, i) =>
        {
            o.StaticAddresses = ["192.0.2.150/24 dev eth1 track_group TG", "fd00::150/64 preferred_lft 0"];
            o.StaticRoutes = ["10.83.0.0/24 via 10.99.0.254 dev eth1 track_group TG", "blackhole 10.84.0.0/24"];
            o.StaticRules = ["from 10.82.0.0/24 iif eth1 priority 900 table 100 track_group TG"];
            o.StaticTrackGroups = [new VrrpStaticTrackGroupOptions { Name = "TG", Instances = [i.Name] }];
        },
        ["vrrp_garp_interval"] = static (o, _) => o.GarpInterval = TimeSpan.FromMilliseconds(10),
        ["garp_extra_if"] = static (_, i) => i.GarpExtraInterfacesInterval = TimeSpan.FromSeconds(30),
        ["higher_prio_send_advert"] = static (_, i) => i.HigherPrioritySendAdvert = true,
        ["notify_master_rx_lower_pri"] = static (_, i) => i.NotifyMasterRxLowerPriority = "/bin/true",
        ["vrrp_mcast_group4"] = static (o, _) => o.MulticastGroup4 = "224.0.0.19",
        ["lower_prio_no_advert"] = static (_, i) => i.LowerPriorityNoAdvert = true,
        ["down_timer_adverts"] = static (_, i) => i.DownTimerAdverts = 100,
        ["mcast_dst_ip"] = static (_, i) => i.MulticastGroup = "224.0.0.19",
        ["unicast_fault_no_peer"] = static (_, i) => i.UnicastFaultNoPeer = true,
        ["unicast_ttl 0"] = static (_, i) => (i.UnicastPeers, i.UnicastTtl) = (["192.0.2.2"], 0),
        ["track_src_ip"] = static (_, i) => (i.SourceAddress, i.TrackSourceAddress) = ("192.0.2.10", true),
        ["notify_* USER, script_user"] = static (_, i) => (i.NotifyMaster, i.NotifyUser) = ("/bin/true", "nobody"),
        ["notify_fifo"] = static (o, _) => o.NotifyFifo = new VrrpNotifyFifoOptions { Path = "/run/k.fifo" },
        ["enable_script_security"] = static (o, _) => o.EnableScriptSecurity = true,
        ["user USER GROUP (the user's own group)"] = static (o, _) => o.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "true", User = "nobody", Group = "nogroup" }),
        ["notify_priority_changes, notify_deleted"] = static (o, i) =>
        {
            (i.NotifyPriorityChanges, i.ReportDeleted, i.NotifyDeleted) = (true, true, "/bin/true");
            o.SyncGroups.Add(new VrrpSyncGroupOptions { Name = "G1", Instances = [i.Name], NotifyStop = "/bin/true", NotifyPriorityChanges = true });
        },
    };

    [Fact]
    public void A_script_group_other_than_the_user_s_own_needs_the_launcher_in_Main()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Users and groups are looked up on Linux.");
        }

        // The test host never calls VrrpScriptLauncher.RunIfRequested, so it cannot launch such a script (vrrpd can:
        // VrrpdNotifyFifoLabTests runs one and compares with keepalived).
        Assert.False(VrrpScriptLauncher.IsAvailable);
        var i = Valid();
        var o = With(i);
        o.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "/bin/true", User = "nobody", Group = "root" });
        AssertError(o, "Script 'chk'", "Group (user nobody root)", "is not user 'nobody''s own group", "VrrpScriptLauncher.RunIfRequested(args)");
    }

    public static TheoryData<string> AppliedSettings() => [.. s_applied.Keys];

    [Theory]
    [MemberData(nameof(AppliedSettings))]
    public void An_option_the_runtime_applies_is_valid_without_ignoring_anything(string setting)
    {
        var i = Valid();
        var o = With(i);
        s_applied[setting](o, i);
        Assert.Empty(Errors(o));
        Assert.Empty(NotYetApplied.UsedBy(o));
    }

    [Fact]
    public void Auth_type_AH_reaches_the_protocol_core_with_its_key()
    {
        var i = Valid();
        (i.Version, i.AuthenticationType, i.AuthenticationPassword) = (VrrpVersion.V2, AuthenticationType.IPAuthenticationHeader, "secret12");
        var o = With(i);
        Assert.Empty(Errors(o));
        var core = DriverConfiguration.Create(o, i);
        Assert.Equal(AuthenticationType.IPAuthenticationHeader, core.AuthenticationType);
        Assert.Equal("secret12", core.AuthenticationPassword);
        var router = new Vrrp.Election.VirtualRouter(core, IPAddressValue.Parse("192.0.2.1"));
        Assert.Equal(20 + 24 + 20, router.AdvertisementLength);   // IPv4 header, AH, VRRPv2 message with one address
    }

    [Fact]
    public void Every_option_not_applied_yet_has_a_case_below()
    {
        // Whoever applies an option at run time removes it from NotYetApplied, and its case here.
        Assert.Equal(NotYetApplied.All.Select(static e => e.Setting).Order(), s_notYetApplied.Keys.Order());
    }

    [Fact]
    public void An_option_not_applied_yet_is_refused_unless_ignoring_is_allowed()
    {
        // A loop rather than a theory: the list is empty now (issue 12 applied the last entries), and stays the check
        // for any option that is read before it is applied.
        foreach (var (setting, use) in s_notYetApplied)
        {
            var i = Valid();
            var o = With(i);
            use(o, i);
            var errors = Errors(o);
            Assert.True(errors.Any(e => e.Contains(setting, StringComparison.Ordinal) && e.Contains("is not applied by the host yet", StringComparison.Ordinal) &&
                e.Contains("Instead: ", StringComparison.Ordinal)), string.Join("\n", errors));

            o.IgnoreUnsupported = true;
            Assert.Empty(Errors(o));
        }
    }

    [Fact]
    public void Static_entries_and_their_track_groups_are_checked_as_keepalived_does()
    {
        var i = Valid();
        i.VirtualRoutes = ["10.80.0.0/24 dev eth0 track_group TG"];
        var o = With(i);
        o.StaticAddresses = ["192.0.2.150/24 use_vmac", "192.0.2.151/24 track_group NOPE"];
        o.StaticRoutes = ["10.83.0.0/24 via 10.99.0.254 track_group TG"];
        o.StaticRules = ["from 10.82.0.0/24 priority 900 table 100 track_group TG", "from all"];
        o.StaticTrackGroups = [new VrrpStaticTrackGroupOptions { Name = "TG", Instances = ["VI_9"] }];
        var errors = Errors(o);
        Assert.Contains(errors, e => e.Contains("entry '10.80.0.0/24 dev eth0 track_group TG': track_group is for StaticRoutes (static_routes) only", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'192.0.2.150/24 use_vmac': use_vmac is for an instance's addresses only", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("names track_group 'NOPE', which is not defined", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'10.83.0.0/24 via 10.99.0.254 track_group TG': track_group needs the entry's interface (dev)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("track_group needs the entry's interface (iif)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("StaticRules (static_rules) entry 'from all' is invalid", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'TG' names instance 'VI_9', which is not configured", StringComparison.Ordinal));
    }

    [Fact]
    public void A_static_track_group_makes_its_instances_track_the_interfaces_of_its_entries()
    {
        var i = Valid();
        var o = With(i);
        o.StaticAddresses = ["10.99.0.50/24 dev eth1 track_group TG", "10.98.0.50/24 dev eth3 track_group TG no_track", "10.97.0.50/24 track_group TG"];
        o.StaticRoutes = ["10.83.0.0/24 via 10.99.0.254 dev eth2 track_group TG", "10.84.0.0/24 dev eth4"];
        o.StaticRules = ["iif eth5 priority 900 table 100 track_group TG"];
        o.StaticTrackGroups = [new VrrpStaticTrackGroupOptions { Name = "TG", Instances = [i.Name] }];
        var trackers = DriverConfiguration.Create(o, i).Trackers;
        Assert.Equal(
            [(Vrrp.Election.TrackerKind.Interface, "eth1", 0), (Vrrp.Election.TrackerKind.Interface, "eth2", 0), (Vrrp.Election.TrackerKind.Interface, "eth5", 0)],
            trackers.Where(t => t.Kind == Vrrp.Election.TrackerKind.Interface).Select(t => (t.Kind, t.Name, t.Weight)));
    }

    [Fact]
    public void The_options_of_issues_11_12_and_14_are_checked()
    {
        var i = Valid();
        i.VirtualRoutes = ["via 10.0.0.1"];
        i.VirtualRules = ["from 10.0.0.0/8"];
        i.UnicastPeerTtls = [new UnicastPeerTtlOptions { Peer = "192.0.2.99" }];
        i.TrackProcesses = [new TrackReferenceOptions { Name = "missing" }];
        i.GarpExtraInterfacesInterval = TimeSpan.FromDays(2);
        var o = With(i);
        o.IgnoreUnsupported = true;
        o.MulticastGroup4 = "192.0.2.1";
        o.MulticastGroup6 = "fd00::1";
        o.NotifyFifo = new VrrpNotifyFifoOptions();
        o.TrackProcesses.Add(new VrrpTrackProcessOptions { Name = "p", Process = "", Quorum = 5, QuorumMax = 2, Weight = 300 });
        AssertError(o, "VirtualRoutes (virtual_routes) entry 'via 10.0.0.1' is invalid: a route must have a destination");
        AssertError(o, "VirtualRules (virtual_rules) entry 'from 10.0.0.0/8' is invalid: no action");
        AssertError(o, "UnicastPeerTtls names peer '192.0.2.99', which is not one of UnicastPeers");
        AssertError(o, "TrackProcesses (track_process) names process tracker 'missing'");
        AssertError(o, "GarpExtraInterfacesInterval (garp_extra_if) must be 0 to 86400 seconds");
        AssertError(o, "MulticastGroup4 (vrrp_mcast_group4) '192.0.2.1' is not an IPv4 multicast address");
        AssertError(o, "MulticastGroup6 (vrrp_mcast_group6) 'fd00::1' is not an IPv6 multicast address");
        AssertError(o, "the path of the notify FIFO (notify_fifo) is required");
        AssertError(o, "Tracked process 'p'", "Process (process) is required");
        AssertError(o, "Tracked process 'p'", "QuorumMax (quorum_max) 2 is below Quorum (quorum) 5");
        AssertError(o, "Tracked process 'p'", "Weight (weight) must be between -254 and 254, got 300");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void DownTimerAdverts_outside_keepalived_range_is_refused(int adverts)
    {
        var i = Valid();
        i.DownTimerAdverts = adverts;
        Assert.Contains($"Instance 'VI_1': DownTimerAdverts (down_timer_adverts) must be between 1 and 100, got {adverts}.", Errors(With(i)));
    }

    [Theory]
    [InlineData("192.0.2.10/24", "192.0.2.1", "is not an IPv4 multicast address or an IPv6 link-local multicast address")]
    [InlineData("192.0.2.10/24", "ff05::12", "is not an IPv4 multicast address or an IPv6 link-local multicast address")]
    [InlineData("192.0.2.10/24", "ff02::13", "is not IPv4, the family of the virtual addresses")]
    [InlineData("2001:db8::10/64", "224.0.0.19", "is not IPv6, the family of the virtual addresses")]
    public void MulticastGroup_must_be_a_group_of_the_instances_family(string address, string group, string problem)
    {
        var i = Valid();
        i.Version = VrrpVersion.V3;
        i.VirtualAddresses = [address];
        i.MulticastGroup = group;
        AssertError(With(i), "Instance 'VI_1'", $"MulticastGroup (mcast_dst_ip) {(problem.StartsWith("is not IPv", StringComparison.Ordinal) ? group : $"'{group}'")}", problem);
    }

    [Theory]
    [InlineData("192.0.2.10/24", "224.0.0.19")]
    [InlineData("2001:db8::10/64", "ff02::13")]
    [InlineData("2001:db8::10/64", "ff12::1:2")]
    public void MulticastGroup_of_the_instances_family_is_valid(string address, string group)
    {
        var i = Valid();
        i.VirtualAddresses = [address];
        i.MulticastGroup = group;
        Assert.Empty(Errors(With(i)));
    }
}
