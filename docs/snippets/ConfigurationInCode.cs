// docs/configuration.md: every kind of setting in code (runs as a test: the options it builds pass validation).
#region usings
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vrrp;
using Vrrp.Hosting;
#endregion

namespace Vrrp.Docs.Snippets;

public static class ConfigurationInCode
{
    public static IVrrpBuilder Configure(IServiceCollection services)
    {
        #region configure
        services.AddHealthChecks().AddCheck("database", () => HealthCheckResult.Healthy());

        var vrrp = services.AddVrrp(options =>
            {
                options.RouterId = "lb1";                              // router_id
                options.CallbackTimeout = TimeSpan.FromSeconds(10);
            })
            .AddScript("chk_nginx", script =>                          // vrrp_script chk_nginx { ... }
            {
                script.Command = "/bin/sh";
                script.Arguments.AddRange(["-c", "pgrep -x nginx"]);
                script.Interval = TimeSpan.FromSeconds(2);
                script.Weight = -60;                                   // failing lowers the priority by 60
                script.Fall = 2;
                script.Rise = 2;
            })
            .AddTrackFile("maintenance", "/run/vrrp/maintenance", weight: 0)   // a non-zero number in it means Fault
            .AddInstance("VI_1", vi =>                                 // vrrp_instance VI_1 { ... }
            {
                vi.Interface = "eth0";
                vi.VirtualRouterId = 51;
                vi.Priority = 150;
                vi.AdvertisementInterval = TimeSpan.FromMilliseconds(500);   // VRRPv3: steps of 10 ms
                vi.VirtualAddresses.Add("192.0.2.100/24");
                vi.PreemptDelay = TimeSpan.FromSeconds(30);
                vi.TrackInterfaces.Add(new TrackInterfaceOptions { Interface = "eth1", Weight = -30 });
                vi.TrackScripts.Add(new TrackReferenceOptions { Name = "chk_nginx" });
                vi.TrackFiles.Add(new TrackReferenceOptions { Name = "maintenance" });
                vi.NotifyMaster = "/usr/local/bin/notify.sh master";
            })
            .AddInstance("VI_6", vi =>
            {
                vi.Interface = "eth0";
                vi.VirtualRouterId = 51;                               // same VRID, other family: allowed
                vi.Priority = 150;
                vi.VirtualAddresses.Add("2001:db8::100/64");           // IPv6, with version 3 (the default)
            })
            .AddSyncGroup("web", "VI_1", "VI_6")                       // vrrp_sync_group web { group { VI_1 VI_6 } }
            .TrackHealthCheck("VI_1", "database", track =>
            {
                track.Weight = 0;                                      // unhealthy means Fault
                track.Interval = TimeSpan.FromSeconds(5);
                track.Fall = 3;
            });
        #endregion
        return vrrp;
    }
}
