using System.Buffers.Binary;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>Golden bytes: keepalived 2.2.7 captures and the reference messages parse to their recorded fields and re-serialize byte-identical.</summary>
[Trait("Rfc", "3768-5.3.1-a")]
public class VectorTests
{
    [Fact]
    public void Vector_files_hold_the_expected_number_of_packets()
    {
        Assert.Equal(6, VrrpVectors.Keepalived.Count);
        Assert.Equal(7, VrrpVectors.Reference.Count);
        Assert.Contains(VrrpVectors.Keepalived, v => v.Family == VrrpAddressFamily.IPv6);
        Assert.True(File.Exists(VrrpVectors.VectorPath("keepalived-2.2.7-announcements.json")));
    }

    [Theory]
    [MemberData(nameof(VrrpVectors.AllNames), MemberType = typeof(VrrpVectors))]
    public void Vector_parses_to_its_recorded_fields(string name)
    {
        var v = VrrpVectors.Get(name);
        Assert.True(v.TryParse(out var a, out var reason), $"{name}: dropped as {reason}");
        Assert.Equal(DropReason.None, reason);
        AssertFields(v, a);
    }

    [Trait("Rfc", "9568-5.2.6-a")]
    [Trait("Rfc", "9568-7.2-a")]
    [Theory]
    [MemberData(nameof(VrrpVectors.AllNames), MemberType = typeof(VrrpVectors))]
    public void Vector_reserializes_byte_identical(string name)
    {
        var v = VrrpVectors.Get(name);
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        int n = VrrpPacket.Write(buffer, v.Fields, v.Addresses, v.Password, v.Source, v.Destination, v.Ipv4ChecksumMode);
        Assert.Equal(Convert.ToHexString(v.Message), Convert.ToHexString(buffer, 0, n));
        Assert.Equal(VrrpPacket.GetLength(v.Version, v.Family, v.Addresses.Length), n);
    }

    [Theory]
    [MemberData(nameof(VrrpVectors.KeepalivedNames), MemberType = typeof(VrrpVectors))]
    public void Keepalived_message_parses_without_its_IP_header_too(string name)
    {
        // Also covers the IPv4 vectors through TryParseMessage (the path a transport that strips the header uses).
        var v = VrrpVectors.Get(name);
        Assert.True(VrrpPacket.TryParseMessage(v.Message, v.Family, v.Source, v.Destination, v.HopLimit, v.Version, out var a, out var reason), reason.ToString());
        AssertFields(v, a);
    }

    [Trait("Rfc", "9568-5.2.8-a")]
    [Theory]
    [MemberData(nameof(VrrpVectors.AllNames), MemberType = typeof(VrrpVectors))]
    public void V3_IPv4_vector_round_trips_in_both_checksum_forms(string name)
    {
        var v = VrrpVectors.Get(name);
        if (v.Version != VrrpVersion.V3 || v.Family != VrrpAddressFamily.IPv4)
        {
            // v2 and IPv6 have a single form: a wrong one must not be reported.
            Assert.True(VrrpPacket.TryParseMessage(v.Message, v.Family, v.Source, v.Destination, 255, null, out var single, out _));
            Assert.Equal(v.Family == VrrpAddressFamily.IPv6 ? ChecksumForm.IPv6PseudoHeader : ChecksumForm.V2Message, single.ChecksumForm);
            return;
        }

        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        foreach (var (mode, form) in new[] { (Ipv4ChecksumMode.PseudoHeader, ChecksumForm.IPv4PseudoHeader), (Ipv4ChecksumMode.MessageOnly, ChecksumForm.IPv4MessageOnly) })
        {
            int n = VrrpPacket.Write(buffer, v.Fields, v.Addresses, [], v.Source, v.Destination, mode);
            Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, n), v.Family, v.Source, v.Destination, 255, VrrpVersion.V3, out var a, out var reason), $"{mode}: {reason}");
            Assert.Equal(form, a.ChecksumForm);
            if (mode == v.Ipv4ChecksumMode)
            {
                Assert.Equal(v.Checksum, a.Checksum);
            }
            else
            {
                Assert.NotEqual(v.Checksum, a.Checksum);
            }
        }
    }

    [Trait("Rfc", "9568-5.2.8-a")]
    [Fact]
    public void Reference_pair_differs_only_in_checksum_form()
    {
        var pseudo = VrrpVectors.Get("v3-ipv4-pseudo-header");
        var messageOnly = VrrpVectors.Get("v3-ipv4-message-only");
        Assert.Equal(pseudo.Message.AsSpan(0, 6).ToArray(), messageOnly.Message.AsSpan(0, 6).ToArray());
        Assert.Equal(pseudo.Message.AsSpan(8).ToArray(), messageOnly.Message.AsSpan(8).ToArray());
        Assert.True(pseudo.TryParse(out var a, out _));
        Assert.Equal(ChecksumForm.IPv4PseudoHeader, a.ChecksumForm);
        Assert.True(messageOnly.TryParse(out var b, out _));
        Assert.Equal(ChecksumForm.IPv4MessageOnly, b.ChecksumForm);
    }

    [Fact]
    public void Gopacket_ethernet_frame_parses_after_stripping_ethernet_and_padding()
    {
        var v = VrrpVectors.Get("v2-gopacket-frame");
        byte[] frame = v.EthernetFrame!;
        Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)));
        ReadOnlySpan<byte> ip = frame.AsSpan(14);
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);

        // The Ethernet minimum-size padding is not part of the IP packet: with it, the packet is too long.
        Assert.False(VrrpPacket.TryParseIPv4Packet(ip, null, out _, out var padded));
        Assert.Equal(DropReason.LengthMismatch, padded);

        Assert.True(VrrpPacket.TryParseIPv4Packet(ip[..totalLength], VrrpVersion.V2, out var a, out var reason), reason.ToString());
        Assert.Equal(IPAddressValue.Parse("192.168.0.30"), a.Source);
        Assert.Equal(IPAddressValue.Parse("224.0.0.18"), a.Destination);
        Assert.Equal(255, a.HopLimit);
        Assert.Equal(v.Message, ip[20..totalLength].ToArray());
        Assert.Equal(v.Priority, a.Priority);
    }

    internal static void AssertFields(VrrpVector v, in Advertisement a)
    {
        Assert.Equal(v.Version, a.Version);
        Assert.Equal(v.Family, a.Family);
        Assert.Equal(v.VirtualRouterId, a.VirtualRouterId);
        Assert.Equal(v.Priority, a.Priority);
        Assert.Equal(v.Addresses.Length, a.AddressCount);
        Assert.Equal(v.Interval, a.Interval);
        Assert.Equal(v.Version == VrrpVersion.V2 ? v.Interval * 100 : v.Interval, a.IntervalCentiseconds);
        Assert.Equal(v.AuthenticationType, a.AuthenticationType);
        Assert.Equal(v.AuthenticationData, a.AuthenticationData.ToArray());
        Assert.Equal(v.Checksum, a.Checksum);
        Assert.Equal(v.ChecksumForm, a.ChecksumForm);
        Assert.Equal(v.Source, a.Source);
        Assert.Equal(v.Destination, a.Destination);
        Assert.Equal(v.HopLimit, a.HopLimit);
        for (int i = 0; i < v.Addresses.Length; i++)
        {
            Assert.Equal(v.Addresses[i], a.GetAddress(i));
        }

        Assert.Equal(v.Addresses.Length * (v.Family == VrrpAddressFamily.IPv4 ? 4 : 16), a.AddressBytes.Length);
    }
}

/// <summary>Address look-ups on a parsed advertisement (step 11 helpers).</summary>
public class AdvertisementAddressTests
{
    [Trait("Rfc", "9568-7.1-m")]
    [Fact]
    public void ContainsAddress_and_AddressesMatch_on_the_keepalived_v3_vector()
    {
        var v = VrrpVectors.Get("keepalived-2-v3ipv4.pcap-prio200");
        Assert.True(v.TryParse(out var a, out _));
        Assert.True(a.ContainsAddress(IPAddressValue.Parse("10.50.0.101")));
        Assert.False(a.ContainsAddress(IPAddressValue.Parse("10.50.0.103")));
        Assert.False(a.ContainsAddress(IPAddressValue.Parse("::ffff:10.50.0.101")));
        IPAddressValue[] same = [.. new[] { "10.50.0.102", "10.50.0.100", "10.50.0.101" }.Select(IPAddressValue.Parse)];
        Assert.True(a.AddressesMatch(same));
        Assert.False(a.AddressesMatch(same[..2]));
        Assert.False(a.AddressesMatch([same[0], same[1], IPAddressValue.Parse("10.50.0.1")]));
        Assert.False(a.AddressesMatch([same[0], same[0], same[1]])); // duplicates do not stand in for a missing address
    }

    [Fact]
    public void ContainsAddress_on_IPv6()
    {
        var v = VrrpVectors.Get("v3-ipv6-two-vips");
        Assert.True(v.TryParse(out var a, out _));
        Assert.True(a.ContainsAddress(IPAddressValue.Parse("2001:db8::1")));
        Assert.True(a.ContainsAddress(IPAddressValue.Parse("fe80::1")));
        Assert.False(a.ContainsAddress(IPAddressValue.Parse("fe80::2")));
        Assert.True(a.AddressesMatch([IPAddressValue.Parse("2001:db8::1"), IPAddressValue.Parse("fe80::1")]));
    }
}
