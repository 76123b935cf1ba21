using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

// Status snapshots of the instances.
public partial class VrrpDriver : IAsyncDisposable
{
    private VrrpInstanceStatus Status(RouterEntry entry, long now)
    {
        var router = entry.Router;
        var config = router.Configuration;
        var counters = router.Counters;
        var drops = new Dictionary<DropReason, long>();
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            long count = counters.GetDrops(reason);
            if (count > 0)
            {
                drops[reason] = count;
            }
        }

        bool started = router.State != VrrpState.Initialize || entry.LastStateChange is not null;
        return new VrrpInstanceStatus
        {
            Name = config.Name,
            Interface = config.InterfaceName,
            VirtualRouterId = config.VirtualRouterId,
            Family = config.Family,
            Version = config.Version,
            State = router.State,
            ConfiguredPriority = config.Priority,
            EffectivePriority = router.EffectivePriority,
            VirtualAddresses = config.VirtualAddresses,
            LocalAddress = started ? router.LocalAddress : null,
            MasterAddress = router.MasterAddress,
            MasterPriority = router.MasterPriority,
            IsFaulted = router.IsFaulted,
            Faults = router.IsFaulted ? router.GetFaults() : [],
            MasterAdvertisementInterval = TimeSpan.FromTicks(router.MasterAdvertisementInterval / 100),
            AdvertisementsSent = counters.AdvertisementsSent,
            AdvertisementsReceived = counters.AdvertisementsReceived,
            PriorityZeroSent = counters.PriorityZeroSent,
            PriorityZeroReceived = counters.PriorityZeroReceived,
            Transitions = counters.Transitions,
            BecameMaster = counters.BecameMaster,
            SendErrors = entry.SendErrors,
            TimeAsMaster = TimeSpan.FromTicks(router.GetTimeAsMaster(now) / 100),
            Drops = drops,
            LastStateChange = entry.LastStateChange,
            HoldsVirtualAddresses = entry.HoldsAddresses,
            AddressError = entry.AddressError,
            IsDrained = router.IsDrained,
            PriorityOverride = router.PriorityOverride,
            VersionMismatch = entry.InMismatchEpisode(now)
                ? new VrrpVersionMismatch
                {
                    Peer = entry.MismatchPeer,
                    PeerVersion = entry.MismatchPeerVersion,
                    Version = config.Version,
                    Since = entry.MismatchSince,
                    LastSeen = entry.MismatchLastSeen,
                    Adverts = entry.MismatchAdverts,
                }
                : null,
            SplitBrain = SplitBrainOf(entry, now),
            SplitBrainEpisodes = entry.SplitBrainEpisodes,
            OtherMasterAdvertisements = entry.OtherMasterAdverts,
        };
    }
}
