using System.Diagnostics;

namespace GcPressure;

/// <summary>
/// A live set of small objects (about <see cref="PressureOptions.LiveMegabytes"/>) and threads that allocate
/// short-lived arrays at a paced rate; a share of the allocated bytes replaces random live objects, so old-generation
/// garbage and old-to-young references build up and gen1/gen2 collections happen as in a real service.
/// </summary>
internal sealed class AllocationChurn(PressureOptions options)
{
    private const int MinPayload = 32;
    private const int MaxPayload = 2048;
    private const int ObjectOverhead = 24 + 32; // array header and the node object, roughly (64-bit)
    private Node?[] _live = [];
    private readonly List<Thread> _threads = [];
    private volatile bool _stop;
    private long _allocated;
    private long _liveBytes;

    public long LiveBytes => Interlocked.Read(ref _liveBytes);

    public int LiveObjects => _live.Length;

    /// <summary>Bytes the churn threads allocated (their own count; the GC's total is reported too).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocated);

    public long StartTimestamp { get; private set; } = Stopwatch.GetTimestamp();

    public void BuildLiveSet()
    {
        long target = (long)options.LiveMegabytes * 1024 * 1024;
        int count = (int)Math.Min(Array.MaxLength, target / ((MinPayload + MaxPayload) / 2 + ObjectOverhead));
        var rng = new Random(options.Seed);
        var live = new Node?[count];
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            var node = NewNode(rng);
            live[i] = node;
            bytes += node.Payload.Length + ObjectOverhead;
        }

        _live = live;
        _liveBytes = bytes;
    }

    public void Start()
    {
        StartTimestamp = Stopwatch.GetTimestamp();
        for (int t = 0; t < options.Threads; t++)
        {
            int seed = options.Seed * 1000 + t;
            var thread = new Thread(() => Run(seed)) { IsBackground = true, Name = $"churn {t}" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    public void Stop()
    {
        _stop = true;
        foreach (var t in _threads)
        {
            t.Join(TimeSpan.FromSeconds(5));
        }
    }

    private static Node NewNode(Random rng) => new(new byte[rng.Next(MinPayload, MaxPayload)], rng.NextInt64());

    private void Run(int seed)
    {
        var rng = new Random(seed);
        var recent = new object[1024]; // short-lived, but some survive a gen0 collection
        double bytesPerSecond = options.AllocationMegabytesPerSecond * 1048576.0 / Math.Max(1, options.Threads);
        var live = _live;
        long mine = 0;
        long reported = 0;
        double replaceBudget = 0;
        long start = Stopwatch.GetTimestamp();
        int r = 0;
        while (!_stop)
        {
            for (int k = 0; k < 512; k++)
            {
                int size = rng.Next(16, 1024);
                var a = new byte[size];
                a[0] = (byte)k;
                recent[r++ & (recent.Length - 1)] = a;
                mine += size + 24;
                replaceBudget += (size + 24) * options.ReplaceFraction;
                while (replaceBudget > 0 && live.Length > 0)
                {
                    var node = NewNode(rng);
                    int slot = rng.Next(live.Length);
                    long delta = node.Payload.Length - (live[slot]?.Payload.Length ?? 0);
                    live[slot] = node;
                    Interlocked.Add(ref _liveBytes, delta);
                    int cost = node.Payload.Length + ObjectOverhead;
                    mine += cost;
                    replaceBudget -= cost;
                }
            }

            Interlocked.Add(ref _allocated, mine - reported);
            reported = mine;
            if (bytesPerSecond > 0)
            {
                double ahead = mine / bytesPerSecond - Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (ahead > 0.002)
                {
                    Thread.Sleep(TimeSpan.FromSeconds(ahead));
                }
            }
        }
    }

    private sealed class Node(byte[] payload, long stamp)
    {
        public byte[] Payload { get; } = payload;

        public long Stamp { get; } = stamp;
    }
}
