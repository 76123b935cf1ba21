using Microsoft.Extensions.Logging;

namespace Vrrp.Linux.Processes;

/// <summary>One tracked process definition's state.</summary>
/// <param name="Name">The definition's name.</param>
/// <param name="Up">True when the number of matching processes is within [quorum, quorum_max] (after any delay).</param>
/// <param name="Count">The number of matching processes now.</param>
internal readonly record struct TrackedProcessStatus(string Name, bool Up, int Count);

/// <summary>
/// keepalived's <c>vrrp_track_process</c>: counts the processes matching each definition and reports each
/// definition's up/down state when it changes, from the kernel's process events (no polling, no scripts).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Start"/> subscribes to the process connector, then lists /proc (so nothing falls between the two),
/// reports every definition's first state, and from then on follows fork, exec, rename and exit events. The only
/// timers are the delays (<c>fork_delay</c>, <c>terminate_delay</c>) and, after the kernel dropped events because
/// the receive buffer was full, a re-read of /proc one second later (as keepalived, which also doubles the buffer).
/// </para>
/// <para>
/// The handler runs on the tracker's receive thread or a timer thread, one call at a time and in order; it should
/// return quickly. A handler that throws is logged; tracking goes on. Malformed messages are counted and skipped.
/// </para>
/// </remarks>
internal sealed class ProcessTracker : IDisposable
{
    private const long NanosecondsPerTick = 100;

    private readonly ProcessTable _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<IProcessEventSocket> _open;
    private readonly ProcFileSystem _proc;
    private readonly object _gate = new();
    private readonly long _origin;
    private readonly Dictionary<uint, uint> _sequences = [];
    private readonly HashSet<ProcessEventDrop> _dropsLogged = [];
    private IProcessEventSocket? _socket;
    private ITimer? _timer;
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private Action<string, bool, int>? _changed;
    private long? _rescanDue;
    private bool _disposed;
    private long _eventsReceived;
    private long _messagesDropped;
    private long _overflows;
    private long _rescans;
    private long _missedEvents;

    /// <summary>Tracks <paramref name="definitions"/> through the kernel's process connector and /proc.</summary>
    /// <param name="definitions">What to track.</param>
    /// <param name="timeProvider">The clock of the delays.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="receiveBufferSize">The connector socket's receive buffer (keepalived <c>process_monitor_rcv_bufs</c>); 0 for 1 MiB.</param>
    /// <param name="forceReceiveBuffer">Set it (and its doublings) with SO_RCVBUFFORCE (<c>process_monitor_rcv_bufs_force</c>).</param>
    /// <exception cref="ArgumentException">A definition is invalid, or two share a name.</exception>
    public ProcessTracker(IReadOnlyList<TrackedProcessDefinition> definitions, TimeProvider timeProvider, ILogger logger, int receiveBufferSize = 0, bool forceReceiveBuffer = false)
        : this(definitions, timeProvider, logger, () => receiveBufferSize > 0
            ? ProcessConnector.Open(receiveBufferSize, force: forceReceiveBuffer)
            : ProcessConnector.Open(), new ProcFileSystem())
    {
    }

    /// <summary>The seam for tests: another event source and another /proc.</summary>
    internal ProcessTracker(IReadOnlyList<TrackedProcessDefinition> definitions, TimeProvider timeProvider, ILogger logger, Func<IProcessEventSocket> openSocket, ProcFileSystem proc)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _table = new ProcessTable(definitions);
        _time = timeProvider;
        _logger = logger;
        _open = openSocket;
        _proc = proc;
        _origin = timeProvider.GetTimestamp();
        foreach (var definition in _table.Definitions.Where(d => d.IsLongerThanProcessNames))
        {
            Log.NameTooLong(logger, definition.Name, definition.Process);
        }
    }

    /// <summary>How long after lost events /proc is read again (keepalived: one second, to let a burst settle).</summary>
    internal TimeSpan RescanDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Process events received (every kind, for any process).</summary>
    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    /// <summary>Malformed or foreign messages skipped.</summary>
    public long MessagesDropped => Interlocked.Read(ref _messagesDropped);

    /// <summary>Times the kernel dropped events because the receive buffer was full (ENOBUFS).</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Times /proc was read again after lost events or a receive failure.</summary>
    public long Rescans => Interlocked.Read(ref _rescans);

    /// <summary>Events the per-CPU sequence numbers say were missed (informational; overflows trigger the re-read).</summary>
    public long MissedEvents => Interlocked.Read(ref _missedEvents);

    /// <summary>Every definition's state now, in the order given.</summary>
    public IReadOnlyList<TrackedProcessStatus> GetStatus()
    {
        lock (_gate)
        {
            var status = new TrackedProcessStatus[_table.Definitions.Count];
            for (int i = 0; i < status.Length; i++)
            {
                status[i] = new TrackedProcessStatus(_table.Definitions[i].Name, _table.IsUp(i), _table.CountOf(i));
            }

            return status;
        }
    }

    /// <summary>
    /// Subscribes to process events, reads /proc, reports every definition's first state through
    /// <paramref name="changed"/> (name, up, count) before returning, then reports each change.
    /// </summary>
    /// <exception cref="ProcessConnectorUnavailableException">The kernel's process events cannot be used; the message
    /// says what is missing (a capability, a kernel option, the initial namespace).</exception>
    /// <exception cref="InvalidOperationException">Started twice, or /proc cannot be listed.</exception>
    public void Start(Action<string, bool, int> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_socket is not null)
            {
                throw new InvalidOperationException("The process tracker is already started.");
            }

            var socket = _open();
            try
            {
                _table.Load(_proc.Scan(_table.CommandLineLimit));
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _socket = socket;
            _changed = changed;
            _timer = _time.CreateTimer(static state => ((ProcessTracker)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Log.Started(_logger, _table.Definitions.Count, _table.TrackedProcessCount);
            Drain();
            _stopping = new CancellationTokenSource();
            var token = _stopping.Token;
            _loop = Task.Run(() => ReceiveLoopAsync(socket, token), CancellationToken.None);
        }
    }

    /// <summary>Stops: no report follows; the subscription is withdrawn and the socket closed.</summary>
    public void Dispose()
    {
        Task? loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
        }

        _stopping?.Cancel();
        _socket?.Dispose();
        try
        {
            loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the socket; its failure, if any, was logged.
        }

        _timer?.Dispose();
        _stopping?.Dispose();
    }

    private async Task ReceiveLoopAsync(IProcessEventSocket socket, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[8192];
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            ProcessDatagram datagram;
            try
            {
                datagram = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or ObjectDisposedException)
            {
                // Events may have been missed: re-read /proc once things work again (bounded retries).
                if (++failures >= 10)
                {
                    Log.ReceiveAbandoned(_logger, ex);
                    return;
                }

                Log.ReceiveFailed(_logger, ex);
                lock (_gate)
                {
                    ScheduleRescan();
                    Arm();
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * failures), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                if (datagram.EventsLost)
                {
                    Interlocked.Increment(ref _overflows);
                    int size = socket.GrowReceiveBuffer();
                    Log.EventsLost(_logger, RescanDelay, size);
                    ScheduleRescan();
                }
                else
                {
                    Handle(buffer.AsSpan(0, datagram.Length));
                }

                Drain();
                Arm();
            }
        }
    }

    /// <summary>Feeds one datagram's events to the table (under the gate).</summary>
    private void Handle(ReadOnlySpan<byte> datagram)
    {
        long now = Now();
        var reader = new ProcessEventReader(datagram);
        while (reader.TryRead(out var processEvent, out var drop))
        {
            if (drop != ProcessEventDrop.None)
            {
                Interlocked.Increment(ref _messagesDropped);
                if (_dropsLogged.Add(drop))
                {
                    Log.FirstMessageDropped(_logger, drop);
                }
                else
                {
                    Log.MessageDropped(_logger, drop);
                }

                continue;
            }

            if (processEvent.Kind == ProcessEventKind.Acknowledgement)
            {
                continue; // ours came before Start returned; these answer other listeners
            }

            Interlocked.Increment(ref _eventsReceived);
            NoteSequence(processEvent.Cpu, processEvent.Sequence);
            if (!processEvent.IsProcess)
            {
                continue; // a thread of a process: threads are not counted, and their exec/comm/exit change nothing
            }

            switch (processEvent.Kind)
            {
                case ProcessEventKind.Fork:
                    _table.HandleFork(processEvent.ParentProcessId, processEvent.ProcessId, now);
                    break;
                case ProcessEventKind.Exec:
                    _table.HandleExec(processEvent.ProcessId, _proc.TryRead(processEvent.ProcessId, _table.CommandLineLimit, out var entry) ? entry : null, now);
                    break;
                case ProcessEventKind.Comm:
                    _table.HandleCommChange(processEvent.ProcessId, processEvent.Comm.Span, now);
                    break;
                case ProcessEventKind.Exit:
                    _table.HandleExit(processEvent.ProcessId, now);
                    break;
            }
        }
    }

    /// <summary>Counts gaps in the per-CPU sequence numbers (keepalived logs them; the overflow triggers the re-read).</summary>
    private void NoteSequence(uint cpu, uint sequence)
    {
        if (cpu >= 4096)
        {
            return; // old kernels sent all ones here
        }

        if (_sequences.TryGetValue(cpu, out uint last) && sequence != unchecked(last + 1))
        {
            long missed = unchecked((uint)(sequence - last - 1));
            if (missed is > 0 and < int.MaxValue)
            {
                Interlocked.Add(ref _missedEvents, missed);
                Log.SequenceGap(_logger, missed, cpu);
            }
        }

        _sequences[cpu] = sequence;
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed || _socket is null)
            {
                return;
            }

            long now = Now();
            if (_rescanDue is long due && due <= now)
            {
                _rescanDue = null;
                Rescan(now);
            }

            _table.HandleTimeout(now);
            Drain();
            Arm();
        }
    }

    private void Rescan(long now)
    {
        try
        {
            _table.Rescan(_proc.Scan(_table.CommandLineLimit), now);
            _sequences.Clear();
            Interlocked.Increment(ref _rescans);
            Log.Rescanned(_logger, _table.TrackedProcessCount);
        }
        catch (InvalidOperationException ex)
        {
            Log.RescanFailed(_logger, ex);
        }
    }

    /// <summary>(Re)starts the wait before the re-read: a burst of overflows leads to one re-read, after it settles.</summary>
    private void ScheduleRescan() => _rescanDue = Now() + (RescanDelay.Ticks * NanosecondsPerTick);

    /// <summary>Sets the timer to the earliest of the delays and the pending re-read.</summary>
    private void Arm()
    {
        long? next = _table.NextTimeout;
        if (_rescanDue is long rescan && (next is null || rescan < next))
        {
            next = rescan;
        }

        if (next is not long deadline)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        long wait = Math.Max(0, deadline - Now());
        _timer?.Change(TimeSpan.FromTicks((wait + NanosecondsPerTick - 1) / NanosecondsPerTick), Timeout.InfiniteTimeSpan);
    }

    private void Drain()
    {
        while (_table.TryPollChange(out var change))
        {
            Log.QuorumChanged(_logger, change.Up ? "gained" : "lost", change.Name, change.Count);
            try
            {
                _changed?.Invoke(change.Name, change.Up, change.Count);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, ex, change.Name);
            }
        }
    }

    private long Now() => _time.GetElapsedTime(_origin).Ticks * NanosecondsPerTick;
}
