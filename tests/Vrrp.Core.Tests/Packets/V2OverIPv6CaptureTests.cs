using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>
/// VRRPv2 over IPv6 as keepalived 2.2.7 sends it (<c>version 2</c> before IPv6 addresses, strict mode off): the 8-byte
/// header and 16-byte addresses, no authentication data, the kernel's IPv6 pseudo-header checksum (IPV6_CHECKSUM).
/// </summary>
public class V2OverIPv6CaptureTests
{
    // Captured from keepalived 2.2.7 (IPv6 header onwards): VRID 66, priority 200, auth_type PASS, advert_int 1,
    // virtual_ipaddress fd00::66 and fd00::67, from fe80::349d:42ff:fed0:8b08 to ff02::12 with hop limit 255.
    private const string CapturedIPv6Hex =
        "6c098a88002870fffe80000000000000349d42fffed08b08ff020000000000000000000000000012" +
        "2142c80201011b47" +
        "fd000000000000000000000000000066" +
        "fd000000000000000000000000000067";

    private static readonly IPAddressValue CapturedSource = IPAddressValue.Parse("fe80::349d:42ff:fed0:8b08");
    private static readonly IPAddressValue CapturedGroup = IPAddressValue.Parse("ff02::12");

    private static byte[] CapturedMessage(out int hopLimit)
    {
        byte[] packet = Convert.FromHexString(CapturedIPv6Hex);
        Assert.Equal(0x70, packet[6]); // next header 112 (VRRP)
        hopLimit = packet[7];
        return packet[40..];
    }

    [Fact]
    public void Keepalived_capture_parses()
    {
        byte[] message = CapturedMessage(out int hopLimit);
        Assert.True(VrrpPacket.TryParseMessage(message, VrrpAddressFamily.IPv6, CapturedSource, CapturedGroup, hopLimit, VrrpVersion.V2, out var a, out var reason), reason.ToString());
        Assert.Equal(VrrpVersion.V2, a.Version);
        Assert.Equal(VrrpAddressFamily.IPv6, a.Family);
        Assert.Equal(66, a.VirtualRouterId);
        Assert.Equal(200, a.Priority);
        Assert.Equal(AuthenticationType.SimplePassword, a.AuthenticationType);
        Assert.Equal(1, a.Interval);
        Assert.Equal(100, a.IntervalCentiseconds);
        Assert.Equal(ChecksumForm.IPv6PseudoHeader, a.ChecksumForm);
        Assert.Equal(0, a.AuthenticationData.Length);
        Assert.Equal(2, a.AddressCount);
        Assert.Equal(IPAddressValue.Parse("fd00::66"), a.GetAddress(0));
        Assert.Equal(IPAddressValue.Parse("fd00::67"), a.GetAddress(1));

        // keepalived sends the type but no password: only the type can be checked.
        Assert.Equal(DropReason.None, VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, "secret"u8));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, VrrpPacket.CheckAuthentication(a, AuthenticationType.None, default));

        // Not a v3 advert, and not with another pseudo-header.
        Assert.False(VrrpPacket.TryParseMessage(message, VrrpAddressFamily.IPv6, CapturedSource, CapturedGroup, hopLimit, VrrpVersion.V3, out _, out reason));
        Assert.Equal(DropReason.VersionMismatch, reason);
        Assert.False(VrrpPacket.TryParseMessage(message, VrrpAddressFamily.IPv6, IPAddressValue.Parse("fe80::1"), CapturedGroup, hopLimit, VrrpVersion.V2, out _, out reason));
        Assert.Equal(DropReason.BadChecksum, reason);
    }

    [Fact]
    public void Writer_reproduces_the_capture_byte_for_byte()
    {
        byte[] expected = CapturedMessage(out _);
        var fields = new AdvertisementFields(VrrpVersion.V2, 66, 200, 1, AuthenticationType.SimplePassword);
        IPAddressValue[] addresses = [IPAddressValue.Parse("fd00::66"), IPAddressValue.Parse("fd00::67")];
        byte[] password = new byte[VrrpPacket.AuthenticationDataLength];
        VrrpPacket.EncodePassword("secret", password);
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];

        Assert.Equal(expected.Length, VrrpPacket.GetLength(VrrpVersion.V2, VrrpAddressFamily.IPv6, 2));
        int n = VrrpPacket.Write(buffer, fields, addresses, password, CapturedSource, CapturedGroup);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer, 0, n));
    }
}
