using Vrrp.Keepalived;

namespace Vrrp.Keepalived.Tests;

/// <summary><c>include</c>: globs, relative to the including file, nested, guarded against cycles, diagnostics naming the included file.</summary>
public sealed class IncludeTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"vrrp-kconf-{Guid.NewGuid():N}");

    public IncludeTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Instance(string name, int vrid) =>
        $"vrrp_instance {name} {{\n    interface eth0\n    virtual_router_id {vrid}\n}}\n";

    [Fact]
    public void Glob_includes_are_read_in_sorted_order_relative_to_the_including_file()
    {
        string main = Write("keepalived.conf", "global_defs {\n router_id lb1\n}\ninclude conf.d/*.conf   # every instance\n");
        Write("conf.d/20-web.conf", Instance("VI_WEB", 20));
        Write("conf.d/10-db.conf", Instance("VI_DB", 10));
        Write("conf.d/30-api.conf", Instance("VI_API", 30));
        Write("conf.d/.hidden.conf", Instance("VI_HIDDEN", 40));
        Write("conf.d/notes.txt", "not a config");

        var result = KeepalivedConfigReader.Read(main);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["VI_DB", "VI_WEB", "VI_API"], result.Options.Instances.Select(static i => i.Name));
        Assert.Equal("lb1", result.Options.RouterId);
    }

    [Fact]
    public void Nested_includes_resolve_from_each_including_file_and_may_sit_inside_blocks()
    {
        string main = Write("etc/keepalived.conf", "include instances/web.conf\n");
        Write("etc/instances/web.conf", "vrrp_instance VI_1 {\n    include ../common/base.conf\n    virtual_ipaddress {\n        include vips/*.list\n    }\n}\n");
        Write("etc/common/base.conf", "interface eth0\nvirtual_router_id 51\n");
        Write("etc/instances/vips/a.list", "10.0.0.1/24\n");
        Write("etc/instances/vips/b.list", "10.0.0.2/24\n");

        var result = KeepalivedConfigReader.Read(main);

        Assert.Empty(result.Diagnostics);
        var vi = Assert.Single(result.Options.Instances);
        Assert.Equal("eth0", vi.Interface);
        Assert.Equal(51, vi.VirtualRouterId);
        Assert.Equal(["10.0.0.1/24", "10.0.0.2/24"], vi.VirtualAddresses);
    }

    [Fact]
    public void Brace_alternatives_and_character_classes_expand_like_glob()
    {
        string main = Write("keepalived.conf", "include {a,b}/vi[0-9].conf\n");
        Write("a/vi1.conf", Instance("VI_A1", 1));
        Write("a/vix.conf", Instance("VI_AX", 2));
        Write("b/vi2.conf", Instance("VI_B2", 3));

        var result = KeepalivedConfigReader.Read(main);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["VI_A1", "VI_B2"], result.Options.Instances.Select(static i => i.Name));
    }

    [Fact]
    public void Diagnostics_name_the_included_file_and_its_line()
    {
        string main = Write("keepalived.conf", Instance("VI_1", 1) + "include bad.conf\n" + "vrrp_instance VI_2 {\n priority 999\n}\n");
        Write("bad.conf", "vrrp_instance VI_3 {\n    interface eth0\n    virtual_router_id x\n    smtp_alert\n}\n");

        var result = KeepalivedConfigReader.Read(main);

        string bad = Path.Combine(_root, "bad.conf");
        Assert.Equal(
            [
                $"{bad}:1: error: vrrp_instance 'VI_3': missing 'virtual_router_id' (expected a number 1..255)",
                $"{bad}:3: error: virtual_router_id 'x': expected a number 1..255",
                $"{bad}:4: warning: vrrp_instance: 'smtp_alert' is not supported (mail alerts are not part of Vrrp); ignored",
                $"{main}:6: error: vrrp_instance 'VI_2': missing 'interface' (the interface the instance runs on; only a unicast instance can do without one, as keepalived)",
                $"{main}:6: error: vrrp_instance 'VI_2': missing 'virtual_router_id' (expected a number 1..255)",
                $"{main}:7: error: priority '999': expected a number 1..255",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
    }

    [Fact]
    public void An_include_cycle_is_an_error_and_does_not_recurse()
    {
        string main = Write("a.conf", Instance("VI_A", 1) + "include b.conf\n");
        Write("b.conf", Instance("VI_B", 2) + "include a.conf\ninclude b.conf\n");

        var result = KeepalivedConfigReader.Read(main);

        string b = Path.Combine(_root, "b.conf");
        Assert.Equal(
            [
                $"{b}:5: error: include 'a.conf': '{main}' is already being read (include cycle); not included again",
                $"{b}:6: error: include 'b.conf': '{b}' is already being read (include cycle); not included again",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.Equal(["VI_A", "VI_B"], result.Options.Instances.Select(static i => i.Name));
    }

    [Fact]
    public void A_glob_that_matches_nothing_and_a_missing_file_are_warnings_as_keepalived_says_them_without_include_check()
    {
        string main = Write("keepalived.conf", Instance("VI_1", 1) + "include conf.d/*.conf\ninclude missing.conf\n");

        var result = KeepalivedConfigReader.Read(main);

        Assert.Equal(
            [
                $"{main}:5: warning: include 'conf.d/*.conf': file not found",
                $"{main}:6: warning: include 'missing.conf': file not found",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
        Assert.Equal(["VI_1"], result.Options.Instances.Select(static i => i.Name));
    }

    /// <summary>
    /// keepalived 2.2.7's include checks, each case as <c>keepalived -t</c> takes it (KeepalivedOracleTests runs them
    /// under keepalived): the text of keepalived.conf, whether it is refused, and the instances read when it is not.
    /// Files: a.conf (VI_A) and x.conf (VI_X, executable) beside it, conf.d/ empty.
    /// </summary>
    internal static readonly (string Text, bool Refused, string[] Instances, bool CheckAll)[] IncludeChecks =
    [
        ("include missing.conf\n", false, [], false),
        ("includem missing.conf\n", true, [], false),
        ("includer missing.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("include conf.d/*.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("includew conf.d/*.conf\ninclude a.conf\n", true, [], false),
        ("includem conf.d/*.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("include nodir/*.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("includem nodir/*.conf\ninclude a.conf\n", true, [], false),
        ("include {a,b}.conf\n", false, ["VI_A"], false),
        ("includeb {a,b}.conf\n", true, [], false),
        ("includem {b,c}.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("includeb {b,c}.conf\ninclude a.conf\n", true, [], false),
        ("include x.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("includer x.conf\ninclude a.conf\n", true, [], false),
        ("includea conf.d\ninclude a.conf\n", true, [], false),
        ("include conf.d\ninclude a.conf\n", false, ["VI_A"], false),
        ("global_defs {\n    include_check\n}\ninclude missing.conf\n", true, [], false),
        ("include missing.conf\nglobal_defs {\n    include_check\n}\ninclude a.conf\n", false, ["VI_A"], false),
        ("global_defs {\n    include_check match +wildcard_match\n}\ninclude conf.d/*.conf\ninclude a.conf\n", true, [], false),
        ("global_defs {\n    include_check match -match\n}\ninclude missing.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("global_defs {\n    include_check read\n}\ninclude x.conf\ninclude a.conf\n", true, [], false),
        ("global_defs {\n    include_check bogus\n}\ninclude missing.conf\ninclude a.conf\n", true, [], false),
        ("global_defs {\n    include_check read match\n}\ninclude a.conf\n", true, [], false),
        ("global_defs {\n    include_check\n    include_check -match\n}\ninclude missing.conf\ninclude a.conf\n", false, ["VI_A"], false),
        ("include missing.conf\ninclude a.conf\n", true, [], true),
    ];

    public static TheoryData<string, bool, string[], bool> IncludeCheckCases()
    {
        var data = new TheoryData<string, bool, string[], bool>();
        foreach (var c in IncludeChecks)
        {
            data.Add(c.Text, c.Refused, c.Instances, c.CheckAll);
        }

        return data;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    internal static string WriteIncludeCheckFiles(string folder, string mainText)
    {
        Directory.CreateDirectory(Path.Combine(folder, "conf.d"));
        File.WriteAllText(Path.Combine(folder, "a.conf"), "vrrp_instance VI_A {\n    interface eth0\n    virtual_router_id 1\n    virtual_ipaddress {\n        10.0.0.1/24\n    }\n}\n");
        string x = Path.Combine(folder, "x.conf");
        File.WriteAllText(x, "vrrp_instance VI_X {\n    interface eth0\n    virtual_router_id 2\n    virtual_ipaddress {\n        10.0.0.2/24\n    }\n}\n");
        File.SetUnixFileMode(x, File.GetUnixFileMode(x) | UnixFileMode.UserExecute);
        string main = Path.Combine(folder, "keepalived.conf");
        File.WriteAllText(main, mainText);
        return main;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    [Theory]
    [MemberData(nameof(IncludeCheckCases))]
    public void Include_checks_make_errors_of_what_keepalived_makes_errors_of(string text, bool refused, string[] instances, bool checkAll)
    {
        string main = WriteIncludeCheckFiles(_root, text);

        var result = KeepalivedConfigReader.Read(main, checkAllIncludes: checkAll);

        Assert.True(refused == result.HasErrors, string.Join("; ", result.Diagnostics));
        if (!refused)
        {
            Assert.Equal(instances, result.Options.Instances.Select(static i => i.Name));
        }
    }

    [Fact]
    public void ReadText_resolves_includes_from_the_folder_of_its_file_name()
    {
        Write("conf.d/vi.conf", Instance("VI_9", 9));
        var result = KeepalivedConfigReader.ReadText("include conf.d/vi.conf\n", Path.Combine(_root, "keepalived.conf"));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(9, Assert.Single(result.Options.Instances).VirtualRouterId);
    }

    [Theory]
    [InlineData("*.conf", "a.conf", true)]
    [InlineData("*.conf", ".a.conf", false)]
    [InlineData(".*.conf", ".a.conf", true)]
    [InlineData("vi?.conf", "vi1.conf", true)]
    [InlineData("vi?.conf", "vi12.conf", false)]
    [InlineData("vi[!0-9].conf", "vix.conf", true)]
    [InlineData("vi[!0-9].conf", "vi1.conf", false)]
    [InlineData("vi[abc]*", "vib-long", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    public void Glob_patterns_match_like_fnmatch(string pattern, string name, bool expected) =>
        Assert.Equal(expected, IncludeGlob.Matches(pattern, name));

    [Fact]
    public void Brace_expansion_is_nested_and_ordered()
    {
        Assert.Equal(["a/x", "a/y/1", "a/y/2", "b"], IncludeGlob.ExpandBraces("{a/{x,y/{1,2}},b}"));
        Assert.Equal(["no{brace"], IncludeGlob.ExpandBraces("no{brace"));
    }
}
