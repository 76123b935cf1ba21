using Vrrp.Hosting;
using Vrrp.Keepalived;
using Vrrp.Packets;

namespace Vrrp.Keepalived.Tests;

/// <summary>keepalived.conf lexical rules: comments, quoting, numbers, brace placement, conditionals, parameters.</summary>
public class SyntaxTests
{
    private static KeepalivedConfigResult ReadClean(string text)
    {
        var result = KeepalivedConfigReader.ReadText(text, "keepalived.conf", configId: "lb1");
        Assert.Empty(result.Diagnostics.Select(static d => d.ToString()));
        return result;
    }

    [Fact]
    public void Comments_start_with_hash_or_bang_anywhere_outside_quotes()
    {
        var result = ReadClean("""
            ! keepalived style header
            # shell style header
            vrrp_instance VI_1 {   # opens the instance
                interface eth0!no space needed
                virtual_router_id 51 ! the VRID
                priority 150#tight
                authentication {
                    auth_type PASS
                    auth_pass "pa#ss!1"   # quoted: # and ! are part of the password
                }
                virtual_ipaddress {
                    10.0.0.10/24 # a VIP
                    ! 10.0.0.11/24 commented out
                }
            }
            """);
        var vi = Assert.Single(result.Options.Instances);
        Assert.Equal("eth0", vi.Interface);
        Assert.Equal(51, vi.VirtualRouterId);
        Assert.Equal(150, vi.Priority);
        Assert.Equal("pa#ss!1", vi.AuthenticationPassword);
        Assert.Equal(["10.0.0.10/24"], vi.VirtualAddresses);
    }

    [Theory]
    [InlineData("09", 9)]
    [InlineData("010", 10)]
    [InlineData("0255", 255)]
    [InlineData("001", 1)]
    public void Numbers_are_decimal_even_with_leading_zeros(string written, int expected)
    {
        var result = ReadClean($"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id {written}\n priority {written}\n}}\n");
        Assert.Equal(expected, result.Options.Instances[0].VirtualRouterId);
        Assert.Equal(expected, result.Options.Instances[0].Priority);
    }

    [Theory]
    [InlineData("2", "1", 1000)]
    [InlineData("2", "01", 1000)]
    [InlineData("2", "255", 255_000)]
    [InlineData("3", "0.01", 10)]
    [InlineData("3", "0.5", 500)]
    [InlineData("3", "1.25", 1250)]
    [InlineData("3", "40.95", 40_950)]
    [InlineData("3", "3", 3000)]
    public void Advert_int_takes_whole_seconds_for_v2_and_centiseconds_for_v3(string version, string advert, int milliseconds)
    {
        var result = ReadClean($"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 1\n version {version}\n advert_int {advert}\n}}\n");
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), result.Options.Instances[0].AdvertisementInterval);
    }

    [Fact]
    public void Double_quotes_make_one_word_and_single_quotes_matter_only_inside_script_strings()
    {
        var result = ReadClean("""
            vrrp_script chk_web {
                script "/usr/bin/curl -fs 'http://127.0.0.1/health check' -o /dev/null"
            }
            vrrp_script chk_escapes {
                script "/opt/check a' 'b x\\'y tab\\there \\042q\\042 back\\\\slash"
            }
            vrrp_instance "VI 1" {
                interface eth0
                virtual_router_id 1
                notify_master "/etc/keepalived/notify.sh MASTER 'the web VIP'"
                authentication {
                    auth_type PASS
                    auth_pass it's
                }
            }
            """);
        var web = result.Options.Scripts[0];
        Assert.Equal("/usr/bin/curl", web.Command);
        Assert.Equal(["-fs", "http://127.0.0.1/health check", "-o", "/dev/null"], web.Arguments);
        var escapes = result.Options.Scripts[1];
        Assert.Equal("/opt/check", escapes.Command);
        Assert.Equal(["a b", "x'y", "tab\there", "\"q\"", "back\\slash"], escapes.Arguments); // keepalived decodes escapes twice
        var vi = result.Options.Instances[0];
        Assert.Equal("VI 1", vi.Name);
        Assert.Equal("/etc/keepalived/notify.sh MASTER 'the web VIP'", vi.NotifyMaster);
        Assert.Equal(["/etc/keepalived/notify.sh", "MASTER", "the web VIP"], KeepalivedCommandLine.Split(vi.NotifyMaster!));
        Assert.Equal("it's", vi.AuthenticationPassword); // a single quote is an ordinary character outside scripts
    }

    [Fact]
    public void A_double_quote_ends_the_word_before_it()
    {
        var result = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  \"10.0.0.1/24\"\"label\"x\n }\n}\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["10.0.0.1/24 label x"], result.Options.Instances[0].VirtualAddresses);
    }

    [Fact]
    public void Escaped_comment_characters_are_literal_outside_quotes()
    {
        var result = KeepalivedConfigReader.ReadText("global_defs {\n router_id lb\\#1\\!a # comment\n}\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal("lb#1!a", result.Options.RouterId);
    }

    [Fact]
    public void Braces_may_share_a_line_or_open_on_the_next_line()
    {
        var result = ReadClean("""
            vrrp_script chk { script /bin/true }
            vrrp_instance VI_1
            {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress { 10.0.0.1 }
                track_script { chk }
                unicast_peer {
                    10.0.0.2
                    10.0.0.3 }
            }
            vrrp_instance VI_2 { interface eth0
                virtual_router_id 2 }
            vrrp_sync_group G { group { VI_1 VI_2 } }
            """);
        Assert.Equal(2, result.Options.Instances.Count);
        var vi = result.Options.Instances[0];
        Assert.Equal(["10.0.0.1/32"], vi.VirtualAddresses);
        Assert.Equal("chk", Assert.Single(vi.TrackScripts).Name);
        Assert.Equal(["10.0.0.2", "10.0.0.3"], vi.UnicastPeers);
        Assert.Equal(["VI_1", "VI_2"], Assert.Single(result.Options.SyncGroups).Instances);
        Assert.Equal(2, result.Options.Instances[1].VirtualRouterId);
    }

    [Fact]
    public void Crlf_line_ends_tabs_and_a_byte_order_mark_are_accepted()
    {
        var result = ReadClean("\uFEFFvrrp_instance VI_1 {\r\n\tinterface\teth0\r\n\tvirtual_router_id\t7\r\n}\r\n");
        Assert.Equal(7, result.Options.Instances[0].VirtualRouterId);
        Assert.Equal("eth0", result.Options.Instances[0].Interface);
    }

    [Fact]
    public void Conditional_lines_apply_only_on_the_matching_config_id()
    {
        string text = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                @lb1 priority 150
                @lb2 priority 100
                unicast_peer {
                    @^lb1 10.0.0.1
                    @^lb2 10.0.0.2
                }
            }
            """;
        var lb1 = KeepalivedConfigReader.ReadText(text, configId: "lb1").GetOptionsOrThrow().Instances[0];
        var lb2 = KeepalivedConfigReader.ReadText(text, configId: "lb2").GetOptionsOrThrow().Instances[0];
        var other = KeepalivedConfigReader.ReadText(text, configId: "lb3").GetOptionsOrThrow().Instances[0];
        Assert.Equal(150, lb1.Priority);
        Assert.Equal(["10.0.0.2"], lb1.UnicastPeers);
        Assert.Equal(100, lb2.Priority);
        Assert.Equal(["10.0.0.1"], lb2.UnicastPeers);
        Assert.Equal(100, other.Priority); // the default
        Assert.Equal(["10.0.0.1", "10.0.0.2"], other.UnicastPeers);
    }

    [Fact]
    public void Parameters_are_substituted_recursively_and_may_be_conditional()
    {
        var result = ReadClean("""
            $IF=eth1
            $NET=10.9.${SUB}
            $SUB =4
            @lb1 $PRIO=200
            @lb2 $PRIO=100
            vrrp_instance VI_$IF {
                interface $IF
                virtual_router_id 1
                priority $PRIO
                use_vmac vrrp_$IF.5
                virtual_ipaddress {
                    ${NET}.1/24
                }
                notify_master "/bin/echo $HOME ($IF) $IF,$IF."
            }
            """);
        var vi = result.Options.Instances[0];
        Assert.Equal("VI_eth1", vi.Name); // $NAME followed by white space is replaced
        Assert.Equal("vrrp_$IF.5", vi.VirtualMacInterface); // ...but not when followed by anything else (use ${IF})
        Assert.Equal("eth1", vi.Interface);
        Assert.Equal(200, vi.Priority);
        Assert.Equal(["10.9.4.1/24"], vi.VirtualAddresses);
        Assert.Equal("/bin/echo $HOME (eth1) eth1,$IF.", vi.NotifyMaster); // undefined parameters stay as written
    }

    [Fact]
    public void State_master_without_priority_is_the_address_owner()
    {
        var result = ReadClean("vrrp_instance A {\n state MASTER\n interface eth0\n virtual_router_id 1\n}\nvrrp_instance B {\n state MASTER\n priority 120\n interface eth0\n virtual_router_id 2\n}\nvrrp_instance C {\n state BACKUP\n interface eth0\n virtual_router_id 3\n}\n");
        Assert.Equal([255, 120, 100], result.Options.Instances.Select(static i => i.Priority));
        Assert.Equal([VrrpState.Master, VrrpState.Master, VrrpState.Backup], result.Options.Instances.Select(static i => i.InitialState));
    }

    [Fact]
    public void Global_defaults_apply_to_instances_wherever_global_defs_appears()
    {
        var result = ReadClean("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                garp_master_delay 2
                strict_mode off
                unicast_peer {
                    10.0.0.9
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                version 2
                strict_mode off
                garp_lower_prio_repeat 2
            }
            vrrp_instance VI_3 {
                interface eth0
                virtual_router_id 3
            }
            global_defs {
                router_id lb-east-1
                vrrp_version 3
                vrrp_strict
                vrrp_check_unicast_src
                vrrp_garp_master_delay 10
                vrrp_garp_master_repeat 3
                vrrp_garp_master_refresh 60
                vrrp_garp_master_refresh_repeat 2
                vrrp_startup_delay 5.5
                net_namespace blue
                script_user keepalived_script
            }
            vrrp_script chk { script /bin/true }
            """);
        var o = result.Options;
        Assert.Equal("lb-east-1", o.RouterId);
        Assert.Equal("blue", o.NetworkNamespace);
        Assert.Equal(TimeSpan.FromSeconds(5.5), o.StartupDelay);
        Assert.Equal("keepalived_script", o.Scripts[0].User);
        var (vi1, vi2) = (o.Instances[0], o.Instances[1]);
        Assert.Equal(VrrpVersion.V3, vi1.Version);
        Assert.Equal(VrrpVersion.V2, vi2.Version);
        Assert.False(vi1.StrictMode);
        Assert.False(vi2.StrictMode);
        Assert.True(o.Instances[2].StrictMode); // from vrrp_strict
        Assert.False(o.Instances[2].Accept); // strict mode: no_accept for a non-owner, as keepalived
        Assert.Equal(0, o.Instances[2].GarpLowerPriorityRepeat); // strict mode: no repeated announcements
        Assert.True(vi1.CheckUnicastSource);
        Assert.False(vi2.CheckUnicastSource); // multicast: keepalived ignores the check without peers
        Assert.Equal(TimeSpan.FromSeconds(2), vi1.GarpMasterDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), vi2.GarpMasterDelay);
        Assert.Equal(3, vi1.GarpMasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(60), vi1.GarpMasterRefresh);
        Assert.Equal(2, vi1.GarpMasterRefreshRepeat);

        // As in keepalived, the lower-priority defaults follow the global master settings, not the instance's own.
        Assert.Equal(TimeSpan.FromSeconds(10), vi1.GarpLowerPriorityDelay);
        Assert.Equal(3, vi1.GarpLowerPriorityRepeat);
        Assert.Equal(2, vi2.GarpLowerPriorityRepeat);
    }

    [Fact]
    public void An_address_owner_ignores_weighted_trackers()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_script chk { script /bin/true
                weight 5 }
            vrrp_instance OWNER {
                interface eth0
                virtual_router_id 1
                priority 255
                track_interface {
                    eth1
                    eth2 weight -10
                }
                track_script {
                    chk
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:3: warning: vrrp_instance 'OWNER': track_interface eth2 with weight -10 is ignored for an address owner (priority 255; as keepalived does)",
                "keepalived.conf:3: warning: vrrp_instance 'OWNER': track_script chk with weight 5 is ignored for an address owner (priority 255; as keepalived does)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var owner = result.Options.Instances[0];
        Assert.Equal("eth1", Assert.Single(owner.TrackInterfaces).Interface);
        Assert.Empty(owner.TrackScripts);
    }

    [Fact]
    public void Keepalived_adjustments_are_applied_and_reported()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_script chk { script /bin/true
                weight -10 }
            vrrp_track_file tf { file /run/tf }
            vrrp_instance A {
                state MASTER
                priority 200
                interface eth0
                virtual_router_id 1
                nopreempt
                preempt_delay 5
                check_unicast_src
                track_interface {
                    eth1 weight 20
                }
                track_script {
                    chk
                }
                track_file {
                    tf
                }
            }
            vrrp_instance B {
                interface eth0
                virtual_router_id 2
                nopreempt
                preempt_delay 5
                track_script {
                    chk weight 0
                }
            }
            vrrp_sync_group G {
                group {
                    A
                    B
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:4: warning: vrrp_instance 'A': nopreempt does not work with state MASTER; cleared (as keepalived does)",
                "keepalived.conf:4: warning: vrrp_instance 'A': preempt_delay does not work with state MASTER or priority 255; cleared (as keepalived does)",
                "keepalived.conf:4: warning: vrrp_instance 'A': check_unicast_src without unicast_peer; multicast is used and the check is off (as keepalived does)",
                "keepalived.conf:4: warning: vrrp_instance 'A': track_interface eth1 weight 20 is ignored in sync group 'G' (as keepalived does; sync_group_tracking_weight keeps it); weight 0",
                "keepalived.conf:4: warning: vrrp_instance 'A': track_script chk with weight -10 is ignored in sync group 'G' (as keepalived does; sync_group_tracking_weight keeps it)",
                "keepalived.conf:4: warning: vrrp_instance 'A': track_file tf weight 1 is ignored in sync group 'G' (as keepalived does; sync_group_tracking_weight keeps it); weight 0",
                "keepalived.conf:22: warning: vrrp_instance 'B': preempt_delay has no effect with nopreempt; cleared (as keepalived does)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var (a, b) = (result.Options.Instances[0], result.Options.Instances[1]);
        Assert.False(a.NoPreempt);
        Assert.Equal(TimeSpan.Zero, a.PreemptDelay);
        Assert.False(a.CheckUnicastSource);
        Assert.Equal(0, a.TrackInterfaces[0].Weight); // kept: its failure is now a Fault
        Assert.Empty(a.TrackScripts); // dropped
        Assert.Equal(0, Assert.Single(a.TrackFiles).Weight); // keepalived keeps a track_file of the default weight 1, with weight 0
        Assert.True(b.NoPreempt);
        Assert.Equal(TimeSpan.Zero, b.PreemptDelay);
        Assert.Equal(0, b.TrackScripts[0].Weight); // already 0: nothing to report
    }

    [Fact]
    public void A_repeated_notify_command_keeps_the_first_and_a_repeated_value_the_last()
    {
        var result = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 10\n priority 20\n notify_master /bin/first\n notify_master /bin/second\n}\n");
        var vi = result.Options.Instances[0];
        Assert.Equal("/bin/first", vi.NotifyMaster); // keepalived: "notify_master script already specified - ignoring"
        Assert.Equal(20, vi.Priority);
        Assert.Single(result.Diagnostics);
    }

    /// <summary>A file using keepalived's own definitions (the oracle test runs it under keepalived with <c>-i lb7</c>).</summary>
    internal const string BuiltinDefinitions = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id ${_RANDOM 7 7}
            virtual_ipaddress {
                10.0.0.1/24
            }
            notify_master "/bin/echo ${_INSTANCE} ${_PWD} ${_HASH}x${_BANG}"
        }

        """;

    [Fact]
    public void Keepalived_s_own_definitions_are_substituted()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vrrp-defs");
        var result = KeepalivedConfigReader.ReadText(BuiltinDefinitions, Path.Combine(folder, "keepalived.conf"), configId: "lb7");
        Assert.Empty(result.Diagnostics);
        var instance = Assert.Single(result.Options.Instances);
        Assert.Equal(7, instance.VirtualRouterId);
        Assert.Equal($"/bin/echo lb7 {folder} #x!", instance.NotifyMaster);

        // ${_RANDOM} is 0..32767, ${_RANDOM MIN} MIN..32767; $_INSTANCE without braces too; a bad range is an error.
        for (int i = 0; i < 50; i++)
        {
            int vrid = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id ${_RANDOM 1 3}\n}\n").Options.Instances[0].VirtualRouterId;
            Assert.InRange(vrid, 1, 3);
        }

        Assert.Equal("lb7", KeepalivedConfigReader.ReadText("global_defs {\n router_id $_INSTANCE\n}\n", configId: "lb7").Options.RouterId);
        Assert.True(KeepalivedConfigReader.ReadText("global_defs {\n router_id ${_RANDOM 5 1}\n}\n").HasErrors);
    }
}
