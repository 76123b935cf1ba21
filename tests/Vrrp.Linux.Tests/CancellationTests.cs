using Vrrp.Linux.Netlink;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Address work and channel opening do not hold the caller's thread while they wait, and give up when cancelled
/// (issue 10, item 6): a netlink request waiting for the socket, and a channel waiting for its IPv6 link-local address
/// to leave duplicate address detection.
/// </summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task An_address_change_waiting_for_the_netlink_socket_returns_at_once_and_honours_cancellation()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var netlink = RouteNetlink.Open(r1.Namespace);
        var manager = new NetlinkAddressManager(netlink);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        // Another request holds the socket: its dump's handler waits (on a thread of its own) until released.
        var busy = Task.Factory.StartNew(
            () => netlink.Socket.Dump(Nl.RTM_GETLINK, (ref NetlinkMessageWriter w) => w.WriteIfInfo(Nl.AF_UNSPEC, 0, 0, 0), "hold", (in NetlinkMessage _) =>
            {
                entered.Set();
                release.Wait();
            }),
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "the dump did not start");

        using var cancel = new CancellationTokenSource();
        var vip = new VirtualAddress(IPAddressValue.Parse("192.0.2.100"), 32);
        var adding = manager.AddAsync("eth0", vip, cancel.Token);
        Assert.False(adding.IsCompleted); // waiting, without blocking this thread

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await adding);
        release.Set();
        await busy;

        Assert.DoesNotContain("192.0.2.100", r1.Addresses());
        await manager.AddAsync("eth0", vip, TestContext.Current.CancellationToken); // the socket still works
        Assert.Contains("192.0.2.100/32", r1.Addresses());
    }

    [Fact]
    public async Task Opening_an_IPv6_channel_while_the_link_local_address_is_tentative_waits_asynchronously_and_honours_cancellation()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        // A host with duplicate address detection on (NetworkLab's hosts have it off): eth0's link-local address stays
        // tentative for about a second after the link comes up.
        string ns = lab.AddNamespace("dad");
        string inside = lab.Prefix + "da", port = lab.Prefix + "dp";
        LabProcess.Ip("link", "add", inside, "netns", ns, "type", "veth", "peer", "name", port, "netns", lab.LanNamespace);
        LabProcess.Ip("-n", ns, "link", "set", inside, "name", "eth0");
        LabProcess.Run("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.eth0.accept_dad=1", "net.ipv6.conf.eth0.dad_transmits=3"]);
        LabProcess.Ip("-n", lab.LanNamespace, "link", "set", port, "master", "br0");
        LabProcess.Ip("-n", lab.LanNamespace, "link", "set", port, "up");
        LabProcess.Ip("-n", ns, "link", "set", "eth0", "up");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!LabProcess.Ip("-n", ns, "-6", "addr", "show", "dev", "eth0").Contains("tentative", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "eth0 got no tentative link-local address");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        using var platform = LinuxVrrpPlatform.Create(ns);
        using var cancel = new CancellationTokenSource();
        var opening = platform.Transport.OpenAsync(new VrrpChannelOptions { InterfaceName = "eth0", Family = VrrpAddressFamily.IPv6 }, cancel.Token);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(opening.IsCompleted); // DAD takes 3 s here: still waiting, and not on this thread

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await opening);
    }
}
