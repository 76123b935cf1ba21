using System.Diagnostics;
using Vrrp.Configuration.Keepalived;
using Vrrp.Hosting;

namespace Vrrp.Tests.Configuration;

/// <summary>
/// keepalived 2.2.7 itself (<c>keepalived -t</c>, its configuration check) as the oracle: what the writer produces is a
/// configuration keepalived accepts without a single complaint. Runs in a network namespace created for the test (the
/// instances need their interfaces to exist); skips when not root or when ip/keepalived are missing.
/// </summary>
public sealed class KeepalivedOracleTests : IDisposable
{
    private readonly string _prefix = $"kc{Random.Shared.Next(0x10000):x4}";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"vrrp-kconf-oracle-{Guid.NewGuid():N}");
    private bool _namespaceCreated;

    public KeepalivedOracleTests() => Directory.CreateDirectory(_folder);

    private string Namespace => $"{_prefix}-ns";

    public void Dispose()
    {
        if (_namespaceCreated)
        {
            Run("ip", ["netns", "del", Namespace], out _);
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Keepalived_accepts_the_seed_written_back()
    {
        RequireLab();
        CreateNamespace(["ens160"]);
        var options = KeepalivedConfigReader.ReadText(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Configuration", "Seed", "keepalived-master.conf"))).GetOptionsOrThrow();
        AssertKeepalivedAccepts(KeepalivedConfigWriter.Write(options));
    }

    [Fact]
    public void Keepalived_accepts_a_large_generated_configuration()
    {
        RequireLab();
        string[] interfaces = ["eth0", "eth1", "eth2", "eth3"];
        CreateNamespace(interfaces);
        int seed = Environment.GetEnvironmentVariable("VRRP_TEST_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}");
        var options = new ConfigGenerator(seed).Generate(instanceCount: 60);
        MakeRunnable(options, interfaces);
        AssertKeepalivedAccepts(KeepalivedConfigWriter.Write(options), $"seed {seed}");
    }

    /// <summary>
    /// Turns generated options into ones a real host could run: existing interfaces, programs and users, no strict
    /// mode (its extra rules are keepalived policy, not syntax), no per-instance namespace (a Vrrp extension).
    /// </summary>
    private void MakeRunnable(VrrpOptions options, string[] interfaces)
    {
        options.NetworkNamespace = null;
        string trackFile = Path.Combine(_folder, "track");
        File.WriteAllText(trackFile, "0\n");
        foreach (var script in options.Scripts)
        {
            script.Command = "/bin/true";
            script.User = "root";
        }

        foreach (var file in options.TrackFiles)
        {
            file.Path = trackFile;
        }

        foreach (var (instance, index) in options.Instances.Select(static (x, i) => (x, i)))
        {
            instance.Interface = interfaces[index % interfaces.Length];
            instance.NetworkNamespace = null;
            instance.StrictMode = false;
            if (instance.UnicastPeers.Count > 0 || instance.CheckUnicastSource)
            {
                instance.UseVirtualMac = false; // keepalived: unicast (check_unicast_src counts) with use_vmac needs vmac_xmit_base
                instance.VirtualMacInterface = null;
            }

            instance.TrackInterfaces = instance.TrackInterfaces.Take(1).Select(t => new TrackInterfaceOptions
            {
                Interface = interfaces[(index + 1) % interfaces.Length],
                Weight = t.Weight,
            }).ToList();
            instance.NotifyMaster = Runnable(instance.NotifyMaster);
            instance.NotifyBackup = Runnable(instance.NotifyBackup);
            instance.NotifyFault = Runnable(instance.NotifyFault);
            instance.NotifyStop = Runnable(instance.NotifyStop);
            instance.Notify = Runnable(instance.Notify);
        }

        foreach (var group in options.SyncGroups)
        {
            group.NotifyMaster = Runnable(group.NotifyMaster);
            group.NotifyBackup = Runnable(group.NotifyBackup);
            group.NotifyFault = Runnable(group.NotifyFault);
            group.Notify = Runnable(group.Notify);
        }

        static string? Runnable(string? commandLine) =>
            commandLine is null ? null : KeepalivedCommandLine.Join(["/bin/true", .. KeepalivedCommandLine.Split(commandLine).Skip(1)]);
    }

    private void AssertKeepalivedAccepts(string config, string context = "")
    {
        string path = Path.Combine(_folder, "keepalived.conf");
        // keepalived refuses to run scripts unless their security is switched on (a policy, not syntax): switch it on
        // with root as the default user so the check looks at the configuration alone.
        config = "global_defs {\n    enable_script_security\n    script_user root\n}\n" + config;
        File.WriteAllText(path, config);
        if (Environment.GetEnvironmentVariable("VRRP_ORACLE_DUMP") is { Length: > 0 } dump)
        {
            File.WriteAllText(dump, config);
        }
        int exit = Run("ip", ["netns", "exec", Namespace, "keepalived", "-t", "-l", "-n", "-f", path], out string output);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        if (exit != 0 || output.Trim().Length != 0)
        {
            // Quote the lines keepalived complains about, so a failure explains itself.
            string[] lines = config.Split('\n');
            var quoted = System.Text.RegularExpressions.Regex.Matches(output, @"Line (\d+)\)")
                .Select(static m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
                .Distinct()
                .Where(n => n >= 1 && n <= lines.Length)
                .Select(n => $"{n}: {lines[n - 1]}{(lines[n - 1].Trim() == "}" ? "\n" + Block(lines, n) : "")}");
            Assert.Fail($"{context} keepalived -t exit {exit}:\n{output}\nlines:\n{string.Join("\n", quoted)}");
        }
    }

    /// <summary>The top-level block that ends at line <paramref name="end"/> (1-based).</summary>
    private static string Block(string[] lines, int end)
    {
        int start = end - 1;
        while (start > 0 && (lines[start].StartsWith(' ') || lines[start].Trim() == "}"))
        {
            start--;
        }

        return string.Join("\n", lines[start..end]);
    }

    private static void RequireLab()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Skip("needs root on Linux to create a network namespace");
        }

        foreach (string tool in new[] { "/usr/sbin/keepalived", "/usr/sbin/ip", "/usr/bin/ip", "/sbin/ip" })
        {
            if (tool.EndsWith("keepalived", StringComparison.Ordinal) && !File.Exists(tool))
            {
                Assert.Skip("keepalived is not installed (apt-get install keepalived)");
            }
        }

        if (!new[] { "/usr/sbin/ip", "/usr/bin/ip", "/sbin/ip", "/bin/ip" }.Any(File.Exists))
        {
            Assert.Skip("iproute2 (ip) is not installed");
        }
    }

    private void CreateNamespace(string[] interfaces)
    {
        Check(Run("ip", ["netns", "add", Namespace], out string output), output);
        _namespaceCreated = true;
        for (int i = 0; i < interfaces.Length; i++)
        {
            // Both ends stay inside the namespace: nothing touches the root namespace's interfaces.
            Check(Run("ip", ["-n", Namespace, "link", "add", interfaces[i], "type", "veth", "peer", "name", $"{_prefix}p{i}"], out output), output);
            Check(Run("ip", ["-n", Namespace, "link", "set", interfaces[i], "up"], out output), output);
        }

        static void Check(int exit, string output) => Assert.True(exit == 0, output);
    }

    private static int Run(string program, string[] arguments, out string output)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(20_000))
        {
            process.Kill(entireProcessTree: true);
            output = "timed out";
            return -1;
        }

        output = stdout.Result + stderr.Result;
        return process.ExitCode;
    }
}
