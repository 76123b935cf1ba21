using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// vrrpd's control socket in the lab (issue 17): <c>vrrpd ctl drain</c> moves mastership to the backup within its
/// Skew_Time, <c>resume</c> gives it back (preemption), <c>vrrpd status --json</c> shows it, <c>vrrpd ctl events</c>
/// streams it in order, and every action leaves an audit line.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public class VrrpdControlLabTests
{
    private const string Vip = "192.0.2.150";

    [Fact]
    public async Task Ctl_drain_moves_mastership_within_the_skew_time_and_resume_takes_it_back_status_and_events_show_it()
    {
        LabProcess.RequireRootAnd("ip", "tcpdump", "tshark");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        string socket1 = Path.Combine(lab.Directory, "r1.sock");
        string socket2 = Path.Combine(lab.Directory, "r2.sock");
        var capture = lab.StartCapture("ctl", "ip proto 112");
        var vrrpd1 = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("r1.conf", Config(150)), $"--control-socket={socket1}"]));
        var vrrpd2 = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r2.Namespace, VrrpdProcess.Path, "-f", lab.WriteFile("r2.conf", Config(100)), $"--control-socket={socket2}"]));
        BackgroundProcess? events = null;
        try
        {
            Assert.True(vrrpd1.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd1.Output);
            Assert.True(vrrpd2.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(10)), vrrpd2.Output);
            Assert.True(await WaitForAsync(() => r1.Addresses().Contains(Vip + "/32", StringComparison.Ordinal)), r1.Addresses());
            events = lab.Track(new BackgroundProcess(VrrpdProcess.Path, ["ctl", "events", $"--control-socket={socket1}"]));
            Assert.True(events.WaitForOutput("\"event\":\"status\"", TimeSpan.FromSeconds(5)), events.Output);

            // The status before: r1 master, holding the VIP.
            var before = await StatusAsync(socket1);
            Assert.Equal("Master", before.GetProperty("state").GetString());
            Assert.True(before.GetProperty("holdsVirtualAddresses").GetBoolean());

            // Drain r1: it sends priority 0, r2 takes over after its Skew_Time ((256 - 100) / 256 s in VRRPv2).
            var (code, output) = await VrrpdProcess.RunAsync("ctl", "drain", "VI_1", $"--control-socket={socket1}");
            Assert.True(code == 0, output);
            Assert.Equal("VI_1: drained: was MASTER priority 150; sent priority 0 and stepped down to BACKUP until resumed", output.Trim());
            Assert.True(vrrpd2.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)), vrrpd2.Output);
            Assert.True(await WaitForAsync(() => r2.Addresses().Contains(Vip + "/32", StringComparison.Ordinal)), r2.Addresses());
            Assert.DoesNotContain(Vip, r1.Addresses(), StringComparison.Ordinal);

            // Drained stays drained: r1 never takes over from the lower-priority r2 (three Master_Down_Intervals' worth).
            var drained = await StatusAsync(socket1);
            Assert.Equal("Backup", drained.GetProperty("state").GetString());
            Assert.True(drained.GetProperty("isDrained").GetBoolean());
            Assert.False(drained.GetProperty("holdsVirtualAddresses").GetBoolean());
            Assert.Equal("Drained", drained.GetProperty("lastTransitionReason").GetString());
            Assert.Equal("Master", drained.GetProperty("lastStateChange").GetProperty("previousState").GetString());
            Assert.Equal(Vip, drained.GetProperty("virtualAddresses")[0].GetProperty("address").GetString());
            var taken = await StatusAsync(socket2);
            Assert.Equal("Master", taken.GetProperty("state").GetString());
            Assert.True(taken.GetProperty("holdsVirtualAddresses").GetBoolean());
            Assert.Equal("MasterDownTimerExpired", taken.GetProperty("lastTransitionReason").GetString()); // after Skew_Time
            Assert.True(DateTimeOffset.TryParse(taken.GetProperty("lastTransition").GetString(), CultureInfo.InvariantCulture, out _));

            // The human form says the same.
            (code, output) = await VrrpdProcess.RunAsync("status", $"--control-socket={socket1}");
            Assert.True(code == 0, output);
            TestContext.Current.TestOutputHelper?.WriteLine(output);
            Assert.Matches(@"^VI_1: BACKUP \(drained\), priority 150 \(configured 150\), eth0 VRID 78 VRRPv2, master 192\.0\.2\.12\n  VIPs 192\.0\.2\.150/32: not held\n  last transition \S+: MASTER -> BACKUP \(Drained\)\n$", output.Replace("\r", "", StringComparison.Ordinal));

            // Resume: r1 (150, preempting) hears r2's 100, lets its Master_Down_Timer run out and takes over again.
            (code, output) = await VrrpdProcess.RunAsync("ctl", "resume", "VI_1", $"--control-socket={socket1}");
            Assert.True(code == 0, output);
            Assert.Equal("VI_1: resumed: BACKUP priority 150 takes part in elections again", output.Trim());
            Assert.True(WaitForCount(vrrpd1, "(VI_1) Entering MASTER STATE", 2, TimeSpan.FromSeconds(8)), vrrpd1.Output);
            Assert.True(WaitForCount(vrrpd2, "(VI_1) Entering BACKUP STATE", 2, TimeSpan.FromSeconds(5)), vrrpd2.Output);
            Assert.True(await WaitForAsync(() => r1.Addresses().Contains(Vip + "/32", StringComparison.Ordinal)), r1.Addresses());
            Assert.True(await WaitForAsync(() => !r2.Addresses().Contains(Vip, StringComparison.Ordinal)), r2.Addresses());
            Assert.True(events.WaitForOutput("\"previousState\":\"Backup\",\"state\":\"Master\"", TimeSpan.FromSeconds(3)), events.Output);

            // Refused: an unknown instance, a priority out of range; each answered and audited.
            (code, output) = await VrrpdProcess.RunAsync("ctl", "drain", "VI_9", $"--control-socket={socket1}");
            Assert.Equal(1, code);
            Assert.Equal("vrrpd: No VRRP instance 'VI_9'.", output.Trim());
            (code, output) = await VrrpdProcess.RunAsync("ctl", "priority", "VI_1", "255", $"--control-socket={socket1}");
            Assert.Equal(1, code);
            Assert.StartsWith("vrrpd: ", output, StringComparison.Ordinal);
            Assert.Contains("254", output, StringComparison.Ordinal);

            // A priority override and its reset: the status and r1's adverts on the wire carry it.
            (code, output) = await VrrpdProcess.RunAsync("ctl", "priority", "VI_1", "120", $"--control-socket={socket1}");
            Assert.True(code == 0, output);
            var overridden = await StatusAsync(socket1);
            Assert.Equal(120, overridden.GetProperty("effectivePriority").GetInt32());
            Assert.Equal(120, overridden.GetProperty("priorityOverride").GetInt32());
            Assert.Equal(150, overridden.GetProperty("configuredPriority").GetInt32());
            Assert.Equal("Master", overridden.GetProperty("state").GetString()); // 120 still outranks r2's 100
            await Task.Delay(1500, TestContext.Current.CancellationToken); // an advert at 120
            (code, output) = await VrrpdProcess.RunAsync("ctl", "priority", "VI_1", "reset", $"--control-socket={socket1}");
            Assert.True(code == 0, output);
            var reset = await StatusAsync(socket1);
            Assert.Equal(150, reset.GetProperty("effectivePriority").GetInt32());
            Assert.Equal(JsonValueKind.Null, reset.GetProperty("priorityOverride").ValueKind);

            // Root only: the socket is 0600; opened up, a connection from another user is still refused (SO_PEERCRED).
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket1));
            File.SetUnixFileMode(socket1, (UnixFileMode)0x1B6); // 0666
            string asNobody = LabProcess.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                $"import socket; s=socket.socket(socket.AF_UNIX); s.connect('{socket1}'); print(s.makefile().readline().strip())"]);
            Assert.Equal("{\"ok\":false,\"error\":\"permission denied: only root (or vrrpd's own user) may use the control socket\"}", asNobody.Trim());
            Assert.False((await StatusAsync(socket1)).GetProperty("isDrained").GetBoolean());

            // Metrics are off unless asked for: vrrpd listens on no TCP port.
            Assert.Equal("", r1.Exec("ss", "-Hltn").Trim());
        }
        finally
        {
            events?.Dispose();
            vrrpd1.Signal("TERM");
            vrrpd2.Signal("TERM");
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd1.Output);
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd2.Output);
            TestContext.Current.TestOutputHelper?.WriteLine(events?.Output ?? "");
        }

        capture.Stop();
        Assert.Equal(0, vrrpd1.ExitCode);
        Assert.False(File.Exists(socket1), "the control socket was left behind");

        // The audit lines, with who asked.
        Assert.Matches(@"WARNING: AUDIT drain VI_1 by uid 0 pid \d+ \(control socket\): drained: was MASTER priority 150", vrrpd1.Output);
        Assert.Matches(@"WARNING: AUDIT resume VI_1 by uid 0 pid \d+ \(control socket\): resumed", vrrpd1.Output);
        Assert.Matches(@"WARNING: AUDIT drain VI_9 by uid 0 pid \d+ \(control socket\) refused: No VRRP instance 'VI_9'", vrrpd1.Output);
        Assert.Matches(@"WARNING: AUDIT set priority 255 VI_1 by uid 0 pid \d+ \(control socket\) refused", vrrpd1.Output);
        Assert.Matches(@"WARNING: AUDIT set priority 120 VI_1 by uid 0 pid \d+ \(control socket\)", vrrpd1.Output);
        Assert.Matches(@"WARNING: AUDIT reset priority VI_1 by uid 0 pid \d+ \(control socket\)", vrrpd1.Output);
        Assert.Matches(@"WARNING: Control socket: refused a connection from uid 65534 pid \d+ \(control socket\): only root and vrrpd's own user may control it", vrrpd1.Output);

        // On the wire: r1's priority-0 advert, then r2's first advert as master within Skew_Time (plus scheduling).
        var adverts = capture.Fields("vrrp", "frame.time_epoch", "ip.src", "vrrp.prio");
        Assert.Contains(adverts, a => a[1] == "192.0.2.11" && a[2] == "120"); // the override went on the wire
        int zero = adverts.FindIndex(a => a[1] == "192.0.2.11" && a[2] == "0");
        Assert.True(zero >= 0, "no priority-0 advert from r1");
        int takeover = adverts.FindIndex(zero, a => a[1] == "192.0.2.12");
        Assert.True(takeover > zero, "r2 never advertised after the drain");
        double gap = Seconds(adverts[takeover][0]) - Seconds(adverts[zero][0]);
        double skew = (256 - 100) / 256.0;
        TestContext.Current.TestOutputHelper?.WriteLine($"drain: priority 0 to r2's first advert {gap:F4} s (Skew_Time {skew:F4} s)");
        Assert.InRange(gap, skew - 0.05, skew + 0.25);

        // The event stream, in order: the status, the drain, r1 stepping down (Drained), the resume, r1 master again.
        var lines = events!.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var kinds = lines.Select(Describe).Where(k => k is not null).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(" | ", kinds));
        Assert.Equal(["status Master", "control Drain", "state Master->Backup Drained", "control Resume", "state Backup->Master MasterDownTimerExpired"],
            kinds.Take(5));
        var sequences = lines.Where(l => l.TryGetProperty("event", out var e) && e.GetString() == "state")
            .Select(l => l.GetProperty("change").GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
    }

    private static string? Describe(JsonElement line)
    {
        if (!line.TryGetProperty("event", out var kind))
        {
            return null; // the ok line
        }

        return kind.GetString() switch
        {
            "status" => $"status {line.GetProperty("status").GetProperty("state").GetString()}",
            "control" => $"control {line.GetProperty("result").GetProperty("action").GetString()}",
            "state" => $"state {line.GetProperty("change").GetProperty("previousState").GetString()}->{line.GetProperty("change").GetProperty("state").GetString()} {line.GetProperty("change").GetProperty("reason").GetString()}",
            var other => other,
        };
    }

    private static async Task<JsonElement> StatusAsync(string socket)
    {
        var (code, output) = await VrrpdProcess.RunAsync("status", "--json", $"--control-socket={socket}");
        Assert.True(code == 0, output);
        using var document = JsonDocument.Parse(output);
        return Assert.Single(document.RootElement.EnumerateArray().ToList()).Clone();
    }

    private static double Seconds(string epoch) => double.Parse(epoch, CultureInfo.InvariantCulture);

    private static bool WaitForCount(BackgroundProcess process, string text, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.Output.Split(text).Length - 1 >= count)
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return false;
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 150; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }

    internal static string Config(int priority) => $$"""
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 78
            priority {{priority}}
            advert_int 1
            virtual_ipaddress {
                {{Vip}}
            }
        }
        """;
}
