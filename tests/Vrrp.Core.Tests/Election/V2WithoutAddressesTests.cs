using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Tests.Election;

/// <summary>
/// A VRRPv2 router without virtual addresses, which keepalived 2.2.7 runs ("No VIP specified; at least one is
/// sensible"): its adverts carry Count IP Addrs 0 (RFC 3768 section 5.3.5 sets no lower bound), it takes such adverts
/// from a peer, and a router with addresses still drops them (keepalived: "received an unexpected ip number count").
/// </summary>
public class V2WithoutAddressesTests
{
    private const long Second = ProtocolTimers.NanosecondsPerSecond;
    private static readonly IPAddressValue Local = IPAddressValue.Parse("192.0.2.12");
    private static readonly IPAddressValue Peer = IPAddressValue.Parse("192.0.2.11");
    private static readonly IPAddressValue Group = IPAddressValue.Parse("224.0.0.18");

    private static VirtualRouterConfiguration Config(byte priority = 100, bool addresses = false, VrrpVersion version = VrrpVersion.V2) => new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 51,
        Priority = priority,
        Version = version,
        VirtualAddresses = addresses ? [VirtualAddress.Parse("192.0.2.100/32")] : [],
    };

    private static VirtualRouterSet Started(VirtualRouterConfiguration config)
    {
        var set = new VirtualRouterSet();
        set.Add(config);
        set.SetLocalAddress(0, Local);
        set.Start(0);
        while (set.TryPollAction(out _))
        {
        }

        return set;
    }

    // A VRRPv2 advert from the peer without addresses, as an IPv4 raw socket delivers it.
    private static byte[] Packet(byte priority)
    {
        var sender = new VirtualRouter(Config(priority), Peer);
        var message = new byte[sender.AdvertisementLength];
        int length = sender.WriteAdvertisement(message, priority, Group);
        var packet = new byte[20 + length];
        packet[0] = 0x45;
        packet[2] = (byte)(packet.Length >> 8);
        packet[3] = (byte)packet.Length;
        packet[8] = 255;
        packet[9] = VrrpPacket.IPProtocol;
        Peer.WriteTo(packet.AsSpan(12));
        Group.WriteTo(packet.AsSpan(16));
        message.AsSpan(0, length).CopyTo(packet.AsSpan(20));
        return packet;
    }

    private static DatagramResult Receive(VirtualRouterSet set, byte[] packet) =>
        set.HandleDatagram(0, packet, new ReceivedDatagram(packet.Length, true, Peer, Group, 255), Second);

    [Fact]
    public void Only_a_v2_router_may_have_no_address()
    {
        Config().Validate();
        Assert.Equal(VrrpAddressFamily.IPv4, Config().Family);
        var error = Assert.Throws<ArgumentException>(() => Config(version: VrrpVersion.V3).Validate());
        Assert.Contains("0..255 with VRRPv2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Its_adverts_carry_a_count_of_0_and_parse_as_keepalived_s()
    {
        var router = new VirtualRouter(Config(200), Local);
        Assert.Equal(16, router.AdvertisementLength); // 8-byte header and 8 bytes of authentication data, no address
        var buffer = new byte[router.AdvertisementLength];
        int length = router.WriteAdvertisement(buffer, 200, Group);
        Assert.Equal(16, length);
        Assert.Equal((0x21, 51, 200, 0), (buffer[0], buffer[1], buffer[2], buffer[3]));
        Assert.Equal(0xFFFF, InternetChecksum.Fold(InternetChecksum.Add(buffer.AsSpan(0, length), 0)));

        // The public codec, which knows no instance, keeps the RFC 9568 rule (count 0 dropped).
        Assert.False(VrrpPacket.TryParseMessage(buffer.AsSpan(0, length), VrrpAddressFamily.IPv4, Local, Group, 255, null, out _, out var reason));
        Assert.Equal(DropReason.ZeroAddressCount, reason);
    }

    [Fact]
    public void A_router_without_addresses_takes_a_peer_s_count_0_advert()
    {
        var set = Started(Config(100));
        var result = Receive(set, Packet(200));
        Assert.Equal(DropReason.None, result.Reason);
        var router = set.Find("VI_1")!;
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Equal(Peer, router.MasterAddress);
        Assert.Equal(1, router.Counters.AdvertisementsReceived);
    }

    [Fact]
    public void A_router_with_addresses_still_drops_a_count_0_advert()
    {
        var set = Started(Config(100, addresses: true));
        var result = Receive(set, Packet(200));
        Assert.Equal(DropReason.ZeroAddressCount, result.Reason);
        Assert.Equal(1, set.Find("VI_1")!.Counters.GetDrops(DropReason.ZeroAddressCount));
        Assert.Null(set.Find("VI_1")!.MasterAddress);
    }

    [Fact]
    public void A_router_without_addresses_becomes_master_and_sends_count_0()
    {
        var set = Started(Config(100));
        set.HandleTimeout(10 * Second);
        var router = set.Find("VI_1")!;
        Assert.Equal(VrrpState.Master, router.State);
        bool sent = false;
        var buffer = new byte[64];
        while (set.TryPollAction(out var action))
        {
            if (action.Kind == VirtualRouterActionKind.SendAdvertisement)
            {
                int length = router.WriteAdvertisement(in action, buffer);
                Assert.Equal(16, length);
                Assert.Equal(0, buffer[3]);
                sent = true;
            }
        }

        Assert.True(sent);
    }
}
