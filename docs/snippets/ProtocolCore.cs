// docs/architecture.md: the protocol core driven by hand, with no I/O and no clock (runs as a test).
#region usings
using Vrrp;
using Vrrp.Election;
#endregion

namespace Vrrp.Docs.Snippets;

public static class ProtocolCore
{
    public static void Run()
    {
        #region core
        var router = new VirtualRouter(
            new VirtualRouterConfiguration
            {
                Name = "VI_1",
                InterfaceName = "eth0",
                VirtualRouterId = 51,
                Priority = 150,
                VirtualAddresses = [VirtualAddress.Parse("192.0.2.100/24")],
            },
            localAddress: IPAddressValue.Parse("192.0.2.11"));

        var actions = new List<VirtualRouterActionKind>();
        void Drain()                                  // after ANY input: drain the actions, perform them in order
        {
            while (router.TryPollAction(out var action))
            {
                actions.Add(action.Kind);
            }
        }

        long now = 0;                                 // nanoseconds, from any monotonic clock
        router.Start(now);
        Drain();
        Assert.Equal(VrrpState.Backup, router.State);

        now = router.NextTimeout!.Value;              // no advert heard: Master_Down_Interval has passed
        Assert.Equal(3_414_062_500, now);             // 3 s + (256 - 150) / 256 s
        router.HandleTimeout(now);
        Drain();
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal(
            [VirtualRouterActionKind.StateChanged, VirtualRouterActionKind.SendAdvertisement,
             VirtualRouterActionKind.AddAddresses, VirtualRouterActionKind.Announce],
            actions.Where(k => k != VirtualRouterActionKind.PriorityChanged).Skip(1));   // the first: Initialize -> Backup
        #endregion
    }
}
