using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Hosting;

/// <summary>Reports one tracked object's value to the instances.</summary>
/// <param name="instance">One instance's name, or null for every instance that tracks the object.</param>
/// <param name="kind">The object's kind (for example <see cref="TrackerKind.Process"/>).</param>
/// <param name="name">Its name, as the instances' <see cref="TrackerConfiguration.Name"/>.</param>
/// <param name="value">1 or 0 for up or down (a tracked file: its number).</param>
public delegate void VrrpTrackerReport(string? instance, TrackerKind kind, string name, long value);

/// <summary>
/// Tracked objects that a platform package follows and reports to the instances (Vrrp.Linux: <c>track_process</c>
/// through the kernel's process connector). Register one with <c>AddTrackerSource</c>. The host starts it with its
/// own trackers, before the instances start (so the first values count from the start), and stops it after the
/// instances have stopped. What a value does (weight, Fault) is the protocol core's business: an instance must list
/// the object among its <see cref="VirtualRouterConfiguration.Trackers"/>.
/// </summary>
public interface IVrrpTrackerSource
{
    /// <summary>Starts following: reports every object's first value through <paramref name="report"/> before returning, then each change (from any thread, one call at a time).</summary>
    /// <param name="report">Where values go.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when started.</returns>
    ValueTask StartAsync(VrrpTrackerReport report, CancellationToken cancellationToken);

    /// <summary>Stops following; no report is made once this has completed.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when stopped.</returns>
    ValueTask StopAsync(CancellationToken cancellationToken);
}

/// <summary>The resource factory registered with <c>UseVirtualRouterResources</c> (a service of the container).</summary>
internal sealed class VrrpResourceFactory(Func<IServiceProvider, VrrpOptions, VrrpInstanceOptions, VirtualRouterResources?> create)
{
    public VirtualRouterResources? Create(IServiceProvider services, VrrpOptions options, VrrpInstanceOptions instance) => create(services, options, instance);
}
