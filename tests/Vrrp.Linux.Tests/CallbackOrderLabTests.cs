using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vrrp.Hosting;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Issue 17 on the real kernel: inside OnMaster the VIP is on the interface (asked of the kernel with an RTM_GETADDR
/// dump from the callback itself), inside OnBackup it is gone; an instance on a missing interface fails the host's start
/// with a validation error naming the instance and the option.
/// </summary>
public sealed class CallbackOrderLabTests
{
    private const string Vip = "192.0.2.130/32";

    private static IHost BuildHost(string ns, string instanceInterface, int priority, Action<IVrrpBuilder>? configure = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var vrrp = builder.Services.AddVrrp()
            .AddInstance("VI_1", i =>
            {
                i.Interface = instanceInterface;
                i.VirtualRouterId = 63;
                i.Priority = priority;
                i.AdvertisementInterval = TimeSpan.FromMilliseconds(100);
                i.VirtualAddresses.Add(Vip);
            })
            .UseLinux(ns);
        configure?.Invoke(vrrp);
        return builder.Build();
    }

    [Fact]
    public async Task Inside_OnMaster_the_kernel_has_the_VIP_and_inside_OnBackup_it_no_longer_has_it()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        var seen = new List<string>();
        using var kernel = LinuxVrrpPlatform.Create(r1.Namespace);
        void Record(string callback)
        {
            // Asked of the kernel from inside the callback, at once (an RTM_GETADDR dump in r1's namespace; spawning
            // `ip` would take long enough to hide a callback that runs too early): is the VIP on r1's eth0 now?
            bool present = kernel.GetAddresses("eth0").Any(a => $"{a.Address}/{a.PrefixLength}" == Vip);
            lock (seen)
            {
                seen.Add($"{callback}: VIP in the kernel {present}");
            }
        }

        using var low = BuildHost(r1.Namespace, "eth0", 100, vrrp => vrrp.OnMaster(_ => Record("OnMaster")).OnBackup(_ => Record("OnBackup")));
        using var high = BuildHost(r2.Namespace, "eth0", 200);
        var ct = TestContext.Current.CancellationToken;
        await low.StartAsync(ct);
        try
        {
            await WaitAsync(() => Count(seen) == 2, "r1 became master and its OnMaster ran");
            await high.StartAsync(ct);
            try
            {
                await WaitAsync(() => Count(seen) == 3, "r1 stepped down for r2 and its OnBackup ran");
            }
            finally
            {
                await high.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            await low.StopAsync(CancellationToken.None);
        }

        lock (seen)
        {
            Assert.Equal(
                [
                    "OnBackup: VIP in the kernel False",   // Initialize -> Backup
                    "OnMaster: VIP in the kernel True",
                    "OnBackup: VIP in the kernel False",
                ],
                seen.Take(3));
        }
    }

    [Fact]
    public async Task A_missing_interface_fails_the_start_with_a_validation_error_naming_the_instance_and_option()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var host = BuildHost(r1.Namespace, "nosuch0", 100);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        string failure = Assert.Single(error.Failures);
        TestContext.Current.TestOutputHelper?.WriteLine(failure);
        Assert.StartsWith("Instance 'VI_1': Interface (interface) 'nosuch0' cannot be used on platform Linux: rtnetlink: look up interface 'nosuch0'", failure, StringComparison.Ordinal);
        Assert.Contains("errno 19 (No such device)", failure, StringComparison.Ordinal);
        Assert.EndsWith(". Check the interface name (ip link) and the network namespace.", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("..", failure, StringComparison.Ordinal);
    }

    private static int Count(List<string> seen)
    {
        lock (seen)
        {
            return seen.Count;
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), $"not within 10 s: {what}");
    }
}
