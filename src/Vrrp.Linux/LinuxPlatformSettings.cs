using Vrrp.Linux.Nftables;

namespace Vrrp.Linux;

/// <summary>
/// Namespace-wide settings of the Linux data plane that keepalived.conf's global_defs gives (the Accept_Mode filter's
/// table: <c>nftables</c>, <c>nftables_priority</c>, <c>nftables_ifindex</c>, <c>nftables_counters</c>; the netlink
/// sockets' receive buffers: <c>vrrp_netlink_cmd_rcv_bufs</c>, <c>vrrp_netlink_monitor_rcv_bufs</c>); UseLinux fills them
/// from <c>VrrpOptions</c>.
/// </summary>
internal sealed record LinuxPlatformSettings
{
    /// <summary>The defaults: table <c>inet vrrp</c>, priority -1, no counters, link-local addresses matched by name.</summary>
    public static LinuxPlatformSettings Default { get; } = new();

    /// <summary>The Accept_Mode filter's table name (family inet).</summary>
    public string FirewallTable { get; init; } = AcceptModeFilter.DefaultTableName;

    /// <summary>The hook priority of the filter's chains.</summary>
    public int FirewallChainPriority { get; init; } = AcceptModeFilter.DefaultChainPriority;

    /// <summary>Whether the drop rules count (keepalived <c>nftables_counters</c>).</summary>
    public bool FirewallCounters { get; init; }

    /// <summary>
    /// Whether IPv6 link-local addresses are matched by interface index also for instances with <c>dont_track_primary</c>
    /// (keepalived <c>nftables_ifindex</c>); without it they are matched by index except for those, by name.
    /// </summary>
    public bool FirewallInterfaceIndex { get; init; }

    /// <summary>The receive buffer of the rtnetlink command socket (<c>vrrp_netlink_cmd_rcv_bufs</c>); 0 leaves the kernel's default.</summary>
    public int NetlinkCommandReceiveBuffer { get; init; }

    /// <summary>Whether <see cref="NetlinkCommandReceiveBuffer"/> is set with SO_RCVBUFFORCE.</summary>
    public bool NetlinkCommandReceiveBufferForce { get; init; }

    /// <summary>The receive buffer of the link and address event sockets (<c>vrrp_netlink_monitor_rcv_bufs</c>); 0 leaves 1 MiB.</summary>
    public int NetlinkMonitorReceiveBuffer { get; init; }

    /// <summary>Whether <see cref="NetlinkMonitorReceiveBuffer"/> is set with SO_RCVBUFFORCE.</summary>
    public bool NetlinkMonitorReceiveBufferForce { get; init; }

    /// <summary>keepalived's <c>max_auto_priority</c>: the highest SCHED_RR priority the loop thread raises itself to when late; 0 never.</summary>
    public int MaxAutoPriority { get; init; }

    /// <summary>keepalived's <c>min_auto_priority_delay</c>: how late a wake-up must be to raise the priority.</summary>
    public TimeSpan MinAutoPriorityDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>keepalived's <c>disable_local_igmp</c>: net.ipv4.igmp_link_local_mcast_reports 0 while running.</summary>
    public bool DisableLocalIgmp { get; init; }
}
