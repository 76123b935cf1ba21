// vrrpd: a keepalived-compatible VRRP daemon on the Vrrp library (see README.md).
//   vrrpd -f /etc/keepalived/keepalived.conf     run the instances until SIGTERM/SIGINT
//   vrrpd --check -f FILE                         validate and exit 0 (valid) or 1 (every problem with file:line)
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Vrrpd;

DaemonCommandLine commandLine;
try
{
    commandLine = DaemonCommandLine.Parse(args);
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"vrrpd: {ex.Message}");
    Console.Error.WriteLine("Try 'vrrpd --help'.");
    return 2;
}

switch (commandLine.Mode)
{
    case DaemonMode.Help:
        Console.WriteLine(DaemonCommandLine.Usage);
        return 0;
    case DaemonMode.Version:
        Console.WriteLine($"vrrpd {Version()} (Vrrp library; VRRPv2/v3, keepalived 2.2.7 configuration and wire compatible)");
        return 0;
    case DaemonMode.Check:
        return Check(commandLine);
    default:
        return await RunAsync(commandLine);
}

static int Check(DaemonCommandLine commandLine)
{
    var config = DaemonConfiguration.Load(commandLine.ConfigFile, commandLine.ConfigId);
    foreach (var problem in config.Problems)
    {
        (problem.IsError ? Console.Error : Console.Out).WriteLine(problem);
    }

    int errors = config.Problems.Count(static p => p.IsError);
    int warnings = config.Problems.Count - errors;
    if (config.HasErrors)
    {
        Console.Error.WriteLine($"{config.File}: configuration invalid: {errors} error(s), {warnings} warning(s)");
        return 1;
    }

    Console.WriteLine($"{config.File}: configuration valid: {config.Options!.Instances.Count} instance(s), {warnings} warning(s)");
    return 0;
}

static async Task<int> RunAsync(DaemonCommandLine commandLine)
{
    var config = DaemonConfiguration.Load(commandLine.ConfigFile, commandLine.ConfigId);

    var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.FormatterName = KeepalivedConsoleFormatter.FormatterName);
    builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, KeepalivedConsoleFormatter>());
    builder.Logging.SetMinimumLevel(LogLevel.Information);
    builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
    // The host's own start and stop failures are logged below, once, in vrrpd's words.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
    builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
    // Stopping sends priority 0 and removes the VIPs within milliseconds; notify_stop scripts get the rest. The unit's
    // TimeoutStopSec is longer, so systemd never kills vrrpd while it is cleaning up.
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
    if (config.Options is { } loaded)
    {
        builder.Services.AddVrrp(o => DaemonConfiguration.CopyTo(loaded, o)).UseLinux();
    }

    using var host = builder.Build();
    var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("vrrpd");

    foreach (var problem in config.Problems)
    {
        if (problem.IsError)
        {
            logger.LogError("{Problem}", problem);
        }
        else
        {
            logger.LogWarning("{Problem}", problem);
        }
    }

    if (config.HasErrors)
    {
        logger.LogError("{File}: configuration invalid; not starting (check it with: vrrpd --check -f {File})", config.File, config.File);
        return 1;
    }

    if (commandLine.Ignored.Count > 0)
    {
        logger.LogDebug("Ignoring keepalived options {Options}", string.Join(' ', commandLine.Ignored));
    }

    // keepalived reloads on SIGHUP; vrrpd does not (yet). Without a handler SIGHUP would end the process without
    // sending priority 0 or removing the VIPs, so it is caught and logged.
    using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
    {
        context.Cancel = true;
        logger.LogWarning("SIGHUP received: reloading is not supported; restart vrrpd to apply configuration changes");
    });

    logger.LogInformation("Starting vrrpd {Version} with {File}", Version(), config.File);
    WritePidFile(commandLine.PidFile, logger);
    try
    {
        try
        {
            await host.StartAsync();
        }
        catch (Exception ex)
        {
            logger.LogError("Could not start: {Reason}", Describe(ex));
            try
            {
                await host.StopAsync();
            }
            catch (Exception stopError)
            {
                logger.LogError("Cleaning up after the failed start failed: {Reason}", Describe(stopError));
            }

            return 1;
        }

        // Started: the configuration's parse trees, the container's build-up and the first netlink dumps are garbage.
        // A compacting collection now (a pause of 4 to 13 ms, once) returns that memory to the kernel; the steady state
        // allocates nothing per advert, so the heap stays this small (see docs/performance.md, "vrrpd's memory").
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        try
        {
            await host.WaitForShutdownAsync();
        }
        catch (Exception ex)
        {
            logger.LogError("Stopping failed: {Reason}", Describe(ex));
            return 1;
        }

        logger.LogInformation("Stopped vrrpd");
        return 0;
    }
    finally
    {
        RemovePidFile(commandLine.PidFile);
    }
}

static string Describe(Exception ex) => ex switch
{
    Microsoft.Extensions.Options.OptionsValidationException v => string.Join("; ", v.Failures),
    AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
    _ => ex.InnerException is null ? ex.Message : $"{ex.Message}: {Describe(ex.InnerException)}",
};

static string Version() =>
    typeof(DaemonCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

static void WritePidFile(string? path, ILogger logger)
{
    if (path is null)
    {
        return;
    }

    try
    {
        File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        logger.LogWarning("Could not write the pid file {Path}: {Reason}", path, ex.Message);
    }
}

static void RemovePidFile(string? path)
{
    if (path is null)
    {
        return;
    }

    try
    {
        File.Delete(path);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
    }
}
