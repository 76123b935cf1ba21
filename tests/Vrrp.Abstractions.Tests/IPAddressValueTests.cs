using System.Net;

namespace Vrrp.Abstractions.Tests;

[Trait("Rfc", "9568-6.4.3-j")]
public class IPAddressValueTests
{
    [Theory]
    [InlineData("172.16.1.25")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8::ff00:42:8329")]
    public void Round_trips_through_text_and_bytes(string text)
    {
        var value = IPAddressValue.Parse(text);
        Assert.Equal(IPAddress.Parse(text), value.ToIPAddress());
        Span<byte> bytes = stackalloc byte[16];
        int n = value.WriteTo(bytes);
        Assert.Equal(value, IPAddressValue.Read(value.Family, bytes[..n]));
    }

    [Fact]
    public void Orders_as_unsigned_big_endian_bytes()
    {
        // 10.0.0.200 > 10.0.0.3 and 200.0.0.1 > 10.255.255.255: unsigned, not signed, and byte 0 most significant.
        Assert.True(IPAddressValue.Parse("10.0.0.200") > IPAddressValue.Parse("10.0.0.3"));
        Assert.True(IPAddressValue.Parse("200.0.0.1") > IPAddressValue.Parse("10.255.255.255"));
        Assert.True(IPAddressValue.Parse("fe80::2") > IPAddressValue.Parse("fe80::1"));
        Assert.True(IPAddressValue.Parse("ff00::") > IPAddressValue.Parse("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    }

    [Theory]
    [InlineData("fe80::1", true)]
    [InlineData("febf::1", true)]
    [InlineData("fec0::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("10.0.0.1", false)]
    public void Knows_link_local(string text, bool linkLocal) =>
        Assert.Equal(linkLocal, IPAddressValue.Parse(text).IsIPv6LinkLocal);
}
