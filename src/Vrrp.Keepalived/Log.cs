using Microsoft.Extensions.Logging;

namespace Vrrp.Keepalived;

/// <summary>keepalived.conf reading log messages (event ids 4000..4099), in the compiler-like FILE:LINE form.</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Warning, "{File}:{Line}: warning: {Message}")]
    public static partial void ConfigWarning(ILogger logger, string file, int line, string message);

    [LoggerMessage(4001, LogLevel.Error, "{File}:{Line}: error: {Message}")]
    public static partial void ConfigError(ILogger logger, string file, int line, string message);

    [LoggerMessage(4002, LogLevel.Information, "Read {Path}: {Instances} instance(s), {Scripts} script(s), {SyncGroups} sync group(s), {Warnings} warning(s)")]
    public static partial void ConfigRead(ILogger logger, string path, int instances, int scripts, int syncGroups, int warnings);
}
