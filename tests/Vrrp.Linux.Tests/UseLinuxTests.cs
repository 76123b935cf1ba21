using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;
using Vrrp.Linux.Loop;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// <c>services.AddVrrp().UseLinux()</c> in a generic host: an instance in a lab namespace becomes master and holds its
/// VIP; stopping the host sends priority 0 (seen on a capture of the bridge) and removes the VIP.
/// </summary>
public sealed class UseLinuxTests
{
    private const string Vip = "192.0.2.120";

    private static IHost BuildHost(string instanceInterface, Action<IVrrpBuilder> platform, string? globalNamespace = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new OutputLoggerProvider());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var vrrp = builder.Services.AddVrrp(o => o.NetworkNamespace = globalNamespace)
            .AddInstance("VI_1", i =>
            {
                i.Interface = instanceInterface;
                i.VirtualRouterId = 61;
                i.Priority = 150;
                i.AdvertisementInterval = TimeSpan.FromMilliseconds(100);
                i.VirtualAddresses.Add(Vip + "/32");
            });
        platform(vrrp);
        return builder.Build();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Host_with_UseLinux_becomes_master_in_a_namespace_and_leaves_no_VIP_when_stopped(bool namespaceAsArgument)
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var capture = lab.StartCapture("uselinux", "ip proto 112");

        // Either UseLinux(ns), or UseLinux() with keepalived's global net_namespace in the options.
        using var host = namespaceAsArgument
            ? BuildHost("eth0", b => b.UseLinux(h1.Namespace))
            : BuildHost("eth0", b => b.UseLinux(), globalNamespace: h1.Namespace);
        var monitor = host.Services.GetRequiredService<IVrrpMonitor>();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            // UseLinux runs the Linux loop (epoll, timerfd, recvmmsg, sendmmsg), not the generic async driver.
            var hosted = host.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "VrrpHostedService");
            Assert.IsType<LinuxVrrpDriver>(hosted.GetType().GetProperty("Driver", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(hosted));

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            // The state changes first and the VIP is added right after it (in the background, in order): wait for both.
            while (DateTime.UtcNow < deadline &&
                   !(monitor.TryGetInstance("VI_1", out var s) && s.State == VrrpState.Master && h1.Addresses().Contains(Vip + "/32", StringComparison.Ordinal)))
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            Assert.True(monitor.TryGetInstance("VI_1", out var status) && status.State == VrrpState.Master, $"VI_1 is {status?.State}");
            Assert.Contains(Vip + "/32", h1.Addresses(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        Assert.DoesNotContain(Vip, h1.Addresses(), StringComparison.Ordinal);
        capture.Stop();
        var adverts = FailoverTests.Adverts(capture);
        Assert.Contains(adverts, a => a.Source == "192.0.2.11" && a.Priority == 150);
        Assert.Equal(0, adverts[^1].Priority);
        Assert.Equal("192.0.2.11", adverts[^1].Source);
    }

    [Fact]
    public async Task Host_with_UseLinux_on_a_missing_namespace_fails_to_start_with_the_namespace_named()
    {
        LabProcess.RequireRootAnd("ip");
        string missing = "vrrp-missing-" + Guid.NewGuid().ToString("N")[..8];
        using var host = BuildHost("eth0", b => b.UseLinux(missing));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(missing, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UseLinux_rejects_an_empty_namespace_name()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddVrrp().UseLinux(" "));
        Assert.Throws<ArgumentNullException>(() => VrrpLinuxBuilderExtensions.UseLinux(null!));
    }

    [Fact]
    public void UseLinux_registers_one_platform_and_the_last_registration_wins()
    {
        var services = new ServiceCollection();
        services.AddVrrp().UseLinux("a").UseLinux("b");
        Assert.Single(services, d => d.ServiceType == typeof(VrrpPlatform));
        Assert.Single(services, d => d.ServiceType == typeof(LinuxPlatformLifetime));
    }

    /// <summary>Writes the host's log lines (keepalived's phrases) to the test output.</summary>
    private sealed class OutputLoggerProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new OutputLogger();

        public void Dispose()
        {
        }

        private sealed class OutputLogger : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
        }
    }
}
