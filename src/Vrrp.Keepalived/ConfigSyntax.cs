namespace Vrrp.Keepalived;

/// <summary>Where a token or statement comes from.</summary>
internal readonly record struct SourceLocation(string File, int Line);

/// <summary>One word of a keepalived.conf line, with quotes removed; <see cref="Quoted"/> when it was in double quotes.</summary>
/// <remarks>keepalived 2.2.7 takes a word that is exactly <c>{</c> or <c>}</c> as a brace even when quoted; so do we.</remarks>
internal sealed record ConfigToken(string Text, bool Quoted, SourceLocation Location)
{
    public bool IsOpenBrace => Text == "{";

    public bool IsCloseBrace => Text == "}";
}

/// <summary>One line's tokens after comments, conditionals, parameters and includes are handled.</summary>
internal sealed record ConfigLine(IReadOnlyList<ConfigToken> Tokens);

/// <summary>A keyword, its arguments on the same line, and its block when it has one.</summary>
internal sealed class ConfigStatement(ConfigToken keyword, IReadOnlyList<ConfigToken> arguments)
{
    public ConfigToken KeywordToken { get; } = keyword;

    public string Keyword => KeywordToken.Text;

    public IReadOnlyList<ConfigToken> Arguments { get; } = arguments;

    public SourceLocation Location => KeywordToken.Location;

    /// <summary>The statements inside <c>{ ... }</c>, or null when the keyword has no block.</summary>
    public List<ConfigStatement>? Block { get; set; }

    /// <summary>The keyword and its arguments as written (quoted where needed), for messages.</summary>
    public string Text => Arguments.Count == 0 ? Keyword : $"{Keyword} {string.Join(' ', Arguments.Select(static a => a.Text))}";
}

/// <summary>Collects warnings and errors in the order they are found.</summary>
internal sealed class DiagnosticList
{
    private readonly List<ConfigDiagnostic> _items = [];

    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    public void Error(SourceLocation at, string message) =>
        _items.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Error, at.File, at.Line, message));

    public void Warning(SourceLocation at, string message) =>
        _items.Add(new ConfigDiagnostic(ConfigDiagnosticSeverity.Warning, at.File, at.Line, message));
}
