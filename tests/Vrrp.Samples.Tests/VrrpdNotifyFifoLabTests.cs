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

    /// <summary>Runs keepalived or vrrpd alone on a LAN until its three instances are master, stops it, and returns what a reader of the FIFO got.</summary>
    private static string[] Run(bool useKeepalived, Func<string, string> config)
    {
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        string fifo = Path.Combine(lab.Directory, "vrrp.fifo");
        string output = Path.Combine(lab.Directory, "read.txt");
        LabProcess.Run("mkfifo", [fifo]);
        var reader = lab.Track(new BackgroundProcess("sh", ["-c", $"exec cat {fifo} > {output}"]));
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, config(fifo))
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config(fifo)), "--control-socket=none"]));
        try
        {
            Assert.True(WaitForCount(daemon, "Entering MASTER STATE", 3, TimeSpan.FromSeconds(15)), daemon.Output);
            Thread.Sleep(500);
        }
        finally
        {
            daemon.Signal("TERM");
        }

        // The daemon held the only writer: the reader sees the end of the stream once it is gone.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!reader.HasExited && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.True(reader.HasExited, "the FIFO's reader never saw its end");
        return File.ReadAllLines(output);
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
