using System.Runtime.InteropServices;

namespace Vrrp.Benchmarks.Flood.Interop;

internal static partial class Libc
{
    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (64-bit layout; the compiler pads after NameLength and Flags).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Vector;
        public nuint VectorLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    /// <summary>sendmmsg(2): sends up to <paramref name="count"/> messages in one call; returns how many were sent.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int sendmmsg(int fd, MultiMessageHeader* messages, uint count, int flags);
}
