using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>close(2) of a descriptor that no <see cref="SafeHandle"/> owns (epoll, timerfd, eventfd).</summary>
    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
