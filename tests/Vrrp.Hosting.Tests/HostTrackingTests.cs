using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Testing;

namespace Vrrp.Hosting.Tests;

/// <summary>Trackers, fault handling, notify scripts and the monitor through a whole host on the in-memory LAN.</summary>
public class HostTrackingTests
{
    private static (FakeTimeProvider Time, VirtualLan Lan) Lan()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (time, new VirtualLan(time, seed: 2));
    }

    [Fact]
    public async Task A_tracked_file_sets_the_effective_priority_to_configured_plus_value_times_weight()
    {
        var (time, lan) = Lan();
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "3\n", TestContext.Current.CancellationToken);
            await using var a = LanHost.Create(lan, time, "a", 100, vrrp => vrrp
                .AddTrackFile("prio", path, weight: -10)
                .Configure(o => o.Instances[0].TrackFiles.Add(new TrackReferenceOptions { Name = "prio" })));
            await a.Host.StartAsync(TestContext.Current.CancellationToken);
            Assert.Equal(70, a.Status().EffectivePriority); // read before the instance started

            int PriorityLines() => a.Logs.GetSnapshot().Count(r => r.Message.StartsWith("(VI_1) Changing effective priority to", StringComparison.Ordinal));
            foreach (var (value, expected) in new[] { (0, 100), (-12, 220), (-30, 254), (7, 30), (10, 1) })
            {
                int before = PriorityLines();
                await File.WriteAllTextAsync(path, value.ToString(System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken);
                await Clock.RunUntilAsync(time, () => a.Status().EffectivePriority == expected, TimeSpan.FromSeconds(5));
                Assert.NotEqual(VrrpState.Fault, a.Status().State);
                Assert.Equal(before + 1, PriorityLines()); // one move, no intermediate priority
            }

            await File.WriteAllTextAsync(path, "26", TestContext.Current.CancellationToken); // -260 <= -254: Fault
            await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Fault, TimeSpan.FromSeconds(5));
            Assert.Equal(["track_file prio"], a.Status().Faults);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Link_down_means_Fault_OnFault_runs_the_health_check_says_why_and_the_monitor_streams_it()
    {
        var (time, lan) = Lan();
        var faults = new List<VrrpStateChange>();
        await using var a = LanHost.Create(lan, time, "a", 150, vrrp => vrrp
            .OnFault(c =>
            {
                lock (faults)
                {
                    faults.Add(c);
                }
            })
            .AddHealthCheck());
        await using var b = LanHost.Create(lan, time, "b", 100);
        var ct = TestContext.Current.CancellationToken;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var seen = new List<VrrpStateChange>();
        var watch = Collect(a.Monitor.WatchAsync(watching.Token).GetAsyncEnumerator(watching.Token), seen);
        await a.Host.StartAsync(ct);
        await b.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        var health = a.Host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(ct)).Status);

        lan.Nodes[0].SetLinkUp(false);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Fault && b.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        Assert.False(lan.Nodes[0].HasAddress(IPAddressValue.Parse("192.0.2.100")));
        Assert.Equal(["interface eth0 down"], a.Status().Faults);
        var report = await health.CheckHealthAsync(ct);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal("VI_1 is Fault (interface eth0 down)", report.Entries["vrrp"].Description);
        await Clock.SettleAsync(() => faults.Count == 1);
        Assert.Equal((VrrpState.Master, VrrpState.Fault), (faults[0].PreviousState, faults[0].State));

        lan.Nodes[0].SetLinkUp(true);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.SettleAsync(() =>
        {
            lock (seen)
            {
                return seen.Count >= 5;
            }
        });
        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        lock (seen)
        {
            Assert.Equal(
                [VrrpState.Backup, VrrpState.Master, VrrpState.Fault, VrrpState.Backup, VrrpState.Master],
                seen.Take(5).Select(c => c.State));
            Assert.Equal([1L, 2L, 3L, 4L, 5L], seen.Take(5).Select(c => c.Sequence));
        }
    }

    /// <summary>Consumes a stream into <paramref name="seen"/>. The first MoveNextAsync runs synchronously up to its first wait, so the subscription exists when this returns.</summary>
    private static async Task Collect(IAsyncEnumerator<VrrpStateChange> stream, List<VrrpStateChange> seen)
    {
        await using (stream)
        {
            while (await stream.MoveNextAsync())
            {
                lock (seen)
                {
                    seen.Add(stream.Current);
                }
            }
        }
    }

    [Fact]
    public async Task Notify_scripts_run_in_transition_order_through_the_host()
    {
        var (time, lan) = Lan();
        string log = Path.GetTempFileName();
        try
        {
            await using var a = LanHost.Create(lan, time, "a", 100, vrrp => vrrp.Configure(o =>
            {
                var i = o.Instances[0];
                i.NotifyBackup = $"/bin/sh -c 'echo backup >> {log}'";
                i.NotifyMaster = $"/bin/sh -c 'echo master >> {log}'";
                i.NotifyStop = $"/bin/sh -c 'echo stop >> {log}'";
                i.Notify = $"/bin/sh -c 'echo \"$@\" >> {log}' notify";
            }));
            var ct = TestContext.Current.CancellationToken;
            await a.Host.StartAsync(ct);
            await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
            await a.Host.StopAsync(ct); // waits (within the shutdown timeout) for the queued notify scripts
            Assert.Equal(
                ["backup", "INSTANCE VI_1 BACKUP 100", "master", "INSTANCE VI_1 MASTER 100", "stop", "INSTANCE VI_1 STOP 100"],
                (await File.ReadAllLinesAsync(log, ct)).Select(l => l.TrimEnd()));
        }
        finally
        {
            File.Delete(log);
        }
    }

    internal sealed class Journal
    {
        public List<string> Lines { get; } = [];
    }

    internal sealed class JournalHandler(Journal journal, TimeProvider time) : IVrrpStateHandler
    {
        public ValueTask OnStateChangedAsync(VrrpStateChange change, CancellationToken cancellationToken)
        {
            lock (journal.Lines)
            {
                journal.Lines.Add($"{change.InstanceName} {change.State} at {(change.Timestamp - time.GetUtcNow()).Ticks <= 0}");
            }

            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_state_handler_type_is_resolved_from_DI_with_its_dependencies()
    {
        var (time, lan) = Lan();
        var journal = new Journal();
        await using var a = LanHost.Create(lan, time, "a", 100,
            vrrp => vrrp.AddStateHandler<JournalHandler>(),
            services => services.AddSingleton(journal));
        await a.Host.StartAsync(TestContext.Current.CancellationToken);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.SettleAsync(() =>
        {
            lock (journal.Lines)
            {
                return journal.Lines.Count == 2;
            }
        });
        Assert.Equal(["VI_1 Backup at True", "VI_1 Master at True"], journal.Lines);
    }

    [Theory]
    [InlineData(-50, VrrpState.Master, 50)]
    [InlineData(0, VrrpState.Fault, 100)]
    public async Task A_tracked_interface_lowers_the_priority_or_means_Fault(int weight, VrrpState expected, int priority)
    {
        // The simulated node has one link (eth0): track it explicitly, with dont_track_primary so only track_interface counts.
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 100, vrrp => vrrp.Configure(o =>
        {
            o.Instances[0].DontTrackPrimary = true;
            o.Instances[0].TrackInterfaces.Add(new TrackInterfaceOptions { Interface = SimulatedNode.InterfaceName, Weight = weight });
        }));
        await a.Host.StartAsync(TestContext.Current.CancellationToken);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));

        lan.Nodes[0].SetLinkUp(false);
        await Clock.RunUntilAsync(time, () => a.Status().State == expected && a.Status().EffectivePriority == priority, TimeSpan.FromSeconds(5));
        if (expected == VrrpState.Fault)
        {
            Assert.Equal(["track_interface eth0 down"], a.Status().Faults);
        }

        lan.Nodes[0].SetLinkUp(true);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master && a.Status().EffectivePriority == 100, TimeSpan.FromSeconds(10));
    }
}
