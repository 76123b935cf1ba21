using System.Buffers.Binary;
using System.Text;

namespace Vrrp.Linux.Netlink;

/// <summary>
/// Writes one netlink message into a span: the nlmsghdr, a fixed family header (ifinfomsg, ifaddrmsg, nfgenmsg) and
/// rtattr attributes (4-byte aligned, nested attributes with <see cref="BeginNested"/> / <see cref="EndNested"/>).
/// </summary>
internal ref struct NetlinkMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Starts a message: nlmsghdr { len (patched by <see cref="Finish"/>), type, flags, seq, pid 0 }.</summary>
    internal NetlinkMessageWriter(Span<byte> buffer, ushort type, ushort flags, uint sequence)
    {
        _buffer = buffer;
        buffer[..Nl.HeaderLength].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[8..], sequence);
        _length = Nl.HeaderLength;
    }

    /// <summary>ifinfomsg { family, pad, type, index, flags, change }.</summary>
    internal void WriteIfInfo(byte family, int index, uint flags, uint change)
    {
        var s = Reserve(Nl.IfInfoLength);
        s.Clear();
        s[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], change);
    }

    /// <summary>ifaddrmsg { family, prefixlen, flags, scope, index }.</summary>
    internal void WriteIfAddr(byte family, byte prefixLength, byte flags, byte scope, int index)
    {
        var s = Reserve(Nl.IfAddrLength);
        s[0] = family;
        s[1] = prefixLength;
        s[2] = flags;
        s[3] = scope;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
    }

    /// <summary>rtmsg { family, dst_len, src_len, tos, table, protocol, scope, type, flags } (fib_rule_hdr has the same layout: the table, then res1, res2, action).</summary>
    internal void WriteRtMsg(byte family, byte dstLength, byte srcLength, byte tos, byte table, byte protocol, byte scope, byte type, uint flags)
    {
        var s = Reserve(Nl.RtMsgLength);
        s[0] = family;
        s[1] = dstLength;
        s[2] = srcLength;
        s[3] = tos;
        s[4] = table;
        s[5] = protocol;
        s[6] = scope;
        s[7] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
    }

    /// <summary>nfgenmsg { u8 family, u8 version (NFNETLINK_V0), be16 res_id } (linux/netfilter/nfnetlink.h).</summary>
    internal void WriteNfGen(byte family, ushort resourceId)
    {
        var s = Reserve(4);
        s[0] = family;
        s[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], resourceId);
    }

    internal void AddAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var s = Reserve(Nl.Align(4 + value.Length));
        s.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        value.CopyTo(s[4..]);
    }

    internal void AddUInt32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(v, value);
        AddAttribute(type, v);
    }

    /// <summary>A u16 in host (little-endian) order (IFLA_IPVLAN_MODE, IFLA_IPVLAN_FLAGS).</summary>
    internal void AddUInt16(ushort type, ushort value)
    {
        Span<byte> v = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(v, value);
        AddAttribute(type, v);
    }

    /// <summary>A u32 in network order (nf_tables attributes are NLA_BE32).</summary>
    internal void AddUInt32BigEndian(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(v, value);
        AddAttribute(type, v);
    }

    /// <summary>A NUL-terminated string attribute (IFLA_IFNAME, IFA_LABEL, IFLA_INFO_KIND).</summary>
    internal void AddString(ushort type, string value)
    {
        Span<byte> v = stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length) + 1];
        int n = Encoding.UTF8.GetBytes(value, v);
        v[n] = 0;
        AddAttribute(type, v[..(n + 1)]);
    }

    /// <summary>Bytes as they are (a structure inside an attribute, such as an rtnexthop), padded to 4.</summary>
    internal void AddRaw(scoped ReadOnlySpan<byte> value)
    {
        var s = Reserve(Nl.Align(value.Length));
        s.Clear();
        value.CopyTo(s);
    }

    /// <summary>The bytes written so far (where the next one goes).</summary>
    internal readonly int Length => _length;

    internal int BeginNested(ushort type)
    {
        int start = _length;
        var s = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)(type | Nl.NLA_F_NESTED));
        return start;
    }

    internal readonly void EndNested(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[start..], (ushort)(_length - start));

    /// <summary>Patches the length and returns the message.</summary>
    internal readonly ReadOnlySpan<byte> Finish()
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        return _buffer[.._length];
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            throw new InvalidOperationException("The netlink request does not fit its buffer.");
        }

        var s = _buffer.Slice(_length, count);
        _length += count;
        return s;
    }
}
