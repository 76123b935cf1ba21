using System.Text.RegularExpressions;
using Vrrp.Election;
using Vrrp.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Vrrp.Linux.Resources;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>
/// keepalived's <c>use_vmac_addr</c> and a virtual address's <c>use_vmac</c> (issue 12): addresses on other interfaces
/// get virtual-MAC interfaces of their own, named, placed and removed as keepalived 2.2.7 does it on the same host
/// with the same configuration (keepalived is the oracle: it runs first, its layout is recorded, then ours runs).
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class AddressVirtualMacTests
{
    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    public static TheoryData<string, bool, bool, string[], string[]> Cases => new()
    {
        // name, instance use_vmac, use_vmac_addr, virtual_ipaddress entries, virtual_ipaddress_excluded entries
        { "use_vmac_addr", false, true, ["192.0.2.100/24", "198.51.100.100/24 dev eth1", "198.51.100.101/24 dev eth1"], [] },
        { "use_vmac and use_vmac_addr", true, true, ["192.0.2.100/24", "198.51.100.100/24 dev eth1"], ["203.0.113.1/24 dev eth1"] },
        { "an address's use_vmac", false, false, ["192.0.2.100/24", "198.51.100.100/24 dev eth1 use_vmac", "198.51.100.101/24 dev eth1"], ["203.0.113.1/24 use_vmac"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Address_virtual_macs_are_made_as_keepalived_makes_them(string name, bool useVmac, bool useVmacAddr, string[] vips, string[] excluded)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        Output?.WriteLine(name);
        using var lab = new NetworkLab();
        var host = lab.AddHost("r1", "192.0.2.11/24");
        lab.AddInterface(host, "br1", "eth1", "198.51.100.11/24");
        string config = $$"""
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 255
                advert_int 1
            {{(useVmac ? "    use_vmac\n" : "")}}{{(useVmacAddr ? "    use_vmac_addr\n" : "")}}    virtual_ipaddress {
            {{string.Join("\n", vips.Select(v => "        " + v))}}
                }
                virtual_ipaddress_excluded {
            {{string.Join("\n", excluded.Select(v => "        " + v))}}
                }
            }
            """;

        // keepalived first: its layout while master, and nothing left after it stops.
        var keepalived = lab.StartKeepalived(host, config);
        string[] theirs;
        try
        {
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(8)), keepalived.Output);
            theirs = await WaitForLayoutAsync(host, vips.Length + excluded.Length);
            keepalived.Signal("TERM");
        }
        finally
        {
            Output?.WriteLine(keepalived.Output);
        }

        Assert.Empty(Layout(host));

        // Ours, from the same options the keepalived.conf reader makes.
        var instance = new VrrpInstanceOptions
        {
            Name = "VI_1",
            Interface = "eth0",
            VirtualRouterId = 51,
            Priority = 255,
            UseVirtualMac = useVmac,
            UseVirtualMacForAddresses = useVmacAddr,
            VirtualAddresses = [.. vips],
            ExcludedVirtualAddresses = [.. excluded],
        };
        var router = new VirtualRouterConfiguration
        {
            Name = "VI_1",
            InterfaceName = "eth0",
            VirtualRouterId = 51,
            Priority = 255,
            VirtualAddresses = [.. vips.Select(Address)],
            ExcludedAddresses = [.. excluded.Select(Address)],
            GarpMasterDelay = TimeSpan.Zero,
        };
        string[] ours;
        await using (var r = LabRouter.Create(host, router, VrrpLinuxBuilderExtensions.LinuxInstanceOptionsOf(instance)))
        {
            await r.StartAsync();
            Assert.True(await r.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"ours is {r.State}");
            ours = await WaitForLayoutAsync(host, vips.Length + excluded.Length);
            await r.Driver.StopAsync(TestContext.Current.CancellationToken);
        }

        Output?.WriteLine("keepalived:\n  " + string.Join("\n  ", theirs));
        Output?.WriteLine("ours:\n  " + string.Join("\n  ", ours));
        Assert.Equal(theirs, ours);
        Assert.Empty(Layout(host));
    }

    [Fact]
    public void The_platform_options_carry_use_vmac_addr_and_the_marked_addresses()
    {
        var options = VrrpLinuxBuilderExtensions.LinuxInstanceOptionsOf(new VrrpInstanceOptions
        {
            Name = "VI_1",
            Interface = "eth0",
            VirtualRouterId = 51,
            UseVirtualMacForAddresses = true,
            VirtualAddresses = ["192.0.2.100/24", "198.51.100.100/24 dev eth1 use_vmac"],
            ExcludedVirtualAddresses = ["203.0.113.1/24 use_vmac"],
        });
        Assert.True(options.UseVirtualMacForAddresses);
        Assert.Equal([IPAddressValue.Parse("198.51.100.100"), IPAddressValue.Parse("203.0.113.1")], options.VirtualMacAddresses);
    }

    [Theory]
    [InlineData(VrrpAddressFamily.IPv4, new string[0], "vrrp.51")]
    [InlineData(VrrpAddressFamily.IPv4, new[] { "vrrp.51" }, "vrrp1.51")]
    [InlineData(VrrpAddressFamily.IPv4, new[] { "vrrp.51", "vrrp1.51" }, "vrrp2.51")]
    [InlineData(VrrpAddressFamily.IPv6, new[] { "vrrp.51" }, "vrrp6.51")]
    [InlineData(VrrpAddressFamily.IPv6, new[] { "vrrp.51", "vrrp6.51" }, "vrrp1.51")]
    [InlineData(VrrpAddressFamily.IPv6, new[] { "vrrp.51", "vrrp6.51", "vrrp1.51", "vrrp2.51", "vrrp3.51", "vrrp4.51", "vrrp5.51" }, "vrrp7.51")]
    public void Names_follow_keepalived_s_create_vmac_name(VrrpAddressFamily family, string[] used, string expected)
    {
        Assert.Equal(expected, LinuxVirtualRouterResources.AddressVirtualMacName(51, family, new HashSet<string>(used)));
    }

    private static VirtualAddress Address(string text)
    {
        var spec = VirtualAddressSpec.Parse(text);
        return spec.Address with { Device = spec.Device };
    }

    // The macvlans of the host and what they carry: "NAME@PARENT MAC ADDRESS..." (addresses sorted), sorted.
    private static string[] Layout(LabHost host)
    {
        var macs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in host.Exec("ip", "-br", "link", "show", "type", "macvlan").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            macs[words[0]] = words[2];
        }

        var result = new List<string>();
        foreach (string line in host.Exec("ip", "-br", "-4", "addr", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (macs.TryGetValue(words[0], out string? mac))
            {
                result.Add($"{words[0]} {mac} {string.Join(' ', words.Skip(2).Order(StringComparer.Ordinal))}");
                macs.Remove(words[0]);
            }
        }

        result.AddRange(macs.Select(m => $"{m.Key} {m.Value}"));
        return [.. result.Order(StringComparer.Ordinal)];
    }

    private static async Task<string[]> WaitForLayoutAsync(LabHost host, int addresses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        string[] layout = Layout(host);
        while (DateTime.UtcNow < deadline)
        {
            layout = Layout(host);
            int count = layout.Sum(l => Regex.Matches(l, @"\d+\.\d+\.\d+\.\d+/").Count);
            int onVmacs = count;
            if (onVmacs >= CountExpected(host, addresses))
            {
                return layout;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return layout;
    }

    // Every address that goes on a virtual-MAC interface is there once it is listed (the others are on eth0/eth1).
    private static int CountExpected(LabHost host, int addresses)
    {
        string all = host.Exec("ip", "-br", "-4", "addr", "show");
        int total = Regex.Matches(all, @"(192\.0\.2\.100|198\.51\.100\.10\d|203\.0\.113\.1)/").Count;
        int elsewhere = all.Split('\n').Where(l => l.StartsWith("eth", StringComparison.Ordinal)).Sum(l => Regex.Matches(l, @"(192\.0\.2\.100|198\.51\.100\.10\d|203\.0\.113\.1)/").Count);
        return total < addresses ? int.MaxValue : total - elsewhere;
    }
}
