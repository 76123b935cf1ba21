using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vrrp.Hosting;
using Vrrp.Keepalived;
using KeepalivedLog = Vrrp.Keepalived.Log;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Reads an existing keepalived.conf into the host's VRRP options: <c>services.AddVrrp().AddKeepalivedConfig(path)</c>.</summary>
public static class KeepalivedConfigBuilderExtensions
{
    /// <summary>
    /// Adds the instances, scripts, tracked files and sync groups of a keepalived.conf (and the files it includes) to
    /// the options, and takes its <c>router_id</c>, <c>net_namespace</c> and <c>vrrp_startup_delay</c> when it sets
    /// them. The file is read when the options are first built (at host start, since they are validated on start);
    /// every warning is logged as <c>FILE:LINE: warning: ...</c> (event id 4000), and errors are logged (4001) and
    /// thrown together as a <see cref="KeepalivedConfigException"/>, so the host does not start on a broken file.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddVrrp()</c>.</param>
    /// <param name="path">The keepalived.conf, for example <c>/etc/keepalived/keepalived.conf</c>.</param>
    /// <param name="configId">The config id for <c>@ID</c> lines (keepalived's <c>-i</c>); defaults to the first label of the host name.</param>
    /// <param name="reloadOnChange">
    /// Reload when the file (or any file under its folder, where included files usually are) changes: the running
    /// instances take the new configuration live (<see cref="IVrrpReloader"/>), and a file with errors is refused
    /// whole, every problem logged with its file and line, the running configuration kept.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static IVrrpBuilder AddKeepalivedConfig(this IVrrpBuilder builder, string path, string? configId = null, bool reloadOnChange = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        builder.Services.AddOptions<VrrpOptions>().Configure<IServiceProvider>((options, services) =>
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Vrrp.Keepalived") ?? NullLogger.Instance;
            var result = KeepalivedConfigReader.Read(path, configId);
            foreach (var diagnostic in result.Diagnostics)
            {
                if (diagnostic.Severity == ConfigDiagnosticSeverity.Error)
                {
                    KeepalivedLog.ConfigError(logger, diagnostic.File, diagnostic.Line, diagnostic.Message);
                }
                else
                {
                    KeepalivedLog.ConfigWarning(logger, diagnostic.File, diagnostic.Line, diagnostic.Message);
                }
            }

            var read = result.GetOptionsOrThrow();
            KeepalivedLog.ConfigRead(logger, path, read.Instances.Count, read.Scripts.Count, read.SyncGroups.Count, result.Diagnostics.Count);
            Merge(read, options);
        });
        if (reloadOnChange)
        {
            builder.Services.AddSingleton<IOptionsChangeTokenSource<VrrpOptions>>(new KeepalivedConfigChangeTokenSource(path));
        }

        return builder;
    }

    private static void Merge(VrrpOptions from, VrrpOptions into)
    {
        into.RouterId = from.RouterId ?? into.RouterId;
        into.NetworkNamespace = from.NetworkNamespace ?? into.NetworkNamespace;
        into.DefaultInterface = from.DefaultInterface ?? into.DefaultInterface;
        if (from.StartupDelay != TimeSpan.Zero)
        {
            into.StartupDelay = from.StartupDelay;
        }

        into.Instances.AddRange(from.Instances);
        into.Scripts.AddRange(from.Scripts);
        into.TrackFiles.AddRange(from.TrackFiles);
        into.TrackProcesses.AddRange(from.TrackProcesses);
        into.SyncGroups.AddRange(from.SyncGroups);
        into.InterfaceDelays.AddRange(from.InterfaceDelays);
        into.GarpGroups.AddRange(from.GarpGroups);
        into.StaticAddresses.AddRange(from.StaticAddresses);
        into.StaticRoutes.AddRange(from.StaticRoutes);
        into.StaticRules.AddRange(from.StaticRules);
        into.StaticTrackGroups.AddRange(from.StaticTrackGroups);

        // Settings of the whole file: the file's when it sets them.
        into.IgnoreUnsupported |= from.IgnoreUnsupported;
        into.DynamicInterfaces |= from.DynamicInterfaces;
        into.AllowInterfaceChanges |= from.AllowInterfaceChanges;
        into.EnableScriptSecurity |= from.EnableScriptSecurity;
        into.FifoWriteStatesOnReload |= from.FifoWriteStatesOnReload;
        into.MulticastGroup4 = from.MulticastGroup4 ?? into.MulticastGroup4;
        into.MulticastGroup6 = from.MulticastGroup6 ?? into.MulticastGroup6;
        into.NotifyFifo = from.NotifyFifo ?? into.NotifyFifo;
        into.VrrpNotifyFifo = from.VrrpNotifyFifo ?? into.VrrpNotifyFifo;
        into.StartupScript = from.StartupScript ?? into.StartupScript;
        into.ShutdownScript = from.ShutdownScript ?? into.ShutdownScript;
        (into.ScriptUser, into.ScriptGroup) = from.ScriptUser is null ? (into.ScriptUser, into.ScriptGroup) : (from.ScriptUser, from.ScriptGroup);
        into.GarpInterval = from.GarpInterval != TimeSpan.Zero ? from.GarpInterval : into.GarpInterval;
        into.GnaInterval = from.GnaInterval != TimeSpan.Zero ? from.GnaInterval : into.GnaInterval;
        into.VirtualMacPrefix = from.VirtualMacPrefix ?? into.VirtualMacPrefix;
        into.VirtualMacAddressPrefix = from.VirtualMacAddressPrefix ?? into.VirtualMacAddressPrefix;
        into.LogUnknownVirtualRouterIds |= from.LogUnknownVirtualRouterIds;
        into.DisableLocalIgmp |= from.DisableLocalIgmp;
        if (from.Firewall is { TableName: not null } or { ChainPriority: not VrrpFirewallOptions.DefaultChainPriority } or { MatchInterfaceIndex: true } or { Counters: true })
        {
            into.Firewall = from.Firewall;
        }

        var buffers = from.ReceiveBuffers;
        if (buffers is { NetlinkCommand: not 0 } or { NetlinkCommandForce: true } or { NetlinkMonitor: not 0 } or { NetlinkMonitorForce: true } or
            { ProcessMonitor: not 0 } or { ProcessMonitorForce: true } or { VrrpSocketPolicy: not VrrpReceiveBufferPolicy.Default } or
            { VrrpSocketMultiplier: not VrrpReceiveBufferOptions.DefaultVrrpSocketMultiplier })
        {
            into.ReceiveBuffers = buffers;
        }

        // The automatic real-time priority is applied by UseLinux (the other process settings only by vrrpd).
        if (from.Process.MaxAutoPriority != 0)
        {
            into.Process.MaxAutoPriority = from.Process.MaxAutoPriority;
        }

        if (from.Process.MinAutoPriorityDelayMicroseconds != VrrpProcessOptions.DefaultMinAutoPriorityDelayMicroseconds)
        {
            into.Process.MinAutoPriorityDelayMicroseconds = from.Process.MinAutoPriorityDelayMicroseconds;
        }
    }
}
