using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vrrp.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers VRRP virtual routers in a host: <c>services.AddVrrp(...)</c>.</summary>
public static class VrrpServiceCollectionExtensions
{
    /// <summary>
    /// Adds the VRRP services: the options (validated at start-up), the hosted service that runs the instances with
    /// the host (and applies changed options while running: <see cref="IVrrpReloader"/>), <see cref="IVrrpMonitor"/>,
    /// <see cref="IVrrpController"/> (drain, resume, priority overrides), metrics on the meter <c>Vrrp</c>, and
    /// <see cref="TimeProvider.System"/>
    /// unless a <see cref="TimeProvider"/> is registered. Add a platform with <c>.UseLinux()</c> (Vrrp.Linux) or
    /// <c>.UseInMemoryLan(lan)</c>. Calling it again returns a builder over the same registrations.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add instances, trackers, callbacks and the platform.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IVrrpBuilder AddVrrp(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<VrrpOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VrrpOptions>, VrrpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VrrpMonitor>();
        services.TryAddSingleton<IVrrpMonitor>(sp => sp.GetRequiredService<VrrpMonitor>());
        services.TryAddSingleton(sp => new VrrpMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<VrrpHostedService>();
        services.TryAddSingleton<IVrrpController, VrrpController>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, VrrpHostedService>(sp => sp.GetRequiredService<VrrpHostedService>()));
        services.TryAddSingleton<IVrrpReloader>(sp => sp.GetRequiredService<VrrpHostedService>());
        return new VrrpBuilder(services);
    }

    /// <summary>Adds the VRRP services and configures the options in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (instances, scripts...).</param>
    /// <returns>A builder to add instances, trackers, callbacks and the platform.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder AddVrrp(this IServiceCollection services, Action<VrrpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddVrrp();
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds the VRRP services and binds the options from configuration, for example
    /// <c>builder.Configuration.GetSection("Vrrp")</c> (<see cref="VrrpOptions.SectionName"/>) of appsettings.json.
    /// Binding is strict and written by hand (<see cref="VrrpConfigurationBinder"/>: no reflection, trimming and native
    /// AOT safe): an unknown key is an error naming the nearest option, instances are keyed by name
    /// (<c>Vrrp:Instances:VI_1:Priority</c>; a JSON array is accepted too), durations are seconds (<c>"1"</c>,
    /// <c>"0.05"</c>) or <c>"00:00:01"</c>. The errors fail the host's start with the validation errors.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="VrrpOptions"/>.</param>
    /// <returns>A builder to add instances, trackers, callbacks and the platform.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder AddVrrp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddVrrp();
        services.AddOptions<VrrpOptions>().Configure(options => VrrpConfigurationBinder.Bind(configuration, options));
        services.AddSingleton<IOptionsChangeTokenSource<VrrpOptions>>(new ConfigurationChangeTokenSource<VrrpOptions>(Options.Options.DefaultName, configuration));
        return builder;
    }
}

/// <summary>The builder returned by AddVrrp.</summary>
internal sealed class VrrpBuilder(IServiceCollection services) : IVrrpBuilder
{
    public IServiceCollection Services { get; } = services;
}
