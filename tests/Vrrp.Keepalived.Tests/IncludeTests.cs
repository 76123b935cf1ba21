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
    public void A_glob_that_matches_nothing_is_a_warning_and_a_missing_file_an_error()
    {
        string main = Write("keepalived.conf", Instance("VI_1", 1) + "include conf.d/*.conf\ninclude missing.conf\n");

        var result = KeepalivedConfigReader.Read(main);

        Assert.Equal(
            [
                $"{main}:5: warning: include 'conf.d/*.conf': no file matches",
                $"{main}:6: error: include 'missing.conf': file not found",
            ],
            result.Diagnostics.Select(static d => d.ToString()));
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
