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
    public void Parse_reads_keepalived_attributes_and_writes_them_back()
    {
        var a = VirtualAddress.Parse("192.0.2.10/24 brd + dev eth1 scope link label eth1:vip no_track");
        Assert.Equal("eth1", a.Device);
        Assert.Equal(VirtualAddressScope.Link, a.Scope);
        Assert.Equal("eth1:vip", a.Label);
        Assert.Equal(IPAddressValue.Parse("192.0.2.255"), a.Broadcast);
        Assert.True(a.NoTrack);
        Assert.Equal("192.0.2.10/24", a.ToString()); // logs keep the short form
        Assert.Equal("192.0.2.10/24 brd 192.0.2.255 dev eth1 scope link label eth1:vip no_track", a.ToConfigurationString());
        Assert.Equal(a, VirtualAddress.Parse(a.ToConfigurationString()));

        var b = VirtualAddress.Parse("fd00::10/64 dev eth2 scope host -nodad");
        Assert.Equal(("eth2", VirtualAddressScope.Host, false), (b.Device, b.Scope, b.NoTrack));
        Assert.Equal(VirtualAddressScope.Global, VirtualAddress.Parse("192.0.2.1").Scope);
        Assert.Equal(IPAddressValue.Parse("10.1.2.3"), VirtualAddress.Parse("10.0.0.1/8 broadcast 10.1.2.3").Broadcast);
    }

    [Fact]
    public void Parse_reads_the_peer_flags_lifetime_and_a_numbered_scope()
    {
        var p = VirtualAddress.Parse("192.0.2.10/24 peer 192.0.2.1 scope 77 home noprefixroute autojoin");
        Assert.Equal((32, IPAddressValue.Parse("192.0.2.1"), (VirtualAddressScope)77), (p.PrefixLength, p.Peer, p.Scope));
        Assert.Equal(VirtualAddressFlags.HomeAddress | VirtualAddressFlags.NoPrefixRoute | VirtualAddressFlags.AutoJoin, p.Flags);
        Assert.Equal("192.0.2.10/32 scope 77 peer 192.0.2.1 home noprefixroute autojoin", p.ToConfigurationString());
        Assert.Equal(p, VirtualAddress.Parse(p.ToConfigurationString()));

        var d = VirtualAddress.Parse("fd00::10/64 -nodad mngtmpaddr preferred_lft 0");
        Assert.Equal((VirtualAddressFlags.DuplicateAddressDetection | VirtualAddressFlags.ManageTemporaryAddresses, 0u), (d.Flags, d.PreferredLifetime));
        Assert.Equal(d, VirtualAddress.Parse(d.ToConfigurationString()));
        Assert.Null(VirtualAddress.Parse("fd00::10/64 preferred_lft forever").PreferredLifetime);
    }

    [Theory]
    [InlineData("192.0.2.10/24 colour blue", "'colour' is not supported")]
    [InlineData("192.0.2.10 peer fd00::1", "peer 'fd00::1'")]
    [InlineData("fd00::1 preferred_lft soon", "preferred_lft 'soon'")]
    [InlineData("192.0.2.10/24 dev", "'dev' needs a value")]
    [InlineData("192.0.2.10/24 scope galaxy", "scope 'galaxy'")]
    [InlineData("fd00::1/64 label x", "IPv4 addresses only")]
    [InlineData("192.0.2.10/24 brd fd00::1", "same family")]
    public void Parse_names_the_attribute_it_cannot_take(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => VirtualAddress.Parse(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_platform_needs_all_four_parts() =>
        Assert.Throws<ArgumentNullException>(() => new VrrpPlatform("x", null!, null!, null!, null!));
}
