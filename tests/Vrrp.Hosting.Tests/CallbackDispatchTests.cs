using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Vrrp.Hosting.Tests;

public class CallbackDispatchTests
{
    private static VrrpStateChange Change(string instance, VrrpState previous, VrrpState state, long sequence, int priority = 100) => new()
    {
        InstanceName = instance,
        PreviousState = previous,
        State = state,
        Priority = priority,
        Timestamp = DateTimeOffset.UnixEpoch,
        Sequence = sequence,
    };

    private sealed class Recorder : IVrrpStateHandler
    {
        public List<(string Instance, long Sequence)> Calls { get; } = [];

        public int Concurrent;
        public int MaxConcurrent;

        public async ValueTask OnStateChangedAsync(VrrpStateChange change, CancellationToken cancellationToken)
        {
            int now = Interlocked.Increment(ref Concurrent);
            lock (Calls)
            {
                MaxConcurrent = Math.Max(MaxConcurrent, now);
            }

            await Task.Yield();
            await Task.Delay(Random.Shared.Next(0, 3), cancellationToken);
            lock (Calls)
            {
                Calls.Add((change.InstanceName, change.Sequence));
            }

            Interlocked.Decrement(ref Concurrent);
        }
    }

    [Fact]
    public async Task Changes_of_one_instance_are_delivered_in_order_and_never_concurrently()
    {
        var recorder = new Recorder();
        await using var dispatcher = new StateChangeDispatcher([recorder], TimeSpan.FromSeconds(30), TimeProvider.System, new FakeLogger());
        for (int i = 1; i <= 50; i++)
        {
            dispatcher.Post(Change("VI_1", VrrpState.Backup, VrrpState.Master, i));
        }

        await dispatcher.CompleteAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => ("VI_1", (long)i)), recorder.Calls);
        Assert.Equal(1, recorder.MaxConcurrent);
    }

    [Fact]
    public async Task A_throwing_handler_is_logged_and_the_next_handlers_still_run()
    {
        var logger = new FakeLogger();
        var seen = new List<long>();
        IVrrpStateHandler thrower = new DelegateStateHandler((_, _) => throw new InvalidOperationException("boom"), null, "OnChange callback Thrower");
        IVrrpStateHandler after = new DelegateStateHandler((c, _) =>
        {
            lock (seen)
            {
                seen.Add(c.Sequence);
            }

            return ValueTask.CompletedTask;
        }, null, "after");
        await using var dispatcher = new StateChangeDispatcher([thrower, after], TimeSpan.FromSeconds(30), TimeProvider.System, logger);
        dispatcher.Post(Change("VI_1", VrrpState.Initialize, VrrpState.Backup, 1));
        dispatcher.Post(Change("VI_1", VrrpState.Backup, VrrpState.Master, 2));
        await dispatcher.CompleteAsync(TestContext.Current.CancellationToken);

        Assert.Equal([1L, 2L], seen);
        var errors = logger.Collector.GetSnapshot().Where(r => r.Id.Id == 1020).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal("(VI_1) state handler OnChange callback Thrower failed on entering Backup", errors[0].Message);
        Assert.IsType<InvalidOperationException>(errors[0].Exception);
    }

    [Fact]
    public async Task A_hanging_handler_times_out_its_token_is_cancelled_and_the_next_change_is_delivered()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = new List<long>();
        IVrrpStateHandler hanging = new DelegateStateHandler(async (c, ct) =>
        {
            if (c.Sequence == 1)
            {
                ct.Register(() => cancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, CancellationToken.None); // ignores its token: the worst case
            }

            lock (delivered)
            {
                delivered.Add(c.Sequence);
            }
        }, null, "hanging");
        await using var dispatcher = new StateChangeDispatcher([hanging], TimeSpan.FromSeconds(30), time, logger);
        dispatcher.Post(Change("VI_1", VrrpState.Backup, VrrpState.Master, 1));
        dispatcher.Post(Change("VI_1", VrrpState.Master, VrrpState.Backup, 2));

        // Nothing is delivered until the timeout elapses on the host's clock.
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.Empty(delivered);
        for (int i = 0; i < 100 && !cancelled.Task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await dispatcher.CompleteAsync(TestContext.Current.CancellationToken);
        Assert.Equal([2L], delivered);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1021 &&
            r.Message == "(VI_1) state handler hanging did not finish within 00:00:30 on entering Master; its token was cancelled and the next change is delivered");
    }

    [Fact]
    public async Task Instances_do_not_wait_for_each_other()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var vi2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IVrrpStateHandler handler = new DelegateStateHandler(async (c, _) =>
        {
            if (c.InstanceName == "VI_1")
            {
                await release.Task;
            }
            else
            {
                vi2.TrySetResult();
            }
        }, null, "h");
        await using var dispatcher = new StateChangeDispatcher([handler], TimeSpan.FromSeconds(30), TimeProvider.System, new FakeLogger());
        dispatcher.Post(Change("VI_1", VrrpState.Backup, VrrpState.Master, 1));
        dispatcher.Post(Change("VI_2", VrrpState.Backup, VrrpState.Master, 1));
        await vi2.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        release.SetResult();
        await dispatcher.CompleteAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Notify_scripts_run_in_order_with_keepalived_arguments()
    {
        string log = Path.GetTempFileName();
        try
        {
            var options = new VrrpOptions();
            options.Instances.Add(new VrrpInstanceOptions
            {
                Name = "VI_1",
                NotifyMaster = $"/bin/sh -c 'echo master \"$@\" >> {log}' notify_master",
                NotifyBackup = $"/bin/sh -c 'echo backup >> {log}'",
                NotifyFault = $"/bin/sh -c 'echo fault >> {log}'",
                NotifyStop = $"/bin/sh -c 'echo stop >> {log}'",
                Notify = $"/bin/sh -c 'sleep 0.05; echo notify \"$@\" >> {log}' notify",
            });
            var handler = new NotifyScriptHandler(options, new ScriptRunner(null, null, false, new FakeLogger()), new FakeLogger());
            Assert.True(handler.HasScripts);
            await using var dispatcher = new StateChangeDispatcher([handler], TimeSpan.FromSeconds(30), TimeProvider.System, new FakeLogger());
            dispatcher.Post(Change("VI_1", VrrpState.Initialize, VrrpState.Backup, 1, 100));
            dispatcher.Post(Change("VI_1", VrrpState.Backup, VrrpState.Master, 2, 100));
            dispatcher.Post(Change("VI_1", VrrpState.Master, VrrpState.Fault, 3, 90));
            dispatcher.Post(Change("VI_1", VrrpState.Fault, VrrpState.Stopped, 4, 90));
            await dispatcher.CompleteAsync(TestContext.Current.CancellationToken);

            Assert.Equal(
                [
                    "backup", "notify INSTANCE VI_1 BACKUP 100",
                    "master", "notify INSTANCE VI_1 MASTER 100",
                    "fault", "notify INSTANCE VI_1 FAULT 90",
                    "stop", "notify INSTANCE VI_1 STOP 90",
                ],
                (await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken)).Select(l => l.TrimEnd()));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task A_failing_notify_script_is_logged_with_its_status()
    {
        var logger = new FakeLogger();
        var options = new VrrpOptions();
        options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", NotifyMaster = "/bin/sh -c 'exit 4'" });
        var handler = new NotifyScriptHandler(options, new ScriptRunner(null, null, false, logger), logger);
        await handler.OnStateChangedAsync(Change("VI_1", VrrpState.Backup, VrrpState.Master, 1), TestContext.Current.CancellationToken);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "(VI_1) notify script /bin/sh -c 'exit 4' exited with status 4");
    }
}

public class SyncGroupNotifyTests
{
    [Fact]
    public async Task Group_scripts_run_when_every_member_is_in_the_state()
    {
        string log = Path.GetTempFileName();
        try
        {
            var options = new VrrpOptions();
            options.SyncGroups.Add(new VrrpSyncGroupOptions
            {
                Name = "G1",
                Instances = ["VI_1", "VI_2"],
                NotifyMaster = $"/bin/sh -c 'echo group-master >> {log}'",
                Notify = $"/bin/sh -c 'echo notify \"$@\" >> {log}' notify",
            });
            var handler = new SyncGroupNotifyHandler(options, new ScriptRunner(null, null, false, new FakeLogger()), new FakeLogger());
            var ct = TestContext.Current.CancellationToken;
            VrrpStateChange Change(string i, VrrpState s, int p) => new() { InstanceName = i, PreviousState = VrrpState.Backup, State = s, Priority = p, Timestamp = default };

            await handler.OnStateChangedAsync(Change("VI_1", VrrpState.Master, 150), ct);
            Assert.Equal("", await File.ReadAllTextAsync(log, ct)); // VI_2 not yet master
            await handler.OnStateChangedAsync(Change("VI_2", VrrpState.Master, 140), ct);
            await handler.OnStateChangedAsync(Change("VI_2", VrrpState.Master, 140), ct); // no repeat
            // keepalived 2.2.7 gives a group's notify priority 0 (vrrp_notify.c: "the prio will be indicated as zero for a group").
            Assert.Equal(["group-master", "notify GROUP G1 MASTER 0"], (await File.ReadAllLinesAsync(log, ct)).Select(l => l.TrimEnd()));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task A_group_s_notify_stop_runs_once_every_member_stopped_and_not_for_a_member_a_reload_removed()
    {
        string log = Path.GetTempFileName();
        try
        {
            var options = new VrrpOptions();
            options.SyncGroups.Add(new VrrpSyncGroupOptions
            {
                Name = "G1",
                Instances = ["VI_1", "VI_2"],
                NotifyStop = $"/bin/sh -c 'echo group-stop >> {log}'",
                Notify = $"/bin/sh -c 'echo notify \"$@\" >> {log}' notify",
            });
            var deletions = new InstanceDeletions();
            var handler = new SyncGroupNotifyHandler(options, new ScriptRunner(null, null, false, new FakeLogger()), new FakeLogger(), deletions);
            var ct = TestContext.Current.CancellationToken;
            VrrpStateChange Change(string i, VrrpState from, VrrpState s, int p) => new() { InstanceName = i, PreviousState = from, State = s, Priority = p, Timestamp = default };

            await handler.OnStateChangedAsync(Change("VI_1", VrrpState.Backup, VrrpState.Master, 150), ct);
            await handler.OnStateChangedAsync(Change("VI_2", VrrpState.Backup, VrrpState.Master, 140), ct);

            // VI_2 removed by a reload, VI_1 stopped: not a group stop.
            deletions.Record(new InstanceDeletion(new VrrpInstanceOptions { Name = "VI_2" }, VrrpState.Master));
            await handler.OnStateChangedAsync(Change("VI_2", VrrpState.Master, VrrpState.Stopped, 140), ct);
            await handler.OnStateChangedAsync(Change("VI_1", VrrpState.Master, VrrpState.Stopped, 150), ct);
            Assert.Equal(["notify GROUP G1 MASTER 0"], (await File.ReadAllLinesAsync(log, ct)).Select(l => l.TrimEnd()));

            // Both stopped (shutdown): the group's notify_stop, then notify with STOP and 0.
            await handler.OnStateChangedAsync(Change("VI_2", VrrpState.Master, VrrpState.Stopped, 140), ct);
            Assert.Equal(["notify GROUP G1 MASTER 0", "group-stop", "notify GROUP G1 STOP 0"], (await File.ReadAllLinesAsync(log, ct)).Select(l => l.TrimEnd()));
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Theory]
    [InlineData(false, null, VrrpState.Master, "fault|notify INSTANCE VI_1 FAULT 150")]
    [InlineData(false, null, VrrpState.Fault, "")]
    [InlineData(true, null, VrrpState.Fault, "notify INSTANCE VI_1 DELETED 150")]
    [InlineData(false, "deleted", VrrpState.Backup, "deleted|notify INSTANCE VI_1 DELETED 150")]
    public async Task An_instance_a_reload_removes_reports_FAULT_or_DELETED_as_keepalived_and_never_STOP(bool reportDeleted, string? deletedWord, VrrpState previous, string expected)
    {
        string log = Path.GetTempFileName();
        try
        {
            string Echo(string word) => $"/bin/sh -c 'echo {word} >> {log}'";
            var instance = new VrrpInstanceOptions
            {
                Name = "VI_1",
                NotifyFault = Echo("fault"),
                NotifyStop = Echo("stop"),
                Notify = $"/bin/sh -c 'echo notify \"$@\" >> {log}' notify",
                ReportDeleted = reportDeleted,
                NotifyDeleted = deletedWord is null ? null : Echo(deletedWord),
            };
            var options = new VrrpOptions();
            options.Instances.Add(instance);
            var deletions = new InstanceDeletions();
            var handler = new NotifyScriptHandler(options, new ScriptRunner(null, null, false, new FakeLogger()), new FakeLogger(), deletions);
            var ct = TestContext.Current.CancellationToken;

            deletions.Record(new InstanceDeletion(instance, previous));
            await handler.OnStateChangedAsync(new VrrpStateChange { InstanceName = "VI_1", PreviousState = previous, State = VrrpState.Stopped, Priority = 150, Timestamp = default }, ct);
            Assert.Equal(expected, string.Join('|', (await File.ReadAllLinesAsync(log, ct)).Select(l => l.TrimEnd())));

            // The next Stopped (a shutdown) is a stop again.
            File.WriteAllText(log, "");
            await handler.OnStateChangedAsync(new VrrpStateChange { InstanceName = "VI_1", PreviousState = VrrpState.Backup, State = VrrpState.Stopped, Priority = 150, Timestamp = default }, ct);
            Assert.Equal("stop|notify INSTANCE VI_1 STOP 150", string.Join('|', (await File.ReadAllLinesAsync(log, ct)).Select(l => l.TrimEnd())));
        }
        finally
        {
            File.Delete(log);
        }
    }
}
