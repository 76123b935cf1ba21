using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>sched_setscheduler(2) policy: round-robin real-time.</summary>
    internal const int SCHED_RR = 2;

    /// <summary>sched_setscheduler(2) flag: children start with the normal policy (scripts do not inherit SCHED_RR).</summary>
    internal const int SCHED_RESET_ON_FORK = 0x40000000;

    /// <summary>sched_setscheduler(2): sets the policy and real-time priority of thread <paramref name="tid"/>.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    internal static partial int SchedSetScheduler(int tid, int policy, in int priority);
}
