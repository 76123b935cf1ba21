using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp;
using Vrrp.Hosting;
using Vrrp.Linux;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the host's virtual routers on the Linux data plane of Vrrp.Linux: <c>services.AddVrrp(...).UseLinux()</c>.</summary>
public static class VrrpLinuxBuilderExtensions
{
    /// <summary>
    /// Uses <see cref="LinuxVrrpPlatform"/> as the platform: raw-socket adverts, rtnetlink virtual addresses and link
    /// monitoring, gratuitous ARP and unsolicited neighbour advertisements; the instances run on its driver
    /// (<see cref="LinuxVrrpPlatform.CreateDriver(Microsoft.Extensions.Logging.ILoggerFactory?, TimeProvider?)"/>: one thread over epoll, a CLOCK_MONOTONIC timerfd, recvmmsg and
    /// sendmmsg; the host's <see cref="TimeProvider"/> only stamps state changes). The data plane is opened when the host
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
            .UseDriver(static (sp, _) => sp.GetRequiredService<LinuxPlatformLifetime>().Linux.CreateDriver(
                sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
    }
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
