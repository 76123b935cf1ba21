using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>What <see cref="KeepalivedConfigReader"/> made of a keepalived.conf: the options and every warning and error.</summary>
public sealed class KeepalivedConfigResult
{
    internal KeepalivedConfigResult(VrrpOptions options, IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        Options = options;
        Diagnostics = diagnostics;
    }

    /// <summary>The options read. When <see cref="HasErrors"/> is true they are incomplete and must not be used to run.</summary>
    public VrrpOptions Options { get; }

    /// <summary>Every warning and error, in file order (included files where they were included).</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }

    /// <summary>True when at least one diagnostic is an error.</summary>
    public bool HasErrors => Diagnostics.Any(static d => d.Severity == ConfigDiagnosticSeverity.Error);

    /// <summary>The errors only.</summary>
    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Where(static d => d.Severity == ConfigDiagnosticSeverity.Error);

    /// <summary>The warnings only.</summary>
    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Where(static d => d.Severity == ConfigDiagnosticSeverity.Warning);

    /// <summary>Returns <see cref="Options"/>, or throws when there are errors.</summary>
    /// <returns>The options.</returns>
    /// <exception cref="KeepalivedConfigException">The configuration has errors; the exception lists all of them.</exception>
    public VrrpOptions GetOptionsOrThrow() => HasErrors ? throw new KeepalivedConfigException(Diagnostics) : Options;
}
