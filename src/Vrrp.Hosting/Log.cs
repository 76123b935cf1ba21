using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

/// <summary>Hosting log messages (event ids 1000..1099).</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Starting VRRP (router_id {RouterId}) on platform {Platform} with {InstanceCount} instance(s)")]
    public static partial void Starting(ILogger logger, string routerId, string platform, int instanceCount);

    [LoggerMessage(1001, LogLevel.Information, "Stopping VRRP")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(1002, LogLevel.Information, "Stopped VRRP")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(1003, LogLevel.Warning, "Stopping VRRP did not finish within the host's shutdown timeout")]
    public static partial void StopTimedOut(ILogger logger);

    [LoggerMessage(1004, LogLevel.Information, "Delaying VRRP start-up by {Delay} (vrrp_startup_delay)")]
    public static partial void StartupDelay(ILogger logger, TimeSpan delay);

    [LoggerMessage(1005, LogLevel.Warning, "({Owner}) {Setting} is not supported yet and is ignored (keepalived would apply it)")]
    public static partial void SettingIgnored(ILogger logger, string owner, string setting);

    [LoggerMessage(1006, LogLevel.Information, "Reloading")]
    public static partial void Reloading(ILogger logger);

    [LoggerMessage(1007, LogLevel.Information, "Reload finished: {Unchanged} instance(s) unchanged, {Reconfigured} changed in place, {Added} added, {Removed} removed")]
    public static partial void Reloaded(ILogger logger, int unchanged, int reconfigured, int added, int removed);

    [LoggerMessage(1008, LogLevel.Error, "New config: {Problem}")]
    public static partial void ReloadProblem(ILogger logger, string problem);

    [LoggerMessage(1009, LogLevel.Error, "New config failed validation ({Count} problem(s)); keeping the running configuration")]
    public static partial void ReloadRefused(ILogger logger, int count);

    [LoggerMessage(1010, LogLevel.Information, "({InstanceName}) not found in new configuration: removing")]
    public static partial void InstanceRemoved(ILogger logger, string instanceName);

    [LoggerMessage(1011, LogLevel.Information, "({InstanceName}) configuration changed: applied in place")]
    public static partial void InstanceReconfigured(ILogger logger, string instanceName);

    [LoggerMessage(1012, LogLevel.Information, "({InstanceName}) new in configuration: starting")]
    public static partial void InstanceAdded(ILogger logger, string instanceName);

    [LoggerMessage(1013, LogLevel.Error, "Reloading failed")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(1014, LogLevel.Error, "Cannot change network namespace at a reload - please restart")]
    public static partial void NamespaceChangeRefused(ILogger logger);

    [LoggerMessage(1015, LogLevel.Information, "Stopping without releasing the virtual routers (dont-release-vrrp): virtual addresses stay, no priority 0 is sent")]
    public static partial void NotReleasing(ILogger logger);

    [LoggerMessage(1100, LogLevel.Warning, "AUDIT {Action} {InstanceName} by {Actor}: {Outcome}")]
    public static partial void Audit(ILogger logger, string action, string instanceName, string actor, string outcome);

    [LoggerMessage(1101, LogLevel.Warning, "AUDIT {Action} {InstanceName} by {Actor} refused: {Reason}")]
    public static partial void AuditRefused(ILogger logger, string action, string instanceName, string actor, string reason);

    [LoggerMessage(1020, LogLevel.Error, "({InstanceName}) state handler {Handler} failed on entering {State}")]
    public static partial void HandlerFailed(ILogger logger, string instanceName, string handler, VrrpState state, Exception exception);

    [LoggerMessage(1021, LogLevel.Error, "({InstanceName}) state handler {Handler} did not finish within {Timeout} on entering {State}; its token was cancelled and the next change is delivered")]
    public static partial void HandlerTimedOut(ILogger logger, string instanceName, string handler, TimeSpan timeout, VrrpState state);

    [LoggerMessage(1030, LogLevel.Information, "({InstanceName}) Executing notify script {Command}")]
    public static partial void NotifyRunning(ILogger logger, string instanceName, string command);

    [LoggerMessage(1031, LogLevel.Warning, "({InstanceName}) notify script {Command} exited with status {ExitCode}")]
    public static partial void NotifyFailed(ILogger logger, string instanceName, string command, int exitCode);

    [LoggerMessage(1032, LogLevel.Warning, "({InstanceName}) notify script {Command} timed out and was terminated")]
    public static partial void NotifyTimedOut(ILogger logger, string instanceName, string command);

    [LoggerMessage(1033, LogLevel.Error, "({InstanceName}) notify script {Command} could not be started: {Reason}")]
    public static partial void NotifyStartFailed(ILogger logger, string instanceName, string command, string reason);

    [LoggerMessage(1040, LogLevel.Warning, "({Owner}) {Kind} script {Command} - ignoring: {Reason}")]
    public static partial void ScriptDisabled(ILogger logger, string owner, string kind, string command, string reason);

    [LoggerMessage(1041, LogLevel.Warning, "({Owner}) {Kind}: {Message}")]
    public static partial void ScriptCheck(ILogger logger, string owner, string kind, string message);

    [LoggerMessage(1042, LogLevel.Warning, "{Message}")]
    public static partial void ScriptSecurityViolation(ILogger logger, string message);

    [LoggerMessage(1043, LogLevel.Error, "Unable to create {Kind}notify fifo {Path}: {Reason}")]
    public static partial void FifoCreateFailed(ILogger logger, string kind, string path, string reason);

    [LoggerMessage(1044, LogLevel.Error, "Unable to open {Kind}notify fifo {Path}: {Reason}")]
    public static partial void FifoOpenFailed(ILogger logger, string kind, string path, string reason);

    [LoggerMessage(1045, LogLevel.Warning, "Failed to set uid:gid {Owner} for fifo {Path}: {Reason}")]
    public static partial void FifoChownFailed(ILogger logger, string owner, string path, string reason);

    [LoggerMessage(1046, LogLevel.Warning, "Writing to notify fifo {Path} failed ({Reason}); the line is lost: {Line}")]
    public static partial void FifoWriteFailed(ILogger logger, string path, string reason, string line);

    [LoggerMessage(1047, LogLevel.Warning, "{Kind}notify fifo script {Command} ended with status {ExitCode}")]
    public static partial void FifoScriptEnded(ILogger logger, string kind, string command, int exitCode);

    [LoggerMessage(1048, LogLevel.Information, "{Kind}notify fifo {Path} open{Script}")]
    public static partial void FifoOpened(ILogger logger, string kind, string path, string script);

    [LoggerMessage(1049, LogLevel.Error, "Tracker source {Source} did not stop cleanly")]
    public static partial void TrackerSourceStopFailed(ILogger logger, string source, Exception exception);

    [LoggerMessage(1091, LogLevel.Information, "Running {Kind} {Command}")]
    public static partial void DaemonScriptRunning(ILogger logger, string kind, string command);

    [LoggerMessage(1092, LogLevel.Warning, "{Kind} failed, status {Status}")]
    public static partial void DaemonScriptFailed(ILogger logger, string kind, int status);

    [LoggerMessage(1093, LogLevel.Warning, "{Kind} timed out after {Seconds} s; terminated{Killed}")]
    public static partial void DaemonScriptTimedOut(ILogger logger, string kind, double seconds, string killed);

    [LoggerMessage(1094, LogLevel.Warning, "Call of {Kind} {Command} failed: {Reason}")]
    public static partial void DaemonScriptNotRun(ILogger logger, string kind, string command, string reason);

    [LoggerMessage(1050, LogLevel.Warning, "({Instance}) interface {Interface} debounce timer(s) not less than 2 * advert_int - resetting to {Seconds} s (as keepalived does)")]
    public static partial void LinkDelayCut(ILogger logger, string instance, string @interface, double seconds);
}
