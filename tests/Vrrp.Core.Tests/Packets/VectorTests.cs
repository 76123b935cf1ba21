using System.Buffers.Binary;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>Golden bytes: keepalived 2.2.7 captures and the reference messages parse to their recorded fields and re-serialize byte-identical.</summary>
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
    public void Keepalived_IPv6_message_parses_without_its_header_too(string name)
    {
        // Also covers the IPv4 vectors through TryParseMessage (the path a transport that strips the header uses).
        var v = VrrpVectors.Get(name);
        Assert.True(VrrpPacket.TryParseMessage(v.Message, v.Family, v.Source, v.Destination, v.HopLimit, v.Version, out var a, out var reason), reason.ToString());
        AssertFields(v, a);
    }

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
        byte[] frame = Convert.FromHexString("01005e00001200005e000101080045c0002800000000ff7019cdc0a8001ee0000012210164010001ba52c0a800010000000000000000000000000000");
        var v = VrrpVectors.Get("v2-gopacket-frame");
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
