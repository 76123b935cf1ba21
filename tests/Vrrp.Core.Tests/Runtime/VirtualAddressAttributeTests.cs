using Vrrp.Election;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>
/// Issue 12, VIP attributes as keepalived 2.2.7 applies them: an address on another device makes the instance track
/// that device (down means Fault) unless no_track; a no_track address removed behind a master's back is not put back;
/// the attributes reach the address manager.
/// </summary>
public class VirtualAddressAttributeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void An_address_on_another_device_is_tracked_unless_no_track_or_already_tracked()
    {
        var config = Config(100) with
        {
            VirtualAddresses = [VirtualAddress.Parse("10.99.0.1"), VirtualAddress.Parse("10.98.0.1 dev eth1"), VirtualAddress.Parse("10.97.0.1 dev eth2 no_track")],
            ExcludedAddresses = [VirtualAddress.Parse("10.96.0.1 dev eth3"), VirtualAddress.Parse("10.95.0.1 dev eth1")],
            Trackers = [new TrackerConfiguration(TrackerKind.Interface, "eth3", -10)],
        };
        var implied = config.EffectiveTrackers.Except(config.Trackers).ToList();
        Assert.Equal(["eth1"], implied.Select(t => t.Name));
        Assert.All(implied, t => Assert.Equal((TrackerKind.Interface, 0), (t.Kind, t.Weight)));
        var plain = Config(100);
        Assert.Same(plain.Trackers, plain.EffectiveTrackers); // nothing implied: the configured list itself
    }

    [Fact]
    public async Task The_device_of_an_address_going_down_puts_the_instance_in_fault_and_no_track_does_not()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 21);
        var tracked = lan.AddRouter(Config(100, vrid: 1) with { VirtualAddresses = [VirtualAddress.Parse("10.99.0.1"), VirtualAddress.Parse("10.98.0.1 dev eth1")] });
        var untracked = lan.AddRouter(Config(100, vrid: 2) with { VirtualAddresses = [VirtualAddress.Parse("10.99.0.2"), VirtualAddress.Parse("10.98.0.2 dev eth1 no_track")] });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal((VrrpState.Master, VrrpState.Master), (tracked.State, untracked.State));
        Assert.True(tracked.Node.HasAddress(IPAddressValue.Parse("10.98.0.1")));

        tracked.Node.Driver!.SetLinkState("eth1", up: false);
        untracked.Node.Driver!.SetLinkState("eth1", up: false);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Fault, tracked.State);
        Assert.False(tracked.Node.HasAddress(IPAddressValue.Parse("10.98.0.1")));
        Assert.Equal(VrrpState.Master, untracked.State);

        tracked.Node.Driver!.SetLinkState("eth1", up: true);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, tracked.State);
    }

    [Fact]
    public async Task A_no_track_address_removed_behind_the_masters_back_is_not_put_back_and_returns_at_the_next_takeover()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 22);
        var a = lan.AddRouter(Config(100) with { VirtualAddresses = [VirtualAddress.Parse("10.99.0.1"), VirtualAddress.Parse("10.99.0.5 no_track")] });
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        var kept = IPAddressValue.Parse("10.99.0.1");
        var loose = IPAddressValue.Parse("10.99.0.5");
        a.Node.RemoveAddressExternally(loose);
        a.Node.RemoveAddressExternally(kept);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(a.Node.HasAddress(kept));
        Assert.False(a.Node.HasAddress(loose));

        a.Node.SetLinkUp(false);
        clock.Advance(TimeSpan.FromSeconds(1));
        a.Node.SetLinkUp(true);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, a.State);
        Assert.True(a.Node.HasAddress(loose));
    }
}
