using System.Globalization;
using System.Runtime.Versioning;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// keepalived's <c>vrrp_rx_bufs_policy</c> and <c>vrrp_rx_bufs_multiplier</c> as the kernel shows them: the same
/// configuration (two instances sharing one interface, so one receive socket whose buffer is the sum of their shares)
/// under keepalived 2.2.7 and vrrpd, and the VRRP receive socket's SO_RCVBUF, read from the daemon's own socket
/// (pidfd_getfd, then getsockopt), must be the same.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdVrrpReceiveBufferLabTests
{
    private static string Config(string globals) => $$"""
        global_defs {
            {{globals}}
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 76
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.176
            }
        }
        vrrp_instance VI_2 {
            state BACKUP
            interface eth0
            virtual_router_id 77
            priority 150
            advert_int 1
            virtual_ipaddress {
                192.0.2.177
                192.0.2.178
            }
        }
        """;

    [Theory]
    [InlineData("vrrp_rx_bufs_policy MTU\n    vrrp_rx_bufs_multiplier 5", 2 * ((5 * 1500) + (5 * 1500)))]    // 5 MTUs a instance, doubled by the kernel
    [InlineData("vrrp_rx_bufs_policy 10000", 2 * (10000 + 10000))]
    [InlineData("vrrp_rx_bufs_policy ADVERT\n    vrrp_rx_bufs_multiplier 40", 2 * ((40 * 40) + (40 * 44)))] // v2 IPv4 adverts of 40 and 44 bytes with their header
    public void The_vrrp_receive_socket_buffer_is_sized_as_keepalived_sizes_it(string globals, int expected)
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        foreach (bool useKeepalived in new[] { true, false })
        {
            string who = useKeepalived ? "keepalived" : "vrrpd";
            using var lab = new NetworkLab();
            var host = lab.AddHost("r1", "192.0.2.11/24");
            string config = Config(globals);
            var daemon = useKeepalived
                ? lab.StartKeepalived(host, config)
                : lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("vrrpd.conf", config), "--control-socket=none"]));
            try
            {
                Assert.True(daemon.WaitForOutput("(VI_2) Entering BACKUP STATE", TimeSpan.FromSeconds(15)), daemon.Output);
                int pid = useKeepalived
                    ? int.Parse(File.ReadAllText(Path.Combine(lab.Directory, "keepalived-r1.vrrp.pid")).Trim(), CultureInfo.InvariantCulture)
                    : daemon.Id;
                var buffers = VrrpSocketBuffers(pid);
                TestContext.Current.TestOutputHelper?.WriteLine($"{who}: VRRP sockets' SO_RCVBUF {string.Join(", ", buffers)}, MTU {host.Exec("cat", "/sys/class/net/eth0/mtu").Trim()}");
                Assert.Contains(expected, buffers);
            }
            finally
            {
                daemon.Signal("TERM");
            }
        }
    }

    /// <summary>
    /// SO_RCVBUF of every IP protocol 112 socket of <paramref name="pid"/>, read through a copy of its descriptor
    /// (pidfd_open and pidfd_getfd, then getsockopt; python3 does the system calls).
    /// </summary>
    private static List<int> VrrpSocketBuffers(int pid)
    {
        const string Script = """
            import ctypes, os, socket, sys
            libc = ctypes.CDLL(None, use_errno=True)
            pid = int(sys.argv[1])
            pidfd = libc.syscall(434, pid, 0)
            if pidfd < 0:
                sys.exit("pidfd_open: errno %d" % ctypes.get_errno())
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    if not os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"):
                        continue
                except OSError:
                    continue
                copy = libc.syscall(438, pidfd, int(fd), 0)
                if copy < 0:
                    continue
                s = socket.socket(fileno=copy)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 112:
                    print(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
                s.close()
            """;
        return [.. LabProcess.Run("python3", ["-c", Script, pid.ToString(CultureInfo.InvariantCulture)])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => int.Parse(l.Trim(), CultureInfo.InvariantCulture))];
    }
}
