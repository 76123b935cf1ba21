using System.Text;

namespace Vrrp.Keepalived;

/// <summary>A keepalived.conf has errors. The message lists every error, one per line, as <c>FILE:LINE: error: MESSAGE</c>.</summary>
public sealed class KeepalivedConfigException : Exception
{
    /// <summary>Creates the exception from the diagnostics of a read; only the errors are kept.</summary>
    /// <param name="diagnostics">The diagnostics of the read.</param>
    public KeepalivedConfigException(IEnumerable<ConfigDiagnostic> diagnostics)
        : this(Select(diagnostics))
    {
    }

    private KeepalivedConfigException(List<ConfigDiagnostic> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Every error of the configuration, in file order.</summary>
    public IReadOnlyList<ConfigDiagnostic> Errors { get; }

    private static List<ConfigDiagnostic> Select(IEnumerable<ConfigDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        return diagnostics.Where(static d => d.Severity == ConfigDiagnosticSeverity.Error).ToList();
    }

    private static string Format(List<ConfigDiagnostic> errors)
    {
        var text = new StringBuilder();
        text.Append("The keepalived configuration has ").Append(errors.Count).Append(errors.Count == 1 ? " error:" : " errors:");
        foreach (var error in errors)
        {
            text.Append('\n').Append(error);
        }

        return text.ToString();
    }
}
