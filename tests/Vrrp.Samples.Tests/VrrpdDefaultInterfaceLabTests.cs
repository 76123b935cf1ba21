using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 12: global_defs <c>default_interface</c>, with keepalived 2.2.7 run on the same file as the oracle: a
/// <c>static_ipaddress</c> entry without <c>dev</c> goes on the default interface (eth0 without the keyword), and is
/// removed at stop.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
[Collection(VrrpdVirtualMacTests.Name)]
public sealed class VrrpdDefaultInterfaceLabTests
{
    private const string Config = """
        global_defs {
            router_id r1
            default_interface eth1
        }
        static_ipaddress {
            192.0.2.150/24
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 59
            priority 100
            advert_int 1
            virtual_ipaddress {
                10.7.0.100/24
            }
        }
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_static_address_without_dev_goes_on_the_default_interface(bool useKeepalived)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "10.7.0.11/24");
        lab.AddInterface(host, "br1", "eth1", "10.8.0.11/24");
        var daemon = useKeepalived
            ? lab.StartKeepalived(host, Config)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp",
                "-f", lab.WriteFile("vrrpd.conf", Config), "-p", Path.Combine(lab.Directory, "vrrpd.pid"), "--control-socket=none"]));
        try
        {
            Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(10)), daemon.Output);
            Assert.True(WaitFor(() => host.Addresses("eth1").Contains("192.0.2.150/24", StringComparison.Ordinal), TimeSpan.FromSeconds(3)), host.Addresses("eth1"));
            Assert.DoesNotContain("192.0.2.150", host.Addresses("eth0"), StringComparison.Ordinal);
        }
        finally
        {
            daemon.Signal("TERM");
            TestContext.Current.TestOutputHelper?.WriteLine(daemon.Output);
        }

        Assert.True(WaitFor(() => !host.Addresses("eth1").Contains("192.0.2.150", StringComparison.Ordinal), TimeSpan.FromSeconds(3)), host.Addresses("eth1"));
    }

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
