using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>socket(2): used for AF_NETLINK, which <see cref="System.Net.Sockets.AddressFamily"/> cannot express.</summary>
    [LibraryImport(Name, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);
}
