using Microsoft.Extensions.DependencyInjection;
using Vrrp.Hosting;
using Vrrp.Linux.Interfaces;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived 2.2.7's names for the interfaces it names itself (vrrp.c create_vmac_name), with global_defs
/// <c>vmac_prefix</c> and <c>vmac_addr_prefix</c>, across a host's instances in file order. The lab comparison with
/// keepalived is Vrrp.Samples.Tests' VrrpdVirtualMacNameLabTests.
/// </summary>
public sealed class VirtualMacNameTests
{
    [Theory]
    [InlineData("vrrp", 51, new string[0], "vrrp.51")]
    [InlineData("vm", 51, new[] { "vm.51" }, "vm1.51")]
    [InlineData("addrvmacprefix", 51, new string[0], "addrvmacpref.51")]     // cut to 15 characters at the prefix's end
    [InlineData("addrvmacprefix", 255, new[] { "addrvmacpre.255" }, "addrvmacpr1.255")]
    public void Names_are_cut_and_numbered_as_keepalived_s(string prefix, int vrid, string[] used, string expected)
    {
        Assert.Equal(expected, VirtualMacNames.Create(prefix, (byte)vrid, VrrpAddressFamily.IPv4, new HashSet<string>(used)));
    }

    private static VrrpInstanceOptions Instance(string name, int vrid, string address, bool vmac = true) => new()
    {
        Name = name,
        Interface = "eth0",
        VirtualRouterId = vrid,
        UseVirtualMac = vmac,
        VirtualAddresses = [address],
    };

    [Fact]
    public void Each_instance_takes_the_first_name_no_other_instance_gives_or_took_before_it()
    {
        var v4 = Instance("VI_1", 51, "192.0.2.100");
        var v6 = Instance("VI_2", 51, "fd00::100");
        var alone6 = Instance("VI_3", 52, "fd00::101");
        var named = Instance("VI_4", 53, "192.0.2.101");
        named.VirtualMacInterface = "vm.54";                      // a later instance's name is taken from the start
        var later = Instance("VI_5", 54, "192.0.2.102");
        var addresses = Instance("VI_6", 55, "192.0.2.103", vmac: false);
        addresses.UseVirtualMacForAddresses = true;
        addresses.VirtualAddresses.Add("198.51.100.100/24 dev eth1");
        var ipvlan = Instance("VI_7", 55, "192.0.2.104", vmac: false);
        ipvlan.UseIpvlan = true;
        ipvlan.IpvlanAddress = "192.0.2.21";
        var all = new VrrpOptions { VirtualMacPrefix = "vm", Instances = [v4, v6, alone6, named, later, addresses, ipvlan] };

        string? Own(VrrpInstanceOptions i)
        {
            var o = VrrpLinuxBuilderExtensions.LinuxInstanceOptionsOf(all, i);
            return o.UseIpvlan ? o.IpvlanInterface : o.VirtualMacInterface;
        }

        Assert.Equal(["vm.51", "vm6.51", "vm.52", "vm.54", "vm1.54", null, "vm1.55"], all.Instances.Select(Own));

        // VI_6's address on eth1 took vm.55 (vmac_addr_prefix unset: vmac_prefix), so the ipvlan after it is vm1.55.
        var six = VrrpLinuxBuilderExtensions.LinuxInstanceOptionsOf(all, addresses);
        Assert.Equal(("vm", null), (six.VirtualMacPrefix, six.VirtualMacAddressPrefix));
        Assert.Equal(["vm.51", "vm.52", "vm.54", "vm1.54", "vm6.51"], six.ReservedInterfaceNames.Order(StringComparer.Ordinal));
    }
}
