// README.md and docs/getting-started.md: a service that holds a virtual address on Linux (compiled, not run: it needs
// CAP_NET_RAW and CAP_NET_ADMIN and a real interface).
#region usings
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
#endregion

namespace Vrrp.Docs.Snippets;

public static class ReadmeLinux
{
    public static async Task RunAsync(string[] args)
    {
        #region program
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddVrrp()
            .AddInstance("VI_1", vi =>
            {
                vi.Interface = "eth0";
                vi.VirtualRouterId = 51;
                vi.Priority = 150;                       // the highest priority on the segment becomes master
                vi.VirtualAddresses.Add("192.0.2.100/24");
            })
            .OnMaster(change => Console.WriteLine($"{change.InstanceName}: master, 192.0.2.100 is here"))   // runs once it is
            .OnBackup(change => Console.WriteLine($"{change.InstanceName}: backup"))
            .UseLinux();                                 // raw sockets and rtnetlink: CAP_NET_RAW, CAP_NET_ADMIN
        await builder.Build().RunAsync();
        #endregion
    }
}
