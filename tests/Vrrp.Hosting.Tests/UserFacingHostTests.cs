using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Vrrp.Testing;

namespace Vrrp.Hosting.Tests;

/// <summary>
/// Issue 17 from a host's side: callbacks after the addresses are up, a missing interface named at start, runtime
/// control with audit lines, JSON status, the version mismatch in health and metrics, OpenTelemetry registration.
/// </summary>
public class UserFacingHostTests
{
    private static readonly IPAddressValue Vip = IPAddressValue.Parse("192.0.2.100");

    private static (FakeTimeProvider Time, VirtualLan Lan) Lan()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (time, new VirtualLan(time, seed: 17));
    }

    /// <summary>Replaces the registered platform's address manager with one that takes its time (a loaded kernel, a cloud API).</summary>
    private static void SlowAddresses(IVrrpBuilder vrrp, TimeSpan delay)
    {
        var registered = vrrp.Services.Last(d => d.ServiceType == typeof(VrrpPlatform));
        vrrp.Services.Remove(registered);
        vrrp.Services.AddSingleton(sp =>
        {
            var p = (VrrpPlatform)registered.ImplementationFactory!(sp);
            return new VrrpPlatform(p.Name, p.Transport, new DelayedAddresses(p.Addresses, delay), p.Announcer, p.Links);
        });
    }

    [Fact]
    public async Task OnMaster_runs_once_the_VIP_is_on_the_interface_and_OnBackup_once_it_is_gone_even_when_adding_is_slow()
    {
        var (time, lan) = Lan();
        var seen = new List<string>();
        SimulatedNode? node = null;
        await using var a = LanHost.Create(lan, time, "a", 200, vrrp =>
        {
            SlowAddresses(vrrp, TimeSpan.FromMilliseconds(100));
            vrrp.OnMaster(c => Add(seen, $"OnMaster: VIP on a {node!.HasAddress(Vip)}, HoldsVirtualAddresses {c.HoldsVirtualAddresses}"));
            vrrp.OnBackup(c => Add(seen, $"OnBackup: VIP on a {node!.HasAddress(Vip)}, HoldsVirtualAddresses {c.HoldsVirtualAddresses}"));
        });
        node = lan.Nodes.Single(n => n.Name == "a");
        var watched = new List<string>();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var watch = Task.Run(
            async () =>
        {
            try
            {
                await foreach (var c in a.Monitor.WatchAsync(watching.Token))
                {
                    Add(watched, $"{c.State}: VIP on a {node.HasAddress(Vip)}");
                }
            }
            catch (OperationCanceledException)
            {
            }
        },
            TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.SettleAsync(() => Snapshot(seen).Count == 2);

        // A higher priority arrives: a steps down, its slow removal finishes, then OnBackup runs.
        await using var b = LanHost.Create(lan, time, "b", 250);
        await b.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Backup, TimeSpan.FromSeconds(10));
        await Clock.SettleAsync(() => Snapshot(seen).Count == 3);
        // The reader subscribes on its first MoveNext, which may come after the start's Initialize -> Backup: wait for the last two.
        await Clock.SettleAsync(() => Snapshot(watched) is [.., "Master: VIP on a True", "Backup: VIP on a False"]);
        await watching.CancelAsync();
        await watch;

        Assert.Equal(
            [
                "OnBackup: VIP on a False, HoldsVirtualAddresses False",   // Initialize -> Backup
                "OnMaster: VIP on a True, HoldsVirtualAddresses True",
                "OnBackup: VIP on a False, HoldsVirtualAddresses False",
            ],
            Snapshot(seen));
        Assert.Equal(["Master: VIP on a True", "Backup: VIP on a False"], Snapshot(watched).TakeLast(2));
    }

    [Fact]
    public async Task A_missing_interface_is_a_validation_error_at_start_naming_the_instance_and_option()
    {
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 100, vrrp =>
        {
            var registered = vrrp.Services.Last(d => d.ServiceType == typeof(VrrpPlatform));
            vrrp.Services.Remove(registered);
            vrrp.Services.AddSingleton(sp =>
            {
                var p = (VrrpPlatform)registered.ImplementationFactory!(sp);
                return new VrrpPlatform("Test", p.Transport, new OneInterface(p.Addresses), p.Announcer, p.Links);
            });
            vrrp.Configure(o => o.Instances[0].Interface = "eth9");
            for (int i = 2; i <= 8; i++)
            {
                // Seven more on the same missing interface, and one on the interface that exists.
                int vrid = i;
                vrrp.AddInstance($"VI_{vrid}", o =>
                {
                    o.Interface = vrid == 8 ? SimulatedNode.InterfaceName : "eth9";
                    o.VirtualRouterId = vrid;
                    o.VirtualAddresses.Add($"192.0.2.{100 + vrid}/24");
                });
            }
        });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => a.Host.StartAsync(TestContext.Current.CancellationToken));

        // One error per interface, naming its instances (the first five and how many more), not one per instance.
        Assert.Equal(
            ["Instances 'VI_1', 'VI_2', 'VI_3', 'VI_4', 'VI_5' and 2 more: Interface (interface) 'eth9' cannot be used on platform Test: look up interface 'eth9': No such device (errno 19). Check the interface name (ip link) and the network namespace."],
            ex.Failures);
    }

    [Fact]
    public async Task The_controller_drains_resumes_and_overrides_with_an_audit_line_for_each_action()
    {
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 200);
        await using var b = LanHost.Create(lan, time, "b", 100);
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await b.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master && b.Status().State == VrrpState.Backup, TimeSpan.FromSeconds(10));
        var control = a.Host.Services.GetRequiredService<IVrrpController>();

        var drained = control.Drain("VI_1", "uid 0 pid 4242");
        Assert.True(drained.Changed);
        Assert.Equal("drained: was MASTER priority 200; sent priority 0 and stepped down to BACKUP until resumed", drained.Message);
        Assert.True(drained.Status.IsDrained);
        var took = await Clock.RunUntilAsync(time, () => b.Status().State == VrrpState.Master, TimeSpan.FromSeconds(5));
        Assert.True(took < TimeSpan.FromSeconds(1), $"b took {took} (its Skew_Time is 0.61 s)");
        Assert.Equal("already drained; nothing changed", control.Drain("VI_1").Message);
        await Clock.RunAsync(time, TimeSpan.FromSeconds(10));
        Assert.Equal(VrrpState.Backup, a.Status().State);

        Assert.Equal("resumed: BACKUP priority 200 takes part in elections again", control.Resume("VI_1", "uid 0 pid 4242").Message);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(5));

        Assert.Equal("priority override none -> 50 (configured 200); effective priority 200 -> 50", control.SetPriority("VI_1", 50).Message);
        await Clock.RunUntilAsync(time, () => b.Status().State == VrrpState.Master, TimeSpan.FromSeconds(5));
        Assert.Equal("priority override 50 removed; configured priority 200 in use; effective priority 50 -> 200", control.ResetPriority("VI_1").Message);
        Assert.Equal("no priority override; nothing changed", control.ResetPriority("VI_1").Message);
        Assert.Throws<ArgumentException>(() => control.Drain("VI_9", "uid 1000 pid 7"));
        Assert.Throws<ArgumentOutOfRangeException>(() => control.SetPriority("VI_1", 255));

        var audit = a.Logs.GetSnapshot().Where(r => r.Category == "Vrrp.Control").Select(r => $"{r.Level} {r.Message}").ToList();
        Assert.Equal(
            [
                "Warning AUDIT drain VI_1 by uid 0 pid 4242: drained: was MASTER priority 200; sent priority 0 and stepped down to BACKUP until resumed",
                "Warning AUDIT drain VI_1 by application: already drained; nothing changed",
                "Warning AUDIT resume VI_1 by uid 0 pid 4242: resumed: BACKUP priority 200 takes part in elections again",
                "Warning AUDIT set priority 50 VI_1 by application: priority override none -> 50 (configured 200); effective priority 200 -> 50",
                "Warning AUDIT reset priority VI_1 by application: priority override 50 removed; configured priority 200 in use; effective priority 50 -> 200",
                "Warning AUDIT reset priority VI_1 by application: no priority override; nothing changed",
                "Warning AUDIT drain VI_9 by uid 1000 pid 7 refused: No VRRP instance 'VI_9'. (Parameter 'instance')",
                "Warning AUDIT set priority 255 VI_1 by application refused: A priority override must be 1..254 (255 is the address owner's, 0 is a drain). (Parameter 'priority')\nActual value was 255.",
            ],
            audit);
    }

    [Fact]
    public void The_controller_says_when_VRRP_is_not_running()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVrrp();
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IVrrpController>().Drain("VI_1"));
        Assert.Equal("VRRP is not running: the host has not started it yet.", ex.Message);
    }

    [Fact]
    public async Task The_status_serialises_to_json_with_addresses_as_text_the_vips_and_the_last_transition()
    {
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 200);
        await a.Host.StartAsync(TestContext.Current.CancellationToken);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.SettleAsync(() => a.Status().HoldsVirtualAddresses);

        string json = JsonSerializer.Serialize(a.Monitor.Instances, VrrpJson.InstanceStatusList);
        using var doc = JsonDocument.Parse(json);
        var s = doc.RootElement[0];
        Assert.Equal("VI_1", s.GetProperty("name").GetString());
        Assert.Equal("Master", s.GetProperty("state").GetString());
        Assert.Equal("192.0.2.1", s.GetProperty("masterAddress").GetString());
        Assert.Equal("192.0.2.1", s.GetProperty("localAddress").GetString());
        Assert.Equal("""[{"address":"192.0.2.100","prefixLength":24}]""", s.GetProperty("virtualAddresses").GetRawText());
        Assert.True(s.GetProperty("holdsVirtualAddresses").GetBoolean());
        Assert.True(s.GetProperty("lastStateChange").GetProperty("holdsVirtualAddresses").GetBoolean());   // the change as applied
        Assert.Equal("MasterDownTimerExpired", s.GetProperty("lastTransitionReason").GetString());
        Assert.Equal("2026-01-01T00:00:03.22+00:00", s.GetProperty("lastTransition").GetString());
        Assert.Equal("V3", s.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, s.GetProperty("versionMismatch").ValueKind);
        Assert.False(s.GetProperty("isDrained").GetBoolean());

        // And back: the status reads from its own JSON.
        var back = JsonSerializer.Deserialize(json, VrrpJson.InstanceStatusList)!;
        Assert.Equal(IPAddressValue.Parse("192.0.2.1"), back[0].MasterAddress);
        Assert.Equal(a.Status().VirtualAddresses, back[0].VirtualAddresses);
    }

    [Fact]
    public async Task A_peer_speaking_the_other_version_degrades_health_and_shows_in_status_and_metrics()
    {
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 200, vrrp => vrrp.AddHealthCheck());
        await using var b = LanHost.Create(lan, time, "b", 100, vrrp => vrrp.Configure(o => o.Instances[0].Version = VrrpVersion.V2));
        var meters = a.Host.Services.GetRequiredService<IMeterFactory>();
        using var mismatch = new MetricCollector<int>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.VersionMismatch);
        using var held = new MetricCollector<int>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.VirtualAddressesHeld);
        using var states = new MetricCollector<int>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.StateCurrent);
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await b.Host.StartAsync(ct);
        await Clock.RunAsync(time, TimeSpan.FromSeconds(5));

        // Both are master: neither hears the other.
        Assert.Equal((VrrpState.Master, VrrpState.Master), (a.Status().State, b.Status().State));
        var seen = a.Status().VersionMismatch!;
        Assert.Equal((IPAddressValue.Parse("192.0.2.2"), VrrpVersion.V2, VrrpVersion.V3), (seen.Peer, seen.PeerVersion, seen.Version));
        Assert.True(seen.Adverts >= 2 && seen.Since < seen.LastSeen, $"{seen.Adverts} adverts from {seen.Since:O} to {seen.LastSeen:O}");
        var health = await a.Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("VI_1 hears 192.0.2.2 speaking VRRPv2 on VRID 51, this instance speaks VRRPv3: both may be master", health.Entries["vrrp"].Description);
        Assert.Single(a.Logs.GetSnapshot(), r => r.Message.StartsWith("(VI_1) VRRP version mismatch: 192.0.2.2 on eth0 sends VRRPv2 adverts for VRID 51, this instance speaks VRRPv3", StringComparison.Ordinal));

        mismatch.RecordObservableInstruments();
        Assert.Equal(1, mismatch.LastMeasurement!.Value);
        held.RecordObservableInstruments();
        Assert.Equal(1, held.LastMeasurement!.Value);
        states.RecordObservableInstruments();
        Assert.Equal(
            ["Initialize 0", "Backup 0", "Master 1", "Fault 0", "Stopped 0"],
            states.GetMeasurementSnapshot().Select(m => $"{m.Tags[VrrpInstrumentNames.StateTag]} {m.Value}"));

        // b stops; after three of its intervals without a v2 advert the episode is over.
        await b.Host.StopAsync(ct);
        await Clock.RunAsync(time, TimeSpan.FromSeconds(3.5));
        Assert.Null(a.Status().VersionMismatch);
        Assert.Equal(HealthStatus.Healthy, (await a.Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct)).Status);
    }

    [Fact]
    public async Task A_master_hearing_a_lower_master_that_does_not_step_down_degrades_health_and_shows_in_status_and_metrics()
    {
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 200, vrrp => vrrp.AddHealthCheck());
        await using var b = LanHost.Create(lan, time, "b", 100);
        var meters = a.Host.Services.GetRequiredService<IMeterFactory>();
        using var split = new MetricCollector<int>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.SplitBrain);
        using var episodes = new MetricCollector<long>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.SplitBrainEpisodes);
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await b.Host.StartAsync(ct);
        await Clock.RunAsync(time, TimeSpan.FromSeconds(5));
        Assert.Equal((VrrpState.Master, VrrpState.Backup), (a.Status().State, b.Status().State));
        var health = a.Host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(ct)).Status);

        // b stops hearing a (a one-way link), takes over and keeps advertising; a hears it all along.
        var nodeA = lan.Nodes.Single(n => n.Name == "a");
        var nodeB = lan.Nodes.Single(n => n.Name == "b");
        lan.SetLink(nodeA, nodeB, new LinkConditions { LossRate = 1 });
        await Clock.RunAsync(time, TimeSpan.FromSeconds(7));
        Assert.Equal((VrrpState.Master, VrrpState.Master), (a.Status().State, b.Status().State));
        var status = a.Status();
        Assert.NotNull(status.SplitBrain);
        Assert.Equal((IPAddressValue.Parse("192.0.2.2"), (byte)100, (byte)200), (status.SplitBrain.Peer, status.SplitBrain.PeerPriority, status.SplitBrain.Priority));
        Assert.Equal(1, status.SplitBrainEpisodes);
        var report = await health.CheckHealthAsync(ct);
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.StartsWith("VI_1 is master and hears 192.0.2.2 acting as master too on VRID 51 (priority 100, ours 200, ", report.Entries["vrrp"].Description, StringComparison.Ordinal);
        Assert.EndsWith("): split brain", report.Entries["vrrp"].Description, StringComparison.Ordinal);
        Assert.Single(a.Logs.GetSnapshot(), r => r.Message.StartsWith("(VI_1) split brain: 192.0.2.2 on eth0 also acts as master for VRID 51 (its priority 100, ours 200)", StringComparison.Ordinal));
        split.RecordObservableInstruments();
        Assert.Equal(1, split.LastMeasurement!.Value);
        episodes.RecordObservableInstruments();
        Assert.Equal(1, episodes.LastMeasurement!.Value);

        // Healed: b steps down; the episode ends, the health is back, the count stays.
        lan.Heal();
        await Clock.RunAsync(time, TimeSpan.FromSeconds(5));
        Assert.Equal((VrrpState.Master, VrrpState.Backup), (a.Status().State, b.Status().State));
        Assert.Null(a.Status().SplitBrain);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(ct)).Status);
        split.RecordObservableInstruments();
        Assert.Equal(0, split.LastMeasurement!.Value);
        episodes.RecordObservableInstruments();
        Assert.Equal(1, episodes.LastMeasurement!.Value);
    }

    private static void Add(List<string> list, string line)
    {
        lock (list)
        {
            list.Add(line);
        }
    }

    private static List<string> Snapshot(List<string> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    private sealed class DelayedAddresses(IVirtualAddressManager inner, TimeSpan delay) : IVirtualAddressManager
    {
        public async ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            await inner.AddAsync(interfaceName, address, cancellationToken);
        }

        public async ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            await inner.RemoveAsync(interfaceName, address, cancellationToken);
        }

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) =>
            inner.ContainsAsync(interfaceName, address, cancellationToken);
    }

    /// <summary>An address manager that knows eth0 only and fails as Vrrp.Linux does for any other interface.</summary>
    private sealed class OneInterface(IVirtualAddressManager inner) : IVirtualAddressManager
    {
        public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) => Check(interfaceName) ?? inner.AddAsync(interfaceName, address, cancellationToken);

        public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) => Check(interfaceName) ?? inner.RemoveAsync(interfaceName, address, cancellationToken);

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) =>
            interfaceName == "eth0" ? inner.ContainsAsync(interfaceName, address, cancellationToken) : ValueTask.FromException<bool>(NoSuchDevice(interfaceName));

        private static ValueTask? Check(string interfaceName) => interfaceName == "eth0" ? null : ValueTask.FromException(NoSuchDevice(interfaceName));

        private static InvalidOperationException NoSuchDevice(string interfaceName) => new($"look up interface '{interfaceName}': No such device (errno 19)");
    }
}

/// <summary>
/// OpenTelemetry's listener is process-wide and keeps the first "Vrrp" meter's instruments when several are alive: run
/// alone, so that the host measured is this test's.
/// </summary>
[Collection(nameof(OpenTelemetryCollection))]
public class OpenTelemetryTests
{
    private static (FakeTimeProvider Time, VirtualLan Lan) Lan()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (time, new VirtualLan(time, seed: 17));
    }

    [Fact]
    public async Task AddVrrpInstrumentation_collects_the_Vrrp_meter_with_the_OpenTelemetry_sdk()
    {
        var exported = new List<Metric>();
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 200, services: s => s.AddOpenTelemetryMetricsForTest(exported));
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        a.Host.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // The listener is process-wide: other tests' hosts may show up too; this host's Master must be among the points.
        var values = new List<long>();
        foreach (var metric in exported.Where(m => m.Name == VrrpInstrumentNames.State))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                values.Add(point.GetGaugeLastValueLong());
            }
        }

        Assert.Contains((long)VrrpState.Master, values);
        Assert.Contains(exported, m => m.Name == VrrpInstrumentNames.StateCurrent);
    }
}

[CollectionDefinition(nameof(OpenTelemetryCollection), DisableParallelization = true)]
public sealed class OpenTelemetryCollection;

internal static class OpenTelemetryTestExtensions
{
    /// <summary>The OpenTelemetry SDK with the in-memory exporter and <c>AddVrrpInstrumentation()</c>, as an application would register it.</summary>
    public static void AddOpenTelemetryMetricsForTest(this IServiceCollection services, List<Metric> exported)
    {
        var provider = Sdk.CreateMeterProviderBuilder()
            .AddVrrpInstrumentation()
            .AddInMemoryExporter(exported)
            .Build();
        services.AddSingleton(provider);
    }
}
