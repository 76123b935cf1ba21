using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Vrrp.Linux.Sockets;

/// <summary>Linux socket option numbers (asm-generic/socket.h, linux/in.h, linux/in6.h) and the raw settings Socket lacks.</summary>
internal static class SocketOptions
{
    internal const int SOL_SOCKET = 1;
    internal const int SO_BINDTODEVICE = 25;
    internal const int SO_ATTACH_FILTER = 26;
    internal const int SO_RCVBUF = 8;
    internal const int SO_RCVBUFFORCE = 33;

    internal const int IPPROTO_IP = 0;

    /// <summary>DSCP CS6 (network control, RFC 4594) in the TOS byte: what keepalived 2.2.7 and FRR mark adverts with.</summary>
    internal const int IPTOS_CS6 = 0xC0;
    internal const int IP_TOS = 1;
    internal const int IP_TTL = 2;
    internal const int IP_HDRINCL = 3;
    internal const int IP_MULTICAST_IF = 32;
    internal const int IP_MULTICAST_TTL = 33;
    internal const int IP_MULTICAST_LOOP = 34;
    internal const int IP_ADD_MEMBERSHIP = 35;
    internal const int IP_MULTICAST_ALL = 49;

    internal const int IPPROTO_IPV6 = 41;
    internal const int IPV6_CHECKSUM = 7;
    internal const int IPV6_UNICAST_HOPS = 16;
    internal const int IPV6_MULTICAST_IF = 17;
    internal const int IPV6_MULTICAST_HOPS = 18;
    internal const int IPV6_MULTICAST_LOOP = 19;
    internal const int IPV6_ADD_MEMBERSHIP = 20;
    internal const int IPV6_RECVPKTINFO = 49;
    internal const int IPV6_PKTINFO = 50;
    internal const int IPV6_RECVHOPLIMIT = 51;
    internal const int IPV6_HOPLIMIT = 52;

    internal static void SetInt(Socket socket, int level, int name, int value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(v, value);
        socket.SetRawSocketOption(level, name, v);
    }

    /// <summary>
    /// The receive buffer: SO_RCVBUFFORCE (CAP_NET_ADMIN, which the data plane has) so that net.core.rmem_max does not
    /// cap it, else SO_RCVBUF up to that cap. The kernel doubles the value for its bookkeeping.
    /// </summary>
    internal static void SetReceiveBuffer(Socket socket, int bytes)
    {
        try
        {
            SetInt(socket, SOL_SOCKET, SO_RCVBUFFORCE, bytes);
        }
        catch (SocketException)
        {
            socket.ReceiveBufferSize = bytes;
        }
    }

    /// <summary>SO_BINDTODEVICE: only this interface's traffic, and sends leave through it.</summary>
    internal static void BindToDevice(Socket socket, string interfaceName)
    {
        Span<byte> name = stackalloc byte[Encoding.UTF8.GetMaxByteCount(interfaceName.Length) + 1];
        int n = Encoding.UTF8.GetBytes(interfaceName, name);
        name[n] = 0;
        socket.SetRawSocketOption(SOL_SOCKET, SO_BINDTODEVICE, name[..(n + 1)]);
    }

    /// <summary>struct ip_mreqn { multiaddr, address (any), ifindex } for IP_ADD_MEMBERSHIP and IP_MULTICAST_IF.</summary>
    internal static void SetIPv4Mreqn(Socket socket, int name, ReadOnlySpan<byte> group, int interfaceIndex)
    {
        Span<byte> mreqn = stackalloc byte[12];
        mreqn.Clear();
        group.CopyTo(mreqn);
        BinaryPrimitives.WriteInt32LittleEndian(mreqn[8..], interfaceIndex);
        socket.SetRawSocketOption(IPPROTO_IP, name, mreqn);
    }

    /// <summary>struct ipv6_mreq { in6_addr group, int ifindex } for IPV6_ADD_MEMBERSHIP.</summary>
    internal static void JoinIPv6(Socket socket, ReadOnlySpan<byte> group, int interfaceIndex)
    {
        Span<byte> mreq = stackalloc byte[20];
        group.CopyTo(mreq);
        BinaryPrimitives.WriteInt32LittleEndian(mreq[16..], interfaceIndex);
        socket.SetRawSocketOption(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq);
    }

    /// <summary>
    /// Attaches a classic BPF program that accepts nothing (ret 0), so that a send-only raw socket never queues the
    /// protocol-112 traffic it would otherwise receive.
    /// </summary>
    internal static unsafe void DiscardEverything(Socket socket)
    {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } = BPF_RET | BPF_K, 0.
        ulong instruction = 0x06;
        // struct sock_fprog { u16 len; (pad) ; struct sock_filter *filter; } (64-bit layout); the kernel copies it.
        Span<byte> program = stackalloc byte[16];
        program.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(program, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(program[8..], (ulong)(nuint)(&instruction));
        socket.SetRawSocketOption(SOL_SOCKET, SO_ATTACH_FILTER, program);
    }
}
