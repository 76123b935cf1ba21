using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 12: global_defs <c>dynamic_interfaces [allow_if_changes]</c>, with keepalived 2.2.7 run on the same file as the
/// oracle. Without it, an instance's interface that does not exist refuses the start (keepalived: "Non-existent
/// interface specified in configuration"); with it the daemon starts, waits in Fault, runs when the interface is
/// created, and follows it when it is deleted and created again with another index.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
[Collection(VrrpdVirtualMacTests.Name)]
public sealed class VrrpdDynamicInterfacesLabTests
{
    private const string Vip = "10.8.0.100";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static string Config(string dynamic) => $$"""
        global_defs {
            router_id r1
            vrrp_garp_master_delay 0
        {{dynamic}}
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth1
            virtual_router_id 58
            priority 150
            advert_int 1
            virtual_ipaddress {
                {{Vip}}/24
            }
        }
        """;

    private static BackgroundProcess Start(NetworkLab lab, LabHost host, bool useKeepalived, string config) =>
        useKeepalived
            ? lab.StartKeepalived(host, config)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp",
                "-f", lab.WriteFile("vrrpd.conf", config), "-p", Path.Combine(lab.Directory, "vrrpd.pid"), "--control-socket=none"]));

    [Theory]
    [InlineData(true, "    dynamic_interfaces")]
    [InlineData(false, "    dynamic_interfaces")]
    [InlineData(true, "    dynamic_interfaces allow_if_changes")]
    [InlineData(false, "    dynamic_interfaces allow_if_changes")]
    public void With_dynamic_interfaces_an_instance_waits_for_its_interface_and_follows_it_when_recreated(bool useKeepalived, string dynamic)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "10.7.0.11/24");
        var daemon = Start(lab, host, useKeepalived, Config(dynamic));
        try
        {
            // Started without eth1: no MASTER, no VIP, still running.
            Thread.Sleep(4000);
            Assert.False(daemon.HasExited, daemon.Output);
            Assert.DoesNotContain("Entering MASTER STATE", daemon.Output, StringComparison.Ordinal);

            // eth1 appears (a veth on the bridge, with an address): the instance runs and takes the VIP there.
            lab.AddInterface(host, "br0", "eth1", "10.8.0.11/24");
            Assert.True(daemon.WaitForOutput("(VI_1) Entering MASTER STATE", Settle), daemon.Output);
            Assert.True(WaitFor(() => host.Addresses("eth1").Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(3)), host.Addresses("eth1"));
            string index = host.Exec("cat", "/sys/class/net/eth1/ifindex").Trim();

            // Deleted, then created again (another index): followed by its name, master again with the VIP on it.
            host.Exec("ip", "link", "del", "eth1");
            Thread.Sleep(1500);
            int masters = Count(daemon.Output, "(VI_1) Entering MASTER STATE");
            lab.AddInterface(host, "br0", "eth1", "10.8.0.11/24");
            Assert.NotEqual(index, host.Exec("cat", "/sys/class/net/eth1/ifindex").Trim());
            Assert.True(WaitFor(() => Count(daemon.Output, "(VI_1) Entering MASTER STATE") > masters, Settle), daemon.Output);
            Assert.True(WaitFor(() => host.Addresses("eth1").Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(3)), host.Addresses("eth1"));
            Assert.False(daemon.HasExited, daemon.Output);
        }
        finally
        {
            daemon.Signal("TERM");
            Output?.WriteLine(daemon.Output);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Without_dynamic_interfaces_a_missing_interface_refuses_the_start(bool useKeepalived)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "10.7.0.11/24");
        var daemon = Start(lab, host, useKeepalived, Config(""));
        try
        {
            Assert.True(WaitFor(() => daemon.HasExited, Settle), daemon.Output);
            Assert.NotEqual(0, daemon.ExitCode);
            Assert.Contains(
                useKeepalived ? "Non-existent interface specified in configuration" : "Interface (interface) 'eth1' cannot be used",
                daemon.Output,
                StringComparison.Ordinal);
            Assert.DoesNotContain("Entering MASTER STATE", daemon.Output, StringComparison.Ordinal);
        }
        finally
        {
            daemon.Signal("TERM");
            Output?.WriteLine(daemon.Output);
        }
    }

    private static int Count(string text, string line) => text.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal));

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return condition();
    }
}
