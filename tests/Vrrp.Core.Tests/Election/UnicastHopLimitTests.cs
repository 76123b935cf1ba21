using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Tests.Election;

/// <summary>
/// Issue 11.1: the TTL / hop limit rule follows keepalived 2.2.7 (vrrp.c, vrrp_check_packet): multicast adverts must
/// arrive with 255 (RFC 9568 section 7.1); unicast adverts may cross routers and are checked only against a peer's
/// min_ttl / max_ttl (which also turn the source check on); unicast_ttl sets what unicast channels send.
/// </summary>
public class UnicastHopLimitTests
{
    private const long Second = ProtocolTimers.NanosecondsPerSecond;
    private static readonly IPAddressValue Local = IPAddressValue.Parse("10.1.0.11");
    private static readonly IPAddressValue Peer = IPAddressValue.Parse("10.2.0.12");
    private static readonly IPAddressValue Stranger = IPAddressValue.Parse("10.3.0.13");
    private static readonly IPAddressValue Group = IPAddressValue.Parse("224.0.0.18");

    private static VirtualRouterConfiguration Unicast(string name = "VI_U", byte vrid = 51) => new()
    {
        Name = name,
        InterfaceName = "eth0",
        VirtualRouterId = vrid,
        Priority = 100,
        VirtualAddresses = [VirtualAddress.Parse("192.0.2.100")],
        UnicastPeers = [Peer],
    };

    private static VirtualRouterConfiguration Multicast(string name = "VI_M", byte vrid = 52) => new()
    {
        Name = name,
        InterfaceName = "eth0",
        VirtualRouterId = vrid,
        Priority = 100,
        VirtualAddresses = [VirtualAddress.Parse("192.0.2.200")],
    };

    private static VirtualRouterSet Started(params VirtualRouterConfiguration[] configs)
    {
        var set = new VirtualRouterSet();
        foreach (var config in configs)
        {
            set.Add(config);
        }

        for (int i = 0; i < set.ChannelCount; i++)
        {
            set.SetLocalAddress(i, Local);
        }

        set.Start(0);
        while (set.TryPollAction(out _))
        {
        }

        return set;
    }

    // An IPv4 packet as a raw socket delivers it: header with the TTL, then the advert checksummed for the destination.
    private static byte[] Packet(IPAddressValue source, IPAddressValue destination, byte vrid, byte priority, byte ttl)
    {
        var sender = new VirtualRouter(Unicast("peer", vrid) with { Priority = priority }, source);
        var message = new byte[sender.AdvertisementLength];
        int length = sender.WriteAdvertisement(message, priority, destination);
        var packet = new byte[20 + length];
        packet[0] = 0x45;
        packet[2] = (byte)(packet.Length >> 8);
        packet[3] = (byte)packet.Length;
        packet[8] = ttl;
        packet[9] = VrrpPacket.IPProtocol;
        source.WriteTo(packet.AsSpan(12));
        destination.WriteTo(packet.AsSpan(16));
        message.AsSpan(0, length).CopyTo(packet.AsSpan(20));
        return packet;
    }

    private static DatagramResult Receive(VirtualRouterSet set, int channel, byte[] packet, IPAddressValue source, IPAddressValue destination) =>
        set.HandleDatagram(channel, packet, new ReceivedDatagram(packet.Length, true, source, destination, packet[8]), Second);

    [Theory]
    [InlineData(255)]
    [InlineData(254)] // one routed hop
    [InlineData(64)]
    [InlineData(1)]
    [InlineData(0)]   // keepalived's unicast_ttl 0 (it sends TTL 0)
    public void A_unicast_router_accepts_adverts_whatever_their_ttl(byte ttl)
    {
        var set = Started(Unicast());
        var result = Receive(set, 0, Packet(Peer, Local, 51, 200, ttl), Peer, Local);
        Assert.Equal(DropReason.None, result.Reason);
        Assert.Equal(Peer, set.Find("VI_U")!.MasterAddress);
        Assert.Equal(ttl, result.HopLimit);
    }

    [Fact]
    public void A_multicast_router_still_requires_ttl_255_even_on_a_channel_shared_with_a_unicast_router()
    {
        var set = Started(Unicast(), Multicast());
        Assert.Equal(1, set.ChannelCount); // same interface, family and source: one channel
        var dropped = Receive(set, 0, Packet(Peer, Group, 52, 200, 254), Peer, Group);
        Assert.Equal(("VI_M", DropReason.TtlNot255), (dropped.Router!.Name, dropped.Reason));
        Assert.Equal(1, set.Find("VI_M")!.Counters.GetDrops(DropReason.TtlNot255));
        Assert.Equal(DropReason.None, Receive(set, 0, Packet(Peer, Group, 52, 200, 255), Peer, Group).Reason);

        // The unicast router on the same channel takes TTL 254.
        Assert.Equal(DropReason.None, Receive(set, 0, Packet(Peer, Local, 51, 200, 254), Peer, Local).Reason);
    }

    [Fact]
    public void A_multicast_only_channel_keeps_the_codec_check_in_its_place()
    {
        // Step 2 comes before the VRID: a TTL 254 advert for an unknown VRID is counted as TtlNot255, unattributed.
        var set = Started(Multicast());
        var result = Receive(set, 0, Packet(Peer, Group, 99, 200, 254), Peer, Group);
        Assert.Equal(DropReason.TtlNot255, result.Reason);
        Assert.Equal(1, set.GetUnattributedDrops()[DropReason.TtlNot255]);
    }

    [Theory]
    [InlineData(254, 255, 255, true)]
    [InlineData(254, 255, 254, true)]
    [InlineData(254, 255, 253, false)] // two routed hops: refused with min_ttl 254
    [InlineData(0, 254, 255, false)]   // max_ttl 254: an advert from the link itself (255) is refused
    [InlineData(0, 253, 254, false)]
    [InlineData(0, 253, 253, true)]
    public void A_peer_range_drops_and_counts_adverts_outside_it(byte min, byte max, byte ttl, bool accepted)
    {
        var set = Started(Unicast() with { PeerHopLimits = new Dictionary<IPAddressValue, HopLimitRange> { [Peer] = new(min, max) } });
        var result = Receive(set, 0, Packet(Peer, Local, 51, 200, ttl), Peer, Local);
        Assert.Equal(accepted ? DropReason.None : DropReason.TtlOutOfRange, result.Reason);
        Assert.Equal(accepted ? 0 : 1, set.Find("VI_U")!.Counters.GetDrops(DropReason.TtlOutOfRange));
    }

    [Fact]
    public void A_peer_range_turns_on_the_source_check_as_in_keepalived()
    {
        var plain = Started(Unicast());
        Assert.Equal(DropReason.None, Receive(plain, 0, Packet(Stranger, Local, 51, 200, 255), Stranger, Local).Reason);

        var ranged = Started(Unicast() with { PeerHopLimits = new Dictionary<IPAddressValue, HopLimitRange> { [Peer] = new(0, 255) } });
        Assert.Equal(DropReason.UnicastSourceNotAllowed, Receive(ranged, 0, Packet(Stranger, Local, 51, 200, 255), Stranger, Local).Reason);
    }

    [Fact]
    public void The_unicast_ttl_is_a_channel_setting_and_unicast_routers_with_different_ones_get_different_channels()
    {
        var set = Started(
            Unicast("A", 1) with { UnicastHopLimit = 64 },
            Unicast("B", 2) with { UnicastHopLimit = 64 },
            Unicast("C", 3),
            Multicast("D", 4));
        Assert.Equal(2, set.ChannelCount);
        Assert.Equal((64, 255), (set.GetChannel(0).UnicastHopLimit, set.GetChannel(1).UnicastHopLimit));
        Assert.Equal((0, 0, 1), (set.Find("A")!.ChannelIndex, set.Find("B")!.ChannelIndex, set.Find("C")!.ChannelIndex));

        // A multicast router fits any channel of its interface (its adverts leave with 255 whatever the unicast TTL);
        // the channel then joins the group.
        Assert.Equal(0, set.Find("D")!.ChannelIndex);
        Assert.True(set.GetChannel(0).JoinMulticastGroup);
        Assert.False(set.GetChannel(1).JoinMulticastGroup);
    }

    [Fact]
    public void Configuration_mistakes_are_refused_with_their_reason()
    {
        (Unicast() with { UnicastHopLimit = 0 }).Validate(); // keepalived's unicast_ttl 0: sent as TTL 0
        Assert.Equal(0, Started(Unicast() with { UnicastHopLimit = 0 }).GetChannel(0).UnicastHopLimit);
        var notPeer = Assert.Throws<ArgumentException>(() => (Unicast() with { PeerHopLimits = new Dictionary<IPAddressValue, HopLimitRange> { [Stranger] = new(1, 2) } }).Validate());
        Assert.Contains("not a unicast peer", notPeer.Message, StringComparison.Ordinal);
        var inverted = Assert.Throws<ArgumentException>(() => (Unicast() with { PeerHopLimits = new Dictionary<IPAddressValue, HopLimitRange> { [Peer] = new(200, 100) } }).Validate());
        Assert.Contains("min_ttl 200 > max_ttl 100", inverted.Message, StringComparison.Ordinal);
    }
}
