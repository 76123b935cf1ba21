using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Vrrp.Election;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Loop;

/// <summary>
/// The adverts of one channel waiting to be sent: each written by its router into a slot of native memory with its
/// destination's sockaddr, all handed to the kernel with one sendmmsg(2). Used under the driver's lock only.
/// </summary>
/// <remarks>
/// Slots grow (after a flush) to the largest advert and the most adverts seen in one batch, up to 1024 (the kernel's
/// UIO_MAXIOV): after the first ticks nothing is allocated. Never blocks (MSG_DONTWAIT): a message the kernel refuses
/// is reported to the driver as a send failure of its router and skipped.
/// </remarks>
internal sealed unsafe class SendBatch : IDisposable
{
    private const int MaxCapacity = 1024;
    private const int HeaderSize = 64;   // struct mmsghdr
    private const int VectorSize = 16;   // struct iovec
    private const int NameSize = 32;     // sockaddr_in6 (28), rounded up
    private const int AF_INET = 2;
    private const int AF_INET6 = 10;

    private readonly int _fd;
    private readonly VrrpAddressFamily _family;
    private readonly int _interfaceIndex;
    private readonly IPAddressValue? _headerSource;   // IPv4 unicast TTL 0: each message behind an IPv4Header from this source
    private readonly int _headerLength;
    private VirtualRouter?[] _routers;
    private byte* _memory;
    private int _capacity;
    private int _slotLength;
    private int _count;
    private int _wanted;

    public SendBatch(int fd, VrrpAddressFamily family, int interfaceIndex, IPAddressValue? headerSource = null)
    {
        _fd = fd;
        _family = family;
        _interfaceIndex = interfaceIndex;
        _headerSource = headerSource;
        _headerLength = headerSource is null ? 0 : Sockets.IPv4Header.Length;
        _routers = [];
        Resize(16, 64);
    }

    /// <summary>Adverts waiting.</summary>
    public int Count => _count;

    /// <summary>Writes one advert into the batch; flushes first when it is full or its slots are too small.</summary>
    public void Add(in VirtualRouterAction send, LinuxVrrpDriver owner)
    {
        var router = send.Router!;
        int needed = _headerLength + router.AdvertisementLength;
        if (needed > _slotLength || _count == _capacity)
        {
            _wanted = Math.Min(MaxCapacity, Math.Max(_wanted, _count == _capacity ? _capacity * 2 : _capacity));
            Flush(owner);
            if (needed > _slotLength || _wanted > _capacity)
            {
                Resize(Math.Max(_wanted, _capacity), Math.Max(_slotLength, (needed + 7) & ~7));
            }
        }

        int i = _count;
        byte* data = Data(i);
        int length = router.WriteAdvertisement(in send, new Span<byte>(data + _headerLength, _slotLength - _headerLength));
        if (_headerSource is { } source)
        {
            Sockets.IPv4Header.Write(new Span<byte>(data, _headerLength), source, send.Destination, ttl: 0, length);
        }

        var vector = (Libc.IOVector*)(_memory + (_capacity * HeaderSize) + (i * VectorSize));
        vector->Base = data;
        vector->Length = (nuint)(_headerLength + length);
        var header = (Libc.MultiMessageHeader*)(_memory + (i * HeaderSize));
        byte* name = _memory + (_capacity * (HeaderSize + VectorSize)) + (i * NameSize);
        header->Header.Name = name;
        header->Header.NameLength = (uint)WriteSocketAddress(send.Destination, new Span<byte>(name, NameSize));
        header->Header.IOVectors = vector;
        header->Header.IOVectorCount = 1;
        header->Header.Control = null;
        header->Header.ControlLength = 0;
        header->Header.Flags = 0;
        header->Length = 0;
        _routers[i] = router;
        _count++;
    }

    /// <summary>Sends every advert waiting with as few sendmmsg calls as the kernel allows (one, normally).</summary>
    public void Flush(LinuxVrrpDriver owner)
    {
        int sent = 0;
        while (sent < _count)
        {
            int n = Libc.SendMmsg(_fd, (Libc.MultiMessageHeader*)(_memory + (sent * HeaderSize)), (uint)(_count - sent), Libc.MSG_DONTWAIT);
            if (n > 0)
            {
                sent += n;
                continue;
            }

            int errno = n < 0 ? Marshal.GetLastPInvokeError() : Libc.EAGAIN;
            if (errno == Libc.EINTR)
            {
                continue;
            }

            // The first remaining message was refused: report it and go on with the rest.
            owner.ReportSendFailure(_routers[sent]!, errno);
            sent++;
        }

        _count = 0;
    }

    public void Dispose()
    {
        if (_memory != null)
        {
            NativeMemory.Free(_memory);
            _memory = null;
        }
    }

    private byte* Data(int slot) => _memory + (_capacity * (HeaderSize + VectorSize + NameSize)) + (slot * _slotLength);

    private void Resize(int capacity, int slotLength)
    {
        Dispose();
        _capacity = capacity;
        _slotLength = slotLength;
        _wanted = capacity;
        nuint size = (nuint)(capacity * (HeaderSize + VectorSize + NameSize + slotLength));
        _memory = (byte*)NativeMemory.AllocZeroed(size);
        _routers = new VirtualRouter?[capacity];
    }

    /// <summary>sockaddr_in { family, port 0, address, zero[8] } or sockaddr_in6 { family, port 0, flowinfo 0, address, scope id }.</summary>
    private int WriteSocketAddress(IPAddressValue destination, Span<byte> name)
    {
        name.Clear();
        if (_family == VrrpAddressFamily.IPv4)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(name, AF_INET);
            destination.WriteTo(name[4..]);
            return 16;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(name, AF_INET6);
        destination.WriteTo(name[8..]);
        if (destination.IsIPv6LinkLocal)
        {
            BinaryPrimitives.WriteInt32LittleEndian(name[24..], _interfaceIndex);
        }

        return 28;
    }
}
