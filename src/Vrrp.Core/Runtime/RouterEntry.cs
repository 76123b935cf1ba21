using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

/// <summary>What a driver keeps about one router besides the protocol state: log rate limits, send errors, its last change.</summary>
internal sealed class RouterEntry
{
    public RouterEntry(VirtualRouter router)
    {
        Router = router;
        AnnounceTargets = TargetsOf(router.Configuration);
        LastDropLog = new long[Enum.GetValues<DropReason>().Length + 1];
        Array.Fill(LastDropLog, Never);
    }

    public VirtualRouter Router { get; }

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
}
