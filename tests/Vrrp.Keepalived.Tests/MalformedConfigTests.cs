using Vrrp.Keepalived;

namespace Vrrp.Keepalived.Tests;

/// <summary>Every malformed keepalived.conf gives its exact diagnostics (FILE:LINE: severity: message), and nothing else.</summary>
public class MalformedConfigTests
{
    public static TheoryData<string, string, string[]> Errors => new()
    {
        {
            "virtual_router_id not a number",
            """
            vrrp_instance VI_1 {
                interface eth0
                priority 100
                virtual_router_id x
            }
            """,
            ["keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'virtual_router_id' (expected a number 1..255)",
             "keepalived.conf:4: error: virtual_router_id 'x': expected a number 1..255"]
        },
        {
            "virtual_router_id out of range",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 256\n}\n",
            ["keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'virtual_router_id' (expected a number 1..255)",
             "keepalived.conf:3: error: virtual_router_id '256': expected a number 1..255"]
        },
        {
            "virtual_router_id without value",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id\n}\n",
            ["keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'virtual_router_id' (expected a number 1..255)",
             "keepalived.conf:3: error: virtual_router_id: expected a number 1..255"]
        },
        {
            "priority zero",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 0\n}\n",
            ["keepalived.conf:4: error: priority '0': expected a number 1..255"]
        },
        {
            "priority hexadecimal",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 0x10\n}\n",
            ["keepalived.conf:4: error: priority '0x10': expected a number 1..255"]
        },
        {
            "advert_int not a number",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n advert_int fast\n}\n",
            ["keepalived.conf:4: error: advert_int 'fast': expected seconds, for example 1 or 0.5"]
        },
        {
            "advert_int negative",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n advert_int -1\n}\n",
            ["keepalived.conf:4: error: advert_int '-1': expected seconds, for example 1 or 0.5"]
        },
        {
            "advert_int below 10 ms or above 255 s (keepalived refuses these)",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n advert_int 0.005\n advert_int 256\n}\n",
            ["keepalived.conf:4: error: advert_int '0.005': expected seconds 0.01..255",
             "keepalived.conf:5: error: advert_int '256': expected seconds 0.01..255"]
        },
        {
            "version 4",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n version 4\n}\n",
            ["keepalived.conf:4: error: version '4': expected 2 or 3"]
        },
        {
            "global vrrp_version 1",
            "global_defs {\n vrrp_version 1\n}\n",
            ["keepalived.conf:2: error: vrrp_version '1': expected 2 or 3"]
        },
        {
            "state in lower case (keepalived is case sensitive)",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n state master\n}\n",
            ["keepalived.conf:4: error: state 'master': expected MASTER or BACKUP"]
        },
        {
            "script interval with a fraction (keepalived reads whole seconds)",
            "vrrp_script chk {\n script /bin/true\n interval 0.5\n timeout 0\n}\n",
            ["keepalived.conf:3: error: interval '0.5': expected whole seconds 0..4294",
             "keepalived.conf:4: warning: timeout 0: it must be at least 1; 1 is used (as keepalived does)"]
        },
        {
            "garp delays in whole seconds",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n garp_master_delay 0.5\n garp_lower_prio_delay 5000\n preempt_delay 1.0000001\n}\n",
            ["keepalived.conf:4: error: garp_master_delay '0.5': expected whole seconds 0..4294",
             "keepalived.conf:5: error: garp_lower_prio_delay '5000': expected whole seconds 0..4294",
             "keepalived.conf:6: warning: preempt_delay '1.0000001': more than 6 decimal places; rounded to 1 (as keepalived does)"]
        },
        {
            "track file weight out of keepalived's range",
            "vrrp_track_file tf {\n file /run/tf\n weight 300\n}\n",
            ["keepalived.conf:3: error: weight '300': expected a number -254..254"]
        },
        {
            "a lone backslash at the end of a script",
            "vrrp_script chk {\n script \"/bin/echo x\\\\\"\n}\n",
            ["keepalived.conf:1: error: vrrp_script 'chk': missing 'script' (the command to run)",
             "keepalived.conf:2: error: script '/bin/echo x\\': a lone backslash at the end (write \\\\ for a backslash)"]
        },
        {
            "interface name too long for Linux",
            "vrrp_instance VI_1 {\n interface eth0.vlan-100-public\n virtual_router_id 1\n use_vmac vrrp/1\n}\n",
            ["keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'interface' (the interface the instance runs on; only a unicast instance can do without one, as keepalived)",
             "keepalived.conf:2: error: interface 'eth0.vlan-100-public': expected an interface name of at most 15 characters, without '/'",
             "keepalived.conf:4: error: use_vmac 'vrrp/1': expected an interface name of at most 15 characters, without '/'"]
        },
        {
            "unknown state",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n state PRIMARY\n}\n",
            ["keepalived.conf:4: error: state 'PRIMARY': expected MASTER or BACKUP"]
        },
        {
            "missing interface and virtual_router_id",
            "vrrp_instance VI_1 {\n priority 100\n}\n",
            ["keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'interface' (the interface the instance runs on; only a unicast instance can do without one, as keepalived)",
             "keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'virtual_router_id' (expected a number 1..255)"]
        },
        {
            "instance without a name",
            "vrrp_instance {\n interface eth0\n}\n",
            ["keepalived.conf:1: error: vrrp_instance: expected a name before '{'"]
        },
        {
            "instance defined twice",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\nvrrp_instance VI_1 {\n interface eth1\n virtual_router_id 2\n}\n",
            ["keepalived.conf:5: error: vrrp_instance 'VI_1' is defined twice"]
        },
        {
            "unbalanced closing brace",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\n}\n",
            ["keepalived.conf:5: error: unbalanced '}': no block is open"]
        },
        {
            "block never closed",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n}\n",
            ["keepalived.conf:1: error: 'vrrp_instance VI_1' block is not closed: expected '}' before the end of the configuration"]
        },
        {
            "brace without a name",
            "{\n}\n",
            ["keepalived.conf:1: error: '{' without a block name before it"]
        },
        {
            "unknown block name",
            "vrrp_instanse VI_1 {\n interface eth0\n}\n",
            ["keepalived.conf:1: error: unknown block 'vrrp_instanse': expected global_defs, vrrp_instance, vrrp_script, vrrp_sync_group or vrrp_track_file"]
        },
        {
            "unknown keyword outside a block",
            "priority 100\n",
            ["keepalived.conf:1: error: unknown keyword 'priority' outside any block: expected global_defs, vrrp_instance, vrrp_script, vrrp_sync_group or vrrp_track_file"]
        },
        {
            "block keyword without its block",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress 10.0.0.1\n}\n",
            ["keepalived.conf:4: error: virtual_ipaddress: expected a block '{ ... }'"]
        },
        {
            "value keyword given a block",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority {\n 100\n }\n}\n",
            ["keepalived.conf:4: error: priority does not take a block"]
        },
        {
            "unterminated quote",
            "vrrp_script chk {\n script \"/bin/true\n}\n",
            ["keepalived.conf:2: error: unterminated quoted string: expected a closing \""]
        },
        {
            "auth_type unknown",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n authentication {\n  auth_type MD5\n  auth_pass x\n }\n}\n",
            ["keepalived.conf:4: error: authentication: missing 'auth_type' (expected PASS or AH)",
             "keepalived.conf:5: error: auth_type 'MD5': expected PASS or AH"]
        },
        {
            "auth_pass missing",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n authentication {\n  auth_type PASS\n }\n}\n",
            ["keepalived.conf:4: error: authentication: missing 'auth_pass' (the password)"]
        },
        {
            "virtual address not an address",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0\n  10.0.0.1/33\n  fd00::1/129\n  1.2.3.4.5\n  web.example\n }\n}\n",
            ["keepalived.conf:5: error: virtual_ipaddress '10.0.0': expected an IPv4 or IPv6 address, optionally with /PREFIX",
             "keepalived.conf:6: error: virtual_ipaddress '10.0.0.1/33': expected a prefix length 0..32 after '/'",
             "keepalived.conf:7: error: virtual_ipaddress 'fd00::1/129': expected a prefix length 0..128 after '/'",
             "keepalived.conf:8: error: virtual_ipaddress '1.2.3.4.5': expected an IPv4 or IPv6 address, optionally with /PREFIX",
             "keepalived.conf:9: error: virtual_ipaddress 'web.example': expected an IPv4 or IPv6 address, optionally with /PREFIX"]
        },
        {
            "virtual addresses of two families",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1/24\n  fd00::1/64\n }\n}\n",
            ["keepalived.conf:6: error: virtual_ipaddress 'fd00::1/64': all addresses must be of one family (the first is IPv4); put the others in virtual_ipaddress_excluded"]
        },
        {
            "unicast peer not an address",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n unicast_peer {\n  10.0.0.300\n }\n}\n",
            ["keepalived.conf:1: warning: vrrp_instance 'VI_1': a unicast keyword without unicast peers; multicast is used (as keepalived does, which calls this deprecated)",
             "keepalived.conf:5: error: unicast_peer '10.0.0.300': expected an IPv4 or IPv6 address"]
        },
        {
            "source address not an address",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n unicast_src_ip me\n}\n",
            ["keepalived.conf:4: error: unicast_src_ip 'me': expected an IPv4 or IPv6 address"]
        },
        {
            "preempt_delay above 1000 s",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n preempt_delay 2000\n}\n",
            ["keepalived.conf:4: error: preempt_delay '2000': expected seconds 0..1000"]
        },
        {
            "track_interface weight out of range",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_interface {\n  eth1 weight 300\n  eth2 heavy\n }\n}\n",
            ["keepalived.conf:5: error: track_interface eth1 weight '300': expected a number -253..253",
             "keepalived.conf:6: error: track_interface 'eth2': expected 'weight W' after the interface, got 'heavy'"]
        },
        {
            "strict_mode not a boolean",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n strict_mode maybe\n}\n",
            ["keepalived.conf:4: error: strict_mode 'maybe': expected on, off, true, false, yes or no"]
        },
        {
            "vrrp_script without script",
            "vrrp_script chk_nginx {\n interval 2\n}\n",
            ["keepalived.conf:1: error: vrrp_script 'chk_nginx': missing 'script' (the command to run)"]
        },
        {
            "vrrp_script interval not a number",
            "vrrp_script chk_nginx {\n script /bin/true\n interval 2s\n}\n",
            ["keepalived.conf:3: error: interval '2s': expected whole seconds 0..4294"]
        },
        {
            "vrrp_script with an unclosed quote inside the command",
            "vrrp_script chk {\n script \"/bin/echo 'a b\"\n}\n",
            ["keepalived.conf:1: error: vrrp_script 'chk': missing 'script' (the command to run)",
             "keepalived.conf:2: error: script '/bin/echo 'a b': the quote ' at position 11 is not closed"]
        },
        {
            "vrrp_track_file without file",
            "vrrp_track_file tf {\n weight 2\n}\n",
            ["keepalived.conf:1: error: vrrp_track_file 'tf': missing 'file' (the file to read)"]
        },
        {
            "sync group without group",
            "vrrp_sync_group G1 {\n notify_master /bin/true\n}\n",
            ["keepalived.conf:1: error: vrrp_sync_group 'G1': missing 'group { ... }' (the member instances)"]
        },
        {
            "instance in two sync groups",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\nvrrp_sync_group G1 {\n group {\n  VI_1\n }\n}\nvrrp_sync_group G2 {\n group {\n  VI_1\n }\n}\n",
            ["keepalived.conf:5: warning: vrrp_sync_group 'G1' has only one instance; a sync group ties two or more together",
             "keepalived.conf:10: warning: vrrp_sync_group 'G2' has no instances; ignored",
             "keepalived.conf:12: error: vrrp_sync_group 'G2': instance 'VI_1' is already in sync group 'G1'"]
        },
        {
            "include of a missing file",
            "include /nonexistent/vrrp-kconf-test.conf\n",
            ["keepalived.conf:1: error: include '/nonexistent/vrrp-kconf-test.conf': file not found"]
        },
        {
            "keywords that ask for what vrrpd does not implement",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_bfd {\n  b1\n }\n}\n",
            ["keepalived.conf:4: error: vrrp_instance: 'track_bfd' block is not supported (BFD is not part of Vrrp), so the configuration would run without it; instead: a track_script or track_interface; or set vrrpd_ignore_unsupported in global_defs to run without it"]
        },
        {
            "vrrp_startup_delay not a number",
            "global_defs {\n vrrp_startup_delay soon\n}\n",
            ["keepalived.conf:2: error: vrrp_startup_delay 'soon': expected seconds 0..3600"]
        },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Malformed_configuration_gives_exactly_these_diagnostics(string name, string text, string[] expected)
    {
        var result = KeepalivedConfigReader.ReadText(text, "keepalived.conf");
        Assert.True(result.HasErrors, name);
        Assert.Equal(expected, result.Diagnostics.Select(static d => d.ToString()));
        var thrown = Assert.Throws<KeepalivedConfigException>(result.GetOptionsOrThrow);
        Assert.Equal(result.Errors, thrown.Errors);
    }

    public static TheoryData<string, string, string[]> Warnings => new()
    {
        {
            "garp_group without a gap, an interface named twice, an empty interfaces block",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\ngarp_group {\n garp_interval 0.1\n interface eth0\n}\ngarp_group {\n interface eth1\n}\ngarp_group {\n gna_interval 0.2\n interfaces {\n  eth0 eth2\n }\n}\ngarp_group {\n gna_interval 0.2\n interfaces {\n }\n}\n",
            ["keepalived.conf:9: warning: garp_group sets neither garp_interval nor gna_interval; the group is removed (as keepalived does)",
             "keepalived.conf:15: warning: garp_group already specified for eth0; ignored (as keepalived does)",
             "keepalived.conf:18: warning: garp_group has no interfaces; it paces nothing",
             "keepalived.conf:20: warning: empty garp_group interfaces block"]
        },
        {
            "LVS virtual_server block",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\nvirtual_server 10.0.0.1 80 {\n delay_loop 6\n real_server 10.0.0.2 80 {\n  weight 1\n }\n}\n",
            ["keepalived.conf:5: warning: virtual_server block is not supported (LVS is not part of Vrrp); skipped"]
        },
        {
            "unsupported instance keywords",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n smtp_alert\n debug 2\n no_such_keyword {\n  x\n }\n}\n",
            ["keepalived.conf:4: warning: vrrp_instance: 'smtp_alert' is not supported (mail alerts are not part of Vrrp); ignored",
             "keepalived.conf:5: warning: vrrp_instance: 'debug' is not supported (debug output is set by log levels); ignored",
             "keepalived.conf:6: warning: vrrp_instance: 'no_such_keyword' block is not supported; ignored"]
        },
        {
            "what vrrpd does not implement, with vrrpd_ignore_unsupported",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_bfd {\n  b1\n }\n}\nglobal_defs {\n vrrpd_ignore_unsupported\n}\n",
            ["keepalived.conf:4: warning: vrrp_instance: 'track_bfd' block is not supported (BFD is not part of Vrrp); ignored (vrrpd_ignore_unsupported)"]
        },
        {
            "unsupported global_defs keywords",
            "global_defs {\n notification_email {\n  root@localhost\n }\n smtp_server 127.0.0.1\n vrrp_mcast_group6 ff05::12\n}\n",
            ["keepalived.conf:2: warning: global_defs: 'notification_email' block is not supported; ignored",
             "keepalived.conf:5: warning: global_defs: 'smtp_server' is not supported; ignored",
             "keepalived.conf:6: warning: vrrp_mcast_group6 ff05::12 should be link-local multicast (ff02::/16; as keepalived says)"]
        },
        {
            "address options keepalived adjusts, and an address given twice",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1/24 dev eth0 label eth0:vip\n  10.0.0.2/31 dev eth1 brd + scope global\n  10.0.0.1/24\n }\n virtual_ipaddress_excluded {\n  fd00::1/64 scope link label x\n }\n}\n",
            ["keepalived.conf:6: warning: virtual_ipaddress '10.0.0.2/31': brd +: the prefix length 31 is too long for a broadcast address; ignored (as keepalived does)",
             "keepalived.conf:7: warning: virtual_ipaddress '10.0.0.1/24' is listed twice; ignored",
             "keepalived.conf:10: warning: virtual_ipaddress_excluded 'fd00::1/64': scope link: IPv6 addresses take no scope; ignored (as keepalived does)",
             "keepalived.conf:10: warning: virtual_ipaddress_excluded 'fd00::1/64': label x: IPv6 addresses take no label; ignored (as keepalived does)"]
        },
        {
            "long password, and authentication with VRRPv3",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n authentication {\n  auth_type PASS\n  auth_pass 0123456789\n }\n}\nvrrp_instance VI_2 {\n interface eth0\n virtual_router_id 2\n version 3\n authentication {\n  auth_type PASS\n  auth_pass x\n }\n}\n",
            ["keepalived.conf:6: warning: auth_pass: only the first 8 characters are used ('01234567')",
             "keepalived.conf:13: warning: vrrp_instance 'VI_2': VRRPv3 has no authentication; ignored"]
        },
        {
            "state MASTER with AH authentication",
            "vrrp_instance VI_1 {\n state MASTER\n priority 100\n interface eth0\n virtual_router_id 1\n authentication {\n  auth_type AH\n  auth_pass x\n }\n}\n",
            ["keepalived.conf:1: warning: vrrp_instance 'VI_1': state MASTER does not work with AH authentication; BACKUP is used (as keepalived does)"]
        },
        {
            "advert_int that keepalived rounds or clamps",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n advert_int 0.1\n}\nvrrp_instance VI_2 {\n interface eth0\n virtual_router_id 2\n version 3\n advert_int 0.015\n}\nvrrp_instance VI_3 {\n interface eth0\n virtual_router_id 3\n version 3\n advert_int 41\n}\n",
            ["keepalived.conf:4: warning: advert_int: VRRPv2 advertisement interval 0.100000s must be an integer; rounded to 1 s (as keepalived does)",
             "keepalived.conf:10: warning: advert_int: VRRPv3 advertisement interval 0.015000s must be in units of 10ms; rounded to 0.02 s (as keepalived does)",
             "keepalived.conf:16: warning: advert_int: VRRPv3 advertisement interval 41.00s is out of range, it must be less than 40.96s; 40.95 s is used (as keepalived does)"]
        },
        {
            "repeated state and version keep the first, as keepalived",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n state MASTER\n state BACKUP\n priority 50\n version 3\n version 2\n}\n",
            ["keepalived.conf:5: warning: state BACKUP: the state was set to MASTER before; BACKUP is ignored (as keepalived does)",
             "keepalived.conf:8: warning: version 2 conflicts with the version 3 set before; ignored (as keepalived does)"]
        },
        {
            "zero repeats become 1 and a lower priority repeat may be 0",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n garp_master_repeat 0\n garp_master_refresh_repeat 0\n garp_lower_prio_repeat 0\n garp_master_repeat 1000\n}\n",
            ["keepalived.conf:4: warning: garp_master_repeat 0: it must be at least 1; 1 is used (as keepalived does)",
             "keepalived.conf:5: warning: garp_master_refresh_repeat 0: it must be at least 1; 1 is used (as keepalived does)"]
        },
        {
            "a notify command given twice keeps the first",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n notify_master /bin/first\n notify_master /bin/second\n}\n",
            ["keepalived.conf:5: warning: notify_master is already set; this one is ignored (as keepalived does)"]
        },
        {
            "IPv6 with version 2 after the addresses is VRRPv3, as keepalived",
            "vrrp_instance VI_6 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  fe80::1\n }\n version 2\n}\n",
            ["keepalived.conf:7: warning: vrrp_instance 'VI_6': version 2 after the IPv6 addresses conflicts with the deduced version 3; ignored (as keepalived does; put it before virtual_ipaddress for VRRPv2 over IPv6)"]
        },
        {
            "IPv6 with version 2 in strict mode is VRRPv3, as keepalived",
            "vrrp_instance VI_6 {\n interface eth0\n virtual_router_id 1\n strict_mode\n version 2\n virtual_ipaddress {\n  fe80::1\n }\n}\n",
            ["keepalived.conf:5: warning: vrrp_instance 'VI_6': strict mode cannot use IPv6 with VRRP version 2; version 3 is used (as keepalived does)"]
        },
        {
            "references to undefined trackers and instances",
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_script {\n  chk_missing\n }\n track_file {\n  tf_missing weight 2\n }\n}\nvrrp_sync_group G {\n group {\n  VI_1 VI_9\n }\n}\n",
            ["keepalived.conf:5: warning: track_script: no vrrp_script 'chk_missing'; ignored",
             "keepalived.conf:8: warning: track_file: no vrrp_track_file 'tf_missing'; ignored",
             "keepalived.conf:11: warning: vrrp_sync_group 'G' has only one instance; a sync group ties two or more together",
             "keepalived.conf:13: warning: vrrp_sync_group 'G': no vrrp_instance 'VI_9'; ignored"]
        },
        {
            "extra words",
            "vrrp_instance VI_1 {\n interface eth0 eth1\n virtual_router_id 1\n nopreempt now\n notify_master /etc/keepalived/master.sh root root x\n}\n",
            ["keepalived.conf:2: warning: interface: 'eth1' is ignored",
             "keepalived.conf:4: warning: nopreempt: 'now' is ignored (nopreempt takes no value)",
             "keepalived.conf:5: warning: notify_master: 'x' is ignored"]
        },
        {
            "words after a weight other than reverse",
            "vrrp_script chk {\n script /bin/true\n weight 10 backwards\n init_fail\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n track_script {\n  chk weight -5 reverse now\n }\n track_interface {\n  eth1 weight 254 noreverse\n }\n}\n",
            ["keepalived.conf:3: warning: vrrp_script chk weight: 'backwards' is ignored",
             "keepalived.conf:10: warning: track_script chk: 'now' is ignored",
             "keepalived.conf:13: warning: track_interface eth1 weight 254: the weight of an interface cannot be +-254; 253 is used (as keepalived does)",
             "keepalived.conf:13: warning: track_interface eth1: 'noreverse' is ignored"]
        },
        {
            "daemon keywords that behave the same (accepted silently) and unsupported blocks",
            "use_pid_dir\nlinkbeat_interfaces {\n eth0\n}\ninstance lb1\nchild_wait_time 10\nnamespace_with_ipsets\nlinkbeat_use_polling\nbfd_instance b1 {\n neighbor_ip 10.0.0.2\n}\n~SEQ(I, 1, 3) vrrp_instance VI_$I {\n",
            ["keepalived.conf:9: warning: bfd_instance block is not supported (BFD is not part of Vrrp); skipped",
             "keepalived.conf:12: warning: ~SEQ sequence lines are not supported; line ignored"]
        },
    };

    [Theory]
    [MemberData(nameof(Warnings))]
    public void Unsupported_configuration_warns_with_file_and_line_and_still_reads(string name, string text, string[] expected)
    {
        var result = KeepalivedConfigReader.ReadText(text, "keepalived.conf");
        Assert.False(result.HasErrors, name + ": " + string.Join("\n", result.Errors));
        Assert.Equal(expected, result.Diagnostics.Select(static d => d.ToString()));
        Assert.Same(result.Options, result.GetOptionsOrThrow());
    }

    [Fact]
    public void Exception_message_lists_every_error_one_per_line()
    {
        var result = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n priority 300\n smtp_alert\n}\n", "/etc/keepalived/keepalived.conf");
        var e = Assert.Throws<KeepalivedConfigException>(result.GetOptionsOrThrow);
        Assert.Equal(
            """
            The keepalived configuration has 3 errors:
            /etc/keepalived/keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'interface' (the interface the instance runs on; only a unicast instance can do without one, as keepalived)
            /etc/keepalived/keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'virtual_router_id' (expected a number 1..255)
            /etc/keepalived/keepalived.conf:2: error: priority '300': expected a number 1..255
            """.ReplaceLineEndings("\n"),
            e.Message);
        Assert.Equal(3, e.Errors.Count);
        Assert.Single(result.Warnings);
    }

    [Fact]
    public void Reading_a_missing_file_is_an_error_not_an_exception()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vrrp-kconf-missing-{Guid.NewGuid():N}.conf");
        var result = KeepalivedConfigReader.Read(path);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(ConfigDiagnosticSeverity.Error, error.Severity);
        Assert.Equal(path, error.File);
        Assert.StartsWith($"{path}:0: error: cannot read the file: ", error.ToString(), StringComparison.Ordinal);
    }
}
