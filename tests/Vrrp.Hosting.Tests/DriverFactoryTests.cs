using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Runtime;
using Vrrp.Testing;

namespace Vrrp.Hosting.Tests;

/// <summary><c>UseDriver</c>: the hosted service runs the instances on the driver a platform package chooses.</summary>
public class DriverFactoryTests
{
    private static VrrpHostedService HostedService(IHost host) => host.Services.GetServices<IHostedService>().OfType<VrrpHostedService>().Single();

    [Fact]
    public async Task The_driver_chosen_with_UseDriver_runs_the_instances_over_the_registered_platform()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var lan = new VirtualLan(time, seed: 1);
        VrrpPlatform? given = null;
        VrrpDriver? created = null;
        await using var a = LanHost.Create(lan, time, "a", 200, vrrp => vrrp.UseDriver((sp, platform) =>
        {
            given = platform;
            created = new AsyncVrrpDriver(platform, sp.GetRequiredService<TimeProvider>(), null);
            return created;
        }));
        await a.Host.StartAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(created);
        Assert.Same(created, HostedService(a.Host).Driver);
        Assert.Same(a.Host.Services.GetRequiredService<VrrpPlatform>(), given);
        await Clock.RunUntilAsync(time, () => a.Status().State == VrrpState.Master, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task UsePlatform_after_UseDriver_goes_back_to_the_generic_driver()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var lan = new VirtualLan(time, seed: 1);
        bool called = false;
        var node = lan.AddNode("spare");
        await using var a = LanHost.Create(lan, time, "a", 200, vrrp => vrrp
            .UseDriver((_, _) =>
            {
                called = true;
                throw new InvalidOperationException("not this one");
            })
            .UseInMemoryLan(node));
        await a.Host.StartAsync(TestContext.Current.CancellationToken);

        Assert.False(called);
        Assert.IsType<AsyncVrrpDriver>(HostedService(a.Host).Driver);
    }
}
