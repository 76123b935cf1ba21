using System.Buffers.Binary;
using Vrrp.Linux.Processes;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>The process connector codec, on datagrams captured from this machine's kernel (6.18).</summary>
public sealed class ProcessEventParserTests
{
    // The kernel's answer to a listen request whose cn_msg ack was 100: ack 101, what NONE, cpu 0, err 0.
    internal const string Acknowledgement =
        "4c000000030000000000000000000000" + "0100000001000000000000006500000028000000" +
        "00000000000000004aef5a5e84000000" + "000000000000000000000000000000000000000000000000";

    // Process 3145 forked 3197 on CPU 1 (connector sequence 0x81df).
    internal const string Fork =
        "4c00000003000000df81000000000000" + "0100000001000000df8100000000000028000000" +
        "0100000001000000390025b403010000" + "490c0000490c00007d0c00007d0c00000000000000000000";

    // 3197 renamed itself "golden-comm".
    internal const string Comm =
        "4c00000003000000e081000000000000" + "0100000001000000e08100000000000028000000" +
        "0002000001000000ef6834b403010000" + "7d0c00007d0c0000676f6c64656e2d636f6d6d0000000000";

    // 3197 ran /bin/true.
    internal const string Exec =
        "4c00000003000000e181000000000000" + "0100000001000000e18100000000000028000000" +
        "02000000010000008de53bb403010000" + "7d0c00007d0c0000" + "00000000000000000000000000000000";

    // 3197 exited with status 0, exit signal SIGCHLD (17), parent 3145.
    internal const string Exit =
        "4c00000003000000e281000000000000" + "0100000001000000e28100000000000028000000" +
        "000000800100000045e44ab403010000" + "7d0c00007d0c00000000000011000000490c0000490c0000";

    public static TheoryData<string> Goldens => [Acknowledgement, Fork, Comm, Exec, Exit];

    [Fact]
    public void Reads_the_kernels_acknowledgement()
    {
        var e = ReadOne(Acknowledgement);
        Assert.Equal(ProcessEventKind.Acknowledgement, e.Kind);
        Assert.Equal(101u, e.AcknowledgementNumber);
        Assert.Equal(0, e.Error);
        Assert.Equal(0u, e.Cpu);
    }

    [Fact]
    public void Reads_a_fork()
    {
        var e = ReadOne(Fork);
        Assert.Equal(ProcessEventKind.Fork, e.Kind);
        Assert.Equal((3145, 3145, 3197, 3197), (e.ParentThreadId, e.ParentProcessId, e.ThreadId, e.ProcessId));
        Assert.True(e.IsProcess);
        Assert.Equal(1u, e.Cpu);
        Assert.Equal(0x81dfu, e.Sequence);
        Assert.Equal(0u, e.AcknowledgementNumber);
    }

    [Fact]
    public void Reads_a_comm_change_exec_and_exit()
    {
        var comm = ReadOne(Comm);
        Assert.Equal(ProcessEventKind.Comm, comm.Kind);
        Assert.Equal((3197, 3197), (comm.ThreadId, comm.ProcessId));
        Assert.Equal("golden-comm"u8.ToArray(), comm.Comm.ToArray());

        var exec = ReadOne(Exec);
        Assert.Equal(ProcessEventKind.Exec, exec.Kind);
        Assert.Equal(3197, exec.ProcessId);
        Assert.Equal(0x81e1u, exec.Sequence);

        var exit = ReadOne(Exit);
        Assert.Equal(ProcessEventKind.Exit, exit.Kind);
        Assert.Equal(3197, exit.ProcessId);
        Assert.Equal(0x80000000u, exit.What);
    }

    [Fact]
    public void A_thread_is_not_a_process()
    {
        byte[] fork = Convert.FromHexString(Fork);
        BinaryPrimitives.WriteInt32LittleEndian(fork.AsSpan(16 + 20 + 16 + 8), 3198); // child_pid (thread id) != child_tgid
        var reader = new ProcessEventReader(fork);
        Assert.True(reader.TryRead(out var e, out var drop));
        Assert.Equal(ProcessEventDrop.None, drop);
        Assert.False(e.IsProcess);
    }

    [Fact]
    public void Other_kinds_are_read_as_other()
    {
        byte[] uid = Convert.FromHexString(Exec);
        BinaryPrimitives.WriteUInt32LittleEndian(uid.AsSpan(36), 0x4); // PROC_EVENT_UID
        var e = ReadOne(Convert.ToHexString(uid));
        Assert.Equal(ProcessEventKind.Other, e.Kind);
        Assert.Equal(4u, e.What);
    }

    [Fact]
    public void Requests_have_the_kernels_layout()
    {
        byte[] request = new byte[ProcessEventParser.RequestLength];
        Assert.Equal(40, ProcessEventParser.WriteRequest(request, portId: 0x1234, acknowledgement: 100, ProcessEventParser.PROC_CN_MCAST_LISTEN));
        Assert.Equal(
            "28000000030000000000000034120000" + "0100000001000000000000006400000004000000" + "01000000",
            Convert.ToHexString(request).ToLowerInvariant());
        ProcessEventParser.WriteRequest(request, 7, 0, ProcessEventParser.PROC_CN_MCAST_IGNORE);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(36)));
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Every_truncated_prefix_is_rejected(string golden)
    {
        byte[] datagram = Convert.FromHexString(golden);
        _ = ReadOne(golden); // whole: accepted
        for (int i = 0; i < datagram.Length; i++)
        {
            var reader = new ProcessEventReader(datagram.AsSpan(0, i));
            while (reader.TryRead(out _, out var drop))
            {
                Assert.NotEqual(ProcessEventDrop.None, drop);
            }

            // The payload alone, cut anywhere before the end of its event, is rejected too.
            if (i >= 16)
            {
                Assert.NotEqual(ProcessEventDrop.None, ProcessEventParser.Parse(datagram.AsSpan(16, i - 16), out _));
            }
        }
    }

    [Fact]
    public void Short_lengths_inside_the_headers_are_rejected()
    {
        // nlmsg_len past the datagram, and below a header.
        byte[] fork = Convert.FromHexString(Fork);
        BinaryPrimitives.WriteUInt32LittleEndian(fork, 77);
        Assert.Equal(ProcessEventDrop.NetlinkHeaderInvalid, Drop(fork));
        BinaryPrimitives.WriteUInt32LittleEndian(fork, 15);
        Assert.Equal(ProcessEventDrop.NetlinkHeaderInvalid, Drop(fork));

        // cn_msg.len past the message; cn_msg.len too short for the event header, and for a fork's body.
        fork = Convert.FromHexString(Fork);
        BinaryPrimitives.WriteUInt16LittleEndian(fork.AsSpan(32), 41);
        Assert.Equal(ProcessEventDrop.ConnectorDataTruncated, Drop(fork));
        BinaryPrimitives.WriteUInt16LittleEndian(fork.AsSpan(32), 15);
        Assert.Equal(ProcessEventDrop.EventTruncated, Drop(fork));
        BinaryPrimitives.WriteUInt16LittleEndian(fork.AsSpan(32), 31);
        Assert.Equal(ProcessEventDrop.EventTruncated, Drop(fork));

        // Another connector user, another netlink type.
        fork = Convert.FromHexString(Fork);
        fork[16] = 2;
        Assert.Equal(ProcessEventDrop.ForeignConnector, Drop(fork));
        fork = Convert.FromHexString(Fork);
        fork[4] = 2; // NLMSG_ERROR
        Assert.Equal(ProcessEventDrop.UnexpectedNetlinkType, Drop(fork));
    }

    [Fact]
    public void A_chain_of_messages_is_read_in_order()
    {
        byte[] chain = [.. Convert.FromHexString(Fork), .. Convert.FromHexString(Exit)];
        var reader = new ProcessEventReader(chain);
        var kinds = new List<ProcessEventKind>();
        while (reader.TryRead(out var e, out var drop))
        {
            Assert.Equal(ProcessEventDrop.None, drop);
            kinds.Add(e.Kind);
        }

        Assert.Equal([ProcessEventKind.Fork, ProcessEventKind.Exit], kinds);
    }

    [Fact]
    public void Random_and_corrupted_datagrams_never_throw()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        byte[][] goldens = [.. new[] { Acknowledgement, Fork, Comm, Exec, Exit }.Select(Convert.FromHexString)];
        int events = 0;
        for (int i = 0; i < 50_000; i++)
        {
            byte[] noisy;
            switch (i % 3)
            {
                case 0:
                    noisy = (byte[])goldens[random.Next(goldens.Length)].Clone();
                    for (int flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        noisy[random.Next(noisy.Length)] = (byte)random.Next(256);
                    }

                    break;
                case 1:
                    // A plausible header, a connector header for the process index, random rest and lengths.
                    noisy = new byte[random.Next(16, 120)];
                    random.NextBytes(noisy);
                    BinaryPrimitives.WriteUInt32LittleEndian(noisy, (uint)random.Next(0, noisy.Length + 8));
                    BinaryPrimitives.WriteUInt16LittleEndian(noisy.AsSpan(4), 3);
                    if (noisy.Length >= 24)
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(noisy.AsSpan(16), 0x0000000100000001);
                    }

                    break;
                default:
                    noisy = new byte[random.Next(0, 200)];
                    random.NextBytes(noisy);
                    break;
            }

            try
            {
                var reader = new ProcessEventReader(noisy);
                int guard = 0;
                while (reader.TryRead(out var e, out var drop))
                {
                    Assert.True(++guard <= noisy.Length / 16 + 1, "the reader must advance");
                    if (drop == ProcessEventDrop.None)
                    {
                        events++;
                        Assert.True(e.Comm.Length <= 16);
                    }
                }
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed}, input {Convert.ToHexString(noisy)}: {ex}");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}: {events} of 50000 noisy datagrams still held an event");
    }

    private static ProcessEvent ReadOne(string hex)
    {
        var reader = new ProcessEventReader(Convert.FromHexString(hex));
        Assert.True(reader.TryRead(out var e, out var drop));
        Assert.Equal(ProcessEventDrop.None, drop);
        Assert.False(reader.TryRead(out _, out _));
        return e;
    }

    private static ProcessEventDrop Drop(byte[] datagram)
    {
        var reader = new ProcessEventReader(datagram);
        Assert.True(reader.TryRead(out _, out var drop));
        return drop;
    }
}
