using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived.conf keywords that act on the host (issue 12): <c>promote_secondaries</c> and a track file's
/// <c>init_file</c>, with keepalived 2.2.7 as the oracle: the same configuration, run by each in a namespace of its own,
/// must leave the same marks on the kernel and the files.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdInterfaceKeywordLabTests
{
    /// <summary>Runs keepalived or vrrpd with <paramref name="config"/> until <paramref name="text"/> is logged, calls <paramref name="running"/>, stops it, and calls <paramref name="stopped"/>.</summary>
    private static void Run(bool useKeepalived, Func<string, string> config, string text, Action<LabHost, string> before, Action<LabHost, string, BackgroundProcess> running, Action<LabHost, string> stopped)
    {
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        before(host, lab.Directory);
        string file = config(lab.Directory);
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, file)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", file), "--control-socket=none"]));
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (!daemon.Output.Contains(text, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }

            Assert.True(daemon.Output.Contains(text, StringComparison.Ordinal), daemon.Output);
            running(host, lab.Directory, daemon);
        }
        finally
        {
            daemon.Signal("TERM");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{(useKeepalived ? "keepalived" : "vrrpd")}:\n{daemon.Output}");
        stopped(host, lab.Directory);
    }

    private static string Sysctl(LabHost host, string name) =>
        LabProcess.Run("ip", ["netns", "exec", host.Namespace, "cat", $"/proc/sys/net/ipv4/conf/{name}/promote_secondaries"]).Trim();

    [Fact]
    public void Promote_secondaries_is_set_while_running_and_restored_at_stop_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var seen = new Dictionary<bool, string>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            string before = "", during = "", after = "";
            Run(
                useKeepalived,
                static _ => """
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        virtual_router_id 81
                        priority 150
                        advert_int 1
                        promote_secondaries
                        virtual_ipaddress {
                            192.0.2.181/24
                        }
                    }
                    """,
                "Entering BACKUP STATE",
                (host, _) =>
                {
                    LabProcess.Run("ip", ["netns", "exec", host.Namespace, "sysctl", "-q", "-w", "net.ipv4.conf.eth0.promote_secondaries=0"]);
                    before = Sysctl(host, "eth0");
                },
                (host, _, _) => during = Sysctl(host, "eth0"),
                (host, _) => after = Sysctl(host, "eth0"));
            seen[useKeepalived] = $"{before} {during} {after}";
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"keepalived {seen[true]}, vrrpd {seen[false]} (before, running, after)");
        Assert.Equal("0 1", seen[true][..3]);
        Assert.Equal(seen[true], seen[false]);
    }

    [Fact]
    public void Init_file_creates_and_overwrites_track_files_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var seen = new Dictionary<bool, string>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            string files = "";
            Run(
                useKeepalived,
                static folder => $$"""
                    vrrp_track_file missing {
                        file {{folder}}/missing
                        init_file 7
                    }
                    vrrp_track_file overwritten {
                        file {{folder}}/overwritten
                        init_file overwrite -2
                    }
                    vrrp_track_file kept {
                        file {{folder}}/kept
                        init_file 5
                    }
                    vrrp_track_file zero {
                        file {{folder}}/zero
                        init_file
                    }
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        virtual_router_id 82
                        priority 100
                        advert_int 1
                        virtual_ipaddress {
                            192.0.2.182/24
                        }
                        track_file {
                            missing
                            overwritten
                            kept
                            zero
                        }
                    }
                    """,
                "Entering MASTER STATE",
                static (_, folder) =>
                {
                    File.WriteAllText(Path.Combine(folder, "overwritten"), "3\n");
                    File.WriteAllText(Path.Combine(folder, "kept"), "3\n");
                },
                (_, folder, _) => files = string.Join(" | ", new[] { "missing", "overwritten", "kept", "zero" }.Select(f => $"{f}={File.ReadAllText(Path.Combine(folder, f)).Replace("\n", "\\n", StringComparison.Ordinal)}")),
                static (_, _) => { });
            seen[useKeepalived] = files;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"keepalived {seen[true]}\nvrrpd {seen[false]}");
        Assert.Equal("missing=7\\n | overwritten=-2\\n | kept=3\\n | zero=0\\n", seen[true]);
        Assert.Equal(seen[true], seen[false]);
    }

    [Fact]
    public void Interface_up_down_delays_hold_a_short_flap_back_and_act_after_the_delay_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var seen = new Dictionary<bool, (bool FaultOnFlap, double FaultAfter)>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            (bool, double) result = default;
            Run(
                useKeepalived,
                static _ => """
                    interface_up_down_delays {
                        eth0 3 0
                    }
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        virtual_router_id 83
                        priority 150
                        advert_int 2
                        virtual_ipaddress {
                            192.0.2.183/24
                        }
                    }
                    """,
                "Entering MASTER STATE",
                static (_, _) => { },
                (host, _, daemon) =>
                {
                    // Down for 0.3 s: well within the delay (3 s, below 2 x advert_int), nothing happens.
                    LabProcess.Ip("-n", host.Namespace, "link", "set", "eth0", "down");
                    Thread.Sleep(300);
                    LabProcess.Ip("-n", host.Namespace, "link", "set", "eth0", "up");
                    Thread.Sleep(4000); // past the 3 s a missed cancellation would take
                    bool faultOnFlap = daemon.Output.Contains("FAULT", StringComparison.Ordinal);

                    // Down for good: Fault once the delay has passed.
                    var down = System.Diagnostics.Stopwatch.StartNew();
                    LabProcess.Ip("-n", host.Namespace, "link", "set", "eth0", "down");
                    while (!daemon.Output.Contains("Entering FAULT STATE", StringComparison.Ordinal) && down.Elapsed < TimeSpan.FromSeconds(8))
                    {
                        Thread.Sleep(10);
                    }

                    result = (faultOnFlap, down.Elapsed.TotalSeconds);
                },
                static (_, _) => { });
            seen[useKeepalived] = result;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"keepalived {seen[true]}, vrrpd {seen[false]} (Fault on a 0.3 s flap, seconds from down to Fault)");
        foreach (var (useKeepalived, (faultOnFlap, faultAfter)) in seen)
        {
            string name = useKeepalived ? "keepalived" : "vrrpd";
            Assert.False(faultOnFlap, $"{name} went to Fault on a 0.3 s flap");
            Assert.True(faultAfter is >= 2.9 and <= 4.5, $"{name} went to Fault {faultAfter:0.000} s after the link went down (delay 3 s)");
        }
    }
}
