using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vrrp.Hosting;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>
/// Issue 12.3: <c>track_process</c> through the host (<c>TrackProcess</c> with <c>UseLinux</c>). r1 (priority 150)
/// tracks a process with quorum 2 and weight -60: with fewer than two copies running its priority is 90 and r2 (100)
/// takes over; no script runs, the kernel's process events drive it. Killing one of two real processes moves mastership
/// after the terminate delay plus r2's Master_Down_Interval; starting one again moves it back.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class TrackProcessFailoverTests : IDisposable
{
    private const int IntervalMs = 100;
    private static readonly TimeSpan TerminateDelay = TimeSpan.FromMilliseconds(400);
    private readonly List<Process> _started = [];
    private readonly string _name = "vt" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..8];
    private readonly string _directory;

    public TrackProcessFailoverTests() => _directory = Path.Combine(Path.GetTempPath(), "trackproc-" + _name);

    private static IHost BuildHost(LabHost host, byte priority, Action<IVrrpBuilder>? more = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var vrrp = builder.Services.AddVrrp()
            .AddInstance("VI_1", i =>
            {
                i.Interface = "eth0";
                i.VirtualRouterId = 71;
                i.Priority = priority;
                i.AdvertisementInterval = TimeSpan.FromMilliseconds(IntervalMs);
                i.GarpMasterDelay = TimeSpan.Zero;
                i.VirtualAddresses.Add("192.0.2.100/32");
            })
            .UseLinux(host.Namespace);
        more?.Invoke(vrrp);
        return builder.Build();
    }

    [Fact]
    public async Task Killing_a_tracked_process_moves_mastership_after_the_delay_and_restarting_it_moves_it_back_with_the_quorum_honoured()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        string process = Copy();
        var first = Start();
        var second = Start();

        using var host1 = BuildHost(h1, 150, b => b.TrackProcess("VI_1", "app", p =>
        {
            p.Process = process;
            p.Quorum = 2;
            p.Weight = -60;
            p.TerminateDelay = TerminateDelay;
        }));
        using var host2 = BuildHost(h2, 100);
        var m1 = host1.Services.GetRequiredService<IVrrpMonitor>();
        var m2 = host2.Services.GetRequiredService<IVrrpMonitor>();
        await host1.StartAsync(TestContext.Current.CancellationToken);
        await host2.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.True(await WaitForAsync(m1, VrrpState.Master, TimeSpan.FromSeconds(3)), "r1 is master with its two processes");
            Assert.True(m1.TryGetInstance("VI_1", out var s1) && s1.EffectivePriority == 150);
            Assert.True(await WaitForAsync(m2, VrrpState.Backup, TimeSpan.FromSeconds(2)));

            // One of two: below the quorum. r1's priority drops to 90 after the terminate delay, and r2 (100) preempts.
            var killed = Stopwatch.StartNew();
            first.Kill();
            Assert.True(first.WaitForExit(5000));
            Assert.True(await WaitForAsync(m2, VrrpState.Master, TimeSpan.FromSeconds(5)), "r2 takes over");
            var moved = killed.Elapsed;
            Assert.True(m1.TryGetInstance("VI_1", out s1) && s1.EffectivePriority == 90, $"r1's priority is {s1?.EffectivePriority}");
            double bound = TerminateDelay.TotalMilliseconds + FailoverTests.MasterDownMs(100, IntervalMs);
            TestContext.Current.TestOutputHelper?.WriteLine($"mastership moved {moved.TotalMilliseconds:F0} ms after the kill (terminate delay {TerminateDelay.TotalMilliseconds} ms + r2's Master_Down_Interval = {bound:F0} ms)");
            Assert.True(moved >= TerminateDelay, $"moved after {moved.TotalMilliseconds} ms, before the terminate delay");
            TimingBound.Check(moved.TotalMilliseconds, bound + 150, "takeover after the tracked process's death"); // 150 ms: the kill and the event path
            Assert.True(await WaitForAsync(m1, VrrpState.Backup, TimeSpan.FromSeconds(1)));
            Assert.DoesNotContain("192.0.2.100", h1.Addresses(), StringComparison.Ordinal);

            // Two again: the quorum is met, r1 is back at 150 and preempts r2.
            Start();
            Assert.True(await WaitForAsync(m1, VrrpState.Master, TimeSpan.FromSeconds(3)), "r1 preempts back");
            Assert.True(m1.TryGetInstance("VI_1", out s1) && s1.EffectivePriority == 150);
            Assert.True(await WaitForAsync(m2, VrrpState.Backup, TimeSpan.FromSeconds(2)));
            _ = second;
        }
        finally
        {
            await host1.StopAsync(CancellationToken.None);
            await host2.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<bool> WaitForAsync(IVrrpMonitor monitor, VrrpState state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (monitor.TryGetInstance("VI_1", out var status) && status.State == state)
            {
                return true;
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        return false;
    }

    // A copy of sleep under a name unique to this run: its comm (the kernel's name) is that name.
    private string Copy()
    {
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, _name);
        if (!File.Exists(path))
        {
            File.Copy("/bin/sleep", path);
        }

        return _name;
    }

    private Process Start()
    {
        var process = Process.Start(new ProcessStartInfo(Path.Combine(_directory, _name), "120") { UseShellExecute = false }) ?? throw new InvalidOperationException("cannot start the copy of sleep");
        _started.Add(process);
        return process;
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
