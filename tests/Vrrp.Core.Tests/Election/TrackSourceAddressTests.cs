using Vrrp.Election;

namespace Vrrp.Tests.Election;

/// <summary>
/// keepalived's <c>track_src_ip</c> (<see cref="VirtualRouterConfiguration.TrackSourceAddress"/>): the configured
/// source address deleted from the instance's interface puts the router in Fault, its return takes it out
/// (keepalived 2.2.7's netlink address handler: down_instance / try_up_instance). Without the option, or without a
/// configured source address, an address event changes nothing.
/// </summary>
public class TrackSourceAddressTests
{
    private static readonly IPAddressValue Source = IPAddressValue.Parse("192.0.2.11");

    private static VirtualRouterConfiguration Config(bool track, IPAddressValue? source) => new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 1,
        Priority = 150,
        VirtualAddresses = [VirtualAddress.Parse("192.0.2.100")],
        SourceAddress = source,
        TrackSourceAddress = track,
        GarpMasterDelay = TimeSpan.Zero,
    };

    private static (VirtualRouterSet Set, VirtualRouter Router) Master(VirtualRouterConfiguration config)
    {
        var set = new VirtualRouterSet();
        var router = set.Add(config);
        set.SetLocalAddress(0, Source);
        set.Start(0);
        set.HandleTimeout(set.NextTimeout!.Value);
        while (set.TryPollAction(out _))
        {
        }

        Assert.Equal(VrrpState.Master, router.State);
        return (set, router);
    }

    [Fact]
    public void Deleting_the_source_address_is_a_fault_until_it_is_back()
    {
        var (set, router) = Master(Config(track: true, Source));
        set.SetAddressPresent("eth1", Source, present: false, 5);                  // another interface: nothing
        set.SetAddressPresent("eth0", IPAddressValue.Parse("192.0.2.12"), false, 5); // another address: nothing
        Assert.Equal(VrrpState.Master, router.State);

        set.SetAddressPresent("eth0", Source, present: false, 10);
        Assert.Equal(VrrpState.Fault, router.State);
        Assert.Equal(["source address 192.0.2.11 not on eth0 (track_src_ip)"], router.GetFaults());
        var actions = new List<VirtualRouterActionKind>();
        while (set.TryPollAction(out var action))
        {
            actions.Add(action.Kind);
        }

        Assert.Contains(VirtualRouterActionKind.RemoveAddresses, actions);       // a master in Fault gives its addresses up

        set.SetAddressPresent("eth0", Source, present: true, 20);
        Assert.Equal(VrrpState.Backup, router.State);
        Assert.Empty(router.GetFaults());
    }

    [Theory]
    [InlineData(false, true)]    // not tracked
    [InlineData(true, false)]    // tracked, but no configured source address (keepalived clears the flag)
    public void Otherwise_the_address_events_change_nothing(bool track, bool configured)
    {
        var (set, router) = Master(Config(track, configured ? Source : null));
        set.SetAddressPresent("eth0", Source, present: false, 10);
        Assert.Equal(VrrpState.Master, router.State);
    }
}
