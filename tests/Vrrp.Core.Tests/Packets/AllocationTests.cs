using Vrrp.Packets;
using static Vrrp.Tests.Packets.PacketBuilder;

namespace Vrrp.Tests.Packets;

/// <summary>Parse, check and write allocate nothing (the per-packet path). Figures come from the benchmarks; this asserts zero bytes.</summary>
public class AllocationTests
{
    [Fact]
    public void Parse_check_and_write_allocate_nothing()
    {
        byte[] v2 = IPv4(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, password: "secret\0\0"u8.ToArray()));
        byte[] v3 = IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4, count: 3));
        byte[] v3MessageOnly = IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4, mode: Ipv4ChecksumMode.MessageOnly));
        byte[] v6 = Message(VrrpVersion.V3, VrrpAddressFamily.IPv6, count: 3);
        byte[] bad = [.. v3[..^1]];
        var v4Addresses = Addresses(VrrpAddressFamily.IPv4, 3);
        var v6Addresses = Addresses(VrrpAddressFamily.IPv6, 3);
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        byte[] password = new byte[8];

        long checksum = 0;
        void Loop(int iterations)
        {
            for (int i = 0; i < iterations; i++)
            {
                VrrpPacket.TryParseIPv4Packet(v2, VrrpVersion.V2, out var a, out _);
                checksum += a.Checksum + (int)VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, "secret"u8);
                checksum += a.GetAddress(0).Length;
                VrrpPacket.TryParseIPv4Packet(v3, null, out a, out _);
                checksum += a.Checksum + (a.AddressesMatch(v4Addresses) ? 1 : 0) + (a.ContainsAddress(V4Source) ? 1 : 0);
                VrrpPacket.TryParseIPv4Packet(v3MessageOnly, null, out a, out _);
                checksum += a.Checksum;
                VrrpPacket.TryParseMessage(v6, VrrpAddressFamily.IPv6, V6Source, V6Group, 255, VrrpVersion.V3, out a, out _);
                checksum += a.Checksum + (int)VrrpPacket.CheckFirstAddressLinkLocal(a);
                VrrpPacket.TryParseIPv4Packet(bad, null, out _, out var reason);
                checksum += (int)reason;
                checksum += VrrpPacket.Write(buffer, new AdvertisementFields(VrrpVersion.V2, 1, 100, 1, AuthenticationType.SimplePassword), v4Addresses, password, V4Source, V4Group);
                checksum += VrrpPacket.Write(buffer, new AdvertisementFields(VrrpVersion.V3, 1, 100, 100), v4Addresses, default, V4Source, V4Group);
                checksum += VrrpPacket.Write(buffer, new AdvertisementFields(VrrpVersion.V3, 1, 100, 100), v6Addresses, default, V6Source, V6Group);
                VrrpPacket.EncodePassword("secret", password);
            }
        }

        Loop(1000); // warm up (tiered JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        Loop(10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"allocated {allocated} bytes over 10,000 iterations (checksum {checksum})");
        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }
}
