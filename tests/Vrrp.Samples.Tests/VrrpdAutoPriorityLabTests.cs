using System.Globalization;
using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's <c>max_auto_priority</c> and <c>min_auto_priority_delay</c>: a VRRP process that wakes up later than the
/// delay after its timer was due raises itself to SCHED_RR, one priority step per late wake-up, up to the maximum. The
/// delay is injected by stopping the process (SIGSTOP) for longer than it; keepalived 2.2.7's VRRP child is the oracle,
/// vrrpd's loop thread (vrrp-loop) must follow the same steps, as /proc/PID/task/TID/stat shows them.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdAutoPriorityLabTests
{
    private const string Config = """
        global_defs {
            max_auto_priority 2
            min_auto_priority_delay 200000
        }
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            virtual_router_id 79
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.179
            }
        }
        """;

    [Fact]
    public void A_late_wake_up_raises_the_vrrp_thread_to_sched_rr_step_by_step_up_to_the_maximum_as_under_keepalived()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, Config)
                : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", Config), "--control-socket=none"]));
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                int pid = useKeepalived
                    ? int.Parse(File.ReadAllText(Path.Combine(lab.Directory, "keepalived-r1.vrrp.pid")).Trim(), CultureInfo.InvariantCulture)
                    : daemon.Id;
                int tid = useKeepalived ? pid : LoopThread(pid);
                Assert.Equal((0, 0), Scheduling(pid, tid)); // SCHED_OTHER until it is late

                // Three stalls of 1.5 s (the adverts' timer, due every second, is late by 0.5 s or more each time):
                // SCHED_RR 1, then 2, then still 2 (the maximum).
                var seen = new List<(int Policy, int Priority)>();
                for (int stall = 1; stall <= 3; stall++)
                {
                    LabProcess.Run("kill", ["-STOP", pid.ToString(CultureInfo.InvariantCulture)]);
                    Thread.Sleep(1500);
                    LabProcess.Run("kill", ["-CONT", pid.ToString(CultureInfo.InvariantCulture)]);
                    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
                    int expected = Math.Min(stall, 2);
                    while (Scheduling(pid, tid) != (2, expected) && DateTime.UtcNow < deadline)
                    {
                        Thread.Sleep(50);
                    }

                    seen.Add(Scheduling(pid, tid));
                    Thread.Sleep(300); // past the wake-up, before the next stall
                }

                TestContext.Current.TestOutputHelper?.WriteLine($"{who}: {string.Join(", ", seen)}");
                Assert.Equal([(2, 1), (2, 2), (2, 2)], seen);
                Assert.Contains("A thread timer expired", daemon.Output, StringComparison.Ordinal);
                Assert.Contains("Set realtime priority 2", daemon.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("Set realtime priority 3", daemon.Output, StringComparison.Ordinal);
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }
        }
    }

    /// <summary>The thread of vrrpd's Linux driver loop (comm vrrp-loop).</summary>
    private static int LoopThread(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task")
            .Select(static d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))
            .Single(t => File.ReadAllText($"/proc/{pid}/task/{t}/comm").Trim() == "vrrp-loop");

    /// <summary>The thread's policy (0 SCHED_OTHER, 2 SCHED_RR) and real-time priority from /proc/PID/task/TID/stat.</summary>
    private static (int Policy, int Priority) Scheduling(int pid, int tid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // f[0] is field 3; rt_priority is 40, policy 41
        return (int.Parse(f[38], CultureInfo.InvariantCulture), int.Parse(f[37], CultureInfo.InvariantCulture));
    }
}
