using System.Buffers.Binary;
using System.Text;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Nftables;

namespace Vrrp.Linux.Tests;

/// <summary>A message the fake kernel received: its header, nfgenmsg family and attributes.</summary>
internal sealed record FakeNfMessage(ushort Type, ushort Flags, uint Sequence, byte Family, byte[] Attributes)
{
    /// <summary>The nf_tables message (NFT_MSG_*), for messages of that subsystem.</summary>
    public byte NfType => (byte)(Type & 0xff);

    /// <summary>A string attribute at the top level (a name), or null.</summary>
    public string? String(ushort attribute)
    {
        var reader = new NetlinkAttributeReader(Attributes);
        while (reader.TryRead(out ushort type, out var value))
        {
            if (type == attribute)
            {
                return NetlinkAttributeReader.ReadString(value);
            }
        }

        return null;
    }

    /// <summary>The keys of a set-element message (list / elements / key / value), as hex.</summary>
    public List<string> ElementKeys()
    {
        var keys = new List<string>();
        var top = new NetlinkAttributeReader(Attributes);
        while (top.TryRead(out ushort type, out var elements))
        {
            if (type != Nft.NFTA_SET_ELEM_LIST_ELEMENTS)
            {
                continue;
            }

            var list = new NetlinkAttributeReader(elements);
            while (list.TryRead(out _, out var element))
            {
                var key = new NetlinkAttributeReader(element);
                key.TryRead(out _, out var keyValue);
                var value = new NetlinkAttributeReader(keyValue);
                value.TryRead(out _, out var bytes);
                keys.Add(Convert.ToHexString(bytes));
            }
        }

        return keys;
    }
}

/// <summary>
/// A kernel in a test's place behind <see cref="INetlinkTransport"/> (the seam of mdlayher's nltest): it reads the
/// batches sent to it, keeps a small model of one nf_tables namespace (tables, set elements), applies a batch whole or
/// not at all, and answers each message that asked for it with an acknowledgement, as the kernel does (errors after the
/// whole batch, with extended-ack text when <see cref="Refuse"/> gives one). Tests can also queue raw datagrams.
/// </summary>
internal sealed class FakeNetfilterKernel : INetlinkTransport
{
    private readonly Queue<byte[]> _replies = new();

    public uint PortId { get; init; } = 4242;

    /// <summary>Every datagram sent, in order.</summary>
    public List<byte[]> Sent { get; } = [];

    /// <summary>The messages of every datagram sent, in order.</summary>
    public List<FakeNfMessage> Messages { get; } = [];

    /// <summary>The tables that exist (family, name).</summary>
    public HashSet<(byte Family, string Name)> Tables { get; } = [];

    /// <summary>The set elements that exist: table, set, key in hex.</summary>
    public HashSet<(string Table, string Set, string Key)> Elements { get; } = [];

    /// <summary>Refuses a message with an errno and optional extended-ack text (null: the model decides).</summary>
    public Func<FakeNfMessage, (int Errno, string? Text)?>? Refuse { get; set; }

    /// <summary>Refuses a whole batch at its begin message (no nf_tables: EOPNOTSUPP).</summary>
    public int? RefuseBatch { get; set; }

    /// <summary>When false, the fake answers nothing by itself (only <see cref="Enqueue"/>d datagrams).</summary>
    public bool Answers { get; set; } = true;

    public bool Disposed { get; private set; }

    /// <summary>The acknowledgements the client was given (sequence, errno), read as the kernel's format says.</summary>
    public List<(uint Sequence, int Errno)> ReceivedAcks { get; } = [];

    /// <summary>Queues a datagram for the next receive.</summary>
    public void Enqueue(byte[] datagram) => _replies.Enqueue(datagram);

    public void Send(ReadOnlySpan<byte> datagram, string operation)
    {
        byte[] copy = datagram.ToArray();
        Sent.Add(copy);
        var messages = Parse(copy);
        Messages.AddRange(messages);
        if (Answers)
        {
            foreach (var reply in Process(messages))
            {
                _replies.Enqueue(reply);
            }
        }
    }

    public int Receive(Span<byte> buffer, string operation)
    {
        if (!_replies.TryDequeue(out var reply))
        {
            throw new NetlinkException(operation + " (no answer from the kernel within 5 s)", 11, null);
        }

        int n = Math.Min(reply.Length, buffer.Length);
        reply.AsSpan(0, n).CopyTo(buffer);
        var reader = new NetlinkMessageReader(reply);
        while (reader.TryRead(out var m))
        {
            if (m.Type == Nl.NLMSG_ERROR && m.PortId == PortId)
            {
                ReceivedAcks.Add((m.Sequence, NetlinkSocket.ReadError(m, out _)));
            }
        }

        return n;
    }

    public void Dispose() => Disposed = true;

    /// <summary>Splits a datagram into messages (nlmsghdr, then nfgenmsg, then attributes).</summary>
    public static List<FakeNfMessage> Parse(byte[] datagram)
    {
        var list = new List<FakeNfMessage>();
        var reader = new NetlinkMessageReader(datagram);
        while (reader.TryRead(out var m))
        {
            byte family = m.Payload.Length >= 4 ? m.Payload[0] : (byte)0;
            list.Add(new FakeNfMessage(m.Type, m.Flags, m.Sequence, family, m.Payload.Length >= 4 ? m.Payload[4..].ToArray() : []));
        }

        return list;
    }

    /// <summary>An NLMSG_ERROR datagram: the errno (0: an ack), the request's header (capped) and the text TLV.</summary>
    public static byte[] Error(uint sequence, uint portId, int errno, string? text = null, ushort requestType = 0)
    {
        byte[] textBytes = text is null ? [] : Encoding.UTF8.GetBytes(text + "\0");
        int tlv = text is null ? 0 : Nl.Align(4 + textBytes.Length);
        byte[] d = new byte[16 + 4 + 16 + tlv];
        BinaryPrimitives.WriteUInt32LittleEndian(d, (uint)d.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(4), Nl.NLMSG_ERROR);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(6), (ushort)(Nl.NLM_F_CAPPED | (text is null ? 0 : Nl.NLM_F_ACK_TLVS)));
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(8), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), portId);
        BinaryPrimitives.WriteInt32LittleEndian(d.AsSpan(16), -errno);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(20), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(24), requestType);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(28), sequence);
        if (text is not null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(36), (ushort)(4 + textBytes.Length));
            BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(38), Nl.NLMSGERR_ATTR_MSG);
            textBytes.CopyTo(d, 40);
        }

        return d;
    }

    private List<byte[]> Process(List<FakeNfMessage> messages)
    {
        var replies = new List<byte[]>();
        if (messages.Count == 0)
        {
            return replies;
        }

        if (messages[0].Type == Nft.NFNL_MSG_BATCH_BEGIN)
        {
            if (RefuseBatch is { } refusal)
            {
                replies.Add(Error(messages[0].Sequence, PortId, refusal));
                return replies;
            }

            var tables = new HashSet<(byte, string)>(Tables);
            var elements = new HashSet<(string, string, string)>(Elements);
            var acks = new List<byte[]>();
            bool failed = false;
            foreach (var m in messages.Skip(1).Where(m => m.Type != Nft.NFNL_MSG_BATCH_END))
            {
                var (errno, text) = Refuse?.Invoke(m) ?? Apply(m, tables, elements);
                failed |= errno != 0;
                if (errno != 0 || (m.Flags & Nl.NLM_F_ACK) != 0)
                {
                    acks.Add(Error(m.Sequence, PortId, errno, text, m.Type));
                }
            }

            if (!failed)
            {
                Tables.Clear();
                Tables.UnionWith(tables);
                Elements.Clear();
                Elements.UnionWith(elements);
            }

            replies.AddRange(acks);
            return replies;
        }

        var single = messages[0];
        if (single.NfType == Nft.NFT_MSG_GETTABLE)
        {
            if (Refuse?.Invoke(single) is { } refused)
            {
                replies.Add(Error(single.Sequence, PortId, refused.Errno, refused.Text, single.Type));
            }
            else if (Tables.Contains((single.Family, single.String(Nft.NFTA_TABLE_NAME) ?? "")))
            {
                byte[] table = new byte[20];
                BinaryPrimitives.WriteUInt32LittleEndian(table, 20);
                BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(4), Nft.MessageType(Nft.NFT_MSG_NEWTABLE));
                BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(8), single.Sequence);
                BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(12), PortId);
                table[16] = single.Family;
                replies.Add(table);
                replies.Add(Error(single.Sequence, PortId, 0));
            }
            else
            {
                replies.Add(Error(single.Sequence, PortId, 2, null, single.Type));
            }
        }

        return replies;
    }

    /// <summary>The model: what the real kernel answered in the lab for each message.</summary>
    private static (int Errno, string? Text) Apply(FakeNfMessage m, HashSet<(byte, string)> tables, HashSet<(string, string, string)> elements)
    {
        const int ENOENT = 2, EEXIST = 17;
        switch (m.NfType)
        {
            case Nft.NFT_MSG_NEWTABLE:
            {
                var key = (m.Family, m.String(Nft.NFTA_TABLE_NAME)!);
                if (!tables.Add(key) && (m.Flags & Nl.NLM_F_EXCL) != 0)
                {
                    return (EEXIST, null);
                }

                return (0, null);
            }

            case Nft.NFT_MSG_DELTABLE:
            {
                string name = m.String(Nft.NFTA_TABLE_NAME)!;
                if (!tables.Remove((m.Family, name)))
                {
                    return (ENOENT, null);
                }

                elements.RemoveWhere(e => e.Item1 == name);
                return (0, null);
            }

            case Nft.NFT_MSG_NEWSETELEM or Nft.NFT_MSG_DELSETELEM:
            {
                string table = m.String(Nft.NFTA_SET_ELEM_LIST_TABLE)!;
                if (!tables.Contains((m.Family, table)))
                {
                    return (ENOENT, "No such file or directory");
                }

                string set = m.String(Nft.NFTA_SET_ELEM_LIST_SET)!;
                foreach (string key in m.ElementKeys())
                {
                    if (m.NfType == Nft.NFT_MSG_NEWSETELEM)
                    {
                        elements.Add((table, set, key));
                    }
                    else if (!elements.Remove((table, set, key)))
                    {
                        return (ENOENT, null);
                    }
                }

                return (0, null);
            }

            default:
                return (0, null);
        }
    }
}
