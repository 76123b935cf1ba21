using Microsoft.Extensions.Logging;
using Vrrp.Election;
using Vrrp.Hosting;

namespace Vrrp.Linux.Processes;

/// <summary>
/// The tracked processes of a host (<c>TrackProcess</c> on the builder), registered in the container: the definitions,
/// and which instance tracks which with what weight.
/// </summary>
internal sealed class ProcessTrackingRegistry
{
    public List<TrackedProcessDefinition> Definitions { get; } = [];

    public List<(string Instance, string Name, int Weight)> References { get; } = [];

    /// <summary>The process trackers of one instance, for its configuration.</summary>
    public IReadOnlyList<TrackerConfiguration> TrackersOf(string instance) =>
        [.. References.Where(r => string.Equals(r.Instance, instance, StringComparison.Ordinal)).Select(r => new TrackerConfiguration(TrackerKind.Process, r.Name, r.Weight))];

    internal static TrackedProcessDefinition Definition(string name, TrackProcessOptions options) => new()
    {
        Name = name,
        Process = options.Process,
        Parameters = [.. options.Parameters],
        ParameterMatch = options.ParameterMatch switch
        {
            TrackProcessParameterMatch.Exact => ProcessParameterMatch.Exact,
            TrackProcessParameterMatch.Partial => ProcessParameterMatch.Partial,
            TrackProcessParameterMatch.Initial => ProcessParameterMatch.Initial,
            _ => ProcessParameterMatch.None,
        },
        FullCommand = options.FullCommand,
        Quorum = options.Quorum,
        QuorumMax = options.QuorumMax,
        ForkDelay = options.ForkDelay,
        TerminateDelay = options.TerminateDelay,
    };
}

/// <summary>
/// The host's tracked processes as a tracker source (<see cref="IVrrpTrackerSource"/>): one <see cref="ProcessTracker"/>
/// for every definition, each change reported to the instances as a <see cref="TrackerKind.Process"/> value (1 up, 0 down).
/// </summary>
internal sealed class ProcessTrackerSource(ProcessTrackingRegistry registry, TimeProvider time, ILogger logger) : IVrrpTrackerSource
{
    private ProcessTracker? _tracker;

    public ValueTask StartAsync(VrrpTrackerReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        cancellationToken.ThrowIfCancellationRequested();
        if (registry.Definitions.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var tracker = new ProcessTracker(registry.Definitions, time, logger);
        try
        {
            tracker.Start((name, up, _) => report(null, TrackerKind.Process, name, up ? 1 : 0));
        }
        catch
        {
            tracker.Dispose();
            throw;
        }

        _tracker = tracker;
        return ValueTask.CompletedTask;
    }

    public ValueTask StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _tracker, null)?.Dispose();
        return ValueTask.CompletedTask;
    }
}
