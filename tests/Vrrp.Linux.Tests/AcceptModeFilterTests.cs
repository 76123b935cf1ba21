using Vrrp.Linux.Nftables;

namespace Vrrp.Linux.Tests;

/// <summary>
/// The accept-mode filter's behaviour against a fake kernel (no privileges): one transaction per change, idempotent
/// elements, a leftover table replaced, a table removed under it put back whole, and clean stops.
/// </summary>
public sealed class AcceptModeFilterTests
{
    private static readonly IPAddressValue Vip4 = IPAddressValue.Parse("192.0.2.100");
    private static readonly IPAddressValue Vip6 = IPAddressValue.Parse("2001:db8:50::100");
    private static readonly IPAddressValue LinkLocal = IPAddressValue.Parse("fe80::100");

    private static (FakeNetfilterKernel Kernel, AcceptModeFilter Filter) Create(string table = "vrrp")
    {
        var kernel = new FakeNetfilterKernel();
        return (kernel, new AcceptModeFilter(new NfTablesClient(kernel), table));
    }

    private static (string, string, string) Element(string set, string hex) => ("vrrp", set, hex.ToUpperInvariant());

    [Fact]
    public void The_first_address_installs_the_table_with_it_in_one_transaction()
    {
        var (kernel, filter) = Create();
        using var _ = filter;
        Assert.False(filter.IsInstalled);
        Assert.True(filter.Add(Vip4));
        Assert.True(filter.IsInstalled);
        Assert.Single(kernel.Sent);
        Assert.Equal([(Nft.NFPROTO_INET, "vrrp")], kernel.Tables);
        Assert.Equal([Element("vips4", "c0000264")], kernel.Elements);
    }

    [Fact]
    public void Adding_and_removing_are_idempotent()
    {
        var (kernel, filter) = Create();
        using var _ = filter;
        filter.Install();
        Assert.True(filter.Add(Vip6));
        Assert.False(filter.Add(Vip6));
        Assert.True(filter.Add(LinkLocal, "eth0"));
        Assert.Equal(2, kernel.Elements.Count);
        Assert.Contains(Element("vips6_link_local", "fe800000000000000000000000000100" + "65746830000000000000000000000000"), kernel.Elements);

        Assert.True(filter.Remove(Vip6));
        Assert.False(filter.Remove(Vip6)); // the kernel answers ENOENT: fine
        Assert.True(filter.Remove(LinkLocal, "eth0"));
        Assert.Empty(kernel.Elements);
        Assert.Empty(filter.Addresses);
        Assert.Equal([(Nft.NFPROTO_INET, "vrrp")], kernel.Tables);
    }

    [Fact]
    public void Install_replaces_a_leftover_table_and_keeps_the_filters_own_addresses()
    {
        var (kernel, filter) = Create();
        using var _ = filter;
        kernel.Tables.Add((Nft.NFPROTO_INET, "vrrp"));
        kernel.Elements.Add(Element("vips4", "c0000263")); // 192.0.2.99, left by a crashed run
        filter.Install();
        Assert.Empty(kernel.Elements);
        Assert.Equal([(Nft.NFPROTO_INET, "vrrp")], kernel.Tables);

        filter.Add(Vip4);
        filter.Install(); // again: the same table, with the same addresses
        Assert.Equal([Element("vips4", "c0000264")], kernel.Elements);
    }

    [Fact]
    public void A_table_removed_under_the_filter_is_put_back_whole()
    {
        var (kernel, filter) = Create();
        using var _ = filter;
        filter.Add(Vip4);
        kernel.Tables.Clear();    // someone ran "nft flush ruleset"
        kernel.Elements.Clear();
        Assert.False(filter.Add(Vip4)); // already the filter's; the kernel answers ENOENT and gets the whole table back
        Assert.Equal([(Nft.NFPROTO_INET, "vrrp")], kernel.Tables);
        Assert.Equal([Element("vips4", "c0000264")], kernel.Elements);

        kernel.Tables.Clear();
        kernel.Elements.Clear();
        Assert.True(filter.Add(Vip6));  // a fresh install carrying both
        Assert.Equal(2, kernel.Elements.Count);
    }

    [Fact]
    public void EnsureInstalled_installs_once_then_only_when_the_table_is_missing()
    {
        var (kernel, filter) = Create();
        using var _ = filter;
        kernel.Tables.Add((Nft.NFPROTO_INET, "vrrp"));
        Assert.True(filter.EnsureInstalled());  // the first call replaces whatever is there
        filter.Add(Vip4);
        Assert.False(filter.EnsureInstalled());
        Assert.False(filter.EnsureInstalled());
        Assert.Equal(Nft.NFT_MSG_GETTABLE, kernel.Messages[^1].NfType);

        kernel.Tables.Clear();
        kernel.Elements.Clear();
        Assert.True(filter.EnsureInstalled());
        Assert.Equal([Element("vips4", "c0000264")], kernel.Elements);
    }

    [Fact]
    public void A_refused_address_is_not_remembered()
    {
        var (kernel, filter) = Create();
        using var _ = filter;
        filter.Install();
        kernel.Refuse = m => m.NfType == Nft.NFT_MSG_NEWSETELEM ? (1, null) : null;
        var ex = Assert.Throws<NetlinkException>(() => filter.Add(Vip4));
        Assert.Equal((1, "add element inet vrrp vips4 { 192.0.2.100 }"), (ex.Errno, ex.Operation));
        Assert.Empty(filter.Addresses);

        kernel.Refuse = null;
        Assert.True(filter.Add(Vip4));
    }

    [Fact]
    public void A_kernel_without_nf_tables_fails_the_first_use_clearly_and_nothing_is_remembered()
    {
        var (kernel, filter) = Create();
        using var _ = filter;
        kernel.RefuseBatch = 95;
        var ex = Assert.Throws<PlatformNotSupportedException>(() => filter.Add(Vip4));
        Assert.Contains("has no nf_tables", ex.Message);
        Assert.False(filter.IsInstalled);
        Assert.Empty(filter.Addresses);
    }

    [Fact]
    public void Removing_the_table_is_idempotent_and_dispose_removes_it_once()
    {
        var (kernel, filter) = Create();
        filter.Add(Vip4);
        Assert.True(filter.RemoveTable());
        Assert.False(filter.RemoveTable());
        Assert.Empty(kernel.Tables);
        Assert.Empty(filter.Addresses);

        filter.Add(Vip4);
        filter.Dispose();
        Assert.Empty(kernel.Tables);
        Assert.True(kernel.Disposed);
        int sent = kernel.Sent.Count;
        filter.Dispose();
        Assert.Equal(sent, kernel.Sent.Count);
        Assert.Throws<ObjectDisposedException>(() => filter.Add(Vip4));
    }

    [Fact]
    public void Dispose_without_an_install_sends_nothing_and_swallows_a_failing_removal()
    {
        var (kernel, filter) = Create();
        filter.Dispose();
        Assert.Empty(kernel.Sent);

        (kernel, filter) = Create();
        filter.Install();
        kernel.Refuse = _ => (1, null);
        filter.Dispose(); // the table stays (the next start replaces it); no exception from Dispose
        Assert.True(kernel.Disposed);
        Assert.Equal([(Nft.NFPROTO_INET, "vrrp")], kernel.Tables);
    }

    [Fact]
    public void Many_addresses_go_in_a_few_element_messages_of_one_transaction()
    {
        var addresses = Enumerable.Range(0, 600).Select(i => IPAddressValue.Parse($"10.0.{i / 256}.{i % 256}"))
            .Concat(Enumerable.Range(1, 3).Select(i => IPAddressValue.Parse($"fe80::{i}")))
            .ToList();
        var (kernel, filter) = Create();
        using var _ = filter;
        foreach (var address in addresses)
        {
            filter.Add(address, "eth0");
        }

        kernel.Sent.Clear();
        kernel.Messages.Clear();
        filter.Install();
        Assert.Single(kernel.Sent);
        var elementMessages = kernel.Messages.Where(m => m.NfType == Nft.NFT_MSG_NEWSETELEM).ToList();
        Assert.Equal(4, elementMessages.Count); // vips4: 256 + 256 + 88; vips6_link_local: 3
        Assert.Equal(603, kernel.Elements.Count);
        Assert.Equal(3, kernel.Elements.Count(e => e.Set == AcceptModeFilter.IPv6LinkLocalSet));
    }
}
