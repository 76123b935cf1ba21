using System.Text.Json;
using Vrrp.Linux.Announcements;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>Gratuitous ARP and unsolicited neighbour advertisements: keepalived's layout byte for byte, and well-formed on the wire.</summary>
[Trait("Rfc", "9568-8.1.2-c")]
public sealed class AnnouncerTests
{
    private static (byte[] Arp, byte[] Na) KeepalivedFrames()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "keepalived-2.2.7-announcements.json")));
        var frames = json.RootElement.GetProperty("frames").EnumerateArray().Select(f => Convert.FromHexString(f.GetProperty("frame_hex").GetString()!)).ToArray();
        return (frames[0], frames[1]);
    }

    [Trait("Rfc", "9568-6.4.2-h")]
    [Fact]
    public void Frames_are_byte_identical_to_keepalived_2_2_7_for_the_same_mac_and_address()
    {
        var (arp, na) = KeepalivedFrames();
        byte[] mac = Convert.FromHexString("d211b4036e91");
        Assert.Equal(Convert.ToHexString(arp), Convert.ToHexString(AnnouncementFrames.Build(mac, IPAddressValue.Parse("172.16.1.25"))));
        Assert.Equal(Convert.ToHexString(na), Convert.ToHexString(AnnouncementFrames.Build(mac, IPAddressValue.Parse("fd00:50::100"))));
        Assert.Equal(AnnouncementFrames.ArpFrameLength, arp.Length);
        Assert.Equal(AnnouncementFrames.NeighborAdvertisementFrameLength, na.Length);
    }

    [Fact]
    public void PacketDotNet_decodes_the_frames_as_announcements_of_the_address_from_the_mac()
    {
        // An independent decoder: the frames are hand-written (no packet library in Vrrp.Linux, for native AOT).
        byte[] mac = Convert.FromHexString("02a0b0c0d0e1");
        var arp = PacketDotNet.Packet.ParsePacket(PacketDotNet.LinkLayers.Ethernet, AnnouncementFrames.Build(mac, IPAddressValue.Parse("198.51.100.7")))
            .Extract<PacketDotNet.ArpPacket>();
        Assert.NotNull(arp);
        Assert.Equal(PacketDotNet.ArpOperation.Request, arp.Operation);
        Assert.Equal("198.51.100.7", arp.SenderProtocolAddress.ToString());
        Assert.Equal("198.51.100.7", arp.TargetProtocolAddress.ToString());
        Assert.Equal("02A0B0C0D0E1", arp.SenderHardwareAddress.ToString());
        Assert.Equal("FFFFFFFFFFFF", arp.TargetHardwareAddress.ToString());

        var frame = PacketDotNet.Packet.ParsePacket(PacketDotNet.LinkLayers.Ethernet, AnnouncementFrames.Build(mac, IPAddressValue.Parse("2001:db8:7::9")));
        var ipv6 = frame.Extract<PacketDotNet.IPv6Packet>();
        Assert.Equal(255, ipv6.HopLimit);
        Assert.Equal("ff02::1", ipv6.DestinationAddress.ToString());
        var na = frame.Extract<PacketDotNet.NdpNeighborAdvertisementPacket>();
        Assert.NotNull(na);
        Assert.True(na.Override);
        Assert.False(na.Router);
        Assert.False(na.Solicited);
        Assert.Equal("2001:db8:7::9", na.TargetAddress.ToString());
        Assert.True(frame.Extract<PacketDotNet.IcmpV6Packet>().ValidIcmpChecksum);
    }

    [Trait("Rfc", "9568-8.2.2-d")]
    [Fact]
    public void A_forwarding_interface_sets_the_router_flag_as_keepalived_and_rfc_9568_do()
    {
        // Issue 15 item 3: keepalived 2.2.7 sets R when net.ipv6.conf.IF.forwarding is on (RFC 9568 section 6.4.2: R=1,
        // S=0, O=1, target link-layer address the virtual MAC). Only the flags byte and the checksum change.
        byte[] mac = Convert.FromHexString("00005e000233");
        var vip = IPAddressValue.Parse("2001:db8:7::9");
        byte[] host = AnnouncementFrames.Build(mac, vip);
        byte[] router = AnnouncementFrames.Build(mac, vip, router: true);
        var na = PacketDotNet.Packet.ParsePacket(PacketDotNet.LinkLayers.Ethernet, router).Extract<PacketDotNet.NdpNeighborAdvertisementPacket>();
        Assert.True(na.Router);
        Assert.True(na.Override);
        Assert.False(na.Solicited);
        Assert.True(PacketDotNet.Packet.ParsePacket(PacketDotNet.LinkLayers.Ethernet, router).Extract<PacketDotNet.IcmpV6Packet>().ValidIcmpChecksum);
        Assert.Equal((byte)0x20, host[58]);
        Assert.Equal((byte)0xA0, router[58]);
        var differing = Enumerable.Range(0, host.Length).Where(i => host[i] != router[i]).ToArray();
        Assert.Subset(new HashSet<int> { 56, 57, 58 }, differing.ToHashSet()); // checksum (56, 57) and flags (58)
        Assert.Equal(mac, router.AsSpan(80, 6).ToArray()); // the target link-layer address option carries the MAC
    }

    [Trait("Rfc", "9568-8.2.2-d")]
    [Fact]
    public void Neighbor_advertisement_checksum_is_the_ipv6_pseudo_header_sum()
    {
        // Another address and MAC than the vector: the checksum must follow them (RFC 4443 section 2.3).
        byte[] mac = Convert.FromHexString("020000000001");
        var vip = IPAddressValue.Parse("2001:db8::1");
        byte[] frame = AnnouncementFrames.Build(mac, vip);
        var icmp = frame.AsSpan(54).ToArray();
        ushort carried = (ushort)((icmp[2] << 8) | icmp[3]);
        icmp[2] = icmp[3] = 0;
        byte[] pseudo = new byte[40];
        vip.WriteTo(pseudo);
        IPAddressValue.Parse("ff02::1").WriteTo(pseudo.AsSpan(16));
        pseudo[35] = (byte)icmp.Length;
        pseudo[39] = 58;
        Assert.Equal(TestAdverts.Checksum(icmp, pseudo), carried);
    }

    [Trait("Rfc", "9568-6.4.2-h")]
    [Trait("Rfc", "9568-8.1.2-d")]
    [Fact]
    public async Task Announcements_on_the_wire_are_well_formed_in_tshark_and_match_the_keepalived_layout()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        using var platform = LinuxVrrpPlatform.Create(r1.Namespace);
        var v4 = VirtualAddress.Parse("192.0.2.100/32");
        var v6 = VirtualAddress.Parse("2001:db8:50::100/64");
        var capture = lab.StartCapture("announce", "arp or icmp6");
        await platform.Announcer.AnnounceAsync("eth0", [v4, v6], TestContext.Current.CancellationToken);
        await platform.Announcer.AnnounceAsync("eth0", [v4, v6], TestContext.Current.CancellationToken);
        capture.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine(capture.Tshark());

        string mac = string.Join(':', r1.Mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var arps = capture.Fields("arp", "eth.dst", "eth.src", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4", "arp.isgratuitous");
        Assert.Equal(2, arps.Count);
        Assert.All(arps, a => Assert.Equal(["ff:ff:ff:ff:ff:ff", mac, "1", mac, "192.0.2.100", "ff:ff:ff:ff:ff:ff", "192.0.2.100", "1"], a));

        var nas = capture.Fields(
            "icmpv6.type == 136",
            "eth.dst", "ipv6.src", "ipv6.dst", "ipv6.hlim", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o", "icmpv6.nd.na.target_address", "icmpv6.opt.linkaddr", "icmpv6.checksum.status");
        Assert.Equal(2, nas.Count);
        Assert.All(nas, n => Assert.Equal(["33:33:00:00:00:01", "2001:db8:50::100", "ff02::1", "255", "0", "0", "1", "2001:db8:50::100", mac, "1"], n));

        // The frames on the wire are the ones the layout test proved identical to keepalived's.
        using var netlink = RouteNetlink.Open(r1.Namespace);
        var link = netlink.GetLink("eth0");
        var raw = capture.Frames(); // may also hold the host's own IPv6 chatter (router solicitations, MLD)
        Assert.Equal(2, raw.Count(f => f.AsSpan().SequenceEqual(AnnouncementFrames.Build(link.HardwareAddress, v4.Address))));
        Assert.Equal(2, raw.Count(f => f.AsSpan().SequenceEqual(AnnouncementFrames.Build(link.HardwareAddress, v6.Address))));
    }

    [Fact]
    public void Frames_are_built_once_and_reused()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var netlink = RouteNetlink.Open(r1.Namespace);
        using var announcer = new PacketSocketAnnouncer(netlink, r1.Namespace);
        var link = netlink.GetLink("eth0");
        var vip = IPAddressValue.Parse("192.0.2.100");
        Assert.Same(announcer.GetFrame(link, vip), announcer.GetFrame(link, vip));
        Assert.NotSame(announcer.GetFrame(link, vip), announcer.GetFrame(link with { HardwareAddress = [2, 0, 0, 0, 0, 9] }, vip));
    }

    [Fact]
    public async Task Unknown_interface_fails_naming_it()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var platform = LinuxVrrpPlatform.Create(r1.Namespace);
        var ex = await Assert.ThrowsAsync<NetlinkException>(() => platform.Announcer.AnnounceAsync("nosuch0", [VirtualAddress.Parse("192.0.2.100")], TestContext.Current.CancellationToken).AsTask());
        Assert.Contains("nosuch0", ex.Message);
    }
}
