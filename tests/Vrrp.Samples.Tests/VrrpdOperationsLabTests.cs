using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>vrrpd run as keepalived is operated (issue 14): systemd notify, keepalived's flags in a namespace, the dumps.</summary>
public class VrrpdOperationsLabTests
{
    private const string Vip = "192.0.2.140";

    [Fact]
    public async Task Systemd_notifications_reach_a_test_owned_NOTIFY_SOCKET_ready_reloading_stopping_and_the_watchdog()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        string config = lab.WriteFile("k.conf", Config(150));
        string path = Path.Combine(lab.Directory, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        var messages = new List<(long Received, string Text)>();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (true)
            {
                int n;
                try
                {
                    n = await socket.ReceiveAsync(buffer, SocketFlags.None, CancellationToken.None);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                lock (messages)
                {
                    messages.Add((Monotonic(), Encoding.UTF8.GetString(buffer, 0, n)));
                }
            }
        }, CancellationToken.None);
        var vrrpd = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, "env", $"NOTIFY_SOCKET={path}", "WATCHDOG_USEC=400000", VrrpdProcess.Path, "-f", config]));
        long hupAt;
        try
        {
            Assert.True(await WaitForAsync(messages, m => m.StartsWith("READY=1", StringComparison.Ordinal), 10), vrrpd.Output);
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.True(await WaitForAsync(messages, m => m == "STATUS=VI_1 MASTER", 5), Dump(messages));

            hupAt = Monotonic();
            vrrpd.Signal("HUP", waitForExit: false);
            Assert.True(await WaitForAsync(messages, m => m.StartsWith("RELOADING=1", StringComparison.Ordinal), 5), Dump(messages));
            Assert.True(await WaitForAsync(messages, m => m.StartsWith("READY=1", StringComparison.Ordinal), 5, after: hupAt), Dump(messages));
            await Task.Delay(500, TestContext.Current.CancellationToken);
            vrrpd.Signal("TERM");
            Assert.True(await WaitForAsync(messages, m => m.StartsWith("STOPPING=1", StringComparison.Ordinal), 5), Dump(messages));
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
            socket.Dispose();
            await receiving;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(Dump(messages));
        Assert.Equal(0, vrrpd.ExitCode);
        var texts = messages.Select(m => m.Text).ToList();

        // In order: READY, RELOADING (with the reload's time on CLOCK_MONOTONIC), READY, STOPPING.
        int ready = texts.FindIndex(t => t.StartsWith("READY=1", StringComparison.Ordinal));
        int reloading = texts.FindIndex(t => t.StartsWith("RELOADING=1", StringComparison.Ordinal));
        int readyAgain = texts.FindIndex(reloading + 1, t => t.StartsWith("READY=1", StringComparison.Ordinal));
        int stopping = texts.FindIndex(t => t.StartsWith("STOPPING=1", StringComparison.Ordinal));
        Assert.True(ready < reloading && reloading < readyAgain && readyAgain < stopping, Dump(messages));
        string usec = texts[reloading].Split('\n').Single(l => l.StartsWith("MONOTONIC_USEC=", StringComparison.Ordinal))["MONOTONIC_USEC=".Length..];
        long monotonic = long.Parse(usec, CultureInfo.InvariantCulture);
        Assert.InRange(monotonic, hupAt, messages[reloading].Received); // between our kill and its arrival, same clock
        Assert.Contains("STATUS=", texts[ready], StringComparison.Ordinal);

        // WatchdogSec=0.4 s: keep-alives every 0.2 s while running (their timing on a machine shared with other lab tests
        // is printed, not asserted).
        var watchdog = messages.Where(m => m.Text == "WATCHDOG=1").Select(m => m.Received).ToList();
        Assert.True(watchdog.Count >= 5, Dump(messages));
        var gaps = watchdog.Zip(watchdog.Skip(1), (a, b) => b - a).Order().ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{watchdog.Count} keep-alives, median gap {gaps[gaps.Count / 2] / 1000} ms, largest {gaps[^1] / 1000} ms");
        Assert.InRange(gaps[gaps.Count / 2], 150_000, 300_000);
    }

    [Fact]
    public async Task Dash_s_runs_vrrpd_in_the_named_namespace_from_outside_it()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        string config = lab.WriteFile("k.conf", Config(150));

        // Started in the root namespace, with keepalived's -s: the instance, its sockets and its VIP are in r1's.
        var vrrpd = lab.Track(new BackgroundProcess(VrrpdProcess.Path, ["-s", r1.Namespace, "-f", config, "-R"]));
        try
        {
            Assert.True(vrrpd.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd.Output);
            Assert.True(await HoldsVipAsync(r1), r1.Addresses());
            Assert.DoesNotContain(Vip, LabProcess.Ip("-br", "addr"), StringComparison.Ordinal);
            // The process itself (the same pid: it executed itself again inside) is in r1's namespace.
            Assert.Equal(r1.Exec("readlink", "/proc/self/ns/net").Trim(), new FileInfo($"/proc/{vrrpd.Id}/ns/net").LinkTarget);
            vrrpd.Signal("TERM");
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd.Output);
        }

        Assert.Equal(0, vrrpd.ExitCode);
        Assert.DoesNotContain(Vip, r1.Addresses(), StringComparison.Ordinal);

        // A namespace that does not exist: a clear error, status 1.
        var (code, output) = await VrrpdProcess.RunAsync("-s", lab.Prefix + "-nowhere", "-f", config);
        Assert.Equal(1, code);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dash_V_keeps_the_VIP_on_stop_without_priority_0_and_dash_X_releases_what_a_previous_run_left()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        string config = lab.WriteFile("k.conf", Config(150));
        var capture = lab.StartCapture("dontrelease", "ip proto 112");
        var kept = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-V", "-f", config]));
        Assert.True(kept.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), kept.Output);
        Assert.True(await HoldsVipAsync(r1), r1.Addresses());
        kept.Signal("TERM");
        TestContext.Current.TestOutputHelper?.WriteLine(kept.Output);
        Assert.Equal(0, kept.ExitCode);
        Assert.Contains("without releasing", kept.Output, StringComparison.Ordinal);
        Assert.Contains(Vip + "/32", r1.Addresses(), StringComparison.Ordinal); // -V: still there
        capture.Stop();
        Assert.DoesNotContain(capture.Fields("vrrp", "vrrp.prio"), f => f[0] == "0");

        // The next run with -X finds the VIP a previous run left and removes it before it elects (then, master
        // again, puts it back).
        var next = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-X", "-f", config]));
        Assert.True(next.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(10)), next.Output);
        Assert.Contains($"(VI_1) removing leftover VIP {Vip} from eth0", next.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Vip, r1.Addresses(), StringComparison.Ordinal);
        Assert.True(next.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), next.Output);
        next.Signal("TERM");
        TestContext.Current.TestOutputHelper?.WriteLine(next.Output);
        Assert.Equal(0, next.ExitCode);
        Assert.DoesNotContain(Vip, r1.Addresses(), StringComparison.Ordinal);
    }

    private static long Monotonic() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    private static async Task<bool> WaitForAsync(List<(long Received, string Text)> messages, Func<string, bool> match, int seconds, long after = 0)
    {
        for (int i = 0; i < seconds * 50; i++)
        {
            lock (messages)
            {
                if (messages.Any(m => m.Received > after && match(m.Text)))
                {
                    return true;
                }
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }

    private static string Dump(List<(long Received, string Text)> messages)
    {
        lock (messages)
        {
            return string.Join(" | ", messages.Select(m => m.Text.Replace("\n", "\\n", StringComparison.Ordinal)));
        }
    }

    private static async Task<bool> HoldsVipAsync(LabHost host)
    {
        for (int i = 0; i < 100; i++)
        {
            if (host.Addresses().Contains(Vip + "/32", StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }

    private static string Config(int priority) => $$"""
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 77
            priority {{priority}}
            advert_int 1
            virtual_ipaddress {
                {{Vip}}
            }
        }
        """;
}
