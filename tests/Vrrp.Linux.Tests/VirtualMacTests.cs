using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>Virtual-MAC (macvlan, keepalived use_vmac) interfaces created and removed through rtnetlink.</summary>
public sealed class VirtualMacTests
{
    [Trait("Rfc", "9568-7.3-a")]
    [Trait("Rfc", "9568-7.4-a")]
    [Theory]
    [InlineData(VrrpAddressFamily.IPv4, "00:00:5e:00:01:33", "192.0.2.100/32")]
    [InlineData(VrrpAddressFamily.IPv6, "00:00:5e:00:02:33", "2001:db8:50::100/64")]
    public async Task Creates_an_up_bridge_mode_macvlan_with_the_virtual_mac_carrying_the_vip(VrrpAddressFamily family, string mac, string vip)
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        using var platform = LinuxVrrpPlatform.Create(r1.Namespace);

        string name = platform.CreateVirtualMacInterface("eth0", 51, family);
        Assert.Equal(family == VrrpAddressFamily.IPv4 ? "vrrp.51" : "vrrp6.51", name);
        string details = r1.Exec("ip", "-d", "link", "show", name);
        TestContext.Current.TestOutputHelper?.WriteLine(details);
        Assert.Contains("link/ether " + mac, details);
        Assert.Contains("macvlan mode bridge", details);
        Assert.Contains("@eth0", details);
        Assert.Matches(@"<[^>]*\bUP\b[^>]*>", details);

        if (family == VrrpAddressFamily.IPv6)
        {
            // No link-local address of its own (it would be the same on every router): the parent's.
            string parentLinkLocal = r1.Exec("ip", "-6", "-br", "addr", "show", "dev", "eth0", "scope", "link").Split(' ', StringSplitOptions.RemoveEmptyEntries)[2];
            string own = r1.Exec("ip", "-6", "-br", "addr", "show", "dev", name, "scope", "link");
            Assert.Equal([parentLinkLocal], own.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Skip(2).ToArray());
        }

        await platform.Addresses.AddAsync(name, VirtualAddress.Parse(vip), TestContext.Current.CancellationToken);
        Assert.Contains(vip.Split('/')[0], r1.Addresses(name));

        // A second create with the same name is refused by the kernel (EEXIST), naming the operation.
        var ex = Assert.Throws<NetlinkException>(() => platform.CreateVirtualMacInterface("eth0", 51, family));
        Assert.Equal(17, ex.Errno);
        Assert.Contains(name, ex.Message);

        Assert.True(platform.RemoveVirtualMacInterface(name));
        Assert.DoesNotContain(name, r1.Exec("ip", "link", "show"));
        Assert.DoesNotContain(vip.Split('/')[0], r1.Exec("ip", "addr", "show"));
        Assert.False(platform.RemoveVirtualMacInterface(name));
    }

    [Fact]
    public void Unknown_parent_fails_with_enodev_and_creates_nothing()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var platform = LinuxVrrpPlatform.Create(r1.Namespace);
        var ex = Assert.Throws<NetlinkException>(() => platform.CreateVirtualMacInterface("nosuch0", 7, VrrpAddressFamily.IPv4));
        Assert.Equal(19, ex.Errno);
        Assert.Contains("nosuch0", ex.Message);
        Assert.DoesNotContain("vrrp.7", r1.Exec("ip", "link", "show"));
    }

    [Trait("Rfc", "9568-7.3-a")]
    [Fact]
    public void Virtual_mac_follows_rfc_9568()
    {
        Assert.Equal(new byte[] { 0, 0, 0x5e, 0, 1, 0xff }, LinuxVrrpPlatform.VirtualMac(255, VrrpAddressFamily.IPv4));
        Assert.Equal(new byte[] { 0, 0, 0x5e, 0, 2, 1 }, LinuxVrrpPlatform.VirtualMac(1, VrrpAddressFamily.IPv6));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinuxVrrpPlatform.VirtualMac(0, VrrpAddressFamily.IPv4));
    }
}
