using System.Buffers.Binary;
using System.Text;

namespace Vrrp.Linux.Netlink;

/// <summary>One netlink message read from a datagram: the header fields and the payload after the nlmsghdr.</summary>
internal readonly ref struct NetlinkMessage
{
    internal NetlinkMessage(ushort type, ushort flags, uint sequence, uint portId, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        PortId = portId;
        Payload = payload;
    }

    internal ushort Type { get; }

    internal ushort Flags { get; }

    internal uint Sequence { get; }

    internal uint PortId { get; }

    internal ReadOnlySpan<byte> Payload { get; }
}

/// <summary>Walks the netlink messages in one received datagram; a malformed length ends the walk.</summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    internal NetlinkMessageReader(ReadOnlySpan<byte> datagram) => _rest = datagram;

    internal bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (_rest.Length < Nl.HeaderLength)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (length < Nl.HeaderLength || length > _rest.Length)
        {
            _rest = default;
            return false;
        }

        message = new NetlinkMessage(
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(_rest[12..]),
            _rest[Nl.HeaderLength..(int)length]);
        int next = Math.Min(Nl.Align((int)length), _rest.Length);
        _rest = _rest[next..];
        return true;
    }
}

/// <summary>Walks rtattr attributes (u16 len, u16 type, value, padded to 4).</summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    internal NetlinkAttributeReader(ReadOnlySpan<byte> attributes) => _rest = attributes;

    internal bool TryRead(out ushort type, out ReadOnlySpan<byte> value)
    {
        type = 0;
        value = default;
        if (_rest.Length < 4)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            _rest = default;
            return false;
        }

        type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & 0x3fff);
        value = _rest[4..length];
        _rest = _rest[Math.Min(Nl.Align(length), _rest.Length)..];
        return true;
    }

    /// <summary>Reads a NUL-terminated string attribute value.</summary>
    internal static string ReadString(ReadOnlySpan<byte> value)
    {
        int nul = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? value : value[..nul]);
    }
}
