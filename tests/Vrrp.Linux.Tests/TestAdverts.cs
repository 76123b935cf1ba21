using System.Buffers.Binary;

namespace Vrrp.Linux.Tests;

/// <summary>Hand-built VRRP messages for socket-level tests (independent of the codec, so that a codec bug cannot hide a transport bug).</summary>
internal static class TestAdverts
{
    /// <summary>VRRPv2 (RFC 3768 section 5.3) with simple password authentication; checksum over the message.</summary>
    public static byte[] V2Pass(byte vrid, byte priority, string password, params string[] addresses)
    {
        byte[] m = new byte[16 + (4 * addresses.Length)];
        m[0] = 0x21;
        m[1] = vrid;
        m[2] = priority;
        m[3] = (byte)addresses.Length;
        m[4] = 1;
        m[5] = 1;
        for (int i = 0; i < addresses.Length; i++)
        {
            IPAddressValue.Parse(addresses[i]).WriteTo(m.AsSpan(8 + (4 * i)));
        }

        System.Text.Encoding.ASCII.GetBytes(password).AsSpan(0, Math.Min(8, password.Length)).CopyTo(m.AsSpan(8 + (4 * addresses.Length)));
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(6), Checksum(m, []));
        return m;
    }

    /// <summary>VRRPv3 (RFC 9568 section 5.2); IPv4: pseudo-header checksum (keepalived's form); IPv6: checksum left 0 for the kernel (IPV6_CHECKSUM).</summary>
    public static byte[] V3(byte vrid, byte priority, ushort centiseconds, IPAddressValue source, IPAddressValue destination, params string[] addresses)
    {
        var list = addresses.Select(IPAddressValue.Parse).ToArray();
        int size = list[0].Length;
        byte[] m = new byte[8 + (size * list.Length)];
        m[0] = 0x31;
        m[1] = vrid;
        m[2] = priority;
        m[3] = (byte)list.Length;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(4), (ushort)(centiseconds & 0x0fff));
        for (int i = 0; i < list.Length; i++)
        {
            list[i].WriteTo(m.AsSpan(8 + (size * i)));
        }

        if (size == 4)
        {
            byte[] pseudo = new byte[12];
            source.WriteTo(pseudo);
            destination.WriteTo(pseudo.AsSpan(4));
            pseudo[9] = 112;
            BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)m.Length);
            BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(6), Checksum(m, pseudo));
        }

        return m;
    }

    /// <summary>The IPv6 pseudo-header checksum (RFC 8200 section 8.1) over a message, to check what the kernel filled in.</summary>
    public static ushort IPv6Checksum(ReadOnlySpan<byte> message, IPAddressValue source, IPAddressValue destination)
    {
        byte[] pseudo = new byte[40];
        source.WriteTo(pseudo);
        destination.WriteTo(pseudo.AsSpan(16));
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), (uint)message.Length);
        pseudo[39] = 112;
        return Checksum(message, pseudo);
    }

    /// <summary>RFC 1071 one's complement sum over a prefix and the data.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix)
    {
        uint sum = 0;
        void Add(ReadOnlySpan<byte> s)
        {
            for (int i = 0; i + 1 < s.Length; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(s[i..]);
            }

            if ((s.Length & 1) != 0)
            {
                sum += (uint)s[^1] << 8;
            }
        }

        Add(prefix);
        Add(data);
        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
