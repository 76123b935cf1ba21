using System.Text;
using Vrrp.Packets;
using static Vrrp.Tests.Packets.PacketBuilder;

namespace Vrrp.Tests.Packets;

/// <summary>VRRPv2 authentication (RFC 3768 section 5.3.6, 5.3.10; step 7 of the validation order) and password encoding.</summary>
[Trait("Rfc", "3768-5.3.6-a")]
[Trait("Rfc", "3768-7.1-a")]
public class AuthenticationTests
{
    private static byte[] Password(string text)
    {
        byte[] bytes = new byte[8];
        VrrpPacket.EncodePassword(text, bytes);
        return bytes;
    }

    private static DropReason Check(byte[] message, AuthenticationType expectedType, string expectedPassword)
    {
        Assert.True(VrrpPacket.TryParseIPv4Packet(IPv4(message), null, out var a, out var reason), reason.ToString());
        return VrrpPacket.CheckAuthentication(a, expectedType, Password(expectedPassword));
    }

    [Theory]
    [InlineData("1111", "31313131 00000000")]
    [InlineData("", "00000000 00000000")]
    [InlineData("12345678", "31323334 35363738")]
    [InlineData("123456789abc", "31323334 35363738")]
    [InlineData("pässwörd", "70C3A473 7377C3B6")] // UTF-8; the 8th byte cuts a two-byte character as keepalived's byte copy does
    [InlineData("abcdefg\U0001F600", "61626364 656667F0")]
    public void EncodePassword_takes_the_first_8_bytes_zero_padded(string password, string hex)
    {
        Assert.Equal(hex.Replace(" ", string.Empty, StringComparison.Ordinal), Convert.ToHexString(Password(password)));
    }

    [Fact]
    public void EncodePassword_rejects_a_short_destination_and_null()
    {
        Assert.Throws<ArgumentException>(() => VrrpPacket.EncodePassword("x", new byte[7]));
        Assert.Throws<ArgumentNullException>(() => VrrpPacket.EncodePassword(null!, new byte[8]));
    }

    [Fact]
    public void Matching_password_passes()
    {
        Assert.Equal(DropReason.None, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, password: Password("secret")), AuthenticationType.SimplePassword, "secret"));
        Assert.Equal(DropReason.None, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, password: Password("12345678")), AuthenticationType.SimplePassword, "12345678-and-more"));
    }

    [Fact]
    public void Keepalived_vector_passes_with_its_password()
    {
        var v = VrrpVectors.Keepalived[0];
        Assert.True(v.TryParse(out var a, out _));
        Assert.Equal(DropReason.None, VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, Encoding.ASCII.GetBytes("1111")));
        Assert.Equal(DropReason.AuthenticationFailure, VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, Encoding.ASCII.GetBytes("11111")));
    }

    [Trait("Rfc", "3768-5.3.10-a")]
    [Fact]
    public void No_authentication_ignores_the_data()
    {
        byte[] message = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4);
        message[^1] = 0x55; // RFC 3768 section 5.3.10: ignored with type 0
        FixChecksum(message, VrrpAddressFamily.IPv4);
        Assert.Equal(DropReason.None, Check(message, AuthenticationType.None, string.Empty));
    }

    [Trait("Rfc", "3768-5.3.6-b")]
    [Fact]
    public void AuthenticationFailure_wrong_password()
    {
        Assert.Equal(DropReason.AuthenticationFailure, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, password: Password("secret")), AuthenticationType.SimplePassword, "secreT"));
        Assert.Equal(DropReason.AuthenticationFailure, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, password: Password("secret")), AuthenticationType.SimplePassword, "secret1"));
        Assert.Equal(DropReason.AuthenticationFailure, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, password: Password("")), AuthenticationType.SimplePassword, "x"));
    }

    [Trait("Rfc", "3768-5.3.6-b")]
    [Fact]
    public void AuthenticationTypeMismatch_none_against_password_and_back()
    {
        Assert.Equal(DropReason.AuthenticationTypeMismatch, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4), AuthenticationType.SimplePassword, "secret"));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4, password: Password("secret")), AuthenticationType.None, string.Empty));
    }

    [Trait("Rfc", "3768-5.3.6-b")]
    [Theory]
    [InlineData(3)]
    [InlineData(255)]
    public void AuthenticationUnsupported_is_a_type_VRRPv2_does_not_define_counted_apart_from_a_mismatch_as_keepalived_does(byte type)
    {
        // keepalived 2.2.7 (vrrp_check_packet): a type other than 0, 1 and 2 is "Invalid auth type" (invalid_authtype),
        // whatever the instance's own type; only the AH protocol check comes before it.
        byte[] message = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4);
        message[4] = type;
        FixChecksum(message, VrrpAddressFamily.IPv4);
        Assert.Equal(DropReason.AuthenticationUnsupported, Check(message, AuthenticationType.None, string.Empty));
        Assert.Equal(DropReason.AuthenticationUnsupported, Check(message, AuthenticationType.SimplePassword, "secret"));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, Check(message, AuthenticationType.IPAuthenticationHeader, "secret"));
    }

    [Fact]
    public void Type_2_without_an_AH_or_an_AH_instance_without_one_is_a_type_mismatch_as_in_keepalived()
    {
        // keepalived 2.2.7 (vrrp_check_packet): protocol 112 for an AH instance, or auth type 2 in a protocol-112 advert
        // for a PASS or no-auth instance, is counted as authtype_mismatch.
        byte[] message = Message(VrrpVersion.V2, VrrpAddressFamily.IPv4);
        message[4] = (byte)AuthenticationType.IPAuthenticationHeader;
        FixChecksum(message, VrrpAddressFamily.IPv4);
        Assert.True(VrrpPacket.TryParseIPv4Packet(IPv4(message), null, out var a, out _));
        Assert.Equal(AuthenticationType.IPAuthenticationHeader, a.AuthenticationType);
        Assert.Equal(DropReason.AuthenticationTypeMismatch, VrrpPacket.CheckAuthentication(a, AuthenticationType.None, default));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, Password("x")));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, VrrpPacket.CheckAuthentication(a, AuthenticationType.IPAuthenticationHeader, Password("x")));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, Check(Message(VrrpVersion.V2, VrrpAddressFamily.IPv4), AuthenticationType.IPAuthenticationHeader, "x"));
    }

    [Fact]
    public void V3_has_no_authentication()
    {
        Assert.True(VrrpPacket.TryParseIPv4Packet(IPv4(Message(VrrpVersion.V3, VrrpAddressFamily.IPv4)), null, out var a, out _));
        Assert.Equal(AuthenticationType.None, a.AuthenticationType);
        Assert.True(a.AuthenticationData.IsEmpty);
        Assert.Equal(DropReason.None, VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, Password("secret")));
    }
}
