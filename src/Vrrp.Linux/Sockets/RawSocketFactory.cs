using System.Net.Sockets;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Sockets;

/// <summary>
/// Creates raw IP sockets for protocols the BCL's <see cref="ProtocolType"/> does not know (112, VRRP): the
/// <see cref="Socket"/> constructor refuses them with EPROTONOSUPPORT, so the descriptor comes from socket(2) and
/// everything after (options, bind, async send and receive) is the BCL's.
/// </summary>
internal static class RawSocketFactory
{
    private const int AF_INET = 2;
    private const int AF_INET6 = 10;

    internal static Socket Create(AddressFamily family, int protocol)
    {
        int domain = family == AddressFamily.InterNetwork ? AF_INET : AF_INET6;
        int fd = Libc.Socket(domain, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }
}
