using Vrrp.Election;
using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// keepalived 2.2.7's unicast instance without <c>interface</c>, <c>vrf</c> (vrrp_vrf_handler, chk_min_cfg,
/// vrrp_complete_instance) and global_defs <c>default_interface</c>, read as keepalived reads them and written back.
/// </summary>
public class VrfKeywordTests
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

    private static string[] Diagnostics(string text) => [.. KeepalivedConfigReader.ReadText(text).Diagnostics.Select(static d => d.ToString())];

    [Fact]
    public void A_unicast_instance_without_interface_runs_in_its_vrf()
    {
        var result = ReadAndRoundTrip("""
            vrrp_instance VI_1 {
                vrf blue
                virtual_router_id 7
                unicast_src_ip 10.9.0.1
                unicast_peer {
                    10.9.0.2
                }
                virtual_ipaddress {
                    10.9.0.100/24 dev veth0
                }
            }
            """);
        Assert.Equal(
            ["keepalived.conf:1: warning: vrrp_instance 'VI_1': runs without 'interface' as keepalived 2.2.8 and later run it; keepalived 2.2.7 itself refuses such an instance (\"Unknown interface!\", fixed in 2.2.8)"],
            result.Diagnostics.Select(static d => d.ToString()));
        var vi = result.Options.Instances[0];
        Assert.Equal(("", "blue", "10.9.0.1"), (vi.Interface, vi.Vrf, vi.SourceAddress));
        string written = KeepalivedConfigWriter.Write(result.Options);
        Assert.Contains("vrf blue", written, StringComparison.Ordinal);
        Assert.DoesNotContain("interface", written, StringComparison.Ordinal);

        // The driver's configuration: no interface, the VRF, the addresses on their devices.
        var config = DriverConfiguration.Create(result.Options, vi);
        Assert.Equal(("", "blue"), (config.InterfaceName, config.Vrf));
        Assert.Equal("veth0", config.VirtualAddresses[0].Device);
        config.Validate();
    }

    [Fact]
    public void Without_interface_an_instance_needs_unicast_peers_and_its_source_address()
    {
        Assert.Equal(
            ["keepalived.conf:1: error: vrrp_instance 'VI_1': missing 'interface' (the interface the instance runs on; only a unicast instance can do without one, as keepalived)"],
            Diagnostics("vrrp_instance VI_1 {\n virtual_router_id 1\n virtual_ipaddress {\n  10.0.0.1/24 dev eth0\n }\n}\n"));
        Assert.Equal(
            ["keepalived.conf:1: error: vrrp_instance 'VI_1': a unicast instance without 'interface' must have unicast_src_ip (as keepalived says)"],
            Diagnostics("vrrp_instance VI_1 {\n virtual_router_id 1\n unicast_peer {\n  10.0.0.2\n }\n virtual_ipaddress {\n  10.0.0.1/24 dev eth0\n }\n}\n"));
        Assert.Equal(
            ["keepalived.conf:3: error: vrrp_instance 'VI_1': a non link-local unicast_src_ip is needed when 'interface' is left out (as keepalived says)"],
            Diagnostics("vrrp_instance VI_1 {\n virtual_router_id 1\n unicast_src_ip fe80::1\n unicast_peer {\n  fe80::2\n }\n virtual_ipaddress {\n  fd00::1/64 dev eth0\n }\n}\n"));
    }

    [Fact]
    public void An_address_without_dev_is_removed_and_vrf_is_cleared_where_keepalived_clears_it()
    {
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_instance VI_1 {
                virtual_router_id 1
                unicast_src_ip 10.0.0.1
                unicast_peer {
                    10.0.0.2
                }
                virtual_ipaddress {
                    10.0.0.100/24 dev eth1
                    10.0.0.101/24
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                vrf blue
                virtual_router_id 2
                virtual_ipaddress {
                    10.0.1.100/24
                }
            }
            vrrp_instance VI_3 {
                vrf blue
                vrf red
                interface eth0
                virtual_router_id 3
                virtual_ipaddress {
                    10.0.2.100/24
                }
            }
            """);
        Assert.Equal(
            [
                "keepalived.conf:1: warning: vrrp_instance 'VI_1': runs without 'interface' as keepalived 2.2.8 and later run it; keepalived 2.2.7 itself refuses such an instance (\"Unknown interface!\", fixed in 2.2.8)",
                "keepalived.conf:7: warning: vrrp_instance 'VI_1': no interface for vip 10.0.0.101/24 (the instance has none and the address names no dev); removed (as keepalived does)",
                "keepalived.conf:14: warning: vrrp_instance 'VI_2': cannot specify a VRF interface and an interface; vrf ignored (as keepalived does)",
                "keepalived.conf:21: warning: vrrp_instance 'VI_3': vrf can only be specified without interface; cleared (as keepalived does)",
                "keepalived.conf:22: warning: vrrp_instance 'VI_3': VRF interface already specified as 'blue'; ignored (as keepalived does)",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.Equal(["10.0.0.100/24 dev eth1"], result.Options.Instances[0].VirtualAddresses);
        Assert.Null(result.Options.Instances[1].Vrf);
        Assert.Null(result.Options.Instances[2].Vrf);
    }

    [Fact]
    public void Strict_mode_allows_unicast_peers_on_an_instance_without_interface()
    {
        // keepalived refuses unicast in strict mode only on an interface that can multicast.
        var result = KeepalivedConfigReader.ReadText("""
            vrrp_instance VI_1 {
                strict_mode
                virtual_router_id 1
                unicast_src_ip 10.0.0.1
                unicast_peer {
                    10.0.0.2
                }
                virtual_ipaddress {
                    10.0.0.100/24 dev eth1
                }
            }
            """);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Options_without_interface_are_checked_as_keepalived_checks_them()
    {
        var options = new VrrpOptions();
        options.Instances.Add(new VrrpInstanceOptions { Name = "NoPeers", VirtualRouterId = 1, VirtualAddresses = ["10.0.0.100/24 dev eth1"] });
        options.Instances.Add(new VrrpInstanceOptions { Name = "NoSource", VirtualRouterId = 2, UnicastPeers = ["10.0.0.2"], VirtualAddresses = ["10.0.0.100/24 dev eth1"] });
        options.Instances.Add(new VrrpInstanceOptions { Name = "NoDev", VirtualRouterId = 3, SourceAddress = "10.0.0.1", UnicastPeers = ["10.0.0.2"], VirtualAddresses = ["10.0.0.100/24"] });
        options.Instances.Add(new VrrpInstanceOptions { Name = "VrfAndInterface", Interface = "eth0", Vrf = "blue", VirtualRouterId = 4, VirtualAddresses = ["10.0.0.100/24"] });
        options.Instances.Add(new VrrpInstanceOptions { Name = "Good", Vrf = "blue", VirtualRouterId = 5, SourceAddress = "10.0.0.1", UnicastPeers = ["10.0.0.2"], VirtualAddresses = ["10.0.0.100/24 dev eth1"] });
        var errors = new VrrpOptionsValidator().Validate(null, options).Failures ?? [];
        Assert.Equal(
            [
                "Instance 'NoPeers': Interface (interface) is required, unless the instance is unicast (UnicastPeers, unicast_peer), as keepalived.",
                "Instance 'NoSource': an instance without Interface (interface) needs SourceAddress (unicast_src_ip), as keepalived.",
                "Instance 'NoDev': the instance has no Interface (interface), so the address '10.0.0.100/24' must name its device (dev), as keepalived.",
                "Instance 'VrfAndInterface': Vrf (vrf) is only for an instance without Interface (interface), as keepalived; an instance on an interface enslaved to a VRF runs in that VRF.",
            ],
            errors);
    }

    [Fact]
    public void The_core_refuses_a_router_without_interface_that_keepalived_would_not_run()
    {
        VirtualRouterConfiguration Config(string iface, string? vrf, string? source, string? device, params string[] peers) => new()
        {
            Name = "VI_1",
            InterfaceName = iface,
            Vrf = vrf,
            VirtualRouterId = 1,
            SourceAddress = source is null ? null : IPAddressValue.Parse(source),
            UnicastPeers = [.. peers.Select(IPAddressValue.Parse)],
            VirtualAddresses = [VirtualAddress.Parse("10.0.0.100/24") with { Device = device }],
        };

        Config("", "blue", "10.0.0.1", "eth1", "10.0.0.2").Validate();
        Config("", null, "10.0.0.1", "eth1", "10.0.0.2").Validate();
        Assert.Contains("must be unicast", Assert.Throws<ArgumentException>(() => Config("", null, "10.0.0.1", "eth1").Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("needs its source address", Assert.Throws<ArgumentException>(() => Config("", null, null, "eth1", "10.0.0.2").Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("must name its device", Assert.Throws<ArgumentException>(() => Config("", null, "10.0.0.1", null, "10.0.0.2").Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("only for a router without an interface", Assert.Throws<ArgumentException>(() => Config("eth0", "blue", "10.0.0.1", null, "10.0.0.2").Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_routers_without_interface_share_a_vrid_only_with_different_sources_or_vrfs()
    {
        VirtualRouterConfiguration Config(string name, string? vrf, string source) => new()
        {
            Name = name,
            InterfaceName = "",
            Vrf = vrf,
            VirtualRouterId = 1,
            SourceAddress = IPAddressValue.Parse(source),
            UnicastPeers = [IPAddressValue.Parse("10.0.0.9")],
            VirtualAddresses = [VirtualAddress.Parse("10.0.0.100/24") with { Device = "eth1" }],
        };

        var set = new VirtualRouterSet();
        set.Add(Config("A", "blue", "10.0.0.1"));
        set.Add(Config("B", "red", "10.0.0.1"));     // the same address in another VRF
        set.Add(Config("C", "blue", "10.0.0.2"));
        Assert.Equal(3, set.ChannelCount);
        Assert.Equal(("", "red"), (set.GetChannel(1).InterfaceName, set.GetChannel(1).Vrf));
        Assert.False(set.GetChannel(1).JoinMulticastGroup);
        Assert.Throws<ArgumentException>(() => set.Add(Config("D", "blue", "10.0.0.1")));
    }

    [Fact]
    public void Default_interface_is_read_written_and_places_static_addresses_without_dev()
    {
        var result = ReadAndRoundTrip("""
            global_defs {
                default_interface eth7
            }
            track_group TG {
                group {
                    VI_1
                }
            }
            static_ipaddress {
                192.0.2.150/24 track_group TG
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """);
        Assert.Equal("eth7", result.Options.DefaultInterface);
        Assert.Contains("default_interface eth7", KeepalivedConfigWriter.Write(result.Options), StringComparison.Ordinal);

        // The static address's interface is tracked by the instances of its track group: eth7, not eth0.
        var config = DriverConfiguration.Create(result.Options, result.Options.Instances[0]);
        Assert.Contains(config.Trackers, static t => t.Kind == TrackerKind.Interface && t.Name == "eth7");
        Assert.DoesNotContain(config.Trackers, static t => t.Kind == TrackerKind.Interface && t.Name == "eth0");
    }

    [Fact]
    public void Dynamic_interfaces_and_allow_if_changes_are_read_and_written_back()
    {
        var plain = ReadAndRoundTrip("global_defs {\n dynamic_interfaces\n}\n");
        Assert.Empty(plain.Diagnostics);
        Assert.Equal((true, false), (plain.Options.DynamicInterfaces, plain.Options.AllowInterfaceChanges));
        Assert.Contains("dynamic_interfaces\n", KeepalivedConfigWriter.Write(plain.Options), StringComparison.Ordinal);

        var changes = ReadAndRoundTrip("global_defs {\n dynamic_interfaces allow_if_changes\n}\n");
        Assert.Equal((true, true), (changes.Options.DynamicInterfaces, changes.Options.AllowInterfaceChanges));
        Assert.Contains("dynamic_interfaces allow_if_changes", KeepalivedConfigWriter.Write(changes.Options), StringComparison.Ordinal);

        // keepalived reports another word and keeps dynamic_interfaces on.
        var other = KeepalivedConfigReader.ReadText("global_defs {\n dynamic_interfaces sometimes\n}\n");
        Assert.Equal(
            ["keepalived.conf:2: warning: dynamic_interfaces: unknown option 'sometimes' (expected allow_if_changes); ignored (as keepalived does)"],
            other.Diagnostics.Select(static d => d.ToString()));
        Assert.Equal((true, false), (other.Options.DynamicInterfaces, other.Options.AllowInterfaceChanges));

        Assert.DoesNotContain("dynamic_interfaces", KeepalivedConfigWriter.Write(new VrrpOptions()), StringComparison.Ordinal);
        var options = new VrrpOptions { AllowInterfaceChanges = true };
        Assert.Equal(
            ["AllowInterfaceChanges (dynamic_interfaces allow_if_changes) needs DynamicInterfaces (dynamic_interfaces)."],
            new VrrpOptionsValidator().Validate(null, options).Failures ?? []);
    }
}
