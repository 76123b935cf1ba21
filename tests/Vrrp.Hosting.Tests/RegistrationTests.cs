using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vrrp.Packets;

namespace Vrrp.Hosting.Tests;

public class RegistrationTests
{
    private const string AppSettings = """
        {
          "Vrrp": {
            "RouterId": "lb1",
            "CallbackTimeout": "00:00:05",
            "Instances": [
              {
                "Name": "VI_1",
                "Interface": "eth0",
                "VirtualRouterId": 51,
                "Priority": 150,
                "Version": "V2",
                "AdvertisementInterval": "00:00:02",
                "AuthenticationType": "SimplePassword",
                "AuthenticationPassword": "secret",
                "VirtualAddresses": [ "192.0.2.10/24" ],
                "UnicastPeers": [ "192.0.2.2" ],
                "NoPreempt": true,
                "TrackScripts": [ { "Name": "chk_nginx", "Weight": -20 } ],
                "TrackHealthChecks": [ { "Name": "db", "Weight": 0, "Interval": "00:00:00.500", "Rise": 2, "Fall": 3 } ],
                "NotifyMaster": "/usr/local/bin/on-master.sh --now"
              }
            ],
            "Scripts": [ { "Name": "chk_nginx", "Command": "/bin/sh", "Arguments": [ "-c", "pgrep nginx" ], "Interval": "00:00:02", "Fall": 2 } ],
            "SyncGroups": [ { "Name": "G1", "Instances": [ "VI_1" ] } ]
          }
        }
        """;

    [Fact]
    public void Binds_the_Vrrp_section_of_appsettings()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(AppSettings))).Build();
        var services = new ServiceCollection();
        services.AddHealthChecks().AddCheck("db", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        services.AddVrrp(configuration.GetSection(VrrpOptions.SectionName));
        using var sp = services.BuildServiceProvider();
        var options = sp.GetRequiredService<IOptions<VrrpOptions>>().Value;

        Assert.Equal("lb1", options.RouterId);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CallbackTimeout);
        var i = Assert.Single(options.Instances);
        Assert.Equal(("VI_1", "eth0", 51, 150), (i.Name, i.Interface, i.VirtualRouterId, i.Priority));
        Assert.Equal(VrrpVersion.V2, i.Version);
        Assert.Equal(TimeSpan.FromSeconds(2), i.AdvertisementInterval);
        Assert.Equal(AuthenticationType.SimplePassword, i.AuthenticationType);
        Assert.Equal(["192.0.2.10/24"], i.VirtualAddresses);
        Assert.Equal(["192.0.2.2"], i.UnicastPeers);
        Assert.True(i.NoPreempt);
        Assert.Equal(-20, Assert.Single(i.TrackScripts).Weight);
        var hc = Assert.Single(i.TrackHealthChecks);
        Assert.Equal((TimeSpan.FromMilliseconds(500), 2, 3), (hc.Interval, hc.Rise, hc.Fall));
        Assert.Equal("/usr/local/bin/on-master.sh --now", i.NotifyMaster);
        var script = Assert.Single(options.Scripts);
        Assert.Equal((2, "/bin/sh"), (script.Fall, script.Command));
        Assert.Equal(["-c", "pgrep nginx"], script.Arguments);
        Assert.Equal(["VI_1"], Assert.Single(options.SyncGroups).Instances);
    }

    [Fact]
    public void Builder_methods_add_instances_scripts_files_and_handlers()
    {
        var services = new ServiceCollection();
        services.AddVrrp()
            .AddInstance("VI_1", i =>
            {
                i.Interface = "eth0";
                i.VirtualRouterId = 51;
                i.VirtualAddresses.Add("192.0.2.10");
                i.TrackScripts.Add(new TrackReferenceOptions { Name = "chk" });
            })
            .AddScript("chk", s => s.Command = "/bin/true")
            .AddTrackFile("prio", "/run/prio", weight: -1)
            .AddSyncGroup("G1", "VI_1")
            .OnMaster((_, _) => ValueTask.CompletedTask)
            .OnChange(_ => { });
        services.AddVrrp(); // idempotent
        using var sp = services.BuildServiceProvider();
        var options = sp.GetRequiredService<IOptions<VrrpOptions>>().Value;
        Assert.Equal("VI_1", Assert.Single(options.Instances).Name);
        Assert.Equal("/bin/true", Assert.Single(options.Scripts).Command);
        Assert.Equal(-1, Assert.Single(options.TrackFiles).Weight);
        Assert.Single(options.SyncGroups);
        Assert.Equal(2, sp.GetServices<IVrrpStateHandler>().Count());
        Assert.Single(sp.GetServices<IHostedService>());
        Assert.Same(TimeProvider.System, sp.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task Starting_without_a_platform_says_how_to_register_one()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddVrrp().AddInstance("VI_1", i =>
        {
            i.Interface = "eth0";
            i.VirtualRouterId = 51;
            i.VirtualAddresses.Add("192.0.2.10");
        });
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("No VRRP platform is registered", ex.Message, StringComparison.Ordinal);
        Assert.Contains(".UseLinux()", ex.Message, StringComparison.Ordinal);
        Assert.Contains(".UseInMemoryLan(lan)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_start_fails_on_invalid_options_before_anything_runs()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddVrrp().AddInstance("VI_1", i =>
        {
            i.Interface = "eth0";
            i.VirtualRouterId = 51;
            i.Version = VrrpVersion.V2;
            i.StrictMode = true;
            i.VirtualAddresses.Add("2001:db8::1");
        });
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains(ex.Failures, f => f == "Instance 'VI_1': IPv6 virtual addresses need Version (version) 3 in strict mode (StrictMode); VRRPv2 over IPv6 is not in RFC 3768.");
    }
}
