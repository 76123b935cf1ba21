namespace Vrrp.Hosting;

/// <summary>
/// How an instance's ipvlan (keepalived <c>use_ipvlan</c>, <see cref="VrrpInstanceOptions.UseIpvlan"/>) forwards
/// between the ipvlans of one parent: the kernel's IFLA_IPVLAN_FLAGS of an L2 ipvlan.
/// </summary>
public enum IpvlanMode
{
    /// <summary>keepalived's default, <c>bridge</c>: ipvlans of the same parent reach each other inside the host.</summary>
    Bridge = 0,

    /// <summary><c>private</c> (IPVLAN_F_PRIVATE): ipvlans of the same parent do not reach each other.</summary>
    Private = 1,

    /// <summary><c>vepa</c> (IPVLAN_F_VEPA): traffic between ipvlans of the same parent goes out through the parent to the switch.</summary>
    Vepa = 2,
}
