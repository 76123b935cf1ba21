using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

public class SteadyStateAllocationTests
{
    [Fact]
    public async Task Adverts_of_255_instances_at_10_ms_allocate_nothing_in_steady_state()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 1) { RecordEvents = false };
        var master = lan.AddNode("master");
        var backup = lan.AddNode("backup");
        for (int v = 1; v <= 255; v++)
        {
            master.AddRouter(Config(200, vrid: (byte)v, interval: TimeSpan.FromMilliseconds(10)) with { VirtualAddresses = [new VirtualAddress(IPAddressValue.FromIPv4([10, 98, 0, (byte)v]))] });
            backup.AddRouter(Config(100, vrid: (byte)v, interval: TimeSpan.FromMilliseconds(10)) with { VirtualAddresses = [new VirtualAddress(IPAddressValue.FromIPv4([10, 98, 0, (byte)v]))] });
        }

        await lan.StartAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromSeconds(6));   // election, takeover announcements and the second burst (5 s)
        Assert.All(master.Routers, r => Assert.Equal(VrrpState.Master, r.State));

        long sentBefore = master.Routers.Sum(r => r.GetStatus().AdvertisementsSent);
        long receivedBefore = backup.Routers.Sum(r => r.GetStatus().AdvertisementsReceived);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int cycle = 0; cycle < 100; cycle++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long sent = master.Routers.Sum(r => r.GetStatus().AdvertisementsSent) - sentBefore;
        long received = backup.Routers.Sum(r => r.GetStatus().AdvertisementsReceived) - receivedBefore;
        TestContext.Current.TestOutputHelper?.WriteLine($"{sent} adverts sent, {received} received, {allocated} bytes allocated");
        Assert.Equal(25_500, sent);
        Assert.Equal(25_500, received);
        Assert.Equal(0, allocated);
    }
}
