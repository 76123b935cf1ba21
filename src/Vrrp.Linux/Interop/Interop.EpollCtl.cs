using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;
    internal const uint EPOLLIN = 0x001;
    internal const uint EPOLLERR = 0x008;

    /// <summary>
    /// struct epoll_event: u32 events, then a u64 of user data. Packed (12 bytes) on x86-64, naturally aligned
    /// (16 bytes) elsewhere; <see cref="EpollEventSize"/> and <see cref="EpollDataOffset"/> give the layout in use.
    /// </summary>
    internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Where the user data starts in a struct epoll_event.</summary>
    internal static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>epoll_ctl(2) with an event laid out as <see cref="EpollEventSize"/> bytes.</summary>
    [LibraryImport(Name, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static unsafe partial int EpollCtl(int epoll, int operation, int fd, byte* epollEvent);
}
