using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vrrp;
using Vrrp.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Fluent configuration of <see cref="IVrrpBuilder"/>: instances, trackers, callbacks, platform.</summary>
public static class VrrpBuilderExtensions
{
    /// <summary>Changes the options in code (after any configuration binding registered before).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder Configure(this IVrrpBuilder builder, Action<VrrpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds a virtual router (keepalived <c>vrrp_instance NAME</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The instance name, for example <c>VI_1</c>.</param>
    /// <param name="configure">Sets the instance: interface, VRID, priority, addresses...</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IVrrpBuilder AddInstance(this IVrrpBuilder builder, string name, Action<VrrpInstanceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<VrrpOptions>(o =>
        {
            var instance = new VrrpInstanceOptions { Name = name };
            configure(instance);
            o.Instances.Add(instance);
        });
        return builder;
    }

    /// <summary>Adds a check script that instances can track (keepalived <c>vrrp_script NAME</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The script's name, referenced by <see cref="VrrpInstanceOptions.TrackScripts"/>.</param>
    /// <param name="configure">Sets the command, interval, timeout, weight, rise, fall, user.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IVrrpBuilder AddScript(this IVrrpBuilder builder, string name, Action<VrrpScriptOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<VrrpOptions>(o =>
        {
            var script = new VrrpScriptOptions { Name = name };
            configure(script);
            o.Scripts.Add(script);
        });
        return builder;
    }

    /// <summary>Adds a tracked file that instances can reference (keepalived <c>vrrp_track_file NAME</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The tracker's name.</param>
    /// <param name="path">The file whose number adjusts the priority.</param>
    /// <param name="weight">Multiplier of the number (0: a non-zero number means Fault).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="path"/> is empty.</exception>
    public static IVrrpBuilder AddTrackFile(this IVrrpBuilder builder, string name, string path, int weight = 1)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Services.Configure<VrrpOptions>(o => o.TrackFiles.Add(new VrrpTrackFileOptions { Name = name, Path = path, Weight = weight }));
        return builder;
    }

    /// <summary>Adds a group of instances that change state together (keepalived <c>vrrp_sync_group</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The group name.</param>
    /// <param name="instances">The member instances.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IVrrpBuilder AddSyncGroup(this IVrrpBuilder builder, string name, params string[] instances)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(instances);
        builder.Services.Configure<VrrpOptions>(o => o.SyncGroups.Add(new VrrpSyncGroupOptions { Name = name, Instances = [.. instances] }));
        return builder;
    }

    /// <summary>
    /// Makes an instance track a registered health check (<c>services.AddHealthChecks().AddCheck(name, ...)</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="instanceName">The instance.</param>
    /// <param name="healthCheckName">The health check's registration name.</param>
    /// <param name="configure">Sets weight (0: Fault while unhealthy), interval, timeout, rise, fall.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException">A name is empty.</exception>
    public static IVrrpBuilder TrackHealthCheck(this IVrrpBuilder builder, string instanceName, string healthCheckName, Action<TrackHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(healthCheckName);
        builder.Services.PostConfigure<VrrpOptions>(o =>
        {
            var track = new TrackHealthCheckOptions { Name = healthCheckName };
            configure?.Invoke(track);
            var instance = o.Instances.Find(i => i.Name == instanceName)
                ?? throw new InvalidOperationException($"TrackHealthCheck: instance '{instanceName}' is not configured (add it with AddInstance or in the \"Vrrp\" configuration section).");
            instance.TrackHealthChecks.Add(track);
        });
        return builder;
    }

    /// <summary>Registers a state handler type (resolved once, as a singleton).</summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IVrrpBuilder AddStateHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IVrrpBuilder builder)
        where THandler : class, IVrrpStateHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IVrrpStateHandler, THandler>());
        return builder;
    }

    /// <summary>Runs <paramref name="callback"/> when an instance enters Master, after its virtual addresses are up (added and announced).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback; see <see cref="IVrrpStateHandler"/> for ordering, timeout and isolation.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnMaster(this IVrrpBuilder builder, Func<VrrpStateChange, CancellationToken, ValueTask> callback) =>
        On(builder, VrrpState.Master, callback, nameof(OnMaster));

    /// <summary>Runs <paramref name="callback"/> when an instance enters Backup.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback; see <see cref="IVrrpStateHandler"/> for ordering, timeout and isolation.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnBackup(this IVrrpBuilder builder, Func<VrrpStateChange, CancellationToken, ValueTask> callback) =>
        On(builder, VrrpState.Backup, callback, nameof(OnBackup));

    /// <summary>Runs <paramref name="callback"/> when an instance enters Fault.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback; see <see cref="IVrrpStateHandler"/> for ordering, timeout and isolation.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnFault(this IVrrpBuilder builder, Func<VrrpStateChange, CancellationToken, ValueTask> callback) =>
        On(builder, VrrpState.Fault, callback, nameof(OnFault));

    /// <summary>Runs <paramref name="callback"/> on every state change of every instance.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback; see <see cref="IVrrpStateHandler"/> for ordering, timeout and isolation.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnChange(this IVrrpBuilder builder, Func<VrrpStateChange, CancellationToken, ValueTask> callback) =>
        On(builder, null, callback, nameof(OnChange));

    /// <summary>Runs a synchronous <paramref name="callback"/> when an instance enters Master, after its virtual addresses are up (added and announced).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnMaster(this IVrrpBuilder builder, Action<VrrpStateChange> callback) =>
        On(builder, VrrpState.Master, Wrap(callback), nameof(OnMaster), callback);

    /// <summary>Runs a synchronous <paramref name="callback"/> when an instance enters Backup.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnBackup(this IVrrpBuilder builder, Action<VrrpStateChange> callback) =>
        On(builder, VrrpState.Backup, Wrap(callback), nameof(OnBackup), callback);

    /// <summary>Runs a synchronous <paramref name="callback"/> when an instance enters Fault.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnFault(this IVrrpBuilder builder, Action<VrrpStateChange> callback) =>
        On(builder, VrrpState.Fault, Wrap(callback), nameof(OnFault), callback);

    /// <summary>Runs a synchronous <paramref name="callback"/> on every state change.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="callback">The callback.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder OnChange(this IVrrpBuilder builder, Action<VrrpStateChange> callback) =>
        On(builder, null, Wrap(callback), nameof(OnChange), callback);

    /// <summary>
    /// Registers the platform the instances run on (transport, address manager, announcer, link monitor); the last
    /// registration wins. The instances then run on the generic <see cref="Vrrp.Runtime.AsyncVrrpDriver"/> over the
    /// platform's transport, unless <see cref="UseDriver"/> is called after this. Platform packages wrap both:
    /// Vrrp.Linux's <c>UseLinux()</c> registers its platform and its epoll driver.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the platform once, when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder UsePlatform(this IVrrpBuilder builder, Func<IServiceProvider, VrrpPlatform> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<VrrpPlatform>();
        builder.Services.RemoveAll<VrrpDriverFactory>();
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>
    /// Chooses the driver that runs the instances over the registered platform (by default the generic
    /// <see cref="Vrrp.Runtime.AsyncVrrpDriver"/>). The hosted service calls <paramref name="factory"/> once when the host
    /// starts, adds the instances and sync groups to the driver it returns, starts it, and stops and disposes it with the
    /// host. A later <see cref="UsePlatform(IVrrpBuilder, Func{IServiceProvider, VrrpPlatform})"/> resets the choice.
    /// </summary>
    /// <remarks>
    /// Vrrp.Linux's <c>UseLinux()</c> uses it to run its epoll driver (a dedicated thread, timerfd, recvmmsg and sendmmsg);
    /// a platform of your own with a driver of its own does the same after its <c>UsePlatform</c>.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates a new, unstarted driver from the services and the platform.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder UseDriver(this IVrrpBuilder builder, Func<IServiceProvider, VrrpPlatform, Vrrp.Runtime.VrrpDriver> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<VrrpDriverFactory>();
        builder.Services.AddSingleton(new VrrpDriverFactory(factory));
        return builder;
    }

    /// <summary>Registers an existing platform instance; see <see cref="UsePlatform(IVrrpBuilder, Func{IServiceProvider, VrrpPlatform})"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="platform">The platform.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder UsePlatform(this IVrrpBuilder builder, VrrpPlatform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return builder.UsePlatform(_ => platform);
    }

    /// <summary>Adds the VRRP health check (see <see cref="AddVrrpHealthCheck(IHealthChecksBuilder, string, HealthStatus?, IEnumerable{string}?)"/>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The check's name (default <c>vrrp</c>).</param>
    /// <param name="tags">Tags, for example <c>live</c>, to filter health endpoints.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IVrrpBuilder AddHealthCheck(this IVrrpBuilder builder, string name = "vrrp", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddVrrpHealthCheck(name, null, tags);
        return builder;
    }

    /// <summary>
    /// Adds a health check that reports each VRRP instance's state (for <c>/healthz</c>): Healthy while every
    /// instance is Master or Backup, Degraded when one hears a peer speaking the other VRRP version on its VRID,
    /// <paramref name="failureStatus"/> when one is in Fault or not running; the data holds each instance's state and
    /// effective priority.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name (default <c>vrrp</c>).</param>
    /// <param name="failureStatus">The status reported on failure (default Unhealthy).</param>
    /// <param name="tags">Tags to filter health endpoints.</param>
    /// <returns>The health checks builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IHealthChecksBuilder AddVrrpHealthCheck(this IHealthChecksBuilder builder, string name = "vrrp", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<VrrpMonitor>();
        builder.Services.TryAddSingleton<IVrrpMonitor>(sp => sp.GetRequiredService<VrrpMonitor>());
        return builder.Add(new HealthCheckRegistration(name, sp => new VrrpHealthCheck(sp.GetRequiredService<IVrrpMonitor>()), failureStatus, tags));
    }

    private static IVrrpBuilder On(IVrrpBuilder builder, VrrpState? state, Func<VrrpStateChange, CancellationToken, ValueTask> callback, string kind, Delegate? original = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(callback);
        var method = (original ?? callback).Method;
        string description = $"{kind} callback {method.DeclaringType?.Name}.{method.Name}";
        builder.Services.AddSingleton<IVrrpStateHandler>(new DelegateStateHandler(callback, state, description));
        return builder;
    }

    private static Func<VrrpStateChange, CancellationToken, ValueTask> Wrap(Action<VrrpStateChange> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return (change, _) =>
        {
            callback(change);
            return ValueTask.CompletedTask;
        };
    }
}
