using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;

namespace Vrrpd;

/// <summary>
/// Applies <see cref="VrrpOptions.Process"/> (keepalived's vrrp_priority, vrrp_rt_priority, vrrp_rlimit_rttime,
/// vrrp_cpu_affinity, vrrp_no_swap, vrrp_process_name) once the host has started, as keepalived 2.2.7 applies them when its VRRP child
/// has started (vrrp_daemon.c, lib/process.c): SCHED_RR with SCHED_RESET_ON_FORK and RLIMIT_RTTIME (soft half the
/// hard limit) when a real-time priority is set, else the nice value; then mlockall of current and future pages on
/// fault; then the CPU affinity. keepalived's VRRP process is one thread; vrrpd has several, and Linux keeps nice values
/// and affinities per thread, so those go to every thread there is (threads started later inherit them from the
/// thread that starts them); SCHED_RR goes to the thread that receives adverts and runs the timers, the Linux driver's
/// loop thread (<c>vrrp-loop</c>), which is what the real-time priority is for. Failures are logged, as keepalived
/// logs them, and the daemon runs on.
/// </summary>
internal static class ProcessSettings
{
    /// <summary>The name of the Linux driver's loop thread (its comm).</summary>
    internal const string LoopThreadName = "vrrp-loop";

    private const int SIGXCPU = 24;

    private static PosixSignalRegistration? s_cpuLimit;

    /// <summary>
    /// umask: the command line's <c>-u MASK</c>, else the configuration's, else keepalived's default 0177
    /// (<see cref="VrrpProcessOptions.KeepalivedDefaultUmask"/>: keepalived 2.2.7 sets it at start whatever the
    /// configuration says, and its umask keyword replaces it). Set before vrrpd creates anything (the pid file, the
    /// notify FIFOs, the control socket), and again after a reload (keepalived sets it while it reads the file).
    /// </summary>
    /// <returns>The mask now in force.</returns>
    public static int ApplyUmask(int? configured, int? commandLine, ILogger? logger)
    {
        if (commandLine is not null && configured is not null)
        {
            logger?.LogInformation("umask command line option specified, ignoring config option");
        }

        int mask = commandLine ?? configured ?? VrrpProcessOptions.KeepalivedDefaultUmask;
        Interop.Umask((uint)mask);
        return mask;
    }

    /// <summary>Applies the settings, logging each and any failure.</summary>
    public static void Apply(VrrpProcessOptions settings, ILogger logger)
    {
        if (settings.RealtimePriority > 0)
        {
            SetRealtime(settings, logger);
        }
        else if (settings.MaxAutoPriority > 0)
        {
            // max_auto_priority: the loop raises itself to SCHED_RR when it runs late (the Linux driver does it); the
            // real-time limit it runs under is set now, as keepalived sets it when it first raises its priority.
            SetRealtimeLimit(settings, logger);
        }
        else if (settings.Priority != 0)
        {
            foreach (int tid in Threads())
            {
                if (Interop.SetPriority(Interop.PRIO_PROCESS, tid, settings.Priority) != 0)
                {
                    logger.LogWarning("Unable to set process priority to {Priority}: {Error}", settings.Priority, Marshal.GetLastPInvokeErrorMessage());
                    break;
                }
            }

            logger.LogInformation("Process priority (nice) {Priority}", settings.Priority);
        }

        if (settings.LockMemory)
        {
            if (Interop.MLockAll(Interop.MCL_CURRENT | Interop.MCL_FUTURE | Interop.MCL_ONFAULT) != 0)
            {
                logger.LogWarning("Unable to lock process in memory: {Error}", Marshal.GetLastPInvokeErrorMessage());
            }
            else
            {
                logger.LogInformation("Process memory locked (vrrp_no_swap)");
            }
        }

        if (settings.CpuAffinity.Count > 0)
        {
            SetAffinity(settings.CpuAffinity, logger);
        }

        // keepalived's VRRP process inherits its parent's process_name unless vrrp_process_name renames it.
        if ((settings.Name ?? settings.ParentName) is { } name)
        {
            SetName(name, logger);
        }
    }

    /// <summary>
    /// vrrp_process_name: the comm of the main thread, which ps and /proc/PID/comm show for the process (keepalived's
    /// prctl(PR_SET_NAME) names the calling thread, its only one; vrrpd's calling thread need not be the main one, and
    /// /proc/self/task/PID/comm names a given thread of the own process).
    /// </summary>
    private static void SetName(string name, ILogger logger)
    {
        try
        {
            File.WriteAllText($"/proc/self/task/{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}/comm", name);
            logger.LogInformation("Process name {Name}", name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Failed to set process name '{Name}': {Error}", name, ex.Message);
        }
    }

    private static void SetRealtime(VrrpProcessOptions settings, ILogger logger)
    {
        int? loop = Threads().Cast<int?>().FirstOrDefault(static tid => ThreadName(tid!.Value) == LoopThreadName);
        if (loop is not { } tid)
        {
            logger.LogWarning("Cannot set real-time priority: no {Thread} thread (the Linux driver's loop) is running", LoopThreadName);
            return;
        }

        if (Interop.SchedSetScheduler(tid, Interop.SCHED_RR | Interop.SCHED_RESET_ON_FORK, settings.RealtimePriority) != 0)
        {
            logger.LogWarning("Cannot raise priority to real-time {Priority}: {Error}", settings.RealtimePriority, Marshal.GetLastPInvokeErrorMessage());
            return;
        }

        logger.LogInformation("Real-time priority {Priority} (SCHED_RR) on thread {Tid} ({Thread})", settings.RealtimePriority, tid, LoopThreadName);
        SetRealtimeLimit(settings, logger);
    }

    /// <summary>RLIMIT_RTTIME (soft half the hard limit) and a SIGXCPU handler that logs, as keepalived.</summary>
    private static void SetRealtimeLimit(VrrpProcessOptions settings, ILogger logger)
    {
        // Past the soft limit the kernel sends SIGXCPU, whose default action ends the process: keepalived catches it
        // and logs; so does vrrpd. Past the hard limit SIGKILL follows, as in keepalived.
        s_cpuLimit ??= PosixSignalRegistration.Create((PosixSignal)SIGXCPU, context =>
        {
            context.Cancel = true;
            logger.LogWarning("A real-time thread used half its RLIMIT_RTTIME without blocking (SIGXCPU)");
        });
        var limit = new Interop.RLimit { Current = (ulong)settings.RealtimeTimeLimitMicroseconds / 2, Maximum = (ulong)settings.RealtimeTimeLimitMicroseconds };
        if (Interop.SetRLimit(Interop.RLIMIT_RTTIME, limit) != 0)
        {
            logger.LogWarning("Cannot set the real-time rlimit: {Error}", Marshal.GetLastPInvokeErrorMessage());
        }
    }

    private static unsafe void SetAffinity(List<int> cpus, ILogger logger)
    {
        var mask = new ulong[Math.Max(16, (cpus.Max() / 64) + 1)]; // at least glibc's cpu_set_t (1024 CPUs)
        foreach (int cpu in cpus)
        {
            mask[cpu / 64] |= 1UL << (cpu % 64);
        }

        fixed (ulong* bits = mask)
        {
            foreach (int tid in Threads())
            {
                if (Interop.SchedSetAffinity(tid, (nuint)(mask.Length * sizeof(ulong)), bits) != 0)
                {
                    logger.LogWarning("Unable to set cpu affinity to vrrp process: {Error}", Marshal.GetLastPInvokeErrorMessage());
                    return;
                }
            }
        }

        logger.LogInformation("CPU affinity {Cpus}", string.Join(' ', cpus.Select(static c => c.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>The thread ids of this process.</summary>
    internal static IEnumerable<int> Threads()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid))
            {
                yield return tid;
            }
        }
    }

    private static string? ThreadName(int tid)
    {
        try
        {
            return File.ReadAllText($"/proc/self/task/{tid.ToString(CultureInfo.InvariantCulture)}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return null; // ended meanwhile
        }
    }
}
