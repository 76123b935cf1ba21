using System.Globalization;
using System.Text.RegularExpressions;

namespace Vrrp.Keepalived.Tests;

// The daemon-level global_defs keywords (umask, ...): keepalived -t refuses the lines the reader refuses, and
// keepalived -d's global dump shows what the reader read.
public sealed partial class KeepalivedOracleTests
{
    private const string DaemonInstance = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            virtual_ipaddress {
                10.0.0.1/24
            }
        }

        """;

    [Fact]
    public void Keepalived_reads_umask_lines_as_the_reader_does()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        var lines = DaemonKeywordTests.GoodUmasks.Select(static g => (g.Line, (int?)g.Mask))
            .Concat(DaemonKeywordTests.BadUmasks.Select(static b => (b, (int?)null)))
            .Append(("", (int?)null));
        foreach (var (line, mask) in lines)
        {
            string path = Path.Combine(_folder, "umask.conf");
            File.WriteAllText(path, $"global_defs {{\n    {line}\n}}\n{DaemonInstance}");
            var read = KeepalivedConfigReader.Read(path);
            int exit = Run("ip", ["netns", "exec", Namespace, "keepalived", "-t", "-l", "-n", "-f", path], out string check);
            bool keepalivedRefuses = exit != 0 || check.Contains("Line 2)", StringComparison.Ordinal);
            Assert.True(keepalivedRefuses == read.HasErrors, $"'{line}': keepalived -t exit {exit} ({check.Trim()}); reader: {string.Join("; ", read.Diagnostics)}");
            Assert.Equal(mask, read.Options.Process.Umask);

            // What keepalived runs with: its default 0177 when the line is missing or refused.
            string dumped = Regex.Match(DumpConfiguration(path), @" umask = (\S+)").Groups[1].Value;
            string expected = "0" + Convert.ToString(mask ?? Vrrp.Hosting.VrrpProcessOptions.KeepalivedDefaultUmask, 8);
            Assert.True(dumped == expected, $"'{line}': keepalived -d umask {dumped}, reader {expected}");
        }
    }

    [Fact]
    public void Keepalived_takes_and_refuses_the_startup_and_shutdown_script_lines_the_reader_does()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        var lines = DaemonKeywordTests.GoodDaemonScripts.Select(static l => (l, true)).Concat(DaemonKeywordTests.BadDaemonScripts.Select(static l => (l, false)));
        foreach (var (line, good) in lines)
        {
            // keepalived checks the scripts' security while testing: run them as root with script security on.
            string path = Path.Combine(_folder, "scripts.conf");
            File.WriteAllText(path, $"global_defs {{\n    enable_script_security\n    script_user root\n    {line}\n}}\n{DaemonInstance}");
            var read = KeepalivedConfigReader.Read(path);
            int exit = Run("ip", ["netns", "exec", Namespace, "keepalived", "-t", "-l", "-n", "-f", path], out string check);
            bool keepalivedRefuses = exit != 0 || check.Trim().Length > 0;
            Assert.True(keepalivedRefuses == read.HasErrors, $"'{line}': keepalived -t exit {exit} ({check.Trim()}); reader: {string.Join("; ", read.Diagnostics)}");
            Assert.True(good != read.HasErrors, $"'{line}': reader: {string.Join("; ", read.Diagnostics)}");
        }

        // And the writer's output of every setting.
        var options = DaemonKeywordTests.Read(string.Join("\n    ", DaemonKeywordTests.GoodDaemonScripts[1..3])).Options;
        AssertKeepalivedAccepts(KeepalivedConfigWriter.Write(options));
    }

    [Fact]
    public void Keepalived_takes_the_random_seeds_and_tmp_config_directories_the_reader_takes_and_its_seed_repeats_nothing()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        string path = Path.Combine(_folder, "seed.conf");
        foreach (var (line, good) in DaemonKeywordTests.GoodSeeds.Concat(DaemonKeywordTests.GoodTmpConfigDirectories).Select(static l => (l, true))
            .Concat(DaemonKeywordTests.BadSeeds.Concat(DaemonKeywordTests.BadTmpConfigDirectories).Select(static l => (l, false))))
        {
            File.WriteAllText(path, $"global_defs {{\n    {line}\n}}\n{DaemonInstance}");
            var read = KeepalivedConfigReader.Read(path);
            int exit = Run("ip", ["netns", "exec", Namespace, "keepalived", "-t", "-l", "-n", "-f", path], out string check);
            bool keepalivedRefuses = exit != 0 || check.Trim().Length > 0;
            Assert.True(keepalivedRefuses == !good && read.HasErrors == !good, $"'{line}': keepalived -t exit {exit} ({check.Trim()}); reader: {string.Join("; ", read.Diagnostics)}");
        }

        // keepalived 2.2.7 clears the seed when it starts reading and seeds ${_RANDOM} with the time before it reads
        // random_seed, so the same seed does not give the same values: there is nothing for vrrpd to repeat. (Runs a
        // second apart, as the time seed has whole seconds.)
        File.WriteAllText(path, $"global_defs {{\n    random_seed 42\n    router_id R${{_RANDOM 0 999999}}x${{_RANDOM 0 999999}}\n}}\n{DaemonInstance}");
        var ids = new List<string>();
        for (int run = 0; run < 2; run++)
        {
            ids.Add(Regex.Match(DumpConfiguration(path), @" Router ID = (\S+)").Groups[1].Value);
            Thread.Sleep(1100);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"keepalived's router_id with random_seed 42: {string.Join(", ", ids)}");
        Assert.All(ids, static id => Assert.StartsWith("R", id, StringComparison.Ordinal));
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public void Keepalived_dumps_the_reload_and_instance_settings_the_reader_read()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        string path = Path.Combine(_folder, "reload.conf");
        foreach (string globals in new[] { "reload_check_config\n    reload_file", $"reload_check_config {_folder}/check.log\n    reload_file {_folder}/r.reload", "", "reload_file\n    data_use_instance\n}\ninstance lab1\nglobal_defs {", $"reload_time_file {_folder}/at\n    reload_repeat", $"reload_time_file {_folder}/at", $"config_save_dir {_folder}/save/" })
        {
            File.WriteAllText(path, $"global_defs {{\n    {globals}\n}}\n{DaemonInstance}");
            var read = KeepalivedConfigReader.Read(path);
            Assert.Empty(read.Diagnostics);
            AssertKeepalivedAccepts(KeepalivedConfigWriter.Write(read.Options), globals);
            string dump = DumpConfiguration(path);
            var p = read.Options.Process;
            string check = p.ReloadCheckLog is null ? " No test config before reload" : $" Test config before reload, log to {p.ReloadCheckLog}";
            Assert.True(dump.Contains(check + "\n", StringComparison.Ordinal), $"'{globals}': keepalived's dump lacks '{check}'");
            Assert.Equal(p.ReloadFile, Regex.Match(dump, @" Reload_file = (\S+)") is { Success: true } m ? m.Groups[1].Value : null);
            Assert.Equal(p.InstanceName, Regex.Match(dump, @" Instance name = (\S+)") is { Success: true } i ? i.Groups[1].Value : null);
            Assert.Equal(p.DataUseInstance, dump.Contains(" Use instance name in data dumps", StringComparison.Ordinal));
            string? timeFile = Regex.Match(dump, @" Reload time file = (.+)\n") is { Success: true } t ? t.Groups[1].Value : null;
            Assert.Equal(p.ReloadTimeFile is null ? null : p.ReloadTimeFile + (p.ReloadRepeat ? " (repeat)" : ""), timeFile);
            Assert.Equal(p.ConfigSaveDirectory, Regex.Match(dump, @" Config save dir = (\S+)") is { Success: true } c ? c.Groups[1].Value : null);
        }
    }
}
