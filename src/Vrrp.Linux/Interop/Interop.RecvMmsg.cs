using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>struct mmsghdr: a message header and the length the kernel received or sent for it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    /// <summary>recvmmsg(2): takes up to <paramref name="count"/> queued datagrams in one call (no timeout: null).</summary>
    [LibraryImport(Name, EntryPoint = "recvmmsg", SetLastError = true)]
    internal static unsafe partial int RecvMmsg(int fd, MultiMessageHeader* messages, uint count, int flags, TimeSpec* timeout);
}
