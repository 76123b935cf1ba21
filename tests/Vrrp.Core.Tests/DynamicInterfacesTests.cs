using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Core.Tests;

/// <summary>
/// keepalived's <c>dynamic_interfaces</c> in the driver (<see cref="VrrpDriver.DynamicInterfaces"/>): an instance's
/// interface missing at start fails the start without it; with it the instance starts in Fault and runs once the link
/// monitor reports the interface.
/// </summary>
public class DynamicInterfacesTests
{
    private static VirtualRouterConfiguration Config() => new()
    {
        Name = "VI_1",
        InterfaceName = "eth1",
        VirtualRouterId = 58,
        Priority = 150,
        AdvertisementInterval = TimeSpan.FromMilliseconds(100),
        VirtualAddresses = [VirtualAddress.Parse("10.8.0.100/24")],
    };

    [Fact]
    public async Task Without_dynamic_interfaces_a_missing_interface_fails_the_start()
    {
        var platform = new LatePlatform();
        await using var driver = new AsyncVrrpDriver(platform, platform, links: platform);
        driver.AddRouter(Config());
        var error = await Assert.ThrowsAsync<IOException>(() => driver.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("No such device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_dynamic_interfaces_the_instance_waits_in_fault_and_runs_when_the_interface_appears()
    {
        var platform = new LatePlatform();
        await using var driver = new AsyncVrrpDriver(platform, platform, links: platform) { DynamicInterfaces = true };
        driver.AddRouter(Config());
        await driver.StartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(VrrpState.Fault, Assert.Single(driver.GetStatus()).State);
        Assert.Equal(0, platform.Opened);

        // The interface appears: the channel is opened, the instance leaves Fault and (alone) becomes master.
        platform.Create();
        Assert.True(await WaitFor(() => driver.GetStatus()[0].State == VrrpState.Master, TimeSpan.FromSeconds(5)), driver.GetStatus()[0].State.ToString());
        Assert.Equal(1, platform.Opened);
        Assert.True(platform.Sent > 0);
        await driver.StopAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<bool> WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !condition())
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return condition();
    }

    /// <summary>A host whose eth1 does not exist until <see cref="Create"/>.</summary>
    private sealed class LatePlatform : IVrrpTransport, IVirtualAddressManager, ILinkMonitor
    {
        private readonly Channel<LinkEvent> _events = Channel.CreateUnbounded<LinkEvent>();
        private volatile bool _exists;
        private int _opened;
        private int _sent;

        public int Opened => _opened;

        public int Sent => _sent;

        public void Create()
        {
            _exists = true;
            _events.Writer.TryWrite(new LinkEvent("eth1", LinkEventKind.Up));
        }

        public ValueTask<IVrrpChannel> OpenAsync(VrrpChannelOptions options, CancellationToken cancellationToken)
        {
            if (!_exists)
            {
                throw new IOException($"look up interface '{options.InterfaceName}' failed: No such device");
            }

            Interlocked.Increment(ref _opened);
            return ValueTask.FromResult<IVrrpChannel>(new QuietChannel(this));
        }

        public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) =>
            _exists ? ValueTask.CompletedTask : ValueTask.FromException(new IOException("No such device"));

        public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) =>
            _exists ? ValueTask.FromResult(false) : ValueTask.FromException<bool>(new IOException("No such device"));

        public bool IsUp(string interfaceName) => _exists;

        public async IAsyncEnumerable<LinkEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }

        private sealed class QuietChannel(LatePlatform platform) : IVrrpChannel
        {
            private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public IPAddressValue LocalAddress { get; } = IPAddressValue.Parse("10.8.0.11");

            public ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref platform._sent);
                return ValueTask.CompletedTask;
            }

            public async ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
            {
                await _closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                throw new ObjectDisposedException(nameof(QuietChannel));
            }

            public ValueTask DisposeAsync()
            {
                _closed.TrySetResult();
                return ValueTask.CompletedTask;
            }
        }
    }
}
