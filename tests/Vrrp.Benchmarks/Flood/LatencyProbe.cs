using System.Diagnostics;

namespace Vrrp.Benchmarks.Flood;

/// <summary>
/// Tells apart the two ways a timer can be late under a flood. A dedicated thread (not the thread pool) wakes every
/// 20 ms: how late it wakes is the operating system's scheduling delay. Each time it queues a work item to the thread
/// pool: how long that item waits to start is the pool's queueing delay (the driver's timers and sends run there).
/// The maxima since the last snapshot are printed with each stats block.
/// </summary>
internal sealed class LatencyProbe : IDisposable
{
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _maxWakeTicks;
    private long _maxQueueTicks;

    public LatencyProbe()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "latency probe" };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            long before = Stopwatch.GetTimestamp();
            Thread.Sleep(20);
            long woke = Stopwatch.GetTimestamp();
            Max(ref _maxWakeTicks, woke - before - (20 * Stopwatch.Frequency / 1000));
            ThreadPool.UnsafeQueueUserWorkItem(static state => Max(ref state.Probe._maxQueueTicks, Stopwatch.GetTimestamp() - state.Queued), (Probe: this, Queued: woke), preferLocal: false);
        }
    }

    private static void Max(ref long field, long value)
    {
        long current;
        while (value > (current = Volatile.Read(ref field)) && Interlocked.CompareExchange(ref field, value, current) != current)
        {
        }
    }

    /// <summary>The largest wake-up lateness and pool queueing delay (ms) since the last call.</summary>
    public (double WakeMs, double QueueMs) TakeMaxima() =>
        (Interlocked.Exchange(ref _maxWakeTicks, 0) * 1000.0 / Stopwatch.Frequency, Interlocked.Exchange(ref _maxQueueTicks, 0) * 1000.0 / Stopwatch.Frequency);

    public void Dispose() => _stop.Cancel();
}
