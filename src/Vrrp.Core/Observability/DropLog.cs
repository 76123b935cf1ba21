using Microsoft.Extensions.Logging;
using Vrrp.Packets;

namespace Vrrp.Observability;

/// <summary>
/// Logs dropped packets rate-limited: the first drop of each (instance, reason) at once, then at most one line per
/// <see cref="Period"/> with the number dropped meanwhile. Every drop is counted in the metrics regardless.
/// </summary>
internal sealed class DropLog(ILogger logger, TimeProvider time)
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly Dictionary<(string Instance, DropReason Reason), Window> _windows = [];

    public void Dropped(string? instanceName, DropReason reason)
    {
        if (!logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        long now = time.GetTimestamp();
        var key = (instanceName ?? "", reason);
        long suppressed;
        lock (_windows)
        {
            if (_windows.TryGetValue(key, out var window) && time.GetElapsedTime(window.Start, now) < Period)
            {
                _windows[key] = window with { Suppressed = window.Suppressed + 1 };
                return;
            }

            suppressed = _windows.TryGetValue(key, out window) ? window.Suppressed : 0;
            _windows[key] = new Window(now, 0);
        }

        Log.PacketDropped(logger, instanceName ?? "-", reason, suppressed);
    }

    private readonly record struct Window(long Start, long Suppressed);
}

/// <summary>Observability log messages (event ids 4000..4099).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Warning, "({InstanceName}) dropped an advertisement: {Reason} ({Suppressed} more dropped for this reason since the last report)")]
    public static partial void PacketDropped(ILogger logger, string instanceName, DropReason reason, long suppressed);
}
