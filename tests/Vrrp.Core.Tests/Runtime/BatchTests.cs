using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Runtime;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>
/// <see cref="VrrpDriver.FlushAdvertisements"/> and <see cref="VrrpDriver.ProcessBatch{TState}"/>: a driver that queues
/// adverts sends each input's, or each batch's, in one go.
/// </summary>
public class BatchTests
{
    private static readonly IPAddressValue Peer = IPAddressValue.Parse("192.0.2.9");
    private static readonly IPAddressValue Group = IPAddressValue.Parse("224.0.0.18");

    [Fact]
    public async Task Adverts_of_one_tick_are_flushed_once_and_a_batch_of_datagrams_flushes_its_answers_once()
    {
        var clock = new VirtualClock();
        await using var driver = new QueueingDriver(clock);
        for (byte v = 1; v <= 3; v++)
        {
            driver.AddRouter(Config(200, vrid: v, interval: TimeSpan.FromMilliseconds(100)));
        }

        await driver.StartAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(1));   // Master_Down_Interval, then master: all three on one schedule
        Assert.All(driver.GetStatus(), s => Assert.Equal(VrrpState.Master, s.State));

        // A timer tick: three adverts, one flush.
        driver.Reset();
        driver.Tick();
        Assert.Equal((3, 1), (driver.Queued, driver.Flushes));

        // Lower-priority adverts for each VRID: a master answers each at once. One by one: three flushes.
        driver.Reset();
        for (byte v = 1; v <= 3; v++)
        {
            driver.Receive(LowerPriorityAdvert(v));
        }

        Assert.Equal((3, 3), (driver.Queued, driver.Flushes));

        // The same three in one batch: the answers are performed in order and flushed once, at the end.
        driver.Reset();
        driver.ReceiveBatch([LowerPriorityAdvert(1), LowerPriorityAdvert(2), LowerPriorityAdvert(3)]);
        Assert.Equal((3, 1), (driver.Queued, driver.Flushes));
        Assert.Equal([1, 2, 3], driver.QueuedVrids);
    }

    private static byte[] LowerPriorityAdvert(byte vrid)
    {
        var buffer = new byte[64];
        int length = VrrpPacket.Write(buffer, new AdvertisementFields(VrrpVersion.V3, vrid, 100, 10), [VipOf(vrid)], [], Peer, Group);
        return buffer[..length];
    }

    /// <summary>A driver with no I/O that queues adverts and counts flushes; inputs are fed by the test.</summary>
    private sealed class QueueingDriver(VirtualClock clock) : VrrpDriver(new NullAddresses(), null, null, clock, null)
    {
        public int Queued { get; private set; }

        public int Flushes { get; private set; }

        public List<int> QueuedVrids { get; } = [];

        public void Reset()
        {
            Queued = Flushes = 0;
            QueuedVrids.Clear();
        }

        public void Tick() => clock.Advance(TimeSpan.FromMilliseconds(100));

        public void Receive(byte[] message) =>
            OnDatagram(0, message, new ReceivedDatagram(message.Length, false, Peer, Group, 255));

        public void ReceiveBatch(byte[][] messages) => ProcessBatch(
            (this, messages),
            static s =>
            {
                foreach (var m in s.messages)
                {
                    s.Item1.Receive(m);
                }
            });

        protected override ValueTask<IPAddressValue> OpenChannelAsync(int channel, VrrpChannelOptions options, CancellationToken cancellationToken) =>
            new(IPAddressValue.Parse("192.0.2.1"));

        protected override void StartReceiving()
        {
        }

        protected override Task StopReceivingAsync() => Task.CompletedTask;

        protected override void SendAdvertisement(in VirtualRouterAction send)
        {
            Queued++;
            QueuedVrids.Add(send.Router!.Configuration.VirtualRouterId);
        }

        protected override void FlushAdvertisements() => Flushes++;

        private ITimer? _timer;

        protected override void ArmTimer(long deadline, long now)
        {
            _timer ??= clock.CreateTimer(static s => ((QueueingDriver)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(deadline == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(1, (deadline - now + 99) / 100)), Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class NullAddresses : IVirtualAddressManager
    {
        public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) => new(false);

        public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
