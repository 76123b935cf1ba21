using System.Buffers.Binary;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>Builds test packets: valid ones through <see cref="VrrpPacket.Write"/>, then mutated and re-checksummed on request.</summary>
internal static class PacketBuilder
{
    public static readonly IPAddressValue V4Source = IPAddressValue.Parse("192.0.2.10");
    public static readonly IPAddressValue V4Group = IPAddressValue.Parse("224.0.0.18");
    public static readonly IPAddressValue V6Source = IPAddressValue.Parse("fe80::10");
    public static readonly IPAddressValue V6Group = IPAddressValue.Parse("ff02::12");

    public static byte[] Message(VrrpVersion version, VrrpAddressFamily family, int count = 2, byte[]? password = null, Ipv4ChecksumMode mode = Ipv4ChecksumMode.PseudoHeader)
    {
        var addresses = Addresses(family, count);
        var fields = new AdvertisementFields(version, 7, 100, version == VrrpVersion.V2 ? (ushort)1 : (ushort)100, password is null ? AuthenticationType.None : AuthenticationType.SimplePassword);
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        int n = VrrpPacket.Write(buffer, fields, addresses, password ?? [], Source(family), Group(family), mode);
        return buffer[..n];
    }

    public static IPAddressValue[] Addresses(VrrpAddressFamily family, int count)
    {
        var list = new IPAddressValue[count];
        Span<byte> bytes = stackalloc byte[16];
        for (int i = 0; i < count; i++)
        {
            bytes.Clear();
            if (family == VrrpAddressFamily.IPv4)
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes, 0xC6336400u + (uint)i); // 198.51.100.x
                list[i] = IPAddressValue.FromIPv4(bytes);
            }
            else
            {
                bytes[0] = 0xFE;
                bytes[1] = 0x80;
                BinaryPrimitives.WriteUInt16BigEndian(bytes[14..], (ushort)(i + 1));
                list[i] = IPAddressValue.FromIPv6(bytes);
            }
        }

        return list;
    }

    public static IPAddressValue Source(VrrpAddressFamily family) => family == VrrpAddressFamily.IPv4 ? V4Source : V6Source;

    public static IPAddressValue Group(VrrpAddressFamily family) => family == VrrpAddressFamily.IPv4 ? V4Group : V6Group;

    /// <summary>Wraps a message in a 20-byte (or longer, with options) IPv4 header with a correct header checksum.</summary>
    public static byte[] IPv4(ReadOnlySpan<byte> message, byte ttl = 255, byte protocol = VrrpPacket.IPProtocol, int optionWords = 0, IPAddressValue? source = null, IPAddressValue? destination = null)
    {
        int headerLength = 20 + (optionWords * 4);
        byte[] packet = new byte[headerLength + message.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        packet[1] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = ttl;
        packet[9] = protocol;
        (source ?? V4Source).WriteTo(packet.AsSpan(12));
        (destination ?? V4Group).WriteTo(packet.AsSpan(16));
        for (int i = 20; i < headerLength; i++)
        {
            packet[i] = 1; // NOP options
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), (ushort)~InternetChecksum.Fold(InternetChecksum.Add(packet.AsSpan(0, headerLength), 0)));
        message.CopyTo(packet.AsSpan(headerLength));
        return packet;
    }

    /// <summary>Recomputes the checksum of a (mutated) message in the form its version and family use.</summary>
    public static void FixChecksum(Span<byte> message, VrrpAddressFamily family, IPAddressValue source, IPAddressValue destination, Ipv4ChecksumMode mode = Ipv4ChecksumMode.PseudoHeader)
    {
        message[6] = 0;
        message[7] = 0;
        ulong sum = InternetChecksum.Add(message, 0);
        if (family == VrrpAddressFamily.IPv6)
        {
            sum += InternetChecksum.IPv6PseudoHeader(source, destination, VrrpPacket.IPProtocol, message.Length); // v3, and v2 as keepalived sends it
        }
        else if ((message[0] >> 4) != 2 && mode == Ipv4ChecksumMode.PseudoHeader)
        {
            sum += InternetChecksum.IPv4PseudoHeader(source, destination, VrrpPacket.IPProtocol, message.Length);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message[6..], (ushort)~InternetChecksum.Fold(sum));
    }

    public static void FixChecksum(Span<byte> message, VrrpAddressFamily family) => FixChecksum(message, family, Source(family), Group(family));
}
