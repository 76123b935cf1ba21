using System.Buffers.Binary;
using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Processes;

/// <summary>Why a process connector message was skipped. Every value but <see cref="None"/> is counted.</summary>
internal enum ProcessEventDrop
{
    /// <summary>Not dropped: the message held an event.</summary>
    None,

    /// <summary>Fewer bytes than a netlink header, or a header whose length runs past the datagram.</summary>
    NetlinkHeaderInvalid,

    /// <summary>A netlink message type other than NLMSG_DONE, the type the connector sends.</summary>
    UnexpectedNetlinkType,

    /// <summary>Fewer bytes than a connector header (struct cn_msg).</summary>
    ConnectorHeaderTruncated,

    /// <summary>A connector message for another connector user (not CN_IDX_PROC / CN_VAL_PROC).</summary>
    ForeignConnector,

    /// <summary>The connector header's data length runs past the message.</summary>
    ConnectorDataTruncated,

    /// <summary>The data is too short for the event header or for the body its kind needs.</summary>
    EventTruncated,
}

/// <summary>
/// Reads the process connector's messages. Netlink and the connector use host byte order; the layouts (from
/// linux/netlink.h, linux/connector.h and linux/cn_proc.h) are written above each read.
/// </summary>
internal static class ProcessEventParser
{
    /// <summary>NETLINK_CONNECTOR, the netlink protocol of the kernel connector.</summary>
    internal const int NETLINK_CONNECTOR = 11;

    /// <summary>CN_IDX_PROC: the connector index (and multicast group) of process events.</summary>
    internal const uint CN_IDX_PROC = 1;

    /// <summary>CN_VAL_PROC: the connector value of process events.</summary>
    internal const uint CN_VAL_PROC = 1;

    /// <summary>PROC_CN_MCAST_LISTEN: ask the kernel to send process events.</summary>
    internal const uint PROC_CN_MCAST_LISTEN = 1;

    /// <summary>PROC_CN_MCAST_IGNORE: tell the kernel this listener is gone.</summary>
    internal const uint PROC_CN_MCAST_IGNORE = 2;

    internal const uint PROC_EVENT_NONE = 0;
    internal const uint PROC_EVENT_FORK = 0x1;
    internal const uint PROC_EVENT_EXEC = 0x2;
    internal const uint PROC_EVENT_COMM = 0x200;
    internal const uint PROC_EVENT_EXIT = 0x80000000;

    /// <summary>struct cn_msg: u32 idx, u32 val, u32 seq, u32 ack, u16 len, u16 flags, then len bytes of data.</summary>
    internal const int ConnectorHeaderLength = 20;

    /// <summary>struct proc_event up to its union: u32 what, u32 cpu, u64 timestamp_ns.</summary>
    internal const int EventHeaderLength = 16;

    /// <summary>The size of a listen or ignore request: nlmsghdr, cn_msg, and the u32 operation.</summary>
    internal const int RequestLength = Nl.HeaderLength + ConnectorHeaderLength + 4;

    /// <summary>The comm field of a comm event: char[16] (TASK_COMM_LEN), NUL-terminated.</summary>
    internal const int CommLength = 16;

    /// <summary>
    /// Writes a listen or ignore request: an NLMSG_DONE netlink message carrying a cn_msg for CN_IDX_PROC /
    /// CN_VAL_PROC whose data is the u32 operation.
    /// </summary>
    /// <param name="destination">At least <see cref="RequestLength"/> bytes.</param>
    /// <param name="portId">The sending socket's port id (nlmsg_pid).</param>
    /// <param name="acknowledgement">The cn_msg ack number; the kernel answers with this number plus one.</param>
    /// <param name="operation"><see cref="PROC_CN_MCAST_LISTEN"/> or <see cref="PROC_CN_MCAST_IGNORE"/>.</param>
    /// <returns>The number of bytes written.</returns>
    internal static int WriteRequest(Span<byte> destination, uint portId, uint acknowledgement, uint operation)
    {
        var request = destination[..RequestLength];
        request.Clear();

        // nlmsghdr: u32 len, u16 type, u16 flags, u32 seq, u32 pid.
        BinaryPrimitives.WriteUInt32LittleEndian(request, RequestLength);
        BinaryPrimitives.WriteUInt16LittleEndian(request[4..], Nl.NLMSG_DONE);
        BinaryPrimitives.WriteUInt32LittleEndian(request[12..], portId);

        // cn_msg: idx, val, seq, ack, len, flags.
        var connector = request[Nl.HeaderLength..];
        BinaryPrimitives.WriteUInt32LittleEndian(connector, CN_IDX_PROC);
        BinaryPrimitives.WriteUInt32LittleEndian(connector[4..], CN_VAL_PROC);
        BinaryPrimitives.WriteUInt32LittleEndian(connector[12..], acknowledgement);
        BinaryPrimitives.WriteUInt16LittleEndian(connector[16..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(connector[ConnectorHeaderLength..], operation);
        return RequestLength;
    }

    /// <summary>Parses the payload of one netlink message (after the nlmsghdr): a cn_msg and its proc_event.</summary>
    /// <param name="payload">The message payload.</param>
    /// <param name="processEvent">The event, when the result is <see cref="ProcessEventDrop.None"/>.</param>
    /// <returns><see cref="ProcessEventDrop.None"/>, or why the message is skipped.</returns>
    internal static ProcessEventDrop Parse(ReadOnlySpan<byte> payload, out ProcessEvent processEvent)
    {
        processEvent = default;
        if (payload.Length < ConnectorHeaderLength)
        {
            return ProcessEventDrop.ConnectorHeaderTruncated;
        }

        // cn_msg: u32 idx, u32 val, u32 seq, u32 ack, u16 len, u16 flags.
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        uint acknowledgement = BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]);
        int dataLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[16..]);
        if (index != CN_IDX_PROC || value != CN_VAL_PROC)
        {
            return ProcessEventDrop.ForeignConnector;
        }

        var data = payload[ConnectorHeaderLength..];
        if (dataLength > data.Length)
        {
            return ProcessEventDrop.ConnectorDataTruncated;
        }

        data = data[..dataLength];
        if (data.Length < EventHeaderLength)
        {
            return ProcessEventDrop.EventTruncated;
        }

        // proc_event: u32 what, u32 cpu, u64 timestamp_ns (8-aligned within the struct), then the union.
        uint what = BinaryPrimitives.ReadUInt32LittleEndian(data);
        uint cpu = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        var body = data[EventHeaderLength..];
        var common = new ProcessEvent
        {
            What = what,
            Cpu = cpu,
            Sequence = sequence,
            AcknowledgementNumber = acknowledgement,
        };

        switch (what)
        {
            case PROC_EVENT_NONE:
                // ack: u32 err.
                if (body.Length < 4)
                {
                    return ProcessEventDrop.EventTruncated;
                }

                processEvent = common with { Kind = ProcessEventKind.Acknowledgement, Error = BinaryPrimitives.ReadInt32LittleEndian(body) };
                return ProcessEventDrop.None;

            case PROC_EVENT_FORK:
                // fork: s32 parent_pid, s32 parent_tgid, s32 child_pid, s32 child_tgid.
                if (body.Length < 16)
                {
                    return ProcessEventDrop.EventTruncated;
                }

                processEvent = common with
                {
                    Kind = ProcessEventKind.Fork,
                    ParentThreadId = BinaryPrimitives.ReadInt32LittleEndian(body),
                    ParentProcessId = BinaryPrimitives.ReadInt32LittleEndian(body[4..]),
                    ThreadId = BinaryPrimitives.ReadInt32LittleEndian(body[8..]),
                    ProcessId = BinaryPrimitives.ReadInt32LittleEndian(body[12..]),
                };
                return ProcessEventDrop.None;

            case PROC_EVENT_EXEC:
                // exec: s32 process_pid, s32 process_tgid.
                return ReadThreadAndProcess(body, 8, common with { Kind = ProcessEventKind.Exec }, out processEvent);

            case PROC_EVENT_EXIT:
                // exit: s32 process_pid, s32 process_tgid, u32 exit_code, u32 exit_signal (then, since Linux 4.x,
                // s32 parent_pid, s32 parent_tgid, which the tracker does not need).
                return ReadThreadAndProcess(body, 16, common with { Kind = ProcessEventKind.Exit }, out processEvent);

            case PROC_EVENT_COMM:
                // comm: s32 process_pid, s32 process_tgid, char comm[16].
                if (ReadThreadAndProcess(body, 8 + CommLength, common with { Kind = ProcessEventKind.Comm }, out processEvent) != ProcessEventDrop.None)
                {
                    return ProcessEventDrop.EventTruncated;
                }

                var comm = body.Slice(8, CommLength);
                int nul = comm.IndexOf((byte)0);
                processEvent = processEvent with { Comm = (nul < 0 ? comm : comm[..nul]).ToArray() };
                return ProcessEventDrop.None;

            default:
                processEvent = common with { Kind = ProcessEventKind.Other };
                return ProcessEventDrop.None;
        }
    }

    private static ProcessEventDrop ReadThreadAndProcess(ReadOnlySpan<byte> body, int needed, ProcessEvent common, out ProcessEvent processEvent)
    {
        if (body.Length < needed)
        {
            processEvent = default;
            return ProcessEventDrop.EventTruncated;
        }

        processEvent = common with
        {
            ThreadId = BinaryPrimitives.ReadInt32LittleEndian(body),
            ProcessId = BinaryPrimitives.ReadInt32LittleEndian(body[4..]),
        };
        return ProcessEventDrop.None;
    }
}

/// <summary>
/// Walks the netlink messages of one datagram from the process connector. The kernel sends one event per datagram
/// (several would break the 8-byte alignment of struct proc_event), but a chain is read all the same.
/// </summary>
internal ref struct ProcessEventReader
{
    private ReadOnlySpan<byte> _rest;

    /// <summary>Starts at the beginning of <paramref name="datagram"/>.</summary>
    internal ProcessEventReader(ReadOnlySpan<byte> datagram) => _rest = datagram;

    /// <summary>Reads the next message.</summary>
    /// <param name="processEvent">The event, when <paramref name="drop"/> is <see cref="ProcessEventDrop.None"/>.</param>
    /// <param name="drop">Why the message was skipped, or <see cref="ProcessEventDrop.None"/>.</param>
    /// <returns>False at the end of the datagram; a malformed netlink header ends the walk after being reported.</returns>
    internal bool TryRead(out ProcessEvent processEvent, out ProcessEventDrop drop)
    {
        processEvent = default;
        drop = ProcessEventDrop.None;
        if (_rest.IsEmpty)
        {
            return false;
        }

        // nlmsghdr: u32 len, u16 type, u16 flags, u32 seq, u32 pid.
        uint length = _rest.Length >= Nl.HeaderLength ? BinaryPrimitives.ReadUInt32LittleEndian(_rest) : 0;
        if (length < Nl.HeaderLength || length > (uint)_rest.Length)
        {
            _rest = default;
            drop = ProcessEventDrop.NetlinkHeaderInvalid;
            return true;
        }

        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]);
        var payload = _rest[Nl.HeaderLength..(int)length];
        _rest = _rest[Math.Min(Nl.Align((int)length), _rest.Length)..];
        drop = type == Nl.NLMSG_DONE ? ProcessEventParser.Parse(payload, out processEvent) : ProcessEventDrop.UnexpectedNetlinkType;
        return true;
    }
}
