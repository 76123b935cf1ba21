using Vrrp.Keepalived;
using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

public sealed partial class KeepalivedOracleTests
{
    [Fact]
    public void Keepalived_understands_the_process_settings_as_the_reader_does()
    {
        // vrrp_priority, vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_cpu_affinity, vrrp_no_swap, vrrp_process_name: written by our writer,
        // accepted by keepalived -t, and keepalived -d's global dump shows the values our reader read.
        RequireLab();
        CreateNamespace(["eth0"]);
        int seed = TestSeed.Next();
        var random = new Random(seed);
        for (int round = 0; round < 4; round++)
        {
            var options = OneInstanceOptions();
            var process = options.Process;
            process.Priority = random.Next(-20, 20);
            process.RealtimePriority = round % 2 == 0 ? random.Next(1, 100) : 0;
            process.RealtimeTimeLimitMicroseconds = random.Next(2) == 0 ? VrrpProcessOptions.DefaultRealtimeTimeLimitMicroseconds : random.Next(2, 1_000_000);
            process.LockMemory = round < 2;
            process.Name = round switch { 0 => "kv", 1 => "keepalived_vrrp", 2 => "vrrp-0123456789", _ => null };
            process.ParentName = round switch { 1 => "kparent", 3 => "keepalived-main", _ => null };
            process.CpuAffinity = round == 3 ? [] : Enumerable.Range(0, Environment.ProcessorCount).Where(_ => random.Next(2) == 0).DefaultIfEmpty(0).ToList();
            string context = $"seed {seed}, round {round}";

            string written = KeepalivedConfigWriter.Write(options);
            AssertKeepalivedAccepts(written, context);
            string path = Path.Combine(_folder, $"process{round}.conf");
            File.WriteAllText(path, written);
            var read = KeepalivedConfigReader.Read(path);
            Assert.Empty(read.Diagnostics);
            var p = read.Options.Process;
            Assert.Equal(process.Priority, p.Priority);
            Assert.Equal(process.RealtimePriority, p.RealtimePriority);
            Assert.Equal(process.RealtimeTimeLimitMicroseconds, p.RealtimeTimeLimitMicroseconds);
            Assert.Equal(process.LockMemory, p.LockMemory);
            Assert.Equal(process.Name, p.Name);
            Assert.Equal(process.ParentName, p.ParentName);
            Assert.Equal(process.CpuAffinity.Order(), p.CpuAffinity.Order());

            string dump = DumpConfiguration(path);
            string? parent = System.Text.RegularExpressions.Regex.Match(dump, @" Parent process name = (\S+)") is { Success: true } m ? m.Groups[1].Value : null;
            Assert.True(parent == p.ParentName, $"{context}: parent name: reader {p.ParentName}, keepalived {parent}");
            var lines = dump.Split('\n')
                .Select(static l => l.TrimEnd('\r') + " ") // keepalived ends the affinity line with a space after "=" (CPU 0 alone: "= ")
                .Select(static l => l.Split(" = ", 2))
                .Where(static f => f.Length == 2 && f[0].Contains("VRRP ", StringComparison.Ordinal))
                .GroupBy(static f => f[0][(f[0].IndexOf("VRRP ", StringComparison.Ordinal))..])
                .ToDictionary(static g => g.Key, static g => g.First()[1].Trim());
            Assert.True(lines.GetValueOrDefault("VRRP process priority") == Text(p.Priority), $"{context}: priority: keepalived {lines.GetValueOrDefault("VRRP process priority")}");
            Assert.True(lines.GetValueOrDefault("VRRP realtime priority") == Text(p.RealtimePriority), $"{context}: rt priority: keepalived {lines.GetValueOrDefault("VRRP realtime priority")}");
            Assert.True(lines.GetValueOrDefault("VRRP realtime limit") == Text(p.RealtimeTimeLimitMicroseconds), $"{context}: rt limit: keepalived {lines.GetValueOrDefault("VRRP realtime limit")}");
            Assert.True(lines.GetValueOrDefault("VRRP don't swap") == (p.LockMemory ? "true" : "false"), $"{context}: no swap: keepalived {lines.GetValueOrDefault("VRRP don't swap")}");
            // keepalived 2.2.7 prints the line only with a CPU set, and prints CPU 0 as nothing (its number writer
            // writes no digit for 0; the affinity itself is applied, see VrrpdProcessSettingsLabTests).
            Assert.True(lines.ContainsKey("VRRP CPU Affinity") == p.CpuAffinity.Count > 0, $"{context}: cpus: reader [{string.Join(' ', p.CpuAffinity)}], keepalived's line: {lines.ContainsKey("VRRP CPU Affinity")}");
            Assert.True(lines.GetValueOrDefault("VRRP process name") == p.Name, $"{context}: name: reader {p.Name}, keepalived {lines.GetValueOrDefault("VRRP process name")}");
            string cpus = string.Join(' ', p.CpuAffinity.Where(static c => c != 0).Order().Select(Text));
            string dumped = string.Join(' ', lines.GetValueOrDefault("VRRP CPU Affinity", "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.True(dumped == cpus, $"{context}: cpus: reader [{cpus}] (without 0), keepalived [{dumped}]");
        }

        static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Options with one runnable instance (VI_1 on eth0, VRID 9), for tests of global settings.</summary>
    private static VrrpOptions OneInstanceOptions()
    {
        var options = new VrrpOptions();
        options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", Interface = "eth0", VirtualRouterId = 9, VirtualAddresses = { "10.0.0.1/24" } });
        return options;
    }
}
