using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Sockets;

namespace Vrrp.Linux.Loop;

/// <summary>
/// The receive buffers of one channel: up to <see cref="Capacity"/> datagrams taken with one recvmmsg(2), each in a
/// slot of native memory with (IPv6) its source address and ancillary data. Used by the loop thread only.
/// </summary>
/// <remarks>
/// IPv4 raw sockets deliver the IPv4 header (source, destination and TTL are read from it); IPv6 ones do not, so the
/// source comes from msg_name and the hop limit and destination from IPV6_HOPLIMIT and IPV6_PKTINFO. A datagram longer
/// than a slot (<see cref="SlotLength"/> bytes, far above any advert of 255 IPv4 addresses) arrives truncated and the
/// codec drops it as malformed.
/// </remarks>
internal sealed unsafe class ReceiveBatch : IDisposable
{
    /// <summary>Datagrams per recvmmsg call.</summary>
    public const int Capacity = 64;

    /// <summary>Bytes per datagram.</summary>
    public const int SlotLength = 2048;

    private const int HeaderSize = 64;   // struct mmsghdr
    private const int VectorSize = 16;   // struct iovec
    private const int NameSize = 32;     // sockaddr_in6 (28), rounded up
    private const int ControlSize = 128; // IPV6_HOPLIMIT and IPV6_PKTINFO

    private readonly int _fd;
    private readonly bool _ipv4;
    private byte* _headers;
    private byte* _data;

    public ReceiveBatch(int fd, VrrpAddressFamily family)
    {
        _fd = fd;
        _ipv4 = family == VrrpAddressFamily.IPv4;
        _headers = (byte*)NativeMemory.AllocZeroed((nuint)(Capacity * (HeaderSize + VectorSize + NameSize + ControlSize)));
        // Not zeroed: the kernel writes only the bytes it delivers, so pages no datagram reaches are never touched.
        _data = (byte*)NativeMemory.Alloc((nuint)(Capacity * SlotLength));
        for (int i = 0; i < Capacity; i++)
        {
            var vector = Vector(i);
            vector->Base = _data + (i * SlotLength);
            vector->Length = SlotLength;
            var header = Header(i);
            header->Header.IOVectors = vector;
            header->Header.IOVectorCount = 1;
        }
    }

    /// <summary>Takes the datagrams queued on the socket, without waiting.</summary>
    /// <param name="errno">The error when the result is negative (EAGAIN: nothing queued).</param>
    /// <returns>How many datagrams were taken, or -1.</returns>
    public int Receive(out int errno)
    {
        for (int i = 0; i < Capacity; i++)
        {
            // The kernel overwrites the lengths of name and control: give each slot its full space again.
            var header = Header(i);
            header->Header.Name = _ipv4 ? null : Name(i);
            header->Header.NameLength = _ipv4 ? 0u : NameSize;
            header->Header.Control = _ipv4 ? null : Control(i);
            header->Header.ControlLength = _ipv4 ? 0u : ControlSize;
            header->Header.Flags = 0;
        }

        int n = Libc.RecvMmsg(_fd, (Libc.MultiMessageHeader*)_headers, Capacity, Libc.MSG_DONTWAIT, null);
        errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
        return n;
    }

    /// <summary>Datagram <paramref name="index"/> of the last <see cref="Receive"/>, with its metadata.</summary>
    public ReadOnlySpan<byte> Get(int index, out ReceivedDatagram datagram)
    {
        var header = Header(index);
        int length = (int)Math.Min(header->Length, SlotLength);
        var bytes = new ReadOnlySpan<byte>(_data + (index * SlotLength), length);
        if (_ipv4)
        {
            datagram = RawVrrpSocketPair.DescribeIPv4(bytes);
            return bytes;
        }

        // sockaddr_in6 { u16 family, u16 port, u32 flowinfo, in6_addr addr, u32 scope }.
        var source = header->Header.NameLength >= 24 ? IPAddressValue.FromIPv6(new ReadOnlySpan<byte>(Name(index) + 8, 16)) : default;
        IPAddressValue destination = default;
        int hopLimit = -1;
        RawVrrpSocketPair.ReadCmsgs(new ReadOnlySpan<byte>(Control(index), (int)Math.Min(header->Header.ControlLength, ControlSize)), ref destination, ref hopLimit);
        datagram = new ReceivedDatagram(length, false, source, destination, hopLimit);
        return bytes;
    }

    public void Dispose()
    {
        NativeMemory.Free(_headers);
        NativeMemory.Free(_data);
        _headers = null;
        _data = null;
    }

    private Libc.MultiMessageHeader* Header(int i) => (Libc.MultiMessageHeader*)(_headers + (i * HeaderSize));

    private Libc.IOVector* Vector(int i) => (Libc.IOVector*)(_headers + (Capacity * HeaderSize) + (i * VectorSize));

    private byte* Name(int i) => _headers + (Capacity * (HeaderSize + VectorSize)) + (i * NameSize);

    private byte* Control(int i) => _headers + (Capacity * (HeaderSize + VectorSize + NameSize)) + (i * ControlSize);
}
