using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

/// <summary>What a driver keeps about one router besides the protocol state: log rate limits, send errors, its last change.</summary>
internal sealed class RouterEntry
{
    public RouterEntry(VirtualRouter router, VirtualRouterResources? resources = null)
    {
        Router = router;
        Resources = resources;
        AnnounceTargets = TargetsOf(router.Configuration);
        LastDropLog = new long[Enum.GetValues<DropReason>().Length + 1];
        Array.Fill(LastDropLog, Never);
    }

    public VirtualRouter Router { get; }

    /// <summary>What the instance holds on the platform besides its addresses, or null.</summary>
    public VirtualRouterResources? Resources { get; }

    /// <summary>True once <see cref="VirtualRouterResources.PrepareAsync"/> has run (so that release is due).</summary>
    public bool Prepared { get; set; }

    public string Name => Router.Name;

    public VirtualRouterConfiguration Configuration => Router.Configuration;

    /// <summary>The virtual and excluded addresses grouped by the interface they go on (replaced by a reload).</summary>
    public (string Interface, VirtualAddress[] Addresses)[] AnnounceTargets { get; set; }

    private const long Never = long.MinValue / 2;

    /// <summary>When a line of each drop reason was last logged (the last slot for any reason beyond the known ones).</summary>
    public long[] LastDropLog { get; }

    /// <summary>When the reports logged at most once a second were last logged.</summary>
    public long LastLowerPriorityLog = Never, LastOwnerLog = Never, LastMultipleOwnersLog = Never;

    public long LastSendErrorLog { get; set; } = Never;

    /// <summary>
    /// An owner's addresses that were on the interface before it started: its real addresses (RFC 9568: the owner's
    /// virtual addresses are its own), never removed by us, neither as leftovers nor at stop or in Fault.
    /// </summary>
    public HashSet<IPAddressValue> Retained { get; } = [];

    public long SendErrors { get; set; }

    public VrrpStateChange? LastStateChange { get; set; }

    public long Sequence { get; set; }

    /// <summary>The virtual and excluded addresses of a configuration grouped by the interface they go on.</summary>
    public static (string Interface, VirtualAddress[] Addresses)[] TargetsOf(VirtualRouterConfiguration config) =>
        [.. config.VirtualAddresses.Concat(config.ExcludedAddresses)
            .GroupBy(a => a.Device ?? config.InterfaceName, StringComparer.Ordinal)
            .Select(g => (g.Key, g.ToArray()))];

    /// <summary>A state change whose <see cref="AddressWorkKind.Applied"/> marker is not queued yet (it goes after the change's address work).</summary>
    public VrrpStateChange? PendingApply { get; set; }

    /// <summary>Whether the virtual addresses are on the node: set by a successful add, cleared by a remove.</summary>
    public bool HoldsAddresses { get; set; }

    /// <summary>The last address work failure (for the status), or null after a success.</summary>
    public string? AddressError { get; set; }

    /// <summary>The first address work failure since the last applied change (for the next one), or null.</summary>
    public string? ApplyError { get; set; }

    /// <summary>Failed adds in a row (the address fault's retry backs off with it); zero after a successful add.</summary>
    public int AddFailures { get; set; }

    /// <summary>The pending retry of an address fault, or null.</summary>
    public ITimer? AddressRetry { get; set; }

    /// <summary>Adverts from another master while master, since start; split-brain episodes since start.</summary>
    public long OtherMasterAdverts { get; set; }

    public long SplitBrainEpisodes { get; set; }

    /// <summary>The other master heard last (a candidate until <see cref="SplitActive"/>), its priority, its first and last advert (core nanoseconds), the window, and the episode's wall-clock times and count.</summary>
    public IPAddressValue SplitPeer { get; set; }

    public byte SplitPeerPriority { get; set; }

    public byte SplitPriority { get; set; }

    public long SplitFirst { get; set; } = long.MinValue / 2;

    public long SplitLast { get; set; } = long.MinValue / 2;

    public long SplitWindow { get; set; }

    public long SplitPeerInterval { get; set; }

    public bool SplitActive { get; set; }

    public DateTimeOffset SplitSince { get; set; }

    public DateTimeOffset SplitLastSeen { get; set; }

    public long SplitAdverts { get; set; }

    /// <summary>Whether a split-brain episode is under way at <paramref name="now"/>.</summary>
    public bool InSplitBrain(long now) => SplitActive && now - SplitLast <= SplitWindow;

    /// <summary>The current version-mismatch episode: its peer, versions and times (core nanoseconds and wall clock).</summary>
    public IPAddressValue MismatchPeer { get; set; }

    public VrrpVersion MismatchPeerVersion { get; set; }

    public long MismatchLast { get; set; } = long.MinValue / 2;

    public long MismatchWindow { get; set; }

    public DateTimeOffset MismatchSince { get; set; }

    public DateTimeOffset MismatchLastSeen { get; set; }

    public long MismatchAdverts { get; set; }

    /// <summary>Whether a version-mismatch episode is under way at <paramref name="now"/>.</summary>
    public bool InMismatchEpisode(long now) => MismatchAdverts > 0 && now - MismatchLast <= MismatchWindow;
}
