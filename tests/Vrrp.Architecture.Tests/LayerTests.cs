using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Vrrp.Architecture.Tests;

/// <summary>
/// The packages follow the layers of docs/architecture.md: each depends only on the ones below it, the protocol core on
/// nothing but the contracts and the logging abstractions, and no shipped assembly opens its internals to another
/// shipped one. Read from the compiled metadata, so a reference added in code (not only in a project file) is caught.
/// </summary>
public class LayerTests
{
    /// <summary>The shipped assemblies and what each may reference among ours and among Microsoft.Extensions.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Vrrp.Abstractions"] = [],
        ["Vrrp.Core"] = ["Vrrp.Abstractions", "Microsoft.Extensions.Logging.Abstractions"],
        ["Vrrp.Hosting"] = ["Vrrp.Abstractions", "Vrrp.Core", "Microsoft.Extensions.*"],
        ["Vrrp.Keepalived"] = ["Vrrp.Abstractions", "Vrrp.Core", "Vrrp.Hosting", "Microsoft.Extensions.*"],
        ["Vrrp.Testing"] = ["Vrrp.Abstractions", "Vrrp.Core", "Vrrp.Hosting", "Microsoft.Extensions.*"],
        ["Vrrp.Linux"] = ["Vrrp.Abstractions", "Vrrp.Core", "Vrrp.Hosting", "Microsoft.Extensions.*"],
    };

    /// <summary>Within Vrrp.Core: a namespace may use the ones before it in this list, never one after it.</summary>
    internal static readonly string[] CoreNamespaces = ["Vrrp.Packets", "Vrrp.Election", "Vrrp.Runtime"];

    public static TheoryData<string> Shipped() => [.. Allowed.Keys];

    [Theory]
    [MemberData(nameof(Shipped))]
    public void A_package_references_only_the_layers_below_it(string assembly)
    {
        var references = ReferencesOf(PathOf(assembly));
        Assert.Contains(references, r => r.StartsWith("System.", StringComparison.Ordinal));   // the reader works
        var violations = Violations(assembly, references);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void No_shipped_assembly_opens_its_internals_to_another_shipped_one(string assembly)
    {
        var friends = InternalsVisibleToOf(PathOf(assembly));
        Assert.All(friends, friend => Assert.False(Allowed.ContainsKey(friend), $"{assembly} has InternalsVisibleTo({friend})"));
        Assert.All(friends, friend => Assert.True(friend.EndsWith(".Tests", StringComparison.Ordinal) || friend == "Vrrp.Benchmarks", $"{assembly} opens its internals to {friend}"));
    }

    [Fact]
    public void Core_namespaces_point_one_way()
    {
        string core = PathOf("Vrrp.Core");
        var violations = new List<string>();
        for (int i = 0; i < CoreNamespaces.Length; i++)
        {
            string ns = CoreNamespaces[i];
            string[] later = CoreNamespaces[(i + 1)..];
            violations.AddRange(IlScanner.Scan(core, n => n == ns, r => later.Any(l => r.Contains(l + ".", StringComparison.Ordinal)), out int types)
                .Select(v => $"{ns}: {v}"));
            Assert.True(types > 0, $"no type in {ns}");
        }

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_checks_see_a_reverse_reference()
    {
        // An injected reverse reference (the core using the host, Linux using the keepalived reader) must be reported.
        Assert.NotEmpty(Violations("Vrrp.Core", ["System.Runtime", "Vrrp.Abstractions", "Vrrp.Hosting"]));
        Assert.NotEmpty(Violations("Vrrp.Core", ["System.Runtime", "Microsoft.Extensions.Options"]));
        Assert.NotEmpty(Violations("Vrrp.Linux", ["System.Runtime", "Vrrp.Core", "Vrrp.Keepalived"]));
        Assert.Empty(Violations("Vrrp.Linux", ["System.Runtime", "Vrrp.Core", "Vrrp.Hosting", "Microsoft.Extensions.Options"]));

        // And the namespace check sees what Runtime uses of Election (a later namespace using an earlier one is fine,
        // so the scanner is pointed the other way round here).
        var seen = IlScanner.Scan(PathOf("Vrrp.Core"), n => n == "Vrrp.Runtime", r => r.Contains("Vrrp.Election.", StringComparison.Ordinal), out _);
        Assert.NotEmpty(seen);
    }

    internal static List<string> Violations(string assembly, IEnumerable<string> references)
    {
        var allowed = Allowed[assembly];
        var violations = new List<string>();
        foreach (string reference in references)
        {
            bool ours = reference.StartsWith("Vrrp.", StringComparison.Ordinal);
            bool extensions = reference.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal);
            if (!ours && !extensions)
            {
                continue;   // the framework (System.*, netstandard)
            }

            bool ok = allowed.Any(a => a == reference || (a.EndsWith(".*", StringComparison.Ordinal) && reference.StartsWith(a[..^1], StringComparison.Ordinal)));
            if (!ok)
            {
                violations.Add($"{assembly} references {reference}, which is not below it (allowed: {string.Join(", ", allowed)})");
            }
        }

        return violations;
    }

    private static string PathOf(string assembly)
    {
        string path = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing");
        return path;
    }

    private static List<string> ReferencesOf(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        return [.. md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name))];
    }

    private static List<string> InternalsVisibleToOf(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var friends = new List<string>();
        foreach (var handle in md.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = md.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var constructor = md.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference ||
                md.GetString(md.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) != "InternalsVisibleToAttribute")
            {
                continue;
            }

            // The blob: prolog 0x0001, then the SerString argument.
            var blob = md.GetBlobReader(attribute.Value);
            blob.ReadUInt16();
            string value = blob.ReadSerializedString() ?? "";
            friends.Add(value.Split(',')[0].Trim());
        }

        return friends;
    }
}
