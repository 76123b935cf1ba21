using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Election;
using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

/// <summary>
/// The hosting layer runs the tracked objects and reports their values; what a value does to an instance (weights,
/// Fault) is the protocol core's (TrackedObjectsTests, HostTrackingTests end to end).
/// </summary>
public class VrrpTrackingTests
{
    [Fact]
    public async Task A_tracked_file_is_read_at_start_and_each_new_number_is_reported_once_for_every_instance()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "5", TestContext.Current.CancellationToken);
            var options = new VrrpOptions();
            options.TrackFiles.Add(new VrrpTrackFileOptions { Name = "prio", Path = path, Weight = -2 });
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", Priority = 100, TrackFiles = [new TrackReferenceOptions { Name = "prio" }] });
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_2", Priority = 100, TrackFiles = [new TrackReferenceOptions { Name = "prio", Weight = 1 }] });
            var time = new FakeTimeProvider();
            var logger = new FakeLogger();
            var updates = new List<TrackerUpdate>();
            await using var tracking = new VrrpTracking(options, time, logger, null, null);
            tracking.Start(u =>
            {
                lock (updates)
                {
                    updates.Add(u);
                }
            });

            Assert.Equal(5, tracking.FileValue("prio"));   // read at start, before any loop runs
            await File.WriteAllTextAsync(path, "127\n", TestContext.Current.CancellationToken);
            for (int i = 0; i < 200 && updates.Count < 1; i++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }

            for (int i = 0; i < 3; i++)
            {
                time.Advance(TimeSpan.FromSeconds(1));     // unchanged: nothing more is reported
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }

            Assert.Equal(127, tracking.FileValue("prio"));
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_Track_File(prio) value changed from 5 to 127");
            lock (updates)
            {
                Assert.Equal([new TrackerUpdate(null, TrackerKind.File, "prio", 127)], updates);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_script_shared_by_two_instances_runs_once_per_interval_and_reports_once()
    {
        string counter = Path.GetTempFileName();
        try
        {
            var options = new VrrpOptions();
            options.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "/bin/sh", Arguments = ["-c", "echo x >> \"$0\"; exit 1", counter], Weight = -10, Interval = TimeSpan.FromSeconds(1) });
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", Priority = 100, TrackScripts = [new TrackReferenceOptions { Name = "chk" }] });
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_2", Priority = 100, TrackScripts = [new TrackReferenceOptions { Name = "chk", Weight = 0 }] });
            var time = new FakeTimeProvider();
            var reported = new TaskCompletionSource<TrackerUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var tracking = new VrrpTracking(options, time, new FakeLogger(), null, null);
            tracking.Start(u => reported.TrySetResult(u));
            var update = await reported.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

            Assert.Equal(new TrackerUpdate(null, TrackerKind.Script, "chk", 0), update);
            await tracking.StopAsync();
            Assert.Single(await File.ReadAllLinesAsync(counter, TestContext.Current.CancellationToken)); // one run served both
        }
        finally
        {
            File.Delete(counter);
        }
    }
}
