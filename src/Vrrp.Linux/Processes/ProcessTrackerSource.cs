using Microsoft.Extensions.Logging;
using Vrrp.Election;
using Vrrp.Hosting;

namespace Vrrp.Linux.Processes;

/// <summary>
/// The host's tracked processes (<see cref="VrrpOptions.TrackProcesses"/> that an instance references, keepalived's
/// <c>vrrp_track_process</c>) as a tracker source (<see cref="IVrrpTrackerSource"/>): one <see cref="ProcessTracker"/>
/// for every definition, each change reported to the instances as a <see cref="TrackerKind.Process"/> value (1 up, 0
/// down; the weight and reverse are the instance's, in its configuration). Registered by <c>UseLinux</c>.
/// </summary>
/// <remarks>The definitions are those of the start; a reload that adds or changes one takes effect at the next start.</remarks>
internal sealed class ProcessTrackerSource(Func<VrrpOptions> options, TimeProvider time, ILogger logger) : IVrrpTrackerSource
{
    private ProcessTracker? _tracker;

    public ValueTask StartAsync(VrrpTrackerReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        cancellationToken.ThrowIfCancellationRequested();
        var all = options();
        var used = all.Instances.SelectMany(static i => i.TrackProcesses).Select(static t => t.Name).ToHashSet(StringComparer.Ordinal);
        var definitions = all.TrackProcesses.Where(p => used.Contains(p.Name)).Select(Definition).ToList();
        if (definitions.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var tracker = new ProcessTracker(definitions, time, logger, all.ReceiveBuffers.ProcessMonitor, all.ReceiveBuffers.ProcessMonitorForce);
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

    /// <summary>A <c>vrrp_track_process</c> block as the tracker takes it.</summary>
    internal static TrackedProcessDefinition Definition(VrrpTrackProcessOptions options) => new()
    {
        Name = options.Name,
        Process = options.Process,
        Parameters = [.. options.Parameters],
        ParameterMatch = options.ParameterMatch switch
        {
            Hosting.ProcessParameterMatch.Exact => ProcessParameterMatch.Exact,
            Hosting.ProcessParameterMatch.Partial => ProcessParameterMatch.Partial,
            Hosting.ProcessParameterMatch.Initial => ProcessParameterMatch.Initial,
            _ => ProcessParameterMatch.None,
        },
        FullCommand = options.FullCommand,
        Quorum = options.Quorum,
        QuorumMax = options.QuorumMax ?? int.MaxValue,
        ForkDelay = options.ForkDelay,
        TerminateDelay = options.TerminateDelay,
    };
}
