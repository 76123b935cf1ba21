// docs/testing.md: testing your own failover logic: whole hosts (AddVrrp, your handler) on the in-memory LAN with a
// virtual clock (runs as a test).
#region usings
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vrrp;
using Vrrp.Hosting;
using Vrrp.Testing;
#endregion

namespace Vrrp.Docs.Snippets;

public static class TestingHosts
{
    public static async Task RunAsync()
    {
        #region test
        var clock = new VirtualClock();
        await using var lan = new VirtualLan(clock, seed: 1);
        var primaryCloud = new RecordingCloud();
        var standbyCloud = new RecordingCloud();
        using var primary = CreateHost(lan, clock, "primary", priority: 200, primaryCloud);
        using var standby = CreateHost(lan, clock, "standby", priority: 100, standbyCloud);
        await primary.StartAsync();
        await standby.StartAsync();

        await AdvanceAsync(clock, TimeSpan.FromSeconds(4));
        Assert.Equal(VrrpState.Master, StateOf(primary));
        Assert.Equal(["198.51.100.7"], primaryCloud.Calls);     // your handler ran on the master only
        Assert.Empty(standbyCloud.Calls);

        await primary.StopAsync();                              // priority 0: the standby takes over at once
        await AdvanceAsync(clock, TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Master, StateOf(standby));
        Assert.Equal(["198.51.100.7"], standbyCloud.Calls);
        await standby.StopAsync();
        #endregion
    }

    #region helpers
    static IHost CreateHost(VirtualLan lan, VirtualClock clock, string name, int priority, IElasticAddressClient cloud)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(clock);     // the host's timers run on the virtual clock
        builder.Services.AddSingleton(cloud);
        builder.Services.AddLogging();
        builder.Services.AddVrrp()
            .AddInstance("VI_1", vi =>
            {
                vi.Interface = SimulatedNode.InterfaceName;     // every LAN node has one interface, eth0
                vi.VirtualRouterId = 51;
                vi.Priority = priority;
                vi.VirtualAddresses.Add("192.0.2.100/24");
            })
            .AddStateHandler<ElasticAddressHandler>()           // the code under test
            .UseInMemoryLan(lan, name);
        return builder.Build();
    }

    static VrrpState StateOf(IHost host) =>
        host.Services.GetRequiredService<IVrrpMonitor>().TryGetInstance("VI_1", out var status) ? status.State : VrrpState.Initialize;

    // Callbacks run on the thread pool: advance the clock in small steps and let them run in between.
    static async Task AdvanceAsync(VirtualClock clock, TimeSpan duration)
    {
        for (var left = duration; left > TimeSpan.Zero; left -= TimeSpan.FromMilliseconds(10))
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1);
        }
    }

    sealed class RecordingCloud : IElasticAddressClient
    {
        private readonly ConcurrentQueue<string> _calls = new();

        public string[] Calls => [.. _calls];

        public Task AssignToThisMachineAsync(string address, CancellationToken cancellationToken)
        {
            _calls.Enqueue(address);
            return Task.CompletedTask;
        }
    }
    #endregion
}
