using System.Text.RegularExpressions;

namespace Vrrp.Docs.Tests;

/// <summary>
/// Every ```csharp block of README.md, docs/*.md and the packages' README.md is compiled: it must be preceded by a marker
/// <c>&lt;!-- snippet: docs/snippets/FILE.cs#REGION[,REGION...] --&gt;</c> and equal those regions of the file (joined by
/// a blank line, each without its common indentation), which this project compiles. A marker without <c>#</c> names a
/// whole file (for example the appsettings.json that a test binds).
/// </summary>
public partial class SnippetSyncTests
{
    public static TheoryData<string> MarkdownFiles()
    {
        var data = new TheoryData<string>();
        data.Add("README.md");
        foreach (string package in new[] { "Vrrp.Abstractions", "Vrrp.Core", "Vrrp.Hosting", "Vrrp.Keepalived", "Vrrp.Testing", "Vrrp.Linux" })
        {
            data.Add($"src/{package}/README.md");                 // shown on the package pages
        }

        foreach (string file in Directory.GetFiles(Repository.PathOf("docs"), "*.md").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repository.Root, file));
        }

        return data;
    }

    [Fact]
    public void Every_documentation_file_is_checked()
    {
        var files = MarkdownFiles().Select(row => row.Data).ToArray();
        foreach (string expected in new[] { "README.md", "src/Vrrp.Core/README.md", "docs/getting-started.md", "docs/configuration.md", "docs/migrating-from-keepalived.md", "docs/operations.md", "docs/testing.md", "docs/architecture.md" })
        {
            Assert.Contains(expected, files);
        }
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Code_blocks_match_their_compiled_snippets(string markdownFile)
    {
        string[] lines = File.ReadAllLines(Repository.PathOf(markdownFile));
        var problems = new List<string>();
        int checkedBlocks = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            string language = fence.Groups[1].Value;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            string block = string.Join('\n', lines[start..end]);
            var marker = i > 0 ? Marker().Match(lines[i - 1]) : Match.Empty;
            i = end;
            if (!marker.Success)
            {
                if (language is "csharp" or "cs" or "c#")
                {
                    problems.Add($"{markdownFile}:{start}: a C# block without a <!-- snippet: ... --> marker (every C# example must compile)");
                }

                continue;
            }

            string expected;
            try
            {
                expected = Extract(marker.Groups[1].Value, marker.Groups[2].Success ? marker.Groups[2].Value : null);
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException)
            {
                problems.Add($"{markdownFile}:{start}: {ex.Message}");
                continue;
            }

            checkedBlocks++;
            if (Normalize(block) != Normalize(expected))
            {
                problems.Add($"{markdownFile}:{start}: the block differs from {marker.Groups[0].Value.Trim()}:\n--- Markdown ---\n{block}\n--- snippet ---\n{expected}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
        TestContext.Current.TestOutputHelper?.WriteLine($"{markdownFile}: {checkedBlocks} block(s) checked");
    }

    [Fact]
    public void A_region_is_extracted_without_its_indentation()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "class C\n{\n    void M()\n    {\n        #region r\n        int x = 1;\n\n            x++;\n        #endregion\n    }\n}\n");
            Assert.Equal("int x = 1;\n\n    x++;", Extract(file, "r"));
            Assert.Throws<InvalidOperationException>(() => Extract(file, "missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The text of the named regions of a file (joined by a blank line), or the whole file.</summary>
    internal static string Extract(string file, string? regions)
    {
        string path = Path.IsPathRooted(file) ? file : Repository.PathOf(file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"snippet file {file} does not exist", path);
        }

        string[] lines = File.ReadAllLines(path);
        if (regions is null)
        {
            return string.Join('\n', lines);
        }

        var parts = new List<string>();
        foreach (string region in regions.Split(','))
        {
            int begin = Array.FindIndex(lines, l => l.Trim() == "#region " + region.Trim());
            if (begin < 0)
            {
                throw new InvalidOperationException($"{file} has no #region {region}");
            }

            int end = Array.FindIndex(lines, begin + 1, l => l.Trim().StartsWith("#endregion", StringComparison.Ordinal));
            if (end < 0)
            {
                throw new InvalidOperationException($"{file}: #region {region} has no #endregion");
            }

            var body = lines[(begin + 1)..end];
            int indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
            parts.Add(string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim('\n'));
        }

        return string.Join("\n\n", parts);
    }

    private static string Normalize(string text) => string.Join('\n', text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim('\n');

    [GeneratedRegex(@"^\s*```\s*([A-Za-z#+-]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*<!--\s*snippet:\s*([^#\s]+)(?:#([^\s]+))?\s*-->\s*$")]
    private static partial Regex Marker();
}
