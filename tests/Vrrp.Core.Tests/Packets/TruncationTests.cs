using System.Buffers.Binary;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>Every truncated prefix of every vector is rejected with the right reason, never an exception.</summary>
public class TruncationTests
{
    [Trait("Rfc", "9568-7.1-d")]
    [Theory]
    [MemberData(nameof(VrrpVectors.AllNames), MemberType = typeof(VrrpVectors))]
    public void Every_prefix_of_the_message_is_rejected(string name)
    {
        var v = VrrpVectors.Get(name);
        for (int i = 0; i < v.Message.Length; i++)
        {
            Assert.False(VrrpPacket.TryParseMessage(v.Message.AsSpan(0, i), v.Family, v.Source, v.Destination, v.HopLimit, null, out _, out var reason), $"prefix {i}");

            // Shorter than the fixed header, or shorter than the count says: both are a truncated message.
            Assert.Equal(DropReason.Truncated, reason);
        }
    }

    [Trait("Rfc", "9568-7.1-d")]
    [Theory]
    [MemberData(nameof(VrrpVectors.AllNames), MemberType = typeof(VrrpVectors))]
    public void Every_prefix_of_the_IPv4_packet_is_rejected(string name)
    {
        var v = VrrpVectors.Get(name);
        if (v.Family != VrrpAddressFamily.IPv4)
        {
            return; // IPv6 arrives without its header: the message prefixes above cover it

        }

        byte[] packet = v.IPPacket ?? PacketBuilder.IPv4(v.Message, source: v.Source, destination: v.Destination);
        Assert.True(VrrpPacket.TryParseIPv4Packet(packet, null, out _, out _));
        for (int i = 0; i < packet.Length; i++)
        {
            // As a raw socket would never deliver it: the total length field still says the full size.
            Assert.False(VrrpPacket.TryParseIPv4Packet(packet.AsSpan(0, i), null, out _, out var reason), $"prefix {i}");
            Assert.Equal(DropReason.Truncated, reason);

            // Cut and the total length rewritten to match: the IP packet is consistent, the VRRP message is short.
            byte[] cut = packet[..i];
            if (i >= 4)
            {
                BinaryPrimitives.WriteUInt16BigEndian(cut.AsSpan(2), (ushort)i);
            }

            Assert.False(VrrpPacket.TryParseIPv4Packet(cut, null, out _, out reason), $"cut {i}");
            Assert.Equal(DropReason.Truncated, reason);

            // The whole buffer with a total length that claims only i bytes: below the header length the IP header is
            // bad; otherwise the buffer holds bytes after the IP packet.
            byte[] claim = (byte[])packet.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(claim.AsSpan(2), (ushort)i);
            Assert.False(VrrpPacket.TryParseIPv4Packet(claim, null, out _, out reason), $"claim {i}");
            Assert.Equal(i < (packet[0] & 0x0F) * 4 ? DropReason.BadIPHeader : DropReason.LengthMismatch, reason);
        }
    }

    [Theory]
    [MemberData(nameof(VrrpVectors.AllNames), MemberType = typeof(VrrpVectors))]
    public void Trailing_bytes_are_a_length_mismatch(string name)
    {
        var v = VrrpVectors.Get(name);
        for (int extra = 1; extra <= 16; extra++)
        {
            byte[] longer = [.. v.Message, .. new byte[extra]];
            Assert.False(VrrpPacket.TryParseMessage(longer, v.Family, v.Source, v.Destination, v.HopLimit, null, out _, out var reason));
            Assert.Equal(DropReason.LengthMismatch, reason);
            if (v.Family == VrrpAddressFamily.IPv4)
            {
                // Extra bytes inside the IP total length (the message is longer than its count says) ...
                Assert.False(VrrpPacket.TryParseIPv4Packet(PacketBuilder.IPv4(longer, source: v.Source, destination: v.Destination), null, out _, out reason));
                Assert.Equal(DropReason.LengthMismatch, reason);

                // ... and after it (the buffer is longer than the IP packet).
                byte[] packet = [.. PacketBuilder.IPv4(v.Message, source: v.Source, destination: v.Destination), .. new byte[extra]];
                Assert.False(VrrpPacket.TryParseIPv4Packet(packet, null, out _, out reason));
                Assert.Equal(DropReason.LengthMismatch, reason);
            }
        }
    }
}
