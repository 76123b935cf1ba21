using System.Runtime.Versioning;
using Microsoft.Extensions.Logging.Testing;
using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

/// <summary>
/// keepalived's notify FIFO lines and order (issue 14 item 6), notify scripts run as their user, and
/// <c>enable_script_security</c>'s refusal of scripts that a non-root user can modify.
/// </summary>
[SupportedOSPlatform("linux")] // every test that touches files skips elsewhere
public class NotifyFifoAndScriptUserTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static void RequireRoot()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Skip("Needs root on Linux (owners, modes and users of scripts); CI runs as root.");
        }
    }

    [Fact]
    public void The_lines_and_their_order_are_keepalived_2_2_7s_for_a_start_a_takeover_and_a_stop()
    {
        // keepalived 2.2.7 wrote these to vrrp_notify_fifo for VI_1 (150) and sync group G1 of VI_2 (120) and VI_3
        // (110), all starting BACKUP alone on the LAN, then SIGTERM (VrrpdNotifyFifoLabTests compares live).
        var lines = new FifoLines([("G1", ["VI_2", "VI_3"])]);
        var written = new List<string>();
        void Change(string name, VrrpState from, VrrpState to, int priority) => written.AddRange(lines.For(name, from, to, priority));

        Change("VI_1", VrrpState.Initialize, VrrpState.Backup, 150);
        Change("VI_2", VrrpState.Initialize, VrrpState.Backup, 120);
        Change("VI_3", VrrpState.Initialize, VrrpState.Backup, 110);
        Change("VI_1", VrrpState.Backup, VrrpState.Master, 150);
        Change("VI_3", VrrpState.Backup, VrrpState.Master, 110);
        Change("VI_2", VrrpState.Backup, VrrpState.Master, 120);
        Change("VI_1", VrrpState.Master, VrrpState.Stopped, 150);
        Change("VI_2", VrrpState.Master, VrrpState.Stopped, 120);
        Change("VI_3", VrrpState.Master, VrrpState.Stopped, 110);

        Assert.Equal(
            """
            GROUP "G1" BACKUP 0
            INSTANCE "VI_1" BACKUP 150
            INSTANCE "VI_2" BACKUP 120
            INSTANCE "VI_3" BACKUP 110
            INSTANCE "VI_1" MASTER 150
            INSTANCE "VI_3" MASTER 110
            INSTANCE "VI_2" MASTER 120
            GROUP "G1" MASTER 0
            INSTANCE "VI_1" STOP 150
            INSTANCE "VI_2" STOP 120
            INSTANCE "VI_3" STOP 110
            GROUP "G1" STOP 0

            """.ReplaceLineEndings("\n"),
            string.Concat(written));
    }

    [Fact]
    public void A_fault_at_start_comes_before_the_groups_and_their_stop_after_every_instance_s_stop()
    {
        // keepalived 2.2.7 (VrrpdNotifyFifoLabTests compares live): an instance a tracker keeps in Fault is reported
        // before vrrp_init_state reports the groups; notify_shutdown writes every instance's STOP, then every group's.
        var lines = new FifoLines([("G1", ["VI_1"])]);
        var written = new List<string>();
        void Change(string name, VrrpState from, VrrpState to, int priority) => written.AddRange(lines.For(name, from, to, priority));
        Change("VI_2", VrrpState.Initialize, VrrpState.Fault, 120);
        Change("VI_1", VrrpState.Initialize, VrrpState.Backup, 150);
        Change("VI_1", VrrpState.Master, VrrpState.Stopped, 150);
        Change("VI_2", VrrpState.Fault, VrrpState.Stopped, 120);
        Assert.Equal(
            ["INSTANCE \"VI_2\" FAULT 120\n", "GROUP \"G1\" BACKUP 0\n", "INSTANCE \"VI_1\" BACKUP 150\n",
             "INSTANCE \"VI_1\" STOP 150\n", "INSTANCE \"VI_2\" STOP 120\n", "GROUP \"G1\" STOP 0\n"],
            written);
    }

    [Fact]
    public void A_fault_and_a_return_to_backup_of_a_group_member_are_reported_with_the_group_after_its_members()
    {
        var lines = new FifoLines([("G1", ["VI_2", "VI_3"])]);
        var written = new List<string>();
        void Change(string name, VrrpState from, VrrpState to, int priority) => written.AddRange(lines.For(name, from, to, priority));
        Change("VI_2", VrrpState.Initialize, VrrpState.Backup, 120);
        Change("VI_3", VrrpState.Initialize, VrrpState.Backup, 110);
        Change("VI_2", VrrpState.Backup, VrrpState.Fault, 120);
        Change("VI_3", VrrpState.Backup, VrrpState.Fault, 110);
        Change("VI_2", VrrpState.Fault, VrrpState.Backup, 120);
        Change("VI_3", VrrpState.Fault, VrrpState.Backup, 110);

        Assert.Equal(
            [
                "GROUP \"G1\" BACKUP 0\n", "INSTANCE \"VI_2\" BACKUP 120\n", "INSTANCE \"VI_3\" BACKUP 110\n",
                "INSTANCE \"VI_2\" FAULT 120\n", "INSTANCE \"VI_3\" FAULT 110\n", "GROUP \"G1\" FAULT 0\n",
                "INSTANCE \"VI_2\" BACKUP 120\n", "INSTANCE \"VI_3\" BACKUP 110\n", "GROUP \"G1\" BACKUP 0\n",
            ],
            written);
    }

    [Fact]
    public void After_a_reload_the_lines_follow_the_new_groups_and_a_kept_group_keeps_its_state()
    {
        var lines = new FifoLines([("G1", ["VI_1", "VI_2"])]);
        lines.For("VI_1", VrrpState.Initialize, VrrpState.Backup, 100);
        lines.For("VI_2", VrrpState.Initialize, VrrpState.Backup, 100);
        lines.For("VI_1", VrrpState.Backup, VrrpState.Master, 100);
        lines.UpdateGroups([("G1", ["VI_1", "VI_2"]), ("G2", ["VI_3", "VI_4"])]);

        Assert.Equal(["INSTANCE \"VI_2\" MASTER 100\n", "GROUP \"G1\" MASTER 0\n"], lines.For("VI_2", VrrpState.Backup, VrrpState.Master, 100));
        lines.For("VI_3", VrrpState.Initialize, VrrpState.Master, 90);
        Assert.Equal(["INSTANCE \"VI_4\" MASTER 90\n", "GROUP \"G2\" MASTER 0\n"], lines.For("VI_4", VrrpState.Initialize, VrrpState.Master, 90));
    }

    [Fact]
    public async Task A_fifo_is_created_written_in_order_read_by_its_script_and_removed_at_close()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("FIFOs are a POSIX feature.");
        }

        string folder = Directory.CreateTempSubdirectory("vrrp-fifo-").FullName;
        try
        {
            string fifoPath = Path.Combine(folder, "notify.fifo");
            string output = Path.Combine(folder, "read.txt");
            string reader = Path.Combine(folder, "reader.sh");
            await File.WriteAllTextAsync(reader, $"#!/bin/sh\nexec cat \"$1\" > {output}\n", Token);
            File.SetUnixFileMode(reader, (UnixFileMode)0x1ED); // 0755
            var logger = new FakeLogger();
            var scripts = new ScriptRunner(null, null, false, logger);
            var fifo = NotifyFifo.Open(new NotifyFifoSpec(fifoPath, Script: reader), "", scripts, () => ScriptIdentity.Current, logger);
            Assert.NotNull(fifo);
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(fifoPath) & (UnixFileMode)0x12); // nobody else may write: 0644 at most
            Assert.True((File.GetAttributes(fifoPath) & FileAttributes.Directory) == 0);

            var writer = new NotifyFifoWriter([fifo], []);
            // Many lines, from two threads: each line whole, each thread's lines in its order.
            Parallel.ForEach(Enumerable.Range(0, 2), t =>
            {
                for (int i = 0; i < 100; i++)
                {
                    var state = i % 2 == 0 ? VrrpState.Master : VrrpState.Backup;
                    writer.OnApplied($"T{t}", state == VrrpState.Master ? VrrpState.Backup : VrrpState.Master, state, i + 1);
                }
            });
            await fifo.DisposeAsync();

            Assert.False(File.Exists(fifoPath), "the FIFO created here is removed at close");
            string[] read = (await File.ReadAllTextAsync(output, Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(200, read.Length);
            foreach (string thread in new[] { "T0", "T1" })
            {
                var mine = read.Where(l => l.StartsWith($"INSTANCE \"{thread}\"", StringComparison.Ordinal)).ToList();
                Assert.Equal(Enumerable.Range(1, 100).Select(p => $"INSTANCE \"{thread}\" {(p % 2 == 1 ? "MASTER" : "BACKUP")} {p}"), mine);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Priority_changes_and_deletions_are_written_as_keepalived_2_2_7_writes_them()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("FIFOs are a POSIX feature.");
        }

        string folder = Directory.CreateTempSubdirectory("vrrp-fifo-").FullName;
        try
        {
            string fifoPath = Path.Combine(folder, "notify.fifo");
            string output = Path.Combine(folder, "read.txt");
            string reader = Path.Combine(folder, "reader.sh");
            await File.WriteAllTextAsync(reader, $"#!/bin/sh\nexec cat \"$1\" > {output}\n", Token);
            File.SetUnixFileMode(reader, (UnixFileMode)0x1ED); // 0755
            var logger = new FakeLogger();
            var fifo = NotifyFifo.Open(new NotifyFifoSpec(fifoPath, Script: reader), "", new ScriptRunner(null, null, false, logger), () => ScriptIdentity.Current, logger);
            Assert.NotNull(fifo);
            var deletions = new InstanceDeletions();
            var writer = new NotifyFifoWriter([fifo], [], deletions);
            writer.SetPriorityChanges(["VI_1", "VI_2", "VI_3"]);
            void Applied(string name, VrrpState from, VrrpState to, int priority)
            {
                writer.OnStateChanged(name, to);
                writer.OnApplied(new VrrpStateChange { InstanceName = name, PreviousState = from, State = to, Priority = priority, Timestamp = default });
            }

            Applied("VI_1", VrrpState.Initialize, VrrpState.Backup, 150);
            writer.OnPriorityChanged("VI_1", 140);                    // a backup's change: BACKUP_PRIORITY
            Applied("VI_1", VrrpState.Backup, VrrpState.Master, 140);
            writer.OnPriorityChanged("VI_1", 160);                    // a master's: MASTER_PRIORITY
            Applied("VI_4", VrrpState.Initialize, VrrpState.Backup, 100);
            writer.OnPriorityChanged("VI_4", 90);                     // VI_4 does not ask: nothing
            Applied("VI_2", VrrpState.Initialize, VrrpState.Fault, 120);
            writer.OnPriorityChanged("VI_2", 110);                    // any state but master: BACKUP_PRIORITY

            // A reload removes VI_1 (master, keepalived's default: FAULT), VI_2 (in Fault: nothing) and VI_3 (notify_deleted: DELETED).
            deletions.Record(new InstanceDeletion(new VrrpInstanceOptions { Name = "VI_1" }, VrrpState.Master));
            Applied("VI_1", VrrpState.Master, VrrpState.Stopped, 160);
            deletions.Record(new InstanceDeletion(new VrrpInstanceOptions { Name = "VI_2" }, VrrpState.Fault));
            Applied("VI_2", VrrpState.Fault, VrrpState.Stopped, 110);
            Applied("VI_3", VrrpState.Initialize, VrrpState.Backup, 100);
            deletions.Record(new InstanceDeletion(new VrrpInstanceOptions { Name = "VI_3", ReportDeleted = true }, VrrpState.Backup));
            Applied("VI_3", VrrpState.Backup, VrrpState.Stopped, 100);
            Applied("VI_4", VrrpState.Backup, VrrpState.Stopped, 90); // a stop

            // The FIFO is removed at close: let the reader open it first (the writes above wait in the pipe).
            for (int i = 0; i < 250 && !File.Exists(output); i++)
            {
                await Task.Delay(20, Token);
            }

            await Task.Delay(300, Token);
            await fifo.DisposeAsync();

            Assert.Equal(
                [
                    "INSTANCE \"VI_1\" BACKUP 150", "INSTANCE \"VI_1\" BACKUP_PRIORITY 140", "INSTANCE \"VI_1\" MASTER 140",
                    "INSTANCE \"VI_1\" MASTER_PRIORITY 160", "INSTANCE \"VI_4\" BACKUP 100", "INSTANCE \"VI_2\" FAULT 120",
                    "INSTANCE \"VI_2\" BACKUP_PRIORITY 110", "INSTANCE \"VI_1\" FAULT 160", "INSTANCE \"VI_3\" BACKUP 100",
                    "INSTANCE \"VI_3\" DELETED 100", "INSTANCE \"VI_4\" STOP 90",
                ],
                (await File.ReadAllTextAsync(output, Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_fifo_created_for_a_user_belongs_to_that_user_and_one_that_exists_is_kept()
    {
        RequireRoot();
        string folder = Directory.CreateTempSubdirectory("vrrp-fifo-").FullName;
        try
        {
            var logger = new FakeLogger();
            var scripts = new ScriptRunner(null, null, false, logger);
            string created = Path.Combine(folder, "created.fifo");
            var fifo = NotifyFifo.Open(new NotifyFifoSpec(created, User: "nobody"), "vrrp ", scripts, () => ScriptIdentity.Current, logger);
            Assert.NotNull(fifo);
            Assert.Equal((65534u, 65534u), Owner(created));
            await fifo.DisposeAsync();
            Assert.False(File.Exists(created));

            // A FIFO that was there before is used as it is, and left in place.
            string existing = Path.Combine(folder, "existing.fifo");
            Assert.Equal(0, Interop.Mkfifo(existing, 0x180));
            fifo = NotifyFifo.Open(new NotifyFifoSpec(existing, User: "nobody"), "", scripts, () => ScriptIdentity.Current, logger);
            Assert.NotNull(fifo);
            Assert.Equal((0u, 0u), Owner(existing));
            await fifo.DisposeAsync();
            Assert.True(File.Exists(existing));

            // A path that cannot be created is an error naming it, and no FIFO.
            Assert.Null(NotifyFifo.Open(new NotifyFifoSpec(Path.Combine(folder, "missing", "x.fifo")), "", scripts, () => ScriptIdentity.Current, logger));
            Assert.Equal($"Unable to create notify fifo {Path.Combine(folder, "missing", "x.fifo")}: No such file or directory", logger.LatestRecord.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static (uint, uint) Owner(string path) => ScriptSecurity.Stat(path, follow: false) is { } s ? (s.Uid, s.Gid) : (uint.MaxValue, uint.MaxValue);
    }

    [Fact]
    public async Task A_notify_script_given_a_user_runs_as_that_user_and_sees_its_uid_and_gid()
    {
        RequireRoot();
        string folder = Directory.CreateTempSubdirectory("vrrp-user-").FullName;
        try
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0x1FF); // 0777: nobody writes its answer here
            string script = Path.Combine(folder, "who.sh");
            await File.WriteAllTextAsync(script, "#!/bin/sh\necho \"$(id -u) $(id -g) $*\" > \"$(dirname \"$0\")/who\"\n", Token);
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            var logger = new FakeLogger();
            var scripts = new ScriptRunner(null, null, true, logger);

            var outcome = await scripts.RunAsync("notify", "VI_1", script, "nobody", null, ["INSTANCE", "VI_1", "MASTER", "150"], TimeSpan.FromSeconds(10), null, Token);

            Assert.True(outcome.Succeeded, $"exit {outcome.ExitCode} {outcome.StartError}: {string.Join(" | ", logger.Collector.GetSnapshot().Select(r => r.Message))}");
            Assert.Equal("65534 65534 INSTANCE VI_1 MASTER 150", (await File.ReadAllTextAsync(Path.Combine(folder, "who"), Token)).Trim());

            // script_user: the global user when the command names none.
            var byGlobal = new ScriptRunner("nobody", null, false, logger);
            outcome = await byGlobal.RunAsync("notify_master", "VI_1", script, null, null, [], TimeSpan.FromSeconds(10), null, Token);
            Assert.True(outcome.Succeeded);
            Assert.Equal("65534 65534", (await File.ReadAllTextAsync(Path.Combine(folder, "who"), Token)).Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Users_and_groups_that_do_not_exist_are_named_in_keepalived_s_words()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Linux users.");
        }

        Assert.Null(ScriptIdentity.Lookup("no-such-user-vrrp", null, out string? error));
        Assert.Equal("Script user 'no-such-user-vrrp' does not exist", error);
        Assert.Null(ScriptIdentity.Lookup("nobody", "no-such-group-vrrp", out error));
        Assert.Equal("Script group 'no-such-group-vrrp' does not exist", error);
        var nobody = ScriptIdentity.Lookup("nobody", null, out error);
        Assert.Null(error);
        Assert.Equal(65534u, nobody!.Uid);

        var logger = new FakeLogger();
        var scripts = new ScriptRunner(null, null, false, logger);
        Assert.Null(scripts.Prepare("notify_master", "VI_1", "/bin/true", "no-such-user-vrrp", null));
        Assert.Equal("(VI_1) notify_master script /bin/true - ignoring: Script user 'no-such-user-vrrp' does not exist", logger.LatestRecord.Message);
    }

    [Fact]
    public async Task Script_security_refuses_a_root_script_in_a_folder_others_can_write_and_says_which_and_why()
    {
        RequireRoot();
        string folder = Directory.CreateTempSubdirectory("vrrp-sec-").FullName;
        try
        {
            string script = Path.Combine(folder, "notify.sh");
            await File.WriteAllTextAsync(script, "#!/bin/sh\nexit 0\n", Token);
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            File.SetUnixFileMode(folder, (UnixFileMode)0x1ED);
            var root = ScriptIdentity.Current;

            // Owned by root, nobody else may write: fine (/tmp is world-writable but sticky, which keepalived allows).
            var check = ScriptSecurity.Check(script, root, scriptSecurity: true);
            Assert.True(check.Run);
            Assert.False(check.Insecure);
            Assert.Empty(check.Messages);

            // The folder writable by everyone: refused with script security on, run and reported without.
            File.SetUnixFileMode(folder, (UnixFileMode)0x1FF);
            check = ScriptSecurity.Check(script, root, scriptSecurity: true);
            Assert.False(check.Run);
            Assert.True(check.Insecure);
            Assert.Equal($"Unsafe permissions found for script '{script}' - disabling: {folder} is writable by everyone (mode 0777).", Assert.Single(check.Messages));
            check = ScriptSecurity.Check(script, root, scriptSecurity: false);
            Assert.True(check.Run);
            Assert.Equal($"Unsafe permissions found for script '{script}': {folder} is writable by everyone (mode 0777).", Assert.Single(check.Messages));

            // The script writable by its (non-root) group; then owned by another user.
            File.SetUnixFileMode(folder, (UnixFileMode)0x1ED);
            File.SetUnixFileMode(script, (UnixFileMode)0x1FD); // 0775
            Assert.Equal(0, Chown(script, 0, 65534));
            check = ScriptSecurity.Check(script, root, scriptSecurity: true);
            Assert.Equal($"Unsafe permissions found for script '{script}' - disabling: {script} is writable by group 65534 (mode 0775).", Assert.Single(check.Messages));
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            Assert.Equal(0, Chown(script, 65534, 0));
            check = ScriptSecurity.Check(script, root, scriptSecurity: true);
            Assert.False(check.Run);
            Assert.Equal($"Unsafe permissions found for script '{script}' - disabling: {script} is owned by uid 65534, not root.", Assert.Single(check.Messages));

            // Run as nobody, the same script is not a root script: keepalived does not check its path.
            var nobody = ScriptIdentity.Lookup("nobody", null, out _)!;
            check = ScriptSecurity.Check(script, nobody, scriptSecurity: true);
            Assert.True(check.Run);
            Assert.False(check.Insecure);

            // Not executable for the user it runs as.
            Assert.Equal(0, Chown(script, 0, 0));
            File.SetUnixFileMode(script, (UnixFileMode)0x1C0); // 0700
            check = ScriptSecurity.Check(script, nobody, scriptSecurity: true);
            Assert.False(check.Run);
            Assert.Equal($"WARNING - script '{script}' is not executable for uid:gid 65534:65534 - disabling.", Assert.Single(check.Messages));

            // Through the runner: the refused script never runs, the start says why and reports nothing else.
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            File.SetUnixFileMode(folder, (UnixFileMode)0x1FF);
            var logger = new FakeLogger();
            var scripts = new ScriptRunner("root", null, true, logger);
            scripts.CheckAll([("notify_master", "VI_1", script + " arg", null, null)]);
            Assert.Equal($"(VI_1) notify_master: Unsafe permissions found for script '{script}' - disabling: {folder} is writable by everyone (mode 0777).", Assert.Single(logger.Collector.GetSnapshot()).Message);
            var outcome = await scripts.RunAsync("notify_master", "VI_1", script + " arg", null, null, [], TimeSpan.FromSeconds(5), null, Token);
            Assert.False(outcome.Succeeded);

            // Without script security it runs, and the start reports keepalived's violation.
            logger = new FakeLogger();
            scripts = new ScriptRunner("root", null, false, logger);
            scripts.CheckAll([("notify_master", "VI_1", script, null, null)]);
            Assert.Equal("SECURITY VIOLATION - scripts are being executed but script_security not enabled. There are insecure scripts.", logger.LatestRecord.Message);
            Assert.True((await scripts.RunAsync("notify_master", "VI_1", script, null, null, [], TimeSpan.FromSeconds(5), null, Token)).Succeeded);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_group_other_than_the_users_own_is_refused_with_the_reason_without_the_launcher()
    {
        // The test host does not call VrrpScriptLauncher.RunIfRequested (vrrpd does: VrrpdNotifyFifoLabTests runs such scripts).
        RequireRoot();
        Assert.False(VrrpScriptLauncher.IsAvailable);
        var logger = new FakeLogger();
        var scripts = new ScriptRunner(null, null, false, logger);
        Assert.Null(scripts.Prepare("notify_backup", "VI_1", "/bin/true", "nobody", "root"));
        Assert.Equal(
            "(VI_1) notify_backup script /bin/true - ignoring: group 'root' is not user 'nobody''s own group (65534): such scripts are started through the application, which must call VrrpScriptLauncher.RunIfRequested(args) first in Main (vrrpd does); or leave the group out",
            logger.LatestRecord.Message);
        Assert.NotNull(scripts.Prepare("notify_backup", "VI_1", "/bin/true", "nobody", "nogroup"));
    }

    [Fact]
    public async Task Script_security_refuses_an_insecure_check_script_which_then_never_runs_nor_lowers_a_priority()
    {
        RequireRoot();
        string folder = Directory.CreateTempSubdirectory("vrrp-chk-").FullName;
        try
        {
            string ran = Path.Combine(folder, "ran");
            string script = Path.Combine(folder, "chk.sh");
            await File.WriteAllTextAsync(script, $"#!/bin/sh\ntouch {ran}\nexit 1\n", Token);
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            File.SetUnixFileMode(folder, (UnixFileMode)0x1FF); // anyone could replace chk.sh
            var options = new VrrpOptions { EnableScriptSecurity = true, ScriptUser = "root" };
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", TrackScripts = [new TrackReferenceOptions { Name = "chk" }] });
            options.Scripts.Add(new VrrpScriptOptions { Name = "chk", Command = script, Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(5), Rise = 1, Fall = 1 });
            var logger = new FakeLogger();
            var updates = new List<long>();
            await using var tracking = new VrrpTracking(options, TimeProvider.System, logger, null, null);
            tracking.Start(u =>
            {
                lock (updates)
                {
                    updates.Add(u.Value);
                }
            });
            await Task.Delay(1000, Token);
            await tracking.StopAsync();

            Assert.False(File.Exists(ran), "the refused check script ran");
            Assert.Equal(1, tracking.ScriptValue("chk"));
            Assert.All(updates, v => Assert.Equal(1, v));
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message ==
                $"VRRP_Script(chk) refused, never tracked: Unsafe permissions found for script '{script}' - disabling: {folder} is writable by everyone (mode 0777).");

            // Without script security the same script runs (and fails).
            options.EnableScriptSecurity = false;
            await using var unchecked_ = new VrrpTracking(options, TimeProvider.System, new FakeLogger(), null, null);
            unchecked_.Start(static _ => { });
            await Task.Delay(1000, Token);
            await unchecked_.StopAsync();
            Assert.True(File.Exists(ran));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Chown(string path, uint uid, uint gid) => Interop.Chown(path, uid, gid);
}
