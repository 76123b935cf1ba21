using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

/// <summary>Tracking log messages (event ids 3000..3099), in keepalived's words where it has them.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "VRRP_Script({ScriptName}) succeeded")]
    public static partial void ScriptSucceeded(ILogger logger, string scriptName);

    [LoggerMessage(3001, LogLevel.Information, "VRRP_Script({ScriptName}) failed (exited with status {ExitCode})")]
    public static partial void ScriptFailed(ILogger logger, string scriptName, int exitCode);

    [LoggerMessage(3002, LogLevel.Warning, "VRRP_Script({ScriptName}) timed out; sent SIGTERM{Killed}")]
    public static partial void ScriptTimedOut(ILogger logger, string scriptName, string killed);

    [LoggerMessage(3003, LogLevel.Warning, "VRRP_Script({ScriptName}) could not be started: {Reason}")]
    public static partial void ScriptStartFailed(ILogger logger, string scriptName, string reason);

    [LoggerMessage(3004, LogLevel.Debug, "Script `{ScriptName}` now returning {ExitCode}")]
    public static partial void ScriptReturned(ILogger logger, string scriptName, int exitCode);

    [LoggerMessage(3005, LogLevel.Debug, "VRRP_Script({ScriptName}) is still running; this run is skipped")]
    public static partial void ScriptRunSkipped(ILogger logger, string scriptName);

    [LoggerMessage(3010, LogLevel.Information, "VRRP_HealthCheck({CheckName}) succeeded")]
    public static partial void HealthCheckSucceeded(ILogger logger, string checkName);

    [LoggerMessage(3011, LogLevel.Information, "VRRP_HealthCheck({CheckName}) failed ({Status}: {Description})")]
    public static partial void HealthCheckFailed(ILogger logger, string checkName, string status, string? description);

    [LoggerMessage(3012, LogLevel.Warning, "VRRP_HealthCheck({CheckName}) threw")]
    public static partial void HealthCheckThrew(ILogger logger, string checkName, Exception exception);

    [LoggerMessage(3020, LogLevel.Information, "VRRP_Track_File({FileName}) value changed from {OldValue} to {NewValue}")]
    public static partial void TrackFileChanged(ILogger logger, string fileName, long oldValue, long newValue);

    [LoggerMessage(3021, LogLevel.Warning, "VRRP_Track_File({FileName}) cannot read {Path}: {Reason}; using 0")]
    public static partial void TrackFileUnreadable(ILogger logger, string fileName, string path, string reason);

    [LoggerMessage(3030, LogLevel.Information, "VRRP_Script({ScriptName}) considered {Outcome} on reload")]
    public static partial void ScriptStateOnReload(ILogger logger, string scriptName, string outcome);

    [LoggerMessage(3006, LogLevel.Warning, "VRRP_Script({Name}) refused, never tracked: {Message}")]
    public static partial void ScriptRefused(ILogger logger, string name, string message);

    [LoggerMessage(3022, LogLevel.Warning, "VRRP_Track_File({FileName}) {Problem}")]
    public static partial void TrackFileInitFailed(ILogger logger, string fileName, string problem);
}
