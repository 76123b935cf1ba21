namespace Vrrp.Linux.Interop;

/// <summary>P/Invoke declarations for the few libc functions <see cref="System.Net.Sockets.Socket"/> lacks; one file per function.</summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    // errno values (asm-generic/errno-base.h, errno.h).
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EEXIST = 17;
    internal const int ENODEV = 19;
    internal const int EINVAL = 22;
    internal const int ENOBUFS = 105;
    internal const int EADDRNOTAVAIL = 99;
    internal const int EPROTONOSUPPORT = 93;
    internal const int EOPNOTSUPP = 95;
    internal const int EAFNOSUPPORT = 97;

    internal const int MSG_DONTWAIT = 0x40;
    internal const int MSG_TRUNC = 0x20;
    internal const int MSG_CTRUNC = 0x08;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int AF_NETLINK = 16;
    internal const int CLONE_NEWNET = 0x40000000;
}
