using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>write(2) of an eventfd's 8-byte increment.</summary>
    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(int fd, void* buffer, nuint count);
}
