using Microsoft.Extensions.Logging;
using Vrrp.Election;

namespace Vrrp.Runtime;

// Split brain (issue 13): a master that hears another master which does not step down.
public partial class VrrpDriver
{
    // Under the lock, for each advert a master discarded because it beats it (the sender acts as master too).
    private void NoteOtherMaster(RouterEntry entry, in VirtualRouterAction action, long now)
    {
        entry.OtherMasterAdverts++;
        var router = entry.Router;
        long peerInterval = entry.Configuration.Version == VrrpVersion.V2
            ? action.Interval * ProtocolTimers.NanosecondsPerSecond
            : action.Interval * ProtocolTimers.NanosecondsPerCentisecond;
        if (peerInterval <= 0)
        {
            peerInterval = router.AdvertisementInterval;
        }

        long window = 3 * Math.Max(peerInterval, router.AdvertisementInterval);
        var utcNow = TimeProvider.GetUtcNow();
        if (entry.SplitPeer != action.Peer || now - entry.SplitLast > entry.SplitWindow)
        {
            // A new candidate. One advert from a router that took itself for master is a normal handover: it steps down
            // when it hears the answer we sent at once. It is a split brain when it advertises again after that.
            entry.SplitActive = false;
            entry.SplitPeer = action.Peer;
            entry.SplitFirst = now;
            entry.SplitAdverts = 0;
        }

        entry.SplitLast = now;
        entry.SplitWindow = window;
        entry.SplitPeerPriority = action.PeerPriority;
        entry.SplitPriority = action.Priority;
        entry.SplitLastSeen = utcNow;
        entry.SplitAdverts++;
        if (!entry.SplitActive && now - entry.SplitFirst >= peerInterval / 2)
        {
            entry.SplitActive = true;
            entry.SplitSince = utcNow;
            entry.SplitBrainEpisodes++;
            var config = entry.Configuration;
            Log.SplitBrain(Logger, entry.Name, action.Peer, config.InterfaceName, config.VirtualRouterId, action.PeerPriority, action.Priority, TimeSpan.FromTicks(window / 100));
        }
    }

    private static VrrpSplitBrain? SplitBrainOf(RouterEntry entry, long now) =>
        entry.Router.State == VrrpState.Master && entry.InSplitBrain(now)
            ? new VrrpSplitBrain
            {
                Peer = entry.SplitPeer,
                PeerPriority = entry.SplitPeerPriority,
                Priority = entry.SplitPriority,
                Since = entry.SplitSince,
                LastSeen = entry.SplitLastSeen,
                Adverts = entry.SplitAdverts,
            }
            : null;
}
