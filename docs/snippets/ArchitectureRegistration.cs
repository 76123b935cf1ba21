// docs/architecture.md: registering a platform made of parts (compiled).
#region usings
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;
using Vrrp.Linux;
#endregion

namespace Vrrp.Docs.Snippets;

public static class ArchitectureRegistration
{
    public static void Configure(IServiceCollection services)
    {
        #region registration
        // The container creates the Linux data plane once and disposes it (closing its sockets) with the host.
        services.AddSingleton(_ => LinuxVrrpPlatform.Create());
        services.AddVrrp(options => { /* instances */ })
            .UsePlatform(sp =>
            {
                var linux = sp.GetRequiredService<LinuxVrrpPlatform>();
                var addresses = new RouteTableAddressManager(linux.Addresses, sp.GetRequiredService<IRouteTableClient>());
                return new VrrpPlatform("Linux + route table", linux.Transport, addresses, linux.Announcer, linux.LinkMonitor);
            })
            // Run these parts on the Linux loop (epoll, timerfd, recvmmsg/sendmmsg) rather than the generic async driver.
            .UseDriver((sp, platform) => sp.GetRequiredService<LinuxVrrpPlatform>().CreateDriverFor(
                platform, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        #endregion
    }
}
