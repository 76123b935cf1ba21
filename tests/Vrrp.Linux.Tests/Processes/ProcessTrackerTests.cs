using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Linux.Processes;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>The tracker around the table, without root: a fake connector socket, a fake /proc, a fake clock.</summary>
public sealed class ProcessTrackerTests
{
    [Fact]
    public void Start_reports_first_states_then_follows_events_with_the_terminate_delay()
    {
        using var proc = new FakeProc();
        proc.Add(10, "nginx");
        proc.Add(11, "bash");
        using var rig = new Rig(proc, Definition("nginx") with { TerminateDelay = TimeSpan.FromSeconds(2) }, Definition("haproxy"));
        rig.Start();
        Assert.Equal(["nginx up 1", "haproxy down 0"], rig.Reports);

        rig.Socket.Send(Event.Exit(10));
        rig.WaitForEvents(1);
        Assert.Equal(2, rig.Reports.Count);                      // nothing yet: the delay runs
        Assert.Equal([new TrackedProcessStatus("nginx", true, 0), new TrackedProcessStatus("haproxy", false, 0)], rig.Tracker.GetStatus());
        rig.Time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(2, rig.Reports.Count);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("nginx down 0", rig.Reports[^1]);

        // An exec is read from /proc: bash ran haproxy.
        proc.Add(11, "haproxy");
        rig.Socket.Send(Event.Exec(11));
        rig.WaitForReports(4);
        Assert.Equal("haproxy up 1", rig.Reports[^1]);
    }

    [Fact]
    public void Threads_are_not_processes()
    {
        using var proc = new FakeProc();
        proc.Add(10, "nginx");
        using var rig = new Rig(proc, Definition("nginx"));
        rig.Start();
        rig.Socket.Send(Event.Exit(10, thread: 12));             // a worker thread of 10 ended
        rig.Socket.Send(Event.Fork(10, 13, thread: 14));         // 10 started a thread
        rig.Socket.Send(Event.Comm(10, "renamed", thread: 15));  // a thread renamed itself
        rig.WaitForEvents(3);
        Assert.Equal(["nginx up 1"], rig.Reports);
        Assert.Equal(1, rig.Tracker.GetStatus()[0].Count);
    }

    [Fact]
    public void Lost_events_grow_the_buffer_and_reread_proc_once_the_burst_settles()
    {
        using var proc = new FakeProc();
        proc.Add(10, "nginx");
        using var rig = new Rig(proc, Definition("nginx"));
        rig.Start();

        proc.Remove(10);                                         // its exit is among the lost events
        rig.Socket.Overflow();
        rig.Socket.Overflow();
        rig.WaitFor(() => rig.Tracker.Overflows == 2);
        Assert.Equal(2, rig.Socket.Grown);
        rig.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, rig.Tracker.Rescans);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, rig.Tracker.Rescans);
        Assert.Equal("nginx down 0", rig.Reports[^1]);
    }

    [Fact]
    public void Malformed_messages_are_counted_and_skipped()
    {
        using var proc = new FakeProc();
        proc.Add(10, "nginx");
        var logs = new ListLogger();
        using var rig = new Rig(proc, logs, Definition("nginx"));
        rig.Start();
        byte[] truncated = Event.Exit(10)[..50];
        rig.Socket.Send(truncated);
        rig.Socket.Send([1, 2, 3]);
        rig.Socket.Send(Event.Exit(10));
        rig.WaitForReports(2);
        Assert.Equal(2, rig.Tracker.MessagesDropped);
        Assert.Equal(1, rig.Tracker.EventsReceived);
        Assert.Equal("nginx down 0", rig.Reports[^1]);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("malformed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_throwing_handler_is_logged_and_tracking_goes_on()
    {
        using var proc = new FakeProc();
        proc.Add(10, "nginx");
        var logs = new ListLogger();
        using var rig = new Rig(proc, logs, Definition("nginx"));
        int calls = 0;
        rig.Tracker.Start((_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("handler bug");
        });

        rig.Socket.Send(Event.Exit(10));
        Wait(() => Volatile.Read(ref calls) == 2);
        proc.Add(11, "nginx");
        rig.Socket.Send(Event.Exec(11));
        Wait(() => Volatile.Read(ref calls) == 3);
        Assert.Equal(3, logs.Entries.Count(e => e.Level == LogLevel.Error && e.Exception?.Message == "handler bug"));
    }

    [Fact]
    public void Dispose_stops_reports_and_closes_the_socket()
    {
        using var proc = new FakeProc();
        proc.Add(10, "nginx");
        var rig = new Rig(proc, Definition("nginx") with { TerminateDelay = TimeSpan.FromSeconds(1) });
        rig.Start();
        rig.Socket.Send(Event.Exit(10));
        rig.WaitForEvents(1);
        rig.Dispose();
        Assert.True(rig.Socket.Disposed);
        rig.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["nginx up 1"], rig.Reports);
        Assert.Throws<ObjectDisposedException>(() => rig.Tracker.Start((_, _, _) => { }));
    }

    [Fact]
    public void A_connector_that_cannot_open_fails_start_with_its_reason()
    {
        using var proc = new FakeProc();
        using var tracker = new ProcessTracker(
            [Definition("nginx")],
            new FakeTimeProvider(),
            new ListLogger(),
            () => throw new ProcessConnectorUnavailableException(ProcessConnectorProblem.NotPermitted, 1, "needs CAP_NET_ADMIN"),
            new ProcFileSystem(proc.Root));
        var ex = Assert.Throws<ProcessConnectorUnavailableException>(() => tracker.Start((_, _, _) => { }));
        Assert.Equal(ProcessConnectorProblem.NotPermitted, ex.Problem);
    }

    [Fact]
    public void Connector_errors_name_what_is_missing()
    {
        var denied = ProcessConnector.NotPermitted(1, "subscribing to process events");
        Assert.Equal(ProcessConnectorProblem.NotPermitted, denied.Problem);
        Assert.Contains("CAP_NET_ADMIN", denied.Message, StringComparison.Ordinal);
        Assert.Contains("errno 1", denied.Message, StringComparison.Ordinal);

        var silent = ProcessConnector.NoAnswer(TimeSpan.FromSeconds(2));
        Assert.Contains("CONFIG_PROC_EVENTS", silent.Message, StringComparison.Ordinal);
        Assert.Contains("PID or user namespace", silent.Message, StringComparison.Ordinal);
        Assert.Contains("2 s", silent.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_too_long_for_the_kernel_is_warned_about()
    {
        var logs = new ListLogger();
        using var tracker = new ProcessTracker([Definition("a-very-long-process-name")], new FakeTimeProvider(), logs, () => new FakeEventSocket(), new ProcFileSystem("/nonexistent"));
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("15 bytes", StringComparison.Ordinal));
    }

    private static TrackedProcessDefinition Definition(string process) => new() { Name = process, Process = process };

    private static void Wait(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "condition not reached within 10 s");
            Thread.Sleep(5);
        }
    }

    /// <summary>Connector datagrams as the kernel lays them out (see <see cref="ProcessEventParserTests"/>).</summary>
    internal static class Event
    {
        private static uint _sequence;

        public static byte[] Fork(int parent, int child, int? thread = null) =>
            Build(ProcessEventParser.PROC_EVENT_FORK, body =>
            {
                BinaryPrimitives.WriteInt32LittleEndian(body, parent);
                BinaryPrimitives.WriteInt32LittleEndian(body[4..], parent);
                BinaryPrimitives.WriteInt32LittleEndian(body[8..], thread ?? child);
                BinaryPrimitives.WriteInt32LittleEndian(body[12..], child);
            });

        public static byte[] Exec(int pid) => Build(ProcessEventParser.PROC_EVENT_EXEC, body => Ids(body, pid, null));

        public static byte[] Exit(int pid, int? thread = null) => Build(ProcessEventParser.PROC_EVENT_EXIT, body => Ids(body, pid, thread));

        public static byte[] Comm(int pid, string comm, int? thread = null) =>
            Build(ProcessEventParser.PROC_EVENT_COMM, body =>
            {
                Ids(body, pid, thread);
                Encoding.UTF8.GetBytes(comm).AsSpan(0, Math.Min(15, comm.Length)).CopyTo(body[8..]);
            });

        private static void Ids(Span<byte> body, int pid, int? thread)
        {
            BinaryPrimitives.WriteInt32LittleEndian(body, thread ?? pid);
            BinaryPrimitives.WriteInt32LittleEndian(body[4..], pid);
        }

        private delegate void BodyWriter(Span<byte> body);

        private static byte[] Build(uint what, BodyWriter body)
        {
            byte[] datagram = new byte[76];
            uint sequence = Interlocked.Increment(ref _sequence);
            BinaryPrimitives.WriteUInt32LittleEndian(datagram, 76);
            BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(4), 3);
            BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(16), 1);
            BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(20), 1);
            BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(24), sequence);
            BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(32), 40);
            BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(36), what);
            BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(40), 4095); // an unusual CPU: no sequence gaps
            body(datagram.AsSpan(52));
            return datagram;
        }
    }

    private sealed class Rig : IDisposable
    {
        private readonly ConcurrentQueue<string> _reports = new();

        public Rig(FakeProc proc, params TrackedProcessDefinition[] definitions)
            : this(proc, new ListLogger(), definitions)
        {
        }

        public Rig(FakeProc proc, ILogger logger, params TrackedProcessDefinition[] definitions)
        {
            Tracker = new ProcessTracker(definitions, Time, logger, () => Socket, new ProcFileSystem(proc.Root));
        }

        public FakeTimeProvider Time { get; } = new();

        public FakeEventSocket Socket { get; } = new();

        public ProcessTracker Tracker { get; }

        public List<string> Reports => [.. _reports];

        public void Start() => Tracker.Start((name, up, count) => _reports.Enqueue($"{name} {(up ? "up" : "down")} {count}"));

        public void WaitForEvents(long count) => WaitFor(() => Tracker.EventsReceived >= count);

        public void WaitForReports(int count) => WaitFor(() => _reports.Count >= count);

        /// <summary>Waits for a condition the receive loop sets, then for the loop to finish that datagram (it holds
        /// the tracker's gate, which GetStatus takes), so that its timer is armed before the clock moves.</summary>
        public void WaitFor(Func<bool> condition)
        {
            Wait(condition);
            _ = Tracker.GetStatus();
        }

        public void Dispose() => Tracker.Dispose();
    }

    internal sealed class FakeEventSocket : IProcessEventSocket
    {
        private readonly Channel<byte[]?> _datagrams = Channel.CreateUnbounded<byte[]?>();

        public int Grown { get; private set; }

        public bool Disposed { get; private set; }

        public void Send(byte[] datagram) => _datagrams.Writer.TryWrite(datagram);

        public void Overflow() => _datagrams.Writer.TryWrite(null);

        public async ValueTask<ProcessDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            byte[]? datagram = await _datagrams.Reader.ReadAsync(cancellationToken);
            if (datagram is null)
            {
                return new ProcessDatagram(0, true);
            }

            datagram.CopyTo(buffer);
            return new ProcessDatagram(datagram.Length, false);
        }

        public int GrowReceiveBuffer() => ++Grown * 1024;

        public void Dispose()
        {
            Disposed = true;
            _datagrams.Writer.TryComplete();
        }
    }

    internal sealed class ListLogger : ILogger
    {
        private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> _entries = new();

        public List<(LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
