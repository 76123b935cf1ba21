using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>
/// Link and address events from rtnetlink notifications (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR).
/// Each <see cref="WatchAsync"/> has its own subscription socket. Link events are reported on change only
/// (the kernel repeats RTM_NEWLINK for many reasons); after a notification overflow (ENOBUFS) the link table is
/// re-read and the differences reported.
/// </summary>
internal sealed class NetlinkLinkMonitor : ILinkMonitor
{
    private readonly RouteNetlink _netlink;
    private readonly string? _networkNamespace;
    private readonly int _receiveBuffer;
    private readonly bool _forceReceiveBuffer;

    /// <param name="netlink">The command socket, for the link table.</param>
    /// <param name="networkNamespace">The namespace of the subscriptions.</param>
    /// <param name="receiveBuffer">The subscriptions' receive buffer (keepalived <c>vrrp_netlink_monitor_rcv_bufs</c>); 0 for 1 MiB.</param>
    /// <param name="forceReceiveBuffer">Set it with SO_RCVBUFFORCE (<c>vrrp_netlink_monitor_rcv_bufs_force</c>).</param>
    internal NetlinkLinkMonitor(RouteNetlink netlink, string? networkNamespace, int receiveBuffer = 0, bool forceReceiveBuffer = false)
    {
        _netlink = netlink;
        _networkNamespace = networkNamespace;
        _receiveBuffer = receiveBuffer;
        _forceReceiveBuffer = forceReceiveBuffer;
    }

    public bool IsUp(string interfaceName)
    {
        try
        {
            return _netlink.GetLink(interfaceName).IsUp;
        }
        catch (NetlinkException ex) when (ex.Errno == Libc.ENODEV)
        {
            return false;
        }
    }

    /// <remarks>Cancelling ends the stream without an exception.</remarks>
    public async IAsyncEnumerable<LinkEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = NetlinkSocket.Open(_networkNamespace, Nl.RTNLGRP_LINK, Nl.RTNLGRP_IPV4_IFADDR, Nl.RTNLGRP_IPV6_IFADDR);
        if (_receiveBuffer > 0)
        {
            subscription.SetReceiveBuffer(_receiveBuffer, _forceReceiveBuffer);
        }
        var links = new Dictionary<int, (string Name, bool Up)>();
        foreach (var link in _netlink.GetLinks())
        {
            links[link.Index] = (link.Name, link.IsUp);
        }

        var buffer = new byte[64 * 1024];
        var events = new List<LinkEvent>();
        while (!cancellationToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await subscription.Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            catch (SocketException ex) when (ex.NativeErrorCode == Libc.ENOBUFS)
            {
                Resynchronise(links, events);
                received = 0;
            }

            Decode(buffer.AsSpan(0, received), links, events);
            foreach (var e in events)
            {
                yield return e;
            }

            events.Clear();
        }
    }

    private void Resynchronise(Dictionary<int, (string Name, bool Up)> links, List<LinkEvent> events)
    {
        var now = _netlink.GetLinks();
        var seen = new HashSet<int>();
        foreach (var link in now)
        {
            seen.Add(link.Index);
            if (!links.TryGetValue(link.Index, out var old) || old.Up != link.IsUp)
            {
                events.Add(new LinkEvent(link.Name, link.IsUp ? LinkEventKind.Up : LinkEventKind.Down));
            }

            links[link.Index] = (link.Name, link.IsUp);
        }

        foreach (int index in links.Keys.Where(i => !seen.Contains(i)).ToList())
        {
            events.Add(new LinkEvent(links[index].Name, LinkEventKind.Removed));
            links.Remove(index);
        }
    }

    /// <summary>Turns one notification datagram into events.</summary>
    internal static void Decode(ReadOnlySpan<byte> datagram, Dictionary<int, (string Name, bool Up)> links, List<LinkEvent> events)
    {
        var reader = new NetlinkMessageReader(datagram);
        while (reader.TryRead(out var message))
        {
            switch (message.Type)
            {
                case Nl.RTM_NEWLINK when RouteNetlink.ParseLink(message) is { } link:
                    bool known = links.TryGetValue(link.Index, out var old);
                    links[link.Index] = (link.Name, link.IsUp);
                    if (!known || old.Up != link.IsUp)
                    {
                        events.Add(new LinkEvent(link.Name, link.IsUp ? LinkEventKind.Up : LinkEventKind.Down));
                    }

                    break;
                case Nl.RTM_DELLINK when RouteNetlink.ParseLink(message) is { } gone:
                    links.Remove(gone.Index);
                    events.Add(new LinkEvent(gone.Name, LinkEventKind.Removed));
                    break;
                case Nl.RTM_NEWADDR or Nl.RTM_DELADDR when RouteNetlink.TryParseAddress(message.Payload, out int index, out var address):
                    string name = links.TryGetValue(index, out var l) ? l.Name : $"if{index}";
                    events.Add(new LinkEvent(name, message.Type == Nl.RTM_NEWADDR ? LinkEventKind.AddressAdded : LinkEventKind.AddressRemoved, address.Address));
                    break;
            }
        }
    }
}
