using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Election;
using Vrrp.Hosting;
using Vrrp.Testing;

namespace Vrrp.Hosting.Tests;

/// <summary>Whole hosts (generic host, AddVrrp, hosted service) on the in-memory LAN with a fake clock.</summary>
public class HostLanTests
{
    // Priority 100, advert 1 s: Master_Down_Interval = 3 + 156/256 = 3.609375 s; skew 0.609375 s.
    private static readonly TimeSpan MasterDown100 = TimeSpan.FromSeconds(3.609375);
    private static readonly TimeSpan Skew100 = TimeSpan.FromSeconds(0.609375);

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (FakeTimeProvider Time, VirtualLan Lan) Lan()
    {
        var time = new FakeTimeProvider(Start);
        return (time, new VirtualLan(time, seed: 1));
    }

    [Fact]
    public async Task An_address_written_with_keepalived_options_starts_and_advertises_its_address()
    {
        // The start's interface check and the driver take the address of an entry written in keepalived's syntax.
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 200, vrrp => vrrp.Services.Configure<VrrpOptions>(o =>
            o.Instances[0].VirtualAddresses[0] = "192.0.2.100/24 dev eth0 label eth0:vip preferred_lft forever use_vmac"));
        await a.Host.StartAsync(TestContext.Current.CancellationToken);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        Assert.Contains(a.Status().VirtualAddresses, v => v.Address.ToString() == "192.0.2.100");
        Assert.DoesNotContain(a.Logs.GetSnapshot(), r => r.Message.Contains("is not supported yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Callbacks_fire_in_order_with_the_right_arguments_and_shutdown_sends_priority_0()
    {
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 200);
        await using var b = LanHost.Create(lan, time, "b", 100);
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await b.Host.StartAsync(ct);

        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.RunAsync(time, TimeSpan.FromSeconds(3));
        Assert.Equal(VrrpState.Backup, b.Status().State);
        await Clock.SettleAsync(() => a.ChangesSnapshot().Count == 2 && b.ChangesSnapshot().Count == 1);

        var aChanges = a.ChangesSnapshot();
        Assert.Equal([(VrrpState.Initialize, VrrpState.Backup, 1L), (VrrpState.Backup, VrrpState.Master, 2L)], aChanges.Select(c => (c.PreviousState, c.State, c.Sequence)));
        Assert.All(aChanges, c => Assert.Equal(("VI_1", 200), (c.InstanceName, c.Priority)));
        Assert.Equal(StateChangeReason.MasterDownTimerExpired, aChanges[1].Reason);
        Assert.Equal(IPAddressValue.Parse("192.0.2.1"), aChanges[1].MasterAddress); // node a's own address
        var bChange = Assert.Single(b.ChangesSnapshot());
        Assert.Equal((VrrpState.Initialize, VrrpState.Backup, 100), (bChange.PreviousState, bChange.State, bChange.Priority));
        Assert.Equal(IPAddressValue.Parse("192.0.2.1"), b.Status().MasterAddress);
        Assert.True(lan.Nodes[0].HasAddress(IPAddressValue.Parse("192.0.2.100")));

        // Host a stops: it sends priority 0 and removes its VIPs; b takes over after its skew time, not a full Master_Down_Interval.
        await a.Host.StopAsync(ct);
        Assert.False(lan.Nodes[0].HasAddress(IPAddressValue.Parse("192.0.2.100")));
        Assert.Contains(a.Logs.GetSnapshot(), r => r.Message == "(VI_1) sent 0 priority");
        Assert.Contains(a.Logs.GetSnapshot(), r => r.Message == "(VI_1) removing VIPs.");
        Assert.Equal((VrrpState.Master, VrrpState.Stopped, 3L), a.ChangesSnapshot().Select(c => (c.PreviousState, c.State, c.Sequence)).Last());

        var took = await Clock.RunUntilAsync(time, () => b.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        TestContext.Current.TestOutputHelper?.WriteLine($"b took over {took.TotalMilliseconds} ms after a stopped (skew {Skew100.TotalMilliseconds} ms)");
        Assert.InRange(took, Skew100, Skew100 + (2 * Clock.Step)); // FakeTimeProvider fires timers at the end of each 10 ms step
        Assert.True(lan.Nodes[1].HasAddress(IPAddressValue.Parse("192.0.2.100")));
        await Clock.SettleAsync(() => b.ChangesSnapshot().Count == 2);
    }

    [Fact]
    public async Task A_throwing_or_hanging_callback_does_not_change_failover_timing()
    {
        var (time, lan) = Lan();
        int hanging = 0;
        await using var a = LanHost.Create(lan, time, "a", 200);
        await using var b = LanHost.Create(lan, time, "b", 100, vrrp => vrrp
            .Configure(o => o.CallbackTimeout = TimeSpan.FromSeconds(5))
            .OnBackup((_, _) => throw new InvalidOperationException("callback bug"))
            .OnChange(async (_, _) =>
            {
                Interlocked.Increment(ref hanging);
                await Task.Delay(Timeout.Infinite, CancellationToken.None); // hangs and ignores its token
            }));
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await b.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.RunAsync(time, TimeSpan.FromSeconds(2));
        await Clock.SettleAsync(() => Volatile.Read(ref hanging) == 1);

        // a's link goes down without a goodbye: b must take over exactly Master_Down_Interval after a's last advert,
        // while its first callback still hangs.
        lan.Nodes[0].SetLinkUp(false);
        var lastAdvert = lan.Events.Last(e => e.Node == "a" && e.Kind == LanEventKind.AdvertisementSent).Time;
        await Clock.RunUntilAsync(time, () => b.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        var takeover = b.Status().LastTransition!.Value - Start; // the driver's timestamp of b's Backup -> Master
        TestContext.Current.TestOutputHelper?.WriteLine($"takeover {(takeover - lastAdvert).TotalMilliseconds} ms after a's last advert (protocol: {MasterDown100.TotalMilliseconds} ms)");
        Assert.InRange(takeover - lastAdvert, MasterDown100, MasterDown100 + (2 * Clock.Step)); // timers fire at the end of each 10 ms step

        Assert.Contains(b.Logs.GetSnapshot(), r => r.Message.StartsWith("(VI_1) state handler OnBackup callback", StringComparison.Ordinal) && r.Exception is InvalidOperationException);

        // After the callback timeout (5 s here) the hanging call is abandoned and the next change (Master) is delivered.
        await Clock.RunAsync(time, TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(100));
        await Clock.SettleAsync(() => b.Logs.GetSnapshot().Any(r => r.Id.Id == 1021));
        await Clock.SettleAsync(() => Volatile.Read(ref hanging) == 2);
        Assert.Equal([VrrpState.Backup, VrrpState.Master], b.ChangesSnapshot().Select(c => c.State));

        // Let the second hanging call time out too, so that stopping the host does not wait for it.
        await Clock.RunAsync(time, TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(100));
        await Clock.SettleAsync(() => b.Logs.GetSnapshot().Count(r => r.Id.Id == 1021) == 2);
    }

    private sealed class Switch : IHealthCheck
    {
        public volatile bool Healthy = true;
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var result = Healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("down for the test");
            Interlocked.Increment(ref _calls);
            return Task.FromResult(result);
        }
    }

    /// <summary>Advances the clock until the check has run <paramref name="runs"/> more times, then lets the result land.</summary>
    private static async Task RunChecksAsync(FakeTimeProvider time, Switch check, int runs)
    {
        int target = check.Calls + runs;
        await Clock.RunUntilAsync(time, () => check.Calls >= target, TimeSpan.FromSeconds(10));
        await Task.Delay(100); // real time for the tracker to record the result (the clock stands still)
    }

    [Fact]
    public async Task A_health_check_moves_mastership_away_and_back_honouring_rise_and_fall()
    {
        var (time, lan) = Lan();
        var check = new Switch();
        await using var a = LanHost.Create(lan, time, "a", 150,
            vrrp => vrrp.TrackHealthCheck("VI_1", "backend", t =>
            {
                t.Weight = -100;
                t.Interval = TimeSpan.FromSeconds(1);
                t.Rise = 3;
                t.Fall = 2;
            }),
            services => services.AddHealthChecks().AddCheck("backend", check));
        await using var b = LanHost.Create(lan, time, "b", 100);
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await b.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.RunAsync(time, TimeSpan.FromSeconds(2));

        check.Healthy = false;
        await RunChecksAsync(time, check, 1);
        Assert.Equal(150, a.Status().EffectivePriority); // fall 2: one failure is not enough
        await RunChecksAsync(time, check, 1);
        await Clock.SettleAsync(() => a.Status().EffectivePriority == 50);
        await Clock.RunUntilAsync(time, () => b.Status().State == VrrpState.Master && a.Status().State == VrrpState.Backup, TimeSpan.FromSeconds(10));
        Assert.Contains(a.Logs.GetSnapshot(), r => r.Message == "VRRP_HealthCheck(backend) failed (Unhealthy: down for the test)");

        check.Healthy = true;
        await RunChecksAsync(time, check, 2);
        Assert.Equal(50, a.Status().EffectivePriority); // rise 3: two successes are not enough
        await RunChecksAsync(time, check, 1);
        await Clock.SettleAsync(() => a.Status().EffectivePriority == 150);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master && b.Status().State == VrrpState.Backup, TimeSpan.FromSeconds(10));
        Assert.True(lan.Nodes[0].HasAddress(IPAddressValue.Parse("192.0.2.100")));
        Assert.False(lan.Nodes[1].HasAddress(IPAddressValue.Parse("192.0.2.100")));
    }

    [Fact]
    public async Task Metrics_and_keepalived_log_phrases_come_from_a_running_host()
    {
        var (time, lan) = Lan();
        await using var a = LanHost.Create(lan, time, "a", 100);
        var meters = a.Host.Services.GetRequiredService<IMeterFactory>();
        using var transitions = new MetricCollector<long>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.Transitions);
        using var sent = new MetricCollector<long>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.AdvertisementsSent);
        using var state = new MetricCollector<int>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.State);
        using var priority = new MetricCollector<int>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.EffectivePriority);
        using var masterTime = new MetricCollector<double>(meters, VrrpInstrumentNames.MeterName, VrrpInstrumentNames.MasterTime);
        var ct = TestContext.Current.CancellationToken;
        await a.Host.StartAsync(ct);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
        await Clock.RunAsync(time, TimeSpan.FromSeconds(10));

        Assert.Equal(2, transitions.GetMeasurementSnapshot().Count); // Initialize -> Backup -> Master
        sent.RecordObservableInstruments();
        Assert.InRange(sent.LastMeasurement!.Value, 10, 12);
        state.RecordObservableInstruments();
        Assert.Equal((int)VrrpState.Master, state.LastMeasurement!.Value);
        priority.RecordObservableInstruments();
        Assert.Equal(100, priority.LastMeasurement!.Value);
        masterTime.RecordObservableInstruments();
        Assert.InRange(masterTime.LastMeasurement!.Value, 9.9, 10.1);

        await a.Host.StopAsync(ct);
        var messages = a.Logs.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains("(VI_1) Entering BACKUP STATE", messages);
        Assert.Contains("(VI_1) Receive advertisement timeout", messages);
        Assert.Contains("(VI_1) Entering MASTER STATE", messages);
        Assert.Contains("(VI_1) setting VIPs.", messages);
        Assert.Contains("(VI_1) sent 0 priority", messages);
        Assert.Contains("(VI_1) removing VIPs.", messages);
        Assert.Contains($"Starting VRRP (router_id {Environment.MachineName}) on platform InMemoryLan(a) with 1 instance(s)", messages);
    }
}
