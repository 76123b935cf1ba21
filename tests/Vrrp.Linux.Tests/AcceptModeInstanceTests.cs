using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Accept_Mode on an instance (issue 11.3, RFC 9568 section 6.4.3, keepalived <c>no_accept</c> / <c>accept</c>): a
/// non-owner master without it drops ICMP and TCP to its VIP in the kernel while VRRP goes on; a master with it
/// answers; the nftables table is installed with the first filtered master and gone after stop, also when a killed run
/// left it. <c>nft</c>, <c>ping</c> and TCP connects are the oracles.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class AcceptModeInstanceTests
{
    private const int Interval = 50;

    private static bool Ping(LabHost from, string address) => from.TryExec(out _, "ping", "-n", "-c", "1", "-W", "1", address);

    private static bool HasTable(LabHost host) => host.Exec("nft", "list", "tables").Contains("inet vrrp", StringComparison.Ordinal);

    [Trait("Rfc", "3768-6.4.3-b")]
    [Trait("Rfc", "9568-6.1-d")]
    [Trait("Rfc", "9568-6.4.3-f")]
    [Theory]
    [InlineData(VrrpAddressFamily.IPv4)]
    [InlineData(VrrpAddressFamily.IPv6)]
    public async Task A_no_accept_master_refuses_tcp_and_icmp_to_the_vip_while_vrrp_works_and_an_accept_master_answers(VrrpAddressFamily family)
    {
        LabProcess.RequireRootAnd("ip", "nft", "ping");
        bool v6 = family == VrrpAddressFamily.IPv6;
        string vip = v6 ? "2001:db8:50::100" : FailoverTests.Vip;
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24", "2001:db8:50::11/64");
        var h2 = lab.AddHost("r2", "192.0.2.12/24", "2001:db8:50::12/64");
        var client = lab.AddHost("c1", "192.0.2.50/24", "2001:db8:50::50/64");
        using var s1 = new LabTcpService(h1);
        using var s2 = new LabTcpService(h2);
        VirtualRouterConfiguration Config(byte priority, bool accept)
        {
            var config = FailoverTests.Config("VI_1", priority, Interval) with { AcceptMode = accept };
            return v6 ? config with { VirtualAddresses = [VirtualAddress.Parse(vip + "/128")] } : config;
        }

        // platform.CreateDriver gives a no_accept instance its filter by itself (no options needed).
        await using var r1 = LabRouter.Create(h1, Config(150, accept: false));
        await using var r2 = LabRouter.Create(h2, Config(100, accept: true));
        await r1.StartAsync();
        await r2.StartAsync();
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r1 is {r1.State}");
        Assert.True(await r1.WaitForAddressAsync(vip));
        Assert.True(HasTable(h1));
        Assert.False(HasTable(h2));
        string listing = h1.Exec("nft", "list", "table", "inet", "vrrp");
        TestContext.Current.TestOutputHelper?.WriteLine(listing);
        Assert.Contains($"elements = {{ {vip} }}", listing);

        Assert.False(Ping(client, vip), "ping to a no_accept master's VIP");
        Assert.Null(await LabTcpService.AskAsync(client, vip, timeoutMs: 1000));
        Assert.True(Ping(client, v6 ? "2001:db8:50::11" : "192.0.2.11"), "the master's own address still answers");

        // VRRP works: the backup follows the master's adverts the whole time.
        long received = r2.Status().AdvertisementsReceived;
        await Task.Delay(10 * Interval, TestContext.Current.CancellationToken);
        Assert.Equal(VrrpState.Backup, r2.State);
        var status = r2.Status();
        Assert.True(status.AdvertisementsReceived >= received + 4, $"r2 received {status.AdvertisementsReceived - received} adverts; drops [{string.Join(", ", status.Drops.Select(d => $"{d.Key}={d.Value}"))}], transitions {status.Transitions}, r1 sent {r1.Status().AdvertisementsSent}");

        // The no_accept master leaves: the accept one takes over and answers; the filter table is gone with r1.
        await r1.Driver.StopAsync(TestContext.Current.CancellationToken);
        Assert.False(HasTable(h1), "the table is gone after stop");
        Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
        Assert.Equal("r2", await LabTcpService.AskUntilAsync(client, vip, "r2", TimeSpan.FromSeconds(3)));
        Assert.True(Ping(client, vip), "ping to an accept master's VIP");
    }

    [Trait("Rfc", "3768-6.4.3-b")]
    [Trait("Rfc", "9568-6.1-d")]
    [Trait("Rfc", "9568-6.4.3-f")]
    [Fact]
    public async Task The_table_a_killed_run_left_is_replaced_at_the_next_start_and_removed_at_stop_and_an_owner_never_filters()
    {
        LabProcess.RequireRootAnd("ip", "nft", "ping");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var client = lab.AddHost("c1", "192.0.2.50/24");
        var config = FailoverTests.Config("VI_1", 100, Interval) with { AcceptMode = false };

        var first = LabRouter.Create(h1, config);
        await first.StartAsync();
        Assert.True(await first.WaitForAddressAsync(FailoverTests.Vip));
        await first.Driver.AbortAsync(); // kill -9: the platform is not disposed either (its Dispose would remove the table)
        Assert.True(HasTable(h1), "a killed run leaves its table");

        await using (var second = LabRouter.Create(h1, config))
        {
            await second.StartAsync();
            Assert.Equal(VrrpState.Backup, second.State);
            Assert.DoesNotContain(FailoverTests.Vip, h1.Exec("nft", "list", "table", "inet", "vrrp")); // replaced, empty
            Assert.True(await second.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));
            Assert.True(await second.WaitForAddressAsync(FailoverTests.Vip));
            Assert.False(Ping(client, FailoverTests.Vip));
            await second.Driver.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.False(HasTable(h1));
        first.Platform.Dispose(); // the killed run's sockets (its filter finds no table of its own to remove)
        Assert.False(HasTable(h1));

        // The address owner always accepts (RFC 9568 section 6.1): no table, the VIP answers.
        await using var owner = LabRouter.Create(h1, config with { Priority = 255 });
        await owner.StartAsync();
        Assert.True(await owner.WaitForAddressAsync(FailoverTests.Vip));
        Assert.True(Ping(client, FailoverTests.Vip));
        Assert.False(HasTable(h1));
    }
}
