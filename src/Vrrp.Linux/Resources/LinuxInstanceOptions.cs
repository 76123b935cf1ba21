using Vrrp.Hosting;
using Vrrp.Linux.Routing;

namespace Vrrp.Linux;

/// <summary>
/// What one instance asks of the Linux platform besides its addresses (keepalived's <c>use_vmac</c>,
/// <c>vmac_xmit_base</c>, <c>use_ipvlan</c>, <c>virtual_routes</c>, <c>virtual_rules</c>): give it to
/// <see cref="LinuxVrrpPlatform.CreateResources"/>. Accept_Mode comes from the instance's own configuration.
/// </summary>
public sealed record LinuxInstanceOptions
{
    private readonly IReadOnlyList<VirtualRoute> _routes = [];
    private readonly IReadOnlyList<VirtualRule> _rules = [];
    private readonly IReadOnlyList<IPAddressValue> _virtualMacAddresses = [];
    private readonly IReadOnlyList<string> _reservedInterfaceNames = [];

    /// <summary>
    /// Run the instance on a virtual-MAC interface (keepalived <c>use_vmac</c>): a macvlan with 00-00-5E-00-01-VRID
    /// (IPv6: 00-00-5E-00-02-VRID) created on the instance's interface at start (or adopted, when a crashed run left
    /// it) and removed at stop. It carries the addresses that name no other device, sends the adverts (unless
    /// <see cref="VirtualMacTransmitBase"/>) and the gratuitous ARPs / neighbour advertisements, so that a client's
    /// neighbour entry for the addresses does not change on failover.
    /// </summary>
    public bool UseVirtualMac { get; init; }

    /// <summary>The virtual-MAC interface's name, or null for keepalived's default <c>vrrp.VRID</c> (<c>vrrp6.VRID</c>).</summary>
    public string? VirtualMacInterface { get; init; }

    /// <summary>
    /// Run the instance on an L2 ipvlan of its interface (keepalived <c>use_ipvlan</c>): created on the instance's
    /// interface at start as keepalived 2.2.7 creates it (or adopted, when a crashed run left a matching one) and removed
    /// at stop. It shares the interface's MAC, carries <see cref="IpvlanAddress"/> (the advert source unless the
    /// instance names one), sends and receives the adverts, and carries the addresses that name no other device and
    /// their announcements. The kernel needs ipvlan support (CONFIG_IPVLAN): without it the instance does not start
    /// (keepalived's stays in Fault). Not with <see cref="UseVirtualMac"/>.
    /// </summary>
    public bool UseIpvlan { get; init; }

    /// <summary>The ipvlan's name, or null for keepalived's default <c>vrrp.VRID</c> (<c>vrrp6.VRID</c>), as for <see cref="VirtualMacInterface"/>.</summary>
    public string? IpvlanInterface { get; init; }

    /// <summary>The ipvlan's address (keepalived <c>use_ipvlan ADDRESS[/PREFIX]</c>), or null; an IPv4 instance needs one.</summary>
    public VirtualAddress? IpvlanAddress { get; init; }

    /// <summary>The ipvlan's mode: bridge (keepalived's default), private or vepa.</summary>
    public IpvlanMode IpvlanMode { get; init; }

    /// <summary>
    /// keepalived <c>vmac_xmit_base</c>: adverts are sent and received on the instance's own interface (its MAC and
    /// address), while the addresses and their announcements stay on the virtual-MAC interface. keepalived requires it
    /// with unicast peers.
    /// </summary>
    public bool VirtualMacTransmitBase { get; init; }

    /// <summary>
    /// keepalived <c>promote_secondaries</c>: <c>net.ipv4.conf.IF.promote_secondaries</c> is set to 1 on the instance's
    /// interface while it runs (when it was 0; restored with the last instance that asked), so that removing the
    /// interface's primary address does not remove the virtual addresses of its subnet. Ignored with
    /// <see cref="UseVirtualMac"/>, whose interface has it already (as keepalived says).
    /// </summary>
    public bool PromoteSecondaries { get; init; }

    /// <summary>
    /// keepalived <c>use_vmac_addr</c>: every virtual (or excluded) address on another interface than the instance's
    /// (<c>dev</c>), or of the other address family, goes on a virtual-MAC interface of its own on that interface (one
    /// per interface and family: a macvlan with 00-00-5E-00-01-VRID, IPv6 00-00-5E-00-02-VRID, named as keepalived
    /// names it: <c>vrrp.VRID</c>, or <c>vrrpN.VRID</c> when that name is taken), so that its announcements and the
    /// clients' neighbour entries carry the virtual MAC too. The interface is created at start and removed at stop.
    /// </summary>
    public bool UseVirtualMacForAddresses { get; init; }

    /// <summary>
    /// The addresses marked <c>use_vmac</c> in keepalived's <c>virtual_ipaddress</c>: each goes on a virtual-MAC
    /// interface of its own, as with <see cref="UseVirtualMacForAddresses"/> (keepalived ignores the mark, with an
    /// error, for an address that already goes on the instance's own virtual-MAC interface).
    /// </summary>
    public IReadOnlyList<IPAddressValue> VirtualMacAddresses
    {
        get => _virtualMacAddresses;
        init => _virtualMacAddresses = [.. value ?? throw new ArgumentNullException(nameof(VirtualMacAddresses))];
    }

    /// <summary>
    /// keepalived <c>vmac_prefix</c>: the start of the names of the interfaces named automatically (the instance's own
    /// virtual-MAC interface or ipvlan when <see cref="VirtualMacInterface"/> / <see cref="IpvlanInterface"/> is null,
    /// and the addresses' virtual-MAC interfaces unless <see cref="VirtualMacAddressPrefix"/> is set); null for
    /// keepalived's <c>vrrp</c>. Names are cut to 15 characters at the end of the prefix, as keepalived cuts them.
    /// </summary>
    public string? VirtualMacPrefix { get; init; }

    /// <summary>keepalived <c>vmac_addr_prefix</c>: the start of the names of the addresses' virtual-MAC interfaces (<see cref="UseVirtualMacForAddresses"/>); null for <see cref="VirtualMacPrefix"/>.</summary>
    public string? VirtualMacAddressPrefix { get; init; }

    /// <summary>
    /// Names the interfaces named automatically avoid, as keepalived's create_vmac_name avoids the names of the other
    /// instances' interfaces (AddVrrp with UseLinux fills it from the instances before this one).
    /// </summary>
    public IReadOnlyList<string> ReservedInterfaceNames
    {
        get => _reservedInterfaceNames;
        init => _reservedInterfaceNames = [.. value ?? throw new ArgumentNullException(nameof(ReservedInterfaceNames))];
    }

    /// <summary>Routes installed while master, removed otherwise (keepalived <c>virtual_routes</c>).</summary>
    public IReadOnlyList<VirtualRoute> Routes
    {
        get => _routes;
        init => _routes = [.. value ?? throw new ArgumentNullException(nameof(Routes))];
    }

    /// <summary>Policy rules installed while master, removed otherwise (keepalived <c>virtual_rules</c>).</summary>
    public IReadOnlyList<VirtualRule> Rules
    {
        get => _rules;
        init => _rules = [.. value ?? throw new ArgumentNullException(nameof(Rules))];
    }
}
