namespace Vrrp.Hosting;

/// <summary>Current state of the virtual routers and a stream of their changes; inject it anywhere.</summary>
public interface IVrrpMonitor
{
    /// <summary>The configured instances' current status, in configuration order; empty until the host starts.</summary>
    IReadOnlyList<VrrpInstanceStatus> Instances { get; }

    /// <summary>Gets one instance's current status.</summary>
    /// <param name="instanceName">The instance name.</param>
    /// <param name="status">The status when the instance exists.</param>
    /// <returns>True when an instance of that name is configured.</returns>
    bool TryGetInstance(string instanceName, out VrrpInstanceStatus status);

    /// <summary>
    /// Streams state changes of every instance from now on, each instance's in order, until
    /// <paramref name="cancellationToken"/> is cancelled or the host stops. Each call gets its own stream; a slow
    /// reader buffers and never slows the protocol.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The changes.</returns>
    IAsyncEnumerable<VrrpStateChange> WatchAsync(CancellationToken cancellationToken = default);
}

/// <summary>A snapshot of one instance.</summary>
public sealed record VrrpInstanceStatus
{
    /// <summary>The instance name.</summary>
    public required string Name { get; init; }

    /// <summary>The interface it runs on.</summary>
    public required string Interface { get; init; }

    /// <summary>The virtual router identifier.</summary>
    public required int VirtualRouterId { get; init; }

    /// <summary>The current state.</summary>
    public required VrrpState State { get; init; }

    /// <summary>The configured priority.</summary>
    public required int ConfiguredPriority { get; init; }

    /// <summary>The effective priority: the configured one adjusted by the trackers' weights (keepalived semantics).</summary>
    public required int EffectivePriority { get; init; }

    /// <summary>The master's address when known (this node's own when master), else null.</summary>
    public IPAddressValue? MasterAddress { get; init; }

    /// <summary>What keeps the instance in Fault (failed weight-0 trackers, a down interface); empty otherwise.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>When the instance last changed state, or null when it has not yet.</summary>
    public DateTimeOffset? LastTransition { get; init; }

    /// <summary>Advertisements sent since start (priority 0 ones included).</summary>
    public long AdvertisementsSent { get; init; }

    /// <summary>Valid advertisements received since start.</summary>
    public long AdvertisementsReceived { get; init; }

    /// <summary>Total time spent as master since start.</summary>
    public TimeSpan TimeAsMaster { get; init; }
}
