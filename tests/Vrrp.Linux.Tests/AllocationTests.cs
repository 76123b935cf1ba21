using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Allocation of the per-packet paths (send, receive with metadata) measured over many packets on real sockets, and
/// printed. Debug builds allocate every async state machine, and the BCL's own Socket.ReceiveAsync allocates a little
/// on Unix, so the assertion is a regression bound that a per-packet buffer, endpoint or address object would break
/// (any of those is 40+ bytes; a packet buffer 1500), not zero. Release measures 0.1 to 2 bytes per packet (the BCL's, amortised).
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class AllocationTests
{
    [Theory]
    [InlineData(VrrpAddressFamily.IPv4)]
    [InlineData(VrrpAddressFamily.IPv6)]
    public async Task Send_and_receive_allocate_no_buffers_or_addresses_per_packet(VrrpAddressFamily family)
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        var h2 = lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
        using var p1 = LinuxVrrpPlatform.Create(h1.Namespace);
        using var p2 = LinuxVrrpPlatform.Create(h2.Namespace);
        var ct = TestContext.Current.CancellationToken;
        var options = new VrrpChannelOptions { InterfaceName = "eth0", Family = family };
        await using var sender = await p1.Transport.OpenAsync(options, ct);
        await using var receiver = await p2.Transport.OpenAsync(options, ct);
        ReadOnlyMemory<byte> advert = family == VrrpAddressFamily.IPv4
            ? TestAdverts.V3(51, 100, 100, sender.LocalAddress, IPAddressValue.Parse("224.0.0.18"), "192.0.2.100")
            : TestAdverts.V3(51, 100, 100, default, default, "fe80::1");
        Memory<byte> buffer = new byte[1500];
        var destination = sender.LocalAddress.Family == VrrpAddressFamily.IPv4 ? IPAddressValue.Parse("224.0.0.18") : IPAddressValue.Parse("ff02::12");

        async Task<long> Exchange(int count)
        {
            long hops = 0;
            for (int i = 0; i < count; i++)
            {
                var receive = receiver.ReceiveAsync(buffer, CancellationToken.None);
                await sender.SendAsync(advert, destination, CancellationToken.None);
                hops += (await receive).HopLimit;
            }

            return hops;
        }

        Assert.Equal(255 * 200, await Exchange(200)); // warm up: JIT, socket engine, pooled operation objects
        const int Packets = 2000;
        long before = GC.GetTotalAllocatedBytes(precise: true);
        long hopSum = await Exchange(Packets);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"{family}: {allocated} bytes allocated in the whole process over {Packets} send+receive pairs ({(double)allocated / Packets:F1} per packet)");
        Assert.Equal(255L * Packets, hopSum);

#if DEBUG
        const int PerPacketBound = 400; // Debug: async state machines are classes (about 100 bytes per async call)
#else
        const int PerPacketBound = 16; // Release: measured 0.1 to 2 bytes per packet
#endif
        Assert.True(allocated < Packets * PerPacketBound, $"{allocated} bytes for {Packets} packets ({(double)allocated / Packets:F1} per packet; bound {PerPacketBound})");
    }
}
