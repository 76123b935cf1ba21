namespace Vrrp.Hosting;

/// <summary>
/// The nftables table of the Accept_Mode filter (keepalived's <c>nftables [TABLE]</c>, <c>nftables_priority</c>,
/// <c>nftables_ifindex</c>, <c>nftables_counters</c>, and <c>vrrp_iptables</c>, which keepalived 2.2.7 built without
/// iptables reads as <c>nftables</c>). The Linux platform drops traffic to the virtual addresses of a master that is not
/// their owner whenever <see cref="VrrpInstanceOptions.Accept"/> is false (RFC 9568 section 6.4.3), with or without
/// these settings; keepalived filters only when one of the keywords is given. The table is of family inet (keepalived
/// makes one ip and one ip6 table of the name) with chains <c>input</c> and <c>output</c>.
/// </summary>
public sealed class VrrpFirewallOptions
{
    /// <summary>The table's name when none is set: <c>vrrp</c>.</summary>
    public const string DefaultTableName = "vrrp";

    /// <summary>keepalived's table name (<c>nftables</c> without a name, and <c>vrrp_iptables</c>).</summary>
    public const string KeepalivedTableName = "keepalived";

    /// <summary>keepalived's default chain priority: just before the usual filter chains (priority 0).</summary>
    public const int DefaultChainPriority = -1;

    /// <summary>
    /// The table's name (<c>nftables [TABLE]</c>: a letter, then letters, digits, '_', '-' or '.', at most 255
    /// characters); null for <see cref="DefaultTableName"/>.
    /// </summary>
    public string? TableName { get; set; }

    /// <summary>The hook priority of the table's input and output chains (<c>nftables_priority</c>, default -1).</summary>
    public int ChainPriority { get; set; } = DefaultChainPriority;

    /// <summary>
    /// Match IPv6 link-local virtual addresses with their interface's index also for instances with
    /// <c>dont_track_primary</c> (<c>nftables_ifindex</c>). Without it, as keepalived, they are matched by interface
    /// index, except for an instance with <c>dont_track_primary</c>, whose addresses on its own interface are matched
    /// by interface name (the interface may be deleted and created again with another index).
    /// </summary>
    public bool MatchInterfaceIndex { get; set; }

    /// <summary>Count the packets and bytes each drop rule drops (<c>nftables_counters</c>; <c>nft list table</c> shows them).</summary>
    public bool Counters { get; set; }
}
