using System.Runtime.InteropServices;

namespace Vrrp.Benchmarks.Flood.Interop;

internal static partial class Libc
{
    /// <summary>close(2).</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);
}
