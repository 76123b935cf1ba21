// docs/getting-started.md: a service configured from appsettings.json, with an async callback and a health check
// (compiled; SnippetTests binds appsettings.json beside this file through the same AddVrrp call).
#region usings
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vrrp.Hosting;
#endregion

namespace Vrrp.Docs.Snippets;

public static class GettingStartedAppSettings
{
    public static async Task RunAsync(string[] args)
    {
        #region program
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddVrrp(builder.Configuration.GetSection(VrrpOptions.SectionName))
            .OnMaster(async (change, cancellationToken) =>
            {
                // Runs after the addresses are up; it never delays the protocol (see IVrrpStateHandler).
                await File.WriteAllTextAsync("/run/myapp/role", "master", cancellationToken);
            })
            .OnBackup(change => File.WriteAllText("/run/myapp/role", "backup"))
            .AddHealthCheck()                            // "vrrp": Unhealthy while an instance is in Fault
            .UseLinux();
        await builder.Build().RunAsync();
        #endregion
    }
}
