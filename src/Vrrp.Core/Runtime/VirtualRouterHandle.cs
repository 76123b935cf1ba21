using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>An instance added to a <see cref="VrrpDriver"/>: its name, configuration, live state and status.</summary>
public sealed class VirtualRouterHandle
{
    internal VirtualRouterHandle(VrrpDriver driver, VirtualRouterConfiguration configuration, int index)
    {
        Driver = driver;
        Configuration = configuration;
        Index = index;
        int length = Packets.VrrpPacket.GetLength(configuration.Version, configuration.Family, configuration.VirtualAddresses.Count);
        SendBuffer = new byte[length];
        LastDropLog = new long[Enum.GetValues<Packets.DropReason>().Length + 1];
        Array.Fill(LastDropLog, long.MinValue / 2);
    }

    /// <summary>The driver that runs the instance.</summary>
    public VrrpDriver Driver { get; }

    /// <summary>The instance name.</summary>
    public string Name => Configuration.Name;

    /// <summary>The configuration.</summary>
    public VirtualRouterConfiguration Configuration { get; }

    /// <summary>The current state (a lock-free read; <see cref="GetStatus"/> for a consistent snapshot).</summary>
    public VrrpState State => (VrrpState)Volatile.Read(ref StateValue);

    /// <summary>The address adverts are sent from, or null before start.</summary>
    public IPAddressValue? LocalAddress => Router?.LocalAddress;

    /// <summary>Takes a consistent snapshot of the instance's state and counters.</summary>
    /// <returns>The status.</returns>
    public VirtualRouterStatus GetStatus() => Driver.GetStatus(this);

    /// <summary>Reports a tracker's state for this instance (see <see cref="TrackerConfiguration"/>).</summary>
    /// <param name="trackerName">The tracker's name.</param>
    /// <param name="up">True when up.</param>
    /// <returns>False when the instance has no tracker of that name.</returns>
    public bool SetTrackerState(string trackerName, bool up) => Driver.SetTrackerState(this, trackerName, up);

    /// <inheritdoc />
    public override string ToString() => $"{Name} (VRID {Configuration.VirtualRouterId} on {Configuration.InterfaceName}): {State}";

#pragma warning disable SA1401 // the driver's per-instance state, guarded by its lock
    internal readonly int Index;
    internal VirtualRouter? Router;
    internal DriverChannel? Channel;
    internal SyncGroup? Group;
    internal VirtualRouterHandle[] GroupMembers = [];
    internal byte[] SendBuffer;
    internal bool SendPending;
    internal long SendErrors;
    internal long LastSendErrorLog = long.MinValue / 2;
    internal Task? PendingSend;
    internal readonly long[] LastDropLog;
    internal readonly Dictionary<string, bool> PendingTrackerStates = new(StringComparer.Ordinal);
    internal (string Interface, VirtualAddress[] Addresses)[] AnnounceTargets = [];
    internal RouterStateChange? LastStateChange;
    internal int StateValue;
#pragma warning restore SA1401
}
