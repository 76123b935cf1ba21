using System.Buffers.Binary;
using Vrrp.Packets;

namespace Vrrp.Linux.Announcements;

/// <summary>
/// Builds the Ethernet frames that announce a virtual address, laid out as keepalived 2.2.7 sends them.
/// </summary>
/// <remarks>
/// Written with <see cref="BinaryPrimitives"/> rather than a packet library: the frames are two fixed layouts, and a
/// packet library's reflection (PacketDotNet's lazy packet construction) makes the data plane trim- and native-AOT-unsafe.
/// Tests compare the bytes with keepalived 2.2.7's frames and decode them with tshark and PacketDotNet.
/// </remarks>
internal static class AnnouncementFrames
{
    /// <summary>The length of an ARP frame (no padding: the NIC pads to 60 bytes).</summary>
    internal const int ArpFrameLength = 42;

    /// <summary>The length of a neighbour advertisement frame with a target link-layer address option.</summary>
    internal const int NeighborAdvertisementFrameLength = EthernetHeaderLength + IPv6HeaderLength + NeighborAdvertisementLength;

    private const int EthernetHeaderLength = 14;
    private const int IPv6HeaderLength = 40;

    // ICMPv6 header (4) + flags and reserved (4) + target (16) + target link-layer address option (8).
    private const int NeighborAdvertisementLength = 32;
    private const ushort EtherTypeIPv4 = 0x0800;
    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeIPv6 = 0x86dd;
    private const byte NextHeaderIcmpV6 = 58;
    private const byte IcmpV6NeighborAdvertisement = 136;

    // ff02::1, and the Ethernet group it maps to, 33:33:00:00:00:01 (RFC 2464 section 7).
    private static readonly IPAddressValue AllNodes = IPAddressValue.Parse("ff02::1");
    private static ReadOnlySpan<byte> AllNodesMac => [0x33, 0x33, 0, 0, 0, 1];

    /// <summary>Builds the announcement for <paramref name="address"/> from <paramref name="mac"/>.</summary>
    /// <param name="mac">The MAC of the interface that carries the address (the virtual MAC in use_vmac mode).</param>
    /// <param name="address">The address.</param>
    /// <param name="router">IPv6: set the Router flag (the interface forwards IPv6); ignored for IPv4.</param>
    internal static byte[] Build(ReadOnlySpan<byte> mac, IPAddressValue address, bool router = false) =>
        address.Family == VrrpAddressFamily.IPv4 ? GratuitousArp(mac, address) : UnsolicitedNeighborAdvertisement(mac, address, router);

    /// <summary>
    /// Gratuitous ARP (RFC 5227 section 3 "ARP Announcement" in request form): broadcast destination, operation
    /// request, sender MAC = ours, sender IP = target IP = the virtual address, target MAC ff:ff:ff:ff:ff:ff
    /// (keepalived's choice; RFC 5227 would put zeros).
    /// </summary>
    internal static byte[] GratuitousArp(ReadOnlySpan<byte> mac, IPAddressValue address)
    {
        CheckMac(mac);
        var frame = new byte[ArpFrameLength];
        var span = frame.AsSpan();

        // Ethernet II: destination broadcast, source ours, EtherType ARP.
        span[..6].Fill(0xff);
        mac.CopyTo(span[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], EtherTypeArp);

        // RFC 826: hardware type Ethernet (1), protocol IPv4, lengths 6 and 4, operation request (1),
        // sender MAC and IP, target MAC and IP.
        var arp = span[EthernetHeaderLength..];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], EtherTypeIPv4);
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], 1);
        mac.CopyTo(arp[8..]);
        address.WriteTo(arp[14..]);
        arp.Slice(18, 6).Fill(0xff);
        address.WriteTo(arp[24..]);
        return frame;
    }

    /// <summary>
    /// Unsolicited neighbour advertisement (RFC 4861 section 7.2.6): from the virtual address to all-nodes ff02::1,
    /// hop limit 255, Solicited clear, Override set, Router set when <paramref name="router"/> (keepalived 2.2.7 sets it
    /// when the interface forwards IPv6; RFC 9568 section 6.4.2 always, for a router), target = the virtual address, with
    /// a target link-layer address option (type 2) carrying our MAC. The ICMPv6 checksum covers the IPv6 pseudo-header.
    /// </summary>
    internal static byte[] UnsolicitedNeighborAdvertisement(ReadOnlySpan<byte> mac, IPAddressValue address, bool router = false)
    {
        CheckMac(mac);
        var frame = new byte[NeighborAdvertisementFrameLength];
        var span = frame.AsSpan();

        // Ethernet II: destination 33:33:00:00:00:01, source ours, EtherType IPv6.
        AllNodesMac.CopyTo(span);
        mac.CopyTo(span[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], EtherTypeIPv6);

        // RFC 8200 section 3: version 6, traffic class 0, flow label 0, payload length, next header ICMPv6, hop limit 255,
        // source the virtual address, destination ff02::1.
        var ipv6 = span[EthernetHeaderLength..];
        BinaryPrimitives.WriteUInt32BigEndian(ipv6, 0x6000_0000);
        BinaryPrimitives.WriteUInt16BigEndian(ipv6[4..], NeighborAdvertisementLength);
        ipv6[6] = NextHeaderIcmpV6;
        ipv6[7] = 255;
        address.WriteTo(ipv6[8..]);
        AllNodes.WriteTo(ipv6[24..]);

        // RFC 4861 section 4.4: type 136, code 0, checksum, R|S|O flags (R 0x80 when routing, S never, O always) and
        // reserved, target address, then option type 2 (target link-layer address), length 1 (x 8 bytes), our MAC.
        var icmp = ipv6[IPv6HeaderLength..];
        icmp[0] = IcmpV6NeighborAdvertisement;
        icmp[4] = (byte)(router ? 0xA0 : 0x20);
        address.WriteTo(icmp[8..]);
        icmp[24] = 2;
        icmp[25] = 1;
        mac.CopyTo(icmp[26..]);

        ulong sum = InternetChecksum.IPv6PseudoHeader(address, AllNodes, NextHeaderIcmpV6, NeighborAdvertisementLength);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], (ushort)~InternetChecksum.Fold(InternetChecksum.Add(icmp, sum)));
        return frame;
    }

    private static void CheckMac(ReadOnlySpan<byte> mac)
    {
        if (mac.Length != 6)
        {
            throw new ArgumentException($"An Ethernet MAC is 6 bytes, got {mac.Length}.", nameof(mac));
        }
    }
}
