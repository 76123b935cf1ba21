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
}
