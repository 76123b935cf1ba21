using System.Buffers.Binary;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Nftables;

/// <summary>
/// One nf_tables transaction: NFNL_MSG_BATCH_BEGIN, the messages, NFNL_MSG_BATCH_END, in one datagram. The kernel
/// applies all the messages or none. Every message asks for an acknowledgement, so that the client can tell, by
/// sequence number, which one failed and why.
/// </summary>
/// <remarks>
/// The batch is written with sequence numbers relative to 0; <see cref="Seal"/> numbers it from the client's counter
/// (the begin message takes the first number, message i the first + 1 + i, the end message the last).
/// </remarks>
internal sealed class NfTablesBatch
{
    /// <summary>Room kept free before each message; the largest one (a rule) is a few hundred bytes.</summary>
    private const int MessageReserve = 2048;

    /// <summary>nlmsghdr + nfgenmsg of the two control messages.</summary>
    private const int ControlLength = Nl.HeaderLength + 4;

    private readonly List<BatchMessage> _messages = [];
    private byte[] _buffer = new byte[4096];
    private int _length;

    /// <summary>Starts a batch with its NFNL_MSG_BATCH_BEGIN (res_id NFNL_SUBSYS_NFTABLES, family AF_UNSPEC).</summary>
    internal NfTablesBatch() => _length = WriteControl(_buffer, Nft.NFNL_MSG_BATCH_BEGIN);

    /// <summary>The number of messages between begin and end.</summary>
    internal int Count => _messages.Count;

    /// <summary>The message at <paramref name="index"/>: what it asks, in words, its nf_tables type and family.</summary>
    internal BatchMessage this[int index] => _messages[index];

    /// <summary>Appends one nf_tables message.</summary>
    /// <param name="message">NFT_MSG_NEWTABLE...</param>
    /// <param name="flags">Flags besides REQUEST and ACK (CREATE, APPEND...).</param>
    /// <param name="family">The table family (NFPROTO_INET...).</param>
    /// <param name="build">Writes the attributes after the nfgenmsg.</param>
    /// <param name="operation">What the message asks, in words (for errors).</param>
    /// <param name="sizeHint">The most the message can take when that is more than a rule's (a list of elements).</param>
    internal void Add(byte message, ushort flags, byte family, NetlinkSocket.RequestBuilder build, string operation, int sizeHint = 0)
    {
        int needed = _length + Math.Max(MessageReserve, sizeHint) + ControlLength;
        if (_buffer.Length < needed)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }

        var writer = new NetlinkMessageWriter(
            _buffer.AsSpan(_length, _buffer.Length - _length - ControlLength),
            Nft.MessageType(message),
            (ushort)(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | flags),
            0);
        writer.WriteNfGen(family, 0);
        build(ref writer);
        int written = writer.Finish().Length;
        _messages.Add(new BatchMessage(_length, message, family, operation));
        _length += Nl.Align(written);
    }

    /// <summary>
    /// Numbers the messages from <paramref name="firstSequence"/> and closes the batch with NFNL_MSG_BATCH_END.
    /// </summary>
    /// <returns>The datagram (valid until the next <see cref="Add"/> or <see cref="Seal"/>).</returns>
    internal ReadOnlySpan<byte> Seal(uint firstSequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(8), firstSequence);
        for (int i = 0; i < _messages.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_messages[i].Offset + 8), SequenceOf(firstSequence, i));
        }

        int end = WriteControl(_buffer.AsSpan(_length), Nft.NFNL_MSG_BATCH_END);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length + 8), SequenceOf(firstSequence, _messages.Count));
        return _buffer.AsSpan(0, _length + end);
    }

    /// <summary>The sequence number of message <paramref name="index"/> (the end message is index <see cref="Count"/>).</summary>
    internal static uint SequenceOf(uint firstSequence, int index) => unchecked(firstSequence + 1 + (uint)index);

    private static int WriteControl(Span<byte> buffer, ushort type)
    {
        var writer = new NetlinkMessageWriter(buffer, type, Nl.NLM_F_REQUEST, 0);
        writer.WriteNfGen(Nft.NFPROTO_UNSPEC, Nft.NFNL_SUBSYS_NFTABLES);
        return writer.Finish().Length;
    }
}

/// <summary>A message of a batch: where it starts, its nf_tables type and family, and what it asks in words.</summary>
internal readonly record struct BatchMessage(int Offset, byte Type, byte Family, string Operation);
