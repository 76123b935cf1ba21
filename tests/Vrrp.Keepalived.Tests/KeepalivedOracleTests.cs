using System.Diagnostics;
using Vrrp.Keepalived;
using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// keepalived 2.2.7 itself (<c>keepalived -t</c>, its configuration check) as the oracle: what the writer produces is a
/// configuration keepalived accepts without a single complaint. Runs in a network namespace created for the test (the
/// instances need their interfaces to exist); skips when not root or when ip/keepalived are missing.
/// </summary>
public sealed partial class KeepalivedOracleTests : IDisposable
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
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seed", "keepalived-master.conf"))).GetOptionsOrThrow();
        AssertKeepalivedAccepts(KeepalivedConfigWriter.Write(options));
    }

    [Fact]
    public void Keepalived_accepts_a_large_generated_configuration()
    {
        RequireLab();
        string[] interfaces = ["eth0", "eth1", "eth2", "eth3"];
        CreateNamespace(interfaces);
        int seed = TestSeed.Next();
        var options = new ConfigGenerator(seed).Generate(instanceCount: 60);
        MakeRunnable(options, interfaces);
        AssertKeepalivedAccepts(KeepalivedConfigWriter.Write(options), $"seed {seed}");
    }

    [Fact]
    public void Keepalived_understands_each_value_as_the_reader_does()
    {
        // Differential: keepalived -d dumps what it understood; every instance and script must match what our reader
        // made of the same file (priorities, timers, GARP settings, VIPs, peers, tracked scripts, script words...).
        RequireLab();
        string[] interfaces = ["eth0", "eth1", "eth2", "eth3"];
        CreateNamespace(interfaces);
        int seed = TestSeed.Next();
        var generated = new ConfigGenerator(seed).Generate(instanceCount: 30);
        MakeRunnable(generated, interfaces);
        string config = "global_defs {\n    enable_script_security\n    script_user root\n}\n" + KeepalivedConfigWriter.Write(generated);
        string path = Path.Combine(_folder, "dump.conf");
        File.WriteAllText(path, config);

        var read = KeepalivedConfigReader.Read(path);
        Assert.Empty(read.Diagnostics);
        var dump = KeepalivedDump.Parse(DumpConfiguration(path));

        foreach (var o in read.Options.Instances)
        {
            string context = $"seed {seed}, instance {o.Name}";
            Assert.True(dump.Instances.TryGetValue(o.Name, out var k), $"{context}: not in keepalived's dump");
            var expected = new Dictionary<string, string>
            {
                ["VRRP Version"] = o.Version == Vrrp.VrrpVersion.V2 ? "2" : "3",
                ["Interface"] = o.UseVirtualMac
                    ? $"{o.VirtualMacInterface ?? $"{read.Options.VirtualMacPrefix ?? "vrrp"}.{o.VirtualRouterId}"}, vmac on {o.Interface}{(o.VirtualMacTransmitOnBase ? ", xmit base i/f" : "")}"
                    : o.UseIpvlan ? $"{o.IpvlanInterface ?? $"{read.Options.VirtualMacPrefix ?? "vrrp"}.{o.VirtualRouterId}"}, ipvlan on {o.Interface}"
                    : o.Interface,
                ["Virtual Router ID"] = o.VirtualRouterId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Priority"] = o.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Advert interval"] = o.Version == Vrrp.VrrpVersion.V2
                    ? KeepalivedDump.Interval(o.AdvertisementInterval)
                    : $"{o.AdvertisementInterval.Ticks / TimeSpan.TicksPerMillisecond} milli-sec", // VRRPv3: always milliseconds
                ["Preempt"] = o.NoPreempt ? "disabled" : "enabled",
                ["Gratuitous ARP delay"] = Seconds(o.GarpMasterDelay),
                ["Gratuitous ARP repeat"] = Number(o.GarpMasterRepeat),
                ["Gratuitous ARP refresh"] = Seconds(o.GarpMasterRefresh),
                ["Gratuitous ARP refresh repeat"] = Number(o.GarpMasterRefreshRepeat),
                ["Gratuitous ARP lower priority delay"] = Seconds(o.GarpLowerPriorityDelay),
                ["Gratuitous ARP lower priority repeat"] = Number(o.GarpLowerPriorityRepeat),
                ["Authentication type"] = o.AuthenticationType switch
                {
                    Vrrp.Packets.AuthenticationType.SimplePassword => "SIMPLE_PASSWORD",
                    Vrrp.Packets.AuthenticationType.IPAuthenticationHeader => "IPSEC_AH",
                    _ => "none",
                },
            };
            if (o.Version != Vrrp.VrrpVersion.V2)
            {
                expected.Remove("Authentication type"); // keepalived prints it for VRRPv2 only
            }

            // use_vmac_addr: keepalived's "Use VMAC for VIPs on other interfaces" line.
            Assert.True(
                o.UseVirtualMacForAddresses == k.Fields.ContainsKey(KeepalivedDump.VirtualMacForAddresses),
                $"{context}: use_vmac_addr: reader {o.UseVirtualMacForAddresses}, keepalived {k.Fields.ContainsKey(KeepalivedDump.VirtualMacForAddresses)}");

            // use_ipvlan: the name, the address and the mode keepalived understood.
            if (o.UseIpvlan && !o.UseVirtualMacForAddresses)
            {
                Assert.True(k.Fields.TryGetValue(KeepalivedDump.Ipvlan, out string? ipvlan), $"{context}: keepalived's dump has no '{KeepalivedDump.Ipvlan}' line");
                string mode = o.IpvlanMode.ToString().ToLowerInvariant();
                Assert.True(ipvlan.StartsWith($"i/f {o.IpvlanInterface ?? $"{read.Options.VirtualMacPrefix ?? "vrrp"}.{o.VirtualRouterId}"}, ", StringComparison.Ordinal) && ipvlan.EndsWith($", type {mode}", StringComparison.Ordinal), $"{context}: use_ipvlan: keepalived '{ipvlan}'");
                string? address = o.IpvlanAddress is null ? null : VirtualAddressSpec.Parse(o.IpvlanAddress).Address.Address.ToString();
                Assert.True(address is null ? !ipvlan.Contains("i/f address", StringComparison.Ordinal) : ipvlan.Contains($"i/f address = {address}", StringComparison.Ordinal), $"{context}: use_ipvlan address {address}: keepalived '{ipvlan}'");
            }

            foreach (var (field, value) in expected)
            {
                Assert.True(k.Fields.TryGetValue(field, out string? actual), $"{context}: keepalived's dump has no '{field}'");
                Assert.True(value == actual, $"{context}: {field}: reader {value}, keepalived {actual}");
            }

            var addresses = o.VirtualAddresses.Select(static a => VirtualAddressSpec.Parse(a).Address.ToString()).ToList();
            // (with use_vmac_addr the dump names the virtual-MAC interfaces keepalived made for the addresses: see AddressVirtualMacTests)
            Assert.True(addresses.SequenceEqual(k.VirtualAddresses), $"{context}: VIPs: reader [{string.Join(", ", addresses)}], keepalived [{string.Join(", ", k.VirtualAddresses)}]");
            Assert.True(o.UnicastPeers.Order().SequenceEqual(k.UnicastPeers.Order()), $"{context}: peers: reader [{string.Join(", ", o.UnicastPeers)}], keepalived [{string.Join(", ", k.UnicastPeers)}]");
            var scripts = o.TrackScripts.Select(t =>
            {
                var script = read.Options.Scripts.First(x => x.Name == t.Name);
                return $"{t.Name} weight {t.Weight ?? script.Weight}{(t.Reverse ?? script.Reverse ? " reverse" : "")}";
            });
            Assert.True(scripts.Order().SequenceEqual(k.TrackedScripts.Order()), $"{context}: tracked scripts: reader [{string.Join(", ", scripts)}], keepalived [{string.Join(", ", k.TrackedScripts)}]");
            AssertCommand(context, "Master state transition script", o.NotifyMaster, k);
            AssertCommand(context, "Backup state transition script", o.NotifyBackup, k);
            AssertCommand(context, "Fault state transition script", o.NotifyFault, k);
            AssertCommand(context, "Stop state transition script", o.NotifyStop, k);
            AssertCommand(context, "Generic state transition script", o.Notify, k);
            AssertCommand(context, "Master rx lower pri state transition script", o.NotifyMasterRxLowerPriority, k);
            AssertCommand(context, "Deleted state transition script", o.NotifyDeleted, k);
            Assert.Equal(o.ReportDeleted ? "Deleted" : "Fault", k.Fields["Notify deleted"]);
            Assert.Equal(o.NotifyPriorityChanges == true ? "true" : "false", k.Fields["Notify priority changes"]);
            Assert.Equal(o.PromoteSecondaries && !o.UseVirtualMac && !o.UseIpvlan ? "enabled" : "disabled", k.Fields["Promote_secondaries"]);
            AssertKeepalivedOptions(context, o, read.Options, k);
        }

        // garp_group: keepalived's dump lists the file's groups in order, then (when a global gap is set) one group
        // per other interface its instances use, with the global gaps: the groups' gaps win on their interfaces.
        var groups = read.Options.GarpGroups.Select(static g =>
            $"garp {(g.GarpInterval is { } a ? Gap(a) : "-")} gna {(g.GnaInterval is { } n ? Gap(n) : "-")} on {string.Join(' ', g.Interfaces)}").ToList();
        var grouped = read.Options.GarpGroups.SelectMany(static g => g.Interfaces).ToHashSet();
        var dumped = dump.GarpGroups.Select(static g => g.Text).ToList();
        Assert.True(groups.SequenceEqual(dumped.Take(groups.Count)), $"seed {seed}: garp groups: reader [{string.Join("; ", groups)}], keepalived [{string.Join("; ", dumped)}]");
        string global = $"garp {(read.Options.GarpInterval > TimeSpan.Zero ? Gap(read.Options.GarpInterval) : "-")} gna {(read.Options.GnaInterval > TimeSpan.Zero ? Gap(read.Options.GnaInterval) : "-")}";
        foreach (var rest in dump.GarpGroups.Skip(groups.Count))
        {
            Assert.True(rest.Interfaces.Count == 1 && !grouped.Contains(rest.Interfaces[0]), $"seed {seed}: keepalived's default group {rest.Text} is on a grouped interface");
            Assert.Equal($"{global} on {rest.Interfaces[0]}", rest.Text);
        }

        foreach (var process in read.Options.TrackProcesses)
        {
            string context = $"seed {seed}, track process {process.Name}";
            Assert.True(dump.TrackProcesses.TryGetValue(process.Name, out var k), $"{context}: not in keepalived's dump");
            Assert.Equal(process.Process, k.Fields["Process"].Split(' ')[0]);
            Assert.Equal(Number(process.Quorum), k.Fields["Min processes"]);
            Assert.Equal($"{Number(process.Weight)}{(process.Reverse ? " reverse" : "")}", k.Fields["Weight"]);
            Assert.Equal(process.FullCommand ? "true" : "false", k.Fields["Full command"]);
            Assert.Equal($"{process.TerminateDelay.TotalSeconds:0.000000}s", k.Fields["Terminate delay"]);
            Assert.Equal($"{process.ForkDelay.TotalSeconds:0.000000}s", k.Fields["Fork delay"]);
        }

        foreach (var script in read.Options.Scripts)
        {
            string context = $"seed {seed}, script {script.Name}";
            Assert.True(dump.Scripts.TryGetValue(script.Name, out var k), $"{context}: not in keepalived's dump");
            Assert.Equal(KeepalivedDump.Words(script.Arguments), KeepalivedDump.Arguments(k.Fields["Command"]));
            Assert.Equal(Path.GetFileName(script.Command), Path.GetFileName(KeepalivedDump.Program(k.Fields["Command"])));
            Assert.Equal(KeepalivedDump.Interval(script.Interval), k.Fields["Interval"]);
            Assert.Equal(script.Timeout is { } t ? KeepalivedDump.Interval(t) : "0 sec", k.Fields["Timeout"]);
            Assert.Equal($"{Number(script.Weight)}{(script.Reverse ? " reverse" : "")}", k.Fields["Weight"]);
            Assert.Equal(Number(script.Rise), k.Fields["Rise"]);
            Assert.Equal(Number(script.Fall), k.Fields["Fall"]);
        }

        static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        static string Seconds(TimeSpan value) => ((long)value.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        static void AssertCommand(string context, string field, string? commandLine, KeepalivedDump.Block k)
        {
            if (commandLine is null)
            {
                Assert.False(k.Fields.ContainsKey(field), $"{context}: keepalived has a {field} the reader has not");
                return;
            }

            Assert.True(k.Fields.TryGetValue(field, out string? dumped), $"{context}: keepalived has no {field}");
            var words = KeepalivedCommandLine.Split(commandLine);
            Assert.True(KeepalivedDump.Words(words.Skip(1)) == KeepalivedDump.Arguments(dumped), $"{context}: {field}: reader {KeepalivedDump.Words(words)}, keepalived {dumped}");
        }
    }

    // keepalived prints a garp_group gap with %g.
    private static string Gap(TimeSpan value) => value.TotalSeconds.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What keepalived's dump says of the options keepalived.conf keywords set beyond the protocol: addresses with their options, routes, rules, unicast TTLs, accept mode...</summary>
    private static void AssertKeepalivedOptions(string context, VrrpInstanceOptions o, VrrpOptions all, KeepalivedDump.Block k)
    {
        if (!o.UseVirtualMac && !o.UseVirtualMacForAddresses)
        {
            AssertLines(context, "virtual addresses", o.VirtualAddresses.Select(a => KeepalivedDump.AddressLine(VirtualAddressSpec.Parse(a), o.Interface)), k.List("Virtual IP"));
            AssertLines(context, "excluded addresses", o.ExcludedVirtualAddresses.Select(a => KeepalivedDump.AddressLine(VirtualAddressSpec.Parse(a), o.Interface)), k.List("Virtual IP Excluded"));
        }

        // keepalived logs a long route line in chunks, each printing the rest of the line from its offset (truncated by the
        // log): a line that the previous one ends with is such a re-print, not a route.
        var routeLines = new List<string>();
        foreach (string line in k.List("Virtual Routes"))
        {
            if (routeLines.Count == 0 || !routeLines[^1].EndsWith(line.Trim(), StringComparison.Ordinal))
            {
                routeLines.Add(line);
            }
        }

        AssertLines(context, "virtual routes", o.VirtualRoutes.Select(r => KeepalivedDump.RouteLine(VirtualRouteSpec.Parse(r))), routeLines.Select(static l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
        AssertLines(context, "virtual rules", o.VirtualRules.Select(r => KeepalivedDump.RuleLine(VirtualRuleSpec.Parse(r))), k.List("Virtual Rules"));
        AssertLines(context, "unicast peers", o.UnicastPeers.Select(p =>
        {
            var ttl = o.UnicastPeerTtls.Find(t => t.Peer == p);
            return $"{p} min_ttl {ttl?.MinTtl ?? 0} max_ttl {ttl?.MaxTtl ?? 255}";
        }), k.List("Unicast Peer").Select(static l => l.Replace("  ", " ", StringComparison.Ordinal)));
        AssertLines(context, "tracked processes", o.TrackProcesses.Select(t =>
        {
            var process = all.TrackProcesses.First(x => x.Name == t.Name);
            return $"{t.Name}, weight {t.Weight ?? process.Weight}{(t.Reverse ?? process.Reverse ? " reverse" : "")}";
        }), k.List("Tracked processes"));
        if (o.UnicastPeers.Count > 0)
        {
            // old_unicast_checksum: keepalived names its modes no (switch on hearing the old form), never and config.
            string mode = o.OldUnicastChecksum switch { Vrrp.OldUnicastChecksum.Always => "config", Vrrp.OldUnicastChecksum.Never => "never", _ => "no" };
            Assert.True(k.Fields.TryGetValue("Unicast checksum compatibility", out string? dumpedMode) && mode == dumpedMode, $"{context}: old_unicast_checksum: reader {o.OldUnicastChecksum}, keepalived {dumpedMode}");
        }

        if (o.UnicastTtl is { } ttlValue)
        {
            Assert.Equal(ttlValue.ToString(System.Globalization.CultureInfo.InvariantCulture), k.Fields["Unicast TTL"]);
        }

        bool owner = o.Priority == 255;
        Assert.True((o.Accept ?? (owner || !o.StrictMode) ? "enabled" : "disabled") == k.Fields["Accept"], $"{context}: Accept: reader {o.Accept}, keepalived {k.Fields["Accept"]}");
        Assert.Equal(o.HigherPrioritySendAdvert ? "true" : "false", k.Fields["Send advert after receive higher priority advert"]);
        Assert.True((o.LowerPriorityNoAdvert ? "false" : "true") == k.Fields["Send advert after receive lower priority advert"], $"{context}: lower_prio_no_advert: reader {o.LowerPriorityNoAdvert}, keepalived sends an advert: {k.Fields["Send advert after receive lower priority advert"]}");
        Assert.True(o.DownTimerAdverts.ToString(System.Globalization.CultureInfo.InvariantCulture) == k.Fields["Down timer adverts"], $"{context}: down_timer_adverts: reader {o.DownTimerAdverts}, keepalived {k.Fields["Down timer adverts"]}");
        if (o.UnicastPeers.Count == 0 && o.VirtualAddresses.Count > 0)
        {
            bool ipv6 = VirtualAddressSpec.Parse(o.VirtualAddresses[0]).Address.Family == Vrrp.VrrpAddressFamily.IPv6;
            string group = o.MulticastGroup ?? (ipv6 ? all.MulticastGroup6 ?? "ff02::12" : all.MulticastGroup4 ?? "224.0.0.18");
            Assert.True(k.Fields.TryGetValue("Multicast address", out string? dumped), $"{context}: keepalived's dump has no multicast address");
            Assert.True(Vrrp.IPAddressValue.Parse(group) == Vrrp.IPAddressValue.Parse(dumped), $"{context}: multicast group: reader {group}, keepalived {dumped}");
        }

        static void AssertLines(string context, string what, IEnumerable<string> expected, IEnumerable<string> actual) =>
            Assert.True(expected.SequenceEqual(actual), $"{context}: {what}: reader [{string.Join(", ", expected)}], keepalived [{string.Join(", ", actual)}]");
    }

    /// <summary>Runs keepalived with <c>-d</c> (dump the configuration) until the dump is out, then stops it.</summary>
    private string DumpConfiguration(string path, string[]? extra = null)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "netns", "exec", Namespace, "keepalived", "-n", "-l", "-D", "-d", "--vrrp", "-f", path,
            "-p", Path.Combine(_folder, "k.pid"), "-r", Path.Combine(_folder, "v.pid") }.Concat(extra ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var done = new TaskCompletionSource();
        // keepalived -l logs (and dumps) to stderr.
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                done.TrySetResult();
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("------< Interfaces >------", StringComparison.Ordinal))
            {
                done.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            done.Task.Wait(TimeSpan.FromSeconds(15));
        }
        finally
        {
            // SIGTERM lets keepalived stop its VRRP child and remove what it added; SIGKILL only if it does not.
            Run("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], out _);
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(); // drains the asynchronous readers
        }

        lock (output)
        {
            return output.ToString();
        }
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
            script.Group = script.Group is null ? null : "root";
        }

        // keepalived looks users and groups up while reading, and creates FIFOs: use root and the test's folder.
        options.ScriptUser = options.ScriptUser is null ? null : "root";
        options.ScriptGroup = options.ScriptGroup is null ? null : "root";
        foreach (var fifo in new[] { options.NotifyFifo, options.VrrpNotifyFifo }.OfType<VrrpNotifyFifoOptions>())
        {
            fifo.Path = Path.Combine(_folder, Path.GetFileName(fifo.Path));
            (fifo.User, fifo.Group) = (fifo.User is null ? null : "root", fifo.Group is null ? null : "root");
            (fifo.ScriptUser, fifo.ScriptGroup) = (fifo.ScriptUser is null ? null : "root", fifo.ScriptGroup is null ? null : "root");
            fifo.Script = Runnable(fifo.Script);
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
                instance.UseVirtualMac = false; // a macvlan on a veth cannot carry unicast adverts here
                instance.VirtualMacInterface = null;
                instance.VirtualMacTransmitOnBase = false;
            }

            instance.TrackInterfaces = instance.TrackInterfaces.Take(1).Select(t => new TrackInterfaceOptions
            {
                Interface = interfaces[(index + 1) % interfaces.Length],
                Weight = t.Weight,
            }).ToList();
            (instance.NotifyUser, instance.NotifyGroup) = (instance.NotifyUser is null ? null : "root", instance.NotifyGroup is null ? null : "root");
            instance.NotifyMasterRxLowerPriority = Runnable(instance.NotifyMasterRxLowerPriority);
            instance.NotifyMaster = Runnable(instance.NotifyMaster);
            instance.NotifyBackup = Runnable(instance.NotifyBackup);
            instance.NotifyFault = Runnable(instance.NotifyFault);
            instance.NotifyStop = Runnable(instance.NotifyStop);
            instance.Notify = Runnable(instance.Notify);
            instance.NotifyDeleted = Runnable(instance.NotifyDeleted);
        }

        foreach (var group in options.SyncGroups)
        {
            (group.NotifyUser, group.NotifyGroup) = (group.NotifyUser is null ? null : "root", group.NotifyGroup is null ? null : "root");
            group.NotifyMaster = Runnable(group.NotifyMaster);
            group.NotifyBackup = Runnable(group.NotifyBackup);
            group.NotifyFault = Runnable(group.NotifyFault);
            group.Notify = Runnable(group.Notify);
            group.NotifyStop = Runnable(group.NotifyStop);
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

/// <summary>The parts of keepalived's <c>-d</c> configuration dump the differential test compares.</summary>
internal sealed class KeepalivedDump
{
    private static readonly System.Text.RegularExpressions.Regex s_timestamp = new(@"^\w{3} \w{3} +\d+ [\d:]+ \d{4}: ");

    public Dictionary<string, Block> Instances { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Block> Scripts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Block> TrackFiles { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Block> TrackProcesses { get; } = new(StringComparer.Ordinal);

    /// <summary>The GARP delay groups, in dump order; Text is "garp G gna N on IF IF" ("-" where the group has no gap).</summary>
    public List<(string Text, List<string> Interfaces)> GarpGroups { get; } = [];

    /// <summary>The line keepalived's dump has for <c>use_vmac_addr</c>.</summary>
    public const string VirtualMacForAddresses = "Use VMAC for VIPs on other interfaces";

    /// <summary>The start of the line keepalived's dump has for <c>use_ipvlan</c> (when there is no use_vmac_addr line).</summary>
    public const string Ipvlan = "Use IPVLAN";

    public static KeepalivedDump Parse(string text)
    {
        var dump = new KeepalivedDump();
        ParseGarpGroups(dump, text);
        Block? current = null;
        List<string>? list = null;
        (string Prefix, Func<KeepalivedDump, Dictionary<string, Block>> Into)[] blocks =
        [
            (" VRRP Instance = ", static d => d.Instances),
            (" VRRP Script = ", static d => d.Scripts),
            (" Track file = ", static d => d.TrackFiles),
            (" VRRP Track process = ", static d => d.TrackProcesses),
        ];
        foreach (string raw in text.Split('\n'))
        {
            string line = s_timestamp.Replace(raw.TrimEnd('\r'), "");
            string trimmed = line.Trim();
            var block = blocks.FirstOrDefault(b => line.StartsWith(b.Prefix, StringComparison.Ordinal));
            if (block.Prefix is not null)
            {
                current = new Block();
                block.Into(dump)[line[block.Prefix.Length..]] = current;
                list = null;
            }
            else if (line.StartsWith("------<", StringComparison.Ordinal) || (line.Length > 1 && line[0] == ' ' && line[1] != ' '))
            {
                current = null;
                list = null;
            }
            else if (current is null)
            {
                continue;
            }
            else if (trimmed == VirtualMacForAddresses)
            {
                current.Fields[VirtualMacForAddresses] = "";
            }
            else if (trimmed.StartsWith(Ipvlan + ", ", StringComparison.Ordinal))
            {
                current.Fields[Ipvlan] = trimmed[(Ipvlan.Length + 2)..]; // "i/f vrrp.5, is_up = false, i/f address = 192.0.2.1/24, type private"
            }
            else if (trimmed.EndsWith(" :", StringComparison.Ordinal) || trimmed.StartsWith("Virtual IP (", StringComparison.Ordinal))
            {
                // "Virtual IP (2):", "Unicast Peer :", "Tracked scripts :", "Virtual Routes :"...
                string name = trimmed.StartsWith("Virtual IP (", StringComparison.Ordinal) ? "Virtual IP" : trimmed[..^2];
                list = current.Lists[name] = [];
            }
            else if (line.StartsWith("     ", StringComparison.Ordinal) && list is not null)
            {
                list.Add(trimmed);
            }
            else if (trimmed.StartsWith("Multicast address ", StringComparison.Ordinal))
            {
                // "Multicast address 224.0.0.18", "Multicast address ff02::12, ifindex 3"
                list = null;
                current.Fields.TryAdd("Multicast address", trimmed["Multicast address ".Length..].Split(',')[0]);
            }
            else
            {
                list = null;
                int equals = trimmed.IndexOf(" = ", StringComparison.Ordinal);
                if (equals > 0)
                {
                    current.Fields.TryAdd(trimmed[..equals], trimmed[(equals + 3)..]);
                }
            }
        }

        return dump;
    }

    // "------< GARP delay group N >------", " GARP interval = 0.25", " GNA interval = 0", " Interfaces", "  eth0".
    private static void ParseGarpGroups(KeepalivedDump dump, string text)
    {
        string? garp = null, gna = null;
        List<string>? interfaces = null;
        bool inGroup = false;
        void Flush()
        {
            if (inGroup)
            {
                dump.GarpGroups.Add(($"garp {garp ?? "-"} gna {gna ?? "-"} on {string.Join(' ', interfaces ?? [])}", interfaces ?? []));
            }

            (garp, gna, interfaces, inGroup) = (null, null, null, false);
        }

        foreach (string raw in text.Split('\n'))
        {
            string line = s_timestamp.Replace(raw.TrimEnd('\r'), "");
            if (line.StartsWith("------<", StringComparison.Ordinal))
            {
                Flush();
                inGroup = line.StartsWith("------< GARP delay group ", StringComparison.Ordinal);
            }
            else if (!inGroup)
            {
                continue;
            }
            else if (line.StartsWith(" GARP interval = ", StringComparison.Ordinal))
            {
                garp = line[" GARP interval = ".Length..];
            }
            else if (line.StartsWith(" GNA interval = ", StringComparison.Ordinal))
            {
                gna = line[" GNA interval = ".Length..];
            }
            else if (line == " Interfaces")
            {
                interfaces = [];
            }
            else if (interfaces is not null && line.StartsWith("  ", StringComparison.Ordinal))
            {
                interfaces.Add(line.Trim());
            }
        }

        Flush();
    }

    /// <summary>keepalived's "1 sec" / "250 milli-sec" form of a timer.</summary>
    public static string Interval(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? $"{value.Ticks / TimeSpan.TicksPerSecond} sec"
            : $"{value.Ticks / TimeSpan.TicksPerMillisecond} milli-sec";

    /// <summary>An address as keepalived prints it: a host prefix left out.</summary>
    public static string Address(Vrrp.VirtualAddress a) => a.PrefixLength == (a.Family == Vrrp.VrrpAddressFamily.IPv4 ? 32 : 128) ? a.Address.ToString() : a.ToString();

    /// <summary>A virtual address as keepalived's dump prints it (format_ipaddress).</summary>
    public static string AddressLine(VirtualAddressSpec a, string instanceInterface)
    {
        bool ipv6 = a.Address.Family == Vrrp.VrrpAddressFamily.IPv6;
        var line = new System.Text.StringBuilder(Address(a.Address));
        if (a.Broadcast is { } brd)
        {
            line.Append(" brd ").Append(brd);
        }

        line.Append(" dev ").Append(a.Device ?? instanceInterface);
        line.Append(" scope ").Append(ipv6 ? "global" : a.Scope ?? "global");
        if (a.Label is { } label)
        {
            line.Append(" label ").Append(label);
        }

        if (a.Peer is { } peer)
        {
            line.Append(" peer ").Append(peer).Append('/').Append(a.Address.PrefixLength);
        }

        foreach (string flag in new[] { "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin" }.Where(a.Flags.Contains))
        {
            line.Append(' ').Append(flag);
        }

        if (a.NoTrack)
        {
            line.Append(" no_track");
        }

        if (ipv6)
        {
            uint lifetime = a.PreferredLifetime ?? (a.Address.PrefixLength == 128 ? 0 : uint.MaxValue);
            line.Append(lifetime switch { 0 => " deprecated", uint.MaxValue => " preferred_lft forever", _ => $" preferred_lft {lifetime}" });
        }

        return line.ToString();
    }

    /// <summary>A virtual route as keepalived's dump prints it (format_iproute), after the add/prepend word.</summary>
    public static string RouteLine(VirtualRouteSpec r)
    {
        var line = new System.Text.StringBuilder();
        if (r.Type != "unicast")
        {
            line.Append(r.Type).Append(' ');
        }

        line.Append(r.Destination is { } dest ? Address(dest) : r.Family == Vrrp.VrrpAddressFamily.IPv4 ? "0.0.0.0/0" : "::/0");
        Append(" from ", r.From is { } from ? Address(from) : null);
        Append(" src ", r.Source?.ToString());
        Append(" tos ", r.Tos?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        line.Append(Encap(r.Encap));
        Append(" via ", r.Via is { } via ? $"{(via.Family == Vrrp.VrrpAddressFamily.IPv6 ? "inet6" : "inet")} {via}" : null);
        Append(" dev ", r.Device);
        Append(" table ", r.Table is { } table && table != 254 ? table.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        Append(" proto ", r.Protocol is { } protocol ? (protocol == "keepalived" ? "18" : protocol) : r.NoTrack ? null : "18");
        Append(" scope ", r.Scope is { } scope ? scope switch { "global" => "0", "site" => "200", "link" => "253", "host" => "254", "nowhere" => "255", _ => scope } : null);
        Append(" metric ", r.Metric?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (r.OnLink && r.Family == Vrrp.VrrpAddressFamily.IPv4)
        {
            line.Append(" onlink");
        }

        // keepalived prints "realm TO" alone and "realms FROM/TO" with both; a realm 0 is not sent or printed.
        Append(r.Realms >> 16 is > 0 ? $" realms {r.Realms >> 16}/" : " realm ", r.Realms is { } realms and not 0 ? (realms & 0xffff).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        Append(" expires ", r.Expires is { } expires ? $"{expires}sec" : null);

        // keepalived prints congctl's lock after the name, and times with %g in s or ms.
        Append(" congctl ", r.CongestionControl is { } algorithm ? algorithm + (r.LockedMetrics.Contains("congctl") ? "lock " : "") : null);
        var metrics = r.Metrics.ToDictionary(static m => m.Key, static m => m.Value);
        foreach (var (word, perSecond) in new[] { ("rtt", 8000u), ("rttvar", 4000u), ("rto_min", 1000u) })
        {
            if (metrics.TryGetValue(word, out uint value))
            {
                double ms = value / (perSecond / 1000.0);
                line.Append(' ').Append(word).Append(r.LockedMetrics.Contains(word) ? " lock" : "").Append(' ')
                    .Append(value >= perSecond ? $"{(value / (double)perSecond).ToString(System.Globalization.CultureInfo.InvariantCulture)}s" : word == "rto_min" ? $"{value}ms" : $"{ms.ToString(System.Globalization.CultureInfo.InvariantCulture)}ms");
            }
        }

        if (metrics.ContainsKey("features"))
        {
            line.Append(" features ecn");
        }

        Append(" mtu ", r.Mtu is { } mtu ? (r.MtuLocked ? "lock " : "") + mtu : null);
        foreach (string word in new[] { "window", "ssthresh", "cwnd", "advmss", "reordering", "hoplimit", "initcwnd", "initrwnd", "quickack", "fastopen_no_cookie" })
        {
            if (metrics.TryGetValue(word, out uint value))
            {
                line.Append(' ').Append(word).Append(' ').Append(r.LockedMetrics.Contains(word) ? "lock " : "").Append(value);
            }

            if (word == "quickack")
            {
                Append(" pref ", r.Preference switch { null => null, 3 => "low", 0 => "medium", 1 => "high", _ => "unknown" });
            }
        }

        // Next hops after the options; keepalived 2.2.7 picks a hop's "realms F/" or "realm" form by the route's realms.
        foreach (var hop in r.NextHops)
        {
            line.Append(" nexthop");
            Append(" via ", hop.Via is { } hopVia ? $"inet{(hopVia.Family == Vrrp.VrrpAddressFamily.IPv6 ? "6" : "")} {hopVia}" : null);
            Append(" dev ", hop.Device);
            Append(" weight ", hop.Weight?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (hop.OnLink)
            {
                line.Append(" onlink");
            }

            Append((r.Realms ?? 0) >> 16 != 0 ? $" realms {hop.Realms >> 16}/" : " realm ", hop.Realms is { } hopRealms and not 0 ? (hopRealms & 0xffff).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
            line.Append(Encap(hop.Encap));
        }

        if (r.NoTrack)
        {
            line.Append(" no_track");
        }

        return line.ToString();

        void Append(string prefix, string? value)
        {
            if (value is not null)
            {
                line.Append(prefix).Append(value);
            }
        }
    }

    /// <summary>An encapsulation as keepalived's dump prints it (print_encap), with its leading space.</summary>
    private static string Encap(VirtualRouteEncapSpec? e)
    {
        if (e is null)
        {
            return "";
        }

        bool v6 = e.Type == "ip6";
        return $" encap {e.Type}" + (e.Id is { } id ? $" id {id}" : "") + (e.Destination is { } dst ? $" dst {dst}" : "") + (e.Source is { } src ? $" src {src}" : "") +
            (e.Tos is { } tos ? $" {(v6 ? "tc" : "tos")} {tos}" : "") + (e.Ttl is { } ttl ? $" {(v6 ? "hoplimit" : "ttl")} {ttl}" : "") + (e.Flags is { } flags ? $" flags 0x{flags:x}" : "");
    }

    /// <summary>A virtual rule as keepalived's dump prints it (format_iprule).</summary>
    public static string RuleLine(VirtualRuleSpec r)
    {
        var line = new System.Text.StringBuilder();
        if (r.From is null && r.To is null && r.Family == Vrrp.VrrpAddressFamily.IPv6)
        {
            line.Append("inet6 ");
        }

        line.Append("from ").Append(r.From is { } from ? Address(from) : "all");
        if (r.To is { } to)
        {
            line.Append(" to ").Append(Address(to));
        }

        line.Append(" priority ").Append(r.Priority).Append(" tos 0x").Append((r.Tos ?? 0).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        if (r.FirewallMark is { } mark)
        {
            line.Append(" fwmark 0x").Append(mark.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            if (r.FirewallMask is { } mask && mask != uint.MaxValue)
            {
                line.Append("/0x").Append(mask.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (r.InputInterface is { } iif)
        {
            line.Append(" iif ").Append(iif);
        }

        if (r.OutputInterface is { } oif)
        {
            line.Append(" oif ").Append(oif);
        }

        if (r.SuppressPrefixLength is { } suppress)
        {
            line.Append(" suppress_prefixlen ").Append(suppress);
        }

        if (r.UidRange is { } uids)
        {
            line.Append(" uidrange ").Append(uids);
        }

        if (r.Action == "l3mdev")
        {
            line.Append(" l3mdev");
        }

        if (!r.NoTrack || r.Protocol is not null)
        {
            line.Append(" protocol ").Append(r.NoTrack ? r.Protocol : "18");
        }

        if (r.IPProtocol is { } ipProtocol)
        {
            line.Append(" ipproto ").Append(ipProtocol switch { "icmp" => "1", "tcp" => "6", "udp" => "17", "dccp" => "33", "gre" => "47", "esp" => "50", "ah" => "51", "ipv6-icmp" => "58", "sctp" => "132", _ => ipProtocol });
        }

        if (r.SourcePorts is { } sport)
        {
            line.Append(" sport ").Append(sport);
        }

        if (r.DestinationPorts is { } dport)
        {
            line.Append(" dport ").Append(dport);
        }

        line.Append(r.Action switch
        {
            "table" => $" lookup {r.Table}",
            "l3mdev" => " lookup 0",
            "goto" => $" goto {r.GotoTarget}",
            "nop" => " nop",
            _ => $" type {r.Action}",
        });
        return r.NoTrack ? line.Append(" no_track").ToString() : line.ToString();
    }

    /// <summary>Words as keepalived prints a command: each in single quotes, separated by blanks.</summary>
    public static string Words(IEnumerable<string> words) => string.Join(' ', words.Select(static w => $"'{w}'"));

    /// <summary>The printed words after the program (keepalived prints the program with its resolved path).</summary>
    public static string Arguments(string dumped)
    {
        string command = dumped.Split(", uid:gid", 2)[0];
        int end = command.IndexOf("' ", 1, StringComparison.Ordinal);
        return end < 0 ? "" : command[(end + 2)..];
    }

    public static string Program(string dumped)
    {
        string command = dumped.Split(", uid:gid", 2)[0];
        int end = command.IndexOf('\'', 1);
        return command[1..end];
    }

    internal sealed class Block
    {
        public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);

        /// <summary>The lists of the block by their heading ("Virtual IP", "Unicast Peer", "Tracked scripts"...), trimmed lines.</summary>
        public Dictionary<string, List<string>> Lists { get; } = new(StringComparer.Ordinal);

        /// <summary>"172.16.1.25 dev eth0 scope global": the addresses, with the host prefix keepalived leaves out.</summary>
        public List<string> VirtualAddresses => List("Virtual IP").Select(static l =>
        {
            string address = l.Split(' ')[0];
            return address.Contains('/', StringComparison.Ordinal) ? address : address + (address.Contains(':', StringComparison.Ordinal) ? "/128" : "/32");
        }).ToList();

        public List<string> UnicastPeers => List("Unicast Peer").Select(static l => l.Split(' ')[0]).ToList();

        public List<string> TrackedScripts => List("Tracked scripts");

        public List<string> TrackedInterfaces => List("Tracked interfaces");

        public List<string> TrackedFiles => List("Tracked files");

        public List<string> List(string name) => Lists.TryGetValue(name, out var list) ? list : [];
    }
}
