// docs/getting-started.md and docs/migrating-from-keepalived.md: running an existing keepalived.conf inside an
// application (compiled; SnippetTests reads a sample file with it).
#region usings
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vrrp.Configuration.Keepalived;
using Vrrp.Hosting;
#endregion

namespace Vrrp.Docs.Snippets;

public static class KeepalivedInApp
{
    public static IHost Build(string[] args, string path)
    {
        #region program
        var builder = Host.CreateApplicationBuilder(args);

        // path: for example /etc/keepalived/keepalived.conf
        KeepalivedConfigResult result = KeepalivedConfigReader.Read(path);
        foreach (ConfigDiagnostic diagnostic in result.Diagnostics)
        {
            Console.Error.WriteLine(diagnostic);     // file:line: warning or error, as keepalived would say
        }

        VrrpOptions fromFile = result.GetOptionsOrThrow();   // throws KeepalivedConfigException on errors
        builder.Services.AddVrrp(options =>
        {
            options.RouterId = fromFile.RouterId;
            options.NetworkNamespace = fromFile.NetworkNamespace;
            options.StartupDelay = fromFile.StartupDelay;
            options.Instances.AddRange(fromFile.Instances);
            options.Scripts.AddRange(fromFile.Scripts);
            options.TrackFiles.AddRange(fromFile.TrackFiles);
            options.SyncGroups.AddRange(fromFile.SyncGroups);
        }).UseLinux();
        #endregion
        return builder.Build();
    }
}
