using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Netlink;
using Vrrp.Packets;

namespace Vrrp.Linux.Sockets;

/// <summary>
/// The raw sockets behind one channel: a receive socket (bound to the interface, joined to 224.0.0.18 / ff02::12 in
/// multicast mode; over IPv4 receiving no group it did not join itself)
/// and a send socket (bound to the interface and to the source address, TTL / hop limit 255 to the group and
/// <see cref="VrrpChannelOptions.UnicastHopLimit"/> (default 255) to unicast peers, no multicast loopback,
/// discarding everything it would receive). Shared by every handle opened with the same options; see
/// <see cref="RawSocketTransport"/>.
/// </summary>
/// <remarks>
/// With <see cref="VrrpChannelOptions.IPAuthenticationHeader"/> (keepalived <c>auth_type AH</c>) both sockets are of
/// IP protocol 51 and the send socket has IP_HDRINCL: the core writes the whole IPv4 packet the ICV covers.
/// Receiving: IPv4 raw sockets deliver the IPv4 header, from which source, destination and TTL are read. IPv6 raw
/// sockets strip it, so the hop limit and destination come from recvmsg(2) ancillary data (IPV6_HOPLIMIT,
/// IPV6_PKTINFO); the wait is a zero-byte MSG_PEEK receive on the BCL socket, then a non-blocking recvmsg. Neither
/// path allocates per packet. One receive at a time per socket pair (the driver runs one receive loop per channel).
/// Unicast sources are checked by the protocol core, which counts each stranger's advert as
/// <see cref="DropReason.UnicastSourceNotAllowed"/>: dropping them here would hide them from the drop counters that
/// explain a split brain. The core also writes each message for its destination (the v3/IPv4 pseudo-header names it).
/// </remarks>
internal sealed class RawVrrpSocketPair : IDisposable
{
    private static readonly byte[] IPv4Group = [224, 0, 0, 18];
    private static readonly byte[] IPv6Group = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12];

    private readonly Socket _receive;
    private readonly Socket _send;
    private readonly SocketAddress _group;
    private readonly Dictionary<IPAddressValue, SocketAddress> _unicast = [];   // the configured peers, serialised once each
    private readonly byte[] _control; // recvmsg control buffer and sockaddr_in6 (IPv6 only), pinned for the socket's life
    private const int ControlLength = 128;
    // Room for some tenths of a second of a 50,000 packets/s flood of small packets (the kernel charges each packet
    // its buffer's true size, hundreds of bytes): when the receive loop is kept off the CPU for a while, the master's
    // adverts queue behind the flood instead of being dropped with it (at 256 kB the flood benchmark's backup lost
    // enough of them to take over); also the adverts of 255 instances at 10 ms for a Master_Down_Interval (about 900
    // datagrams of about 1 KiB of kernel memory each). Kernel memory, used only while packets wait.
    private const int ReceiveBufferBytes = 4 * 1024 * 1024;
    private const int NameLength = 28;
    private const int AuthenticationHeaderProtocol = 51;
    private int _disposed;
    private int _mtu;
    private long _askedBytes;
    private long _askedMtus;

    private RawVrrpSocketPair(Socket receive, Socket send, VrrpAddressFamily family, IPAddressValue local, string interfaceName, int interfaceIndex, bool headerIncluded)
    {
        _receive = receive;
        _send = send;
        HeaderIncluded = headerIncluded;
        _group = new IPEndPoint(new IPAddress(family == VrrpAddressFamily.IPv4 ? IPv4Group : IPv6Group), 0).Serialize();

        Family = family;
        LocalAddress = local;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        _control = GC.AllocateArray<byte>(family == VrrpAddressFamily.IPv6 ? ControlLength + NameLength : 0, pinned: true);
    }

    internal VrrpAddressFamily Family { get; }

    internal IPAddressValue LocalAddress { get; }

    internal string InterfaceName { get; }

    internal int InterfaceIndex { get; }

    /// <summary>
    /// IPv4 unicast with TTL 0 (keepalived <c>unicast_ttl 0</c>): the send socket is IP_HDRINCL and every message goes
    /// with an <see cref="IPv4Header"/> of ours, since the kernel refuses TTL 0 as a socket option.
    /// </summary>
    internal bool HeaderIncluded { get; }

    /// <summary>The receive socket (for a driver that reads it with recvmmsg under its own epoll).</summary>
    internal SafeSocketHandle ReceiveHandle => _receive.SafeHandle;

    /// <summary>The send socket (for a driver that writes it with sendmmsg).</summary>
    internal SafeSocketHandle SendHandle => _send.SafeHandle;

    /// <summary>
    /// Opens both sockets in the options' namespace; nothing is left open on failure. Looking up the interface and its
    /// source address is asynchronous netlink I/O, and waiting for an IPv6 link-local address to leave duplicate
    /// address detection is an asynchronous delay: both honour <paramref name="cancellationToken"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    internal static async ValueTask<RawVrrpSocketPair> OpenAsync(VrrpChannelOptions options, string? networkNamespace, CancellationToken cancellationToken)
    {
        using var netlink = RouteNetlink.Open(networkNamespace);
        if (options.InterfaceName.Length == 0)
        {
            return await OpenWithoutInterfaceAsync(options, netlink, networkNamespace, cancellationToken).ConfigureAwait(false);
        }

        var link = await netlink.GetLinkAsync(options.InterfaceName, cancellationToken).ConfigureAwait(false);
        IPAddressValue local = options.SourceAddress
            ?? await FindSourceAddressAsync(netlink, link, options.Family, networkNamespace, cancellationToken).ConfigureAwait(false);
        if (local.Family != options.Family)
        {
            throw new ArgumentException($"The source address {local} is not {options.Family}.", nameof(options));
        }

        // A macvlan in bridge mode does not pass up multicast whose source MAC is one of its own: with a virtual MAC,
        // every router's adverts carry that MAC, so they are received on the parent (keepalived does the same).
        var receiveLink = link.IsMacvlan ? await netlink.GetLinkAsync(link.ParentIndex, cancellationToken).ConfigureAwait(false) : link;
        cancellationToken.ThrowIfCancellationRequested();
        var pair = NetworkNamespace.Run(networkNamespace, () => OpenHere(options, link, receiveLink, local));
        pair._mtu = link.Mtu;
        return pair;
    }

    /// <summary>What the channels on this pair asked for with keepalived's <c>vrrp_rx_bufs_policy</c>, in bytes; 0 when none did.</summary>
    internal int ReceiveBufferAsked { get; private set; }

    /// <summary>
    /// Adds a channel's share of the receive buffer (keepalived's <c>vrrp_rx_bufs_policy</c>: bytes, and MTUs of the
    /// interface) and sets the sum with SO_RCVBUF, as keepalived sets its socket's (capped at net.core.rmem_max; the
    /// kernel doubles it). Nothing to add leaves the buffer as it is (4 MiB, forced, when no channel asked).
    /// </summary>
    internal void AddReceiveBuffer(int bytes, int mtus)
    {
        if (bytes == 0 && mtus == 0)
        {
            return;
        }

        _askedBytes += bytes;
        _askedMtus += mtus;
        long size = Math.Clamp(_askedBytes + (_askedMtus * _mtu), 0, int.MaxValue);
        if (size > 0)
        {
            SocketOptions.SetInt(_receive, SocketOptions.SOL_SOCKET, SocketOptions.SO_RCVBUF, (int)size);
        }

        ReceiveBufferAsked = (int)size;
    }

    /// <summary>
    /// A unicast channel on no interface (keepalived's instance without <c>interface</c>, open_vrrp_read_socket and
    /// open_vrrp_send_socket): both sockets bound to the VRF device when there is one (SO_BINDTODEVICE, so sends are
    /// routed in its table and receives come from its interfaces), else to none; both bound to the source address,
    /// which filters the receive socket to adverts sent to it. No group is joined.
    /// </summary>
    private static async ValueTask<RawVrrpSocketPair> OpenWithoutInterfaceAsync(VrrpChannelOptions options, RouteNetlink netlink, string? networkNamespace, CancellationToken cancellationToken)
    {
        if (options.JoinMulticastGroup || options.SourceAddress is not { } local)
        {
            throw new ArgumentException("A channel on no interface is unicast, with its source address given.", nameof(options));
        }

        if (local.Family != options.Family)
        {
            throw new ArgumentException($"The source address {local} is not {options.Family}.", nameof(options));
        }

        LinkInfo? vrf = options.Vrf is { } name ? await netlink.GetLinkAsync(name, cancellationToken).ConfigureAwait(false) : null;
        cancellationToken.ThrowIfCancellationRequested();
        return NetworkNamespace.Run(networkNamespace, () => OpenHere(options, vrf, vrf, local, bindReceiveToSource: true));
    }

    private static RawVrrpSocketPair OpenHere(VrrpChannelOptions options, LinkInfo link, LinkInfo receiveLink, IPAddressValue local) =>
        OpenHere(options, link, receiveLink, local, bindReceiveToSource: false);

    // link and receiveLink are null only for a channel on no interface outside any VRF; for one in a VRF they are the VRF
    // device (bound to, never used as a multicast interface: such a channel is unicast).
    private static RawVrrpSocketPair OpenHere(VrrpChannelOptions options, LinkInfo? link, LinkInfo? receiveLink, IPAddressValue local, bool bindReceiveToSource)
    {
        bool v4 = options.Family == VrrpAddressFamily.IPv4;
        var af = v4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        bool multicast = options.JoinMulticastGroup;
        bool authenticationHeader = options.IPAuthenticationHeader;
        if (authenticationHeader && !v4)
        {
            throw new ArgumentException("An IP Authentication Header (auth_type AH) channel is IPv4 only.", nameof(options));
        }

        // auth_type AH: IP protocol 51 both ways, as keepalived opens its AH instances' sockets. The core writes the
        // whole packet then (TTL 0 included), so the unicast_ttl 0 header of ours is not added.
        int protocol = authenticationHeader ? AuthenticationHeaderProtocol : VrrpPacket.IPProtocol;
        bool headerIncluded = v4 && !multicast && options.UnicastHopLimit == 0 && !authenticationHeader;
        Socket? receive = null, send = null;
        try
        {
            receive = RawSocketFactory.Create(af, protocol);
            if (receiveLink is not null)
            {
                SocketOptions.BindToDevice(receive, receiveLink.Name);
            }

            if (bindReceiveToSource)
            {
                // After SO_BINDTODEVICE: an address of a VRF's interface is local only in the VRF's table.
                receive.Bind(new IPEndPoint(local.ToIPAddress(), 0));
            }

            SocketOptions.SetReceiveBuffer(receive, ReceiveBufferBytes);
            // IPv4: only the groups this socket joins (none in unicast mode), not every group some socket of the host
            // joined (the kernel's default, IP_MULTICAST_ALL on): otherwise a unicast channel and a multicast channel on
            // one interface both parse, and count, every multicast advert. keepalived turns it off too. (IPv6 raw
            // sockets look at IPV6_MULTICAST_ALL only when bound to an address, which the receive socket is not.)
            if (v4)
            {
                SocketOptions.SetInt(receive, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_ALL, 0);
            }

            if (v4)
            {
                if (multicast)
                {
                    SocketOptions.SetIPv4Mreqn(receive, SocketOptions.IP_ADD_MEMBERSHIP, GroupBytes(options, IPv4Group), receiveLink!.Index);
                }
            }
            else
            {
                if (multicast)
                {
                    SocketOptions.JoinIPv6(receive, GroupBytes(options, IPv6Group), receiveLink!.Index);
                }

                SocketOptions.SetInt(receive, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_RECVHOPLIMIT, 1);
                SocketOptions.SetInt(receive, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_RECVPKTINFO, 1);
            }

            send = RawSocketFactory.Create(af, protocol);
            if (link is not null)
            {
                SocketOptions.BindToDevice(send, link.Name);
            }

            SocketOptions.DiscardEverything(send);
            var localAddress = local.ToIPAddress();
            if (v4)
            {
                send.Bind(new IPEndPoint(localAddress, 0));
                SocketOptions.SetIPv4Mreqn(send, SocketOptions.IP_MULTICAST_IF, [0, 0, 0, 0], link?.Index ?? 0);
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_TTL, 255);
                if (headerIncluded)
                {
                    SocketOptions.SetInt(send, SocketOptions.IPPROTO_IP, SocketOptions.IP_HDRINCL, 1);
                }
                else
                {
                    SocketOptions.SetInt(send, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL, options.UnicastHopLimit);
                }
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_LOOP, 0);
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IP, SocketOptions.IP_TOS, SocketOptions.IPTOS_CS6);
                if (authenticationHeader)
                {
                    // The ICV covers the IPv4 header (identification, TTL, addresses): the core writes it, the kernel
                    // only fills in the checksum (keepalived sends all its IPv4 adverts this way).
                    SocketOptions.SetInt(send, SocketOptions.IPPROTO_IP, SocketOptions.IP_HDRINCL, 1);
                }
            }
            else
            {
                if (localAddress.IsIPv6LinkLocal && link is not null)
                {
                    localAddress.ScopeId = link.Index;
                }

                send.Bind(new IPEndPoint(localAddress, 0));
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_CHECKSUM, 6);
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MULTICAST_IF, link?.Index ?? 0);
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MULTICAST_HOPS, 255);
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_UNICAST_HOPS, options.UnicastHopLimit);
                SocketOptions.SetInt(send, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MULTICAST_LOOP, 0);
            }

            return new RawVrrpSocketPair(receive, send, options.Family, local, options.InterfaceName, options.InterfaceName.Length == 0 ? 0 : link!.Index, headerIncluded);
        }
        catch (SocketException ex)
        {
            receive?.Dispose();
            send?.Dispose();
            throw new IOException(
                $"Cannot open the VRRP {options.Family} raw sockets on {Where(options)} (source {local}): {ex.Message} (errno {ex.NativeErrorCode}).", ex);
        }
        catch
        {
            receive?.Dispose();
            send?.Dispose();
            throw;
        }
    }

    private static string Where(VrrpChannelOptions options) =>
        options.InterfaceName.Length > 0 ? options.InterfaceName : options.Vrf is { } vrf ? $"no interface in VRF {vrf}" : "no interface";

    // The group to join: the channel's own (keepalived vrrp_mcast_group4/6), else the RFC's. Adverts to another group
    // leave as any datagram to a multicast destination does (IP_MULTICAST_IF, multicast TTL 255).
    private static byte[] GroupBytes(VrrpChannelOptions options, byte[] standard)
    {
        if (options.MulticastGroup is not { } group)
        {
            return standard;
        }

        var bytes = new byte[group.Length];
        group.WriteTo(bytes);
        return bytes;
    }

    /// <summary>
    /// The interface's primary IPv4 address, or its IPv6 link-local address (RFC 9568 section 5.1.2.1). A virtual-MAC
    /// interface (macvlan) usually has none of its own: then its parent's is used, as keepalived does with use_vmac.
    /// </summary>
    private static async ValueTask<IPAddressValue> FindSourceAddressAsync(RouteNetlink netlink, LinkInfo link, VrrpAddressFamily family, string? networkNamespace, CancellationToken cancellationToken)
    {
        if (await TryFindSourceAddressAsync(netlink, link, family, cancellationToken).ConfigureAwait(false) is { } address)
        {
            return address;
        }

        if (link.ParentIndex > 0 && link.ParentIndex != link.Index)
        {
            LinkInfo? parent = null;
            try
            {
                parent = await netlink.GetLinkAsync(link.ParentIndex, cancellationToken).ConfigureAwait(false);
            }
            catch (NetlinkException)
            {
                // The parent is in another namespace (IFLA_LINK is then not an index here): fall through to the error.
            }

            if (parent is not null && await TryFindSourceAddressAsync(netlink, parent, family, cancellationToken).ConfigureAwait(false) is { } inherited)
            {
                return inherited;
            }
        }

        string where = networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'";
        throw new InvalidOperationException(family == VrrpAddressFamily.IPv4
            ? $"Interface {link.Name}{where} has no IPv4 address to send VRRP adverts from; add one or configure a source address."
            : $"Interface {link.Name}{where} has no usable IPv6 link-local address to send VRRP adverts from (none, or still in duplicate address detection after {TentativeWait.TotalSeconds:0} s); bring it up or configure a source address.");
    }

    /// <summary>How long to wait for a link-local address to finish duplicate address detection (one probe takes 1 s by default).</summary>
    private static readonly TimeSpan TentativeWait = TimeSpan.FromSeconds(5);

    /// <summary>How often to look again while the link-local address is tentative.</summary>
    private static readonly TimeSpan TentativePoll = TimeSpan.FromMilliseconds(50);

    private static async ValueTask<IPAddressValue?> TryFindSourceAddressAsync(RouteNetlink netlink, LinkInfo link, VrrpAddressFamily family, CancellationToken cancellationToken)
    {
        // An IPv6 link-local address right after the link comes up is tentative (DAD) and cannot be bound: wait, bounded,
        // without holding a thread.
        long deadline = Environment.TickCount64 + (long)TentativeWait.TotalMilliseconds;
        while (true)
        {
            bool tentative = false;
            foreach (var a in await netlink.GetAddressesAsync(link, family, cancellationToken).ConfigureAwait(false))
            {
                if (family == VrrpAddressFamily.IPv4 ? !a.IsSecondary : a.Address.IsIPv6LinkLocal)
                {
                    if (a.IsTentative)
                    {
                        tentative = true;
                        continue;
                    }

                    return a.Address;
                }
            }

            if (!tentative || Environment.TickCount64 >= deadline)
            {
                return null;
            }

            await Task.Delay(TentativePoll, cancellationToken).ConfigureAwait(false);
        }
    }

    // Pooled state machines: a send or receive that has to wait does not allocate a box per packet.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken)
    {
        if (!HeaderIncluded)
        {
            await _send.SendToAsync(message, SocketFlags.None, AddressOf(destination), cancellationToken).ConfigureAwait(false);
            return;
        }

        // unicast_ttl 0 over IPv4: the message behind a header of ours (see HeaderIncluded).
        var address = AddressOf(destination);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(IPv4Header.Length + message.Length);
        try
        {
            IPv4Header.Write(buffer, LocalAddress, destination, ttl: 0, message.Length);
            message.Span.CopyTo(buffer.AsSpan(IPv4Header.Length));
            await _send.SendToAsync(buffer.AsMemory(0, IPv4Header.Length + message.Length), SocketFlags.None, address, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private SocketAddress AddressOf(IPAddressValue destination)
    {
        if (destination.Family != Family)
        {
            throw new ArgumentException($"The destination {destination} is not {Family}.", nameof(destination));
        }

        if (IsGroup(destination))
        {
            return _group;
        }

        lock (_unicast)
        {
            if (!_unicast.TryGetValue(destination, out var address))
            {
                var ip = destination.ToIPAddress();
                if (ip.IsIPv6LinkLocal)
                {
                    ip.ScopeId = InterfaceIndex;
                }

                address = new IPEndPoint(ip, 0).Serialize();
                _unicast.Add(destination, address);
            }

            return address;
        }
    }

    private bool IsGroup(IPAddressValue destination)
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = destination.WriteTo(bytes);
        return bytes[..length].SequenceEqual(Family == VrrpAddressFamily.IPv4 ? IPv4Group : IPv6Group);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReceivedDatagram datagram;
            if (Family == VrrpAddressFamily.IPv4)
            {
                int n = await _receive.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                datagram = DescribeIPv4(buffer.Span[..n]);
            }
            else
            {
                // Wait until a datagram is queued without taking it, then take it with its ancillary data.
                await _receive.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
                if (!TryReceiveIPv6(buffer, out datagram))
                {
                    continue;
                }
            }

            return datagram;
        }
    }

    /// <summary>Reads source, destination and TTL from the IPv4 header; a packet too short for one gets -1 / zeros and the codec drops it.</summary>
    internal static ReceivedDatagram DescribeIPv4(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20)
        {
            return new ReceivedDatagram(packet.Length, true, default, default, -1);
        }

        return new ReceivedDatagram(packet.Length, true, IPAddressValue.FromIPv4(packet[12..]), IPAddressValue.FromIPv4(packet[16..]), packet[8]);
    }

    private unsafe bool TryReceiveIPv6(Memory<byte> buffer, out ReceivedDatagram datagram)
    {
        datagram = default;
        using MemoryHandle pin = buffer.Pin();
        byte* control = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_control));
        byte* name = control + ControlLength;
        Libc.IOVector vector = new() { Base = (byte*)pin.Pointer, Length = (nuint)buffer.Length };
        Libc.MessageHeader header = new()
        {
            Name = name,
            NameLength = NameLength,
            IOVectors = &vector,
            IOVectorCount = 1,
            Control = control,
            ControlLength = ControlLength,
        };
        nint received = Libc.RecvMsg(_receive.SafeHandle, &header, Libc.MSG_DONTWAIT);
        if (received < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Libc.EAGAIN or Libc.EINTR)
            {
                return false;
            }

            throw new SocketException(errno);
        }

        // sockaddr_in6 { u16 family, u16 port, u32 flowinfo, in6_addr addr, u32 scope }.
        var source = IPAddressValue.FromIPv6(new ReadOnlySpan<byte>(name + 8, 16));
        IPAddressValue destination = default;
        int hopLimit = -1;
        ReadCmsgs(new ReadOnlySpan<byte>(control, (int)header.ControlLength), ref destination, ref hopLimit);
        datagram = new ReceivedDatagram((int)Math.Min(received, buffer.Length), false, source, destination, hopLimit);
        return true;
    }

    /// <summary>Walks struct cmsghdr { u64 len, s32 level, s32 type, data } records (8-byte aligned on 64-bit).</summary>
    internal static void ReadCmsgs(ReadOnlySpan<byte> control, ref IPAddressValue destination, ref int hopLimit)
    {
        while (control.Length >= 16)
        {
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(control);
            if (length < 16 || length > control.Length)
            {
                return;
            }

            int level = BinaryPrimitives.ReadInt32LittleEndian(control[8..]);
            int type = BinaryPrimitives.ReadInt32LittleEndian(control[12..]);
            var data = control[16..length];
            if (level == SocketOptions.IPPROTO_IPV6)
            {
                if (type == SocketOptions.IPV6_HOPLIMIT && data.Length >= 4)
                {
                    hopLimit = BinaryPrimitives.ReadInt32LittleEndian(data);
                }
                else if (type == SocketOptions.IPV6_PKTINFO && data.Length >= 16)
                {
                    destination = IPAddressValue.FromIPv6(data);
                }
            }

            int next = (length + 7) & ~7;
            if (next >= control.Length)
            {
                return;
            }

            control = control[next..];
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _receive.Dispose();
        _send.Dispose();
    }
}
