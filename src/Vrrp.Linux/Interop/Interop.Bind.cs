using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>bind(2) with a raw sockaddr (sockaddr_nl), which <see cref="System.Net.SocketAddress"/> cannot carry for AF_NETLINK.</summary>
    [LibraryImport(Name, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int Bind(SafeHandle socket, byte* address, int addressLength);
}
