using System.Diagnostics;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// Issues 11 and 12 through the daemon, from one keepalived.conf that keepalived 2.2.7 accepts (<c>keepalived -t</c>):
/// <c>use_vmac</c>, <c>no_accept</c>, <c>virtual_routes</c> and <c>track_process</c> together in vrrpd, beside a stock
/// keepalived peer. While vrrpd is master the VIP is on its virtual-MAC interface, the route is installed and the
/// client's ping to the VIP is dropped (no_accept) while the peer keeps following its adverts; killing the tracked
/// process (a real one started by the test) puts vrrpd in Fault, so keepalived takes over and vrrpd's route goes;
/// restarting it gives mastership back; after vrrpd's stop nothing of it is left (interface, route, nf_tables table).
/// </summary>
[Collection(VrrpdVirtualMacTests.Name)]
public sealed class VrrpdDataPlaneTests : IDisposable
{
    private const string Vip = "192.0.2.160";
    private const string Route = "10.99.0.0/24";
    private readonly string _process = "vd" + Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..8];
    private readonly string _directory;
    private readonly List<Process> _started = [];

    public VrrpdDataPlaneTests()
    {
        _directory = Path.Combine(Path.GetTempPath(), "vrrpd-dataplane-" + _process);
        Directory.CreateDirectory(_directory);
    }

    // net_namespace at the top level: keepalived 2.2.7 does not know it inside global_defs.
    private string VrrpdConfig(string ns) => $$"""
        net_namespace {{ns}}
        global_defs {
            router_id vrrpd
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_track_process app {
            process {{_process}}
            weight 0
            delay 0.2
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            use_vmac
            no_accept
            virtual_router_id 52
            priority 150
            advert_int 0.1
            virtual_ipaddress {
                {{Vip}}/32
            }
            virtual_routes {
                {{Route}} via 192.0.2.1 dev eth0
            }
            track_process {
                app
            }
        }
        """;

    private const string KeepalivedConfig = $$"""
        global_defs {
            router_id keepalived
            vrrp_version 3
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 52
            priority 100
            advert_int 0.1
            virtual_ipaddress {
                {{Vip}}/32
            }
        }
        """;

    [Fact]
    public void A_keepalived_conf_with_use_vmac_no_accept_virtual_routes_and_track_process_runs_under_vrrpd()
    {
        LabProcess.RequireRootAnd("ip", "keepalived", "nft", "ping");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        var client = lab.AddHost("c1", "192.0.2.50/24");
        string file = Path.Combine(lab.Directory, "vrrpd.conf");
        File.WriteAllText(file, VrrpdConfig(r1.Namespace));

        // keepalived 2.2.7 takes the file as it is.
        string check = LabProcess.Run("keepalived", ["-t", "-f", file], allowFailure: true);
        Assert.True(RunsClean("keepalived", "-t", "-f", file), check);

        var app = StartProcess();
        // Started in the initial namespace with net_namespace in the file, as keepalived: the kernel's process connector
        // exists only there (under 'ip netns exec' or -s, process tracking cannot start, and vrrpd says so).
        var vrrpd = lab.Track(new BackgroundProcess(VrrpdProcess.Path, ["-n", "-l", "-D", "--vrrp", "-f", file, "-p", Path.Combine(lab.Directory, "vrrpd.pid")]));
        BackgroundProcess? keepalived = null;
        try
        {
            // vrrpd first, so that keepalived (lower priority) only ever follows it until the process dies.
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            keepalived = lab.StartKeepalived(r2, KeepalivedConfig);
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            Assert.True(WaitFor(() => r1.Addresses("vrrp.52").Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), r1.Exec("ip", "addr"));
            Assert.True(WaitFor(() => HasRoute(r1), TimeSpan.FromSeconds(2)), r1.Exec("ip", "route"));
            Assert.Contains($"elements = {{ {Vip} }}", r1.Exec("nft", "list", "table", "inet", "vrrp"));

            // no_accept: the VIP does not answer while the master's own address does, and VRRP goes on.
            Assert.False(Ping(client, Vip), "ping to a no_accept master's VIP");
            Assert.True(Ping(client, "192.0.2.11"), "the master's own address answers");
            Thread.Sleep(1000);
            Assert.DoesNotContain("Entering MASTER STATE", keepalived.Output, StringComparison.Ordinal);

            // The tracked process dies: Fault after its delay; keepalived takes over (and answers, it accepts).
            var killed = Stopwatch.StartNew();
            app.Kill();
            Assert.True(app.WaitForExit(5000));
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering FAULT STATE", TimeSpan.FromSeconds(5)), vrrpd.Output);
            var fault = killed.Elapsed;
            Assert.True(keepalived.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)), keepalived.Output);
            TestContext.Current.TestOutputHelper?.WriteLine($"Fault {fault.TotalMilliseconds:0} ms after the kill (delay 200 ms); keepalived master {killed.Elapsed.TotalMilliseconds:0} ms after it");
            Assert.True(WaitFor(() => !HasRoute(r1), TimeSpan.FromSeconds(2)), r1.Exec("ip", "route"));
            Assert.True(WaitFor(() => Ping(client, Vip), TimeSpan.FromSeconds(3)), "ping to keepalived's VIP");

            // It comes back: vrrpd leaves Fault and preempts keepalived; the route is back.
            app = StartProcess();
            Assert.True(WaitFor(() => Count(vrrpd.Output, "(VI_1) Entering MASTER STATE") >= 2, TimeSpan.FromSeconds(5)), vrrpd.Output);
            Assert.True(WaitFor(() => HasRoute(r1), TimeSpan.FromSeconds(2)), r1.Exec("ip", "route"));

            // Stop: nothing of vrrpd's is left.
            vrrpd.Signal("TERM");
            Assert.Equal(0, vrrpd.ExitCode);
            Assert.DoesNotContain("vrrp.52", r1.Exec("ip", "link", "show"), StringComparison.Ordinal);
            Assert.False(HasRoute(r1), r1.Exec("ip", "route"));
            Assert.False(r1.TryExec(out _, "nft", "list", "table", "inet", "vrrp"), "the nf_tables table is gone");
            Assert.DoesNotContain(Vip, r1.Exec("ip", "addr", "show"), StringComparison.Ordinal);
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
            TestContext.Current.TestOutputHelper?.WriteLine(keepalived?.Output ?? "");
        }
    }

    private static bool RunsClean(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit(20_000);
        return process.ExitCode == 0;
    }

    private static bool HasRoute(LabHost host) => host.Exec("ip", "route", "show", Route).Contains("via 192.0.2.1", StringComparison.Ordinal);

    private static bool Ping(LabHost client, string address) => client.TryExec(out _, "ping", "-n", "-c", "1", "-W", "1", address);

    // A copy of sleep under a name of this run, so that only the test's process matches.
    private Process StartProcess()
    {
        string path = Path.Combine(_directory, _process);
        if (!File.Exists(path))
        {
            File.Copy("/bin/sleep", path);
        }

        var process = Process.Start(new ProcessStartInfo(path, "600") { UseShellExecute = false }) ?? throw new InvalidOperationException("cannot start " + path);
        _started.Add(process);
        return process;
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

    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
