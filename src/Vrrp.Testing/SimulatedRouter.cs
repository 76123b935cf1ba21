using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Testing;

/// <summary>A virtual router on a <see cref="SimulatedNode"/>; it survives the node's restarts (each run has a new driver handle).</summary>
public sealed class SimulatedRouter
{
    internal SimulatedRouter(SimulatedNode node, VirtualRouterConfiguration configuration)
    {
        Node = node;
        Configuration = configuration;
    }

    /// <summary>The node.</summary>
    public SimulatedNode Node { get; }

    /// <summary>The configuration.</summary>
    public VirtualRouterConfiguration Configuration { get; }

    /// <summary>The driver handle of the node's current (or last) run, or null before the first start.</summary>
    public VirtualRouterHandle? Handle { get; internal set; }

    /// <summary>The state: the driver's while the node runs; Stopped after a stop, crash or power-off; Initialize before the first start.</summary>
    public VrrpState State => Handle is null ? VrrpState.Initialize : Node.IsRunning ? Handle.State : VrrpState.Stopped;

    /// <summary>The effective priority now.</summary>
    public byte EffectivePriority => GetStatus().EffectivePriority;

    internal Dictionary<string, bool> TrackerStates { get; } = new(StringComparer.Ordinal);

    /// <summary>A snapshot of the status.</summary>
    /// <returns>The status.</returns>
    public VirtualRouterStatus GetStatus() =>
        Handle?.GetStatus() ?? new VirtualRouterStatus
        {
            Name = Configuration.Name,
            State = VrrpState.Initialize,
            ConfiguredPriority = Configuration.Priority,
            EffectivePriority = Configuration.Priority,
        };

    /// <summary>Reports a tracker's state; remembered across restarts of the node.</summary>
    /// <param name="trackerName">The tracker's name.</param>
    /// <param name="up">True when up.</param>
    public void SetTrackerState(string trackerName, bool up)
    {
        TrackerStates[trackerName] = up;
        if (Node.IsRunning)
        {
            Handle!.SetTrackerState(trackerName, up);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Configuration.Name}@{Node.Name}: {State}";
}
