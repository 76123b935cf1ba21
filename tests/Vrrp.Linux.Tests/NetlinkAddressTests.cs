using Vrrp.Linux.Netlink;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>rtnetlink addresses on a real interface in a namespace, checked against <c>ip addr</c>.</summary>
public sealed class NetlinkAddressTests
{
    [Fact]
    public async Task Adds_lists_and_removes_IPv4_and_IPv6_addresses_with_labels()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        using var platform = LinuxVrrpPlatform.Create(r1.Namespace);
        var ct = TestContext.Current.CancellationToken;

        var v4 = new VirtualAddress(IPAddressValue.Parse("192.0.2.100"), 32, label: "eth0:vip");
        var v6 = new VirtualAddress(IPAddressValue.Parse("2001:db8:50::100"), 64);
        await platform.Addresses.AddAsync("eth0", v4, ct);
        await platform.Addresses.AddAsync("eth0", v6, ct);

        string shown = r1.Exec("ip", "addr", "show", "dev", "eth0");
        Assert.Contains("inet 192.0.2.100/32 scope global eth0:vip", shown);
        Assert.Contains("inet6 2001:db8:50::100/64 scope global", shown);

        var listed = platform.GetAddresses("eth0");
        Assert.Contains(listed, a => a.Address == v4.Address && a.PrefixLength == 32 && a.Label == "eth0:vip");
        Assert.Contains(listed, a => a.Address == v6.Address && a.PrefixLength == 64);
        Assert.Contains(listed, a => a.Address == IPAddressValue.Parse("192.0.2.11") && !a.IsSecondary);
        Assert.Contains(listed, a => a.Address.IsIPv6LinkLocal);
        Assert.All(platform.GetAddresses("eth0", VrrpAddressFamily.IPv4), a => Assert.Equal(VrrpAddressFamily.IPv4, a.Address.Family));
        Assert.True(await platform.Addresses.ContainsAsync("eth0", v4.Address, ct));
        Assert.True(await platform.Addresses.ContainsAsync("eth0", v6.Address, ct));

        // Adding again is idempotent (EEXIST handled), and so is removing twice (EADDRNOTAVAIL handled).
        await platform.Addresses.AddAsync("eth0", v4, ct);
        await platform.Addresses.AddAsync("eth0", v6, ct);
        await platform.Addresses.RemoveAsync("eth0", v4, ct);
        await platform.Addresses.RemoveAsync("eth0", v6, ct);
        await platform.Addresses.RemoveAsync("eth0", v4, ct);
        await platform.Addresses.RemoveAsync("eth0", v6, ct);

        shown = r1.Exec("ip", "addr", "show", "dev", "eth0");
        Assert.DoesNotContain("192.0.2.100", shown);
        Assert.DoesNotContain("2001:db8:50::100", shown);
        Assert.False(await platform.Addresses.ContainsAsync("eth0", v4.Address, ct));
        Assert.Contains("192.0.2.11/24", shown); // the interface's own address is untouched
    }

    [Fact]
    public async Task Unknown_interface_fails_with_errno_and_the_interface_named()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var platform = LinuxVrrpPlatform.Create(r1.Namespace);
        var vip = VirtualAddress.Parse("192.0.2.100/32");

        var ex = await Assert.ThrowsAsync<NetlinkException>(() => platform.Addresses.AddAsync("nosuch0", vip, TestContext.Current.CancellationToken).AsTask());
        Assert.Equal(19, ex.Errno); // ENODEV
        Assert.Contains("nosuch0", ex.Message);
        Assert.Contains(r1.Namespace, ex.Message);
        Assert.Throws<NetlinkException>(() => platform.GetAddresses("nosuch0"));

        // Removing from a missing interface is not an error: there is nothing left to remove.
        await platform.Addresses.RemoveAsync("nosuch0", vip, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Kernel_refusal_carries_the_extended_ack_message_and_changes_nothing()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        string before = r1.Exec("ip", "addr", "show", "dev", "eth0");
        using var netlink = RouteNetlink.Open(r1.Namespace);
        var link = netlink.GetLink("eth0");
        using var socket = NetlinkSocket.Open(r1.Namespace);

        // A request the public API never sends (IPv4 prefix length 33): the kernel explains it in an extended ack.
        var ex = Assert.Throws<NetlinkException>(() => socket.Execute(
            Nl.RTM_NEWADDR,
            Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfAddr(Nl.AF_INET, 33, 0, 0, link.Index);
                w.AddAttribute(Nl.IFA_LOCAL, [192, 0, 2, 100]);
            },
            "add address 192.0.2.100/33 to eth0"));
        TestContext.Current.TestOutputHelper?.WriteLine(ex.Message);
        Assert.Equal(22, ex.Errno); // EINVAL
        Assert.False(string.IsNullOrWhiteSpace(ex.KernelMessage));
        Assert.Contains("prefix", ex.KernelMessage!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ex.KernelMessage!, ex.Message);
        Assert.Equal("add address 192.0.2.100/33 to eth0", ex.Operation);
        Assert.Equal(before, r1.Exec("ip", "addr", "show", "dev", "eth0"));
    }

    [Fact]
    public void Missing_namespace_is_a_clear_argument_error()
    {
        LabProcess.RequireRootAnd("ip");
        var ex = Assert.Throws<ArgumentException>(() => LinuxVrrpPlatform.Create("vrrp-no-such-namespace"));
        Assert.Contains("vrrp-no-such-namespace", ex.Message);
    }
}
