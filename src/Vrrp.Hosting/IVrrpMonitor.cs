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
