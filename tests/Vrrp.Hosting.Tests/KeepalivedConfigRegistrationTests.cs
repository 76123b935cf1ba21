using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Vrrp.Keepalived;
using Vrrp.Packets;

namespace Vrrp.Hosting.Tests;

/// <summary><c>services.AddVrrp().AddKeepalivedConfig(path)</c>: a keepalived user's file becomes validated options.</summary>
public sealed class KeepalivedConfigRegistrationTests : IDisposable
{
    // The seed's master file (keepalived-master.conf of the nginx failover guide), without its Vietnamese comments.
    private const string SeedMaster = """
        vrrp_instance VI_1 {
            state MASTER
            interface ens160
            virtual_router_id 09
            priority 101
            advert_int 1
            authentication {
                auth_type PASS
                auth_pass 1111
            }
            virtual_ipaddress {
                172.16.1.25
            }
        }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"vrrp-kconf-host-{Guid.NewGuid():N}");

    public KeepalivedConfigRegistrationTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static ServiceProvider Build(Action<IServiceCollection> register, FakeLogCollector? logs = null)
    {
        var services = new ServiceCollection();
        if (logs is not null)
        {
            services.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)));
        }

        register(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_seed_file_becomes_options_that_pass_validation()
    {
        string path = Write("keepalived.conf", SeedMaster);
        using var sp = Build(s => s.AddVrrp().AddKeepalivedConfig(path));

        var options = sp.GetRequiredService<IOptions<VrrpOptions>>().Value; // runs the options validators

        var vi = Assert.Single(options.Instances);
        Assert.Equal(("VI_1", "ens160", 9, 101), (vi.Name, vi.Interface, vi.VirtualRouterId, vi.Priority));
        Assert.Equal(VrrpVersion.V2, vi.Version);
        Assert.Equal(VrrpState.Master, vi.InitialState);
        Assert.Equal((AuthenticationType.SimplePassword, "1111"), (vi.AuthenticationType, vi.AuthenticationPassword));
        Assert.Equal(["172.16.1.25/32"], vi.VirtualAddresses);
    }

    [Fact]
    public void Read_options_are_added_to_those_configured_in_code()
    {
        string path = Write("keepalived.conf", "global_defs {\n router_id lb-a\n}\n" + SeedMaster);
        using var sp = Build(s => s.AddVrrp(o => o.RouterId = "from-code")
            .AddInstance("VI_CODE", i =>
            {
                i.Interface = "eth1";
                i.VirtualRouterId = 20;
                i.VirtualAddresses = ["10.0.0.20/24"];
            })
            .AddKeepalivedConfig(path));

        var options = sp.GetRequiredService<IOptions<VrrpOptions>>().Value;

        Assert.Equal(["VI_CODE", "VI_1"], options.Instances.Select(static i => i.Name));
        Assert.Equal("lb-a", options.RouterId); // the file sets it
    }

    [Fact]
    public void Warnings_are_logged_with_file_and_line()
    {
        string path = Write("keepalived.conf", SeedMaster.Replace("    advert_int 1", "    advert_int 1\n    smtp_alert", StringComparison.Ordinal));
        var logs = new FakeLogCollector();
        using var sp = Build(s => s.AddVrrp().AddKeepalivedConfig(path), logs);

        _ = sp.GetRequiredService<IOptions<VrrpOptions>>().Value;

        var warning = Assert.Single(logs.GetSnapshot(), static r => r.Level == LogLevel.Warning);
        Assert.Equal(4000, warning.Id.Id);
        Assert.Equal($"{path}:7: warning: vrrp_instance: 'smtp_alert' is not supported (mail alerts are not part of Vrrp); ignored", warning.Message);
        Assert.Contains(logs.GetSnapshot(), static r => r.Id.Id == 4002 && r.Message.Contains("1 instance(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_broken_file_stops_the_options_with_every_error()
    {
        string path = Write("keepalived.conf", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id x\n priority 0\n}\n");
        var logs = new FakeLogCollector();
        using var sp = Build(s => s.AddVrrp().AddKeepalivedConfig(path), logs);

        var e = Assert.Throws<KeepalivedConfigException>(() => sp.GetRequiredService<IOptions<VrrpOptions>>().Value);

        Assert.Equal(
            [
                $"{path}:1: error: vrrp_instance 'VI_1': missing 'virtual_router_id' (expected a number 1..255)",
                $"{path}:3: error: virtual_router_id 'x': expected a number 1..255",
                $"{path}:4: error: priority '0': expected a number 1..255",
            ],
            e.Errors.Select(static d => d.ToString()));
        Assert.Equal(3, logs.GetSnapshot().Count(static r => r.Level == LogLevel.Error && r.Id.Id == 4001));
    }

    [Fact]
    public void A_missing_file_is_reported_not_ignored()
    {
        string path = Path.Combine(_folder, "missing.conf");
        using var sp = Build(s => s.AddVrrp().AddKeepalivedConfig(path));
        var e = Assert.Throws<KeepalivedConfigException>(() => sp.GetRequiredService<IOptions<VrrpOptions>>().Value);
        Assert.StartsWith($"{path}:0: error: cannot read the file", Assert.Single(e.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_of_the_file_reaches_the_options()
    {
        // A setting added to VrrpOptions must be merged by AddKeepalivedConfig too: this file sets every one.
        string path = Write("keepalived.conf", """
            global_defs {
                router_id lb1
                default_interface eth7
                dynamic_interfaces allow_if_changes
                net_namespace blue
                vrrp_startup_delay 3
                vrrpd_ignore_unsupported
                vrrp_mcast_group4 224.0.0.19
                vrrp_mcast_group6 ff02::13
                vrrp_garp_interval 0.001
                vrrp_gna_interval 0.002
                notify_fifo /run/k.fifo
                vrrp_notify_fifo /run/v.fifo
                enable_script_security
                script_user nobody nogroup
                fifo_write_vrrp_states_on_reload
                vmac_prefix vm
                vmac_addr_prefix va
                log_unknown_vrids
                disable_local_igmp
                nftables fw
                nftables_counters
                vrrp_netlink_cmd_rcv_bufs 300000
                vrrp_rx_bufs_policy MTU
                startup_script /bin/true
                shutdown_script "/bin/echo bye" root
                shutdown_script_timeout 3
            }
            interface_up_down_delays {
                eth0 1 0.5
            }
            vrrp_script chk {
                script /bin/true
            }
            vrrp_track_file tf {
                file /run/tf
            }
            vrrp_track_process p {
                process nginx
            }
            track_group TG {
                group {
                    VI_1
                }
            }
            static_ipaddress {
                192.0.2.150/24 dev eth1 track_group TG
            }
            static_routes {
                10.80.0.0/24 dev eth1
            }
            static_rules {
                from 10.82.0.0/24 priority 900 table 100
            }
            garp_group {
                garp_interval 0.2
                interface eth1
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    192.0.2.1
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 2
                virtual_ipaddress {
                    192.0.2.2
                }
            }
            vrrp_sync_group G {
                group {
                    VI_1
                    VI_2
                }
            }
            """);
        var read = KeepalivedConfigReader.Read(path).GetOptionsOrThrow();
        var services = new ServiceCollection();
        services.AddVrrp().AddKeepalivedConfig(path);
        using var sp = services.BuildServiceProvider();
        var options = sp.GetRequiredService<IOptionsMonitor<VrrpOptions>>().Get(Options.DefaultName); // built without start-up validation
        var defaults = new VrrpOptions();
        foreach (var property in typeof(VrrpOptions).GetProperties().Where(static p => p.CanWrite && p.Name is not (nameof(VrrpOptions.CallbackTimeout) or nameof(VrrpOptions.ReleaseOnStop))))
        {
            object? expected = property.GetValue(read);
            Assert.False(Equals(expected, property.GetValue(defaults)) || expected is System.Collections.IList { Count: 0 }, $"the test's file does not set {property.Name}: add it");
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), System.Text.Json.JsonSerializer.Serialize(property.GetValue(options)));
        }
    }
}
