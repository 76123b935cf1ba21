using System.Text.Json;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// The SIGUSR1 / SIGUSR2 / JSON-signal dumps compared field for field with keepalived 2.2.7's own, for the same
/// configuration on the same host (issue 14, item 4): an exporter written for keepalived reads vrrpd unchanged.
/// </summary>
public class VrrpdDumpLabTests
{
    // The configuration of the vectors in Vectors/keepalived-2.2.7-dumps, plus a VRRPv2 instance with a password.
    private const string Config = """
        global_defs {
         router_id dump1
         vrrp_version 3
        }
        vrrp_instance VI_1 {
         state BACKUP
         interface eth0
         virtual_router_id 51
         priority 150
         advert_int 0.1
         virtual_ipaddress {
          10.50.0.100/24
         }
        }
        vrrp_instance VI_2 {
         state BACKUP
         interface eth0
         virtual_router_id 52
         priority 100
         advert_int 1
         nopreempt
         virtual_ipaddress {
          10.50.0.101/24
         }
        }
        vrrp_instance VI_3 {
         state BACKUP
         interface eth0
         virtual_router_id 53
         priority 120
         version 2
         advert_int 1
         authentication {
          auth_type PASS
          auth_pass secret12
         }
         virtual_ipaddress {
          10.50.0.103/24
         }
        }
        """;

    // Fields that are times or file descriptors, not state: they differ between any two runs.
    private static readonly string[] Volatile = ["Last transition", "Read timeout", "fd_in"];

    [Fact]
    public async Task Data_stats_and_json_dumps_match_keepalived_field_for_field()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "10.50.0.11/24");
        string config = lab.WriteFile("k.conf", Config);
        var keepalived = await DumpAsync(lab, r1, "keepalived", ["keepalived", "-n", "-l", "-D", "-G", "--vrrp", "-f", config,
            "-p", Path.Combine(lab.Directory, "k.pid"), "-r", Path.Combine(lab.Directory, "k.vrrp.pid"), "-c", Path.Combine(lab.Directory, "k.chk.pid")],
            Path.Combine(lab.Directory, "k.pid"));
        var vrrpd = await DumpAsync(lab, r1, "vrrpd", [VrrpdProcess.Path, "-f", config, "-p", Path.Combine(lab.Directory, "v.pid")], Path.Combine(lab.Directory, "v.pid"));

        // keepalived.data: the VRRP topology, line for line but the times and descriptors.
        var expected = Topology(keepalived.Data);
        var actual = Topology(vrrpd.Data);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', expected) + "\n----\n" + string.Join('\n', actual));
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }

        // vrrpd's global lines are keepalived's.
        foreach (string line in Section(vrrpd.Data, "Global definitions"))
        {
            Assert.Contains(line, Section(keepalived.Data, "Global definitions"));
        }

        // keepalived.stats: the same lines; the advert counts differ by the time each ran.
        var expectedStats = keepalived.Stats.Split('\n');
        var actualStats = vrrpd.Stats.Split('\n');
        Assert.Equal(expectedStats.Length, actualStats.Length);
        for (int i = 0; i < expectedStats.Length; i++)
        {
            bool advertCount = i > 0 && expectedStats[i - 1].Trim() == "Advertisements:" || i > 1 && expectedStats[i - 2].Trim() == "Advertisements:";
            Assert.Equal(advertCount ? Key(expectedStats[i]) : expectedStats[i], advertCount ? Key(actualStats[i]) : actualStats[i]);
        }

        // keepalived.json: the same keys in the same order, the same values but the transition time and advert count.
        using var expectedJson = JsonDocument.Parse(keepalived.Json);
        using var actualJson = JsonDocument.Parse(vrrpd.Json);
        Assert.Equal(expectedJson.RootElement.GetArrayLength(), actualJson.RootElement.GetArrayLength());
        foreach (var (e, a) in expectedJson.RootElement.EnumerateArray().Zip(actualJson.RootElement.EnumerateArray()))
        {
            foreach (string part in new[] { "data", "stats" })
            {
                var eProps = e.GetProperty(part).EnumerateObject().ToList();
                var aProps = a.GetProperty(part).EnumerateObject().ToList();
                Assert.Equal(eProps.Select(p => p.Name), aProps.Select(p => p.Name));
                foreach (var (ep, ap) in eProps.Zip(aProps))
                {
                    if (ep.Name is not ("last_transition" or "advert_sent" or "advert_rcvd"))
                    {
                        Assert.True(ep.Value.GetRawText().Replace("\\/", "/", StringComparison.Ordinal) == ap.Value.GetRawText(), $"{part}.{ep.Name}: keepalived {ep.Value.GetRawText()}, vrrpd {ap.Value.GetRawText()}");
                    }
                }
            }
        }

        // Mode 0600, as keepalived writes them.
        foreach (string file in vrrpd.Files)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(file));
        }
    }

    private static async Task<(string Data, string Stats, string Json, string[] Files)> DumpAsync(NetworkLab lab, LabHost host, string name, string[] command, string pidFile)
    {
        string tmp = Path.Combine(lab.Directory, name + "-tmp");
        Directory.CreateDirectory(tmp);
        var process = lab.Track(new BackgroundProcess("ip", ["netns", "exec", host.Namespace, "env", $"TMPDIR={tmp}", .. command]));
        try
        {
            // Every instance master (no peer): the v2 one and the 1 s one after 3 s and their skew.
            Assert.True(process.WaitForOutput("(VI_2) Entering MASTER STATE", TimeSpan.FromSeconds(15)), process.Output);
            Assert.True(process.WaitForOutput("(VI_3) Entering MASTER STATE", TimeSpan.FromSeconds(5)), process.Output);
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            string pid = File.ReadAllText(pidFile).Trim();
            string json = (await SampleProcess.RunAsync("keepalived", ["--signum=JSON"], TimeSpan.FromSeconds(10))).Output.Trim();
            foreach (string signal in new[] { "USR1", "USR2", json })
            {
                LabProcess.Run("kill", ["-" + signal, pid]);
            }

            string[] files = [Path.Combine(tmp, "keepalived.data"), Path.Combine(tmp, "keepalived.stats"), Path.Combine(tmp, "keepalived.json")];
            for (int i = 0; i < 100 && !files.All(f => File.Exists(f) && new FileInfo(f).Length > 0); i++)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
            process.Signal("TERM");
            return (File.ReadAllText(files[0]), File.ReadAllText(files[1]), File.ReadAllText(files[2]), files);
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(process.Output);
        }
    }

    private static List<string> Topology(string data) =>
        [.. Section(data, "VRRP Topology").Select(l => Volatile.FirstOrDefault(v => l.TrimStart().StartsWith(v, StringComparison.Ordinal)) ?? l)];

    private static List<string> Section(string data, string title)
    {
        var lines = data.Split('\n');
        int start = Array.FindIndex(lines, l => l == $"------< {title} >------");
        Assert.True(start >= 0, $"no section {title}");
        return [.. lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("------<", StringComparison.Ordinal) && l.Length > 0)];
    }

    private static string Key(string line)
    {
        int at = line.IndexOfAny(['=', ':']);
        return at < 0 ? line : line[..at];
    }
}
