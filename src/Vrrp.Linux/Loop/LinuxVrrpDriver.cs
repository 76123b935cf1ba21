using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vrrp.Election;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Sockets;
using Vrrp.Runtime;

namespace Vrrp.Linux.Loop;

/// <summary>
/// The Linux driver: one dedicated thread per driver waits in epoll_wait(2) on the channels' raw sockets and one timerfd
/// (CLOCK_MONOTONIC, absolute expiry in nanoseconds), takes datagrams with recvmmsg(2) and sends every advert of one
/// input (a timer tick with all the deadlines due, a datagram, a link or tracker change) with one sendmmsg(2) per
/// channel. Neither the thread pool nor managed timers are on the packet or timer path.
/// </summary>
/// <remarks>
/// <para>Protocol time is CLOCK_MONOTONIC (<see cref="MonotonicTimeProvider"/>), the clock of the timerfd, so the
/// core's deadline is the expiry the kernel is given. The router set keeps every deadline in memory; the kernel timer is
/// set only when the earliest deadline moves earlier than the expiry already armed. When it moves later (a backup
/// hearing an advert pushes its Master_Down_Timer out) the armed expiry stays, the timer fires early once, nothing is
/// due, and it is set to the new earliest deadline: a backup hearing 100 adverts a second sets its timer a few times a
/// second, not per advert.</para>
/// <para>Address changes, announcements and everything the observers queue (user callbacks, notify scripts) run off
/// this thread (<see cref="RunsAddressWorkInline"/> is false). Inputs from other threads (link events, trackers, stop)
/// are processed on those threads under the driver's lock, and their adverts are sent there, at once.</para>
/// </remarks>
internal sealed class LinuxVrrpDriver : VrrpDriver
{
    private const long TimerTag = -1;
    private const long WakeTag = -2;
    private const int EventCapacity = 16;
    // Up to 64 x 64 datagrams per channel and wake-up: a queue left behind by a stall is drained before the timer's
    // deadlines are looked at (an advert waiting in the socket must count before its router's Master_Down fires), and
    // a flood cannot keep the loop from its timer for long.
    private const int BatchesPerWakeup = 64;

    /// <summary>How long a channel's socket waits out a burst (see <see cref="Coalesce"/>): 0.5 ms.</summary>
    private const long CoalesceWindow = 500_000;

    private readonly string? _networkNamespace;
    private Channel?[] _channels = [];   // copy-on-write: the loop thread reads it while a channel may be opened
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<int, SocketException> _sendErrors = [];
    private readonly List<(int Index, TaskCompletionSource Done)> _closes = [];   // channels to close on the loop thread
    private int _epoll = -1;
    private int _timer = -1;
    private int _wake = -1;
    private Thread? _thread;
    private volatile bool _stopping;
    private long _kernelDeadline = long.MaxValue;
    private long _loopAllocated;
    private unsafe byte* _ready;   // the loop thread's epoll events, while it handles them
    private int _readyCount;

    /// <summary>
    /// keepalived's <c>max_auto_priority</c>: when the loop wakes up later than <see cref="MinAutoPriorityDelay"/> after
    /// its timer was due (a heavily loaded or stalled system), its thread is raised to SCHED_RR (with
    /// SCHED_RESET_ON_FORK) at priority 1, or one more when it is real-time already, up to this. 0 (the default) never.
    /// </summary>
    internal int MaxAutoPriority { get; init; }

    /// <summary>How late a wake-up must be to raise the priority (keepalived's <c>min_auto_priority_delay</c>, default 1 s), in nanoseconds.</summary>
    internal long MinAutoPriorityDelay { get; init; } = 1_000_000_000;

    /// <summary>Creates a driver for one network namespace.</summary>
    /// <param name="networkNamespace">The namespace the channels are opened in (unless a channel names its own), or null for the process's.</param>
    /// <param name="addresses">Adds and removes the virtual addresses.</param>
    /// <param name="announcer">Announces them, or null.</param>
    /// <param name="links">Reports link changes, or null.</param>
    /// <param name="wallClock">Wall-clock time for state-change timestamps (protocol time is CLOCK_MONOTONIC); null for the system's.</param>
    /// <param name="loggerFactory">Logging, or null.</param>
    public LinuxVrrpDriver(string? networkNamespace, IVirtualAddressManager addresses, IAddressAnnouncer? announcer, ILinkMonitor? links, TimeProvider? wallClock, ILoggerFactory? loggerFactory)
        : base(addresses, announcer, links, new MonotonicTimeProvider(wallClock ?? TimeProvider.System), loggerFactory)
    {
        _networkNamespace = networkNamespace;
    }

    /// <summary>How many times the kernel timer was set (for tests: not per received advert).</summary>
    internal long TimerSets { get; private set; }

    /// <summary>How many times the loop thread woke up (for tests: far fewer than the datagrams it received).</summary>
    internal long Wakeups { get; private set; }

    /// <summary>How many sendmmsg batches were flushed (for tests).</summary>
    internal long SendBatches { get; private set; }

    /// <summary>The loop thread's managed id, once started (for tests).</summary>
    internal int LoopThreadId { get; private set; }

    /// <summary>Bytes the loop thread has allocated so far (updated once per wake-up; for the allocation tests).</summary>
    internal long LoopAllocatedBytes => Volatile.Read(ref _loopAllocated);

    /// <inheritdoc />
    protected override bool RunsAddressWorkInline => false;

    /// <inheritdoc />
    protected override async ValueTask<IPAddressValue> OpenChannelAsync(int channel, VrrpChannelOptions options, CancellationToken cancellationToken)
    {
        if (LinuxCapabilities.FindMissing(LinuxCapabilities.GetEffective(), [LinuxCapability.NetRaw]) is { Count: > 0 } missing)
        {
            throw new MissingCapabilityException(missing);
        }

        var pair = await RawVrrpSocketPair.OpenAsync(options, options.NetworkNamespace ?? _networkNamespace, cancellationToken).ConfigureAwait(false);
        try
        {
            pair.AddReceiveBuffer(options.ReceiveBufferSize, options.ReceiveBufferMtus); // vrrp_rx_bufs_policy
        }
        catch (System.Net.Sockets.SocketException)
        {
            pair.Dispose();
            throw;
        }

        var channels = _channels;
        var grown = new Channel?[Math.Max(channels.Length, channel + 1)];
        channels.CopyTo(grown, 0);
        grown[channel] = new Channel(pair);
        Volatile.Write(ref _channels, grown);
        return pair.LocalAddress;
    }

    /// <inheritdoc />
    protected override unsafe void StartReceiving()
    {
        _epoll = Check(Libc.EpollCreate1(Libc.EPOLL_CLOEXEC), "epoll_create1");
        _timer = Check(Libc.TimerFdCreate(Libc.CLOCK_MONOTONIC, Libc.TFD_NONBLOCK | Libc.TFD_CLOEXEC), "timerfd_create");
        _wake = Check(Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC), "eventfd");
        Register(_timer, TimerTag);
        Register(_wake, WakeTag);
        for (int i = 0; i < _channels.Length; i++)
        {
            Attach(i);
        }

        _thread = new Thread(static state => ((LinuxVrrpDriver)state!).Run(), 256 * 1024)
        {
            IsBackground = true,
            Name = "vrrp-loop",
        };
        _thread.UnsafeStart(this);
    }

    /// <inheritdoc />
    /// <remarks>A channel a reload opened while running: its socket joins the loop's epoll set (epoll_ctl is safe from any thread).</remarks>
    protected override void StartReceiving(int channel) => Attach(channel);

    /// <inheritdoc />
    /// <remarks>
    /// The loop thread closes it (it alone reads the receive sockets): out of the epoll set, out of the channel table,
    /// disposed; a reopened channel joins the set again through <see cref="StartReceiving(int)"/>.
    /// </remarks>
    protected override ValueTask CloseChannelAsync(int channel)
    {
        if (_thread is null || _stopping || _exited.Task.IsCompleted)
        {
            CloseNow(channel);
            return ValueTask.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_closes)
        {
            _closes.Add((channel, done));
        }

        Wake();
        return new ValueTask(done.Task);
    }

    /// <inheritdoc />
    protected override async Task StopReceivingAsync()
    {
        _stopping = true;
        if (_thread is not null)
        {
            Wake();
            await _exited.Task.ConfigureAwait(false);
        }

        ClosePending();

        foreach (int fd in (int[])[_epoll, _timer, _wake])
        {
            if (fd >= 0)
            {
                Libc.Close(fd);
            }
        }

        _epoll = _timer = _wake = -1;
        var channels = Interlocked.Exchange(ref _channels, []);
        foreach (var channel in channels)
        {
            channel?.Dispose();
        }
    }

    /// <inheritdoc />
    protected override void SendAdvertisement(in VirtualRouterAction send)
    {
        var channels = _channels;
        if ((uint)send.Channel < (uint)channels.Length && channels[send.Channel] is { } channel)
        {
            channel.Sends.Add(in send, this);
        }
    }

    /// <inheritdoc />
    protected override void FlushAdvertisements()
    {
        var channels = _channels;
        for (int i = 0; i < channels.Length; i++)
        {
            if (channels[i] is { Sends.Count: > 0 } channel)
            {
                channel.Sends.Flush(this);
                SendBatches++;
            }
        }
    }

    /// <inheritdoc />
    protected override void ArmTimer(long deadline, long now) => ArmKernel(deadline);

    // Under the driver's lock. Only an earlier expiry needs the kernel now; a later one is set when the armed one fires.
    private unsafe void ArmKernel(long deadline)
    {
        if (_timer < 0 || deadline >= Volatile.Read(ref _kernelDeadline))
        {
            return;
        }

        Libc.TimerSpec spec = default;
        spec.Value.Seconds = deadline / 1_000_000_000;
        spec.Value.Nanoseconds = deadline % 1_000_000_000;
        if (spec.Value.Seconds == 0 && spec.Value.Nanoseconds == 0)
        {
            spec.Value.Nanoseconds = 1; // zero would disarm it
        }

        if (Libc.TimerFdSetTime(_timer, Libc.TFD_TIMER_ABSTIME, &spec, null) == 0)
        {
            Volatile.Write(ref _kernelDeadline, deadline);
            TimerSets++;
        }
    }

    /// <summary>Reports a message the kernel refused (under the driver's lock, from <see cref="SendBatch.Flush"/>).</summary>
    internal void ReportSendFailure(VirtualRouter router, int errno)
    {
        // One exception per errno, kept: a link that refuses every advert must not allocate per advert.
        if (!_sendErrors.TryGetValue(errno, out var error))
        {
            error = new SocketException(errno);
            _sendErrors.Add(errno, error);
        }

        OnSendFailed(router, error);
    }

    private static int Check(int result, string call) =>
        result >= 0 ? result : throw new IOException($"{call} failed (errno {Marshal.GetLastPInvokeError()}).");

    /// <summary>Adds a channel's receive socket to the loop's epoll set (at start, or for a channel opened while running).</summary>
    private void Attach(int index)
    {
        if (_epoll >= 0 && index < _channels.Length && _channels[index] is { } channel)
        {
            Register(channel.ReceiveFd, index);
        }
    }

    private void Register(int fd, long tag)
    {
        if (!Control(Libc.EPOLL_CTL_ADD, fd, Libc.EPOLLIN, tag))
        {
            Check(-1, "epoll_ctl");
        }
    }

    private unsafe bool Control(int operation, int fd, uint events, long tag)
    {
        byte* ev = stackalloc byte[16];
        new Span<byte>(ev, 16).Clear();
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + Libc.EpollDataOffset, tag);
        return Libc.EpollCtl(_epoll, operation, fd, ev) == 0;
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        Libc.Write(_wake, &one, 8);
    }

    private unsafe void Run()
    {
        LoopThreadId = Environment.CurrentManagedThreadId;
        byte* events = stackalloc byte[EventCapacity * 16];
        try
        {
            while (!_stopping)
            {
                int n = Libc.EpollWait(_epoll, events, EventCapacity, -1);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR)
                    {
                        continue;
                    }

                    throw new IOException($"epoll_wait failed (errno {errno}).");
                }

                if (MaxAutoPriority > 0)
                {
                    CheckLate();
                }

                // Everything that is ready, under one acquisition of the driver's lock; adverts go out once, at the end.
                Wakeups++;
                _ready = events;
                _readyCount = n;
                try
                {
                    ProcessBatch(this, static d => d.HandleReady());
                }
                catch (Exception ex)
                {
                    Log.LoopError(Logger, ex);
                }

                Volatile.Write(ref _loopAllocated, GC.GetAllocatedBytesForCurrentThread());
            }
        }
        catch (Exception ex)
        {
            Log.LoopFailed(Logger, ex);
        }
        finally
        {
            _exited.TrySetResult();
        }
    }

    /// <summary>
    /// On the loop thread, as keepalived's scheduler does after each epoll_wait: a timer that expired more than
    /// <see cref="MinAutoPriorityDelay"/> ago means this thread does not run soon enough; it is logged in keepalived's
    /// words and the thread's real-time priority raised by one (from SCHED_OTHER to SCHED_RR 1), up to
    /// <see cref="MaxAutoPriority"/>.
    /// </summary>
    private void CheckLate()
    {
        long deadline = Volatile.Read(ref _kernelDeadline);
        if (deadline == long.MaxValue)
        {
            return;
        }

        long late = Now - deadline;
        if (late <= MinAutoPriorityDelay)
        {
            return;
        }

        Log.TimerLate(Logger, $"{late / 1_000_000_000}.{late / 1000 % 1_000_000:D6}");
        int policy = Libc.SchedGetScheduler(0) & ~Libc.SCHED_RESET_ON_FORK;
        int current = policy is Libc.SCHED_RR or Libc.SCHED_FIFO && Libc.SchedGetParam(0, out int priority) == 0 ? priority : 0;
        if (current >= MaxAutoPriority)
        {
            return;
        }

        int next = current + 1; // SCHED_RR's lowest priority is 1
        if (Libc.SchedSetScheduler(0, Libc.SCHED_RR | Libc.SCHED_RESET_ON_FORK, next) != 0)
        {
            Log.AutoPriorityFailed(Logger, next, Marshal.GetLastPInvokeError());
            return;
        }

        AutoPriorityRaises++;
        Log.AutoPriority(Logger, next);
    }

    /// <summary>How many times the loop raised its priority (max_auto_priority).</summary>
    internal int AutoPriorityRaises { get; private set; }

    // On the loop thread, inside ProcessBatch: the events epoll_wait returned.
    private unsafe void HandleReady()
    {
        ulong counter;
        bool timer = false;
        long now = Now;
        ClosePending();   // before the events are looked at: one for a closed channel finds its slot empty
        var channels = _channels;
        for (int i = 0; i < _readyCount && !_stopping; i++)
        {
            long tag = Unsafe.ReadUnaligned<long>(_ready + (i * Libc.EpollEventSize) + Libc.EpollDataOffset);
            if (tag == TimerTag)
            {
                timer = true;
            }
            else if (tag == WakeTag)
            {
                Libc.Read(_wake, &counter, 8);
            }
            else if ((ulong)tag < (ulong)channels.Length && channels[tag] is { } channel)
            {
                // Datagrams first: an advert that arrived before a Master_Down deadline counts before it fires.
                ReceiveAll((int)tag, channel);
                Coalesce((int)tag, channel, now);
            }
        }

        if (timer && !_stopping)
        {
            Libc.Read(_timer, &counter, 8);
            Volatile.Write(ref _kernelDeadline, long.MaxValue);
            long resume = ResumeChannels(channels, now);
            OnTimer();
            ArmKernel(resume);
        }
    }

    /// <summary>
    /// A second wake-up for the same channel within <see cref="CoalesceWindow"/> means a burst is arriving (a master's
    /// instances advertising in the same tick): the socket leaves the epoll set until the window has passed, and the
    /// rest of the burst is then taken in one go, instead of one wake-up (two context switches) per few datagrams. The
    /// first datagram after a quiet window is always handled at once, so a lone advert (one instance, or the advert a
    /// takeover waits for) is never delayed; later datagrams of a burst wait at most the window.
    /// </summary>
    private void Coalesce(int index, Channel channel, long now)
    {
        if (now - channel.LastWake < CoalesceWindow && channel.ResumeAt == long.MaxValue && Control(Libc.EPOLL_CTL_MOD, channel.ReceiveFd, 0, index))
        {
            channel.ResumeAt = now + CoalesceWindow;
            ArmKernel(channel.ResumeAt);
        }

        channel.LastWake = now;
    }

    // On a timer wake-up: the channels out of the epoll set are drained, and those whose window has passed put back in.
    // Returns the earliest window still open (long.MaxValue when none).
    private long ResumeChannels(Channel?[] channels, long now)
    {
        long next = long.MaxValue;
        for (int i = 0; i < channels.Length; i++)
        {
            if (channels[i] is not { ResumeAt: < long.MaxValue } channel)
            {
                continue;
            }

            // Drained on every timer wake-up, due or not: a deadline firing now must see the adverts queued before it.
            ReceiveAll(i, channel);
            if (channel.ResumeAt > now)
            {
                next = Math.Min(next, channel.ResumeAt);
                continue;
            }

            channel.ResumeAt = long.MaxValue;
            channel.LastWake = now;
            Control(Libc.EPOLL_CTL_MOD, channel.ReceiveFd, Libc.EPOLLIN, i);
        }

        return next;
    }

    private void ReceiveAll(int index, Channel channel)
    {
        for (int round = 0; round < BatchesPerWakeup; round++)
        {
            int n = channel.Receives.Receive(out int errno);
            if (n < 0)
            {
                if (errno is not (Libc.EAGAIN or Libc.EINTR))
                {
                    ReportReceiveFailure(index, channel, errno);
                }

                return;
            }

            for (int i = 0; i < n; i++)
            {
                try
                {
                    var bytes = channel.Receives.Get(i, out var datagram);
                    OnDatagram(index, bytes, in datagram);
                }
                catch (Exception ex)
                {
                    Log.LoopError(Logger, ex);
                }
            }

            if (n < ReceiveBatch.Capacity)
            {
                return;
            }
        }
    }

    // On the loop thread (or after it has ended): the channels CloseChannelAsync asked for.
    private void ClosePending()
    {
        (int Index, TaskCompletionSource Done)[] closes;
        lock (_closes)
        {
            if (_closes.Count == 0)
            {
                return;
            }

            closes = [.. _closes];
            _closes.Clear();
        }

        foreach (var (index, done) in closes)
        {
            try
            {
                CloseNow(index);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }
    }

    private void CloseNow(int index)
    {
        var channels = _channels;
        if ((uint)index >= (uint)channels.Length || channels[index] is not { } channel)
        {
            return;
        }

        if (_epoll >= 0)
        {
            Control(Libc.EPOLL_CTL_DEL, channel.ReceiveFd, 0, index);
        }

        var copy = (Channel?[])channels.Clone();
        copy[index] = null;
        Volatile.Write(ref _channels, copy);
        channel.Dispose();
    }

    private void ReportReceiveFailure(int index, Channel channel, int errno)
    {
        // recvmmsg hands over (and clears) a pending socket error: logged at most once a second per channel.
        long now = Now;
        if (now - channel.LastReceiveErrorLog >= 1_000_000_000)
        {
            channel.LastReceiveErrorLog = now;
            OnReceiveFailed(index, new SocketException(errno));
        }
    }

    /// <summary>One channel: its socket pair (owned) and its receive and send batches.</summary>
    private sealed class Channel : IDisposable
    {
        private readonly RawVrrpSocketPair _pair;
        private bool _addedReceive;
        private bool _addedSend;

        public Channel(RawVrrpSocketPair pair)
        {
            _pair = pair;
            // Held for the channel's life so that the descriptors the loop uses by number stay open and are not reused.
            pair.ReceiveHandle.DangerousAddRef(ref _addedReceive);
            pair.SendHandle.DangerousAddRef(ref _addedSend);
            ReceiveFd = (int)pair.ReceiveHandle.DangerousGetHandle();
            int sendFd = (int)pair.SendHandle.DangerousGetHandle();
            Receives = new ReceiveBatch(ReceiveFd, pair.Family);
            Sends = new SendBatch(sendFd, pair.Family, pair.InterfaceIndex, pair.HeaderIncluded ? pair.LocalAddress : null);
        }

        public int ReceiveFd { get; }

        public ReceiveBatch Receives { get; }

        public SendBatch Sends { get; }

        public long LastReceiveErrorLog { get; set; } = long.MinValue / 2;

        /// <summary>When the loop last woke for this channel (core nanoseconds).</summary>
        public long LastWake { get; set; } = long.MinValue / 2;

        /// <summary>When the socket goes back into the epoll set after a burst; long.MaxValue while it is in.</summary>
        public long ResumeAt { get; set; } = long.MaxValue;

        public void Dispose()
        {
            Receives.Dispose();
            Sends.Dispose();
            if (_addedReceive)
            {
                _pair.ReceiveHandle.DangerousRelease();
            }

            if (_addedSend)
            {
                _pair.SendHandle.DangerousRelease();
            }

            _pair.Dispose();
        }
    }
}
