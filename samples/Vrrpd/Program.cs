// vrrpd: a keepalived-compatible VRRP daemon on the Vrrp library (see README.md).
//   vrrpd -f /etc/keepalived/keepalived.conf     run the instances until SIGTERM/SIGINT
//   vrrpd --check -f FILE                         validate and exit 0 (valid) or 1 (every problem with file:line)
//   kill -HUP, -USR1, -USR2, -s $(vrrpd --signum=JSON)   reload; dump data, stats, JSON to $TMPDIR or /tmp
//   vrrpd status [--json], vrrpd ctl drain|resume|priority|events   talk to a running vrrpd over its control socket
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Vrrp.Hosting;
using Vrrpd;
using Vrrpd.Control;

// First of all: when vrrpd was started to launch a script as a user and group (notify_* CMD USER GROUP), it becomes
// that script here and never returns (VrrpScriptLauncher).
VrrpScriptLauncher.RunIfRequested(args);

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
    case DaemonMode.Signum:
        // As keepalived: the number on stdout, or "Unknown sigfunc NAME" on stderr and status 1.
        if (commandLine.SignalFunction is { Length: 0 })
        {
            Console.Error.WriteLine("Missing parameter for option --signum");
            return 1;
        }

        if (KeepalivedSignals.Number(commandLine.SignalFunction!) is { } number)
        {
            Console.WriteLine(number);
            return 0;
        }

        Console.Error.WriteLine($"Unknown sigfunc {commandLine.SignalFunction}");
        return 1;
    case DaemonMode.Check:
        return Check(commandLine);
    case DaemonMode.Status or DaemonMode.Control:
    {
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        return await ControlClient.RunAsync(commandLine, Console.Out, Console.Error, interrupted.Token);
    }

    default:
        return await RunAsync(commandLine, args);
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

static async Task<int> RunAsync(DaemonCommandLine commandLine, string[] args)
{
    if (commandLine.Namespace is { } ns && NetworkNamespaceEntry.Enter(ns, args) is { } nsError)
    {
        Console.Error.WriteLine($"vrrpd: {nsError}");
        return 1;
    }

    var config = DaemonConfiguration.Load(commandLine.ConfigFile, commandLine.ConfigId);
    string? configNamespace = config.Options?.NetworkNamespace;

    // Before anything is created (the pid file, FIFOs, sockets), as keepalived sets it while it reads the file.
    ProcessSettings.ApplyUmask(config.Options?.Process.Umask, commandLine.Umask, null);

    // A reload file left by an earlier run (keepalived removes it at start).
    ReloadFiles.Remove(config.Options?.Process.ReloadFile);
    Adjust(config, commandLine);
    var current = config;

    // The empty builder: no default configuration sources, file providers or logging providers are set up, and the
    // trimmer leaves their code out of the binary (docs/performance.md, "vrrpd's memory").
    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.FormatterName = KeepalivedConsoleFormatter.FormatterName);
    builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, KeepalivedConsoleFormatter>());
    builder.Services.TryAddSingleton(TimeProvider.System);
    builder.Logging.SetMinimumLevel(LogLevel.Information);
    builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
    // The host's own start and stop failures are logged below, once, in vrrpd's words.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
    builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
    // Stopping sends priority 0 and removes the VIPs within milliseconds; notify_stop scripts get the rest. The unit's
    // TimeoutStopSec is longer, so systemd never kills vrrpd while it is cleaning up.
    // A shutdown_script gets its own timeout (and the 2 s between SIGTERM and SIGKILL) on top.
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10) +
        (Volatile.Read(ref current).Options?.ShutdownScript is { } shutdownScript ? shutdownScript.Timeout + TimeSpan.FromSeconds(3) : TimeSpan.Zero));
    using var notifier = new SystemdNotifier();
    if (config.Options is not null)
    {
        // Built from the configuration vrrpd holds now: at start, and again at each reload (SIGHUP).
        builder.Services.AddVrrp(o => DaemonConfiguration.CopyTo(Volatile.Read(ref current).Options!, o))
            .UseLinux();
    }

    commandLine.Metrics?.AddTo(builder.Services, Version());

    using var host = builder.Build();
    var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("vrrpd");
    LogProblems(logger, config);
    if (config.HasErrors)
    {
        logger.LogError("{File}: configuration invalid; not starting (check it with: vrrpd --check -f {File})", config.File, config.File);
        return 1;
    }

    if (commandLine.Namespace is { } overriding && configNamespace is not null)
    {
        logger.LogInformation("Overriding config net_namespace '{Config}' with command line namespace '{Namespace}'", configNamespace, overriding);
    }

    if (commandLine.Ignored.Count > 0)
    {
        logger.LogDebug("Ignoring keepalived options {Options}", string.Join(' ', commandLine.Ignored));
    }

    var monitor = host.Services.GetRequiredService<IVrrpMonitor>();
    var reloader = host.Services.GetRequiredService<IVrrpReloader>();
    var dumps = new KeepalivedDumps(() => Volatile.Read(ref current).Options!, monitor, TimeProvider.System, commandLine.Namespace);
    var reloading = new SemaphoreSlim(1, 1);
    var saver = new ConfigSaver(logger);
    bool running = false;

    async Task ReloadAsync()
    {
        await reloading.WaitAsync();
        try
        {
            if (!running)
            {
                return;
            }

            logger.LogInformation("Reloading ...");
            notifier.Reloading();

            // reload_check_config and reload_file of the running configuration, as keepalived reads them: the check's
            // problems go to the log file, and the reload file exists while the new file is checked.
            var process = Volatile.Read(ref current).Options!.Process;
            string? checkLog = process.ReloadCheckLog;
            string? reloadFile = checkLog is null ? null : process.ReloadFile;
            ReloadFiles.Create(reloadFile, logger);
            DaemonConfiguration next;
            try
            {
                next = DaemonConfiguration.Load(commandLine.ConfigFile, commandLine.ConfigId);
            }
            finally
            {
                ReloadFiles.Remove(reloadFile);
            }

            Adjust(next, commandLine);
            if (checkLog is not null)
            {
                ReloadFiles.WriteCheckLog(checkLog, next.Problems, logger);
            }
            else
            {
                // keepalived's parent keeps a copy of each file it reads (without reload_check_config it reads it here).
                saver.SaveConfiguration(next.Options?.Process.ConfigSaveDirectory ?? process.ConfigSaveDirectory, next.File);
            }

            if (next.HasErrors && checkLog is not null)
            {
                logger.LogError("New config failed validation, see {Log} for details", checkLog);
            }
            else if (next.HasErrors)
            {
                LogProblems(logger, next);
                logger.LogError("New config failed validation, see above: keeping the running configuration of {File}", config.File);
            }
            else
            {
                LogProblems(logger, next);
                var previous = Volatile.Read(ref current);
                string? saveDirectory = previous.Options!.Process.ConfigSaveDirectory;
                saver.SaveDump(saveDirectory, post: false, dumps.Data);
                Volatile.Write(ref current, next);
                var result = await reloader.ReloadAsync();
                if (!result.Applied)
                {
                    Volatile.Write(ref current, previous);
                }
                else
                {
                    ProcessSettings.ApplyUmask(next.Options!.Process.Umask, commandLine.Umask, logger);
                    saver.SaveDump(saveDirectory, post: true, dumps.Data);
                }
            }
        }
        catch (Exception ex)
        {
            logger.LogError("Reloading failed: {Reason}", Describe(ex));
        }
        finally
        {
            // keepalived stops its reload time monitor for a reload and starts it again with what is then in force.
            RestartReloadTimer();
            notifier.Ready(Status(monitor));
            reloading.Release();
        }
    }

    ReloadTimeMonitor? reloadTimer = null;
    void RestartReloadTimer()
    {
        reloadTimer?.Dispose();
        var process = Volatile.Read(ref current).Options!.Process;
        reloadTimer = running ? ReloadTimeMonitor.Start(process.ReloadTimeFile, process.ReloadRepeat, ReloadAsync, logger) : null;
    }

    void Dump(string what, Func<string> write)
    {
        logger.LogInformation("Printing {What} for process({Pid}) on signal", what, Environment.ProcessId);
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Can't open dump file in {Folder}: {Reason}", KeepalivedDumps.Folder, ex.Message);
        }
    }

    // keepalived's signals: without a handler, SIGHUP, SIGUSR1, SIGUSR2 and the real-time ones would end the process
    // without sending priority 0 or removing the VIPs.
    var signals = new List<PosixSignalRegistration>
    {
        Handle(PosixSignal.SIGHUP, () => _ = Task.Run(ReloadAsync)),
        Handle((PosixSignal)KeepalivedSignals.SIGUSR1, () => Dump("VRRP data", dumps.WriteData)),
        Handle((PosixSignal)KeepalivedSignals.SIGUSR2, () => Dump("VRRP stats", () => dumps.WriteStats(clear: false))),
        Handle((PosixSignal)KeepalivedSignals.StatsClear, () => Dump("and clearing VRRP stats", () => dumps.WriteStats(clear: true))),
        Handle((PosixSignal)KeepalivedSignals.Json, () => Dump("VRRP as json", dumps.WriteJson)),
    };

    var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    lifetime.ApplicationStopping.Register(() =>
    {
        running = false;
        notifier.Stopping();
    });

    if (commandLine.Umask is not null && config.Options?.Process.Umask is not null)
    {
        logger.LogInformation("umask command line option specified, ignoring config option");
    }

    logger.LogInformation("Starting vrrpd {Version} with {File}", Version(), config.File);
    saver.SaveConfiguration(config.Options?.Process.ConfigSaveDirectory, config.File);
    WritePidFile(commandLine.PidFile, logger);
    ControlSocketServer? control = null;
    try
    {
        try
        {
            if (commandLine.Metrics?.Start(host.Services) is { } metricsProblem)
            {
                throw new InvalidOperationException(metricsProblem);
            }

            await host.StartAsync();
        }
        catch (Exception ex)
        {
            logger.LogError("Could not start: {Reason}", Describe(ex));
            notifier.Status("Could not start: " + Describe(ex));
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

        // vrrp_priority, vrrp_rt_priority, vrrp_no_swap, vrrp_cpu_affinity: once the loop thread runs, as keepalived
        // applies them once its VRRP child has started.
        ProcessSettings.Apply(config.Options!.Process, logger);

        if (commandLine.Metrics is { } metrics)
        {
            logger.LogInformation("Serving Prometheus metrics on {Url}", metrics.Url);
        }

        if (commandLine.ControlSocket is { } socketPath)
        {
            control = new ControlSocketServer(socketPath, host.Services.GetRequiredService<IVrrpController>(), monitor, logger);
            if (control.Start() is { } problem)
            {
                logger.LogWarning("Control socket: {Problem}", problem);
                control = null;
            }
            else
            {
                logger.LogInformation("Control socket {Path} (vrrpd status, vrrpd ctl)", socketPath);
            }
        }

        // Started: the configuration's parse trees, the container's build-up and the first netlink dumps are garbage.
        // A compacting collection now (a pause of 4 to 13 ms, once) returns that memory to the kernel; the steady state
        // allocates nothing per advert, so the heap stays this small (see docs/performance.md, "vrrpd's memory").
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        running = true;
        RestartReloadTimer();
        notifier.Ready(Status(monitor));
        if (SystemdNotifier.WatchdogPeriod() is { } period)
        {
            notifier.StartWatchdog(period, () => running);
        }

        using var statusUpdates = new CancellationTokenSource();
        var trimming = new MemoryTrim(monitor, logger).RunAsync(statusUpdates.Token);
        if (notifier.IsEnabled)
        {
            _ = Task.Run(async () =>
            {
                // One STATUS= line per burst of changes (255 instances taking over at once), 200 ms after its first:
                // the line lists every instance, so one per change would be quadratic in time and garbage.
                int pending = 0;
                try
                {
                    await foreach (var change in monitor.WatchAsync(statusUpdates.Token))
                    {
                        if (Interlocked.Exchange(ref pending, 1) == 0)
                        {
                            _ = Task.Delay(200, statusUpdates.Token).ContinueWith(
                                _ =>
                                {
                                    Volatile.Write(ref pending, 0);
                                    notifier.Status(Status(monitor));
                                },
                                CancellationToken.None,
                                TaskContinuationOptions.OnlyOnRanToCompletion,
                                TaskScheduler.Default);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        try
        {
            await host.WaitForShutdownAsync();
        }
        catch (Exception ex)
        {
            logger.LogError("Stopping failed: {Reason}", Describe(ex));
            return 1;
        }
        finally
        {
            await statusUpdates.CancelAsync();
            await trimming;
        }

        logger.LogInformation("Stopped vrrpd");
        return 0;
    }
    finally
    {
        reloadTimer?.Dispose();
        if (control is not null)
        {
            await control.DisposeAsync();
        }

        foreach (var signal in signals)
        {
            signal.Dispose();
        }

        RemovePidFile(commandLine.PidFile);
    }
}

// The command line's part of the configuration: -s NAME puts the whole daemon in that namespace (the configuration's
// net_namespace no longer applies), -V keeps the addresses on stop.
static void Adjust(DaemonConfiguration config, DaemonCommandLine commandLine)
{
    if (config.Options is { } options)
    {
        if (commandLine.Namespace is not null)
        {
            options.NetworkNamespace = null;
        }

        if (commandLine.DontReleaseVrrp)
        {
            options.ReleaseOnStop = false;
        }
    }
}

static void LogProblems(ILogger logger, DaemonConfiguration config)
{
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
}

// systemd's STATUS= line: every instance and its state.
static string Status(IVrrpMonitor monitor) =>
    string.Join(", ", monitor.Instances.Select(static s => $"{s.Name} {(s.State is Vrrp.VrrpState.Initialize ? "INIT" : s.State.ToString().ToUpperInvariant())}"));

static PosixSignalRegistration Handle(PosixSignal signal, Action action) =>
    PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        action();
    });

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

        // rw-r--r-- whatever the umask, as keepalived's pidfile_write creates it.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
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
