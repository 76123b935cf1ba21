using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vrrp.Hosting;
using Vrrp.Testing;

namespace Vrrp.Hosting.Tests;

public class HostAllocationTests
{
    private static IHost Build(VirtualLan lan, VirtualClock clock, string node, int priority, int instances)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(clock);
        var vrrp = builder.Services.AddVrrp().UseInMemoryLan(lan, node).OnChange(_ => { });
        for (int v = 1; v <= instances; v++)
        {
            int vrid = v;
            vrrp.AddInstance($"VI_{v}", i =>
            {
                i.Interface = SimulatedNode.InterfaceName;
                i.VirtualRouterId = vrid;
                i.Priority = priority;
                i.AdvertisementInterval = TimeSpan.FromMilliseconds(10);
                i.VirtualAddresses.Add($"10.98.0.{vrid}");
            });
        }

        return builder.Build();
    }

    [Fact]
    public async Task Steady_state_adverts_through_hosts_with_metrics_listening_allocate_nothing()
    {
        const int Instances = 50;
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 1) { RecordEvents = false };
        using var master = Build(lan, clock, "master", 200, Instances);
        using var backup = Build(lan, clock, "backup", 100, Instances);

        long sentMeasured = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == VrrpInstrumentNames.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            if (instrument.Name == VrrpInstrumentNames.AdvertisementsSent)
            {
                Interlocked.Add(ref sentMeasured, value);
            }
        });
        listener.Start();

        // The sent counter is observable (read from the driver's counters when collected): collect, sum the instances.
        long CollectSent()
        {
            Interlocked.Exchange(ref sentMeasured, 0);
            listener.RecordObservableInstruments();
            return Interlocked.Read(ref sentMeasured);
        }

        var ct = TestContext.Current.CancellationToken;
        await master.StartAsync(ct);
        await backup.StartAsync(ct);
        clock.Advance(TimeSpan.FromSeconds(6)); // election, takeover and the second announcement burst
        var monitor = master.Services.GetRequiredService<IVrrpMonitor>();
        Assert.All(monitor.Instances, s => Assert.Equal(VrrpState.Master, s.State));

        long sentBefore = CollectSent();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int cycle = 0; cycle < 100; cycle++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long sent = CollectSent() - sentBefore;
        TestContext.Current.TestOutputHelper?.WriteLine($"{sent} adverts sent (counted by the metrics listener), {allocated} bytes allocated on the driving thread");
        Assert.Equal(Instances * 100, sent);
        Assert.Equal(0, allocated);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await backup.StopAsync(stop.Token);
        await master.StopAsync(stop.Token);
    }
}
