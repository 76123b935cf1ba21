using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>sched_getparam(2): the real-time priority of thread <paramref name="tid"/> (0: the calling thread).</summary>
    [LibraryImport(Name, EntryPoint = "sched_getparam", SetLastError = true)]
    internal static partial int SchedGetParam(int tid, out int priority);
}
