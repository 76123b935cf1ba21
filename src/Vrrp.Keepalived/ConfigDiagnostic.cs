namespace Vrrp.Keepalived;

/// <summary>How serious a <see cref="ConfigDiagnostic"/> is.</summary>
public enum ConfigDiagnosticSeverity
{
    /// <summary>Something was ignored or adjusted (an unsupported keyword, an LVS block); the options are still usable.</summary>
    Warning = 0,

    /// <summary>The configuration is wrong (an invalid value, unbalanced braces, a missing required keyword); the options must not be used.</summary>
    Error = 1,
}

/// <summary>A warning or error found while reading a keepalived.conf, with the file and line it comes from.</summary>
/// <param name="Severity">Whether it is a warning or an error.</param>
/// <param name="File">The file, as named by the caller or by the <c>include</c> that pulled it in.</param>
/// <param name="Line">The 1-based line number in <paramref name="File"/>.</param>
/// <param name="Message">What is wrong and what was expected, for example <c>virtual_router_id 'x': expected a number 1..255</c>.</param>
public sealed record ConfigDiagnostic(ConfigDiagnosticSeverity Severity, string File, int Line, string Message)
{
    /// <summary>The compiler-style form <c>FILE:LINE: warning|error: MESSAGE</c>.</summary>
    /// <returns>For example <c>keepalived.conf:4: error: virtual_router_id 'x': expected a number 1..255</c>.</returns>
    public override string ToString() =>
        $"{File}:{Line}: {(Severity == ConfigDiagnosticSeverity.Error ? "error" : "warning")}: {Message}";
}
