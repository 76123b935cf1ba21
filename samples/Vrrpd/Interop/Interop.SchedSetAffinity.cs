using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>sched_setaffinity(2): the CPUs thread <paramref name="tid"/> may run on (a bit mask of <paramref name="size"/> bytes).</summary>
    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static unsafe partial int SchedSetAffinity(int tid, nuint size, ulong* mask);
}
