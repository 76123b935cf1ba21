using Vrrp.Hosting;
using Vrrp.Keepalived;

namespace Vrrp.Keepalived.Tests;

public sealed partial class KeepalivedOracleTests
{
    [Fact]
    public void Keepalived_understands_the_firewall_settings_as_the_reader_does()
    {
        // nftables [TABLE], nftables_priority, nftables_ifindex, nftables_counters: written by our writer, accepted by
        // keepalived -t, and keepalived -d's global dump shows the values our reader read.
        RequireLab();
        CreateNamespace(["eth0"]);
        int seed = TestSeed.Next();
        var random = new Random(seed);
        for (int round = 0; round < 4; round++)
        {
            var options = OneInstanceOptions();
            var firewall = options.Firewall;
            firewall.TableName = round switch { 0 => "keepalived", 1 => "vrrp_fw-1.a", 2 => "t" + random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture), _ => null };
            firewall.ChainPriority = round == 3 ? VrrpFirewallOptions.DefaultChainPriority : random.Next(-400, 400);
            firewall.MatchInterfaceIndex = random.Next(2) == 0;
            firewall.Counters = round % 2 == 0;
            string context = $"seed {seed}, round {round}";

            string written = KeepalivedConfigWriter.Write(options);
            AssertKeepalivedAccepts(written, context);
            string path = Path.Combine(_folder, $"firewall{round}.conf");
            File.WriteAllText(path, written);
            var read = KeepalivedConfigReader.Read(path);
            Assert.Empty(read.Diagnostics);
            var f = read.Options.Firewall;
            Assert.Equal(firewall.TableName, f.TableName);
            Assert.Equal(firewall.ChainPriority, f.ChainPriority);
            Assert.Equal(firewall.MatchInterfaceIndex, f.MatchInterfaceIndex);
            Assert.Equal(firewall.Counters, f.Counters);

            string[] dump = DumpLines(path);
            Assert.True(dump.Contains(f.Counters ? "nftables with counters" : "nftables without counters"), $"{context}: counters {f.Counters}");
            if (f.TableName is null)
            {
                // keepalived filters only with a table; its dump then has no table lines (vrrpd filters in table vrrp).
                Assert.DoesNotContain(dump, static l => l.StartsWith("nftables table name", StringComparison.Ordinal));
                continue;
            }

            Assert.Contains($"nftables table name = {f.TableName}", dump);
            Assert.Contains($"nftables base chain priority = {f.ChainPriority}", dump);
            Assert.Contains(f.MatchInterfaceIndex ? "nftables force use ifindex for link local IPv6" : "nftables don't force use ifindex for link local IPv6", dump);
        }
    }

    [Fact]
    public void Vrrp_iptables_is_read_as_keepalived_without_iptables_reads_it_and_a_priority_before_nftables_is_lost()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        string instance = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n 10.0.0.1/24\n }\n}\n";
        foreach (var (globals, table, priority) in new[]
        {
            ("vrrp_iptables VRRP_IN VRRP_OUT", "keepalived", -1),
            ("vrrp_iptables", "keepalived", -1),
            ("nftables_priority 7\n nftables mine", "mine", -1),
            ("nftables mine\n nftables_priority 7\n nftables other", "mine", 7),
            ("nftables", "keepalived", -1),
        })
        {
            string path = Path.Combine(_folder, "iptables.conf");
            File.WriteAllText(path, $"global_defs {{\n {globals}\n}}\n{instance}");
            var read = KeepalivedConfigReader.Read(path);
            Assert.DoesNotContain(read.Diagnostics, static d => d.Severity == ConfigDiagnosticSeverity.Error);
            Assert.Equal(table, read.Options.Firewall.TableName);
            Assert.Equal(priority, read.Options.Firewall.ChainPriority);
            string[] dump = DumpLines(path);
            Assert.Contains($"nftables table name = {table}", dump);
            Assert.Contains($"nftables base chain priority = {priority}", dump);
        }
    }

    [Fact]
    public void Keepalived_understands_the_receive_buffer_settings_as_the_reader_does()
    {
        // vrrp_netlink_cmd_rcv_bufs, vrrp_netlink_monitor_rcv_bufs, process_monitor_rcv_bufs and their _force keywords:
        // written, accepted by keepalived -t, and dumped by keepalived -d as our reader read them.
        RequireLab();
        CreateNamespace(["eth0"]);
        int seed = TestSeed.Next();
        var random = new Random(seed);
        for (int round = 0; round < 4; round++)
        {
            var options = OneInstanceOptions();
            var buffers = options.ReceiveBuffers;
            buffers.NetlinkCommand = round == 3 ? 0 : random.Next(1, int.MaxValue);
            buffers.NetlinkCommandForce = random.Next(2) == 0;
            buffers.NetlinkMonitor = round == 2 ? 0 : random.Next(1, 1 << 26);
            buffers.NetlinkMonitorForce = random.Next(2) == 0;
            buffers.ProcessMonitor = round == 1 ? 0 : random.Next(1, 1 << 26);
            buffers.ProcessMonitorForce = random.Next(2) == 0;
            string context = $"seed {seed}, round {round}";

            string written = KeepalivedConfigWriter.Write(options);
            AssertKeepalivedAccepts(written, context);
            string path = Path.Combine(_folder, $"buffers{round}.conf");
            File.WriteAllText(path, written);
            var read = KeepalivedConfigReader.Read(path);
            Assert.Empty(read.Diagnostics);
            var b = read.Options.ReceiveBuffers;
            Assert.Equal(
                (buffers.NetlinkCommand, buffers.NetlinkCommandForce, buffers.NetlinkMonitor, buffers.NetlinkMonitorForce, buffers.ProcessMonitor, buffers.ProcessMonitorForce),
                (b.NetlinkCommand, b.NetlinkCommandForce, b.NetlinkMonitor, b.NetlinkMonitorForce, b.ProcessMonitor, b.ProcessMonitorForce));

            string[] dump = DumpLines(path);
            foreach (var (keyword, size, force) in new[] { ("vrrp_netlink_cmd_rcv_bufs", b.NetlinkCommand, b.NetlinkCommandForce), ("vrrp_netlink_monitor_rcv_bufs", b.NetlinkMonitor, b.NetlinkMonitorForce), ("process_monitor_rcv_bufs", b.ProcessMonitor, b.ProcessMonitorForce) })
            {
                Assert.True(dump.Contains($"{keyword} = {size}"), $"{context}: {keyword} {size}");
                Assert.True(dump.Contains($"{keyword}_force = {(force ? 1 : 0)}"), $"{context}: {keyword}_force {force}");
            }
        }
    }

    [Theory]
    [InlineData("vrrp_rx_bufs_policy MTU", "rx_bufs_policy = MTU", "Mtu", 0, 3)]
    [InlineData("vrrp_rx_bufs_policy advert\n vrrp_rx_bufs_multiplier 7", "rx_bufs_policy = ADVERT", "Advert", 0, 7)]
    [InlineData("vrrp_rx_bufs_policy 65536", "rx_bufs_size = 65536", "Size", 65536, 3)]
    [InlineData("vrrp_rx_bufs_policy MTU ADVERT", "rx_bufs_policy = MTU", "Mtu", 0, 3)]
    [InlineData("vrrp_rx_bufs_policy ADVERT\n vrrp_rx_bufs_policy 1000", "rx_bufs_size = 1000", "Size", 1000, 3)]
    [InlineData("vrrp_rx_bufs_multiplier 2", null, "Default", 0, 2)]
    public void The_rx_buffer_policy_is_read_as_keepalived_reads_it(string globals, string? dumped, string policy, int size, int multiplier)
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        string path = Path.Combine(_folder, "rxbufs.conf");
        File.WriteAllText(path, $"global_defs {{\n {globals}\n}}\nvrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {{\n 10.0.0.1/24\n }}\n}}\n");
        var read = KeepalivedConfigReader.Read(path);
        Assert.DoesNotContain(read.Diagnostics, static d => d.Severity == ConfigDiagnosticSeverity.Error);
        var b = read.Options.ReceiveBuffers;
        Assert.Equal((policy, size, multiplier), (b.VrrpSocketPolicy.ToString(), b.VrrpSocketSize, b.VrrpSocketMultiplier));
        string[] dump = DumpLines(path);
        Assert.Contains($"rx_bufs_multiples = {multiplier}", dump);
        if (dumped is null)
        {
            Assert.DoesNotContain(dump, static l => l.StartsWith("rx_bufs_policy", StringComparison.Ordinal) || l.StartsWith("rx_bufs_size", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(dumped, dump);
        }

        // And what our writer writes back reads (and dumps) the same.
        string written = KeepalivedConfigWriter.Write(read.Options);
        AssertKeepalivedAccepts(written, globals);
        File.WriteAllText(path, written);
        var again = KeepalivedConfigReader.Read(path).Options.ReceiveBuffers;
        Assert.Equal((b.VrrpSocketPolicy, b.VrrpSocketSize, b.VrrpSocketMultiplier), (again.VrrpSocketPolicy, again.VrrpSocketSize, again.VrrpSocketMultiplier));
    }

    [Fact]
    public void Log_unknown_vrids_is_written_and_dumped_as_keepalived_reads_it()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        foreach (bool on in new[] { true, false })
        {
            var options = new VrrpOptions { LogUnknownVirtualRouterIds = on };
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", Interface = "eth0", VirtualRouterId = 9, VirtualAddresses = { "10.0.0.1/24" } });
            string written = KeepalivedConfigWriter.Write(options);
            AssertKeepalivedAccepts(written, $"log_unknown_vrids {on}");
            string path = Path.Combine(_folder, "unknown.conf");
            File.WriteAllText(path, written);
            Assert.Equal(on, KeepalivedConfigReader.Read(path).Options.LogUnknownVirtualRouterIds);
            Assert.Equal(on, DumpLines(path).Contains("log_unknown_vrids"));
        }
    }

    [Fact]
    public void Disable_local_igmp_is_written_and_dumped_as_keepalived_reads_it()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        foreach (bool on in new[] { true, false })
        {
            var options = new VrrpOptions { DisableLocalIgmp = on };
            options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", Interface = "eth0", VirtualRouterId = 9, VirtualAddresses = { "10.0.0.1/24" } });
            string written = KeepalivedConfigWriter.Write(options);
            AssertKeepalivedAccepts(written, $"disable_local_igmp {on}");
            string path = Path.Combine(_folder, "igmp.conf");
            File.WriteAllText(path, written);
            Assert.Equal(on, KeepalivedConfigReader.Read(path).Options.DisableLocalIgmp);
            Assert.Contains($"Disable local IGMP = {(on ? "yes" : "no")}", DumpLines(path));
        }
    }

    [Theory]
    [InlineData("max_auto_priority", 99, 1000000)]
    [InlineData("max_auto_priority 7\n min_auto_priority_delay 250000", 7, 250000)]
    [InlineData("max_auto_priority -1", -1, 1000000)]
    [InlineData("min_auto_priority_delay 1", 0, 1)]
    public void Auto_priority_settings_are_read_written_and_dumped_as_keepalived_reads_them(string globals, int max, int delay)
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        string path = Path.Combine(_folder, "auto.conf");
        File.WriteAllText(path, $"global_defs {{\n {globals}\n}}\nvrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {{\n 10.0.0.1/24\n }}\n}}\n");
        for (int pass = 0; pass < 2; pass++)
        {
            var read = KeepalivedConfigReader.Read(path);
            Assert.Empty(read.Diagnostics);
            Assert.Equal((max, delay), (read.Options.Process.MaxAutoPriority, read.Options.Process.MinAutoPriorityDelayMicroseconds));
            string[] dump = DumpLines(path);
            Assert.Contains(max == -1 ? "Max auto priority = Disabled" : $"Max auto priority = {max}", dump);
            Assert.Contains($"Min auto priority delay = {delay} usecs", dump);

            // The second pass reads what our writer wrote.
            string written = KeepalivedConfigWriter.Write(read.Options);
            AssertKeepalivedAccepts(written, globals);
            File.WriteAllText(path, written);
        }
    }

    /// <summary>keepalived -d's lines without their timestamps ("Mon Nov 30 13:02:01 2026: "), trimmed.</summary>
    private string[] DumpLines(string path) =>
        [.. DumpConfiguration(path).Split('\n').Select(static l => System.Text.RegularExpressions.Regex.Replace(l, @"^\w{3} \w{3} +\d+ [\d:]+ \d{4}:", "").Trim())];
}
