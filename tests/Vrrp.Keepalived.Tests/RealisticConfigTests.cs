using Vrrp.Keepalived;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived.Tests;

/// <summary>A production-like keepalived.conf: two stacks (IPv4 v2 with auth, IPv6 v3), unicast, trackers, a sync group.</summary>
public class RealisticConfigTests
{
    private const string Config = """
        ! /etc/keepalived/keepalived.conf on lb-a
        global_defs {
            router_id lb-a
            enable_script_security
            script_user keepalived_script
            vrrp_garp_master_refresh 60
        }

        vrrp_script chk_nginx {
            script "/usr/bin/pgrep -x nginx"
            interval 2
            timeout 1
            weight -30
            fall 2
            rise 3
        }

        vrrp_script chk_backend {
            script "/usr/local/bin/check_http --url 'http://[fd00:10::20]:8080/health' --timeout 1.5"
            interval 5
            user nobody
        }

        vrrp_track_file maintenance {
            file "/run/keepalived/maintenance weight"
            weight -1
        }

        vrrp_instance VI_WEB4 {
            state MASTER
            interface ens160
            virtual_router_id 51
            priority 150
            advert_int 1
            authentication {
                auth_type PASS
                auth_pass s3cr3t
            }
            virtual_ipaddress {
                192.0.2.10/24
                192.0.2.11/24
            }
            virtual_ipaddress_excluded {
                198.51.100.7/32
                2001:db8:7::7/64
            }
            unicast_src_ip 192.0.2.2
            unicast_peer {
                192.0.2.3
            }
            track_interface {
                ens192 weight -20
                ens224
            }
            track_script {
                chk_nginx
                chk_backend weight 10
            }
            track_file {
                maintenance weight -100
            }
            garp_master_delay 1
            garp_master_repeat 3
            notify_master "/etc/keepalived/notify.sh master VI_WEB4"
            notify_backup "/etc/keepalived/notify.sh backup VI_WEB4"
            notify_fault "/etc/keepalived/notify.sh fault VI_WEB4"
            notify_stop "/etc/keepalived/notify.sh stop VI_WEB4"
            notify /etc/keepalived/notify-all.sh
        }

        vrrp_instance VI_WEB6 {
            state BACKUP
            interface ens160
            virtual_router_id 52
            priority 100
            advert_int 0.25
            nopreempt
            use_vmac vrrp6.52
            dont_track_primary
            virtual_ipaddress {
                fe80::52
                2001:db8:52::10/64
            }
            track_script {
                chk_nginx
            }
        }

        vrrp_sync_group WEB {
            group {
                VI_WEB4
                VI_WEB6
            }
            sync_group_tracking_weight
            notify_master "/etc/keepalived/group.sh master"
            notify_backup "/etc/keepalived/group.sh backup"
            notify_fault "/etc/keepalived/group.sh fault"
            notify /etc/keepalived/group-all.sh
        }
        """;

    [Fact]
    public void Every_field_of_a_two_family_configuration_is_read()
    {
        var result = KeepalivedConfigReader.ReadText(Config, "keepalived.conf");
        Assert.Empty(result.Diagnostics);
        var o = result.Options;
        Assert.True(o.EnableScriptSecurity);
        Assert.Equal("keepalived_script", o.ScriptUser);
        Assert.Equal("lb-a", o.RouterId);

        Assert.Equal(2, o.Scripts.Count);
        var nginx = o.Scripts[0];
        Assert.Equal(("chk_nginx", "/usr/bin/pgrep"), (nginx.Name, nginx.Command));
        Assert.Equal(["-x", "nginx"], nginx.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(2), nginx.Interval);
        Assert.Equal(TimeSpan.FromSeconds(1), nginx.Timeout);
        Assert.Equal((-30, 3, 2), (nginx.Weight, nginx.Rise, nginx.Fall));
        Assert.Equal("keepalived_script", nginx.User); // from script_user
        var backend = o.Scripts[1];
        Assert.Equal("/usr/local/bin/check_http", backend.Command);
        Assert.Equal(["--url", "http://[fd00:10::20]:8080/health", "--timeout", "1.5"], backend.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(5), backend.Interval);
        Assert.Null(backend.Timeout); // keepalived: the interval
        Assert.Equal((0, 1, 1), (backend.Weight, backend.Rise, backend.Fall));
        Assert.Equal("nobody", backend.User);

        var file = Assert.Single(o.TrackFiles);
        Assert.Equal(("maintenance", "/run/keepalived/maintenance weight", -1), (file.Name, file.Path, file.Weight));

        Assert.Equal(2, o.Instances.Count);
        var v4 = o.Instances[0];
        Assert.Equal(("VI_WEB4", "ens160", 51, 150), (v4.Name, v4.Interface, v4.VirtualRouterId, v4.Priority));
        Assert.Equal(VrrpState.Master, v4.InitialState);
        Assert.Equal(VrrpVersion.V2, v4.Version);
        Assert.Equal(TimeSpan.FromSeconds(1), v4.AdvertisementInterval);
        Assert.Equal((AuthenticationType.SimplePassword, "s3cr3t"), (v4.AuthenticationType, v4.AuthenticationPassword));
        Assert.Equal(["192.0.2.10/24", "192.0.2.11/24"], v4.VirtualAddresses);
        Assert.Equal(["198.51.100.7/32", "2001:db8:7::7/64"], v4.ExcludedVirtualAddresses);
        Assert.Equal("192.0.2.2", v4.SourceAddress);
        Assert.Equal(["192.0.2.3"], v4.UnicastPeers);
        Assert.Equal([("ens192", -20), ("ens224", 0)], v4.TrackInterfaces.Select(static t => (t.Interface, t.Weight)));
        Assert.Equal([("chk_nginx", (int?)null), ("chk_backend", 10)], v4.TrackScripts.Select(static t => (t.Name, t.Weight)));
        Assert.Equal([("maintenance", (int?)-100)], v4.TrackFiles.Select(static t => (t.Name, t.Weight)));
        Assert.Equal(TimeSpan.FromSeconds(1), v4.GarpMasterDelay);
        Assert.Equal(3, v4.GarpMasterRepeat);
        Assert.Equal(TimeSpan.FromSeconds(60), v4.GarpMasterRefresh);
        Assert.Equal(TimeSpan.Zero, v4.PreemptDelay);
        Assert.False(v4.NoPreempt);
        Assert.Equal("/etc/keepalived/notify.sh master VI_WEB4", v4.NotifyMaster);
        Assert.Equal("/etc/keepalived/notify.sh backup VI_WEB4", v4.NotifyBackup);
        Assert.Equal("/etc/keepalived/notify.sh fault VI_WEB4", v4.NotifyFault);
        Assert.Equal("/etc/keepalived/notify.sh stop VI_WEB4", v4.NotifyStop);
        Assert.Equal("/etc/keepalived/notify-all.sh", v4.Notify);

        var v6 = o.Instances[1];
        Assert.Equal(("VI_WEB6", "ens160", 52, 100), (v6.Name, v6.Interface, v6.VirtualRouterId, v6.Priority));
        Assert.Equal(VrrpState.Backup, v6.InitialState);
        Assert.Equal(VrrpVersion.V3, v6.Version); // IPv6 forces VRRPv3 although keepalived's default is 2
        Assert.Equal(TimeSpan.FromMilliseconds(250), v6.AdvertisementInterval);
        Assert.Equal(["fe80::52/128", "2001:db8:52::10/64"], v6.VirtualAddresses);
        Assert.True(v6.NoPreempt);
        Assert.True(v6.UseVirtualMac);
        Assert.Equal("vrrp6.52", v6.VirtualMacInterface);
        Assert.True(v6.DontTrackPrimary);
        Assert.Equal(AuthenticationType.None, v6.AuthenticationType);

        var group = Assert.Single(o.SyncGroups);
        Assert.Equal("WEB", group.Name);
        Assert.Equal(["VI_WEB4", "VI_WEB6"], group.Instances);
        Assert.Equal("/etc/keepalived/group.sh master", group.NotifyMaster);
        Assert.Equal("/etc/keepalived/group.sh backup", group.NotifyBackup);
        Assert.Equal("/etc/keepalived/group.sh fault", group.NotifyFault);
        Assert.Equal("/etc/keepalived/group-all.sh", group.Notify);
    }

    [Fact]
    public void The_configuration_survives_a_write_and_read()
    {
        var options = KeepalivedConfigReader.ReadText(Config).Options;
        string written = KeepalivedConfigWriter.Write(options);
        var reread = KeepalivedConfigReader.ReadText(written, "written.conf");
        Assert.Empty(reread.Diagnostics);
        Assert.Equal(OptionsText.Of(options), OptionsText.Of(reread.Options));
    }

    [Fact]
    public void Writer_notes_what_keepalived_conf_cannot_express()
    {
        var options = new VrrpOptions
        {
            Instances =
            {
                new VrrpInstanceOptions
                {
                    Name = "VI_1", Interface = "eth0", VirtualRouterId = 1, ChecksumMode = Ipv4ChecksumMode.MessageOnly,
                    TrackHealthChecks = { new TrackHealthCheckOptions { Name = "db", Weight = -10 } },
                },
            },
        };
        string written = KeepalivedConfigWriter.Write(options);
        Assert.Contains("    # not expressible in keepalived.conf: health check 'db' weight -10\n", written, StringComparison.Ordinal);
        Assert.Contains("    # not expressible in keepalived.conf: IPv4 checksum mode MessageOnly\n", written, StringComparison.Ordinal);
        Assert.Empty(KeepalivedConfigReader.ReadText(written).Diagnostics);
    }
}
