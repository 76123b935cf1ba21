namespace Vrrp.Hosting;

/// <summary>
/// The receive buffers of the Linux platform's sockets (keepalived's <c>vrrp_netlink_cmd_rcv_bufs</c>,
/// <c>vrrp_netlink_monitor_rcv_bufs</c>, <c>process_monitor_rcv_bufs</c>, each with its <c>_force</c> keyword). A size
/// of 0 leaves the platform's own choice. The kernel doubles the size asked for (its bookkeeping), as
/// <c>getsockopt(SO_RCVBUF)</c> and <c>ss -m</c> show; without force it is capped at <c>net.core.rmem_max</c>, with
/// force (SO_RCVBUFFORCE, which needs CAP_NET_ADMIN) it is not.
/// </summary>
public sealed class VrrpReceiveBufferOptions
{
    /// <summary>
    /// The rtnetlink socket that adds and removes addresses, routes and links (<c>vrrp_netlink_cmd_rcv_bufs</c>, bytes);
    /// 0 leaves the kernel's default (keepalived asks for 64 KiB then).
    /// </summary>
    public int NetlinkCommand { get; set; }

    /// <summary>Set <see cref="NetlinkCommand"/> with SO_RCVBUFFORCE (<c>vrrp_netlink_cmd_rcv_bufs_force</c>).</summary>
    public bool NetlinkCommandForce { get; set; }

    /// <summary>
    /// The rtnetlink sockets that receive link and address events (<c>vrrp_netlink_monitor_rcv_bufs</c>, bytes); 0
    /// leaves the platform's 1 MiB (capped at net.core.rmem_max; keepalived asks for 64 KiB then).
    /// </summary>
    public int NetlinkMonitor { get; set; }

    /// <summary>Set <see cref="NetlinkMonitor"/> with SO_RCVBUFFORCE (<c>vrrp_netlink_monitor_rcv_bufs_force</c>).</summary>
    public bool NetlinkMonitorForce { get; set; }

    /// <summary>
    /// The process connector socket of <c>vrrp_track_process</c> (<c>process_monitor_rcv_bufs</c>, bytes); 0 leaves the
    /// platform's 1 MiB (asked with SO_RCVBUFFORCE, else SO_RCVBUF). It is doubled when events are lost, as keepalived does.
    /// </summary>
    public int ProcessMonitor { get; set; }

    /// <summary>Set <see cref="ProcessMonitor"/> (and its doublings) with SO_RCVBUFFORCE (<c>process_monitor_rcv_bufs_force</c>).</summary>
    public bool ProcessMonitorForce { get; set; }

    /// <summary>keepalived's default of <see cref="VrrpSocketMultiplier"/>.</summary>
    public const int DefaultVrrpSocketMultiplier = 3;

    /// <summary>
    /// How the VRRP receive socket's buffer is sized (<c>vrrp_rx_bufs_policy MTU|ADVERT|SIZE</c>), as keepalived 2.2.7
    /// sizes it: each instance adds its share to its socket's (instances on one interface and family share one), and the
    /// sum is set with SO_RCVBUF. <see cref="VrrpReceiveBufferPolicy.Default"/> leaves the platform's 4 MiB (keepalived
    /// leaves the kernel's default then).
    /// </summary>
    public VrrpReceiveBufferPolicy VrrpSocketPolicy { get; set; }

    /// <summary>Each instance's share in bytes with <see cref="VrrpReceiveBufferPolicy.Size"/> (<c>vrrp_rx_bufs_policy N</c>).</summary>
    public int VrrpSocketSize { get; set; }

    /// <summary>
    /// How many MTUs or adverts each instance's share holds with <see cref="VrrpReceiveBufferPolicy.Mtu"/> or
    /// <see cref="VrrpReceiveBufferPolicy.Advert"/> (<c>vrrp_rx_bufs_multiplier</c>, 1 or more, default 3).
    /// </summary>
    public int VrrpSocketMultiplier { get; set; } = DefaultVrrpSocketMultiplier;
}

/// <summary>How the VRRP receive socket's buffer is sized (keepalived <c>vrrp_rx_bufs_policy</c>).</summary>
public enum VrrpReceiveBufferPolicy
{
    /// <summary>No policy: the platform's own buffer.</summary>
    Default,

    /// <summary><c>MTU</c>: each instance adds the multiplier times its interface's MTU.</summary>
    Mtu,

    /// <summary><c>ADVERT</c>: each instance adds the multiplier times the length of its advert as received (IPv4 with its header).</summary>
    Advert,

    /// <summary>A number: each instance adds that many bytes.</summary>
    Size,
}
