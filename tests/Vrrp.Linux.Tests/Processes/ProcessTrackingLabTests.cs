using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Processes;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>
/// The real process connector (root): processes with names unique to the run are started, killed and restarted, and
/// the tracker follows them from kernel events. Every process started is killed in Dispose, also on failure.
/// </summary>
public sealed class ProcessTrackingLabTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly List<Process> _started = [];
    private readonly string _directory;
    private readonly string _name;

    public ProcessTrackingLabTests()
    {
        // A copy of sleep under a name unique to this run: its comm (the kernel's name, 15 bytes at most) is this.
        _name = "vt" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..8];
        _directory = Path.Combine(Path.GetTempPath(), "proctrack-" + _name);
    }

    [Fact]
    public void The_connector_answers_here_and_from_inside_a_network_namespace()
    {
        LabProcess.RequireRootAnd("ip");
        ProcessConnector.Open().Dispose();

        // The connector only exists in the initial network namespace: opened from another one, it enters the first.
        using var lab = new NetworkLab();
        string ns = lab.AddNamespace("proc");
        using var fromNamespace = NetworkNamespace.Run(ns, () => ProcessConnector.Open());
        using var tracker = new ProcessTracker([new() { Name = "t", Process = Copy() }], TimeProvider.System, NullLogger.Instance, () => fromNamespace, new ProcFileSystem());
        var reports = new Reports();
        tracker.Start(reports.Add);
        reports.WaitFor("t", up: false, count: 0);
        StartCopy("60");
        reports.WaitFor("t", up: true, count: 1);
    }

    [Fact]
    public void Killing_the_tracked_process_moves_it_down_after_terminate_delay_and_a_restart_moves_it_back()
    {
        LabProcess.RequireRootAnd();
        var delay = TimeSpan.FromMilliseconds(500);
        var definition = new TrackedProcessDefinition { Name = "app", Process = Copy(), TerminateDelay = delay };
        using var tracker = new ProcessTracker([definition], TimeProvider.System, NullLogger.Instance);
        var reports = new Reports();
        tracker.Start(reports.Add);
        reports.WaitFor("app", up: false, count: 0);

        var startedAt = reports.Now;
        var first = StartCopy("60");
        var upAfter = reports.WaitFor("app", up: true, count: 1) - startedAt;

        var killedAt = Kill(first, reports);
        var downAfter = reports.WaitFor("app", up: false, count: 0, since: killedAt) - killedAt;
        Assert.True(downAfter >= delay, $"down {downAfter.TotalMilliseconds:0.0} ms after the kill, before terminate_delay {delay.TotalMilliseconds} ms");
        Assert.True(downAfter < delay + Bound, $"down only {downAfter.TotalMilliseconds:0.0} ms after the kill");

        var restartedAt = reports.Now;
        StartCopy("60");
        var backAfter = reports.WaitFor("app", up: true, count: 1, since: restartedAt) - restartedAt;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"terminate_delay {delay.TotalMilliseconds} ms: up {upAfter.TotalMilliseconds:0.0} ms after the start, " +
            $"down {downAfter.TotalMilliseconds:0.0} ms after SIGKILL, up again {backAfter.TotalMilliseconds:0.0} ms after the restart; " +
            $"{tracker.EventsReceived} events received, {tracker.MessagesDropped} dropped, {tracker.Overflows} overflows");
    }

    [Fact]
    public void Without_delay_a_kill_is_reported_at_once_and_a_restart_within_terminate_delay_not_at_all()
    {
        LabProcess.RequireRootAnd();
        string name = Copy();
        var patience = TimeSpan.FromSeconds(5);
        using var tracker = new ProcessTracker(
            [
                new() { Name = "eager", Process = name },
                new() { Name = "patient", Process = name, TerminateDelay = patience },
            ],
            TimeProvider.System,
            NullLogger.Instance);
        var reports = new Reports();
        var first = StartCopy("60");
        WaitUntilRunning(first);
        tracker.Start(reports.Add);                              // found by the /proc listing
        reports.WaitFor("eager", up: true, count: 1);
        reports.WaitFor("patient", up: true, count: 1);

        var killedAt = Kill(first, reports);
        var down = reports.WaitFor("eager", up: false, count: 0) - killedAt;
        StartCopy("60");                                         // a restart within the patient one's delay
        var back = reports.WaitFor("eager", up: true, count: 1, since: killedAt) - killedAt;
        Assert.True(back < patience, $"the restart took {back.TotalMilliseconds:0} ms, longer than the delay under test");
        while (reports.Now < killedAt + patience + TimeSpan.FromMilliseconds(500))
        {
            Thread.Sleep(50);
        }

        Assert.DoesNotContain(reports.All, r => r.Name == "patient" && !r.Up);
        Assert.Equal(new TrackedProcessStatus("patient", true, 1), tracker.GetStatus()[1]);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"no delay: down {down.TotalMilliseconds:0.00} ms after SIGKILL; restarted and seen {back.TotalMilliseconds:0} ms after it, " +
            $"so terminate_delay {patience.TotalSeconds} s reported nothing");
    }

    [Fact]
    public void Quorum_two_is_up_with_two_processes_and_down_with_one()
    {
        LabProcess.RequireRootAnd();
        using var tracker = new ProcessTracker([new() { Name = "pair", Process = Copy(), Quorum = 2 }], TimeProvider.System, NullLogger.Instance);
        var reports = new Reports();
        tracker.Start(reports.Add);
        reports.WaitFor("pair", up: false, count: 0);
        var one = StartCopy("60");
        WaitUntilRunning(one);
        Assert.Equal(new TrackedProcessStatus("pair", false, 1), WaitForStatus(tracker, 0, 1));
        StartCopy("60");
        reports.WaitFor("pair", up: true, count: 2);
        var killedAt = Kill(one, reports);
        reports.WaitFor("pair", up: false, count: 1, since: killedAt);
        StartCopy("60");
        reports.WaitFor("pair", up: true, count: 2, since: killedAt);
    }

    [Fact]
    public void Param_match_compares_the_command_line()
    {
        LabProcess.RequireRootAnd("bash");
        // exec -a sets argv[0] (the command line), not the kernel's name: only full_command sees it.
        string argv0 = _name + "-main";
        using var tracker = new ProcessTracker(
            [
                new() { Name = "exact", Process = argv0, Parameters = ["100"] },
                new() { Name = "initial", Process = argv0, Parameters = ["10"], ParameterMatch = ProcessParameterMatch.Initial },
                new() { Name = "partial", Process = argv0, Parameters = ["10"], ParameterMatch = ProcessParameterMatch.Partial },
                new() { Name = "none", Process = argv0, ParameterMatch = ProcessParameterMatch.Exact },
                new() { Name = "full", Process = argv0, FullCommand = true, Quorum = 2 },
                new() { Name = "comm", Process = argv0[..15] },
            ],
            TimeProvider.System,
            NullLogger.Instance);
        var reports = new Reports();
        tracker.Start(reports.Add);
        reports.WaitFor("exact", up: false, count: 0);

        StartExecA(argv0, "100");
        reports.WaitFor("exact", up: true, count: 1);
        reports.WaitFor("initial", up: true, count: 1);
        StartExecA(argv0, "101");
        reports.WaitFor("full", up: true, count: 2);
        var status = WaitForStatus(tracker, 1, 2);
        Assert.Equal(new TrackedProcessStatus("initial", true, 2), status);
        Assert.Equal(
            [
                new("exact", true, 1), new("initial", true, 2), new("partial", false, 0), new("none", false, 0),
                new("full", true, 2), new("comm", false, 0),
            ],
            tracker.GetStatus());
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        // Nothing started here outlives the test.
        if (Directory.Exists("/proc") && OperatingSystem.IsLinux())
        {
            var left = new ProcFileSystem().Scan(256).Where(e =>
                System.Text.Encoding.UTF8.GetString(e.Comm) == _name ||
                System.Text.Encoding.UTF8.GetString(e.CommandLine).StartsWith(_name, StringComparison.Ordinal)).ToList();
            Assert.True(left.Count == 0, $"left running: {string.Join(", ", left.Select(e => e.Pid))}");
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Copies /bin/sleep under the run's unique name; returns that name.</summary>
    private string Copy()
    {
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, _name);
        if (!File.Exists(path))
        {
            File.Copy("/bin/sleep", path); // keeps the executable mode
        }

        return _name;
    }

    private Process StartCopy(string seconds) => Start(Path.Combine(_directory, _name), seconds);

    private Process StartExecA(string argv0, string seconds) => Start("bash", "-c", $"exec -a {argv0} /bin/sleep {seconds}");

    private Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        _started.Add(process);
        return process;
    }

    private static TimeSpan Kill(Process process, Reports reports)
    {
        var at = reports.Now;
        process.Kill();
        Assert.True(process.WaitForExit(5_000));
        return at;
    }

    private void WaitUntilRunning(Process process)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists($"/proc/{process.Id}/comm") || File.ReadAllText($"/proc/{process.Id}/comm").TrimEnd('\n') != _name)
        {
            Assert.True(clock.Elapsed < Bound, $"process {process.Id} did not start as {_name}");
            Thread.Sleep(5);
        }
    }

    private static TrackedProcessStatus WaitForStatus(ProcessTracker tracker, int index, int count)
    {
        var clock = Stopwatch.StartNew();
        while (tracker.GetStatus()[index].Count != count)
        {
            Assert.True(clock.Elapsed < Bound, $"count of {tracker.GetStatus()[index].Name} stayed {tracker.GetStatus()[index].Count}, expected {count}");
            Thread.Sleep(5);
        }

        return tracker.GetStatus()[index];
    }

    /// <summary>The tracker's reports, with the time each arrived (from one stopwatch started with the test).</summary>
    private sealed class Reports
    {
        private readonly ConcurrentQueue<(string Name, bool Up, int Count, TimeSpan At)> _reports = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public List<(string Name, bool Up, int Count, TimeSpan At)> All => [.. _reports];

        /// <summary>The time on the reports' clock.</summary>
        public TimeSpan Now => _clock.Elapsed;

        public void Add(string name, bool up, int count) => _reports.Enqueue((name, up, count, _clock.Elapsed));

        /// <summary>Waits (bounded) for a report made at or after <paramref name="since"/>; returns when it arrived.</summary>
        public TimeSpan WaitFor(string name, bool up, int count, TimeSpan since = default)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                foreach (var report in _reports)
                {
                    if (report.Name == name && report.Up == up && report.Count == count && report.At >= since)
                    {
                        return report.At;
                    }
                }

                Assert.True(waited.Elapsed < Bound, $"no report '{name} {(up ? "up" : "down")} {count}' within {Bound.TotalSeconds} s; got: " +
                    string.Join(", ", _reports.Select(r => $"{r.Name} {(r.Up ? "up" : "down")} {r.Count}")));
                Thread.Sleep(2);
            }
        }
    }
}
