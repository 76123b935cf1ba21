using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>init_fail, reverse and the sync group's own trackers, read as keepalived 2.2.7 reads them.</summary>
public class TrackerKeywordTests
{
    [Fact]
    public void Init_fail_and_reverse_are_read_and_references_inherit_reverse()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_script chk {
                script /bin/true
                weight 10 reverse
                init_fail
            }
            vrrp_track_file tf {
                file /run/tf
                weight -254 reverse
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                track_interface {
                    eth1 weight -20 reverse
                    eth2
                }
                track_script {
                    chk
                }
                track_file {
                    tf weight 254 noreverse
                }
            }
            """);
        Assert.Empty(result.Diagnostics);
        var (script, file, vi) = (result.Options.Scripts[0], result.Options.TrackFiles[0], result.Options.Instances[0]);
        Assert.True(script.InitFail);
        Assert.True(script.Reverse);
        Assert.Equal(10, script.Weight);
        Assert.True(file.Reverse);
        Assert.Equal(-254, file.Weight);
        Assert.Equal([("eth1", -20, true), ("eth2", 0, false)], vi.TrackInterfaces.Select(static t => (t.Interface, t.Weight, t.Reverse)));
        Assert.Null(vi.TrackScripts[0].Reverse);            // inherits the script's
        Assert.Equal((254, false), (vi.TrackFiles[0].Weight!.Value, vi.TrackFiles[0].Reverse!.Value));

        // ... and written back the same way.
        var again = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(result.Options));
        Assert.Empty(again.Diagnostics);
        Assert.Equal(OptionsText.Of(result.Options), OptionsText.Of(again.Options));
    }

    [Fact]
    public void Members_of_a_sync_group_track_the_groups_trackers_with_their_weights()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_script chk_web {
                script /bin/true
                weight -30
            }
            vrrp_instance A {
                interface eth0
                virtual_router_id 1
                track_script {
                    chk_web weight 5
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
                track_interface {
                    eth9 weight -50
                }
                track_script {
                    chk_web
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:5: warning: vrrp_instance 'A': track_script chk_web with weight 5 is ignored in sync group 'G' (as keepalived does; sync_group_tracking_weight keeps it)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var (a, b) = (result.Options.Instances[0], result.Options.Instances[1]);
        foreach (var member in new[] { a, b })
        {
            // keepalived keeps the weights of the group's own trackers, so the group applies weights.
            Assert.Equal(("eth9", -50), (Assert.Single(member.TrackInterfaces).Interface, member.TrackInterfaces[0].Weight));
            Assert.Equal("chk_web", Assert.Single(member.TrackScripts).Name);
            Assert.Null(member.TrackScripts[0].Weight); // the script's own -30
        }

        Assert.True(Assert.Single(result.Options.SyncGroups).TrackingWeight);
    }

    [Fact]
    public void A_group_with_an_address_owner_clears_the_weights_of_its_trackers()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_instance A {
                interface eth0
                virtual_router_id 1
                priority 255
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
                track_interface {
                    eth9 weight -50
                }
            }
            """);
        Assert.Equal(
            ["keepalived.conf:10: warning: vrrp_sync_group 'G': track_interface eth9 weight -50 is cleared because a member is an address owner (priority 255; as keepalived does); weight 0"],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.All(result.Options.Instances, static i => Assert.Equal(0, Assert.Single(i.TrackInterfaces).Weight));
        Assert.False(result.Options.SyncGroups[0].TrackingWeight);
    }

    [Fact]
    public void Tracking_the_instances_own_interface_is_ignored_as_keepalived_does()
    {
        var result = KeepalivedConfigReader.ReadText("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n track_interface {\n  eth0 weight 10\n  eth1\n }\n}\n");
        Assert.Equal(
            ["keepalived.conf:4: warning: vrrp_instance 'A': track_interface eth0 is the instance's own interface, which is always tracked; ignored (as keepalived does)"],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.Equal("eth1", Assert.Single(result.Options.Instances[0].TrackInterfaces).Interface);
    }

    [Fact]
    public void Addresses_that_do_not_fit_in_an_advert_become_excluded_addresses()
    {
        string vips = string.Join("\n", Enumerable.Range(1, 100).Select(static i => $"  fd00::{i:x}"));
        var result = KeepalivedConfigReader.ReadText($"vrrp_instance A {{\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {{\n{vips}\n }}\n}}\n");
        Assert.Equal(
            ["keepalived.conf:4: warning: vrrp_instance 'A': 100 virtual addresses do not fit in an advert (at most 89); the others are moved to virtual_ipaddress_excluded (as keepalived does)"],
            result.Diagnostics.Select(static d => d.ToString()));
        var a = result.Options.Instances[0];
        Assert.Equal(89, a.VirtualAddresses.Count);
        Assert.Equal(11, a.ExcludedVirtualAddresses.Count);
        Assert.Equal("fd00::5a/128", a.ExcludedVirtualAddresses[0]);
    }

    [Fact]
    public void Values_keepalived_accepts_beyond_the_old_limits_are_read()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_script chk {
                script /bin/true
                rise 5000
                fall 2000
                interval 0
            }
            vrrp_instance A {
                interface eth0
                virtual_router_id 1
                garp_master_repeat 1000
                garp_lower_prio_repeat 0
                preempt_delay 0.0000004
                authentication {
                    auth_type AH
                    auth_pass 123456789
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:5: warning: interval 0: it must be at least 1; 1 is used (as keepalived does)",
                "keepalived.conf:12: warning: preempt_delay '0.0000004': more than 6 decimal places; rounded to 0 (as keepalived does)",
                "keepalived.conf:15: warning: auth_pass: only the first 8 characters are used ('12345678')",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        var (chk, a) = (result.Options.Scripts[0], result.Options.Instances[0]);
        Assert.Equal((5000, 2000, TimeSpan.FromSeconds(1)), (chk.Rise, chk.Fall, chk.Interval));
        Assert.Equal((1000, 0), (a.GarpMasterRepeat, a.GarpLowerPriorityRepeat));
        Assert.Equal(Packets.AuthenticationType.IPAuthenticationHeader, a.AuthenticationType); // read; the host refuses it unless told to ignore it
    }
}
