using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// An IPv4 unicast-only channel (no multicast group joined) and a multicast channel on one interface (two channels
/// when their source addresses differ): each gets only its own traffic. IPv4 raw sockets
/// receive every multicast group any socket of the host joined unless IP_MULTICAST_ALL is off (keepalived turns it
/// off too); left on, the unicast channel parsed every multicast packet of the segment a second time and counted it
/// again as a drop (found by the flood benchmark, tests/Vrrp.Benchmarks/Flood). IPv6 is not isolated yet: IPv6 raw
/// sockets apply IPV6_MULTICAST_ALL only when bound to an address, and the receive socket is not.
/// </summary>
public sealed class MulticastIsolationTests
{
    [Fact]
    public async Task A_unicast_IPv4_channel_does_not_receive_the_multicast_group_another_channel_joined()
    {
        const VrrpAddressFamily family = VrrpAddressFamily.IPv4;
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
        using var p1 = LinuxVrrpPlatform.Create(lab["r1"].Namespace);
        using var p2 = LinuxVrrpPlatform.Create(lab["r2"].Namespace);
        var ct = TestContext.Current.CancellationToken;
        bool v4 = family == VrrpAddressFamily.IPv4;
        var r1 = IPAddressValue.Parse(v4 ? "192.0.2.11" : "2001:db8:50::11");
        var r2 = IPAddressValue.Parse(v4 ? "192.0.2.12" : "2001:db8:50::12");
        var group = IPAddressValue.Parse(v4 ? "224.0.0.18" : "ff02::12");
        var options = new VrrpChannelOptions { InterfaceName = "eth0", Family = family };
        var unicastOptions = options with { SourceAddress = r2, JoinMulticastGroup = false }; // a unicast-only channel

        await using var sender = await p1.Transport.OpenAsync(options, ct);
        await using var multicast = await p2.Transport.OpenAsync(options, ct);
        await using var unicast = await p2.Transport.OpenAsync(unicastOptions, ct);
        await using var unicastSender = await p1.Transport.OpenAsync(options with { SourceAddress = r1, JoinMulticastGroup = false }, ct);

        var buffer = new byte[1500];
        var other = new byte[1500];
        var onUnicast = unicast.ReceiveAsync(other, ct).AsTask();
        var onMulticast = multicast.ReceiveAsync(buffer, Timeout(3000)).AsTask();
        await sender.SendAsync(v4 ? TestAdverts.V3(51, 100, 100, r1, group, "192.0.2.100") : TestAdverts.V3(51, 100, 100, default, default, "fe80::51"), group, ct);
        var datagram = await onMulticast;
        Assert.Equal(group, datagram.Destination);

        // The unicast channel hears nothing of it (the kernel fills the IPv6 checksum); it does hear its peer's advert.
        await Task.Delay(300, ct);
        if (onUnicast.IsCompleted)
        {
            var early = await onUnicast;
            Assert.Fail($"the unicast channel received a datagram from {early.Source} to {early.Destination}");
        }

        await unicastSender.SendAsync(v4 ? TestAdverts.V3(52, 100, 100, r1, r2, "192.0.2.101") : TestAdverts.V3(52, 100, 100, default, default, "fe80::52"), r2, ct);
        var completed = await Task.WhenAny(onUnicast, Task.Delay(3000, ct));
        Assert.Same(onUnicast, completed);
        var received = await onUnicast;
        Assert.Equal((r1, r2), (received.Source, received.Destination));
    }

    private static CancellationToken Timeout(int ms)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(ms);
        return cts.Token;
    }
}
