using System.Buffers.Binary;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Tests.Election;

/// <summary>
/// auth_type AH in the router and the router set: its own channel (IP protocol 51), the sequence number keepalived 2.2.7
/// keeps (one counter for sending and receiving, replays dropped, a master continuing from a lower-priority master's
/// number), and ICV failures counted.
/// </summary>
[Trait("Rfc", "3768-5.3.6-a")]
public class AuthenticationHeaderRouterTests
{
    private const long Second = ProtocolTimers.NanosecondsPerSecond;
    private static readonly IPAddressValue Local = IPAddressValue.Parse("10.0.0.5");
    private static readonly IPAddressValue Peer = IPAddressValue.Parse("10.0.0.9");
    private static readonly IPAddressValue Group = IPAddressValue.Parse("224.0.0.18");

    private static VirtualRouterConfiguration Config(string name, byte vrid, byte priority = 100, string key = "s3cret", bool ah = true, params string[] peers) => new()
    {
        Name = name,
        InterfaceName = "eth0",
        VirtualRouterId = vrid,
        Priority = priority,
        Version = VrrpVersion.V2,
        AuthenticationType = ah ? AuthenticationType.IPAuthenticationHeader : AuthenticationType.None,
        AuthenticationPassword = ah ? key : null,
        VirtualAddresses = [VirtualAddress.Parse($"192.0.2.{vrid}")],
        UnicastPeers = [.. peers.Select(IPAddressValue.Parse)],
        UnicastHopLimit = 64,
    };

    private static List<VirtualRouterAction> Drain(VirtualRouterSet set)
    {
        var actions = new List<VirtualRouterAction>();
        while (set.TryPollAction(out var action))
        {
            actions.Add(action);
        }

        return actions;
    }

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
        Drain(set);
        return set;
    }

    // An AH advert as a keepalived peer would send it: sequence number and key chosen by the test.
    private static byte[] AdvertFrom(IPAddressValue source, byte vrid, byte priority, uint sequence, string key = "s3cret")
    {
        var peer = new VirtualRouter(Config("peer", vrid, Math.Max((byte)1, priority), key), source);
        var buffer = new byte[peer.AdvertisementLength];
        int length = peer.WriteAdvertisement(buffer, priority, Group, sequence, (ushort)sequence);
        AuthenticationHeader.FillHeaderChecksum(buffer);
        return buffer[..length];
    }

    private static ReceivedDatagram From(IPAddressValue source, byte[] bytes) => new(bytes.Length, true, source, Group, bytes[8]);

    private static uint SequenceOf(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[28..]);

    [Fact]
    public void AH_routers_get_their_own_channel_of_protocol_51()
    {
        var set = Started(Config("AH", 1), Config("PLAIN", 2, ah: false), Config("AH2", 3));
        Assert.Equal(2, set.ChannelCount);
        Assert.True(set.GetChannel(set.Find("AH")!.ChannelIndex).IPAuthenticationHeader);
        Assert.Equal(set.Find("AH")!.ChannelIndex, set.Find("AH2")!.ChannelIndex);
        Assert.False(set.GetChannel(set.Find("PLAIN")!.ChannelIndex).IPAuthenticationHeader);
        Assert.False(VirtualRouterSet.IsSameVirtualRouter(Config("AH", 1), Config("AH", 1, ah: false)));
    }

    [Fact]
    public void A_backup_accepts_rising_sequence_numbers_and_drops_replays_and_wrong_keys_as_authentication_failures()
    {
        var set = Started(Config("B", 7, priority: 100));
        var router = set.Find("B")!;
        int channel = router.ChannelIndex;

        byte[] first = AdvertFrom(Peer, 7, 200, 5);
        Assert.Equal(DropReason.None, set.HandleDatagram(channel, first, From(Peer, first), Second).Reason);
        Assert.Equal(5u, router.AuthenticationSequence);
        long deadline = router.NextTimeout!.Value;

        // The same advert again (a replay), an older one, and a newer one with another key: dropped, counted, ignored.
        byte[] older = AdvertFrom(Peer, 7, 200, 4);
        byte[] wrongKey = AdvertFrom(Peer, 7, 200, 9, key: "guess");
        Assert.Equal(DropReason.AuthenticationFailure, set.HandleDatagram(channel, first, From(Peer, first), 2 * Second).Reason);
        Assert.Equal(DropReason.AuthenticationFailure, set.HandleDatagram(channel, older, From(Peer, older), 2 * Second).Reason);
        Assert.Equal(DropReason.AuthenticationFailure, set.HandleDatagram(channel, wrongKey, From(Peer, wrongKey), 2 * Second).Reason);
        Assert.Equal(3, router.Counters.GetDrops(DropReason.AuthenticationFailure));
        Assert.Equal(deadline, router.NextTimeout);   // no dropped advert refreshed the master-down timer
        Assert.Equal(5u, router.AuthenticationSequence);

        byte[] next = AdvertFrom(Peer, 7, 200, 6);
        Assert.Equal(DropReason.None, set.HandleDatagram(channel, next, From(Peer, next), 3 * Second).Reason);
        Assert.Equal(6u, router.AuthenticationSequence);
        Assert.True(router.NextTimeout > deadline);
    }

    [Fact]
    public void A_backup_that_takes_over_continues_the_master_s_sequence_numbers()
    {
        var set = Started(Config("B", 7, priority: 100));
        var router = set.Find("B")!;
        byte[] advert = AdvertFrom(Peer, 7, 200, 1000);
        set.HandleDatagram(router.ChannelIndex, advert, From(Peer, advert), Second);

        long now = router.NextTimeout!.Value;
        set.HandleTimeout(now);
        var sends = Drain(set).Where(a => a.Kind == VirtualRouterActionKind.SendAdvertisement).ToList();
        Assert.Equal(VrrpState.Master, router.State);
        var send = Assert.Single(sends);
        byte[] buffer = new byte[router.AdvertisementLength];
        router.WriteAdvertisement(in send, buffer);
        Assert.Equal(1001u, SequenceOf(buffer));
        Assert.Equal(51, buffer[9]);
        Assert.Equal(255, buffer[8]);
        Assert.True(AuthenticationHeader.VerifyIcv(buffer, Key("s3cret"), zeroTtl: false));
    }

    [Fact]
    public void A_master_hearing_a_lower_priority_master_continues_after_its_number()
    {
        var set = Started(Config("M", 7, priority: 200));
        var router = set.Find("M")!;
        set.HandleTimeout(router.NextTimeout!.Value);
        Drain(set);
        Assert.Equal(VrrpState.Master, router.State);

        byte[] lower = AdvertFrom(Peer, 7, 100, 500);
        long now = 10 * Second;
        Assert.Equal(DropReason.None, set.HandleDatagram(router.ChannelIndex, lower, From(Peer, lower), now).Reason);
        var answer = Drain(set).Single(a => a.Kind == VirtualRouterActionKind.SendAdvertisement);
        byte[] buffer = new byte[router.AdvertisementLength];
        router.WriteAdvertisement(in answer, buffer);

        // keepalived: the counter takes the advert's 500, is set to 501 for the lower priority, and the answer is 502.
        Assert.Equal(502u, SequenceOf(buffer));
    }

    [Fact]
    public void Unicast_adverts_share_one_sequence_number_and_identification_and_leave_the_TTL_out_of_the_ICV()
    {
        var set = Started(Config("U", 9, priority: 255, peers: ["10.0.0.7", "10.0.0.8"]));
        var router = set.Find("U")!;
        var sends = Drain(set).Where(a => a.Kind == VirtualRouterActionKind.SendAdvertisement).ToList();
        if (sends.Count == 0)
        {
            set.HandleTimeout(router.NextTimeout!.Value);
            sends = [.. Drain(set).Where(a => a.Kind == VirtualRouterActionKind.SendAdvertisement)];
        }

        Assert.Equal(2, sends.Count);
        var packets = sends.Select(s =>
        {
            byte[] b = new byte[router.AdvertisementLength];
            router.WriteAdvertisement(in s, b);
            return b;
        }).ToList();
        Assert.Equal(SequenceOf(packets[0]), SequenceOf(packets[1]));
        Assert.Equal(packets[0][4..6], packets[1][4..6]);
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(packets[0].AsSpan(4)));
        Assert.Equal(IPAddressValue.Parse("10.0.0.7"), IPAddressValue.FromIPv4(packets[0].AsSpan(16)));
        Assert.Equal(IPAddressValue.Parse("10.0.0.8"), IPAddressValue.FromIPv4(packets[1].AsSpan(16)));
        foreach (byte[] p in packets)
        {
            Assert.Equal(64, p[8]);
            Assert.True(AuthenticationHeader.VerifyIcv(p, Key("s3cret"), zeroTtl: true));
            Assert.False(AuthenticationHeader.VerifyIcv(p, Key("s3cret"), zeroTtl: false));
        }

        // The next advert has the next number.
        set.HandleTimeout(router.NextTimeout!.Value);
        var next = Drain(set).First(a => a.Kind == VirtualRouterActionKind.SendAdvertisement);
        byte[] again = new byte[router.AdvertisementLength];
        router.WriteAdvertisement(in next, again);
        Assert.Equal(SequenceOf(packets[0]) + 1, SequenceOf(again));
    }

    [Fact]
    public void AH_needs_a_password_and_version_2()
    {
        Assert.Throws<ArgumentException>(() => new VirtualRouter(Config("X", 1) with { AuthenticationPassword = null }));
        Assert.Throws<ArgumentException>(() => new VirtualRouter(Config("X", 1) with { Version = VrrpVersion.V3, AdvertisementInterval = TimeSpan.FromSeconds(1) }));
    }

    private static byte[] Key(string password)
    {
        byte[] key = new byte[8];
        VrrpPacket.EncodePassword(password, key);
        return key;
    }
}
