using System.Buffers.Binary;
using System.Text.Json;
using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Tests.Packets;

namespace Vrrp.Tests.Election;

/// <summary>
/// keepalived's <c>old_unicast_checksum</c> (2.2.7 vrrp.c / vrrp_parser.c): a VRRPv3/IPv4 unicast advert whose
/// pseudo-header destination is the multicast group instead of the peer. The codec recognises the form (with a real
/// keepalived capture), the router decides as keepalived does: <see cref="OldUnicastChecksum.Always"/> sends and accepts
/// only it, <see cref="OldUnicastChecksum.Auto"/> switches for good on a unicast peer's advert with it,
/// <see cref="OldUnicastChecksum.Never"/> drops it as a bad checksum.
/// </summary>
public class OldUnicastChecksumTests
{
    private const long Second = ProtocolTimers.NanosecondsPerSecond;

    // The capture's addresses: keepalived at .11 sent to its peer .12, which is ours here.
    private static readonly IPAddressValue Keepalived = IPAddressValue.Parse("192.0.2.11");
    private static readonly IPAddressValue Local = IPAddressValue.Parse("192.0.2.12");
    private static readonly IPAddressValue Group = IPAddressValue.Parse("224.0.0.18");

    private static readonly byte[][] Captured = LoadCaptures();

    private static byte[][] LoadCaptures()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(VrrpVectors.VectorPath("keepalived-2.2.7-old-unicast-checksum.json")));
        return [.. document.RootElement.GetProperty("packets").EnumerateArray().Select(static p => Convert.FromHexString(p.GetProperty("ip_packet_hex").GetString()!))];
    }

    private static VirtualRouterConfiguration Config(OldUnicastChecksum mode, bool unicast = true, byte priority = 100, IPAddressValue? group = null) => new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 77,
        Priority = priority,
        AdvertisementInterval = TimeSpan.FromSeconds(1),
        VirtualAddresses = [VirtualAddress.Parse("192.0.2.177/32")],
        UnicastPeers = unicast ? [Keepalived] : [],
        OldUnicastChecksum = mode,
        MulticastGroup = group,
    };

    private static (VirtualRouterSet Set, VirtualRouter Router) Started(VirtualRouterConfiguration config)
    {
        var set = new VirtualRouterSet();
        var router = set.Add(config);
        set.SetLocalAddress(0, Local);
        set.Start(0);
        while (set.TryPollAction(out _))
        {
        }

        return (set, router);
    }

    private static DatagramResult Receive(VirtualRouterSet set, byte[] packet) =>
        set.HandleDatagram(0, packet, new ReceivedDatagram(packet.Length, true, IPAddressValue.FromIPv4(packet.AsSpan(12)), IPAddressValue.FromIPv4(packet.AsSpan(16)), packet[8]), Second);

    // keepalived's advert as the RFC form would have it (the peer's address in the pseudo-header).
    private static byte[] NewForm(byte[] captured)
    {
        byte[] packet = (byte[])captured.Clone();
        var message = packet.AsSpan(20);
        message[6] = 0;
        message[7] = 0;
        ulong sum = InternetChecksum.Add(message, InternetChecksum.IPv4PseudoHeader(Keepalived, Local, VrrpPacket.IPProtocol, message.Length));
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], (ushort)~InternetChecksum.Fold(sum));
        return packet;
    }

    private static List<VirtualRouterActionKind> Actions(VirtualRouterSet set)
    {
        var kinds = new List<VirtualRouterActionKind>();
        while (set.TryPollAction(out var action))
        {
            kinds.Add(action.Kind);
        }

        return kinds;
    }

    [Fact]
    public void The_codec_recognises_keepalived_s_captured_old_form_and_reports_it()
    {
        Assert.Equal(2, Captured.Length);
        foreach (byte[] packet in Captured)
        {
            Assert.True(VrrpPacket.TryParseIPv4Packet(packet, VrrpVersion.V3, out var advert, out var reason), reason.ToString());
            Assert.Equal(ChecksumForm.IPv4OldUnicast, advert.ChecksumForm);
            Assert.Equal((77, Keepalived, Local), (advert.VirtualRouterId, advert.Source, advert.Destination));
            Assert.Equal(IPAddressValue.Parse("192.0.2.177"), advert.GetAddress(0));
        }

        // Its RFC form is still the RFC form; another group in the old form does not match.
        Assert.True(VrrpPacket.TryParseIPv4Packet(NewForm(Captured[0]), VrrpVersion.V3, out var rfc, out _));
        Assert.Equal(ChecksumForm.IPv4PseudoHeader, rfc.ChecksumForm);
        Assert.False(VrrpPacket.TryParseIPv4Packet(Captured[0], VrrpVersion.V3, checkHopLimit: true, IPAddressValue.Parse("224.0.0.19"), zeroCountAllowed: false, out _, out var other));
        Assert.Equal(DropReason.BadChecksum, other);
    }

    [Theory]
    [InlineData(0, 200)]
    [InlineData(1, 0)]
    public void Always_writes_keepalived_s_bytes(int index, byte priority)
    {
        // Ours as keepalived was configured (source .11, peer .12): the message is byte for byte keepalived's.
        var router = new VirtualRouter(Config(OldUnicastChecksum.Always, priority: 200) with { UnicastPeers = [Local] }, Keepalived);
        Assert.True(router.UsesOldUnicastChecksum);
        var buffer = new byte[router.AdvertisementLength];
        int length = router.WriteAdvertisement(buffer, priority, Local);
        Assert.Equal(Convert.ToHexString(Captured[index].AsSpan(20)), Convert.ToHexString(buffer.AsSpan(0, length)));

        var rfc = new VirtualRouter(Config(OldUnicastChecksum.Auto, priority: 200) with { UnicastPeers = [Local] }, Keepalived);
        Assert.False(rfc.UsesOldUnicastChecksum);
        length = rfc.WriteAdvertisement(buffer, priority, Local);
        Assert.Equal(Convert.ToHexString(NewForm(Captured[index]).AsSpan(20)), Convert.ToHexString(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void Auto_switches_for_good_on_a_unicast_peer_s_old_form_as_keepalived()
    {
        var (set, router) = Started(Config(OldUnicastChecksum.Auto));
        Assert.False(router.UsesOldUnicastChecksum);
        Assert.Equal(DropReason.None, Receive(set, NewForm(Captured[0])).Reason);
        Assert.False(router.UsesOldUnicastChecksum);

        Assert.Equal(DropReason.None, Receive(set, Captured[0]).Reason);
        Assert.True(router.UsesOldUnicastChecksum);
        Assert.Contains(VirtualRouterActionKind.OldUnicastChecksumAdopted, Actions(set));
        Assert.Equal(Keepalived, router.MasterAddress);

        // From now on only the old form is taken (keepalived checks the pseudo-header with the group only)...
        Assert.Equal(DropReason.BadChecksum, Receive(set, NewForm(Captured[0])).Reason);
        Assert.Equal(1, router.Counters.GetDrops(DropReason.BadChecksum));
        Assert.Equal(DropReason.None, Receive(set, Captured[0]).Reason);
        Assert.DoesNotContain(VirtualRouterActionKind.OldUnicastChecksumAdopted, Actions(set));

        // ...and sent: the pseudo-header names 224.0.0.18, whatever the peer.
        var buffer = new byte[router.AdvertisementLength];
        int length = router.WriteAdvertisement(buffer, 100, Keepalived);
        ulong old = InternetChecksum.Add(buffer.AsSpan(0, length), InternetChecksum.IPv4PseudoHeader(Local, Group, VrrpPacket.IPProtocol, length));
        Assert.Equal(0xFFFF, InternetChecksum.Fold(old));
    }

    [Fact]
    public void Auto_on_a_multicast_router_does_not_switch()
    {
        // keepalived tries the old form only for a unicast instance.
        var (set, router) = Started(Config(OldUnicastChecksum.Auto, unicast: false));
        Assert.Equal(DropReason.BadChecksum, Receive(set, Captured[0]).Reason);
        Assert.False(router.UsesOldUnicastChecksum);
    }

    [Fact]
    public void Never_drops_the_old_form_and_keeps_the_rfc_form()
    {
        var (set, router) = Started(Config(OldUnicastChecksum.Never));
        Assert.Equal(DropReason.BadChecksum, Receive(set, Captured[0]).Reason);
        Assert.Equal(1, router.Counters.GetDrops(DropReason.BadChecksum));
        Assert.False(router.UsesOldUnicastChecksum);
        Assert.Null(router.MasterAddress);
        Assert.Equal(DropReason.None, Receive(set, NewForm(Captured[0])).Reason);
    }

    [Fact]
    public void Always_takes_the_old_form_only()
    {
        var (set, router) = Started(Config(OldUnicastChecksum.Always));
        Assert.Equal(DropReason.BadChecksum, Receive(set, NewForm(Captured[0])).Reason);
        Assert.Equal(DropReason.None, Receive(set, Captured[0]).Reason);
        Assert.DoesNotContain(VirtualRouterActionKind.OldUnicastChecksumAdopted, Actions(set));
        Assert.Equal(Keepalived, router.MasterAddress);
    }

    [Fact]
    public void The_old_form_uses_the_configured_group()
    {
        // vrrp_mcast_group4 224.0.0.19: keepalived's old form puts that group in the pseudo-header; its 224.0.0.18 form is then wrong.
        var nineteen = IPAddressValue.Parse("224.0.0.19");
        var (set, router) = Started(Config(OldUnicastChecksum.Auto, group: nineteen));
        Assert.Equal(DropReason.BadChecksum, Receive(set, Captured[0]).Reason);

        byte[] packet = (byte[])Captured[0].Clone();
        var message = packet.AsSpan(20);
        message[6] = 0;
        message[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], (ushort)~InternetChecksum.Fold(InternetChecksum.Add(message, InternetChecksum.IPv4PseudoHeader(Keepalived, nineteen, VrrpPacket.IPProtocol, message.Length))));
        Assert.Equal(DropReason.None, Receive(set, packet).Reason);
        Assert.True(router.UsesOldUnicastChecksum);
    }

    [Fact]
    public void Changing_the_mode_in_place_resets_the_form_and_keeping_it_keeps_a_learnt_switch()
    {
        var (set, router) = Started(Config(OldUnicastChecksum.Auto));
        Receive(set, Captured[0]);
        Assert.True(router.UsesOldUnicastChecksum);
        router.Reconfigure(Config(OldUnicastChecksum.Auto, priority: 90), 2 * Second);
        Assert.True(router.UsesOldUnicastChecksum);
        router.Reconfigure(Config(OldUnicastChecksum.Never, priority: 90), 3 * Second);
        Assert.False(router.UsesOldUnicastChecksum);
        router.Reconfigure(Config(OldUnicastChecksum.Always, priority: 90), 4 * Second);
        Assert.True(router.UsesOldUnicastChecksum);
    }
}
