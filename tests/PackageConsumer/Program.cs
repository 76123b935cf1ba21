// A program as a user writes it, built against the Vrrp NuGet packages and published with native AOT by .ci/run.
// Run without arguments, it elects a master among two hosts on the in-memory LAN (real time, no privileges), stops
// the master and checks that the other host takes over; the exit code says whether it did. With --linux it shows the
// host a user runs on Linux (CAP_NET_RAW and CAP_NET_ADMIN needed): CI compiles that path, it does not run it.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vrrp;
using Vrrp.Hosting;
using Vrrp.Linux;
using Vrrp.Testing;

if (args is ["--linux", ..])
{
    var linux = Host.CreateApplicationBuilder(args[1..]);
    linux.Services.AddVrrp(linux.Configuration.GetSection(VrrpOptions.SectionName))
        .UseLinux()
        .OnMaster(change => Console.WriteLine($"{change.InstanceName}: master"));
    Console.WriteLine($"missing capabilities: {string.Join(", ", LinuxCapabilities.FindMissing(LinuxCapabilities.GetEffective(), LinuxCapabilities.Required))}");
    await linux.Build().RunAsync();
    return 0;
}

var lan = new VirtualLan(TimeProvider.System, seed: 1);
var primary = CreateHost(lan, "primary", priority: 200);
var standby = CreateHost(lan, "standby", priority: 100);
await primary.StartAsync();
await standby.StartAsync();

bool elected = await WaitFor(() => StateOf(primary) == VrrpState.Master && StateOf(standby) == VrrpState.Backup);
Console.WriteLine($"election: primary {StateOf(primary)}, standby {StateOf(standby)}");

await primary.StopAsync();                  // sends priority 0: the standby takes over after its skew time
bool tookOver = await WaitFor(() => StateOf(standby) == VrrpState.Master);
Console.WriteLine($"after the primary stopped: standby {StateOf(standby)}; VIP held by {string.Join(", ", lan.HoldersOf(IPAddressValue.Parse("192.0.2.100")).Select(n => n.Name))}");

// The status as JSON (source-generated metadata: this is the native AOT path): the master's address as text.
string json = System.Text.Json.JsonSerializer.Serialize(standby.Services.GetRequiredService<IVrrpMonitor>().Instances, VrrpJson.InstanceStatusList);
Console.WriteLine($"status: {json}");
tookOver &= json.Contains("\"masterAddress\":\"192.0.2.", StringComparison.Ordinal) && json.Contains("\"virtualAddresses\":[{\"address\":\"192.0.2.100\",\"prefixLength\":24}]", StringComparison.Ordinal);

await standby.StopAsync();
primary.Dispose();
standby.Dispose();
bool ok = elected && tookOver;
Console.WriteLine(ok ? "package consumer: OK" : "package consumer: FAILED");
return ok ? 0 : 1;

static IHost CreateHost(VirtualLan lan, string name, int priority)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    // The options come from configuration, as from appsettings.json or environment variables (Vrrp__Instances__VI_1__...):
    // instances keyed by name, durations in keepalived's seconds; the binder is hand-written (no reflection, AOT safe).
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Vrrp:Instances:VI_1:Interface"] = SimulatedNode.InterfaceName,
        ["Vrrp:Instances:VI_1:VirtualRouterId"] = "51",
        ["Vrrp:Instances:VI_1:Priority"] = priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vrrp:Instances:VI_1:AdvertisementInterval"] = "0.05",
        ["Vrrp:Instances:VI_1:VirtualAddresses:0"] = "192.0.2.100/24",
    });
    builder.Services.AddVrrp(builder.Configuration.GetSection(VrrpOptions.SectionName))
        .UseInMemoryLan(lan, name)
        .OnChange(change => Console.WriteLine($"  {name}: {change}"));
    return builder.Build();
}

static VrrpState StateOf(IHost host) =>
    host.Services.GetRequiredService<IVrrpMonitor>().TryGetInstance("VI_1", out var status) ? status.State : VrrpState.Initialize;

static async Task<bool> WaitFor(Func<bool> condition)
{
    for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(10))
    {
        if (condition())
        {
            return true;
        }
    }

    return condition();
}
