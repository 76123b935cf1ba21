using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Testing;

namespace Vrrp.Hosting.Tests;

/// <summary>A generic host running Vrrp on one node of an in-memory LAN, with a fake clock and fake logging.</summary>
internal sealed class LanHost : IAsyncDisposable
{
    private LanHost(IHost host, string name)
    {
        Host = host;
        Name = name;
    }

    public IHost Host { get; }

    public string Name { get; }

    public IVrrpMonitor Monitor => Host.Services.GetRequiredService<IVrrpMonitor>();

    public FakeLogCollector Logs => Host.Services.GetRequiredService<FakeLogCollector>();

    public List<VrrpStateChange> Changes { get; } = [];

    public VrrpInstanceStatus Status(string instance = "VI_1") =>
        Monitor.TryGetInstance(instance, out var s) ? s : throw new InvalidOperationException($"no instance {instance}");

    public static LanHost Create(VirtualLan lan, FakeTimeProvider time, string name, int priority, Action<IVrrpBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddFakeLogging(o => o.OutputSink = null);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services?.Invoke(builder.Services);
        LanHost? self = null;
        var vrrp = builder.Services.AddVrrp()
            .AddInstance("VI_1", i =>
            {
                i.Interface = SimulatedNode.InterfaceName;
                i.VirtualRouterId = 51;
                i.Priority = priority;
                i.VirtualAddresses.Add("192.0.2.100/24");
            })
            .UseInMemoryLan(lan, name)
            .OnChange(c =>
            {
                lock (self!.Changes)
                {
                    self.Changes.Add(c);
                }
            });
        configure?.Invoke(vrrp);
        self = new LanHost(builder.Build(), name);
        return self;
    }

    public List<VrrpStateChange> ChangesSnapshot()
    {
        lock (Changes)
        {
            return [.. Changes];
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Bounded: a test's deliberately hanging callback must not hold the test for the whole shutdown timeout.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Host.StopAsync(stop.Token);
        }
        finally
        {
            Host.Dispose();
        }
    }
}

/// <summary>Advances a fake clock in small steps, letting thread-pool continuations (callbacks, trackers) run in between.</summary>
internal static class Clock
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    public static async Task RunAsync(FakeTimeProvider time, TimeSpan duration, TimeSpan? stepSize = null)
    {
        var end = time.GetUtcNow() + duration;
        var size = stepSize ?? Step;
        while (time.GetUtcNow() < end)
        {
            var step = end - time.GetUtcNow() < size ? end - time.GetUtcNow() : size;
            time.Advance(step);
            await Task.Delay(1);
        }
    }

    /// <summary>Advances until <paramref name="condition"/> holds (checked between steps) or <paramref name="limit"/> passes; returns the virtual time it took.</summary>
    public static async Task<TimeSpan> RunUntilAsync(FakeTimeProvider time, Func<bool> condition, TimeSpan limit)
    {
        var start = time.GetUtcNow();
        while (!condition())
        {
            if (time.GetUtcNow() - start >= limit)
            {
                throw new TimeoutException($"condition not met within {limit} of virtual time");
            }

            time.Advance(Step);
            await Task.Delay(1);
        }

        return time.GetUtcNow() - start;
    }

    /// <summary>Waits in real time (bounded) for something done on the thread pool, without advancing the clock.</summary>
    public static async Task SettleAsync(Func<bool> condition, int milliseconds = 5000)
    {
        for (int i = 0; i < milliseconds / 5 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "condition not met in real time");
    }
}
