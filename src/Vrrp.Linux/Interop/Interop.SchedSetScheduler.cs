using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    internal const int SCHED_OTHER = 0;
    internal const int SCHED_FIFO = 1;
    internal const int SCHED_RR = 2;

    /// <summary>sched_setscheduler(2) flag: children start with the normal policy (scripts do not inherit SCHED_RR).</summary>
    internal const int SCHED_RESET_ON_FORK = 0x40000000;

    /// <summary>sched_setscheduler(2): the policy and real-time priority of thread <paramref name="tid"/> (0: the calling thread).</summary>
    [LibraryImport(Name, EntryPoint = "sched_setscheduler", SetLastError = true)]
    internal static partial int SchedSetScheduler(int tid, int policy, in int priority);
}
