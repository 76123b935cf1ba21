using Vrrp.Packets;

namespace Vrrp.Hosting;

/// <summary>
/// The hosting layer's view of the runtime driver that owns the virtual routers (Vrrp.Runtime): start, stop (a
/// master sends priority 0 and removes its addresses), and push the trackers' combined result.
/// </summary>
internal interface IVrrpRuntime : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops every instance: masters send priority 0 and remove their addresses; returns when done.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Applies the trackers' result to an instance (priority adjustment and fault conditions).</summary>
    void SetTracking(string instanceName, int priorityDelta, IReadOnlyList<string> faults);
}

/// <summary>What the runtime reports, in order per instance.</summary>
internal interface IVrrpRuntimeObserver
{
    void StateChanged(string instanceName, VrrpState previous, VrrpState state, int effectivePriority, IPAddressValue? masterAddress);

    void PriorityChanged(string instanceName, int effectivePriority);

    void AdvertisementSent(string instanceName);

    void AdvertisementReceived(string instanceName, IPAddressValue source);

    void Dropped(string? instanceName, DropReason reason);
}

/// <summary>Creates the runtime for a validated configuration and a platform.</summary>
internal interface IVrrpRuntimeFactory
{
    IVrrpRuntime Create(VrrpOptions options, VrrpPlatform platform, IVrrpRuntimeObserver observer);
}
