using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Hosting.Tests;

public class ObservabilityTests
{
    private static ServiceProvider Services(FakeTimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddVrrp().AddHealthCheck();
        return services.BuildServiceProvider();
    }

    private static VrrpInstanceStatus Status(string name, VrrpState state, int priority = 100) => new()
    {
        Name = name,
        Interface = "eth0",
        VirtualRouterId = 51,
        State = state,
        ConfiguredPriority = 100,
        EffectivePriority = priority,
    };

    [Trait("Rfc", "9568-7.1-k")]
    [Fact]
    public void Metrics_count_transitions_adverts_drops_and_time_as_master()
    {
        var time = new FakeTimeProvider();
        using var sp = Services(time);
        var meterFactory = sp.GetRequiredService<IMeterFactory>();
        var metrics = sp.GetRequiredService<VrrpMetrics>();
        var monitor = sp.GetRequiredService<VrrpMonitor>();
        monitor.Initialize([Status("VI_1", VrrpState.Backup, 90) with
        {
            TimeAsMaster = TimeSpan.FromSeconds(7),
            AdvertisementsSent = 2,
            AdvertisementsReceived = 1,
            Drops = new Dictionary<DropReason, long> { [DropReason.TtlNot255] = 3 },
        }]);
        metrics.SetStatusSource(() => monitor.Instances, () => new Dictionary<DropReason, long> { [DropReason.UnknownVirtualRouterId] = 4 });

        using var transitions = new MetricCollector<long>(meterFactory, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.Transitions);
        using var sent = new MetricCollector<long>(meterFactory, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.AdvertisementsSent);
        using var received = new MetricCollector<long>(meterFactory, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.AdvertisementsReceived);
        using var drops = new MetricCollector<long>(meterFactory, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.Drops);
        using var state = new MetricCollector<int>(meterFactory, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.State);
        using var priority = new MetricCollector<int>(meterFactory, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.EffectivePriority);
        using var masterTime = new MetricCollector<double>(meterFactory, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.MasterTime);

        metrics.Transition("VI_1", VrrpState.Initialize, VrrpState.Backup);
        metrics.Transition("VI_1", VrrpState.Backup, VrrpState.Master);
        metrics.Transition("VI_1", VrrpState.Master, VrrpState.Backup);
        metrics.Transition("VI_1", VrrpState.Backup, VrrpState.Master);
        sent.RecordObservableInstruments();
        received.RecordObservableInstruments();
        drops.RecordObservableInstruments();

        Assert.Equal(4, transitions.GetMeasurementSnapshot().Count);
        Assert.Equal(2, transitions.GetMeasurementSnapshot().Count(m => m.Tags[VrrpInstrumentNames.StateTag] as string == "Master"));
        Assert.Equal(2, sent.LastMeasurement!.Value);         // read from the instance's counters when collected
        Assert.Equal(1, received.LastMeasurement!.Value);
        var drop = Assert.Single(drops.GetMeasurementSnapshot(), m => m.Tags[VrrpInstrumentNames.ReasonTag] as string == "TtlNot255");
        Assert.Equal(("VI_1", 3L), (drop.Tags[VrrpInstrumentNames.InstanceTag], drop.Value));
        var unattributed = Assert.Single(drops.GetMeasurementSnapshot(), m => m.Tags[VrrpInstrumentNames.ReasonTag] as string == "UnknownVirtualRouterId");
        Assert.Equal(("", 4L), (unattributed.Tags[VrrpInstrumentNames.InstanceTag], unattributed.Value));

        state.RecordObservableInstruments();
        Assert.Equal((int)VrrpState.Backup, state.LastMeasurement!.Value);
        Assert.Equal("VI_1", state.LastMeasurement.Tags[VrrpInstrumentNames.InstanceTag]);
        priority.RecordObservableInstruments();
        Assert.Equal(90, priority.LastMeasurement!.Value);
        masterTime.RecordObservableInstruments();
        Assert.Equal(7.0, masterTime.LastMeasurement!.Value, 6);

        Assert.Equal("{transition}", transitions.Instrument!.Unit);
        Assert.Equal("s", masterTime.Instrument!.Unit);
        Assert.Equal("{packet}", drops.Instrument!.Unit);
    }

    [Fact]
    public async Task Health_check_reports_each_instance()
    {
        using var sp = Services(new FakeTimeProvider());
        var monitor = sp.GetRequiredService<VrrpMonitor>();
        var health = sp.GetRequiredService<HealthCheckService>();

        monitor.Initialize([Status("VI_1", VrrpState.Master), Status("VI_2", VrrpState.Backup, 90)]);
        var report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        var entry = report.Entries["vrrp"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("MASTER priority 100", entry.Data["VI_1"]);
        Assert.Equal("BACKUP priority 90", entry.Data["VI_2"]);

        monitor.Update("VI_2", s => s with { State = VrrpState.Fault, Faults = ["track_script chk_nginx"] });
        report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        entry = report.Entries["vrrp"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal("VI_2 is Fault (track_script chk_nginx)", entry.Description);
    }

    [Fact]
    public async Task Monitor_streams_changes_to_each_watcher_and_ends_when_completed()
    {
        var monitor = new VrrpMonitor();
        monitor.Initialize([Status("VI_1", VrrpState.Initialize)]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var first = Collect(monitor.WatchAsync(cts.Token));
        var second = Collect(monitor.WatchAsync(cts.Token));
        await Task.Delay(50, TestContext.Current.CancellationToken); // both subscribed
        for (int i = 1; i <= 3; i++)
        {
            monitor.Publish(new VrrpStateChange { InstanceName = "VI_1", PreviousState = VrrpState.Backup, State = VrrpState.Master, Priority = 100, Timestamp = default, Sequence = i });
        }

        monitor.Complete();
        Assert.Equal([1L, 2L, 3L], (await first).Select(c => c.Sequence));
        Assert.Equal([1L, 2L, 3L], (await second).Select(c => c.Sequence));
        Assert.True(monitor.TryGetInstance("VI_1", out var status));
        Assert.Equal(VrrpState.Initialize, status.State);
        Assert.False(monitor.TryGetInstance("VI_9", out _));

        static async Task<List<VrrpStateChange>> Collect(IAsyncEnumerable<VrrpStateChange> stream)
        {
            var list = new List<VrrpStateChange>();
            await foreach (var c in stream)
            {
                list.Add(c);
            }

            return list;
        }
    }
}
