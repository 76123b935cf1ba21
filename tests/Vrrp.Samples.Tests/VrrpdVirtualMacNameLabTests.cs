using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issue 12, global_defs <c>vmac_prefix</c> and <c>vmac_addr_prefix</c>: keepalived 2.2.7 and vrrpd run the same file
/// in turn on one host and make the same virtual-MAC interfaces (names, parents, MACs): the instances' own ones with
/// vmac_prefix (an IPv6 instance takes <c>PREFIX6.VRID</c> after an IPv4 one of the same VRID took <c>PREFIX.VRID</c>,
/// a lone IPv6 one <c>PREFIX.VRID</c>), the addresses' ones with vmac_addr_prefix, names cut to 15 characters.
/// </summary>
[Collection(VrrpdVirtualMacTests.Name)]
public class VrrpdVirtualMacNameLabTests
{
    private const string Config = """
        global_defs {
            vrrp_version 3
            vrrp_garp_master_delay 0
            vmac_prefix vm
            vmac_addr_prefix addrvmacprefix
        }
        vrrp_instance VI_1 {
            interface eth0
            use_vmac
            use_vmac_addr
            virtual_router_id 51
            priority 200
            advert_int 0.1
            virtual_ipaddress {
                192.0.2.100/32
                198.51.100.100/32 dev eth1
            }
        }
        vrrp_instance VI_2 {
            interface eth0
            use_vmac
            virtual_router_id 51
            priority 200
            advert_int 0.1
            virtual_ipaddress {
                fd00::100/128
            }
        }
        vrrp_instance VI_3 {
            interface eth1
            use_vmac
            virtual_router_id 52
            priority 200
            advert_int 0.1
            virtual_ipaddress {
                fd00:1::100/128
            }
        }
        vrrp_instance VI_4 {
            interface eth1
            use_vmac vm.53
            virtual_router_id 53
            priority 200
            advert_int 0.1
            virtual_ipaddress {
                198.51.100.101/32
            }
        }
        """;

    [Fact]
    public void Vrrpd_names_its_virtual_mac_interfaces_as_keepalived_does_with_vmac_prefix_and_vmac_addr_prefix()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24", "fd00::11/64");
        lab.AddInterface(host, "br1", "eth1", "198.51.100.11/24", "fd00:1::11/64");

        var keepalived = lab.StartKeepalived(host, Config);
        string[] theirs;
        try
        {
            Assert.True(WaitFor(() => Count(keepalived.Output, "Entering MASTER STATE") >= 4, TimeSpan.FromSeconds(15)), keepalived.Output);
            theirs = Layout(host);
            keepalived.Signal("TERM");
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(keepalived.Output);
        }

        Assert.Empty(Layout(host));

        string file = Path.Combine(lab.Directory, "vrrpd.conf");
        File.WriteAllText(file, Config);
        var vrrpd = lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-n", "-l", "-D", "--vrrp", "-f", file, "-p", Path.Combine(lab.Directory, "vrrpd.pid")]));
        string[] ours;
        try
        {
            Assert.True(WaitFor(() => Count(vrrpd.Output, "Entering MASTER STATE") >= 4, TimeSpan.FromSeconds(15)), vrrpd.Output);
            ours = Layout(host);
            vrrpd.Signal("TERM");
            Assert.Equal(0, vrrpd.ExitCode);
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
        }

        TestContext.Current.TestOutputHelper?.WriteLine("keepalived:\n  " + string.Join("\n  ", theirs));
        TestContext.Current.TestOutputHelper?.WriteLine("vrrpd:\n  " + string.Join("\n  ", ours));
        Assert.Equal(
            ["addrvmacpref.51@eth1 00:00:5e:00:01:33", "vm.51@eth0 00:00:5e:00:01:33", "vm.52@eth1 00:00:5e:00:02:34", "vm.53@eth1 00:00:5e:00:01:35", "vm6.51@eth0 00:00:5e:00:02:33"],
            theirs);
        Assert.Equal(theirs, ours);
        Assert.Empty(Layout(host));
    }

    // The macvlans of the host: "NAME@PARENT MAC", sorted.
    private static string[] Layout(LabHost host) =>
        [.. host.Exec("ip", "-br", "link", "show", "type", "macvlan").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(static words => $"{words[0]} {words[2]}")
            .Order(StringComparer.Ordinal)];

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

            Thread.Sleep(100);
        }

        return condition();
    }
}
