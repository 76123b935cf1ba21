using System.Runtime.InteropServices;

namespace Vrrp.Benchmarks.Flood.Interop;

internal static partial class Libc
{
    /// <summary>struct sockaddr_ll (packet(7)).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct SockAddrLinkLayer
    {
        public ushort Family;
        public ushort Protocol; // network byte order
        public int InterfaceIndex;
        public ushort HardwareType;
        public byte PacketType;
        public byte AddressLength;
        public fixed byte Address[8];
    }

    /// <summary>bind(2).</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static unsafe partial int bind(int fd, SockAddrLinkLayer* address, uint length);
}
