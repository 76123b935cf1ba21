using Microsoft.Extensions.DependencyInjection;

namespace Vrrp.Hosting;

/// <summary>
/// Configures the virtual routers of a host: returned by <c>services.AddVrrp()</c>; its extension methods (in
/// <see cref="VrrpBuilderExtensions"/>) add instances, trackers, callbacks and the platform.
/// </summary>
public interface IVrrpBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
