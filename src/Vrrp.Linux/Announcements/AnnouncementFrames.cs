using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using PacketDotNet.Utils;

namespace Vrrp.Linux.Announcements;

/// <summary>
/// Builds the Ethernet frames that announce a virtual address, laid out as keepalived 2.2.7 sends them.
/// </summary>
internal static class AnnouncementFrames
{
    private static readonly PhysicalAddress Broadcast = new([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

    // ff02::1 maps to the Ethernet group 33:33:00:00:00:01 (RFC 2464 section 7).
    private static readonly PhysicalAddress AllNodesMac = new([0x33, 0x33, 0, 0, 0, 1]);
    private static readonly IPAddress AllNodes = IPAddress.Parse("ff02::1");

    /// <summary>The length of an ARP frame (no padding: the NIC pads to 60 bytes).</summary>
    internal const int ArpFrameLength = 42;

    /// <summary>The length of a neighbour advertisement frame with a target link-layer address option.</summary>
    internal const int NeighborAdvertisementFrameLength = 14 + 40 + 32;

    /// <summary>Builds the announcement for <paramref name="address"/> from <paramref name="mac"/>.</summary>
    internal static byte[] Build(ReadOnlySpan<byte> mac, IPAddressValue address) =>
        address.Family == VrrpAddressFamily.IPv4 ? GratuitousArp(mac, address) : UnsolicitedNeighborAdvertisement(mac, address);

    /// <summary>
    /// Gratuitous ARP (RFC 5227 section 3 "ARP Announcement" in request form): broadcast destination, operation
    /// request, sender MAC = ours, sender IP = target IP = the virtual address, target MAC ff:ff:ff:ff:ff:ff
    /// (keepalived's choice; RFC 5227 would put zeros).
    /// </summary>
    internal static byte[] GratuitousArp(ReadOnlySpan<byte> mac, IPAddressValue address)
    {
        var ours = new PhysicalAddress(mac.ToArray());
        var ip = address.ToIPAddress();
        var arp = new ArpPacket(ArpOperation.Request, Broadcast, ip, ours, ip);
        var ethernet = new EthernetPacket(ours, Broadcast, EthernetType.Arp) { PayloadPacket = arp };
        return ethernet.Bytes;
    }

    /// <summary>
    /// Unsolicited neighbour advertisement (RFC 4861 section 7.2.6): from the virtual address to all-nodes ff02::1,
    /// hop limit 255, flags Override only (not Router, not Solicited), target = the virtual address, with a target
    /// link-layer address option (type 2) carrying our MAC. The ICMPv6 checksum covers the IPv6 pseudo-header.
    /// </summary>
    internal static byte[] UnsolicitedNeighborAdvertisement(ReadOnlySpan<byte> mac, IPAddressValue address)
    {
        var ours = new PhysicalAddress(mac.ToArray());
        var target = address.ToIPAddress();

        // ICMPv6 type 136 code 0, checksum, R|S|O flags + reserved, target, option { type 2, length 1 (x 8 bytes), MAC }.
        byte[] icmp = new byte[32];
        icmp[0] = (byte)IcmpV6Type.NeighborAdvertisement;
        _ = new NdpNeighborAdvertisementPacket(new ByteArraySegment(icmp)) { Override = true, Router = false, Solicited = false, TargetAddress = target };
        icmp[24] = 2;
        icmp[25] = 1;
        mac.CopyTo(icmp.AsSpan(26));

        var ipv6 = new IPv6Packet(target, AllNodes)
        {
            HopLimit = 255,
            NextHeader = PacketDotNet.ProtocolType.IcmpV6,
            PayloadData = icmp,
        };
        ipv6.PayloadLength = (ushort)icmp.Length;
        var ethernet = new EthernetPacket(ours, AllNodesMac, EthernetType.IPv6) { PayloadPacket = ipv6 };
        byte[] frame = ethernet.Bytes;

        // Parse the finished frame so that the ICMPv6 packet sees its IPv6 parent (pseudo-header) and write the checksum in place.
        var parsed = Packet.ParsePacket(LinkLayers.Ethernet, frame).Extract<IcmpV6Packet>()
            ?? throw new InvalidOperationException("PacketDotNet did not decode the neighbour advertisement it built.");
        parsed.UpdateIcmpChecksum();
        return frame;
    }
}
