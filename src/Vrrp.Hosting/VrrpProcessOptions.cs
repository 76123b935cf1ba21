namespace Vrrp.Hosting;

/// <summary>
/// Scheduling, memory and file-mode settings of the process that runs the virtual routers (keepalived's <c>vrrp_priority</c>,
/// <c>vrrp_rt_priority</c>, <c>vrrp_rlimit_rttime</c>, <c>vrrp_cpu_affinity</c>, <c>vrrp_no_swap</c>, <c>vrrp_process_name</c> and <c>umask</c>, which
/// keepalived 2.2.7 applies to its VRRP child process). They are process-wide, so <c>AddVrrp</c> does not apply them
/// to the host that embeds it: the daemon (vrrpd) applies them after it starts, as keepalived does; a host of its own
/// applies whatever it wants itself.
/// </summary>
public sealed class VrrpProcessOptions
{
    /// <summary>keepalived's default of <see cref="RealtimeTimeLimitMicroseconds"/> (RT_RLIMIT_DEFAULT).</summary>
    public const int DefaultRealtimeTimeLimitMicroseconds = 10000;

    /// <summary>
    /// The file mode creation mask keepalived 2.2.7 sets at start when the configuration does not set one: 0177, so
    /// that what it creates (a notify FIFO, a file a script writes) is readable and writable by its owner only.
    /// </summary>
    public const int KeepalivedDefaultUmask = 0x7F; // 0177

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

    /// <summary>
    /// The file mode creation mask of the process (<c>umask</c>: permission bits 0 to 0777 (511), written in octal in
    /// keepalived.conf, <c>umask 022</c>, or as bits, <c>umask IWGRP|IWOTH</c>); null leaves it as started. The daemon
    /// sets it before it creates anything (its pid file, the notify FIFOs) and scripts inherit it; where null, vrrpd
    /// sets keepalived's default, <see cref="KeepalivedDefaultUmask"/>. In JSON the number is decimal (18 is 022).
    /// </summary>
    public int? Umask { get; set; }

    /// <summary>
    /// Where the daemon writes the problems of a configuration it checks before a reload (<c>reload_check_config
    /// [LOG_FILE]</c>; <c>/dev/null</c> when no file is named); null for none. The file is emptied at each reload and,
    /// as keepalived writes it, gets one <c>(FILE: Line N) MESSAGE</c> line per problem; a configuration with errors is
    /// not applied and the log says where to look. vrrpd checks every reload either way; without this the problems go
    /// to its log.
    /// </summary>
    public string? ReloadCheckLog { get; set; }

    /// <summary>
    /// A file that exists while the daemon reads its configuration, at start and at each reload (<c>reload_file
    /// [PATH]</c>; without a path keepalived's <c>/run/keepalived.reload</c>, or <c>/run/keepalived/keepalived.reload</c>
    /// with a network namespace); null for none. Created rw-r--r-- whatever the umask, as keepalived creates it.
    /// </summary>
    public string? ReloadFile { get; set; }

    /// <summary>
    /// The name of keepalived's parent process (<c>process_name</c>, at most 15 bytes). vrrpd is one process, keepalived's
    /// VRRP process and its parent at once: it takes this name when <see cref="Name"/> is not set, as keepalived's VRRP
    /// process inherits its parent's name unless <c>vrrp_process_name</c> renames it.
    /// </summary>
    public string? ParentName { get; set; }

    /// <summary>
    /// keepalived's instance name (top-level <c>instance NAME</c>), which names its per-instance files; vrrpd uses it
    /// where keepalived's files are vrrpd's too: the data dump with <see cref="DataUseInstance"/> and the default
    /// <see cref="ReloadFile"/>. Its pid file is the one <c>-p</c> names.
    /// </summary>
    public string? InstanceName { get; set; }

    /// <summary>
    /// Whether the data dump (SIGUSR1) is named after the network namespace and <see cref="InstanceName"/>,
    /// <c>keepalived.NAMESPACE_INSTANCE.data</c> (<c>data_use_instance</c>; the stats and JSON dumps keep their names, as
    /// in keepalived 2.2.7).
    /// </summary>
    public bool DataUseInstance { get; set; }

    /// <summary>
    /// A file holding a time at which the daemon reloads its configuration, as on SIGHUP (<c>reload_time_file PATH</c>:
    /// <c>HH:MM:SS</c>, <c>YY-MM-DD HH:MM:SS</c> or <c>YYYY-MM-DD HH:MM:SS</c>, local time unless it ends in <c>Z</c>);
    /// watched for changes, removed at the reload unless <see cref="ReloadRepeat"/>. Null for none.
    /// </summary>
    public string? ReloadTimeFile { get; set; }

    /// <summary>
    /// With a time of day in <see cref="ReloadTimeFile"/>, keep the file and reload at that time every day
    /// (<c>reload_repeat</c>); a file with a date is removed anyway.
    /// </summary>
    public bool ReloadRepeat { get; set; }

    /// <summary>
    /// A directory where the daemon keeps what it read and ran with (<c>config_save_dir DIR</c>, created 0700 less the
    /// umask when missing): the configuration file at start and at each reload (<c>keepalived.conf.PID.N</c>), and the
    /// data dump before and after each reload (<c>keepalived_vrrp.PID.N.pre</c> and <c>.post</c>); null for none.
    /// </summary>
    public string? ConfigSaveDirectory { get; set; }
}
