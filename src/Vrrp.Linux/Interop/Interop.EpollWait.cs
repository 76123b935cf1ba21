using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>epoll_wait(2): blocks until an event or the timeout (-1: none); events are <see cref="EpollEventSize"/> bytes each.</summary>
    [LibraryImport(Name, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static unsafe partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMilliseconds);
}
