using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's socket receive buffer keywords of global_defs as the kernel shows them (<c>ss -f netlink -m</c>, matched
/// to the daemon's own sockets through /proc/PID/fd and /proc/PID/net/netlink): the same configuration under keepalived
/// 2.2.7 (its VRRP child is the oracle) and vrrpd must give the rtnetlink command and monitor sockets the same buffers;
/// vrrpd's process connector socket (track_process, in the initial namespace) gets process_monitor_rcv_bufs.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public partial class VrrpdReceiveBufferLabTests
{
    private static string Config(string? ns) => $$"""
        global_defs {
            {{(ns is null ? "" : "net_namespace " + ns)}}
            vrrp_netlink_cmd_rcv_bufs 300000
            vrrp_netlink_monitor_rcv_bufs 8388608
            vrrp_netlink_monitor_rcv_bufs_force
            process_monitor_rcv_bufs 500000
            process_monitor_rcv_bufs_force false
        }
        vrrp_track_process absent {
            process vrrpd-absent
            weight 10
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 75
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.175
            }
            track_process {
                absent
            }
        }
        """;

    /// <summary>A netlink socket of the daemon: its protocol (0 rtnetlink, 11 connector), groups and receive buffer.</summary>
    private sealed record NetlinkSeen(int Protocol, uint Groups, long ReceiveBuffer)
    {
        public override string ToString() => $"proto {Protocol} groups 0x{Groups:x} rb {ReceiveBuffer}";
    }

    [Fact]
    public void Netlink_and_process_connector_buffers_are_set_as_keepalived_sets_them()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "ss");
        long rmemMax = long.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), CultureInfo.InvariantCulture);
        var seen = new Dictionary<bool, List<NetlinkSeen>>();
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, Config(null))

                // vrrpd enters the namespace itself (net_namespace), as the process connector exists in the initial one only.
                : lab.Track(new BackgroundProcess(VrrpdProcess.Path, ["-f", lab.WriteFile("vrrpd.conf", Config(host.Namespace)), "--control-socket=none"]));
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                int pid = useKeepalived
                    ? int.Parse(File.ReadAllText(Path.Combine(lab.Directory, "keepalived-r1.vrrp.pid")).Trim(), CultureInfo.InvariantCulture)
                    : daemon.Id;
                List<NetlinkSeen> sockets = [];
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                do
                {
                    Thread.Sleep(200);
                    sockets = Read(pid, host.Namespace);
                }
                while (!useKeepalived && !sockets.Any(static s => s.Protocol == 11) && DateTime.UtcNow < deadline);

                seen[useKeepalived] = sockets;
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}: {string.Join("; ", sockets)}");
            }
            finally
            {
                daemon.Signal("TERM");
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}:\n{daemon.Output}");
            }
        }

        foreach (var (useKeepalived, sockets) in seen)
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            var command = sockets.Where(static s => s is { Protocol: 0, Groups: 0 }).ToList();
            var monitor = sockets.Where(static s => s is { Protocol: 0, Groups: not 0 }).ToList();
            Assert.True(command.Count > 0 && command.All(static s => s.ReceiveBuffer == 600_000), $"{who}: command sockets {string.Join("; ", command)}"); // 300000, doubled
            Assert.True(monitor.Count > 0 && monitor.All(static s => s.ReceiveBuffer == 16_777_216), $"{who}: monitor sockets {string.Join("; ", monitor)}"); // forced past rmem_max, doubled
        }

        // SO_RCVBUF without force: capped at net.core.rmem_max, doubled.
        var connector = seen[false].Where(static s => s.Protocol == 11).ToList();
        Assert.True(connector.Count == 1 && connector[0].ReceiveBuffer == 2 * Math.Min(500_000, rmemMax), $"vrrpd: connector sockets {string.Join("; ", connector)}");
    }

    /// <summary>The netlink sockets <paramref name="pid"/> holds, in its namespace and the initial one, with their buffers as ss shows them.</summary>
    private static List<NetlinkSeen> Read(int pid, string ns)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && SocketInode().Match(target) is { Success: true } m)
                {
                    inodes.Add(m.Groups[1].Value);
                }
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }

        var found = new List<NetlinkSeen>();
        foreach (var (table, ss) in new[]
        {
            (LabProcess.Run("ip", ["netns", "exec", ns, "cat", "/proc/self/net/netlink"]), LabProcess.Run("ip", ["netns", "exec", ns, "ss", "-f", "netlink", "-a", "-m", "-e"])),
            (File.ReadAllText("/proc/self/net/netlink"), LabProcess.Run("ss", ["-f", "netlink", "-a", "-m", "-e"])),
        })
        {
            // ss: "rtnl:vrrpd/1234 ... groups=0x00000111 skmem:(r0,rb600000,..." (the port id alone when it is not a pid, signed).
            var buffers = new Dictionary<(uint Port, uint Groups), long>();
            foreach (Match m in SsLine().Matches(ss))
            {
                uint port = unchecked((uint)long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                buffers[(port, uint.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture))] = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            }

            foreach (string line in table.Split('\n').Skip(1))
            {
                // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length >= 10 && inodes.Remove(f[9]))
                {
                    uint port = uint.Parse(f[2], CultureInfo.InvariantCulture);
                    uint groups = uint.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    found.Add(new NetlinkSeen(int.Parse(f[1], CultureInfo.InvariantCulture), groups, buffers.GetValueOrDefault((port, groups), -1)));
                }
            }
        }

        return found;
    }

    [GeneratedRegex(@"^socket:\[(\d+)\]$")]
    private static partial Regex SocketInode();

    [GeneratedRegex(@"\w+:(?:[^\s/]*/)?(-?\d+)\s.*?groups=0x([0-9a-f]+).*?\brb(\d+)")]
    private static partial Regex SsLine();
}
