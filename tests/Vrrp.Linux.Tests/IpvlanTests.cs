using Vrrp.Election;
using Vrrp.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Vrrp.Linux.Interfaces;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Resources;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived's <c>use_ipvlan</c> (issue 12), the parts that need no kernel: the options reach the platform, the
/// instance is moved onto the ipvlan with its address as the advert source, and an existing ipvlan is recognised as
/// one to adopt only when keepalived would use it. The kernel side (the RTM_NEWLINK keepalived sends, the interfaces
/// both leave, failover) is in Vrrp.Samples.Tests' VrrpdIpvlanLabTests.
/// </summary>
public sealed class IpvlanTests
{
    private static readonly VirtualRouterConfiguration Router = new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 51,
        Priority = 100,
        VirtualAddresses = [VirtualAddress.Parse("192.0.2.150/32")],
    };

    [Fact]
    public void The_platform_options_carry_use_ipvlan()
    {
        var options = VrrpLinuxBuilderExtensions.LinuxInstanceOptionsOf(new VrrpInstanceOptions
        {
            Name = "VI_1",
            Interface = "eth0",
            VirtualRouterId = 51,
            UseIpvlan = true,
            IpvlanInterface = "ipv1",
            IpvlanAddress = "192.0.2.21/24",
            IpvlanMode = IpvlanMode.Vepa,
            VirtualAddresses = ["192.0.2.150"],
        });
        Assert.Equal((true, "ipv1", VirtualAddress.Parse("192.0.2.21/24"), IpvlanMode.Vepa), (options.UseIpvlan, options.IpvlanInterface, options.IpvlanAddress, options.IpvlanMode));
        Assert.False(options.UseVirtualMac);
    }

    [Fact]
    public void The_instance_runs_on_the_ipvlan_from_its_address_unless_it_names_a_source()
    {
        var options = new LinuxInstanceOptions { UseIpvlan = true, IpvlanAddress = VirtualAddress.Parse("192.0.2.21/24"), PromoteSecondaries = true };
        var configured = new LinuxVirtualRouterResources(null!, options, null).Configure(Router);
        Assert.Equal(("vrrp.51", IPAddressValue.Parse("192.0.2.21")), (configured.InterfaceName, configured.SourceAddress));
        Assert.Equal(Router.VirtualAddresses, configured.VirtualAddresses); // on the ipvlan: they name no other device

        var named = new LinuxVirtualRouterResources(null!, options with { IpvlanInterface = "ipv1" }, null)
            .Configure(Router with { SourceAddress = IPAddressValue.Parse("192.0.2.30") });
        Assert.Equal(("ipv1", IPAddressValue.Parse("192.0.2.30")), (named.InterfaceName, named.SourceAddress));
    }

    [Theory]
    [InlineData("ipvlan", 2, 0, 1, IpvlanMode.Private, true)]
    [InlineData("ipvlan", 2, 0, 0, IpvlanMode.Private, false)] // another mode: keepalived does not use it
    [InlineData("ipvlan", 2, 1, 1, IpvlanMode.Private, false)] // L3
    [InlineData("ipvlan", 3, 0, 1, IpvlanMode.Private, false)] // another parent
    [InlineData("macvlan", 2, 0, 1, IpvlanMode.Private, false)]
    public void An_existing_interface_is_adopted_only_when_keepalived_would_use_it(string kind, int parent, ushort mode, ushort flags, IpvlanMode wanted, bool adopted)
    {
        byte[] buffer = new byte[256];
        var w = new NetlinkMessageWriter(buffer, Nl.RTM_NEWLINK, 0, 0);
        w.WriteIfInfo(Nl.AF_UNSPEC, 7, Nl.IFF_UP, 0);
        w.AddString(Nl.IFLA_IFNAME, "vrrp.51");
        w.AddUInt32(Nl.IFLA_LINK, (uint)parent);
        int info = w.BeginNested(Nl.IFLA_LINKINFO);
        w.AddString(Nl.IFLA_INFO_KIND, kind);
        int data = w.BeginNested(Nl.IFLA_INFO_DATA);
        w.AddUInt16(Nl.IFLA_IPVLAN_MODE, mode);
        w.AddUInt16(Nl.IFLA_IPVLAN_FLAGS, flags);
        w.EndNested(data);
        w.EndNested(info);
        var reader = new NetlinkMessageReader(w.Finish());
        Assert.True(reader.TryRead(out var message));
        var link = RouteNetlink.ParseLink(message)!;
        Assert.Equal(kind == "ipvlan" ? (mode, flags) : (-1, -1), (link.IpvlanMode, link.IpvlanFlags));
        Assert.Equal(adopted, IpvlanInterfaces.IsMatching(link, new LinkInfo(2, "eth0", Nl.IFF_UP, []), wanted));
    }
}
