using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>setpriority(2) <c>which</c>: one process; on Linux a thread id names that thread only.</summary>
    internal const int PRIO_PROCESS = 0;

    /// <summary>setpriority(2): sets the nice value of <paramref name="who"/> (a thread id on Linux).</summary>
    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    internal static partial int SetPriority(int which, int who, int priority);
}
