using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Sockets;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>The raw-socket transport between namespaces on a bridged LAN, and a capture of what it sends decoded by tshark.</summary>
public sealed class TransportTests
{
    private static readonly IPAddressValue R1 = IPAddressValue.Parse("192.0.2.11");
    private static readonly IPAddressValue R2 = IPAddressValue.Parse("192.0.2.12");
    private static readonly IPAddressValue Group4 = IPAddressValue.Parse("224.0.0.18");
    private static readonly IPAddressValue Group6 = IPAddressValue.Parse("ff02::12");

    private static CancellationToken Timeout(int ms = 3000)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(ms);
        return cts.Token;
    }

    private static (NetworkLab Lab, LinuxVrrpPlatform P1, LinuxVrrpPlatform P2) TwoRouters(bool third = false)
    {
        LabProcess.RequireRootAnd("ip");
        var lab = new NetworkLab();
        try
        {
            lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
            lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
            if (third)
            {
                lab.AddHost("r3", "192.0.2.13/24");
            }

            return (lab, LinuxVrrpPlatform.Create(lab["r1"].Namespace), LinuxVrrpPlatform.Create(lab["r2"].Namespace));
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private static VrrpChannelOptions Options(VrrpAddressFamily family) => new() { InterfaceName = "eth0", Family = family };

    [Trait("Rfc", "9568-5.1.1.3-a")]
    [Fact]
    public async Task V2_with_password_goes_from_one_namespace_to_the_other_with_ttl_255()
    {
        var (lab, p1, p2) = TwoRouters();
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        await using var c1 = await p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4), TestContext.Current.CancellationToken);
        await using var c2 = await p2.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4), TestContext.Current.CancellationToken);
        Assert.Equal(R1, c1.LocalAddress);
        Assert.Equal(R2, c2.LocalAddress);

        byte[] advert = TestAdverts.V2Pass(51, 150, "secret", "192.0.2.100");
        var buffer = new byte[1500];
        var receive = c2.ReceiveAsync(buffer, Timeout());
        await c1.SendAsync(advert, Group4, TestContext.Current.CancellationToken);
        var datagram = await receive;

        Assert.True(datagram.IncludesIPv4Header);
        Assert.Equal(R1, datagram.Source);
        Assert.Equal(Group4, datagram.Destination);
        Assert.Equal(255, datagram.HopLimit);
        int ihl = (buffer[0] & 0x0f) * 4;
        Assert.Equal(20 + advert.Length, datagram.Length);
        Assert.Equal(112, buffer[9]);
        Assert.Equal(advert, buffer.AsSpan(ihl, datagram.Length - ihl).ToArray());
    }

    [Trait("Rfc", "9568-5.1.2.3-a")]
    [Trait("Rfc", "9568-5.2.8-b")]
    [Fact]
    public async Task V3_IPv4_and_IPv6_arrive_with_hop_limit_255_and_the_kernel_fills_the_IPv6_checksum()
    {
        var (lab, p1, p2) = TwoRouters();
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        var ct = TestContext.Current.CancellationToken;

        await using (var c1 = await p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4), ct))
        await using (var c2 = await p2.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4), ct))
        {
            byte[] advert = TestAdverts.V3(52, 100, 100, R1, Group4, "192.0.2.100", "192.0.2.101");
            var buffer = new byte[1500];
            var receive = c2.ReceiveAsync(buffer, Timeout());
            await c1.SendAsync(advert, Group4, ct);
            var d = await receive;
            Assert.Equal((R1, Group4, 255, true), (d.Source, d.Destination, d.HopLimit, d.IncludesIPv4Header));
            Assert.Equal(advert, buffer.AsSpan(20, d.Length - 20).ToArray());
        }

        await using (var c1 = await p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv6), ct))
        await using (var c2 = await p2.Transport.OpenAsync(Options(VrrpAddressFamily.IPv6), ct))
        {
            Assert.True(c1.LocalAddress.IsIPv6LinkLocal);
            Assert.True(c2.LocalAddress.IsIPv6LinkLocal);
            byte[] advert = TestAdverts.V3(53, 100, 100, default, default, "fe80::53", "2001:db8:50::100");
            var buffer = new byte[1500];
            var receive = c2.ReceiveAsync(buffer, Timeout());
            await c1.SendAsync(advert, Group6, ct);
            var d = await receive;
            Assert.False(d.IncludesIPv4Header);
            Assert.Equal(c1.LocalAddress, d.Source);
            Assert.Equal(Group6, d.Destination);
            Assert.Equal(255, d.HopLimit);
            Assert.Equal(advert.Length, d.Length);
            var received = buffer.AsSpan(0, d.Length);
            Assert.Equal(advert.AsSpan(8).ToArray(), received[8..].ToArray());
            ushort kernelChecksum = BinaryPrimitives.ReadUInt16BigEndian(received[6..]);
            Assert.NotEqual(0, kernelChecksum);
            byte[] zeroed = received.ToArray();
            zeroed[6] = zeroed[7] = 0;
            Assert.Equal(TestAdverts.IPv6Checksum(zeroed, d.Source, d.Destination), kernelChecksum);
        }
    }

    [Trait("Rfc", "9568-7.2-d")]
    [Fact]
    public async Task Unicast_messages_go_to_their_destination_as_written_and_strangers_are_delivered_for_counting()
    {
        var (lab, p1, p2) = TwoRouters(third: true);
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        using var p3 = LinuxVrrpPlatform.Create(lab["r3"].Namespace);
        var ct = TestContext.Current.CancellationToken;
        var r3 = IPAddressValue.Parse("192.0.2.13");

        await using var c1 = await p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4) with { JoinMulticastGroup = false }, ct);
        await using var c3 = await p3.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4) with { JoinMulticastGroup = false }, ct);
        var c2 = (RawSocketTransport.Handle)await p2.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4) with { JoinMulticastGroup = false }, ct);
        await using var ____ = c2;

        byte[] advert = TestAdverts.V3(54, 100, 100, R1, R2, "192.0.2.100");
        var buffer = new byte[1500];
        // A stranger's advert is delivered with its source, so that the driver counts it (UnicastSourceNotAllowed).
        var receive = c2.ReceiveAsync(buffer, Timeout());
        await c3.SendAsync(TestAdverts.V3(54, 100, 100, r3, R2, "192.0.2.100"), R2, ct);
        var d = await receive;
        Assert.Equal((r3, R2, 255), (d.Source, d.Destination, d.HopLimit));
        receive = c2.ReceiveAsync(buffer, Timeout());
        await c1.SendAsync(advert, R2, ct);
        d = await receive;
        Assert.Equal((R1, R2, 255), (d.Source, d.Destination, d.HopLimit));
        Assert.Equal(advert, buffer.AsSpan(20, d.Length - 20).ToArray()); // checksummed for the peer by the core: sent as is

    }

    [Fact]
    public async Task Channels_with_the_same_options_share_one_socket_pair()
    {
        var (lab, p1, p2) = TwoRouters();
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        var ct = TestContext.Current.CancellationToken;
        var transport = (RawSocketTransport)p1.Transport;
        var a = await transport.OpenAsync(Options(VrrpAddressFamily.IPv4), ct);
        var b = await transport.OpenAsync(Options(VrrpAddressFamily.IPv4), ct);
        var c = await transport.OpenAsync(Options(VrrpAddressFamily.IPv6), ct);
        Assert.Equal(2, transport.OpenSocketPairs);
        await a.DisposeAsync();
        await a.DisposeAsync(); // a second dispose of the same handle does not release the other's reference
        Assert.Equal(2, transport.OpenSocketPairs);
        await b.SendAsync(TestAdverts.V3(55, 100, 100, R1, Group4, "192.0.2.100"), Group4, ct);
        await b.DisposeAsync();
        await c.DisposeAsync();
        Assert.Equal(0, transport.OpenSocketPairs);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => b.SendAsync(new byte[8], Group4, ct).AsTask());
    }

    [Fact]
    public async Task Unknown_interface_or_missing_address_fails_clearly()
    {
        var (lab, p1, p2) = TwoRouters(third: true);
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        var ct = TestContext.Current.CancellationToken;
        var ex = await Assert.ThrowsAsync<NetlinkException>(() => p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4) with { InterfaceName = "nosuch0" }, ct).AsTask());
        Assert.Equal(19, ex.Errno);
        Assert.Contains("nosuch0", ex.Message);
        // Loopback has no IPv6 link-local address to send from.
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv6) with { InterfaceName = "lo" }, ct).AsTask());
        Assert.Contains("Interface lo", none.Message);
        Assert.Contains("link-local", none.Message);
    }

    [Trait("Rfc", "9568-7.2-c")]
    [Fact]
    public async Task IPv6_channel_waits_for_the_link_local_address_to_leave_duplicate_address_detection()
    {
        var (lab, p1, p2) = TwoRouters();
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        var ct = TestContext.Current.CancellationToken;
        var r1 = lab["r1"];
        r1.Exec("sysctl", "-q", "-w", "net.ipv6.conf.eth0.accept_dad=1", "net.ipv6.conf.eth0.dad_transmits=1");
        r1.Exec("ip", "link", "set", "eth0", "down");
        r1.Exec("ip", "link", "set", "eth0", "up");
        Assert.Contains(p1.GetAddresses("eth0", VrrpAddressFamily.IPv6), a => a.Address.IsIPv6LinkLocal && a.IsTentative);

        var started = DateTime.UtcNow;
        await using var channel = await p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv6), ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"opened after {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms of duplicate address detection");
        Assert.True(channel.LocalAddress.IsIPv6LinkLocal);
        Assert.DoesNotContain(p1.GetAddresses("eth0", VrrpAddressFamily.IPv6), a => a.Address == channel.LocalAddress && a.IsTentative);
        await channel.SendAsync(TestAdverts.V3(56, 100, 100, default, default, "fe80::56"), Group6, ct);
    }

    [Fact]
    public async Task Bad_traffic_reaches_the_receiver_as_datagrams_and_never_breaks_the_channel()
    {
        var (lab, p1, p2) = TwoRouters();
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        var ct = TestContext.Current.CancellationToken;
        await using var c2 = await p2.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4), ct);
        int seed = Random.Shared.Next();
        var random = new Random(seed);

        // A hostile sender in r1: TTL 1, truncated, random bytes, a wrong checksum; then a good advert.
        using var raw = NetworkNamespace.Run(lab["r1"].Namespace, () => RawSocketFactory.Create(AddressFamily.InterNetwork, 112));
        SocketOptions.BindToDevice(raw, "eth0");
        SocketOptions.SetIPv4Mreqn(raw, SocketOptions.IP_MULTICAST_IF, [0, 0, 0, 0], 0);
        SocketOptions.SetInt(raw, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_TTL, 1);
        var group = new IPEndPoint(IPAddress.Parse("224.0.0.18"), 0);
        byte[] good = TestAdverts.V2Pass(51, 150, "secret", "192.0.2.100");
        byte[] badChecksum = (byte[])good.Clone();
        badChecksum[6] ^= 0xff;
        byte[] junk = new byte[random.Next(1, 200)];
        random.NextBytes(junk);
        var sent = new List<byte[]> { good, good[..5], junk, badChecksum, Array.Empty<byte>() };

        var buffer = new byte[1500];
        foreach (var payload in sent)
        {
            raw.SendTo(payload, group);
        }

        SocketOptions.SetInt(raw, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_TTL, 255);
        raw.SendTo(good, group);
        foreach (var payload in sent)
        {
            var d = await c2.ReceiveAsync(buffer, Timeout());
            Assert.True(d.Length == 20 + payload.Length, $"seed {seed}: length {d.Length} for a {payload.Length}-byte payload");
            Assert.Equal(1, d.HopLimit);
            Assert.Equal(payload, buffer.AsSpan(20, payload.Length).ToArray());
        }

        var last = await c2.ReceiveAsync(buffer, Timeout());
        Assert.Equal(255, last.HopLimit);
        Assert.Equal(good, buffer.AsSpan(20, good.Length).ToArray());
    }

    [Trait("Rfc", "9568-5.1.2.3-b")]
    [Fact]
    public async Task IPv6_hop_limit_other_than_255_is_reported_as_received()
    {
        var (lab, p1, p2) = TwoRouters();
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        var ct = TestContext.Current.CancellationToken;
        await using var c2 = await p2.Transport.OpenAsync(Options(VrrpAddressFamily.IPv6), ct);
        using var raw = NetworkNamespace.Run(lab["r1"].Namespace, () => RawSocketFactory.Create(AddressFamily.InterNetworkV6, 112));
        SocketOptions.BindToDevice(raw, "eth0");
        SocketOptions.SetInt(raw, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MULTICAST_IF, 0);
        var buffer = new byte[1500];
        foreach (int hops in new[] { 1, 64, 255 })
        {
            SocketOptions.SetInt(raw, SocketOptions.IPPROTO_IPV6, SocketOptions.IPV6_MULTICAST_HOPS, hops);
            var receive = c2.ReceiveAsync(buffer, Timeout());
            raw.SendTo(TestAdverts.V3(57, 100, 100, default, default, "fe80::57"), new IPEndPoint(IPAddress.Parse("ff02::12"), 0));
            var d = await receive;
            Assert.Equal(hops, d.HopLimit);
            Assert.Equal(Group6, d.Destination);
            Assert.True(d.Source.IsIPv6LinkLocal);
        }
    }

    [Trait("Rfc", "9568-5.1.1.3-a")]
    [Trait("Rfc", "9568-7.2-d")]
    [Fact]
    public async Task Capture_of_our_adverts_decodes_in_tshark_with_good_checksums_ttl_255_and_the_right_destination()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        var (lab, p1, p2) = TwoRouters();
        using var _ = lab;
        using var __ = p1;
        using var ___ = p2;
        var ct = TestContext.Current.CancellationToken;
        var capture = lab.StartCapture("adverts", "ip proto 112 or ip6 proto 112");
        await using (var v4 = await p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv4), ct))
        await using (var v6 = await p1.Transport.OpenAsync(Options(VrrpAddressFamily.IPv6), ct))
        {
            await v4.SendAsync(TestAdverts.V2Pass(51, 150, "secret", "192.0.2.100"), Group4, ct);
            await v4.SendAsync(TestAdverts.V3(52, 100, 100, R1, Group4, "192.0.2.101"), Group4, ct);
            await v6.SendAsync(TestAdverts.V3(53, 100, 100, default, default, "fe80::53", "2001:db8:50::100"), Group6, ct);
        }

        capture.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine(capture.Log + capture.Tshark());
        var rows = capture.Fields("vrrp", "vrrp.version", "vrrp.virt_rtr_id", "ip.ttl", "ipv6.hlim", "ip.dst", "ipv6.dst", "vrrp.checksum.status", "eth.src", "ip.dsfield.dscp");
        foreach (var row in rows)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(string.Join(" | ", row));
        }

        Assert.Equal(3, rows.Count);
        Assert.Equal(["2", "51", "255", "", "224.0.0.18", ""], rows[0][..6]);
        Assert.Equal(["3", "52", "255", "", "224.0.0.18", ""], rows[1][..6]);
        Assert.Equal(["3", "53", "", "255", "", "ff02::12"], rows[2][..6]);
        Assert.All(rows, r => Assert.Equal("1", r[6])); // [Checksum Status: Good]
        string mac = string.Join(':', lab["r1"].Mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Equal(mac, r[7]));

        // IPv4 adverts are marked DSCP CS6 (network control), as keepalived 2.2.7 and FRR mark theirs.
        Assert.Equal(["48", "48"], rows.Take(2).Select(r => r[8]));
    }
}
