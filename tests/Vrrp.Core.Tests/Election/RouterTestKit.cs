using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Tests.Election;

/// <summary>Builds routers and adverts for unit tests of the state machine.</summary>
internal static class RouterTestKit
{
    public const long Second = ProtocolTimers.NanosecondsPerSecond;
    public const long Millisecond = 1_000_000;

    public static readonly IPAddressValue Local = IPAddressValue.Parse("10.0.0.5");
    public static readonly IPAddressValue LowerPeer = IPAddressValue.Parse("10.0.0.1");
    public static readonly IPAddressValue HigherPeer = IPAddressValue.Parse("10.0.0.9");
    public static readonly IPAddressValue Vip = IPAddressValue.Parse("192.0.2.100");
    public static readonly IPAddressValue Group = IPAddressValue.Parse("224.0.0.18");
    private static readonly byte[] VipBytes = [192, 0, 2, 100];
    private static readonly byte[] OtherVipBytes = [192, 0, 2, 200];

    public static VirtualRouterConfiguration Config(byte priority = 100, VrrpVersion version = VrrpVersion.V3, TimeSpan? interval = null) => new()
    {
        Name = "VI_1",
        InterfaceName = "eth0",
        VirtualRouterId = 1,
        Priority = priority,
        Version = version,
        AdvertisementInterval = interval ?? TimeSpan.FromSeconds(1),
        VirtualAddresses = [new VirtualAddress(Vip)],
        Trackers = [new TrackerConfiguration(TrackerKind.External, "check", 0), new TrackerConfiguration(TrackerKind.External, "bonus", 20, initialValue: 0), new TrackerConfiguration(TrackerKind.External, "malus", -30)],
    };

    public static Advertisement Advert(
        byte priority,
        IPAddressValue source,
        ushort interval = 100,
        VrrpVersion version = VrrpVersion.V3,
        byte vrid = 1,
        AuthenticationType auth = AuthenticationType.None,
        byte[]? authData = null,
        bool otherAddress = false) =>
        new(
            version,
            VrrpAddressFamily.IPv4,
            vrid,
            priority,
            1,
            auth,
            interval,
            0,
            version == VrrpVersion.V2 ? ChecksumForm.V2Message : ChecksumForm.IPv4PseudoHeader,
            otherAddress ? OtherVipBytes : VipBytes,
            authData ?? (version == VrrpVersion.V2 ? new byte[8] : []),
            source,
            Group,
            255);

    /// <summary>Drains the actions as compact strings: "State:Master", "Send:100", "Add", "Remove", "Announce", ...</summary>
    public static List<string> Drain(VirtualRouter router)
    {
        var list = new List<string>();
        while (router.TryPollAction(out var a))
        {
            list.Add(a.Kind switch
            {
                VirtualRouterActionKind.StateChanged => $"State:{a.To}",
                VirtualRouterActionKind.SendAdvertisement => $"Send:{a.Priority}",
                VirtualRouterActionKind.AddAddresses => "Add",
                VirtualRouterActionKind.RemoveAddresses => "Remove",
                VirtualRouterActionKind.Announce => "Announce",
                VirtualRouterActionKind.LowerPriorityAdvertisementDiscarded => "LowerDiscarded",
                VirtualRouterActionKind.OwnerReceivedAdvertisement => "OwnerReceived",
                VirtualRouterActionKind.AddressListMismatch => "AddressListMismatch",
                VirtualRouterActionKind.PriorityChanged => $"Priority:{a.Priority}",
                _ => a.Kind.ToString(),
            });
        }

        return list;
    }

    /// <summary>A router brought into a state at time 0..; returns the time reached.</summary>
    public static VirtualRouter InState(VrrpState state, out long now, VirtualRouterConfiguration? config = null)
    {
        var router = new VirtualRouter(config ?? Config(), Local);
        now = 0;
        switch (state)
        {
            case VrrpState.Initialize:
                break;
            case VrrpState.Backup:
                router.Start(now);
                now = Second;
                break;
            case VrrpState.Master:
                router.Start(now);
                now = router.NextTimeout!.Value;
                router.HandleTimeout(now);
                now += 100 * Millisecond;
                break;
            case VrrpState.Fault:
                router.Start(now);
                router.SetInterfaceState(false, now);
                now = Second;
                break;
            case VrrpState.Stopped:
                router.Start(now);
                router.Shutdown(Second);
                now = 2 * Second;
                break;
        }

        Drain(router);
        Assert.Equal(state, router.State);
        return router;
    }
}
