using System.Collections.Concurrent;
using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Tests.Runtime;

/// <summary>
/// The driver calls an instance's platform resources at fixed points, in order with its address work: prepare before
/// the leftover check and the channels; before adding / after adding; before removing / after removing; release at
/// stop (after the channels close), never after an abort (a crash: the next run's prepare cleans up).
/// </summary>
public class VirtualRouterResourcesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static VirtualRouterConfiguration Owner(string iface = "eth0") => new()
    {
        Name = "VI_1",
        InterfaceName = iface,
        VirtualRouterId = 1,
        Priority = 255,
        AdvertisementInterval = TimeSpan.FromMilliseconds(100),
        VirtualAddresses = [VirtualAddress.Parse("10.99.0.1")],
    };

    [Fact]
    public async Task An_owner_prepares_adds_and_at_stop_removes_then_releases_in_that_order()
    {
        var log = new ConcurrentQueue<string>();
        var platform = new RecordingPlatform(log);
        var driver = new AsyncVrrpDriver(platform, platform, null, null, TimeProvider.System, null);
        driver.AddRouter(Owner(), new RecordingResources(log));
        await driver.StartAsync(Token);
        await WaitForAsync(() => log.Contains("added"));
        await driver.StopAsync(Token);

        Assert.Equal(
            ["configure", "prepare", "contains eth0 10.99.0.1", "open eth0", "adding", "add eth0 10.99.0.1/32", "added",
             "removing", "remove eth0 10.99.0.1/32", "removed", "close eth0", "release"],
            log.Where(e => !e.StartsWith("send", StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public async Task Configure_can_move_the_instance_to_another_interface_before_its_channel_is_opened()
    {
        var log = new ConcurrentQueue<string>();
        var platform = new RecordingPlatform(log);
        var driver = new AsyncVrrpDriver(platform, platform, null, null, TimeProvider.System, null);
        driver.AddRouter(Owner(), new RecordingResources(log) { MoveTo = "vrrp.1" });
        await driver.StartAsync(Token);
        await WaitForAsync(() => log.Contains("added"));
        Assert.Contains("open vrrp.1", log);
        Assert.Contains("add vrrp.1 10.99.0.1/32", log);
        Assert.Equal("vrrp.1", driver.GetStatus()[0].Interface);
        await driver.StopAsync(Token);
    }

    [Fact]
    public async Task An_abort_is_a_crash_and_releases_nothing()
    {
        var log = new ConcurrentQueue<string>();
        var platform = new RecordingPlatform(log);
        var driver = new AsyncVrrpDriver(platform, platform, null, null, TimeProvider.System, null);
        driver.AddRouter(Owner(), new RecordingResources(log));
        await driver.StartAsync(Token);
        await WaitForAsync(() => log.Contains("added"));
        await driver.AbortAsync();
        await driver.DisposeAsync();
        Assert.DoesNotContain("release", log);
        Assert.DoesNotContain("removing", log);
    }

    [Fact]
    public async Task A_failed_start_releases_what_was_prepared_and_a_failing_step_does_not_stop_the_address_work()
    {
        var log = new ConcurrentQueue<string>();
        var platform = new RecordingPlatform(log) { FailOpen = true };
        var driver = new AsyncVrrpDriver(platform, platform, null, null, TimeProvider.System, null);
        driver.AddRouter(Owner(), new RecordingResources(log));
        await Assert.ThrowsAsync<InvalidOperationException>(() => driver.StartAsync(Token));
        Assert.Equal(["configure", "prepare", "contains eth0 10.99.0.1", "release"], log.ToList());

        var log2 = new ConcurrentQueue<string>();
        var platform2 = new RecordingPlatform(log2);
        var driver2 = new AsyncVrrpDriver(platform2, platform2, null, null, TimeProvider.System, null);
        driver2.AddRouter(Owner(), new RecordingResources(log2) { FailAdding = true });
        await driver2.StartAsync(Token);
        await WaitForAsync(() => log2.Contains("added"));
        Assert.Contains("add eth0 10.99.0.1/32", log2);
        await driver2.StopAsync(Token);
        Assert.Contains("release", log2);
    }

    [Fact]
    public async Task The_resource_factory_gives_each_instance_added_without_resources_its_own()
    {
        var log = new ConcurrentQueue<string>();
        var platform = new RecordingPlatform(log);
        var seen = new List<string>();
        var driver = new AsyncVrrpDriver(platform, platform, null, null, TimeProvider.System, null)
        {
            ResourceFactory = config =>
            {
                seen.Add(config.Name);
                return new RecordingResources(log);
            },
        };
        driver.AddRouter(Owner());
        Assert.Equal(["VI_1"], seen);
        await driver.StartAsync(Token);
        await driver.StopAsync(Token);
        Assert.Contains("prepare", log);
        Assert.Contains("release", log);
    }

    [Fact]
    public async Task A_reload_keeps_equivalent_resources_restarts_an_instance_whose_resources_changed_and_releases_a_leaving_ones()
    {
        var log = new ConcurrentQueue<string>();
        var platform = new RecordingPlatform(log);
        var driver = new AsyncVrrpDriver(platform, platform, null, null, TimeProvider.System, null);
        var kept = Owner() with { Name = "KEPT" };
        var changed = Owner() with { Name = "CHANGED", VirtualRouterId = 2, VirtualAddresses = [VirtualAddress.Parse("10.99.0.2")] };
        var leaving = Owner() with { Name = "LEAVING", VirtualRouterId = 3, VirtualAddresses = [VirtualAddress.Parse("10.99.0.3")] };
        driver.AddRouter(kept, new RecordingResources(log, "KEPT"));
        driver.AddRouter(changed, new RecordingResources(log, "CHANGED"));
        driver.AddRouter(leaving, new RecordingResources(log, "LEAVING"));
        await driver.StartAsync(Token);
        await WaitForAsync(() => log.Count(e => e.StartsWith("added", StringComparison.Ordinal)) == 3);
        log.Clear();

        var added = Owner() with { Name = "ADDED", VirtualRouterId = 4, VirtualAddresses = [VirtualAddress.Parse("10.99.0.4")] };
        var result = await driver.ReconfigureAsync(
            [kept, changed, added],
            null,
            c => new RecordingResources(log, c.Name) { Setting = c.Name == "CHANGED" ? "other" : "" },
            Token);
        await WaitForAsync(() => log.Contains("added ADDED") && log.Contains("added CHANGED"));

        Assert.Equal(["KEPT"], result.Unchanged);
        Assert.Equal(["CHANGED", "LEAVING"], result.Removed.Order());
        Assert.Equal(["ADDED", "CHANGED"], result.Added.Order());
        var events = log.ToList();
        Assert.DoesNotContain(events, e => e.EndsWith(" KEPT", StringComparison.Ordinal) && !e.StartsWith("configure", StringComparison.Ordinal));
        Assert.True(events.IndexOf("removed LEAVING") < events.IndexOf("release LEAVING"));
        Assert.True(events.IndexOf("release CHANGED") < events.IndexOf("prepare CHANGED"), string.Join(", ", events));
        Assert.True(events.IndexOf("prepare ADDED") < events.IndexOf("open eth0") || !events.Contains("open eth0"));
        await driver.StopAsync(Token);
        Assert.Contains("release KEPT", log);
        Assert.Contains("release ADDED", log);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Token);
        }

        Assert.True(condition());
    }

    private sealed class RecordingResources(ConcurrentQueue<string> log, string? name = null) : VirtualRouterResources
    {
        public string? MoveTo { get; init; }

        public string Setting { get; init; } = "";

        public override bool IsEquivalentTo(VirtualRouterResources other) => other is RecordingResources r && r.Setting == Setting;

        public bool FailAdding { get; init; }

        public override VirtualRouterConfiguration Configure(VirtualRouterConfiguration configuration)
        {
            log.Enqueue(name is null ? "configure" : $"configure {name}");
            return MoveTo is null ? configuration : configuration with { InterfaceName = MoveTo };
        }

        public override ValueTask PrepareAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => Record("prepare");

        public override ValueTask AddingAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) =>
            FailAdding ? throw new IOException("no filter") : Record("adding");

        public override ValueTask AddedAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => Record("added");

        public override ValueTask RemovingAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => Record("removing");

        public override ValueTask RemovedAddressesAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => Record("removed");

        public override ValueTask ReleaseAsync(VirtualRouterConfiguration configuration, CancellationToken cancellationToken) => Record("release");

        private ValueTask Record(string what)
        {
            log.Enqueue(name is null ? what : $"{what} {name}");
            return ValueTask.CompletedTask;
        }
    }

    // A transport whose channels receive nothing, and an address table that records every call.
    private sealed class RecordingPlatform(ConcurrentQueue<string> log) : IVrrpTransport, IVirtualAddressManager
    {
        private readonly HashSet<(string, IPAddressValue)> _addresses = [];

        public bool FailOpen { get; init; }

        public ValueTask<IVrrpChannel> OpenAsync(VrrpChannelOptions options, CancellationToken cancellationToken)
        {
            if (FailOpen)
            {
                throw new InvalidOperationException("no such interface");
            }

            log.Enqueue($"open {options.InterfaceName}");
            return new ValueTask<IVrrpChannel>(new SilentChannel(log, options.InterfaceName));
        }

        public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            lock (_addresses)
            {
                _addresses.Add((interfaceName, address.Address));
            }

            log.Enqueue($"add {interfaceName} {address}");
            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            lock (_addresses)
            {
                _addresses.Remove((interfaceName, address.Address));
            }

            log.Enqueue($"remove {interfaceName} {address}");
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken)
        {
            log.Enqueue($"contains {interfaceName} {address}");
            lock (_addresses)
            {
                return new ValueTask<bool>(_addresses.Contains((interfaceName, address)));
            }
        }
    }

    private sealed class SilentChannel(ConcurrentQueue<string> log, string name) : IVrrpChannel
    {
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IPAddressValue LocalAddress { get; } = IPAddressValue.Parse("10.99.0.250");

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken)
        {
            log.Enqueue("send");
            return ValueTask.CompletedTask;
        }

        public async ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await _closed.Task.WaitAsync(cancellationToken);
            throw new OperationCanceledException();
        }

        public ValueTask DisposeAsync()
        {
            log.Enqueue($"close {name}");
            _closed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
