using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Tests.Election;

/// <summary>
/// RFC 9568 section 5.1.1.3 / 5.1.2.3 and RFC 3768 section 5.2.3: adverts are sent with TTL / hop limit 255. The core
/// does NOT decide it: <see cref="VirtualRouter.WriteAdvertisement(Span{byte}, byte)"/> writes the bare VRRP message,
/// with no IP header and so no TTL field, and <see cref="IVrrpTransport"/> makes 255 the platform's duty. The Linux
/// transport sets IP_TTL, IP_MULTICAST_TTL and the IPv6 hop limits to 255 (checked on the wire in Vrrp.Linux.Tests:
/// TransportTests, FailoverTests, FrrInteropTests, V2TimingInteropTests read ip.ttl / ipv6.hlim). What the core does
/// decide, the receive check (drop unless 255), is in Packets/DropReasonTests. This test pins the boundary: if the
/// core ever started writing IP headers it would have to take over the TTL, and this test would say so.
/// </summary>
public class SendHopLimitTests
{
    [Trait("Rfc", "9568-5.1.1.3-a")]
    [Theory]
    [InlineData(VrrpVersion.V2, "192.0.2.100", "192.0.2.5", 0x21, 20)]
    [InlineData(VrrpVersion.V3, "192.0.2.100", "192.0.2.5", 0x31, 12)]
    [InlineData(VrrpVersion.V3, "fe80::100", "fe80::5", 0x31, 24)]
    public void The_core_writes_a_bare_vrrp_message_and_leaves_the_ttl_to_the_platform(VrrpVersion version, string vip, string local, byte versionAndType, int length)
    {
        var router = new VirtualRouter(
            new VirtualRouterConfiguration
            {
                Name = "VI_1",
                InterfaceName = "eth0",
                VirtualRouterId = 7,
                Version = version,
                VirtualAddresses = [VirtualAddress.Parse(vip)],
            },
            IPAddressValue.Parse(local));
        byte[] buffer = new byte[64];
        int written = router.WriteAdvertisement(buffer, 100, router.MulticastGroup);

        Assert.Equal(length, written);                          // v2 16 + 4n, v3/IPv4 8 + 4n, v3/IPv6 8 + 16n: no IP header
        Assert.Equal(router.AdvertisementLength, written);
        Assert.Equal(versionAndType, buffer[0]);                // an IPv4 header would start 0x45, an IPv6 one 0x6_
        Assert.Equal(7, buffer[1]);
        Assert.Equal(255, VrrpPacket.RequiredHopLimit);          // what receivers demand of the platform's packets
    }
}
