using System.Globalization;
using System.Text.RegularExpressions;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's process settings of global_defs (vrrp_priority, vrrp_rt_priority, vrrp_rlimit_rttime,
/// vrrp_cpu_affinity, vrrp_no_swap, vrrp_process_name, process_names) as the kernel shows them: the same configuration runs under keepalived 2.2.7 (its
/// VRRP child process is the oracle) and under vrrpd, and /proc/PID/task/*/stat, /proc/PID/status and
/// /proc/PID/limits must show the same scheduling, locked memory, CPUs and real-time limit. keepalived's VRRP process
/// is one thread; vrrpd's real-time thread is the driver's loop thread (vrrp-loop).
/// </summary>
public class VrrpdProcessSettingsLabTests
{
    private static string Config(string settings) => $$"""
        global_defs {
        {{settings}}
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
        }
        """;

    private static int LastCpu => Environment.ProcessorCount - 1;

    [Fact]
    public void Real_time_priority_rttime_limit_no_swap_and_cpu_affinity_apply_as_under_keepalived()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        string config = Config($"""
                vrrp_priority -5
                vrrp_rt_priority 50
                vrrp_rlimit_rttime 20000
                vrrp_no_swap
                vrrp_cpu_affinity {LastCpu}
                vrrp_process_name kv-vrrp
            """);
        foreach (bool keepalived in new[] { true, false })
        {
            var seen = Observe(config, keepalived, "Process name"); // the last of them
            string who = keepalived ? "keepalived" : "vrrpd";
            TestContext.Current.TestOutputHelper?.WriteLine($"{who}: {seen}");

            // SCHED_RR (2) at 50 on the thread that runs VRRP (keepalived's only one; vrrpd's loop), and as keepalived
            // the nice value is not applied with a real-time priority.
            var vrrp = seen.Threads.Single(t => keepalived || t.Name == "vrrp-loop");
            Assert.True(vrrp is { Policy: 2, RealtimePriority: 50, Nice: 0 }, $"{who}: {seen}");
            Assert.True(seen.Threads.Where(t => t != vrrp).All(static t => t is { Policy: 0, Nice: 0 }), $"{who}: {seen}");
            Assert.True(seen.LockedKb > 0, $"{who}: VmLck {seen.LockedKb} kB");
            Assert.Equal(LastCpu.ToString(CultureInfo.InvariantCulture), seen.Cpus);
            Assert.Equal("10000 20000", seen.RealtimeTimeout); // soft half the hard limit, as keepalived
            Assert.Equal("kv-vrrp", seen.Name);
        }
    }

    [Fact]
    public void A_nice_value_without_real_time_priority_applies_to_every_thread_as_under_keepalived()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        string config = Config("    vrrp_priority -7\n    process_names");
        foreach (bool keepalived in new[] { true, false })
        {
            var seen = Observe(config, keepalived, "Process name"); // the last of them
            string who = keepalived ? "keepalived" : "vrrpd";
            TestContext.Current.TestOutputHelper?.WriteLine($"{who}: {seen}");
            Assert.True(seen.Threads.All(static t => t is { Policy: 0, Nice: -7 }), $"{who}: {seen}");
            Assert.True(seen.LockedKb == 0, $"{who}: VmLck {seen.LockedKb} kB");
            Assert.Equal("unlimited unlimited", seen.RealtimeTimeout);
            Assert.Equal("keepalived_vrrp", seen.Name);
        }
    }

    [Fact]
    public void Process_name_names_vrrpd_as_keepalived_s_vrrp_process_inherits_it_and_vrrp_process_name_wins()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        foreach (var (settings, expected) in new[] { ("    process_name kmain", "kmain"), ("    process_name kmain\n    vrrp_process_name kvrrp", "kvrrp") })
        {
            foreach (bool keepalived in new[] { true, false })
            {
                var seen = Observe(Config(settings), keepalived, "Process name");
                Assert.True(seen.Name == expected, $"{(keepalived ? "keepalived's VRRP process" : "vrrpd")}: {seen.Name}, expected {expected}");
            }
        }
    }

    private sealed record ThreadSeen(int Tid, string Name, int Nice, int RealtimePriority, int Policy);

    private sealed record ProcessSeen(string Name, List<ThreadSeen> Threads, long LockedKb, string Cpus, string RealtimeTimeout)
    {
        public override string ToString() =>
            $"{Name}: threads [{string.Join(", ", Threads.Select(static t => $"{t.Name}: nice {t.Nice} rt {t.RealtimePriority} policy {t.Policy}"))}], VmLck {LockedKb} kB, CPUs {Cpus}, RTTIME {RealtimeTimeout}";
    }

    /// <summary>Starts keepalived (then reads its VRRP child) or vrrpd with <paramref name="config"/> and reads what the kernel shows of the process.</summary>
    private static ProcessSeen Observe(string config, bool useKeepalived, string vrrpdApplied)
    {
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, config)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));
        try
        {
            Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
            int pid = daemon.Id;
            if (useKeepalived)
            {
                // keepalived's VRRP child: the process whose parent is keepalived; its settings are applied after it dumps the configuration.
                pid = WaitForChild(daemon.Id);
                Thread.Sleep(500);
            }
            else
            {
                Assert.True(daemon.WaitForOutput(vrrpdApplied, TimeSpan.FromSeconds(5)), daemon.Output);
            }

            return Read(pid);
        }
        finally
        {
            daemon.Signal("TERM");
            TestContext.Current.TestOutputHelper?.WriteLine((useKeepalived ? "keepalived:\n" : "vrrpd:\n") + daemon.Output);
        }
    }

    private static int WaitForChild(int parent)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < until)
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out int pid))
                {
                    try
                    {
                        if (Fields(File.ReadAllText($"{dir}/stat"))[1] == parent.ToString(CultureInfo.InvariantCulture) &&
                            File.ReadAllText($"{dir}/cmdline").Contains("keepalived", StringComparison.Ordinal))
                        {
                            return pid;
                        }
                    }
                    catch (IOException)
                    {
                        // ended meanwhile
                    }
                }
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"keepalived {parent} has no VRRP child");
    }

    private static ProcessSeen Read(int pid)
    {
        var threads = new List<ThreadSeen>();
        foreach (string dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                string[] f = Fields(File.ReadAllText($"{dir}/stat"));
                // Fields after the name: f[0] is stat's field 3; nice is 19, rt_priority 40, policy 41.
                threads.Add(new ThreadSeen(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture), File.ReadAllText($"{dir}/comm").Trim(),
                    int.Parse(f[16], CultureInfo.InvariantCulture), int.Parse(f[37], CultureInfo.InvariantCulture), int.Parse(f[38], CultureInfo.InvariantCulture)));
            }
            catch (IOException)
            {
                // a thread that ended meanwhile
            }
        }

        string status = File.ReadAllText($"/proc/{pid}/status");
        long locked = long.Parse(Regex.Match(status, @"VmLck:\s+(\d+) kB").Groups[1].Value, CultureInfo.InvariantCulture);
        string cpus = Regex.Match(status, @"Cpus_allowed_list:\s+(\S+)").Groups[1].Value;
        var limit = Regex.Match(File.ReadAllText($"/proc/{pid}/limits"), @"Max realtime timeout\s+(\S+)\s+(\S+)");
        return new ProcessSeen(File.ReadAllText($"/proc/{pid}/comm").Trim(), threads, locked, cpus, $"{limit.Groups[1].Value} {limit.Groups[2].Value}");
    }

    /// <summary>The fields of a stat line after the command name (which may hold spaces): [0] is the state.</summary>
    private static string[] Fields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
}
