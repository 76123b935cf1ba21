using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Testing;

namespace Vrrp.Hosting.Tests;

/// <summary>Live reload of a running host (IVrrpReloader and the options' change tokens) on the in-memory LAN.</summary>
public class HostReloadTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IPAddressValue Vip1 = IPAddressValue.Parse("192.0.2.100");
    private static readonly IPAddressValue Vip1b = IPAddressValue.Parse("192.0.2.101");
    private static readonly IPAddressValue Vip2 = IPAddressValue.Parse("192.0.2.102");
    private static readonly IPAddressValue Vip3 = IPAddressValue.Parse("192.0.2.103");

    [Fact]
    public async Task An_unchanged_instance_is_not_touched_a_removed_one_sends_priority_0_and_a_new_one_starts()
    {
        var (time, lan) = Lan();
        var config = new Holder([Instance("VI_1", 51, 200, "192.0.2.100/24"), Instance("VI_2", 52, 200, "192.0.2.102/24")]);
        await using var a = Host(lan, time, "a", config);
        await using var b = Host(lan, time, "b", new Holder([Instance("VI_1", 51, 100, "192.0.2.100/24")]));
        var ct = TestContext.Current.CancellationToken;
        await a.StartAsync(ct);
        await b.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Master && State(a, "VI_2") == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.RunAsync(time, TimeSpan.FromSeconds(2));
        var before = Status(a, "VI_1");

        config.Instances = [Instance("VI_1", 51, 200, "192.0.2.100/24"), Instance("VI_3", 53, 200, "192.0.2.103/24")];
        var result = await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct);

        Assert.True(result.Applied, string.Join("; ", result.Problems));
        Assert.Equal(["VI_1"], result.Changes!.Unchanged);
        Assert.Equal(["VI_2"], result.Changes.Removed);
        Assert.Equal(["VI_3"], result.Changes.Added);
        Assert.Empty(result.Changes.Reconfigured);
        var logs = a.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains("Reloading", logs);
        Assert.Contains("(VI_2) sent 0 priority", logs);
        Assert.Contains("(VI_2) not found in new configuration: removing", logs);
        Assert.Contains("Reload finished: 1 instance(s) unchanged, 0 changed in place, 1 added, 1 removed", logs);
        Assert.False(lan.Nodes[0].HasAddress(Vip2));

        // VI_1 went on as if nothing happened: no transition, adverts every second, the VIP never left.
        for (int i = 0; i < 5; i++)
        {
            await Clock.RunAsync(time, TimeSpan.FromSeconds(1));
            Assert.True(lan.Nodes[0].HasAddress(Vip1));
        }

        var after = Status(a, "VI_1");
        Assert.Equal((VrrpState.Master, before.Transitions), (after.State, after.Transitions));
        Assert.InRange(after.AdvertisementsSent - before.AdvertisementsSent, 5, 6); // one a second
        Assert.Equal(VrrpState.Backup, State(b, "VI_1"));

        // VI_3 started as Backup and took over after its Master_Down_Interval.
        Assert.Equal(VrrpState.Master, State(a, "VI_3"));
        Assert.True(lan.Nodes[0].HasAddress(Vip3));
        Assert.Equal(["VI_1", "VI_3"], a.Services.GetRequiredService<IVrrpMonitor>().Instances.Select(s => s.Name));
    }

    [Fact]
    public async Task A_master_that_gets_a_VIP_announces_it_and_one_that_loses_priority_lets_the_election_decide()
    {
        var (time, lan) = Lan();
        var config = new Holder([Instance("VI_1", 51, 200, "192.0.2.100/24")]);
        await using var a = Host(lan, time, "a", config);
        await using var b = Host(lan, time, "b", new Holder([Instance("VI_1", 51, 100, "192.0.2.100/24")]));
        var ct = TestContext.Current.CancellationToken;
        await a.StartAsync(ct);
        await b.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.RunAsync(time, TimeSpan.FromSeconds(2));
        int announcements = lan.Nodes[0].Announcements;

        // An extra VIP: added and announced at once, the master stays master.
        config.Instances = [Instance("VI_1", 51, 200, "192.0.2.100/24", "192.0.2.101/24")];
        var result = await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct);
        Assert.Equal(["VI_1"], result.Changes!.Reconfigured);
        await Clock.SettleAsync(() => lan.Nodes[0].HasAddress(Vip1b));
        Assert.True(lan.Nodes[0].Announcements > announcements);
        Assert.Equal(VrrpState.Master, State(a, "VI_1"));
        Assert.Equal(2, Status(a, "VI_1").VirtualAddresses.Count);

        // A lower priority than the backup's: advertised at once; the backup takes over after its Master_Down_Interval.
        config.Instances = [Instance("VI_1", 51, 50, "192.0.2.100/24", "192.0.2.101/24")];
        await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct);
        Assert.Equal(50, Status(a, "VI_1").EffectivePriority);
        var took = await Clock.RunUntilAsync(time, () => State(b, "VI_1") == VrrpState.Master, TimeSpan.FromSeconds(10));
        Assert.InRange(took, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.7)); // 3 x 1 s + skew of priority 100
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Backup, TimeSpan.FromSeconds(2));
        await Clock.SettleAsync(() => !lan.Nodes[0].HasAddress(Vip1) && !lan.Nodes[0].HasAddress(Vip1b));

        // Removing a VIP from a master takes it off.
        config.Instances = [Instance("VI_1", 51, 250, "192.0.2.100/24")];
        await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct);
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.SettleAsync(() => lan.Nodes[0].HasAddress(Vip1));
        Assert.False(lan.Nodes[0].HasAddress(Vip1b));
    }

    [Fact]
    public async Task A_configuration_with_errors_is_refused_whole_and_the_running_one_stays()
    {
        var (time, lan) = Lan();
        var config = new Holder([Instance("VI_1", 51, 200, "192.0.2.100/24")]);
        await using var a = Host(lan, time, "a", config);
        var ct = TestContext.Current.CancellationToken;
        await a.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Master, TimeSpan.FromSeconds(10));

        // A valid change and an invalid instance together: nothing is applied.
        config.Instances = [Instance("VI_1", 51, 50, "192.0.2.100/24"), Instance("VI_2", 0, 100, "not-an-address")];
        var result = await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct);

        Assert.False(result.Applied);
        Assert.Null(result.Changes);
        Assert.NotEmpty(result.Problems);
        Assert.All(result.Problems, p => Assert.Contains("VI_2", p, StringComparison.Ordinal));
        var logs = a.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.Contains(logs, r => r.Level == LogLevel.Error && r.Message.StartsWith("New config failed validation", StringComparison.Ordinal));
        Assert.Equal(result.Problems.Count, logs.Count(r => r.Message.StartsWith("New config: ", StringComparison.Ordinal)));
        Assert.Equal((VrrpState.Master, 200), (State(a, "VI_1"), Status(a, "VI_1").EffectivePriority));
        Assert.Single(a.Services.GetRequiredService<IVrrpMonitor>().Instances);

        // The next good one is taken.
        config.Instances = [Instance("VI_1", 51, 180, "192.0.2.100/24")];
        Assert.True((await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct)).Applied);
        Assert.Equal(180, Status(a, "VI_1").EffectivePriority);
    }

    [Fact]
    public async Task A_change_token_of_the_options_reloads_by_itself()
    {
        var (time, lan) = Lan();
        var config = new Holder([Instance("VI_1", 51, 200, "192.0.2.100/24")]);
        await using var a = Host(lan, time, "a", config);
        var ct = TestContext.Current.CancellationToken;
        await a.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Master, TimeSpan.FromSeconds(10));

        config.Instances = [Instance("VI_1", 51, 120, "192.0.2.100/24")];
        config.Signal();
        await Clock.SettleAsync(() => Status(a, "VI_1").EffectivePriority == 120);

        // An invalid one through the same path is refused and logged.
        config.Instances = [Instance("VI_1", 51, 120, "nonsense")];
        config.Signal();
        await Clock.SettleAsync(() => a.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Any(r => r.Message.StartsWith("New config failed validation", StringComparison.Ordinal)));
        Assert.Equal((VrrpState.Master, 120), (State(a, "VI_1"), Status(a, "VI_1").EffectivePriority));
    }

    private static (FakeTimeProvider Time, VirtualLan Lan) Lan()
    {
        var time = new FakeTimeProvider(Start);
        return (time, new VirtualLan(time, seed: 1));
    }

    private static VrrpInstanceOptions Instance(string name, int vrid, int priority, params string[] vips)
    {
        var instance = new VrrpInstanceOptions { Name = name, Interface = SimulatedNode.InterfaceName, VirtualRouterId = vrid, Priority = priority };
        instance.VirtualAddresses.AddRange(vips);
        return instance;
    }

    [Fact]
    public async Task Interface_delays_hold_a_short_link_flap_back_and_let_a_long_one_act_after_the_delay()
    {
        // keepalived's interface_up_down_delays { eth0 1.5 0 }: a down shorter than 1.5 s changes nothing; a longer one
        // puts the instance in Fault 1.5 s after the link went down.
        var (time, lan) = Lan();
        var config = new Holder([Instance("VI_1", 51, 200, "192.0.2.100/24")])
        {
            Delays = [new VrrpInterfaceDelayOptions { Interface = SimulatedNode.InterfaceName, Down = TimeSpan.FromSeconds(1.5) }],
        };
        await using var a = Host(lan, time, "a", config);
        var ct = TestContext.Current.CancellationToken;
        await a.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Master, TimeSpan.FromSeconds(10));

        lan.Nodes[0].SetLinkUp(false);
        await Clock.RunAsync(time, TimeSpan.FromSeconds(1));
        lan.Nodes[0].SetLinkUp(true);
        await Clock.RunAsync(time, TimeSpan.FromSeconds(3));
        Assert.Equal(VrrpState.Master, State(a, "VI_1"));
        var logs = a.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains("Delay timer for eth0 cancelled", logs);

        var down = time.GetUtcNow();
        lan.Nodes[0].SetLinkUp(false);
        await Clock.RunAsync(time, TimeSpan.FromSeconds(1.4));
        Assert.Equal(VrrpState.Master, State(a, "VI_1"));
        await Clock.RunUntilAsync(time, () => State(a, "VI_1") == VrrpState.Fault, TimeSpan.FromSeconds(1));
        Assert.InRange(time.GetUtcNow() - down, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1.6));
    }

    [Fact]
    public async Task A_reload_that_moves_the_notify_fifo_closes_the_old_one_and_opens_the_new_one()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("FIFOs are a POSIX feature.");
        }

        string folder = Directory.CreateTempSubdirectory("vrrp-fifo-reload-").FullName;
        try
        {
            var (time, lan) = Lan();
            string first = Path.Combine(folder, "first.fifo"), second = Path.Combine(folder, "second.fifo");
            var config = new Holder([Instance("VI_1", 51, 200, "192.0.2.100/24")]) { Fifo = first };
            await using var a = Host(lan, time, "a", config);
            var ct = TestContext.Current.CancellationToken;
            await a.StartAsync(ct);
            Assert.True(File.Exists(first));

            // The same FIFO: kept as it is.
            Assert.True((await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct)).Applied);
            Assert.True(File.Exists(first));

            // Another path: the one created here is removed, the new one created.
            config.Fifo = second;
            Assert.True((await a.Services.GetRequiredService<IVrrpReloader>().ReloadAsync(ct)).Applied);
            Assert.False(File.Exists(first));
            Assert.True(File.Exists(second));
            var logs = a.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Select(r => r.Message).ToList();
            Assert.Contains($"vrrp notify fifo {second} open", logs);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static TestHost Host(VirtualLan lan, FakeTimeProvider time, string node, Holder config)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddFakeLogging(o => o.OutputSink = null);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<IOptionsChangeTokenSource<VrrpOptions>>(config);
        builder.Services.AddVrrp(o =>
        {
            o.Instances.AddRange(config.Instances.Select(Copy));
            o.VrrpNotifyFifo = config.Fifo is null ? null : new VrrpNotifyFifoOptions { Path = config.Fifo };
            o.InterfaceDelays = [.. config.Delays];
        }).UseInMemoryLan(lan, node);
        return new TestHost(builder.Build());
    }

    // Each build gets its own objects, as a configuration file read again would.
    private static VrrpInstanceOptions Copy(VrrpInstanceOptions i)
    {
        var copy = Instance(i.Name, i.VirtualRouterId, i.Priority, [.. i.VirtualAddresses]);
        return copy;
    }

    private static VrrpInstanceStatus Status(TestHost host, string name) =>
        host.Services.GetRequiredService<IVrrpMonitor>().TryGetInstance(name, out var s) ? s : throw new InvalidOperationException(name);

    private static VrrpState State(TestHost host, string name) => Status(host, name).State;

    /// <summary>A host stopped (bounded) and disposed at the end of the test.</summary>
    private sealed class TestHost(IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await host.StopAsync(stop.Token);
            }
            finally
            {
                host.Dispose();
            }
        }
    }

    /// <summary>The test's configuration and its change token (what a reloadable configuration source provides).</summary>
    private sealed class Holder(List<VrrpInstanceOptions> instances) : IOptionsChangeTokenSource<VrrpOptions>
    {
        private CancellationTokenSource _changed = new();

        public List<VrrpInstanceOptions> Instances { get; set; } = instances;

        /// <summary>The vrrp_notify_fifo's path, or null.</summary>
        public string? Fifo { get; set; }

        /// <summary>interface_up_down_delays.</summary>
        public List<VrrpInterfaceDelayOptions> Delays { get; set; } = [];

        public string Name => Options.DefaultName;

        public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

        public void Signal()
        {
            try
            {
                Interlocked.Exchange(ref _changed, new CancellationTokenSource()).Cancel();
            }
            catch (AggregateException)
            {
                // IOptionsMonitor (ValidateOnStart resolves one) rebuilds the options on the signalling thread and
                // throws their validation errors there: a change token source must not let that escape.
            }
        }
    }
}
