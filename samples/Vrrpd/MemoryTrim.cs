using Microsoft.Extensions.Logging;
using Vrrp;
using Vrrp.Hosting;

namespace Vrrpd;

/// <summary>
/// Gives back to the kernel the memory a burst of work left behind: the second gratuitous-ARP burst after start-up, a
/// failover of 255 instances with its log lines and netlink requests. The steady state allocates nothing per advert,
/// so after a burst the garbage would stay in a fully touched GC region for the life of the process (about 4 MB of
/// the daemon's RSS). Once the instances have been quiet for <see cref="Quiet"/> (no state change) after a burst (or
/// after start-up), one aggressive compacting collection (a pause of a few milliseconds, once per burst) returns it.
/// Then it unmaps the code and read-only data pages that the burst (or start-up) touched (<see cref="StartupPages"/>):
/// what the steady state runs faults its pages back from the page cache. Measured in docs/performance.md, "CPU and
/// memory (AFTER)" and "vrrpd's memory".
/// </summary>
internal sealed class MemoryTrim(IVrrpMonitor monitor, ILogger logger)
{
    /// <summary>How long the instances must be quiet before a trim: longer than keepalived's 5 s garp_master_delay.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);

    private long _changes;

    /// <summary>Counts state changes and trims after each quiet period that follows a burst, until cancelled.</summary>
    /// <param name="cancellationToken">Stops the trimmer.</param>
    /// <returns>A task that completes when cancelled.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var counting = CountAsync(cancellationToken);
        long atLastTick = Interlocked.Read(ref _changes);
        long atLastTrim = -1;   // the start-up burst is one to trim after, even with no state change
        try
        {
            using var timer = new PeriodicTimer(Quiet);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                long changes = Interlocked.Read(ref _changes);
                bool quiet = changes == atLastTick;
                atLastTick = changes;
                if (!quiet || changes == atLastTrim)
                {
                    continue;   // still busy, or nothing happened since the last trim
                }

                atLastTrim = changes;
                // The GC's committed figure does not show what a burst touched (the gen0 region it walked through
                // stays committed either way), so the collection is unconditional: a few milliseconds once per burst.
                long before = Committed();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                logger.LogDebug("Compacted the GC heap after a burst ({Before} KB committed before, {After} KB after)", before / 1024, Committed() / 1024);
                ReleasePages();
            }
        }
        catch (OperationCanceledException)
        {
        }

        await counting.ConfigureAwait(false);
    }

    private void ReleasePages()
    {
        try
        {
            var (mappings, kilobytes) = StartupPages.Release();
            logger.LogDebug("Released {Kilobytes} KB of code and read-only data pages in {Mappings} mappings", kilobytes, mappings);
        }
        catch (IOException ex)
        {
            logger.LogDebug("Could not release code pages: {Reason}", ex.Message);
        }
    }

    private static long Committed() => GC.GetGCMemoryInfo().TotalCommittedBytes;

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in monitor.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _changes);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
