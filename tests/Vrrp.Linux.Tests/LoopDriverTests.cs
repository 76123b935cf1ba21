using System.Diagnostics;
using Vrrp.Election;
using Vrrp.Linux.Loop;
using Vrrp.Linux.Tests.Lab;
using Vrrp.Runtime;

namespace Vrrp.Linux.Tests;

/// <summary>
/// The Linux driver's loop (one thread, epoll, timerfd, recvmmsg, sendmmsg) on a namespace LAN: what it asks of the
/// kernel and what it allocates, counted rather than timed. Figures are printed.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class LoopDriverTests
{
    private const int Instances = 20;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static VirtualRouterConfiguration Config(byte vrid, byte priority) => new()
    {
        Name = $"VI_{vrid}",
        InterfaceName = "eth0",
        VirtualRouterId = vrid,
        Priority = priority,
        Version = VrrpVersion.V3,
        AdvertisementInterval = TimeSpan.FromMilliseconds(10),
        VirtualAddresses = [VirtualAddress.Parse($"192.0.2.{100 + vrid}/32")],
        GarpMasterDelay = TimeSpan.Zero,
    };

    /// <summary>A master and a backup driver with <see cref="Instances"/> instances at 10 ms, elected.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private readonly NetworkLab _lab = new();
        private readonly LinuxVrrpPlatform _p1;
        private readonly LinuxVrrpPlatform _p2;

        public Pair()
        {
            var h1 = _lab.AddHost("r1", "192.0.2.11/24");
            var h2 = _lab.AddHost("r2", "192.0.2.12/24");
            _p1 = LinuxVrrpPlatform.Create(h1.Namespace);
            _p2 = LinuxVrrpPlatform.Create(h2.Namespace);
            Master = (LinuxVrrpDriver)_p1.CreateDriver();
            Backup = (LinuxVrrpDriver)_p2.CreateDriver();
            for (byte v = 1; v <= Instances; v++)
            {
                Master.AddRouter(Config(v, 150));
                Backup.AddRouter(Config(v, 100));
            }
        }

        public LinuxVrrpDriver Master { get; }

        public LinuxVrrpDriver Backup { get; }

        public async Task StartAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            await Master.StartAsync(ct);
            await Backup.StartAsync(ct);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (DateTime.UtcNow < deadline && !Elected())
            {
                await Task.Delay(20, ct);
            }

            Assert.True(Elected(), "every instance of the master is Master and of the backup Backup within 15 s");
        }

        public long Sent() => Master.GetStatus().Sum(s => s.AdvertisementsSent);

        public long Received() => Backup.GetStatus().Sum(s => s.AdvertisementsReceived);

        public async ValueTask DisposeAsync()
        {
            await Backup.DisposeAsync();
            await Master.DisposeAsync();
            _p1.Dispose();
            _p2.Dispose();
            _lab.Dispose();
        }

        private bool Elected() =>
            Master.GetStatus().All(s => s.State == VrrpState.Master) && Backup.GetStatus().All(s => s.State == VrrpState.Backup);
    }

    [Fact]
    public async Task A_backup_sets_its_kernel_timer_a_few_times_per_master_down_interval_not_per_advert()
    {
        LabProcess.RequireRootAnd("ip");
        await using var pair = new Pair();
        await pair.StartAsync();

        long received = pair.Received(), sets = pair.Backup.TimerSets, wakeups = pair.Backup.Wakeups;
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        received = pair.Received() - received;
        sets = pair.Backup.TimerSets - sets;
        wakeups = pair.Backup.Wakeups - wakeups;
        Output?.WriteLine($"backup: {received} adverts received in {wakeups} wake-ups, kernel timer set {sets} times");

        // Each advert moves a Master_Down deadline later, in memory. The kernel timer fires at the stale, earlier
        // expiry about once per Master_Down_Interval (36 ms) and is set to the new earliest deadline: ~30 a second.
        Assert.True(received >= Instances * 50, $"{received} adverts received in 1 s (expected about {Instances * 100})");
        Assert.True(sets * 10 <= received, $"{sets} timer sets for {received} adverts: the timer is set per advert");
        // The master's 20 adverts of a tick arrive as a burst, read with recvmmsg in a few wake-ups, not one each.
        Assert.True(wakeups * 4 <= received, $"{wakeups} wake-ups for {received} adverts");
    }

    [Fact]
    public async Task A_master_sends_the_adverts_due_in_one_tick_with_one_sendmmsg()
    {
        LabProcess.RequireRootAnd("ip");
        await using var pair = new Pair();
        await pair.StartAsync();

        long sent = pair.Sent(), batches = pair.Master.SendBatches, sets = pair.Master.TimerSets;
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        sent = pair.Sent() - sent;
        batches = pair.Master.SendBatches - batches;
        sets = pair.Master.TimerSets - sets;
        Output?.WriteLine($"master: {sent} adverts sent in {batches} sendmmsg batches, kernel timer set {sets} times");

        // The instances became master in the same tick and stay on the same schedule: 20 adverts per batch.
        Assert.True(sent >= Instances * 50, $"{sent} adverts sent in 1 s (expected about {Instances * 100})");
        Assert.True(batches * 5 <= sent, $"{batches} batches for {sent} adverts: adverts due together were not sent together");
        Assert.True(sets * 5 <= sent, $"{sets} timer sets for {sent} adverts");
    }

    [Fact]
    public async Task The_steady_state_of_a_master_and_a_backup_allocates_nothing_per_advert()
    {
        LabProcess.RequireRootAnd("ip");
        await using var pair = new Pair();
        await pair.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // past start-up work and the second GARP burst's queueing

        // A window of 2 s in which the loop threads allocate nothing. On a loaded machine a window can catch a
        // one-time growth (a batch or queue reaching a new peak size when the loop ran late); that is not per advert,
        // and the next window shows it: up to 5 windows, and one must be clean. An allocation per advert (thousands per
        // window) fails every window.
        var windows = new List<string>();
        for (int window = 0; window < 5; window++)
        {
            long sent = pair.Sent(), received = pair.Received();
            long master = pair.Master.LoopAllocatedBytes, backup = pair.Backup.LoopAllocatedBytes;
            long before = GC.GetTotalAllocatedBytes(precise: true);
            Thread.Sleep(TimeSpan.FromSeconds(2)); // this thread allocates nothing while it sleeps
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            master = pair.Master.LoopAllocatedBytes - master;
            backup = pair.Backup.LoopAllocatedBytes - backup;
            sent = pair.Sent() - sent;
            received = pair.Received() - received;
            string line = $"{sent} adverts sent, {received} received; loop threads allocated {master} (master) and {backup} (backup) bytes; the whole process {allocated} bytes";
            Output?.WriteLine(line);
            windows.Add(line);
            Assert.True(sent >= Instances * 100 && received >= Instances * 100, $"{sent} sent, {received} received in 2 s");
            if (master == 0 && backup == 0)
            {
                return;
            }
        }

        Assert.Fail("the loop threads allocated in every 2 s window: " + string.Join("; ", windows));
    }

    [Fact]
    public async Task CreateDriverFor_runs_parts_of_your_own_on_the_loop_over_this_platforms_sockets_only()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        using var linux = LinuxVrrpPlatform.Create(h1.Namespace);
        using var other = LinuxVrrpPlatform.Create(h1.Namespace);
        var parts = new VrrpPlatform("parts", linux.Transport, linux.Addresses, linux.Announcer, linux.LinkMonitor);
        await using var driver = linux.CreateDriverFor(parts, null, null);
        Assert.IsType<LinuxVrrpDriver>(driver);
        Assert.Throws<ArgumentException>(() => other.CreateDriverFor(parts, null, null));
    }

    [Fact]
    public void Protocol_time_is_the_clock_the_timerfd_counts_in_and_the_one_Stopwatch_reads()
    {
        // CLOCK_MONOTONIC read between two Stopwatch readings lies between them: the same clock, the same origin.
        for (int i = 0; i < 100; i++)
        {
            long a = Stopwatch.GetTimestamp();
            long clock = MonotonicTimeProvider.Now();
            long b = Stopwatch.GetTimestamp();
            Assert.Equal(1_000_000_000, Stopwatch.Frequency);
            Assert.InRange(clock, a, b);
        }
    }
}
