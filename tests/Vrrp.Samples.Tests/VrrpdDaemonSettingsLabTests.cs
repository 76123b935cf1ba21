using System.Globalization;
using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived 2.2.7's daemon-level global_defs keywords as vrrpd applies them, with keepalived run on the same file as
/// the oracle where it can be: umask (the modes of the notify FIFO, the pid file and a file a script creates),
/// startup_script and shutdown_script with their timeouts, reload_check_config.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdDaemonSettingsLabTests
{
    private static string Instance(int priority = 150) => $$"""
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 81
            priority {{priority}}
            advert_int 1
            virtual_ipaddress {
                192.0.2.181/24
            }
        }
        """;

    [Fact]
    public void Files_get_the_modes_keepalived_gives_them_under_the_same_umask()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "touch");
        // 027 as a number, as bit names, and keepalived's default (no umask line: 0177).
        foreach (string umask in new[] { "umask 027", "umask IWGRP|IROTH | IWOTH|IXOTH", "" })
        {
            var keepalived = Modes(umask, useKeepalived: true);
            var vrrpd = Modes(umask, useKeepalived: false);
            TestContext.Current.TestOutputHelper?.WriteLine($"'{umask}': keepalived {keepalived}, vrrpd {vrrpd}");
            Assert.Equal(keepalived, vrrpd);
            Assert.Equal(umask.Length == 0 ? new FileModes("600", "644", "600") : new FileModes("640", "644", "640"), vrrpd);
        }
    }

    private sealed record FileModes(string Fifo, string PidFile, string ScriptFile);

    private static FileModes Modes(string umask, bool useKeepalived)
    {
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        string fifo = Path.Combine(lab.Directory, "fifo");
        string made = Path.Combine(lab.Directory, "made");
        string config = $$"""
            global_defs {
                {{umask}}
                notify_fifo {{fifo}}
            }
            vrrp_script chk {
                script "/usr/bin/touch {{made}}"
                interval 1
            }
            """ + Instance().Replace("    advert_int 1", "    advert_int 1\n    track_script {\n        chk\n    }", StringComparison.Ordinal);
        string pidFile = Path.Combine(lab.Directory, useKeepalived ? "keepalived-r1.pid" : "vrrpd.pid");
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, config)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "-p", pidFile, "--control-socket=none"]));
        try
        {
            Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!(File.Exists(made) && File.Exists(pidFile) && File.Exists(fifo)) && DateTime.UtcNow < until)
            {
                Thread.Sleep(50);
            }

            return new FileModes(Mode(fifo), Mode(pidFile), Mode(made));
        }
        finally
        {
            daemon.Signal("TERM");
            TestContext.Current.TestOutputHelper?.WriteLine((useKeepalived ? "keepalived:\n" : "vrrpd:\n") + daemon.Output);
        }

        static string Mode(string path) => File.Exists(path)
            ? Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(3, '0')
            : "missing";
    }

    [Fact]
    public void The_startup_script_ends_before_the_first_advert_and_the_shutdown_script_runs_after_the_VIP_is_gone()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "tcpdump", "tshark");
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string log = Path.Combine(lab.Directory, "scripts.log");
            string startup = Script(lab, "startup.sh", $$"""
                echo "start $(date +%s.%N)" >> {{log}}
                ip -o addr show dev eth0 >> {{log}}
                sleep 1
                echo "end $(date +%s.%N)" >> {{log}}
                """);
            string shutdown = Script(lab, "shutdown.sh", $$"""
                echo "shutdown $(date +%s.%N)" >> {{log}}
                ip -o addr show dev eth0 >> {{log}}
                """);
            string config = $$"""
                global_defs {
                    startup_script {{startup}}
                    shutdown_script {{shutdown}}
                }
                """ + Instance(priority: 200);
            var capture = lab.StartCapture("adverts", "ip proto 112");
            var daemon = Start(lab, host, config, useKeepalived);
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(20)), daemon.Output);
                Thread.Sleep(1500);
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }

            Thread.Sleep(500);
            capture.Stop();
            string text = File.ReadAllText(log);
            TestContext.Current.TestOutputHelper?.WriteLine($"{who} scripts:\n{text}");
            double started = Time(text, "start"), ended = Time(text, "end"), shut = Time(text, "shutdown");
            var adverts = capture.Fields("vrrp", "frame.time_epoch", "vrrp.prio")
                .Select(static f => (Time: double.Parse(f[0], CultureInfo.InvariantCulture), Priority: int.Parse(f[1], CultureInfo.InvariantCulture)))
                .ToList();
            Assert.True(adverts.Count > 1, $"{who}: no adverts captured");

            // The startup script saw no VIP and had ended before the first advert; the shutdown script ran after the
            // last advert (priority 0) and saw no VIP either.
            string startPart = text[..text.IndexOf("end ", StringComparison.Ordinal)];
            string shutPart = text[text.IndexOf("shutdown ", StringComparison.Ordinal)..];
            Assert.DoesNotContain("192.0.2.181", startPart);
            Assert.DoesNotContain("192.0.2.181", shutPart);
            Assert.True(started < ended && ended < adverts[0].Time, $"{who}: startup script {started:F3}..{ended:F3}, first advert {adverts[0].Time:F3}");
            Assert.Equal(0, adverts[^1].Priority);
            Assert.True(adverts[^1].Time < shut, $"{who}: last advert (priority 0) {adverts[^1].Time:F3}, shutdown script {shut:F3}");
        }
    }

    [Fact]
    public void Hanging_startup_and_shutdown_scripts_are_killed_at_their_timeouts_and_the_daemon_goes_on()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            // Ignores SIGTERM, so only SIGKILL ends it (and its sleep); the marker finds leftovers.
            string marker = useKeepalived ? "987" : "986";
            string hang = Script(lab, "hang.sh", $"trap '' TERM\nsleep {marker}\n");
            string config = $$"""
                global_defs {
                    startup_script {{hang}}
                    startup_script_timeout 2
                    shutdown_script {{hang}}
                    shutdown_script_timeout 1
                }
                """ + Instance();
            var started = DateTime.UtcNow;
            var daemon = Start(lab, host, config, useKeepalived);
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(20)), daemon.Output);
                double seconds = (DateTime.UtcNow - started).TotalSeconds;
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}: backup after {seconds:F1} s");
                Assert.True(seconds >= 2, $"{who}: started the instance {seconds:F1} s after start, before the startup script's timeout");
                Assert.Contains("startup script timed out", daemon.Output, StringComparison.Ordinal);
                Assert.True(WaitUntil(() => !Sleeping(marker), TimeSpan.FromSeconds(6)), $"{who}: the startup script's sleep is still there");

                var stopping = DateTime.UtcNow;
                daemon.Signal("TERM");
                double stop = (DateTime.UtcNow - stopping).TotalSeconds;
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}: stopped in {stop:F1} s");
                Assert.True(daemon.HasExited && stop >= 1 && stop < 9, $"{who}: stopped in {stop:F1} s (shutdown script timeout 1 s, SIGKILL 2 s later)");
                Assert.Contains("shutdown script timed out", daemon.Output, StringComparison.Ordinal);
                Assert.False(Sleeping(marker), $"{who}: the shutdown script's sleep is still there");
            }
            finally
            {
                daemon.Signal("KILL");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
                LabProcess.Run("pkill", ["-KILL", "-x", "-f", $"sleep {marker}"], allowFailure: true);
            }
        }
    }

    private static BackgroundProcess Start(NetworkLab lab, LabHost host, string config, bool useKeepalived) => useKeepalived
        ? lab.StartKeepalived(host, config)
        : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));

    private static string Script(NetworkLab lab, string name, string body)
    {
        string path = lab.WriteFile(name, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
        return path;
    }

    private static double Time(string log, string word)
    {
        var line = log.Split('\n').FirstOrDefault(l => l.StartsWith(word + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{word}' line in:\n{log}");
        return double.Parse(line[(word.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static bool Sleeping(string marker) =>
        Directory.EnumerateDirectories("/proc").Any(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ').Trim() == $"sleep {marker}";
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        });

    private static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }

    [Fact]
    public void With_reload_check_config_a_bad_file_is_refused_its_problems_go_to_the_log_and_the_reload_file_exists_meanwhile()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var seen = new Dictionary<bool, (int[] Lines, string Mode)>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string log = Path.Combine(lab.Directory, "check.log");
            string reloadFile = Path.Combine(lab.Directory, "reloading");
            File.WriteAllText(reloadFile, "left by an earlier run\n");
            string Config(string priority) => $$"""
                global_defs {
                    reload_check_config {{log}}
                    reload_file {{reloadFile}}
                }
                """ + Instance().Replace("priority 150", priority, StringComparison.Ordinal);
            string path = Path.Combine(lab.Directory, useKeepalived ? "keepalived-r1.conf" : "vrrpd.conf");
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, Config("priority 150"))
                : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", Config("priority 150")), "--control-socket=none"]));
            using var watcher = new FileSystemWatcher(lab.Directory, "reloading") { NotifyFilter = NotifyFilters.FileName };
            var events = new List<string>();
            watcher.Created += (_, _) => { lock (events) { events.Add("created"); } };
            watcher.Deleted += (_, _) => { lock (events) { events.Add("deleted"); } };
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(20)), daemon.Output);
                Assert.False(File.Exists(reloadFile), $"{who}: the stale reload file is still there");
                watcher.EnableRaisingEvents = true;

                // A priority out of range is an error for both; an unknown keyword beside it.
                File.WriteAllText(path, Config("priority 300\n    bogus_keyword 1"));
                daemon.Signal("HUP", waitForExit: false);
                Assert.True(daemon.WaitForOutput($"New config failed validation, see {log} for details", TimeSpan.FromSeconds(10)), daemon.Output);
                Thread.Sleep(300);
                string text = File.ReadAllText(log);
                TestContext.Current.TestOutputHelper?.WriteLine($"{who} check log:\n{text}");
                int[] lines = [.. System.Text.RegularExpressions.Regex.Matches(text, $@"^\({System.Text.RegularExpressions.Regex.Escape(path)}: Line (\d+)\) ", System.Text.RegularExpressions.RegexOptions.Multiline)
                    .Select(static m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Order()];
                seen[useKeepalived] = (lines, Convert.ToString((int)File.GetUnixFileMode(log), 8));
                Assert.Contains("192.0.2.181", host.Addresses(), StringComparison.Ordinal); // still master with the running file
                Assert.False(File.Exists(reloadFile), $"{who}: the reload file was not removed");
                lock (events)
                {
                    Assert.True(events.SequenceEqual(["created", "deleted"]), $"{who}: reload file events: {string.Join(", ", events)}");
                }

                // A good file: the log is emptied and the reload applies.
                File.WriteAllText(path, Config("priority 160"));
                daemon.Signal("HUP", waitForExit: false);
                Assert.True(daemon.WaitForOutput(useKeepalived ? "Reload complete" : "Reload finished", TimeSpan.FromSeconds(10)), daemon.Output);
                Assert.Equal(0, new FileInfo(log).Length);
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }
        }

        // The same lines named, and the log created with the same mode (rw-r--r-- less keepalived's default umask).
        Assert.Equal(seen[true].Lines, seen[false].Lines);
        Assert.Equal("600", seen[false].Mode);
        Assert.Equal(seen[true].Mode, seen[false].Mode);
    }

    [Fact]
    public void Data_use_instance_names_the_data_dump_after_the_instance_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string tmp = Path.Combine(lab.Directory, "tmp");
            Directory.CreateDirectory(tmp);
            string config = lab.WriteFile("k.conf", "instance lab1\nglobal_defs {\n    data_use_instance\n}\n" + Instance());
            string pid = Path.Combine(lab.Directory, "main.pid");
            string[] command = useKeepalived
                ? ["keepalived", "-n", "-l", "-D", "-G", "--vrrp", "-f", config, "-p", pid, "-r", Path.Combine(lab.Directory, "v.pid"), "-c", Path.Combine(lab.Directory, "c.pid")]
                : [VrrpdProcess.Path, "-f", config, "-p", pid, "--control-socket=none"];
            var daemon = lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, "env", $"TMPDIR={tmp}", .. command]));
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                Assert.True(WaitUntil(() => File.Exists(pid), TimeSpan.FromSeconds(5)), $"{who}: no pid file");
                LabProcess.Run("kill", ["-USR1", File.ReadAllText(pid).Trim()]);
                LabProcess.Run("kill", ["-USR2", File.ReadAllText(pid).Trim()]);
                Assert.True(WaitUntil(() => File.Exists(Path.Combine(tmp, "keepalived.lab1.data")) && File.Exists(Path.Combine(tmp, "keepalived.stats")), TimeSpan.FromSeconds(5)),
                    $"{who}: files in TMPDIR: {string.Join(", ", Directory.GetFiles(tmp).Select(Path.GetFileName))}");
                Assert.False(File.Exists(Path.Combine(tmp, "keepalived.data")), $"{who}: wrote keepalived.data too");
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }
        }
    }

    [Fact]
    public void Reload_times_are_read_as_keepalived_reads_them()
    {
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var utc = TimeZoneInfo.Utc;
        Assert.Equal(now.AddHours(1), Vrrpd.ReloadTimeMonitor.Parse("13:00:00", now, utc, out bool date, out _));
        Assert.False(date);
        Assert.Equal(now.AddDays(1).AddHours(-1), Vrrpd.ReloadTimeMonitor.Parse("11:00:00", now, utc, out _, out _)); // past today: tomorrow
        Assert.Equal(now.AddDays(1), Vrrpd.ReloadTimeMonitor.Parse("26-12-01 12:00:00", now, utc, out date, out _));
        Assert.True(date);
        Assert.Equal(now.AddMinutes(1), Vrrpd.ReloadTimeMonitor.Parse("2026-11-30 12:01:00Z", now, utc, out _, out _));
        Assert.Null(Vrrpd.ReloadTimeMonitor.Parse("2026-11-30 11:00:00", now, utc, out _, out bool past));
        Assert.True(past); // a date already past is ignored
        foreach (string bad in new[] { "1:00:00", "25:00:00", "2026-13-01 00:00:00", "tomorrow", "12:00:00 " })
        {
            Assert.Null(Vrrpd.ReloadTimeMonitor.Parse(bad, now, utc, out _, out past));
            Assert.False(past, bad);
        }
    }

    [Fact]
    public void A_reload_time_file_reloads_at_its_time_and_is_removed_unless_repeated()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string timeFile = Path.Combine(lab.Directory, "reload-at");
            string Config(string priority, string repeat = "") => $$"""
                global_defs {
                    reload_time_file {{timeFile}}
                    {{repeat}}
                }
                """ + Instance().Replace("priority 150", priority, StringComparison.Ordinal);
            string path = Path.Combine(lab.Directory, useKeepalived ? "keepalived-r1.conf" : "vrrpd.conf");
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, Config("priority 150"))
                : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", Config("priority 150")), "--control-socket=none"]));
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                File.WriteAllText(path, Config("priority 160", "reload_repeat"));

                // A date and time 3 to 4 s from now (whole seconds, local time, as keepalived reads it).
                var at = DateTimeOffset.Now.AddSeconds(4);
                at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond));
                File.WriteAllText(timeFile, at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "\n");
                Assert.True(daemon.WaitForOutput("Scheduling reload for " + at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), TimeSpan.FromSeconds(3)), daemon.Output);
                Assert.True(daemon.WaitForOutput(useKeepalived ? "Reload complete" : "Reload finished", TimeSpan.FromSeconds(8)), daemon.Output);
                double late = (DateTimeOffset.Now - at).TotalSeconds;
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}: reloaded {late:F2} s after the time");
                Assert.True(late is > -0.05 and < 2, $"{who}: reloaded {late:F2} s after the time:\n{daemon.Output}");
                Assert.False(File.Exists(timeFile), $"{who}: the time file was not removed:\n{daemon.Output}");
                Assert.True(daemon.WaitForOutput("(VI_1) Changing effective priority to 160", TimeSpan.FromSeconds(3)) || useKeepalived, daemon.Output);

                // reload_repeat (now in force) with a time of day: the file stays and the same time tomorrow is next.
                at = DateTimeOffset.Now.AddSeconds(4);
                at = at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond));
                File.WriteAllText(timeFile, at.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "\n");
                Assert.True(daemon.WaitForOutput("Scheduling reload for " + at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), TimeSpan.FromSeconds(3)), daemon.Output);
                string tomorrow = "Scheduling reload for " + at.AddDays(1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                Assert.True(daemon.WaitForOutput(tomorrow, TimeSpan.FromSeconds(8)), $"{who}: no '{tomorrow}':\n{daemon.Output}");
                Assert.True(File.Exists(timeFile), $"{who}: the repeated time file was removed:\n{daemon.Output}");
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }
        }
    }

    [Fact]
    public void Config_save_dir_gets_the_files_keepalived_saves_there()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var names = new Dictionary<bool, string[]>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string save = Path.Combine(lab.Directory, "save");
            string Config(string priority) => $$"""
                global_defs {
                    config_save_dir {{save}}
                }
                """ + Instance().Replace("priority 150", priority, StringComparison.Ordinal);
            string path = Path.Combine(lab.Directory, useKeepalived ? "keepalived-r1.conf" : "vrrpd.conf");
            var daemon = Start(lab, host, useKeepalived ? Config("priority 150") : "", useKeepalived, path, Config("priority 150"));
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                File.WriteAllText(path, Config("priority 160"));
                daemon.Signal("HUP", waitForExit: false);
                Assert.True(daemon.WaitForOutput(useKeepalived ? "Reload complete" : "Reload finished", TimeSpan.FromSeconds(10)), daemon.Output);
                Assert.True(WaitUntil(() => Directory.GetFiles(save).Any(static f => f.EndsWith(".post", StringComparison.Ordinal)), TimeSpan.FromSeconds(5)), $"{who}: no .post dump");
                Thread.Sleep(300);
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }

            var files = Directory.GetFiles(save).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine($"{who}: {string.Join(", ", files)}");
            names[useKeepalived] = [.. files.Select(static f => System.Text.RegularExpressions.Regex.Replace(f!, @"\.\d+\.", ".PID.", System.Text.RegularExpressions.RegexOptions.None)).Order(StringComparer.Ordinal)];
            Assert.Equal("600", Convert.ToString((int)File.GetUnixFileMode(save), 8)); // mkdir 0700 less keepalived's umask 0177
            string pre = File.ReadAllText(Directory.GetFiles(save, "*.pre").Single());
            string post = File.ReadAllText(Directory.GetFiles(save, "*.post").Single());
            Assert.Contains("   Priority = 150", pre, StringComparison.Ordinal);
            Assert.Contains("   Priority = 160", post, StringComparison.Ordinal);
        }

        Assert.Equal(["keepalived.conf.PID.0", "keepalived.conf.PID.1", "keepalived_vrrp.PID.1.post", "keepalived_vrrp.PID.1.pre"], names[true]);
        Assert.Equal(names[true], names[false]);
    }

    private static BackgroundProcess Start(NetworkLab lab, LabHost host, string keepalivedConfig, bool useKeepalived, string vrrpdPath, string vrrpdConfig)
    {
        if (useKeepalived)
        {
            return lab.StartKeepalived(host, keepalivedConfig);
        }

        File.WriteAllText(vrrpdPath, vrrpdConfig);
        return lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", vrrpdPath, "--control-socket=none"]));
    }
}
