using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's notify FIFO, script users and script security in vrrpd, with keepalived 2.2.7 as the oracle
/// (issue 14 item 6): the same configuration run by each, alone on a LAN in a namespace, must give the same lines in
/// the same order, run the same scripts as the same users, and refuse the same insecure script.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdNotifyFifoLabTests
{
    private static string FifoConfig(string fifo) => $$"""
        global_defs {
            vrrp_notify_fifo {{fifo}}
        }
        vrrp_sync_group G1 {
            group {
                VI_2
                VI_3
            }
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.151
            }
        }
        vrrp_instance VI_2 {
            state BACKUP
            interface eth0
            virtual_router_id 52
            priority 120
            advert_int 1
            virtual_ipaddress {
                192.0.2.152
            }
        }
        vrrp_instance VI_3 {
            state BACKUP
            interface eth0
            virtual_router_id 53
            priority 110
            advert_int 1
            virtual_ipaddress {
                192.0.2.153
            }
        }
        """;

    [Fact]
    public void The_vrrp_notify_fifo_gets_keepalived_s_lines_in_keepalived_s_order()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "mkfifo");
        string[] keepalived = Run(useKeepalived: true, FifoConfig);
        string[] vrrpd = Run(useKeepalived: false, FifoConfig);
        TestContext.Current.TestOutputHelper?.WriteLine("keepalived:\n" + string.Join('\n', keepalived) + "\nvrrpd:\n" + string.Join('\n', vrrpd));

        // The same lines, word for word.
        Assert.Equal(keepalived.Order(StringComparer.Ordinal), vrrpd.Order(StringComparer.Ordinal));
        Assert.Equal(12, vrrpd.Length);

        // The same order: the group's BACKUP before any instance's, each instance BACKUP, MASTER, STOP, a group after
        // its members, the STOP lines in configuration order after the group's MASTER, the group's STOP last. (Which of
        // two group members becomes master first depends on timers, in keepalived as in vrrpd.)
        foreach (string[] lines in new[] { keepalived, vrrpd })
        {
            Assert.Equal("GROUP \"G1\" BACKUP 0", lines[0]);
            Assert.Equal(["INSTANCE \"VI_1\" BACKUP 150", "INSTANCE \"VI_2\" BACKUP 120", "INSTANCE \"VI_3\" BACKUP 110"], lines[1..4]);
            Assert.Equal("GROUP \"G1\" MASTER 0", lines[7]);
            Assert.Equal(["INSTANCE \"VI_1\" STOP 150", "INSTANCE \"VI_2\" STOP 120", "INSTANCE \"VI_3\" STOP 110", "GROUP \"G1\" STOP 0"], lines[8..]);
        }
    }

    /// <summary>
    /// Runs keepalived or vrrpd alone on a LAN until <paramref name="masters"/> instances are master, does
    /// <paramref name="then"/> (given the daemon, the configuration file and the lab's folder), stops it, and returns what
    /// a reader of the FIFO got.
    /// </summary>
    /// <remarks>
    /// With <paramref name="reopening"/> the reader opens the FIFO again after each end of stream (keepalived closes and
    /// reopens its FIFOs at every reload), until the test tells it to stop.
    /// </remarks>
    private static string[] Run(bool useKeepalived, Func<string, string> config, int masters = 3, Action<BackgroundProcess, string, string>? then = null, Action<BackgroundProcess, string>? first = null, bool reopening = false)
    {
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        string fifo = Path.Combine(lab.Directory, "vrrp.fifo");
        string output = Path.Combine(lab.Directory, "read.txt");
        LabProcess.Run("mkfifo", [fifo]);
        string stop = Path.Combine(lab.Directory, "stop-reading");
        var reader = lab.Track(new BackgroundProcess("sh", ["-c", reopening ? $"while [ ! -e {stop} ]; do cat {fifo}; done > {output}" : $"exec cat {fifo} > {output}"]));
        string file = useKeepalived ? Path.Combine(lab.Directory, "keepalived-r1.conf") : lab.WriteFile("vrrpd.conf", config(fifo));
        first?.Invoke(null!, lab.Directory);
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, config(fifo))
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", file, "--control-socket=none"]));
        try
        {
            Assert.True(WaitForCount(daemon, "Entering MASTER STATE", masters, TimeSpan.FromSeconds(15)), daemon.Output);
            Thread.Sleep(500);
            then?.Invoke(daemon, file, lab.Directory);
        }
        finally
        {
            daemon.Signal("TERM");
        }

        if (reopening)
        {
            // The reader waits in open() for a writer: be one, with nothing to say, after asking it to stop.
            Thread.Sleep(300);
            File.WriteAllText(stop, "");
            Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Write).Dispose()).Wait(TimeSpan.FromSeconds(2));
        }

        // The daemon held the only writer: the reader sees the end of the stream once it is gone.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!reader.HasExited && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.True(reader.HasExited, "the FIFO's reader never saw its end");
        TestContext.Current.TestOutputHelper?.WriteLine($"{(useKeepalived ? "keepalived" : "vrrpd")}:\n{daemon.Output}");
        return File.ReadAllLines(output);
    }

    private static string PriorityConfig(string fifo) => $$"""
        global_defs {
            vrrp_notify_fifo {{fifo}}
            vrrp_notify_priority_changes
        }
        vrrp_track_file weight_file {
            file {{System.IO.Path.GetDirectoryName(fifo)}}/weight
            weight 2
        }
        vrrp_sync_group G1 {
            group {
                VI_2
            }
            notify_priority_changes false
            sync_group_tracking_weight
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.151
            }
            track_file {
                weight_file
            }
        }
        vrrp_instance VI_2 {
            state BACKUP
            interface eth0
            virtual_router_id 52
            priority 120
            advert_int 1
            virtual_ipaddress {
                192.0.2.152
            }
            track_file {
                weight_file
            }
        }
        """;

    [Fact]
    public void Priority_changes_are_written_as_keepalived_writes_them()
    {
        // notify_priority_changes (here global_defs' vrrp_notify_priority_changes, which VI_2's group turns off): each
        // change of the effective priority is a line, MASTER_PRIORITY or BACKUP_PRIORITY, when it happens.
        LabProcess.RequireRootAnd("ip", "keepalived", "mkfifo");
        string[] Once(bool useKeepalived) => Run(useKeepalived, PriorityConfig, masters: 2, first: static (_, folder) => File.WriteAllText(Path.Combine(folder, "weight"), "1\n"), then: static (daemon, _, folder) =>
        {
            int changes = daemon.Output.Split("effective priority").Length - 1;
            Replace(Path.Combine(folder, "weight"), "5\n");   // from 150 + 2: 150 + 10, 120 + 10
            Assert.True(WaitForCount(daemon, "effective priority", changes + 2, TimeSpan.FromSeconds(5)), daemon.Output);
            Replace(Path.Combine(folder, "weight"), "-20\n"); // 150 - 40, 120 - 40
            Assert.True(WaitForCount(daemon, "effective priority", changes + 4, TimeSpan.FromSeconds(5)), daemon.Output);
            Thread.Sleep(300);
        });
        string[] keepalived = Once(useKeepalived: true);
        string[] vrrpd = Once(useKeepalived: false);
        TestContext.Current.TestOutputHelper?.WriteLine("keepalived:\n" + string.Join('\n', keepalived) + "\nvrrpd:\n" + string.Join('\n', vrrpd));
        Assert.Equal(keepalived.Order(StringComparer.Ordinal), vrrpd.Order(StringComparer.Ordinal));
        foreach (string[] lines in new[] { keepalived, vrrpd })
        {
            // VI_1's lines in keepalived's order (VI_2's and its group's interleave with them by timers).
            Assert.Equal(
                keepalived.Where(static l => l.StartsWith("INSTANCE \"VI_1\"", StringComparison.Ordinal)),
                lines.Where(static l => l.StartsWith("INSTANCE \"VI_1\"", StringComparison.Ordinal)));
        }

        Assert.DoesNotContain(vrrpd, l => l.StartsWith("INSTANCE \"VI_2\" MASTER_PRIORITY", StringComparison.Ordinal));
    }

    // A new file renamed over the old one: a reader never sees it empty (keepalived's inotify would report the truncation).
    private static void Replace(string path, string text)
    {
        File.WriteAllText(path + ".new", text);
        File.Move(path + ".new", path, overwrite: true);
    }

    private static string ReloadConfig(string fifo, bool all) => $$"""
        global_defs {
            vrrp_notify_fifo {{fifo}}
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.151
            }
        }
        """ + (all ? $$"""

        vrrp_instance VI_2 {
            state BACKUP
            interface eth0
            virtual_router_id 52
            priority 120
            advert_int 1
            virtual_ipaddress {
                192.0.2.152
            }
        }
        vrrp_instance VI_3 {
            state BACKUP
            interface eth0
            virtual_router_id 53
            priority 110
            advert_int 1
            virtual_ipaddress {
                192.0.2.153
            }
            notify_deleted
        }
        """ : "");

    [Fact]
    public void An_instance_a_reload_removes_is_reported_FAULT_or_DELETED_as_keepalived_reports_it()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "mkfifo");
        string[] Once(bool useKeepalived) => Run(useKeepalived, fifo => ReloadConfig(fifo, all: true), reopening: true, then: (daemon, file, _) =>
        {
            string fifo = Path.Combine(Path.GetDirectoryName(file)!, "vrrp.fifo");
            File.WriteAllText(file, ReloadConfig(fifo, all: false));
            daemon.Signal("HUP", waitForExit: false);
            Thread.Sleep(2500);
        });
        string[] keepalived = Once(useKeepalived: true);
        string[] vrrpd = Once(useKeepalived: false);
        TestContext.Current.TestOutputHelper?.WriteLine("keepalived:\n" + string.Join('\n', keepalived) + "\nvrrpd:\n" + string.Join('\n', vrrpd));
        Assert.Equal(keepalived.Order(StringComparer.Ordinal), vrrpd.Order(StringComparer.Ordinal));
        Assert.Contains("INSTANCE \"VI_2\" FAULT 120", vrrpd);
        Assert.Contains("INSTANCE \"VI_3\" DELETED 110", vrrpd);
        Assert.DoesNotContain("INSTANCE \"VI_2\" STOP 120", vrrpd);
        Assert.Equal("INSTANCE \"VI_1\" STOP 150", vrrpd[^1]);
    }

    [Fact]
    public async Task Notify_scripts_run_as_the_user_given_and_script_security_refuses_an_insecure_one_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        foreach (bool useKeepalived in new[] { true, false })
        {
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string answers = Path.Combine(lab.Directory, "answers");
            Directory.CreateDirectory(answers);
            File.SetUnixFileMode(answers, (UnixFileMode)0x1FF); // 0777: nobody writes here
            File.WriteAllText(Path.Combine(answers, "who"), "");
            File.SetUnixFileMode(Path.Combine(answers, "who"), (UnixFileMode)0x1B6); // 0666: root and nobody append to it
            string who = lab.WriteFile("who.sh", $"#!/bin/sh\necho \"$(id -u) $(id -g) $*\" >> {answers}/who\n");
            File.SetUnixFileMode(who, (UnixFileMode)0x1ED);
            string open = Path.Combine(lab.Directory, "open");
            Directory.CreateDirectory(open);
            string insecure = lab.WriteFile("open/backup.sh", $"#!/bin/sh\ntouch {answers}/insecure-ran\n");
            File.SetUnixFileMode(insecure, (UnixFileMode)0x1ED);
            File.SetUnixFileMode(open, (UnixFileMode)0x1FF); // anyone could replace backup.sh
            string config = $$"""
                global_defs {
                    enable_script_security
                    script_user root
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 61
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.161
                    }
                    notify_master "{{who}} master" nobody
                    notify_stop "{{who}} stop" nobody
                }
                vrrp_instance VI_2 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 62
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.162
                    }
                    notify_backup {{insecure}}
                    notify_master "{{who}} master-as-root"
                }
                """;
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, config)
                : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));
            string name = useKeepalived ? "keepalived" : "vrrpd";
            try
            {
                Assert.True(WaitForCount(daemon, "Entering MASTER STATE", 2, TimeSpan.FromSeconds(10)), daemon.Output);
                Assert.True(await WaitForFileAsync(Path.Combine(answers, "who"), "65534 65534 master"), $"{name}: notify_master never ran\n{daemon.Output}");
                Assert.True(await WaitForFileAsync(Path.Combine(answers, "who"), "master-as-root"), $"{name}: VI_2's notify_master never ran\n{daemon.Output}");
            }
            finally
            {
                daemon.Signal("TERM");
            }

            await WaitForFileAsync(Path.Combine(answers, "who"), "stop");
            string[] lines = File.ReadAllLines(Path.Combine(answers, "who")).Where(static l => l.Length > 0).ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine($"{name}:\n{daemon.Output}\nwho: {string.Join(" | ", lines)}");

            // VI_1's notify commands ran as nobody (65534:65534, its own group), VI_2's as script_user root.
            Assert.Equal(["0 0 master-as-root", "65534 65534 master", "65534 65534 stop"], lines.Order(StringComparer.Ordinal));
            // The insecure notify_backup was refused at start, with the reason, and never ran (the instance started BACKUP).
            Assert.False(File.Exists(Path.Combine(answers, "insecure-ran")), $"{name} ran the insecure script");
            Assert.Contains($"Unsafe permissions found for script '{insecure}' - disabling", daemon.Output, StringComparison.Ordinal);
            if (!useKeepalived)
            {
                Assert.Contains($"(VI_2) notify_backup: Unsafe permissions found for script '{insecure}' - disabling: {open} is writable by everyone (mode 0777).", daemon.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("SECURITY VIOLATION", daemon.Output, StringComparison.Ordinal);
            }
        }
    }

    private static string StatesOnReloadConfig(string fifo) => $$"""
        global_defs {
            vrrp_notify_fifo {{fifo}}
            fifo_write_vrrp_states_on_reload
        }
        vrrp_track_file down {
            file {{System.IO.Path.GetDirectoryName(fifo)}}/down
            weight 0
        }
        vrrp_sync_group G1 {
            group {
                VI_1
            }
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.151
            }
        }
        vrrp_instance VI_2 {
            state BACKUP
            interface eth0
            virtual_router_id 52
            priority 120
            advert_int 1
            virtual_ipaddress {
                192.0.2.152
            }
            track_file {
                down
            }
        }
        """;

    [Fact]
    public void Fifo_write_vrrp_states_on_reload_writes_the_states_a_reload_keeps_as_keepalived_does()
    {
        // VI_1 master (it stays master: no line), VI_2 in Fault by its track file (its FAULT again), G1's MASTER.
        LabProcess.RequireRootAnd("ip", "keepalived", "mkfifo");
        string[] Once(bool useKeepalived) => Run(
            useKeepalived,
            StatesOnReloadConfig,
            masters: 1,
            reopening: true,
            first: static (_, folder) => File.WriteAllText(Path.Combine(folder, "down"), "1\n"),
            then: static (daemon, _, _) =>
            {
                daemon.Signal("HUP", waitForExit: false);
                Thread.Sleep(2000);
            });
        string[] keepalived = Once(useKeepalived: true);
        string[] vrrpd = Once(useKeepalived: false);
        TestContext.Current.TestOutputHelper?.WriteLine("keepalived:\n" + string.Join('\n', keepalived) + "\nvrrpd:\n" + string.Join('\n', vrrpd));
        Assert.Equal(keepalived.Order(StringComparer.Ordinal), vrrpd.Order(StringComparer.Ordinal));
        Assert.Equal(2, vrrpd.Count(static l => l == "INSTANCE \"VI_2\" FAULT 120"));

        // From the takeover on, line for line: the group's MASTER, the reload's group state and VI_2's FAULT (VI_1 stays
        // master: no line), every instance's STOP, the group's STOP. (At start keepalived reports VI_2's Fault from its
        // tracker before its init; vrrpd's instances start in configuration order.)
        string[] Tail(string[] lines) => lines[Array.IndexOf(lines, "INSTANCE \"VI_1\" MASTER 150")..];
        Assert.Equal(
            ["INSTANCE \"VI_1\" MASTER 150", "GROUP \"G1\" MASTER 0", "GROUP \"G1\" MASTER 0", "INSTANCE \"VI_2\" FAULT 120",
             "INSTANCE \"VI_1\" STOP 150", "INSTANCE \"VI_2\" STOP 120", "GROUP \"G1\" STOP 0"],
            Tail(keepalived));
        Assert.Equal(Tail(keepalived), Tail(vrrpd));
    }

    [Fact]
    public async Task Scripts_with_a_group_other_than_the_user_s_own_run_with_that_group_as_keepalived_runs_them()
    {
        // notify_* COMMAND USER GROUP and a vrrp_script's user USER GROUP: keepalived sets the group, makes it the only
        // supplementary group, then the user. vrrpd does the same by launching the script through itself
        // (VrrpScriptLauncher). Both must give the script the same ids.
        LabProcess.RequireRootAnd("ip", "keepalived", "id");
        var seen = new Dictionary<bool, string[]>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string answers = Path.Combine(lab.Directory, "answers");
            Directory.CreateDirectory(answers);
            File.SetUnixFileMode(answers, (UnixFileMode)0x1FF);
            File.WriteAllText(Path.Combine(answers, "who"), "");
            File.SetUnixFileMode(Path.Combine(answers, "who"), (UnixFileMode)0x1B6);
            string who = lab.WriteFile("who.sh", $"#!/bin/sh\necho \"$(id -u) $(id -g) $(id -G) $*\" >> {answers}/who\n");
            File.SetUnixFileMode(who, (UnixFileMode)0x1ED);
            string config = $$"""
                vrrp_script chk {
                    script "{{who}} check"
                    interval 1
                    user nobody root
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 71
                    priority 150
                    advert_int 1
                    virtual_ipaddress {
                        192.0.2.171
                    }
                    track_script {
                        chk
                    }
                    notify_master "{{who}} master" nobody root
                    notify_stop "{{who}} stop" nobody root
                }
                """;
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, config)
                : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));
            string name = useKeepalived ? "keepalived" : "vrrpd";
            try
            {
                Assert.True(WaitForCount(daemon, "Entering MASTER STATE", 1, TimeSpan.FromSeconds(10)), daemon.Output);
                Assert.True(await WaitForFileAsync(Path.Combine(answers, "who"), " master"), $"{name}: notify_master never ran\n{daemon.Output}");
            }
            finally
            {
                daemon.Signal("TERM");
            }

            await WaitForFileAsync(Path.Combine(answers, "who"), " stop");
            seen[useKeepalived] = File.ReadAllLines(Path.Combine(answers, "who")).Where(static l => l.Length > 0).Distinct().Order(StringComparer.Ordinal).ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine($"{name}:\n{daemon.Output}\nwho: {string.Join(" | ", seen[useKeepalived])}");
        }

        // nobody (65534) with group root (0) as its group and only supplementary group, for the check script and both notifies.
        Assert.Equal(["65534 0 0 check", "65534 0 0 master", "65534 0 0 stop"], seen[true]);
        Assert.Equal(seen[true], seen[false]);
    }

    private static async Task<bool> WaitForFileAsync(string path, string text)
    {
        for (int i = 0; i < 250; i++)
        {
            if (File.Exists(path) && (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }

    private static bool WaitForCount(BackgroundProcess process, string text, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.Output.Split(text).Length - 1 >= count)
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return false;
    }
}
