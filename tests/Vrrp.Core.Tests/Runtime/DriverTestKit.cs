using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Vrrp.Election;
using Vrrp.Testing;

namespace Vrrp.Tests.Runtime;

internal static class DriverTestKit
{
    public static VirtualRouterConfiguration Config(byte priority, byte vrid = 1, TimeSpan? interval = null, VrrpVersion version = VrrpVersion.V3) => new()
    {
        Name = $"VI_{vrid}",
        InterfaceName = SimulatedNode.InterfaceName,
        VirtualRouterId = vrid,
        Priority = priority,
        Version = version,
        AdvertisementInterval = interval ?? TimeSpan.FromSeconds(1),
        VirtualAddresses = [new VirtualAddress(IPAddressValue.FromIPv4([10, 99, 0, vrid]))],
    };

    public static IPAddressValue VipOf(byte vrid) => IPAddressValue.FromIPv4([10, 99, 0, vrid]);
}

/// <summary>A logger factory over FakeLoggerProvider (Microsoft.Extensions.Diagnostics.Testing).</summary>
internal sealed class CollectingLoggerFactory : ILoggerFactory
{
    private readonly FakeLoggerProvider _provider;

    public CollectingLoggerFactory()
    {
        Collector = new FakeLogCollector();
        _provider = new FakeLoggerProvider(Collector);
    }

    public FakeLogCollector Collector { get; }

    public IReadOnlyList<string> Messages => [.. Collector.GetSnapshot().Select(r => r.Message)];

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public ILogger CreateLogger(string categoryName) => _provider.CreateLogger(categoryName);

    public void Dispose() => _provider.Dispose();
}

/// <summary>Counts the timers a component creates.</summary>
internal sealed class CountingTimeProvider(TimeProvider inner) : TimeProvider
{
    public int TimersCreated { get; private set; }

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        TimersCreated++;
        return inner.CreateTimer(callback, state, dueTime, period);
    }
}
