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
        LastDropLog = new long[Enum.GetValues<DropReason>().Length + 2];
        Array.Fill(LastDropLog, long.MinValue / 2);
    }

    public VirtualRouter Router { get; }

    public string Name => Router.Name;

    public VirtualRouterConfiguration Configuration => Router.Configuration;

    /// <summary>The virtual and excluded addresses grouped by the interface they go on (replaced by a reload).</summary>
    public (string Interface, VirtualAddress[] Addresses)[] AnnounceTargets { get; set; }

    /// <summary>When a line of each drop reason was last logged (one more slot for lower-priority adverts, one for owner reports).</summary>
    public long[] LastDropLog { get; }

    public long LastSendErrorLog { get; set; } = long.MinValue / 2;

    public long SendErrors { get; set; }

    public VrrpStateChange? LastStateChange { get; set; }

    public long Sequence { get; set; }

    /// <summary>The driver's own per-router data (for example send buffers).</summary>
    public object? DriverData { get; set; }

    /// <summary>The virtual and excluded addresses of a configuration grouped by the interface they go on.</summary>
    public static (string Interface, VirtualAddress[] Addresses)[] TargetsOf(VirtualRouterConfiguration config) =>
        [.. config.VirtualAddresses.Concat(config.ExcludedAddresses)
            .GroupBy(a => a.Device ?? config.InterfaceName, StringComparer.Ordinal)
            .Select(g => (g.Key, g.ToArray()))];
}
