using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    internal const int EPOLL_CLOEXEC = 0x80000;

    /// <summary>epoll_create1(2): the Linux driver's event set (its sockets, its timer, its wake-up).</summary>
    [LibraryImport(Name, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);
}
