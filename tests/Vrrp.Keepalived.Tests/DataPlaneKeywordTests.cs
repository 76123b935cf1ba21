using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// The keywords of issues 11, 12 and 14 read into options as keepalived 2.2.7 reads them (its adjustments as warnings,
/// its refusals as errors), and written back the same way.
/// </summary>
public class DataPlaneKeywordTests
{
    private static KeepalivedConfigResult ReadAndRoundTrip(string text)
    {
        var result = KeepalivedConfigReader.ReadText(text);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        var again = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(result.Options));
        Assert.Empty(again.Errors);
        Assert.Equal(OptionsText.Of(result.Options), OptionsText.Of(again.Options));
        return result;
    }

    [Fact]
    public void Addresses_routes_and_rules_keep_their_options()
    {
        var result = ReadAndRoundTrip("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.70.0.100/24 dev eth1 label eth1:vip
                    10.70.0.101/24 no_track
                }
                virtual_ipaddress_excluded {
                    fd00::5/64 dev eth1 preferred_lft forever
                }
                virtual_routes {
                    10.80.0.0/24 dev eth1
                    src 10.70.0.100 10.81.0.0/16 via 10.70.0.1 dev eth1 table 100 metric 5
                    blackhole 10.82.0.0/16
                }
                virtual_rules {
                    from 10.90.0.0/24 table 100
                    to 10.91.0.0/24 table 101 priority 1000
                    from 10.92.0.0/24 prohibit
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:14: warning: virtual_routes 'blackhole 10.82.0.0/16': cannot track route 10.82.0.0/16 with no interface specified, not tracking (as keepalived does)",
                "keepalived.conf:17: warning: virtual_rules 'from 10.90.0.0/24 table 100': rule has no preference specified - setting to 16384. This is probably not what you want (as keepalived says)",
                "keepalived.conf:19: warning: virtual_rules 'from 10.92.0.0/24 prohibit': rule has no preference specified - setting to 16383. This is probably not what you want (as keepalived says)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var vi = result.Options.Instances[0];
        Assert.Equal(["10.70.0.100/24 dev eth1 label eth1:vip", "10.70.0.101/24 no_track"], vi.VirtualAddresses);
        Assert.Equal(["fd00::5/64 dev eth1 preferred_lft forever"], vi.ExcludedVirtualAddresses);
        Assert.Equal(
            ["10.80.0.0/24 dev eth1", "10.81.0.0/16 src 10.70.0.100 via 10.70.0.1 dev eth1 table 100 metric 5", "blackhole 10.82.0.0/16 protocol keepalived no_track"],
            vi.VirtualRoutes);
        Assert.Equal(["from 10.90.0.0/24 priority 16384 table 100", "to 10.91.0.0/24 priority 1000 table 101", "from 10.92.0.0/24 priority 16383 prohibit"], vi.VirtualRules);
    }

    [Fact]
    public void Static_entries_and_track_groups_are_read_and_written_back()
    {
        var result = ReadAndRoundTrip("""
            track_group TG {
                group {
                    VI_1
                    VI_2
                }
            }
            static_ipaddress {
                192.0.2.150/24 dev eth1 track_group TG
                fd00::150/64 dev eth1 preferred_lft 0
            }
            static_routes {
                10.83.0.0/24 via 10.99.0.254 dev eth1 track_group TG
            }
            static_rules {
                from 10.82.0.0/24 table 100
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.70.0.100/24
                }
            }
            """);
        var o = result.Options;
        Assert.Equal(["192.0.2.150/24 dev eth1 track_group TG", "fd00::150/64 dev eth1 preferred_lft 0"], o.StaticAddresses);
        Assert.Equal(["10.83.0.0/24 via 10.99.0.254 dev eth1 track_group TG"], o.StaticRoutes);
        Assert.Equal(["from 10.82.0.0/24 priority 16384 table 100"], o.StaticRules);
        Assert.Equal("TG", o.StaticTrackGroups.Single().Name);
        Assert.Equal(["VI_1"], o.StaticTrackGroups.Single().Instances);
        Assert.Contains("keepalived.conf:1: warning: track_group TG: vrrp instance VI_2 doesn't exist - ignoring (as keepalived says)", result.Diagnostics.Select(static d => d.ToString()));

        var refused = KeepalivedConfigReader.ReadText("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.70.0.100/24 track_group TG
                }
            }
            static_ipaddress {
                192.0.2.150/24 dev eth1 use_vmac
            }
            """);
        Assert.Contains("keepalived.conf:5: error: virtual_ipaddress '10.70.0.100/24 track_group TG': track_group is for static_ipaddress, static_routes and static_rules entries only (as keepalived)", refused.Errors.Select(static e => e.ToString()));
        Assert.Contains("keepalived.conf:9: error: static_ipaddress '192.0.2.150/24 dev eth1 use_vmac': use_vmac is for an instance's addresses only (as keepalived)", refused.Errors.Select(static e => e.ToString()));
    }

    [Fact]
    public void Malformed_entries_are_errors_on_their_line()
    {
        var result = KeepalivedConfigReader.ReadText(
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_routes {\n  via 10.0.0.1\n }\n virtual_rules {\n  from 10.0.0.0/8\n }\n virtual_ipaddress {\n  10.0.0.1 colour blue\n }\n}\n");
        Assert.Equal(
            [
                "keepalived.conf:5: error: virtual_routes 'via 10.0.0.1': a route must have a destination (ADDR[/LEN] or default)",
                "keepalived.conf:8: error: virtual_rules 'from 10.0.0.0/8': no action: a rule needs table T, goto N, nop, blackhole, unreachable, prohibit or l3mdev",
                "keepalived.conf:11: error: virtual_ipaddress '10.0.0.1 colour blue': 'colour' is not an address option (dev, scope, brd, label, peer, no_track, home, -nodad, mngtmpaddr, noprefixroute, autojoin, preferred_lft, use_vmac, track_group)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
    }

    [Fact]
    public void Use_ipvlan_reads_its_words_in_any_order_as_keepalived_and_keeps_the_first_of_each()
    {
        var result = ReadAndRoundTrip("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                use_ipvlan private 192.0.2.21/24 ipv1 vepa 192.0.2.22 ipv9
                virtual_ipaddress {
                    192.0.2.100
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                use_ipvlan 2001:db8::5 ipv1 averyveryverylongname
                use_ipvlan ipv7
                virtual_ipaddress {
                    2001:db8::100
                }
            }
            vrrp_instance VI_3 {
                interface eth1
                virtual_router_id 3
                use_ipvlan 192.0.2.23
                virtual_ipaddress {
                    192.0.2.101
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:4: warning: vrrp_instance 'VI_1': ipvlan type already specified - ignoring 'vepa' (as keepalived does)",
                "keepalived.conf:4: warning: vrrp_instance 'VI_1': ipvlan address already specified - ignoring '192.0.2.22' (as keepalived does)",
                "keepalived.conf:4: warning: vrrp_instance 'VI_1': IPVLAN interface already specified - ignoring 'ipv9' (as keepalived does)",
                "keepalived.conf:12: warning: vrrp_instance 'VI_2': VRRP instance VI_1 is already using ipv1 - ignoring name (as keepalived does)",
                "keepalived.conf:12: warning: vrrp_instance 'VI_2': IPVLAN interface name 'averyveryverylongname' too long - ignoring (as keepalived does)",
                "keepalived.conf:13: warning: vrrp_instance 'VI_2': use_ipvlan already specified; ignored (as keepalived does)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var (vi1, vi2, vi3) = (result.Options.Instances[0], result.Options.Instances[1], result.Options.Instances[2]);
        Assert.Equal((true, "ipv1", "192.0.2.21/24", IpvlanMode.Private), (vi1.UseIpvlan, vi1.IpvlanInterface, vi1.IpvlanAddress, vi1.IpvlanMode));
        Assert.Equal((true, null, "2001:db8::5", IpvlanMode.Bridge), (vi2.UseIpvlan, vi2.IpvlanInterface, vi2.IpvlanAddress, vi2.IpvlanMode));
        Assert.Equal((true, null, "192.0.2.23", IpvlanMode.Bridge), (vi3.UseIpvlan, vi3.IpvlanInterface, vi3.IpvlanAddress, vi3.IpvlanMode));
        Assert.Contains("use_ipvlan ipv1 192.0.2.21/24 private", KeepalivedConfigWriter.Write(result.Options), StringComparison.Ordinal);

        // The address is the advert source unless mcast_src_ip names one (keepalived: whichever line comes first).
        Assert.Equal(IPAddressValue.Parse("192.0.2.21"), DriverConfiguration.Create(result.Options, vi1).SourceAddress);
    }

    [Fact]
    public void Vmac_prefixes_and_the_deprecated_vrrp_vmac_garp_intvl_are_read_as_keepalived_reads_them()
    {
        var result = ReadAndRoundTrip("""
            global_defs {
                vmac_prefix vm
                vmac_prefix other
                vmac_addr_prefix va
                vrrp_vmac_garp_intvl 30 all
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                use_vmac
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                garp_extra_if 5
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:3: warning: vmac_prefix is already set; this one is ignored (as keepalived does)",
                "keepalived.conf:5: warning: vrrp_vmac_garp_intvl is deprecated (as keepalived says): read as vrrp_garp_extra_if",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.Equal(("vm", "va"), (result.Options.VirtualMacPrefix, result.Options.VirtualMacAddressPrefix));
        var (vi1, vi2) = (result.Options.Instances[0], result.Options.Instances[1]);
        Assert.Equal((TimeSpan.FromSeconds(30), true), (vi1.GarpExtraInterfacesInterval, vi1.GarpExtraInterfacesAll)); // the global default
        Assert.Equal((TimeSpan.FromSeconds(5), false), (vi2.GarpExtraInterfacesInterval, vi2.GarpExtraInterfacesAll));  // the instance's own
        string written = KeepalivedConfigWriter.Write(result.Options);
        Assert.Contains("vmac_prefix vm\n", written, StringComparison.Ordinal);
        Assert.Contains("vmac_addr_prefix va\n", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Unicast_with_use_ipvlan_is_warned_as_keepalived_complains_and_changes_nothing()
    {
        var result = ReadAndRoundTrip("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                use_ipvlan 192.0.2.21/24
                unicast_peer {
                    192.0.2.12
                }
            }
            """);
        Assert.Equal(
            ["keepalived.conf:1: warning: vrrp_instance 'VI_1': unicast with use_ipvlan: keepalived sets vmac_xmit_base, then clears it (only valid with a vmac); no effect"],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.False(result.Options.Instances[0].VirtualMacTransmitOnBase);
    }

    [Theory]
    [InlineData("use_ipvlan", "UseIpvlan (use_ipvlan) on IPv4 needs IpvlanAddress")]
    [InlineData("use_ipvlan 2001:db8::5", "IpvlanAddress (use_ipvlan ADDRESS) '2001:db8::5' is not IPv4")]
    [InlineData("use_ipvlan 192.0.2.5;use_vmac", "UseIpvlan (use_ipvlan) and UseVirtualMac (use_vmac) cannot both be set")]
    public void Use_ipvlan_that_keepalived_would_leave_in_fault_is_refused(string lines, string error)
    {
        var options = KeepalivedConfigReader.ReadText(
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n " + lines.Replace(";", "\n ", StringComparison.Ordinal) + "\n virtual_ipaddress {\n 192.0.2.100\n }\n}\n").Options;
        var result = new VrrpOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, e => e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Unicast_settings_and_their_adjustments()
    {
        var result = ReadAndRoundTrip("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                unicast_src_ip 10.0.0.1
                unicast_ttl 64
                unicast_peer {
                    10.0.0.2 min_ttl 1 max_ttl 254
                    10.0.0.3
                }
                use_vmac
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                unicast_ttl 10
                vmac_xmit_base
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:1: warning: vrrp_instance 'VI_1': unicast with use_vmac requires vmac_xmit_base; set (as keepalived does)",
                "keepalived.conf:15: warning: vrrp_instance 'VI_2': unicast_ttl without unicast peers; ignored (as keepalived does)",
                "keepalived.conf:16: warning: vrrp_instance 'VI_2': vmac_xmit_base is only valid with use_vmac; cleared (as keepalived does)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var (vi1, vi2) = (result.Options.Instances[0], result.Options.Instances[1]);
        Assert.Equal(64, vi1.UnicastTtl);
        Assert.Equal(("10.0.0.2", 1, 254), (Assert.Single(vi1.UnicastPeerTtls).Peer, vi1.UnicastPeerTtls[0].MinTtl, vi1.UnicastPeerTtls[0].MaxTtl));
        Assert.True(vi1.CheckUnicastSource); // a TTL limit turns the source check on, as keepalived does
        Assert.True(vi1.VirtualMacTransmitOnBase);
        Assert.Null(vi2.UnicastTtl);
        Assert.False(vi2.VirtualMacTransmitOnBase);
    }

    [Trait("Rfc", "3768-6.4.3-b")]
    [Trait("Rfc", "9568-6.1-d")]
    [Trait("Rfc", "9568-6.4.3-f")]
    [Fact]
    public void Strict_mode_refuses_and_fixes_what_keepalived_does()
    {
        var result = KeepalivedConfigReader.ReadText("""
            global_defs {
                vrrp_strict
            }
            vrrp_instance VI_1 {
                state MASTER
                priority 100
                interface eth0
                virtual_router_id 1
                version 2
                accept
                garp_lower_prio_repeat 3
                higher_prio_send_advert
                preempt_delay 5
                authentication {
                    auth_type PASS
                    auth_pass secret
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                unicast_peer {
                    10.0.0.2
                }
            }
            vrrp_instance VI_3 {
                interface eth0
                virtual_router_id 3
                priority 255
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:4: warning: vrrp_instance 'VI_1': preempt_delay does not work with state MASTER or priority 255; cleared (as keepalived does)",
                "keepalived.conf:4: warning: vrrp_instance 'VI_1': in strict mode state MASTER must match being the address owner; BACKUP is used (as keepalived does)",
                "keepalived.conf:10: warning: vrrp_instance 'VI_1': accept mode for VRRP version 2 does not comply with RFC 3768 in strict mode; no_accept is used (as keepalived does)",
                "keepalived.conf:11: warning: vrrp_instance 'VI_1': strict mode sends no repeated announcements; garp_lower_prio_repeat is reset (as keepalived does)",
                "keepalived.conf:12: warning: vrrp_instance 'VI_1': strict mode needs higher_prio_send_advert off; higher_prio_send_advert is reset (as keepalived does)",
                "keepalived.conf:14: warning: vrrp_instance 'VI_1': strict mode does not allow authentication; ignored",
                "keepalived.conf:22: error: vrrp_instance 'VI_2': unicast peers are not supported in strict mode (keepalived does not run the instance); leave strict_mode out, or use multicast",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var (vi1, vi3) = (result.Options.Instances[0], result.Options.Instances[2]);
        Assert.Equal((VrrpState.Backup, false, 0, false), (vi1.InitialState!.Value, vi1.Accept!.Value, vi1.GarpLowerPriorityRepeat, vi1.HigherPrioritySendAdvert));
        Assert.Equal(Packets.AuthenticationType.None, vi1.AuthenticationType);
        Assert.True(vi3.Accept); // an owner accepts
    }

    [Fact]
    public void Process_trackers_are_read_with_keepalived_rules_and_tracked_by_instances_and_groups()
    {
        var result = ReadAndRoundTrip("""
            vrrp_track_process nginx {
                process nginx
                weight -20 reverse
                quorum 2
                delay 1.5
            }
            vrrp_track_process haproxy {
                process /usr/sbin/haproxy -f /etc/haproxy.cfg
                param_match partial
                quorum_max 0
            }
            vrrp_instance A {
                interface eth0
                virtual_router_id 1
                track_process {
                    nginx weight -30
                }
            }
            vrrp_instance B {
                interface eth0
                virtual_router_id 2
            }
            vrrp_sync_group G {
                group {
                    A
                    B
                }
                track_process {
                    haproxy
                }
            }
            """);
        Assert.Equal(
            ["keepalived.conf:12: warning: vrrp_instance 'A': track_process nginx with weight -30 is ignored in sync group 'G' (as keepalived does; sync_group_tracking_weight keeps it)"],
            result.Diagnostics.Select(static d => d.ToString()));
        var (nginx, haproxy) = (result.Options.TrackProcesses[0], result.Options.TrackProcesses[1]);
        Assert.Equal(("nginx", 2, -20, true, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1.5)), (nginx.Process, nginx.Quorum, nginx.Weight, nginx.Reverse, nginx.TerminateDelay, nginx.ForkDelay));
        Assert.Equal(("/usr/sbin/haproxy", ProcessParameterMatch.Partial, true, 0, 0), (haproxy.Process, haproxy.ParameterMatch, haproxy.FullCommand, haproxy.Quorum, haproxy.QuorumMax!.Value));
        Assert.Equal(["-f", "/etc/haproxy.cfg"], haproxy.Parameters);
        Assert.All(result.Options.Instances, static i => Assert.Equal(["haproxy"], i.TrackProcesses.Select(static t => t.Name)));
    }

    [Theory]
    [InlineData("quorum 3\n quorum_max 2", "keepalived.conf:4: error: quorum_max 2 is less than quorum 3")]
    [InlineData("quorum_max 2\n quorum 3", "keepalived.conf:4: error: quorum 3 is greater than quorum_max 2")]
    [InlineData("param_match some", "keepalived.conf:3: error: param_match 'some': expected initial or partial, or nothing for an exact match")]
    [InlineData("delay 0", "keepalived.conf:3: error: delay '0': expected seconds 0.000001..3600")]
    public void Process_tracker_values_keepalived_refuses_are_errors(string lines, string error)
    {
        var result = KeepalivedConfigReader.ReadText($"vrrp_track_process p {{\n process nginx\n {lines}\n}}\n");
        Assert.Equal([error], result.Diagnostics.Select(static d => d.ToString()));
    }

    [Fact]
    public void Notify_commands_run_as_one_user_per_block()
    {
        var result = KeepalivedConfigReader.ReadText("""
            global_defs {
                script_user nobody nogroup
            }
            vrrp_script chk {
                script /bin/true
            }
            vrrp_instance A {
                interface eth0
                virtual_router_id 1
                notify_master "/bin/master.sh" www-data
                notify_backup /bin/backup.sh www-data
            }
            vrrp_instance B {
                interface eth0
                virtual_router_id 2
                notify_master /bin/master.sh root
                notify_backup /bin/backup.sh
            }
            """);
        Assert.Equal(
            ["keepalived.conf:17: error: vrrp_instance: 'notify_backup' is not supported (the notify commands of instance 'B' run as different users (notify_master as root and notify_backup without one)), so the configuration would run without it; instead: give every notify command the same user, or none (script_user's); or set vrrpd_ignore_unsupported in global_defs to run without it"],
            result.Diagnostics.Select(static d => d.ToString()));
        var o = result.Options;
        Assert.Equal(("nobody", "nogroup"), (o.ScriptUser, o.ScriptGroup));
        Assert.Equal(("nobody", "nogroup"), (o.Scripts[0].User, o.Scripts[0].Group)); // a script without a user takes script_user's
        Assert.Equal(("www-data", (string?)null), (o.Instances[0].NotifyUser, o.Instances[0].NotifyGroup));
    }

    [Fact]
    public void Global_settings_of_issues_12_and_14()
    {
        var result = ReadAndRoundTrip("""
            global_defs {
                vrrp_mcast_group4 224.0.0.19
                vrrp_mcast_group6 ff02::13
                vrrp_garp_interval 0.001
                vrrp_gna_interval 0.002
                vrrp_garp_extra_if all 30
                vrrp_higher_prio_send_advert
                enable_script_security
                notify_fifo /run/keepalived.fifo root root
                notify_fifo_script /usr/local/bin/fifo-reader.sh root
                vrrp_notify_fifo /run/vrrp.fifo
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                notify_master_rx_lower_pri "/usr/local/bin/reclaim.sh VI_1"
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                garp_extra_if 5
                higher_prio_send_advert off
                no_accept
            }
            """);
        Assert.Empty(result.Diagnostics);
        var o = result.Options;
        Assert.Equal(("224.0.0.19", "ff02::13"), (o.MulticastGroup4, o.MulticastGroup6));
        Assert.Equal((TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2)), (o.GarpInterval, o.GnaInterval));
        Assert.True(o.EnableScriptSecurity);
        Assert.Equal(("/run/keepalived.fifo", "root", "root", "/usr/local/bin/fifo-reader.sh", "root"), (o.NotifyFifo!.Path, o.NotifyFifo.User, o.NotifyFifo.Group, o.NotifyFifo.Script, o.NotifyFifo.ScriptUser));
        Assert.Equal("/run/vrrp.fifo", o.VrrpNotifyFifo!.Path);
        var (vi1, vi2) = (o.Instances[0], o.Instances[1]);
        Assert.Equal((TimeSpan.FromSeconds(30), true, true), (vi1.GarpExtraInterfacesInterval!.Value, vi1.GarpExtraInterfacesAll, vi1.HigherPrioritySendAdvert));
        Assert.Equal("/usr/local/bin/reclaim.sh VI_1", vi1.NotifyMasterRxLowerPriority);
        Assert.Equal((TimeSpan.FromSeconds(5), false, false, false), (vi2.GarpExtraInterfacesInterval!.Value, vi2.GarpExtraInterfacesAll, vi2.HigherPrioritySendAdvert, vi2.Accept!.Value));
    }

    [Fact]
    public void Garp_groups_are_read_in_order_with_both_interface_forms_and_written_back()
    {
        var result = ReadAndRoundTrip("""
            global_defs {
                vrrp_garp_interval 0.001
            }
            garp_group {
                garp_interval 0.25
                interface eth0
                interface eth1
            }
            garp_group {
                gna_interval 0
                interfaces {
                    eth2 eth3
                    eth4
                }
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
            }
            """);
        Assert.Empty(result.Diagnostics);
        var groups = result.Options.GarpGroups;
        Assert.Equal(2, groups.Count);
        Assert.Equal(("1", TimeSpan.FromMilliseconds(250), (TimeSpan?)null, "eth0 eth1"), (groups[0].Name, groups[0].GarpInterval!.Value, groups[0].GnaInterval, string.Join(' ', groups[0].Interfaces)));
        Assert.Equal(("2", (TimeSpan?)null, TimeSpan.Zero, "eth2 eth3 eth4"), (groups[1].Name, groups[1].GarpInterval, groups[1].GnaInterval!.Value, string.Join(' ', groups[1].Interfaces)));

        // Every instance gets the groups; the global gap stays for the interfaces outside them.
        var config = DriverConfiguration.Create(result.Options, result.Options.Instances[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(1), config.GarpInterval);
        Assert.Equal(["eth0", "eth1"], config.AnnouncementPacingGroups[0].Interfaces);
        Assert.Equal(TimeSpan.Zero, config.AnnouncementPacingGroups[1].GnaInterval);
    }

    [Theory]
    [InlineData("garp_interval 2147.483648", "garp_interval")]
    [InlineData("gna_interval -1", "gna_interval")]
    [InlineData("garp_interval soon", "garp_interval")]
    public void A_garp_group_gap_outside_keepalived_s_range_is_an_error(string line, string keyword)
    {
        var result = KeepalivedConfigReader.ReadText($"garp_group {{\n {line}\n interface eth0\n}}\n");
        Assert.Contains(result.Errors, e => e.Message.Contains(keyword, StringComparison.Ordinal));
    }
}
