using Vrrp.Packets;

namespace Vrrp.Election;

/// <summary>Running counts of one virtual router. Read them from the thread that drives the router (the driver snapshots them under its lock).</summary>
internal sealed class VirtualRouterCounters
{
    private static readonly int ReasonCount = Enum.GetValues<DropReason>().Length;
    private readonly long[] _drops = new long[ReasonCount + 1];

    /// <summary>Advertisements sent (including priority 0).</summary>
    public long AdvertisementsSent { get; internal set; }

    /// <summary>Advertisements with priority 0 sent.</summary>
    public long PriorityZeroSent { get; internal set; }

    /// <summary>Advertisements received and accepted (not dropped).</summary>
    public long AdvertisementsReceived { get; internal set; }

    /// <summary>Accepted advertisements with priority 0 (a master leaving).</summary>
    public long PriorityZeroReceived { get; internal set; }

    /// <summary>State transitions.</summary>
    public long Transitions { get; internal set; }

    /// <summary>Times this router became master.</summary>
    public long BecameMaster { get; internal set; }

    /// <summary>Total time spent as master before the current term, in nanoseconds (see <see cref="VirtualRouter.GetTimeAsMaster"/>).</summary>
    public long CompletedMasterNanoseconds { get; internal set; }

    /// <summary>All drops, whatever the reason.</summary>
    public long TotalDrops { get; private set; }

    /// <summary>The number of drops for a reason.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The count.</returns>
    public long GetDrops(DropReason reason) => (uint)reason < (uint)_drops.Length ? _drops[(int)reason] : 0;

    /// <summary>Counts a drop.</summary>
    /// <param name="reason">The reason; <see cref="DropReason.None"/> is ignored.</param>
    public void CountDrop(DropReason reason)
    {
        if (reason == DropReason.None)
        {
            return;
        }

        int index = (uint)reason < (uint)_drops.Length ? (int)reason : _drops.Length - 1;
        _drops[index]++;
        TotalDrops++;
    }
}
