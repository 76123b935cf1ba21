using Microsoft.Extensions.Logging;

namespace Vrrp.Linux.Processes;

/// <summary>Process tracking log messages (event ids 3100..3119), in keepalived's words where it has them.</summary>
internal static partial class Log
{
    [LoggerMessage(3100, LogLevel.Information, "Quorum {Change} for tracked process {Name} ({Count} running)")]
    public static partial void QuorumChanged(ILogger logger, string change, string name, int count);

    [LoggerMessage(3101, LogLevel.Information, "Tracking {Definitions} process definition(s) through the kernel's process connector; {Processes} matching process(es) running")]
    public static partial void Started(ILogger logger, int definitions, int processes);

    [LoggerMessage(3102, LogLevel.Warning, "Tracked process {Name}: '{Process}' is longer than the 15 bytes the kernel keeps of a process name, so it can never match; add full_command (or parameters) to compare the command line instead")]
    public static partial void NameTooLong(ILogger logger, string name, string process);

    [LoggerMessage(3103, LogLevel.Warning, "Process events were lost (the receive buffer overflowed); re-reading /proc in {Delay} and growing the buffer to {Size} bytes (keepalived: process_monitor_rcv_bufs)")]
    public static partial void EventsLost(ILogger logger, TimeSpan delay, int size);

    [LoggerMessage(3104, LogLevel.Information, "Re-read /proc after lost process events: {Processes} matching process(es) running")]
    public static partial void Rescanned(ILogger logger, int processes);

    [LoggerMessage(3105, LogLevel.Warning, "Skipped a malformed process connector message ({Reason}); further ones are logged at debug level and counted")]
    public static partial void FirstMessageDropped(ILogger logger, ProcessEventDrop reason);

    [LoggerMessage(3106, LogLevel.Debug, "Skipped a malformed process connector message ({Reason})")]
    public static partial void MessageDropped(ILogger logger, ProcessEventDrop reason);

    [LoggerMessage(3107, LogLevel.Error, "Receiving process events failed; re-reading /proc and trying again")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(3108, LogLevel.Critical, "Receiving process events keeps failing; tracked processes are no longer followed")]
    public static partial void ReceiveAbandoned(ILogger logger, Exception exception);

    [LoggerMessage(3109, LogLevel.Error, "The tracked process state handler threw for {Name}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(3110, LogLevel.Debug, "Missed {Count} process event(s) on CPU {Cpu} (sequence numbers skipped)")]
    public static partial void SequenceGap(ILogger logger, long count, uint cpu);

    [LoggerMessage(3111, LogLevel.Error, "Re-reading /proc failed; the tracked process counts may be stale until the next process event")]
    public static partial void RescanFailed(ILogger logger, Exception exception);
}
