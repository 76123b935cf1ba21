using Microsoft.Extensions.Logging;

namespace Vrrp.Linux.Loop;

/// <summary>The Linux driver loop's log messages (event ids 3200..3219).</summary>
internal static partial class Log
{
    [LoggerMessage(3200, LogLevel.Critical, "The VRRP loop thread stopped: adverts are no longer sent or received")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(3201, LogLevel.Error, "The VRRP loop thread caught an error and goes on")]
    public static partial void LoopError(ILogger logger, Exception exception);

    [LoggerMessage(3202, LogLevel.Information, "A thread timer expired {Seconds} seconds ago")]
    public static partial void TimerLate(ILogger logger, string seconds);

    [LoggerMessage(3203, LogLevel.Information, "Set realtime priority {Priority}")]
    public static partial void AutoPriority(ILogger logger, int priority);

    [LoggerMessage(3204, LogLevel.Warning, "Cannot raise the VRRP loop thread to real-time priority {Priority}: errno {Errno}")]
    public static partial void AutoPriorityFailed(ILogger logger, int priority, int errno);
}
