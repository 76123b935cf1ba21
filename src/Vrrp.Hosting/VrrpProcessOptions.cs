namespace Vrrp.Hosting;

/// <summary>
/// Scheduling and memory settings of the process that runs the virtual routers (keepalived's <c>vrrp_priority</c>,
/// <c>vrrp_rt_priority</c>, <c>vrrp_rlimit_rttime</c>, <c>vrrp_cpu_affinity</c>, <c>vrrp_no_swap</c> and <c>vrrp_process_name</c>, which
/// keepalived 2.2.7 applies to its VRRP child process). They are process-wide, so <c>AddVrrp</c> does not apply them
/// to the host that embeds it: the daemon (vrrpd) applies them after it starts, as keepalived does; a host of its own
/// applies whatever it wants itself.
/// </summary>
public sealed class VrrpProcessOptions
{
    /// <summary>keepalived's default of <see cref="RealtimeTimeLimitMicroseconds"/> (RT_RLIMIT_DEFAULT).</summary>
    public const int DefaultRealtimeTimeLimitMicroseconds = 10000;

    /// <summary>
    /// The nice value of the process (<c>vrrp_priority</c>, -20 to 19; 0 leaves it as started). As keepalived, it is
    /// applied only when <see cref="RealtimePriority"/> is not set.
    /// </summary>
    public int Priority { get; set; }

    /// <summary>
    /// The SCHED_RR priority (<c>vrrp_rt_priority</c>, 1 to 99; 0 leaves the normal scheduler) of the thread that
    /// receives adverts and runs the timers (the Linux driver's loop thread), set with SCHED_RESET_ON_FORK as keepalived
    /// sets it, so scripts do not inherit it.
    /// </summary>
    public int RealtimePriority { get; set; }

    /// <summary>
    /// The RLIMIT_RTTIME hard limit in microseconds of CPU time a real-time thread may use without blocking
    /// (<c>vrrp_rlimit_rttime</c>, 2 or more: keepalived reads 1 as 2); the soft limit is half of it. Set only with
    /// <see cref="RealtimePriority"/>, as keepalived, whose default is 10000.
    /// </summary>
    public int RealtimeTimeLimitMicroseconds { get; set; } = DefaultRealtimeTimeLimitMicroseconds;

    /// <summary>The CPUs the process may run on (<c>vrrp_cpu_affinity</c>, CPU numbers from 0); empty leaves it as started.</summary>
    public List<int> CpuAffinity { get; set; } = [];

    /// <summary>
    /// The name of the process, its comm as <c>ps</c> and <c>/proc/PID/comm</c> show it (<c>vrrp_process_name</c>, at
    /// most 15 bytes; <c>process_names</c> is <c>keepalived_vrrp</c>); null leaves the program's name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>keepalived's default of <see cref="MinAutoPriorityDelayMicroseconds"/>: 1 s.</summary>
    public const int DefaultMinAutoPriorityDelayMicroseconds = 1_000_000;

    /// <summary>
    /// The highest SCHED_RR priority the VRRP loop raises itself to when it runs late (<c>max_auto_priority [PRIO]</c>,
    /// 1 to 99; alone 99; 0, or -1 as keepalived writes it, never). When the loop wakes up more than
    /// <see cref="MinAutoPriorityDelayMicroseconds"/> after its timer was due, it logs keepalived's line and raises its
    /// thread to SCHED_RR 1 (with SCHED_RESET_ON_FORK), or one more when real-time already. Unlike the other settings
    /// here, <c>UseLinux</c> applies it: it concerns the Linux driver's loop thread only. vrrpd also sets the real-time
    /// time limit (<see cref="RealtimeTimeLimitMicroseconds"/>) with it, as keepalived does.
    /// </summary>
    public int MaxAutoPriority { get; set; }

    /// <summary>How late a wake-up must be, in microseconds, to raise the priority (<c>min_auto_priority_delay</c>, 1 to 10000000, default 1000000).</summary>
    public int MinAutoPriorityDelayMicroseconds { get; set; } = DefaultMinAutoPriorityDelayMicroseconds;

    /// <summary>Whether the process locks its memory (<c>vrrp_no_swap</c>: mlockall of current and future pages, on fault, as keepalived).</summary>
    public bool LockMemory { get; set; }
}
