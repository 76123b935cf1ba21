using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>sendmmsg(2): sends up to <paramref name="count"/> datagrams in one call; returns how many were sent.</summary>
    [LibraryImport(Name, EntryPoint = "sendmmsg", SetLastError = true)]
    internal static unsafe partial int SendMmsg(int fd, MultiMessageHeader* messages, uint count, int flags);
}
