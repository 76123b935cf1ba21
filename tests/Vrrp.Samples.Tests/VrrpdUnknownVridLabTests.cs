using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's <c>log_unknown_vrids</c>: a peer on the LAN advertises a VRID no instance of ours has; with the keyword
/// keepalived 2.2.7 and vrrpd log it in the same words, without it vrrpd says nothing (and counts it, as before).
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdUnknownVridLabTests
{
    private static string Config(string globals, int vrid, int priority) => $$"""
        global_defs {
            {{globals}}
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int 1
            virtual_ipaddress {
                192.0.2.{{vrid}}
            }
        }
        """;

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void An_advert_for_another_vrid_is_logged_as_keepalived_logs_it(bool useKeepalived, bool keyword)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var ours = lab.AddHost("r1", "192.0.2.11/24");
        var peer = lab.AddHost("r2", "192.0.2.12/24");
        var other = lab.StartKeepalived(peer, Config("", 79, 200));
        string config = Config(keyword ? "log_unknown_vrids" : "", 78, 100);
        var daemon = useKeepalived
            ? lab.StartKeepalived(ours, config)
            : lab.Track(new BackgroundProcess("ip", ["netns", "exec", ours.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));
        try
        {
            Assert.True(other.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(15)), other.Output);
            const string Line = "Unknown VRID(79) received on interface(eth0). ignoring...";
            if (keyword)
            {
                Assert.True(daemon.WaitForOutput(Line, TimeSpan.FromSeconds(5)), daemon.Output);
            }
            else
            {
                Thread.Sleep(3000); // three adverts of the peer
                Assert.DoesNotContain("Unknown VRID", daemon.Output, StringComparison.Ordinal);
            }
        }
        finally
        {
            daemon.Signal("TERM");
            other.Signal("TERM");
            TestContext.Current.TestOutputHelper?.WriteLine(daemon.Output);
        }
    }
}
