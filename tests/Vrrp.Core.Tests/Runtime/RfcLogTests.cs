using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>The log lines RFC 9568 asks for (issue 15 item 4), and an owner's own addresses (item 5).</summary>
public class RfcLogTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Trait("Rfc", "9568-7.1-l")]
    [Trait("Rfc", "9568-7.1-n")]
    [Fact]
    public async Task A_backup_logs_a_learned_interval_and_a_duplicate_of_our_address_is_logged()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 21, logs);
        var backup = lan.AddRouter(Config(100));
        var master = lan.AddRouter(Config(200, interval: TimeSpan.FromMilliseconds(500)));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Contains("(VI_1) advertisement interval changed: mine 1000 ms, learned 500 ms from master 192.0.2.2", logs.Messages);

        // A host that uses our own address sends an advert for our VRID: dropped, counted, and said (once a second).
        var writer = new VirtualRouter(Config(150), backup.Node.Address);
        var buffer = new byte[writer.AdvertisementLength];
        int length = writer.WriteAdvertisement(buffer, 150, IPAddressValue.Parse("224.0.0.18"));
        for (int i = 0; i < 3; i++)
        {
            lan.Inject(backup.Node, buffer.AsSpan(0, length), VrrpAddressFamily.IPv4, backup.Node.Address);
        }

        clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(3, backup.GetStatus().Drops[DropReason.OwnAdvertisement]);
        Assert.Single(logs.Messages, m => m.StartsWith("(VI_1) received an advert from our own address 192.0.2.1", StringComparison.Ordinal));
        _ = master;
    }

    [Trait("Rfc", "9568-5.2.4-a")]
    [Fact]
    public async Task An_owner_never_removes_an_address_that_was_on_the_interface_before_it_started()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 22, logs);
        var owner = lan.AddRouter(Config(255));
        var vip = VipOf(1);
        owner.Node.AddAddressExternally(vip);          // the owner's real address (RFC 9568: the VIP is its own)
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Master, owner.State);
        Assert.True(owner.Node.HasAddress(vip));
        Assert.Contains("(VI_1) 10.99.0.1 is already on eth0: the address owner's own address, kept (never removed)", logs.Messages);

        await owner.Node.StopAsync();
        Assert.True(owner.Node.HasAddress(vip));       // not removed at stop either
        Assert.DoesNotContain(logs.Messages, m => m.Contains("leftover", StringComparison.Ordinal));

        // A non-owner with the same address present treats it as a crash leftover and removes it.
        var other = lan.AddRouter(Config(100, vrid: 2));
        other.Node.AddAddressExternally(VipOf(2));
        await other.Node.StartAsync(Token);
        Assert.False(other.Node.HasAddress(VipOf(2)));
    }
}
