using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>read(2) of a timerfd's or eventfd's 8-byte counter.</summary>
    [LibraryImport(Name, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(int fd, void* buffer, nuint count);
}
