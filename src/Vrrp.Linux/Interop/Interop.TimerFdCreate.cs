using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    internal const int CLOCK_MONOTONIC = 1;
    internal const int TFD_NONBLOCK = 0x800;
    internal const int TFD_CLOEXEC = 0x80000;

    /// <summary>timerfd_create(2): the Linux driver's one timer, read through epoll.</summary>
    [LibraryImport(Name, EntryPoint = "timerfd_create", SetLastError = true)]
    internal static partial int TimerFdCreate(int clock, int flags);
}
