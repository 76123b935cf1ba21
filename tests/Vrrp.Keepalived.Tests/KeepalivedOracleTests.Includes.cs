using System.Text.RegularExpressions;

namespace Vrrp.Keepalived.Tests;

// include, includer/m/w/b/a, include_check and -e: keepalived -t refuses the files the reader refuses, and keepalived -d
// shows the instances the reader read.
public sealed partial class KeepalivedOracleTests
{
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    [Fact]
    public void Keepalived_makes_errors_of_the_include_problems_the_reader_makes_errors_of_and_includes_the_same_files()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        int index = 0;
        foreach (var (text, refused, instances, checkAll) in IncludeTests.IncludeChecks)
        {
            string folder = Path.Combine(_folder, $"inc{index++}");
            string main = IncludeTests.WriteIncludeCheckFiles(folder, text);
            var read = KeepalivedConfigReader.Read(main, checkAllIncludes: checkAll);
            string[] arguments = ["netns", "exec", Namespace, "keepalived", "-t", "-l", "-n", "-f", main, .. checkAll ? ["-e"] : Array.Empty<string>()];
            int exit = Run("ip", arguments, out string check);
            Assert.True((exit != 0) == refused, $"'{text}': keepalived -t exit {exit} ({check.Trim()}); the case says refused={refused}");
            Assert.True(refused == read.HasErrors, $"'{text}': keepalived -t exit {exit} ({check.Trim()}); reader: {string.Join("; ", read.Diagnostics)}");
            if (!refused)
            {
                var dumped = Regex.Matches(DumpConfiguration(main), @" VRRP Instance = (\S+)").Select(static m => m.Groups[1].Value).Distinct().ToArray();
                Assert.True(instances.SequenceEqual(dumped), $"'{text}': keepalived -d instances [{string.Join(' ', dumped)}], the case says [{string.Join(' ', instances)}]");
                Assert.Equal(instances, read.Options.Instances.Select(static i => i.Name));
            }
        }
    }
}

// keepalived's own definitions (${_PWD}, ${_INSTANCE}, ${_RANDOM MIN MAX}, ${_HASH}, ${_BANG}): keepalived -d shows
// the same words the reader read.
public sealed partial class KeepalivedOracleTests
{
    [Fact]
    public void Keepalived_s_own_definitions_give_what_the_reader_gives()
    {
        RequireLab();
        CreateNamespace(["eth0"]);
        string folder = Path.Combine(_folder, "defs");
        Directory.CreateDirectory(folder);
        string main = Path.Combine(folder, "keepalived.conf");
        File.WriteAllText(main, SyntaxTests.BuiltinDefinitions);
        var read = KeepalivedConfigReader.Read(main, configId: "lb7");
        Assert.False(read.HasErrors, string.Join("; ", read.Diagnostics));
        var instance = Assert.Single(read.Options.Instances);
        Assert.Equal(7, instance.VirtualRouterId);

        string dump = DumpConfiguration(main, ["-i", "lb7"]);
        var master = Regex.Match(dump, @"Master state transition script = (.*)");
        Assert.True(master.Success, dump);
        Assert.Equal(KeepalivedDump.Arguments(master.Groups[1].Value.Trim()), KeepalivedDump.Words(Vrrp.Hosting.KeepalivedCommandLine.Split(instance.NotifyMaster!).Skip(1)));
        Assert.Contains($"/bin/echo lb7 {folder} #x!", instance.NotifyMaster, StringComparison.Ordinal);
        Assert.Matches(@"Virtual Router ID = 7\b", dump);
    }
}
