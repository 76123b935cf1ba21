using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>
    /// clock_gettime(2): the vDSO read of a clock, a few tens of nanoseconds that never block, so the call skips the
    /// GC transition.
    /// </summary>
    [LibraryImport(Name, EntryPoint = "clock_gettime")]
    [SuppressGCTransition]
    internal static unsafe partial int ClockGetTime(int clock, TimeSpec* time);
}
