namespace Vrrp.Linux;

/// <summary>The Linux capabilities the data plane needs (numbers from linux/capability.h).</summary>
public enum LinuxCapability
{
    /// <summary>CAP_NET_ADMIN: add and remove addresses, create macvlan interfaces.</summary>
    NetAdmin = 12,

    /// <summary>CAP_NET_RAW: raw sockets for VRRP (protocol 112) and packet sockets for ARP / neighbour advertisements.</summary>
    NetRaw = 13,
}
