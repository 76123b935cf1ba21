using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>
/// Reads the VRRP part of a keepalived.conf (keepalived 2.2.7 syntax) into <see cref="VrrpOptions"/>: <c>global_defs</c>,
/// <c>vrrp_instance</c>, <c>vrrp_script</c>, <c>vrrp_sync_group</c>, <c>vrrp_track_file</c>, with <c>include</c>,
/// comments, quoting, conditional (<c>@ID</c>) lines and <c>$NAME</c> parameters.
/// </summary>
/// <remarks>
/// Reading never throws for a bad configuration: every problem becomes a <see cref="ConfigDiagnostic"/> with its file and
/// line. Unsupported keywords (and LVS blocks) are warnings; invalid values, unbalanced braces, unknown blocks and missing
/// required keywords are errors. Use <see cref="KeepalivedConfigResult.GetOptionsOrThrow"/> to throw on errors. Value
/// ranges are checked here where keepalived checks them; cross-field rules (VRID unique per interface...) are left to the
/// options validator.
/// </remarks>
public static class KeepalivedConfigReader
{
    /// <summary>Reads a keepalived.conf and the files it includes.</summary>
    /// <param name="path">The file, for example <c>/etc/keepalived/keepalived.conf</c>. Diagnostics name it as given.</param>
    /// <param name="configId">The config id that <c>@ID</c> lines are matched against (keepalived's <c>-i</c>); defaults to the first label of the host name, as keepalived does.</param>
    /// <param name="checkAllIncludes">
    /// Every include problem is an error, as with keepalived's <c>-e</c> / <c>--all-config</c> (the same as
    /// <c>include_check</c> with no words); otherwise only the checks the include keyword and <c>include_check</c> ask for.
    /// </param>
    /// <returns>The options and the diagnostics.</returns>
    public static KeepalivedConfigResult Read(string path, string? configId = null, bool checkAllIncludes = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var diagnostics = new DiagnosticList();
        var lexer = new ConfigLexer(diagnostics, configId ?? DefaultConfigId(), checkAllIncludes);
        lexer.ReadFile(path);
        return Bind(lexer, diagnostics);
    }

    /// <summary>Reads keepalived.conf text.</summary>
    /// <param name="text">The configuration text.</param>
    /// <param name="fileName">The name diagnostics give the text; relative <c>include</c> patterns are resolved from its folder.</param>
    /// <param name="configId">The config id that <c>@ID</c> lines are matched against; defaults to the first label of the host name.</param>
    /// <param name="checkAllIncludes">Every include problem is an error, as with keepalived's <c>-e</c> / <c>--all-config</c>.</param>
    /// <returns>The options and the diagnostics.</returns>
    public static KeepalivedConfigResult ReadText(string text, string fileName = "keepalived.conf", string? configId = null, bool checkAllIncludes = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var diagnostics = new DiagnosticList();
        var lexer = new ConfigLexer(diagnostics, configId ?? DefaultConfigId(), checkAllIncludes);
        lexer.ReadText(text, fileName);
        return Bind(lexer, diagnostics);
    }

    private static KeepalivedConfigResult Bind(ConfigLexer lexer, DiagnosticList diagnostics)
    {
        var tree = ConfigTreeBuilder.Build(lexer.Lines, diagnostics);
        var options = new KeepalivedConfigBinder(diagnostics).Bind(tree);
        // Report in reading order (an included file's lines where the include is), as a compiler would.
        var sorted = diagnostics.Items
            .Select(static (d, index) => (Diagnostic: d, Index: index))
            .OrderBy(x => lexer.ReadingOrder(x.Diagnostic.File, x.Diagnostic.Line))
            .ThenBy(static x => x.Index)
            .Select(static x => x.Diagnostic)
            .ToArray();
        return new KeepalivedConfigResult(options, sorted);
    }

    private static string DefaultConfigId()
    {
        string host = Environment.MachineName;
        int dot = host.IndexOf('.');
        return dot < 0 ? host : host[..dot];
    }
}
