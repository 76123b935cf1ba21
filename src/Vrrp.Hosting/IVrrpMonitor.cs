namespace Vrrp.Hosting;

/// <summary>Current state of the virtual routers and a stream of their changes; inject it anywhere.</summary>
public interface IVrrpMonitor
{
    /// <summary>
    /// The configured instances' current status, in configuration order; empty until the host starts. Serialise it
    /// with <c>JsonSerializer.Serialize(monitor.Instances, VrrpJson.InstanceStatusList)</c>.
    /// </summary>
    IReadOnlyList<VrrpInstanceStatus> Instances { get; }

    /// <summary>Gets one instance's current status.</summary>
    /// <param name="instanceName">The instance name.</param>
    /// <param name="status">The status when the instance exists.</param>
    /// <returns>True when an instance of that name is configured.</returns>
    bool TryGetInstance(string instanceName, out VrrpInstanceStatus status);

    /// <summary>
    /// Streams state changes of every instance from now on, each instance's in order, until
    /// <paramref name="cancellationToken"/> is cancelled or the host stops. Each call gets its own stream; a slow
    /// reader buffers and never slows the protocol. A change is delivered once the network matches it: a Master change
    /// after the virtual addresses were added and first announced, any other after they were removed;
    /// <see cref="VrrpStateChange.HoldsVirtualAddresses"/> and <see cref="VrrpStateChange.AddressError"/> say how that
    /// went.
    /// </summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The changes.</returns>
    IAsyncEnumerable<VrrpStateChange> WatchAsync(CancellationToken cancellationToken = default);
}
