using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>umask(2): sets the process's file mode creation mask and returns the previous one (never fails).</summary>
    [LibraryImport("libc", EntryPoint = "umask")]
    internal static partial uint Umask(uint mask);
}
