using System.Diagnostics;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

/// <summary>Script tracking with real processes (keepalived vrrp_script semantics).</summary>
public class ScriptTrackingTests
{
    private static (ScriptTracker Tracker, FakeLogger Logger, List<bool> Reports) Create(string command, int rise = 1, int fall = 1, TimeSpan? timeout = null, TimeProvider? time = null, params string[] arguments)
    {
        var logger = new FakeLogger();
        var reports = new List<bool>();
        var options = new VrrpScriptOptions
        {
            Name = "chk",
            Command = command,
            Arguments = [.. arguments],
            Rise = rise,
            Fall = fall,
            Interval = TimeSpan.FromSeconds(1),
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        };
        var tracker = new ScriptTracker(options, time ?? TimeProvider.System, logger, (_, up) =>
        {
            lock (reports)
            {
                reports.Add(up);
            }
        });
        return (tracker, logger, reports);
    }

    /// <summary>True when the process exists and is not a zombie waiting for its (re)parent to reap it.</summary>
    internal static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Init_fail_starts_down_until_the_script_has_succeeded_rise_times()
    {
        var ct = TestContext.Current.CancellationToken;
        var reports = new List<bool>();
        var options = new VrrpScriptOptions { Name = "chk", Command = "/bin/true", Rise = 2, InitFail = true, Timeout = TimeSpan.FromSeconds(10) };
        var tracker = new ScriptTracker(options, TimeProvider.System, new FakeLogger(), (_, up) => reports.Add(up));
        Assert.False(tracker.IsUp);
        await tracker.RunOnceAsync(ct);
        Assert.False(tracker.IsUp);
        await tracker.RunOnceAsync(ct);
        Assert.True(tracker.IsUp);
        Assert.Equal([true], reports);
    }

    [Fact]
    public async Task Exit_codes_drive_the_state_with_fall_and_rise()
    {
        var ct = TestContext.Current.CancellationToken;
        // The script exits with the number held in the file passed as $0.
        string path = Path.GetTempFileName();
        var (tracker, logger, reports) = Create("/bin/sh", rise: 2, fall: 2, arguments: ["-c", "exit $(cat \"$0\")", path]);
        try
        {
            await File.WriteAllTextAsync(path, "3", ct);
            await tracker.RunOnceAsync(ct);
            Assert.True(tracker.IsUp); // fall 2: one failure is not enough
            await tracker.RunOnceAsync(ct);
            Assert.False(tracker.IsUp);
            Assert.Equal([false], reports);
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_Script(chk) failed (exited with status 3)");
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "Script `chk` now returning 3");

            await File.WriteAllTextAsync(path, "0", ct);
            await tracker.RunOnceAsync(ct);
            Assert.False(tracker.IsUp); // rise 2
            await tracker.RunOnceAsync(ct);
            Assert.True(tracker.IsUp);
            Assert.Equal([false, true], reports);
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_Script(chk) succeeded");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_missing_program_counts_as_failure_and_says_why()
    {
        var (tracker, logger, reports) = Create("/nonexistent/check-" + Guid.NewGuid().ToString("N"));
        await tracker.RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.False(tracker.IsUp);
        Assert.Equal([false], reports);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.StartsWith("VRRP_Script(chk) could not be started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timeout_terminates_the_process_and_counts_as_failure()
    {
        Process? process = null;
        var (tracker, logger, reports) = Create("/bin/sleep", timeout: TimeSpan.FromMilliseconds(300), arguments: ["30"]);
        var run = tracker.RunOnceAsync(TestContext.Current.CancellationToken);
        for (int i = 0; i < 200 && (process = tracker.CurrentProcess) is null; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.NotNull(process);
        int pid = process.Id;
        await run;
        Assert.False(tracker.IsUp);
        Assert.Equal([false], reports);
        Assert.False(IsAlive(pid), $"process {pid} is still there after the timeout");
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_Script(chk) timed out; sent SIGTERM");
    }

    [Fact]
    public async Task A_script_ignoring_sigterm_is_killed_with_its_children()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Needs /proc and POSIX signals.");
        }

        string pidFile = Path.GetTempFileName();
        try
        {
            var (tracker, logger, _) = Create("/bin/sh", timeout: TimeSpan.FromMilliseconds(300), arguments: ["-c", "trap '' TERM; sleep 30 & echo $! > \"$0\"; wait; wait", pidFile]);
            var sw = Stopwatch.StartNew();
            await tracker.RunOnceAsync(TestContext.Current.CancellationToken);
            sw.Stop();
            Assert.False(tracker.IsUp);
            string childPid = (await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim();
            Assert.NotEmpty(childPid);
            Assert.False(IsAlive(int.Parse(childPid, System.Globalization.CultureInfo.InvariantCulture)), $"the script's child {childPid} survived");
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_Script(chk) timed out; sent SIGTERM, then SIGKILL");
            TestContext.Current.TestOutputHelper?.WriteLine($"timeout 300 ms + SIGTERM grace: run took {sw.ElapsedMilliseconds} ms");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task A_run_is_skipped_while_the_previous_is_still_running()
    {
        var time = new FakeTimeProvider();
        var (tracker, logger, _) = Create("/bin/sleep", timeout: TimeSpan.FromSeconds(10), time: time, arguments: ["2"]);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var loop = tracker.RunAsync(cts.Token);
        for (int i = 0; i < 500 && tracker.CurrentProcess is null; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        int firstPid = tracker.CurrentProcess!.Id;
        time.Advance(TimeSpan.FromSeconds(1));
        for (int i = 0; i < 500 && !logger.Collector.GetSnapshot().Any(r => r.Message.Contains("still running", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_Script(chk) is still running; this run is skipped");
        Assert.Equal(firstPid, tracker.CurrentProcess?.Id);
        await cts.CancelAsync();
        await loop;
        Assert.False(IsAlive(firstPid), "stopping the tracker must not leave the script running");
    }
}

public class ScriptUserTests
{
    [Fact]
    public async Task A_script_runs_as_the_configured_user()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Skip("Running as another user needs root.");
        }

        string output = Path.Combine(Path.GetTempPath(), "vrrp-user-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(output, (UnixFileMode)0x1FF); // rwxrwxrwx so nobody can write
            }
            var outcome = await ScriptProcess.RunAsync("/bin/sh", ["-c", "id -un > \"$0/who\"", output], "nobody", TimeSpan.FromSeconds(10), null, TestContext.Current.CancellationToken);
            Assert.True(outcome.Succeeded, $"exit {outcome.ExitCode} {outcome.StartError}");
            Assert.Equal("nobody", (await File.ReadAllTextAsync(Path.Combine(output, "who"), TestContext.Current.CancellationToken)).Trim());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
