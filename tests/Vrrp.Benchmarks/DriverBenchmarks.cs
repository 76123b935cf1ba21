using BenchmarkDotNet.Attributes;
using Vrrp;
using Vrrp.Election;
using Vrrp.Testing;

namespace Vrrp.Benchmarks;

/// <summary>
/// The runtime driver in steady state: 255 master instances on one node and their 255 backups on another, 10 ms
/// adverts, on the in-memory LAN and a <see cref="VirtualClock"/>. One operation is one advertisement cycle (10 ms of
/// virtual time): 255 timer expiries, 255 adverts written and sent, 255 adverts delivered, parsed and handled by the
/// backups; that is 510 advert events per operation.
/// </summary>
[MemoryDiagnoser]
public class DriverBenchmarks
{
    private const int Instances = 255;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);
    private VirtualClock _clock = null!;
    private VirtualLan _lan = null!;
    private SimulatedNode _master = null!;

    /// <summary>Builds the two nodes and runs them past the election and the takeover announcements.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _clock = new VirtualClock();
        _lan = new VirtualLan(_clock, seed: 1) { RecordEvents = false };
        _master = _lan.AddNode("master");
        var backup = _lan.AddNode("backup");
        for (int v = 1; v <= Instances; v++)
        {
            var config = new VirtualRouterConfiguration
            {
                Name = $"VI_{v}",
                InterfaceName = SimulatedNode.InterfaceName,
                VirtualRouterId = (byte)v,
                AdvertisementInterval = Interval,
                VirtualAddresses = [new VirtualAddress(IPAddressValue.FromIPv4([10, 98, 0, (byte)v]))],
            };
            _master.AddRouter(config with { Priority = 200 });
            backup.AddRouter(config with { Priority = 100 });
        }

        _lan.StartAsync().GetAwaiter().GetResult();
        _clock.Advance(TimeSpan.FromSeconds(6));
        if (_master.Routers.Any(r => r.State != VrrpState.Master))
        {
            throw new InvalidOperationException("The election did not settle.");
        }
    }

    /// <summary>One 10 ms advertisement cycle of 255 instances (510 advert events).</summary>
    [Benchmark]
    public void AdvertisementCycle255Instances() => _clock.Advance(Interval);

    /// <summary>Stops the nodes.</summary>
    [GlobalCleanup]
    public void Cleanup() => _lan.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
