using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

public class VrrpTrackingTests
{
    [Fact]
    public async Task A_tracked_file_changes_the_effective_priority_and_faults_at_minus_254()
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
            var results = new List<(string Instance, TrackingResult Result)>();
            await using var tracking = new VrrpTracking(options, time, logger, null, null);
            tracking.Start((i, r) =>
            {
                lock (results)
                {
                    results.Add((i, r));
                }
            });

            // Read at start: 5 x -2 and 5 x 1.
            Assert.Equal(90, tracking.Current("VI_1").EffectivePriority(100));
            Assert.Equal(105, tracking.Current("VI_2").EffectivePriority(100));

            await File.WriteAllTextAsync(path, "127\n", TestContext.Current.CancellationToken);
            for (int i = 0; i < 200 && results.Count < 2; i++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }

            Assert.True(tracking.Current("VI_1").IsFault);
            Assert.Equal(["track_file prio"], tracking.Current("VI_1").Faults);
            Assert.Equal(227, tracking.Current("VI_2").EffectivePriority(100));
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_Track_File(prio) value changed from 5 to 127");
            lock (results)
            {
                Assert.Contains(results, r => r.Instance == "VI_1" && r.Result.IsFault);
                Assert.Contains(results, r => r.Instance == "VI_2" && r.Result.PriorityDelta == 127);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_script_shared_by_two_instances_runs_once_per_interval_with_each_instance_weight()
    {
        string counter = Path.GetTempFileName();
        try
        {
            var options = new VrrpOptions();
            options.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = "/bin/sh", Arguments = ["-c", "echo x >> \"$0\"; exit 1", counter], Weight = -10, Interval = TimeSpan.FromSeconds(1) });
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", Priority = 100, TrackScripts = [new TrackReferenceOptions { Name = "chk" }] });
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_2", Priority = 100, TrackScripts = [new TrackReferenceOptions { Name = "chk", Weight = 0 }] });
            var time = new FakeTimeProvider();
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int count = 0;
            await using var tracking = new VrrpTracking(options, time, new FakeLogger(), null, null);
            tracking.Start((_, _) =>
            {
                if (Interlocked.Increment(ref count) == 2)
                {
                    changed.TrySetResult();
                }
            });
            await changed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

            Assert.Equal(90, tracking.Current("VI_1").EffectivePriority(100));
            Assert.Equal(["track_script chk"], tracking.Current("VI_2").Faults);
            await tracking.StopAsync();
            Assert.Single(await File.ReadAllLinesAsync(counter, TestContext.Current.CancellationToken)); // one run served both
        }
        finally
        {
            File.Delete(counter);
        }
    }
}
