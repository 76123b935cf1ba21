using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// lower_prio_no_advert, down_timer_adverts (and their global_defs defaults vrrp_lower_prio_no_advert and
/// vrrp_down_timer_adverts) and mcast_dst_ip, read as keepalived 2.2.7 reads them (vrrp_parser.c, global_parser.c and
/// vrrp_complete_instance) and written back.
/// </summary>
public class ProtocolKeywordTests
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
    public void Instance_keywords_and_their_global_defaults()
    {
        var result = ReadAndRoundTrip("""
            global_defs {
                vrrp_lower_prio_no_advert
                vrrp_down_timer_adverts 5
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    10.0.0.1
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                lower_prio_no_advert false
                down_timer_adverts 1
                mcast_dst_ip 224.0.0.19
                virtual_ipaddress {
                    10.0.0.2
                }
            }
            vrrp_instance VI_3 {
                interface eth0
                virtual_router_id 3
                version 3
                lower_prio_no_advert on
                down_timer_adverts 100
                mcast_dst_ip ff02::13
                virtual_ipaddress {
                    fd00::3
                }
            }
            """);
        Assert.Empty(result.Diagnostics);
        var o = result.Options.Instances;
        Assert.Equal((true, 5, (string?)null), (o[0].LowerPriorityNoAdvert, o[0].DownTimerAdverts, o[0].MulticastGroup));
        Assert.Equal((false, 1, "224.0.0.19"), (o[1].LowerPriorityNoAdvert, o[1].DownTimerAdverts, o[1].MulticastGroup));
        Assert.Equal((true, 100, "ff02::13"), (o[2].LowerPriorityNoAdvert, o[2].DownTimerAdverts, o[2].MulticastGroup));
    }

    [Fact]
    public void Without_them_keepalived_defaults_apply_and_nothing_is_written()
    {
        var result = ReadAndRoundTrip("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
        var i = result.Options.Instances[0];
        Assert.Equal((false, 3, (string?)null), (i.LowerPriorityNoAdvert, i.DownTimerAdverts, i.MulticastGroup));
        string written = KeepalivedConfigWriter.Write(result.Options);
        Assert.DoesNotContain("lower_prio_no_advert", written, StringComparison.Ordinal);
        Assert.DoesNotContain("down_timer_adverts", written, StringComparison.Ordinal);
        Assert.DoesNotContain("mcast_dst_ip", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Strict_mode_forces_no_lower_priority_advert_and_three_adverts_as_keepalived()
    {
        var result = KeepalivedConfigReader.ReadText("""
            global_defs {
                vrrp_strict
                vrrp_down_timer_adverts 4
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                lower_prio_no_advert off
                down_timer_adverts 7
                virtual_ipaddress {
                    10.0.0.1
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                virtual_ipaddress {
                    10.0.0.2
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:8: warning: vrrp_instance 'VI_1': strict mode requires no advert in answer to a lower priority; lower_prio_no_advert is reset (as keepalived does)",
                "keepalived.conf:9: warning: vrrp_instance 'VI_1': down_timer_adverts is incompatible with strict mode; 3 is used (as keepalived does)",
                "keepalived.conf:14: warning: vrrp_instance 'VI_2': down_timer_adverts is incompatible with strict mode; 3 is used (as keepalived does)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.All(result.Options.Instances, static i => Assert.Equal((true, 3), (i.LowerPriorityNoAdvert, i.DownTimerAdverts)));
    }

    [Theory]
    [InlineData("down_timer_adverts 0", "down_timer_adverts '0'")]
    [InlineData("down_timer_adverts 101", "down_timer_adverts '101'")]
    [InlineData("lower_prio_no_advert maybe", "lower_prio_no_advert 'maybe'")]
    [InlineData("mcast_dst_ip 10.0.0.9", "mcast_dst_ip '10.0.0.9'")]
    [InlineData("mcast_dst_ip ff05::12", "mcast_dst_ip 'ff05::12'")]
    [InlineData("mcast_dst_ip ff02::12", "mcast_dst_ip ff02::12 must match the instance's family")]
    public void Values_keepalived_refuses_are_errors(string statement, string message)
    {
        var result = KeepalivedConfigReader.ReadText($"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 1\n {statement}\n virtual_ipaddress {{\n  10.0.0.1\n }}\n}}\n");
        Assert.True(result.Errors.Any(e => e.Line == 4 && e.ToString().Contains(message, StringComparison.Ordinal)), string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void The_options_reach_the_option_validator_as_valid()
    {
        var result = ReadAndRoundTrip("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n lower_prio_no_advert\n down_timer_adverts 2\n mcast_dst_ip 239.1.2.3\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
        var validation = new VrrpOptionsValidator(null).Validate(null, result.Options);
        Assert.False(validation.Failed, validation.FailureMessage);
    }

    [Fact]
    public void Unicast_fault_no_peer_is_read_and_without_peers_says_the_instance_stays_in_fault()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                unicast_fault_no_peer
                unicast_peer {
                    10.0.0.2
                }
                virtual_ipaddress {
                    10.0.0.1
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                unicast_src_ip 10.0.0.3
                unicast_fault_no_peer
                virtual_ipaddress {
                    10.0.0.4
                }
            }
            """);
        Assert.Equal(
            ["keepalived.conf:16: warning: vrrp_instance 'VI_2': unicast_fault_no_peer without unicast peers; the instance stays in Fault (as keepalived does)"],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.All(result.Options.Instances, static i => Assert.True(i.UnicastFaultNoPeer));
        var again = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(result.Options));
        Assert.All(again.Options.Instances, static i => Assert.True(i.UnicastFaultNoPeer));
    }

    [Theory]
    [InlineData("vrrp_min_garp", 1, 0, 1, 0)]
    [InlineData("vrrp_min_garp true", 1, 0, 1, 0)]
    [InlineData("vrrp_min_garp off", 5, 5, 5, 5)]
    [InlineData("vrrp_garp_master_repeat 3\n    vrrp_min_garp", 3, 0, 3, 0)]               // a value set before is kept
    [InlineData("vrrp_garp_master_repeat 5\n    vrrp_min_garp", 1, 0, 1, 0)]               // ... unless it is keepalived's default
    [InlineData("vrrp_min_garp\n    vrrp_garp_master_delay 2", 1, 2, 1, 2)]                // a later one is set as usual
    [InlineData("vrrp_min_garp\n    vrrp_garp_lower_prio_repeat 4", 1, 0, 4, 0)]
    public void Vrrp_min_garp_is_keepalived_shorthand_for_one_announcement(string globals, int repeat, int delay, int lowerRepeat, int lowerDelay)
    {
        var result = ReadAndRoundTrip($"global_defs {{\n    {globals}\n}}\nvrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {{\n  10.0.0.1\n }}\n}}\n");
        Assert.Empty(result.Diagnostics);
        var i = result.Options.Instances[0];
        Assert.Equal(
            (repeat, TimeSpan.FromSeconds(delay), lowerRepeat, TimeSpan.FromSeconds(lowerDelay), TimeSpan.Zero),
            (i.GarpMasterRepeat, i.GarpMasterDelay, i.GarpLowerPriorityRepeat, i.GarpLowerPriorityDelay, i.GarpMasterRefresh));
    }

    [Fact]
    public void Mcast_dst_ip_with_unicast_peers_is_ignored_as_keepalived_does()
    {
        var result = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n mcast_dst_ip 224.0.0.19\n unicast_peer {\n  10.0.0.2\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
        Assert.Equal(
            ["keepalived.conf:4: warning: vrrp_instance 'VI_1': multicast destination specified with unicast; ignored (as keepalived does)"],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.Null(result.Options.Instances[0].MulticastGroup);
    }

    [Fact]
    public void Track_src_ip_is_read_and_written_back()
    {
        var result = ReadAndRoundTrip("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n mcast_src_ip 10.0.0.5\n track_src_ip\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal((true, "10.0.0.5"), (result.Options.Instances[0].TrackSourceAddress, result.Options.Instances[0].SourceAddress));
    }

    [Fact]
    public void Old_unicast_checksum_and_its_never_mode_are_read_and_written_back()
    {
        var result = ReadAndRoundTrip("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                version 3
                unicast_peer {
                    10.0.0.12
                }
                old_unicast_checksum
                virtual_ipaddress {
                    10.0.0.1
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                version 3
                unicast_peer {
                    10.0.0.12
                }
                old_unicast_checksum never
                virtual_ipaddress {
                    10.0.0.2
                }
            }
            vrrp_instance VI_3 {
                interface eth0
                virtual_router_id 3
                version 3
                unicast_peer {
                    10.0.0.12
                }
                virtual_ipaddress {
                    10.0.0.3
                }
            }
            """);
        Assert.Empty(result.Diagnostics);
        var o = result.Options.Instances;
        Assert.Equal([OldUnicastChecksum.Always, OldUnicastChecksum.Never, OldUnicastChecksum.Auto], o.Select(static i => i.OldUnicastChecksum));
        string written = KeepalivedConfigWriter.Write(result.Options);
        Assert.Contains("old_unicast_checksum\n", written.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("old_unicast_checksum never", written, StringComparison.Ordinal);
        Assert.Equal(2, written.Split("old_unicast_checksum").Length - 1);

    }

    [Fact]
    public void Old_unicast_checksum_is_a_unicast_keyword_and_an_unknown_mode_is_an_error()
    {
        // Without peers keepalived warns and uses multicast (the form does not matter there).
        var alone = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n version 3\n old_unicast_checksum\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
        Assert.False(alone.HasErrors, string.Join("\n", alone.Errors));
        Assert.Contains(alone.Diagnostics, static d => d.Message.Contains("unicast keyword without unicast peers", StringComparison.Ordinal));

        var unknown = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n unicast_peer {\n  10.0.0.12\n }\n old_unicast_checksum sometimes\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
        Assert.Contains(unknown.Errors, static e => e.Line == 7 && e.Message.Contains("unknown mode 'sometimes'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_v2_instance_without_virtual_addresses_is_read_and_valid()
    {
        // keepalived warns "No VIP specified; at least one is sensible" when it runs it: the driver says the same at start.
        var result = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n version 2\n}\n");
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        var validation = new VrrpOptionsValidator(null).Validate(null, result.Options);
        Assert.False(validation.Failed, validation.FailureMessage);
        var o = result.Options.Instances.Single();
        Assert.Empty(o.VirtualAddresses);
        var again = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(result.Options));
        Assert.Empty(again.Errors);
        Assert.Equal(OptionsText.Of(result.Options), OptionsText.Of(again.Options));
    }

    [Theory]
    [InlineData("version 3")]
    [InlineData("version 2\n strict_mode on")]
    public void An_instance_without_virtual_addresses_is_refused_where_keepalived_refuses_it(string extra)
    {
        var result = KeepalivedConfigReader.ReadText($"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 1\n {extra}\n}}\n");
        var validation = new VrrpOptionsValidator(null).Validate(null, result.Options);
        Assert.Contains(validation.Failures ?? [], static e => e.Contains("VirtualAddresses (virtual_ipaddress) must contain at least one address", StringComparison.Ordinal));
    }

    [Fact]
    public void Native_ipv6_makes_an_ipv6_vrrpv3_instance_as_keepalived()
    {
        var result = ReadAndRoundTrip("""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                native_ipv6
                virtual_ipaddress {
                    fd00::1
                }
                virtual_ipaddress_excluded {
                    192.0.2.9
                }
            }
            """);
        Assert.Empty(result.Diagnostics); // keepalived's default version is 2: native_ipv6 made it 3 without a warning
        var o = result.Options.Instances.Single();
        Assert.Equal((VrrpVersion.V3, "fd00::1/128"), (o.Version, o.VirtualAddresses.Single()));
        var validation = new VrrpOptionsValidator(null).Validate(null, result.Options);
        Assert.False(validation.Failed, validation.FailureMessage);
    }

    [Theory]
    [InlineData(" virtual_ipaddress {\n  192.0.2.1\n }\n native_ipv6\n", 7, "cannot specify native_ipv6 with IPv4 addresses")]
    [InlineData(" unicast_src_ip 192.0.2.2\n native_ipv6\n virtual_ipaddress {\n  fd00::1\n }\n", 5, "cannot specify native_ipv6 with IPv4 addresses")]
    [InlineData(" native_ipv6\n virtual_ipaddress {\n  192.0.2.1\n }\n", 5, "its IPv4 virtual addresses do not match")]
    public void Native_ipv6_with_ipv4_addresses_is_an_error_as_keepalived_reports(string body, int line, string message)
    {
        var result = KeepalivedConfigReader.ReadText($"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 1\n{body}}}\n");
        Assert.Contains(result.Errors, e => e.Line == line && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Native_ipv6_without_virtual_addresses_is_refused_as_keepalived_refuses_a_vrrpv3_one()
    {
        var result = KeepalivedConfigReader.ReadText("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n native_ipv6\n virtual_ipaddress_excluded {\n  fd00::9\n }\n}\n");
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        Assert.Equal(VrrpVersion.V3, result.Options.Instances.Single().Version);
        var validation = new VrrpOptionsValidator(null).Validate(null, result.Options);
        Assert.Contains(validation.Failures ?? [], static e => e.Contains("must contain at least one address", StringComparison.Ordinal));
    }
}
