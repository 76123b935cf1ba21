namespace Vrrp.Abstractions.Tests;

/// <summary>Virtual addresses as keepalived writes them: no prefix means a host address.</summary>
public class VirtualAddressTests
{
    [Theory]
    [InlineData("192.0.2.100", "192.0.2.100", 32)]
    [InlineData("192.0.2.100/24", "192.0.2.100", 24)]
    [InlineData("2001:db8::1", "2001:db8::1", 128)]
    [InlineData("fe80::12/64", "fe80::12", 64)]
    public void Parse_reads_the_address_and_prefix(string text, string address, int prefix)
    {
        var parsed = VirtualAddress.Parse(text);
        Assert.Equal((IPAddressValue.Parse(address), prefix), (parsed.Address, parsed.PrefixLength));
        Assert.Equal($"{address}/{prefix}", parsed.ToString());
    }

    [Theory]
    [InlineData("192.0.2.100/33")]
    [InlineData("192.0.2.300")]
    [InlineData("fd00::1/129")]
    [InlineData("")]
    public void Parse_refuses_what_is_not_an_address_with_a_prefix(string text) =>
        Assert.ThrowsAny<Exception>(() => VirtualAddress.Parse(text));

    [Fact]
    public void A_platform_needs_all_four_parts() =>
        Assert.Throws<ArgumentNullException>(() => new VrrpPlatform("x", null!, null!, null!, null!));
}
