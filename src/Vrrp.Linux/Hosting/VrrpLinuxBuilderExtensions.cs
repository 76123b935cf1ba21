using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp;
using Vrrp.Hosting;
using Vrrp.Linux;
using Vrrp.Linux.Processes;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the host's virtual routers on the Linux data plane of Vrrp.Linux: <c>services.AddVrrp(...).UseLinux()</c>.</summary>
public static class VrrpLinuxBuilderExtensions
{
    /// <summary>
    /// Uses <see cref="LinuxVrrpPlatform"/> as the platform: raw-socket adverts, rtnetlink virtual addresses and link
    /// monitoring, gratuitous ARP and unsolicited neighbour advertisements. The data plane is opened when the host
    /// starts (which fails with <see cref="MissingCapabilityException"/> without CAP_NET_RAW and CAP_NET_ADMIN) and
    /// closed when the host is disposed. The last <c>UseLinux</c> or <c>UsePlatform</c> call wins.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="networkNamespace">
    /// A namespace under <c>/run/netns</c> to work in; null for <see cref="VrrpOptions.NetworkNamespace"/> (keepalived's
    /// global <c>net_namespace</c>) when set, otherwise the process's own namespace.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="networkNamespace"/> is empty or whitespace.</exception>
    public static IVrrpBuilder UseLinux(this IVrrpBuilder builder, string? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (networkNamespace is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(networkNamespace);
        }

        // The container owns the data plane (it is IDisposable; VrrpPlatform is not), so it is closed with the host.
        builder.Services.RemoveAll<LinuxPlatformLifetime>();
        builder.Services.AddSingleton(sp => new LinuxPlatformLifetime(
            networkNamespace ?? sp.GetService<IOptions<VrrpOptions>>()?.Value.NetworkNamespace));
        return builder
            .UsePlatform(static sp => sp.GetRequiredService<LinuxPlatformLifetime>().Platform)
            .UseVirtualRouterResources(static (sp, instance) => sp.GetRequiredService<LinuxPlatformLifetime>().Linux.CreateResources(
                LinuxInstanceOptionsOf(instance, sp.GetService<ProcessTrackingRegistry>()),
                sp.GetService<ILoggerFactory>()?.CreateLogger("Vrrp.Linux")));
    }

    /// <summary>
    /// Makes an instance track a process (keepalived <c>vrrp_track_process NAME { ... }</c> and the instance's
    /// <c>track_process { NAME }</c>): up while the number of matching processes is within the quorum, followed from the
    /// kernel's process connector (no polling, no scripts). A definition name tracked by several instances is one tracker;
    /// the first call for a name defines it. Needs <see cref="UseLinux"/> (the process connector exists in the initial
    /// network namespace only, where the tracker opens it, whatever namespace the instances run in) and CAP_NET_ADMIN.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="instanceName">The instance that tracks the process.</param>
    /// <param name="name">The definition's name (keepalived's <c>vrrp_track_process</c> name).</param>
    /// <param name="configure">Sets the process, parameters, quorum, weight and delays.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A name is empty, or the definition is invalid (no process, quorum above quorum_max, a negative delay, a weight outside -254..254).</exception>
    public static IVrrpBuilder TrackProcess(this IVrrpBuilder builder, string instanceName, string name, Action<TrackProcessOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new TrackProcessOptions();
        configure(options);
        var definition = ProcessTrackingRegistry.Definition(name, options);
        definition.Validate();
        if (options.Weight is < -254 or > 254)
        {
            throw new ArgumentException($"Tracked process '{name}': the weight must be -254..254, not {options.Weight}.", nameof(configure));
        }

        var registry = builder.Services.LastOrDefault(d => d.ServiceType == typeof(ProcessTrackingRegistry))?.ImplementationInstance as ProcessTrackingRegistry;
        if (registry is null)
        {
            registry = new ProcessTrackingRegistry();
            builder.Services.AddSingleton(registry);
            builder.AddTrackerSource(static sp => new ProcessTrackerSource(
                sp.GetRequiredService<ProcessTrackingRegistry>(),
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILoggerFactory>()?.CreateLogger("Vrrp.Linux.Processes") ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        }

        if (!registry.Definitions.Any(d => string.Equals(d.Name, name, StringComparison.Ordinal)))
        {
            registry.Definitions.Add(definition);
        }

        registry.References.Add((instanceName, name, options.Weight));
        return builder;
    }

    /// <summary>What an instance's options ask of the Linux platform (virtual MAC, tracked processes; routes and rules once the options carry them).</summary>
    internal static LinuxInstanceOptions LinuxInstanceOptionsOf(VrrpInstanceOptions instance, ProcessTrackingRegistry? processes = null) => new()
    {
        UseVirtualMac = instance.UseVirtualMac,
        VirtualMacInterface = string.IsNullOrEmpty(instance.VirtualMacInterface) ? null : instance.VirtualMacInterface,
        Trackers = processes?.TrackersOf(instance.Name) ?? [],
    };
}

/// <summary>Owns the <see cref="LinuxVrrpPlatform"/> registered by <c>UseLinux</c>: opened on first use, disposed with the container.</summary>
internal sealed class LinuxPlatformLifetime : IDisposable
{
    public LinuxPlatformLifetime(string? networkNamespace)
    {
        Linux = LinuxVrrpPlatform.Create(networkNamespace);
        Platform = new VrrpPlatform("Linux", Linux.Transport, Linux.Addresses, Linux.Announcer, Linux.LinkMonitor);
    }

    public LinuxVrrpPlatform Linux { get; }

    public VrrpPlatform Platform { get; }

    public void Dispose() => Linux.Dispose();
}
