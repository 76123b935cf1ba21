using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>glibc's SIGRTMIN (34 on Linux: glibc keeps 32 and 33 for itself).</summary>
    [LibraryImport("libc", EntryPoint = "__libc_current_sigrtmin")]
    internal static partial int CurrentSigRtMin();

    /// <summary>glibc's SIGRTMAX (64 on Linux).</summary>
    [LibraryImport("libc", EntryPoint = "__libc_current_sigrtmax")]
    internal static partial int CurrentSigRtMax();
}
