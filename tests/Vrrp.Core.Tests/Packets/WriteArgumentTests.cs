using Vrrp.Packets;
using static Vrrp.Tests.Packets.PacketBuilder;

namespace Vrrp.Tests.Packets;

/// <summary><see cref="VrrpPacket.Write"/> refuses arguments that do not make a valid advertisement (the caller's mistake).</summary>
public class WriteArgumentTests
{
    private static void Write(AdvertisementFields fields, IPAddressValue[] addresses, byte[]? password = null, IPAddressValue? source = null, IPAddressValue? destination = null, int size = VrrpPacket.MaxMessageLength, Ipv4ChecksumMode mode = Ipv4ChecksumMode.PseudoHeader)
    {
        var family = addresses.Length > 0 ? addresses[0].Family : VrrpAddressFamily.IPv4;
        VrrpPacket.Write(new byte[size], fields, addresses, password ?? [], source ?? Source(family), destination ?? Group(family), mode);
    }

    private static readonly IPAddressValue[] V4 = Addresses(VrrpAddressFamily.IPv4, 2);
    private static readonly IPAddressValue[] V6 = Addresses(VrrpAddressFamily.IPv6, 2);

    [Fact]
    public void Valid_arguments_write()
    {
        Write(new(VrrpVersion.V2, 1, 100, 1), V4);
        Write(new(VrrpVersion.V2, 255, 0, 255, AuthenticationType.SimplePassword), V4, [1, 2, 3]);
        Write(new(VrrpVersion.V3, 1, 255, 4095), V6);
        Write(new(VrrpVersion.V3, 1, 255, 1), V4, size: 16);

        // Message-only v3/IPv4 does not need IPv4 metadata.
        VrrpPacket.Write(new byte[16], new(VrrpVersion.V3, 1, 100, 100), V4, [], default, default, Ipv4ChecksumMode.MessageOnly);
    }

    [Fact]
    public void Rejects_bad_fields()
    {
        Assert.Throws<ArgumentException>(() => Write(new((VrrpVersion)4, 1, 100, 1), V4));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 0, 100, 100), V4));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 0), V4));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 4096), V4));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 0), V4));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 256), V4));
    }

    [Fact]
    public void Rejects_bad_addresses()
    {
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), []));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), Addresses(VrrpAddressFamily.IPv4, 256)));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), [V4[0], V6[0]]));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 1, AuthenticationType.IPAuthenticationHeader), V6)); // AH is IPv4 only
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 1), V6, source: V4Source)); // the IPv6 pseudo-header needs IPv6 addresses
    }

    [Fact]
    public void Rejects_bad_authentication()
    {
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100, AuthenticationType.SimplePassword), V4, [1]));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), V4, [1]));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 1), V4, [1]));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 1, AuthenticationType.IPAuthenticationHeader), V4, [1])); // AH: the key is not in the message
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 1, (AuthenticationType)7), V4));
    }

    [Fact]
    public void Rejects_bad_metadata_and_buffer()
    {
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), V6, source: V4Source));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), V4, destination: V6Group));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), V4, mode: (Ipv4ChecksumMode)5));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V3, 1, 100, 100), V4, size: 15));
        Assert.Throws<ArgumentException>(() => Write(new(VrrpVersion.V2, 1, 100, 1), V4, size: 23));
    }

    [Fact]
    public void TryParseMessage_rejects_inconsistent_metadata()
    {
        byte[] message = Message(VrrpVersion.V3, VrrpAddressFamily.IPv6);
        Assert.Throws<ArgumentException>(() => VrrpPacket.TryParseMessage(message, VrrpAddressFamily.IPv6, V4Source, V6Group, 255, null, out _, out _));
        Assert.Throws<ArgumentException>(() => VrrpPacket.TryParseMessage(message, (VrrpAddressFamily)5, V6Source, V6Group, 255, null, out _, out _));
    }

    [Fact]
    public void V2_password_longer_than_8_bytes_is_cut()
    {
        byte[] buffer = new byte[24];
        VrrpPacket.Write(buffer, new(VrrpVersion.V2, 1, 100, 1, AuthenticationType.SimplePassword), V4[..1], "0123456789"u8, default, default);
        Assert.Equal("3031323334353637", Convert.ToHexString(buffer, 12, 8));
    }
}
