using Vrrp.Election;

namespace Vrrp.Testing;

/// <summary>A virtual router on a <see cref="SimulatedNode"/>; it survives the node's restarts (each run has a new driver).</summary>
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

    /// <summary>The instance name.</summary>
    public string Name => Configuration.Name;

    /// <summary>The state: the driver's while the node runs; Stopped after a stop, crash or power-off; Initialize before the first start.</summary>
    public VrrpState State => Node.Driver is not { } driver ? VrrpState.Initialize : Node.IsRunning ? driver.GetState(Name) : VrrpState.Stopped;

    /// <summary>The effective priority now.</summary>
    public int EffectivePriority => GetStatus().EffectivePriority;

    internal Dictionary<(TrackerKind Kind, string Name), long> TrackerValues { get; } = [];

    /// <summary>A snapshot of the status.</summary>
    /// <returns>The status.</returns>
    public VrrpInstanceStatus GetStatus() =>
        Node.Driver is { } driver && driver.TryGetStatus(Name, out var status)
            ? status
            : VrrpInstanceStatus.NotStarted(Configuration);

    /// <summary>Reports an up/down tracked object's state; remembered across restarts of the node.</summary>
    /// <param name="kind">The object's kind.</param>
    /// <param name="name">Its name.</param>
    /// <param name="up">True when up.</param>
    public void SetTrackerState(TrackerKind kind, string name, bool up) => SetTrackerValue(kind, name, up ? 1 : 0);

    /// <summary>Reports a tracked object's value (1 or 0, or a tracked file's number); remembered across restarts of the node.</summary>
    /// <param name="kind">The object's kind.</param>
    /// <param name="name">Its name.</param>
    /// <param name="value">The value.</param>
    public void SetTrackerValue(TrackerKind kind, string name, long value)
    {
        ArgumentNullException.ThrowIfNull(name);
        TrackerValues[(kind, name)] = value;
        if (Node.IsRunning)
        {
            Node.Driver!.SetTrackerValue(Name, kind, name, value);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Configuration.Name}@{Node.Name}: {State}";
}
