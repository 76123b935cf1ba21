using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    internal const int SIGTERM = 15;

    /// <summary>kill(2): sends a signal to a process (used for SIGTERM, which <see cref="System.Diagnostics.Process"/> cannot send).</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
