using Vrrp.Runtime;

namespace Vrrp.Hosting;

/// <summary>The driver chosen with <c>UseDriver</c> (a service of the container); without one, the host runs <see cref="AsyncVrrpDriver"/>.</summary>
internal sealed class VrrpDriverFactory(Func<IServiceProvider, VrrpPlatform, VrrpDriver> create)
{
    public VrrpDriver Create(IServiceProvider services, VrrpPlatform platform) =>
        create(services, platform) ?? throw new InvalidOperationException("The driver factory registered with UseDriver returned null.");
}
