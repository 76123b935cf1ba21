using Microsoft.Extensions.DependencyInjection.Extensions;
using Vrrp.Hosting;
using Vrrp.Runtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What a platform package adds to the host beyond its four contracts: the platform's part of each instance (a
/// virtual-MAC interface, routes and rules, an Accept_Mode filter) and trackers only it can follow (processes).
/// Vrrp.Linux's <c>UseLinux()</c> calls both; a platform of your own can too.
/// </summary>
public static class VrrpPlatformBuilderExtensions
{
    /// <summary>
    /// Gives each instance the host runs its platform resources (see <see cref="VirtualRouterResources"/>): the hosted
    /// service calls <paramref name="factory"/> once per instance, when the host starts, with the instance's options, and
    /// adds the instance to the driver with what it returns. The last registration wins.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates an instance's resources from its options, or returns null for none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder UseVirtualRouterResources(this IVrrpBuilder builder, Func<IServiceProvider, VrrpInstanceOptions, VirtualRouterResources?> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return builder.UseVirtualRouterResources((services, _, instance) => factory(services, instance));
    }

    /// <summary>
    /// As <see cref="UseVirtualRouterResources(IVrrpBuilder, Func{IServiceProvider, VrrpInstanceOptions, VirtualRouterResources?})"/>,
    /// with the options the instance belongs to (at start, or of a reload), for resources that depend on the other
    /// instances or on global settings (Vrrp.Linux: the names keepalived gives interfaces, <c>vmac_prefix</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates an instance's resources from all the options and the instance's, or returns null for none.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder UseVirtualRouterResources(this IVrrpBuilder builder, Func<IServiceProvider, VrrpOptions, VrrpInstanceOptions, VirtualRouterResources?> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<VrrpResourceFactory>();
        builder.Services.AddSingleton(new VrrpResourceFactory(factory));
        return builder;
    }

    /// <summary>
    /// Adds a source of tracked-object values (see <see cref="IVrrpTrackerSource"/>), created once when the host starts.
    /// Sources add up: each registration is one more.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the source.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder AddTrackerSource(this IVrrpBuilder builder, Func<IServiceProvider, IVrrpTrackerSource> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }
}
