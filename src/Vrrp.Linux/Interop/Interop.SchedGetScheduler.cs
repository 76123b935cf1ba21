using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>sched_getscheduler(2): the policy of thread <paramref name="tid"/> (0: the calling thread), SCHED_RESET_ON_FORK included.</summary>
    [LibraryImport(Name, EntryPoint = "sched_getscheduler", SetLastError = true)]
    internal static partial int SchedGetScheduler(int tid);
}
