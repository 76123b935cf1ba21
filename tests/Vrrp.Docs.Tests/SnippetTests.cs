using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vrrp.Docs.Snippets;
using Vrrp.Hosting;

namespace Vrrp.Docs.Tests;

/// <summary>Runs the documentation's examples that need no privileges; the others compile in this project.</summary>
public class SnippetTests
{
    [Fact]
    public Task Readme_in_memory_LAN_example_elects_and_fails_over() => ReadmeLan.RunAsync();

    [Fact]
    public void Architecture_protocol_core_example_takes_over_after_Master_Down_Interval() => ProtocolCore.Run();

    [Fact]
    public void Architecture_router_set_example_sends_one_advert_per_unicast_peer_on_takeover() =>
        Assert.Equal((2, VrrpState.Master), RouterSet.Run());

    [Fact]
    public Task Testing_partition_example_splits_and_heals() => TestingPartition.RunAsync();

    [Fact]
    public Task Testing_hosts_example_runs_the_handler_on_the_master_only() => TestingHosts.RunAsync();

    [Fact]
    public void Configuration_example_builds_valid_options()
    {
        var services = new ServiceCollection();
        ConfigurationInCode.Configure(services);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<VrrpOptions>>().Value;   // runs the validators

        Assert.Equal(["VI_1", "VI_6"], options.Instances.Select(i => i.Name));
        Assert.Equal("database", Assert.Single(options.Instances[0].TrackHealthChecks).Name);
        Assert.Equal(-60, Assert.Single(options.Scripts).Weight);
        Assert.Equal(["VI_1", "VI_6"], Assert.Single(options.SyncGroups).Instances);
    }

    [Fact]
    public void Getting_started_appsettings_binds_and_validates()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Repository.PathOf("docs/snippets/appsettings.json")).Build();
        var services = new ServiceCollection();
        services.AddVrrp(configuration.GetSection(VrrpOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<VrrpOptions>>().Value;

        var instance = Assert.Single(options.Instances);
        Assert.Equal(("VI_1", 51, 150), (instance.Name, instance.VirtualRouterId, instance.Priority));
        Assert.Equal(["192.0.2.100/24"], instance.VirtualAddresses);
        Assert.Equal(TimeSpan.FromSeconds(1), instance.AdvertisementInterval);
        Assert.Equal("chk_nginx", Assert.Single(instance.TrackScripts).Name);
        var script = Assert.Single(options.Scripts);
        Assert.Equal(["-c", "pgrep -x nginx"], script.Arguments);
        Assert.Equal(("chk_nginx", TimeSpan.FromSeconds(2)), (script.Name, script.Interval));
    }

    [Fact]
    public void Getting_started_keepalived_example_reads_a_keepalived_conf()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vrrp-docs-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, """
            global_defs {
                router_id lb1
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass secret
                }
                virtual_ipaddress {
                    192.0.2.100/24
                }
            }
            """);
        try
        {
            using var host = KeepalivedInApp.Build([], path);
            var options = host.Services.GetRequiredService<IOptions<VrrpOptions>>().Value;
            Assert.Equal("lb1", options.RouterId);
            var instance = Assert.Single(options.Instances);
            Assert.Equal(("VI_1", "eth0", 51, 150, VrrpVersion.V2), (instance.Name, instance.Interface, instance.VirtualRouterId, instance.Priority, instance.Version));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Architecture_address_manager_adds_then_routes_and_only_removes()
    {
        var inner = new RecordingAddresses();
        var cloud = new RecordingRouteTable();
        var manager = new RouteTableAddressManager(inner, cloud);
        var vip = VirtualAddress.Parse("192.0.2.100/24");

        await manager.AddAsync("eth0", vip, CancellationToken.None);
        Assert.Equal(["add 192.0.2.100/24"], inner.Calls);
        Assert.Equal([vip.Address], cloud.Routed);
        Assert.True(await manager.ContainsAsync("eth0", vip.Address, CancellationToken.None));

        await manager.RemoveAsync("eth0", vip, CancellationToken.None);
        Assert.Equal(["add 192.0.2.100/24", "remove 192.0.2.100/24"], inner.Calls);
        Assert.Single(cloud.Routed);
        Assert.False(await manager.ContainsAsync("eth0", vip.Address, CancellationToken.None));
    }

    private sealed class RecordingAddresses : IVirtualAddressManager
    {
        private readonly HashSet<IPAddressValue> _present = [];

        public List<string> Calls { get; } = [];

        public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            Calls.Add($"add {address}");
            _present.Add(address.Address);
            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            Calls.Add($"remove {address}");
            _present.Remove(address.Address);
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_present.Contains(address));
    }

    private sealed class RecordingRouteTable : IRouteTableClient
    {
        public List<IPAddressValue> Routed { get; } = [];

        public ValueTask RouteToThisMachineAsync(IPAddressValue address, CancellationToken cancellationToken)
        {
            Routed.Add(address);
            return ValueTask.CompletedTask;
        }
    }
}
