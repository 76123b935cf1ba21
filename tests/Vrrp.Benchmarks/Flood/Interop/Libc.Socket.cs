using System.Runtime.InteropServices;

namespace Vrrp.Benchmarks.Flood.Interop;

internal static partial class Libc
{
    internal const int AF_PACKET = 17;
    internal const int SOCK_RAW = 3;

    /// <summary>socket(2).</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);
}
