// docs/getting-started.md and docs/migrating-from-keepalived.md: running an existing keepalived.conf inside an
// application (compiled; SnippetTests reads a sample file with it).
#region usings
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vrrp.Hosting;
#endregion

namespace Vrrp.Docs.Snippets;

public static class KeepalivedInApp
{
    public static IHost Build(string[] args, string path)
    {
        #region program
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddVrrp()
            .AddKeepalivedConfig(path)       // for example /etc/keepalived/keepalived.conf
            .OnMaster(change => Console.WriteLine($"{change.InstanceName}: master"))
            .UseLinux();
        #endregion
        return builder.Build();
    }
}
