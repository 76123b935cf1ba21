using System.Buffers.Binary;
using Vrrp.Packets;
using static Vrrp.Tests.Packets.PacketBuilder;

namespace Vrrp.Tests.Packets;

/// <summary>One test per <see cref="DropReason"/> the codec produces, each asserting the exact reason.</summary>
[Trait("Rfc", "3768-7.1-a")]
public class DropReasonTests
{
    private static DropReason ParseIPv4(byte[] packet, VrrpVersion? expected = null)
    {
        bool ok = VrrpPacket.TryParseIPv4Packet(packet, expected, out _, out var reason);
        Assert.Equal(ok, reason == DropReason.None);
        return reason;
    }

    private static DropReason ParseMessage(byte[] message, VrrpAddressFamily family, int hopLimit = 255, VrrpVersion? expected = null)
    {
        bool ok = VrrpPacket.TryParseMessage(message, family, Source(family), Group(family), hopLimit, expected, out _, out var reason);
        Assert.Equal(ok, reason == DropReason.None);
        return reason;
    }

    [Fact]
    public void Valid_packets_are_not_dropped()
    {
        Assert.Equal(DropReason.None, ParseIPv4(IPv4(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4))));
        Assert.Equal(DropReason.None, ParseIPv4(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4))));
        Assert.Equal(DropReason.None, ParseIPv4(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4, mode: Ipv4ChecksumMode.MessageOnly))));
        Assert.Equal(DropReason.None, ParseMessage(Message(VrrpVersion.V3, VrrpAddressFamily.IPv6), VrrpAddressFamily.IPv6));
        Assert.Equal(DropReason.None, ParseMessage(Message(VrrpVersion.V3, VrrpAddressFamily.IPv6), VrrpAddressFamily.IPv6, hopLimit: -1));
    }

    [Fact]
    public void Truncated_IPv4_header()
    {
        Assert.Equal(DropReason.Truncated, ParseIPv4([]));
        Assert.Equal(DropReason.Truncated, ParseIPv4(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4))[..19]));
    }

    [Fact]
    public void Truncated_IPv4_options_beyond_the_buffer()
    {
        // IHL 15 (60 bytes) but total length and buffer are only 28: the header does not fit.
        byte[] packet = IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4, count: 1))[..28];
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 60);
        packet[0] = 0x4F;
        Assert.Equal(DropReason.Truncated, ParseIPv4(packet));
    }

    [Fact]
    public void Truncated_IPv4_payload_shorter_than_total_length()
    {
        byte[] packet = IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4));
        Assert.Equal(DropReason.Truncated, ParseIPv4(packet[..^1]));
    }

    [Fact]
    public void Truncated_message_shorter_than_fixed_header()
    {
        byte[] message = Message(VrrpVersion.V3, VrrpAddressFamily.IPv6);
        Assert.Equal(DropReason.Truncated, ParseMessage(message[..7], VrrpAddressFamily.IPv6));
        Assert.Equal(DropReason.Truncated, ParseIPv4(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4).AsSpan(0, 7))));
    }

    [Trait("Rfc", "9568-7.1-d")]
    [Fact]
    public void Truncated_message_shorter_than_its_count_says()
    {
        byte[] message = Message(VrrpVersion.V3, VrrpAddressFamily.IPv4, count: 3);
        Assert.Equal(DropReason.Truncated, ParseIPv4(IPv4(message.AsSpan(0, message.Length - 4))));
        byte[] v2 = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, count: 1);
        Assert.Equal(DropReason.Truncated, ParseIPv4(IPv4(v2.AsSpan(0, 12)))); // the address is there, the auth data is not
    }

    [Theory]
    [InlineData(0x65)] // version 6
    [InlineData(0x44)] // IHL 4
    [InlineData(0x40)] // IHL 0
    public void BadIPHeader_version_or_IHL(byte versionAndIhl)
    {
        byte[] packet = IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4));
        packet[0] = versionAndIhl;
        Assert.Equal(DropReason.BadIPHeader, ParseIPv4(packet));
    }

    [Fact]
    public void BadIPHeader_total_length_below_header_length()
    {
        byte[] packet = IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 19);
        Assert.Equal(DropReason.BadIPHeader, ParseIPv4(packet));
    }

    [Theory]
    [InlineData(17)]
    [InlineData(51)] // AH: VRRPv2 type 2 would come inside AH; we do not parse it
    [InlineData(0)]
    public void BadIPHeader_protocol_not_112(byte protocol)
    {
        Assert.Equal(DropReason.BadIPHeader, ParseIPv4(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4), protocol: protocol)));
    }

    [Fact]
    public void IPv4_options_are_stripped_by_IHL()
    {
        byte[] message = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4);
        Assert.True(VrrpPacket.TryParseIPv4Packet(IPv4(message, optionWords: 3), VrrpVersion.V2, out var a, out _));
        Assert.Equal(7, a.VirtualRouterId);
        Assert.Equal(2, a.AddressCount);
    }

    [Fact]
    public void LengthMismatch_trailing_bytes_after_IPv4_total_length()
    {
        byte[] packet = IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4));
        Assert.Equal(DropReason.LengthMismatch, ParseIPv4([.. packet, 0]));
    }

    [Trait("Rfc", "9568-7.1-d")]
    [Theory]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    [InlineData(3, 6)]
    public void LengthMismatch_message_longer_than_count_says(int version, int family)
    {
        var f = (VrrpAddressFamily)family;
        byte[] message = [.. Message((VrrpVersion)version, f, count: 2), 0, 0, 0, 0];
        FixChecksum(message, f);
        DropReason reason = f == VrrpAddressFamily.IPv4 ? ParseIPv4(IPv4(message)) : ParseMessage(message, f);
        Assert.Equal(DropReason.LengthMismatch, reason);
    }

    [Trait("Rfc", "9568-5.1.1.3-b")]
    [Trait("Rfc", "9568-7.1-a")]
    [Theory]
    [InlineData(254)]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(64)]
    public void TtlNot255_IPv4(byte ttl)
    {
        Assert.Equal(DropReason.TtlNot255, ParseIPv4(IPv4(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4), ttl: ttl)));
    }

    [Trait("Rfc", "9568-5.1.2.3-b")]
    [Trait("Rfc", "9568-7.1-a")]
    [Theory]
    [InlineData(254)]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-2)]
    public void TtlNot255_IPv6_hop_limit(int hopLimit)
    {
        Assert.Equal(DropReason.TtlNot255, ParseMessage(Message(VrrpVersion.V3, VrrpAddressFamily.IPv6), VrrpAddressFamily.IPv6, hopLimit));
    }

    [Trait("Rfc", "9568-7.1-b")]
    [Theory]
    [InlineData(0x11)]
    [InlineData(0x41)]
    [InlineData(0x01)]
    [InlineData(0xF1)]
    public void VersionMismatch_unknown_version(byte versionAndType)
    {
        byte[] message = Message(VrrpVersion.V3, VrrpAddressFamily.IPv4);
        message[0] = versionAndType;
        FixChecksum(message, VrrpAddressFamily.IPv4);
        Assert.Equal(DropReason.VersionMismatch, ParseIPv4(IPv4(message)));
    }

    [Trait("Rfc", "9568-7.1-b")]
    [Trait("Rfc", "9568-8.4.2-a")]
    [Fact]
    public void VersionMismatch_not_the_expected_version()
    {
        Assert.Equal(DropReason.VersionMismatch, ParseIPv4(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4)), VrrpVersion.V2));
        Assert.Equal(DropReason.VersionMismatch, ParseIPv4(IPv4(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4)), VrrpVersion.V3));
        Assert.Equal(DropReason.None, ParseIPv4(IPv4(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4)), VrrpVersion.V2));
    }

    [Trait("Rfc", "9568-7.1-b")]
    [Fact]
    public void V2_over_IPv6_is_keepalived_s_layout_only()
    {
        // keepalived 2.2.7's VRRPv2 over IPv6 (8 + 16n bytes, IPv6 pseudo-header checksum) is taken when v2 is expected...
        byte[] v6 = Message(VrrpVersion.V2, VrrpAddressFamily.IPv6);
        Assert.Equal(8 + (2 * 16), v6.Length);
        Assert.Equal(DropReason.None, ParseMessage(v6, VrrpAddressFamily.IPv6, expected: VrrpVersion.V2));
        Assert.Equal(DropReason.VersionMismatch, ParseMessage(v6, VrrpAddressFamily.IPv6, expected: VrrpVersion.V3));

        // ...the IPv4 layout (16 + 4n bytes, message-only checksum) received on IPv6 is not.
        byte[] v4Shaped = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4);
        Assert.NotEqual(DropReason.None, ParseMessage(v4Shaped, VrrpAddressFamily.IPv6, expected: VrrpVersion.V2));

        // The checksum covers the IPv6 pseudo-header: the message-only form is a bad checksum.
        byte[] messageOnly = (byte[])v6.Clone();
        messageOnly[6] = 0;
        messageOnly[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(messageOnly.AsSpan(6), (ushort)~InternetChecksum.Fold(InternetChecksum.Add(messageOnly, 0)));
        Assert.Equal(DropReason.BadChecksum, ParseMessage(messageOnly, VrrpAddressFamily.IPv6, expected: VrrpVersion.V2));
    }

    [Trait("Rfc", "9568-5.2.2-a")]
    [Trait("Rfc", "9568-7.1-c")]
    [Theory]
    [InlineData(0x30)]
    [InlineData(0x32)]
    [InlineData(0x3F)]
    [InlineData(0x22)]
    public void UnknownType(byte versionAndType)
    {
        byte[] message = Message((VrrpVersion)(versionAndType >> 4), VrrpAddressFamily.IPv4);
        message[0] = versionAndType;
        FixChecksum(message, VrrpAddressFamily.IPv4);
        Assert.Equal(DropReason.UnknownType, ParseIPv4(IPv4(message)));
    }

    [Trait("Rfc", "9568-5.2.5-a")]
    [Theory]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    [InlineData(3, 6)]
    public void ZeroAddressCount(int version, int family)
    {
        var f = (VrrpAddressFamily)family;
        byte[] message = Message((VrrpVersion)version, f, count: 1);
        message[3] = 0;
        FixChecksum(message, f);
        Assert.Equal(DropReason.ZeroAddressCount, f == VrrpAddressFamily.IPv4 ? ParseIPv4(IPv4(message)) : ParseMessage(message, f));

        // Also with the length a count of 0 would give (8 or 16 bytes): still dropped.
        byte[] bare = message[..(version == 2 ? 16 : 8)];
        FixChecksum(bare, f);
        Assert.Equal(DropReason.ZeroAddressCount, f == VrrpAddressFamily.IPv4 ? ParseIPv4(IPv4(bare)) : ParseMessage(bare, f));
    }

    [Trait("Rfc", "9568-5.2.8-b")]
    [Trait("Rfc", "9568-5.2.8-c")]
    [Trait("Rfc", "9568-7.1-e")]
    [Theory]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    [InlineData(3, 6)]
    public void BadChecksum_flipped_bit(int version, int family)
    {
        var f = (VrrpAddressFamily)family;
        byte[] message = Message((VrrpVersion)version, f);
        message[^1] ^= 0x01;
        Assert.Equal(DropReason.BadChecksum, f == VrrpAddressFamily.IPv4 ? ParseIPv4(IPv4(message)) : ParseMessage(message, f));
    }

    [Trait("Rfc", "9568-5.2.8-a")]
    [Fact]
    public void BadChecksum_pseudo_header_with_another_destination()
    {
        // Checksummed for a unicast peer, received as if sent to the group: neither v3/IPv4 form matches.
        byte[] message = Message(VrrpVersion.V3, VrrpAddressFamily.IPv4);
        FixChecksum(message, VrrpAddressFamily.IPv4, V4Source, IPAddressValue.Parse("192.0.2.20"));
        Assert.Equal(DropReason.BadChecksum, ParseIPv4(IPv4(message)));
        Assert.Equal(DropReason.None, ParseIPv4(IPv4(message, destination: IPAddressValue.Parse("192.0.2.20"))));

        byte[] v6 = Message(VrrpVersion.V3, VrrpAddressFamily.IPv6);
        Assert.False(VrrpPacket.TryParseMessage(v6, VrrpAddressFamily.IPv6, IPAddressValue.Parse("fe80::11"), V6Group, 255, null, out _, out var reason));
        Assert.Equal(DropReason.BadChecksum, reason);
    }

    [Trait("Rfc", "3768-5.3.8-a")]
    [Fact]
    public void BadChecksum_v2_message_is_not_checked_with_a_pseudo_header()
    {
        byte[] message = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4);
        FixChecksum(message, VrrpAddressFamily.IPv4); // v2: message only
        ulong pseudo = InternetChecksum.IPv4PseudoHeader(V4Source, V4Group, VrrpPacket.IPProtocol, message.Length);
        message[6] = 0;
        message[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), (ushort)~InternetChecksum.Fold(InternetChecksum.Add(message, pseudo)));
        Assert.Equal(DropReason.BadChecksum, ParseIPv4(IPv4(message)));
    }

    [Trait("Rfc", "9568-7.1-h")]
    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void ZeroInterval_v3(int family)
    {
        var f = (VrrpAddressFamily)family;
        byte[] message = Message(VrrpVersion.V3, f);
        message[4] = 0xF0; // reserved bits set (ignored), interval 0
        message[5] = 0;
        FixChecksum(message, f);
        Assert.Equal(DropReason.ZeroInterval, f == VrrpAddressFamily.IPv4 ? ParseIPv4(IPv4(message)) : ParseMessage(message, f));
    }

    [Trait("Rfc", "9568-5.2.6-a")]
    [Fact]
    public void Reserved_bits_are_ignored_on_receive()
    {
        byte[] message = Message(VrrpVersion.V3, VrrpAddressFamily.IPv4);
        message[4] |= 0xF0;
        FixChecksum(message, VrrpAddressFamily.IPv4);
        Assert.True(VrrpPacket.TryParseIPv4Packet(IPv4(message), null, out var a, out _));
        Assert.Equal(100, a.Interval);
    }

    [Fact]
    public void V2_interval_zero_is_left_to_the_instance()
    {
        // RFC 3768: the v2 interval must equal ours (step 7, in the core); the codec does not judge it.
        byte[] message = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4);
        message[5] = 0;
        FixChecksum(message, VrrpAddressFamily.IPv4);
        Assert.True(VrrpPacket.TryParseIPv4Packet(IPv4(message), null, out var a, out _));
        Assert.Equal(0, a.Interval);
    }

    [Trait("Rfc", "9568-5.2.9-b")]
    [Fact]
    public void FirstAddressNotLinkLocal()
    {
        var addresses = new[] { IPAddressValue.Parse("2001:db8::1"), IPAddressValue.Parse("fe80::1") };
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        int n = VrrpPacket.Write(buffer, new AdvertisementFields(VrrpVersion.V3, 1, 100, 100), addresses, [], V6Source, V6Group);
        Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, n), VrrpAddressFamily.IPv6, V6Source, V6Group, 255, null, out var a, out _));
        Assert.Equal(DropReason.FirstAddressNotLinkLocal, VrrpPacket.CheckFirstAddressLinkLocal(a));

        Assert.True(VrrpPacket.TryParseMessage(Message(VrrpVersion.V3, VrrpAddressFamily.IPv6), VrrpAddressFamily.IPv6, V6Source, V6Group, 255, null, out var good, out _));
        Assert.Equal(DropReason.None, VrrpPacket.CheckFirstAddressLinkLocal(good));
        Assert.True(VrrpPacket.TryParseIPv4Packet(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4)), null, out var v4, out _));
        Assert.Equal(DropReason.None, VrrpPacket.CheckFirstAddressLinkLocal(v4));
    }

    [Theory]
    [InlineData("fe80::1", true)]
    [InlineData("febf:ffff::1", true)]
    [InlineData("fec0::1", false)]
    [InlineData("fe00::1", false)]
    [InlineData("fd00:50::100", false)]
    public void Link_local_is_fe80_slash_10(string first, bool linkLocal)
    {
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        int n = VrrpPacket.Write(buffer, new AdvertisementFields(VrrpVersion.V3, 1, 100, 100), [IPAddressValue.Parse(first)], [], V6Source, V6Group);
        Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, n), VrrpAddressFamily.IPv6, V6Source, V6Group, 255, null, out var a, out _));
        Assert.Equal(linkLocal ? DropReason.None : DropReason.FirstAddressNotLinkLocal, VrrpPacket.CheckFirstAddressLinkLocal(a));
    }

    [Trait("Rfc", "9568-5.2.9-b")]
    [Fact]
    public void Keepalived_IPv6_advert_fails_only_the_strict_link_local_check()
    {
        var v = VrrpVectors.Keepalived.First(x => x.Family == VrrpAddressFamily.IPv6);
        Assert.True(v.TryParse(out var a, out _));
        Assert.Equal(DropReason.FirstAddressNotLinkLocal, VrrpPacket.CheckFirstAddressLinkLocal(a));
    }

    [Trait("Rfc", "9568-7.1-i")]
    [Fact]
    public void Drop_reasons_the_codec_produces_are_all_covered()
    {
        // Guard against a new codec reason without a test here: these are the reasons the parse and check methods return.
        DropReason[] codecReasons =
        [
            DropReason.Truncated, DropReason.BadIPHeader, DropReason.TtlNot255, DropReason.VersionMismatch, DropReason.UnknownType,
            DropReason.ZeroAddressCount, DropReason.LengthMismatch, DropReason.BadChecksum, DropReason.ZeroInterval,
            DropReason.FirstAddressNotLinkLocal, DropReason.AuthenticationTypeMismatch, DropReason.AuthenticationFailure,
            DropReason.AuthenticationUnsupported,
        ];
        var tested = typeof(DropReasonTests).GetMethods().Select(m => m.Name)
            .Concat(typeof(AuthenticationTests).GetMethods().Select(m => m.Name)).ToList();
        foreach (var reason in codecReasons)
        {
            Assert.Contains(tested, name => name.StartsWith(reason.ToString(), StringComparison.Ordinal));
        }
    }
}
