namespace Vrrp.Testing;

/// <summary>
/// A deterministic <see cref="TimeProvider"/> for simulations: time moves only when <see cref="Advance"/> is called, and
/// timers fire in deadline order, each with the clock set to its own deadline, on the calling thread.
/// </summary>
/// <remarks>
/// Timestamps are nanoseconds (<see cref="TimestampFrequency"/> is 10^9), timers are exact to the 100 ns tick of
/// <see cref="TimeSpan"/>. Unlike FakeTimeProvider 10.0 (which runs every timer that falls due during an Advance at the
/// end time of that Advance), a long <see cref="Advance"/> here is the same as many short ones, so failover times can
/// be measured exactly. A timer set to fire "now" fires during the next <see cref="Advance"/> (even of zero), never
/// inside <see cref="ITimer.Change"/>. Steady state does not allocate.
/// </remarks>
public sealed class VirtualClock : TimeProvider
{
    private readonly object _lock = new();
    private readonly PriorityQueue<(Timer Timer, long Version), (long Due, long Sequence)> _queue = new();
    private readonly DateTimeOffset _start;
    private long _now;
    private long _sequence;
    private bool _advancing;

    /// <summary>Creates a clock that starts at 2026-01-01T00:00:00Z.</summary>
    public VirtualClock()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Creates a clock that starts at a given time.</summary>
    /// <param name="start">The wall-clock time at timestamp 0.</param>
    public VirtualClock(DateTimeOffset start)
    {
        _start = start;
    }

    /// <summary>Time elapsed since the clock was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _now) / 100);

    /// <summary>Nanoseconds elapsed since the clock was created (the same as <see cref="GetTimestamp"/>).</summary>
    public long ElapsedNanoseconds => Volatile.Read(ref _now);

    /// <inheritdoc />
    public override long TimestampFrequency => 1_000_000_000;

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _now);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start + TimeSpan.FromTicks(Volatile.Read(ref _now) / 100);

    /// <summary>Moves time forward, firing every timer that falls due on the way, in deadline order.</summary>
    /// <param name="delta">How far (zero fires the timers that are due now).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">Called from a timer callback.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_lock)
        {
            if (_advancing)
            {
                throw new InvalidOperationException("Advance cannot be called from a timer callback.");
            }

            _advancing = true;
            target = _now + (delta.Ticks * 100);
        }

        try
        {
            while (true)
            {
                Timer timer;
                lock (_lock)
                {
                    if (!_queue.TryPeek(out var entry, out var key) || key.Due > target)
                    {
                        break;
                    }

                    _queue.Dequeue();
                    if (entry.Version != entry.Timer.Version)
                    {
                        continue;
                    }

                    if (key.Due > _now)
                    {
                        Volatile.Write(ref _now, key.Due);
                    }

                    timer = entry.Timer;
                    if (timer.Period > 0)
                    {
                        Schedule(timer, _now + timer.Period);
                    }
                    else
                    {
                        timer.Version++;
                    }
                }

                timer.Callback(timer.State);
            }
        }
        finally
        {
            lock (_lock)
            {
                Volatile.Write(ref _now, Math.Max(_now, target));
                _advancing = false;
            }
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    // Under _lock.
    private void Schedule(Timer timer, long due)
    {
        timer.Version++;
        _queue.Enqueue((timer, timer.Version), (due, _sequence++));
    }

    private sealed class Timer : ITimer
    {
        private readonly VirtualClock _clock;
        private bool _disposed;

        public Timer(VirtualClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            Callback = callback;
            State = state;
        }

        public TimerCallback Callback { get; }

        public object? State { get; }

        public long Version { get; set; }

        public long Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_clock._lock)
            {
                if (_disposed)
                {
                    return false;
                }

                Version++;
                Period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks * 100;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
                    _clock.Schedule(this, _clock._now + (dueTime.Ticks * 100));
                }

                return true;
            }
        }

        public void Dispose()
        {
            lock (_clock._lock)
            {
                _disposed = true;
                Version++;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
