using System.Text.RegularExpressions;

namespace Vrrp.Docs.Tests;

/// <summary>
/// docs/conformance.md is the conformance ledger: one row per normative statement of RFC 9568 sections 5 to 8 and per
/// RFC 3768 difference, with the tests that check it. The ledger and the tests are kept in step both ways: every test a
/// row names exists and carries the row's identifier as an xunit trait (<c>[Trait("Rfc", "9568-6.4.2-c")]</c>, on the
/// method, or on the class for a row that names <c>Class.*</c>), and every such trait belongs to a row that names the
/// test. CI then checks from the test results that every test the ledger names ran and passed (.ci/run).
/// </summary>
public partial class ConformanceLedgerTests
{
    private static readonly string[] Verdicts = ["conforms", "deviation", "n/a", "kernel", "open"];

    [Fact]
    public void Every_row_has_an_identifier_a_level_and_a_known_verdict_and_every_conforming_row_a_test()
    {
        var rows = Ledger.Rows;
        Assert.True(rows.Count >= 100, $"only {rows.Count} rows");
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        var problems = new List<string>();
        foreach (var row in rows)
        {
            if (!Verdicts.Any(v => row.Verdict.StartsWith(v, StringComparison.Ordinal) || row.Verdict.StartsWith("see ", StringComparison.Ordinal)))
            {
                problems.Add($"{row.Id}: unknown verdict '{row.Verdict}'");
            }

            if (row.Verdict.StartsWith("conforms", StringComparison.Ordinal) && row.Tests.Count == 0)
            {
                problems.Add($"{row.Id}: 'conforms' but no test names it");
            }

            if (row.Verdict.StartsWith("deviation", StringComparison.Ordinal) && !row.Verdict.Contains(':', StringComparison.Ordinal) &&
                !row.Verdict.Contains("(as ", StringComparison.Ordinal) && !row.Verdict.Contains("(see ", StringComparison.Ordinal))
            {
                problems.Add($"{row.Id}: a deviation must say why (after a colon) or point to the row that does (\"(as 9568-x)\")");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_test_a_row_names_exists_and_carries_the_rows_identifier()
    {
        var tests = TestSource.Scan();
        var problems = new List<string>();
        foreach (var row in Ledger.Rows)
        {
            foreach (string reference in row.Tests)
            {
                string[] parts = reference.Split('.');
                if (parts.Length != 2)
                {
                    problems.Add($"{row.Id}: '{reference}' is not Class.Method or Class.*");
                    continue;
                }

                var (type, method) = (parts[0], parts[1]);
                if (!tests.Classes.TryGetValue(type, out var testClass))
                {
                    problems.Add($"{row.Id}: no test class {type}");
                    continue;
                }

                if (method == "*")
                {
                    if (!testClass.Traits.Contains(row.Id))
                    {
                        problems.Add($"{row.Id}: class {type} lacks [Trait(\"Rfc\", \"{row.Id}\")]");
                    }

                    continue;
                }

                if (!testClass.Methods.TryGetValue(method, out var traits))
                {
                    problems.Add($"{row.Id}: {type} has no test {method}");
                }
                else if (!traits.Contains(row.Id) && !testClass.Traits.Contains(row.Id))
                {
                    problems.Add($"{row.Id}: {type}.{method} lacks [Trait(\"Rfc\", \"{row.Id}\")]");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problems (tests/Vrrp.Docs.Tests/tag-conformance.py adds missing traits):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_rfc_trait_belongs_to_a_row_that_names_the_test()
    {
        var rows = Ledger.Rows.ToDictionary(r => r.Id);
        var problems = new List<string>();
        foreach (var (type, testClass) in TestSource.Scan().Classes)
        {
            foreach (string id in testClass.Traits)
            {
                if (!rows.TryGetValue(id, out var row) || !row.Tests.Contains($"{type}.*"))
                {
                    problems.Add($"class {type} carries {id}, but no row names {type}.*");
                }
            }

            foreach (var (method, traits) in testClass.Methods)
            {
                foreach (string id in traits)
                {
                    if (!rows.TryGetValue(id, out var row) || !row.Tests.Contains($"{type}.{method}"))
                    {
                        problems.Add($"{type}.{method} carries {id}, but row {id} does not name it");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_checks_see_a_missing_test_and_a_stray_trait()
    {
        // The parser on a made-up row and source: a test that does not exist and a trait no row claims.
        var row = Ledger.Parse("| 9568-9.9-z | x | MUST | conforms | - | `NoSuchTests.Nothing`, `Present.Here` |").Single();
        Assert.Equal(["NoSuchTests.Nothing", "Present.Here"], row.Tests);
        var scanned = TestSource.Parse("public class Present\n{\n    [Trait(\"Rfc\", \"9568-1.1-a\")]\n    [Fact]\n    public void Here() { }\n}\n");
        Assert.False(scanned.Classes.ContainsKey("NoSuchTests"));
        Assert.Equal(["9568-1.1-a"], scanned.Classes["Present"].Methods["Here"]);
    }

    /// <summary>The rows of docs/conformance.md.</summary>
    internal static partial class Ledger
    {
        public static IReadOnlyList<Row> Rows => Parse(File.ReadAllText(Repository.PathOf("docs/conformance.md")));

        public static List<Row> Parse(string markdown)
        {
            var rows = new List<Row>();
            foreach (string line in markdown.Split('\n'))
            {
                var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
                if (cells.Length != 6 || !RowId().IsMatch(cells[0]))
                {
                    continue;
                }

                var tests = TestReference().Matches(cells[5]).Select(m => m.Groups[1].Value).ToList();
                rows.Add(new Row(cells[0], cells[2], cells[3], tests));
            }

            return rows;
        }

        [GeneratedRegex(@"^(9568|3768)-[0-9.]+-[a-z]+$")]
        private static partial Regex RowId();

        [GeneratedRegex(@"`([A-Za-z0-9_]+\.(?:[A-Za-z0-9_]+|\*))`")]
        private static partial Regex TestReference();
    }

    internal sealed record Row(string Id, string Level, string Verdict, IReadOnlyList<string> Tests);

    /// <summary>The test classes of tests/**, their test methods and their Rfc traits, read from the source.</summary>
    internal static partial class TestSource
    {
        public static Scanned Scan()
        {
            var all = new Scanned();
            foreach (string file in Directory.EnumerateFiles(Repository.PathOf("tests"), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var (name, testClass) in Parse(File.ReadAllText(file)).Classes)
                {
                    if (all.Classes.TryGetValue(name, out var existing))
                    {
                        existing.Traits.UnionWith(testClass.Traits);
                        foreach (var (method, traits) in testClass.Methods)
                        {
                            existing.Methods[method] = traits;
                        }
                    }
                    else
                    {
                        all.Classes[name] = testClass;
                    }
                }
            }

            return all;
        }

        public static Scanned Parse(string source)
        {
            var scanned = new Scanned();
            TestClass? current = null;
            var pending = new HashSet<string>(StringComparer.Ordinal);
            foreach (string raw in source.Split('\n'))
            {
                string line = raw.Trim();
                var trait = Trait().Match(line);
                if (trait.Success)
                {
                    pending.Add(trait.Groups[1].Value);
                    continue;
                }

                var type = Class().Match(line);
                if (type.Success)
                {
                    current = new TestClass();
                    current.Traits.UnionWith(pending);
                    scanned.Classes[type.Groups[1].Value] = current;
                    pending.Clear();
                    continue;
                }

                var method = Method().Match(line);
                if (method.Success && current is not null)
                {
                    current.Methods[method.Groups[1].Value] = [.. pending];
                    pending.Clear();
                    continue;
                }

                if (line.Length > 0 && !line.StartsWith('[') && !line.StartsWith("//", StringComparison.Ordinal))
                {
                    pending.Clear();
                }
            }

            return scanned;
        }

        [GeneratedRegex(@"^\[Trait\(""Rfc"",\s*""([^""]+)""\)\]")]
        private static partial Regex Trait();

        [GeneratedRegex(@"^(?:public |internal )?(?:sealed |static |abstract )*(?:partial )?class ([A-Za-z0-9_]+)")]
        private static partial Regex Class();

        [GeneratedRegex(@"^public (?:async )?(?:static )?(?:void|Task|ValueTask)\s+([A-Za-z0-9_]+)\s*\(")]
        private static partial Regex Method();
    }

    internal sealed class Scanned
    {
        public Dictionary<string, TestClass> Classes { get; } = new(StringComparer.Ordinal);
    }

    internal sealed class TestClass
    {
        public HashSet<string> Traits { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> Methods { get; } = new(StringComparer.Ordinal);
    }
}
