using System.Text;

namespace Vrrp.Keepalived;

/// <summary>
/// Turns keepalived.conf text into lines of tokens, the way keepalived 2.2.7 reads it: <c>#</c> and <c>!</c> start a
/// comment anywhere outside double quotes; <c>"..."</c> is one word; <c>{</c> and <c>}</c> are words of their own; <c>include GLOB</c> splices in files (relative to the
/// including file, with a guard against include cycles); <c>@ID</c> / <c>@^ID</c> conditional lines and single-line
/// <c>$NAME=VALUE</c> parameters with <c>$NAME</c> / <c>${NAME}</c> substitution are handled.
/// </summary>
internal sealed class ConfigLexer
{
    private const int MaxIncludeDepth = 32;
    private const int MaxSubstitutionPasses = 32;

    /// <summary>keepalived's white space (" \t\f\n\r\v"); other Unicode spaces are ordinary characters.</summary>
    internal static readonly char[] WhiteSpace = [' ', '\t', '\f', '\n', '\r', '\v'];

    private static readonly string[] s_includeKeywords = ["include", "includer", "includem", "includew", "includeb", "includea"];

    private readonly DiagnosticList _diagnostics;
    private readonly string _configId;
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly List<string> _includeStack = [];
    private readonly List<ConfigLine> _lines = [];
    private readonly Dictionary<(string File, int Line), int> _readingOrder = [];

    // keepalived's include checks (lib/parser.c include_t): which include problems are errors rather than logged.
    private IncludeChecks _includeChecks;

    // Where the reader is in the block structure, for include_check (read in global_defs only, as keepalived's
    // keyword is): the brace depth, the depth inside global_defs (-1 outside), and the last word read.
    private int _depth;
    private int _globalDefsDepth = -1;
    private string? _lastWord;

    public ConfigLexer(DiagnosticList diagnostics, string configId, bool checkAllIncludes = false)
    {
        _diagnostics = diagnostics;
        _configId = configId;
        _includeChecks = checkAllIncludes ? IncludeChecks.All : IncludeChecks.None;
    }

    /// <summary>keepalived's include checks: each names a kind of include problem that is an error rather than a warning.</summary>
    [Flags]
    internal enum IncludeChecks
    {
        None = 0,

        /// <summary><c>read</c>: a match that is a directory, not a regular file, executable or unreadable.</summary>
        Read = 1,

        /// <summary><c>match</c>: a name without wildcards that names no file.</summary>
        Match = 2,

        /// <summary><c>wildcard_match</c>: a pattern with wildcards that matches nothing.</summary>
        WildcardMatch = 4,

        /// <summary><c>brace_match</c>: a <c>{a,b}</c> alternative that names no file.</summary>
        BraceMatch = 8,

        All = Read | Match | WildcardMatch | BraceMatch,
    }

    public IReadOnlyList<ConfigLine> Lines => _lines;

    internal static bool IsWhiteSpace(char c) => c is ' ' or '\t' or '\f' or '\n' or '\r' or '\v';

    /// <summary>The position of a file's line in reading order (includes where they are included), for sorting diagnostics.</summary>
    public int ReadingOrder(string file, int line) => _readingOrder.GetValueOrDefault((file, line));

    /// <summary>Reads a file named by the caller; a missing or unreadable file is an error at line 0.</summary>
    public void ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            _diagnostics.Error(new SourceLocation(path, 0), $"cannot read the file: {e.Message}");
            return;
        }

        ReadText(text, path);
    }

    /// <summary>Reads text as if it came from <paramref name="fileName"/> (includes are relative to its folder).</summary>
    public void ReadText(string text, string fileName)
    {
        _includeStack.Add(FullPath(fileName));
        try
        {
            ReadLines(text, fileName);
        }
        finally
        {
            _includeStack.RemoveAt(_includeStack.Count - 1);
        }
    }

    private static string FullPath(string fileName)
    {
        try
        {
            return Path.GetFullPath(fileName);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return fileName;
        }
    }

    private void ReadLines(string text, string fileName)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        string[] rawLines = text.Split('\n');
        for (int i = 0; i < rawLines.Length; i++)
        {
            var at = new SourceLocation(fileName, i + 1);
            _readingOrder.TryAdd((fileName, i + 1), _readingOrder.Count + 1);
            string line = rawLines[i].TrimEnd('\r');
            string? processed = Preprocess(line, at);
            if (processed is null)
            {
                // A multi-line parameter definition: skip its continuation lines.
                if (IsMultiLineDefinition(line))
                {
                    while (i + 1 < rawLines.Length && rawLines[i].TrimEnd(WhiteSpace).EndsWith('\\'))
                    {
                        i++;
                    }
                }

                continue;
            }

            var tokens = Tokenize(processed, at);
            if (processed.AsSpan().IndexOfAny(HashStandIn, BangStandIn) >= 0)
            {
                tokens = tokens.ConvertAll(static t => t with { Text = t.Text.Replace(HashStandIn, '#').Replace(BangStandIn, '!') });
            }

            if (tokens.Count == 0)
            {
                continue;
            }

            if (!tokens[0].Quoted && Array.IndexOf(s_includeKeywords, tokens[0].Text) >= 0)
            {
                Include(tokens[0].Text, processed, at, fileName);
                continue;
            }

            if (!tokens[0].Quoted && tokens[0].Text == "include_check" && _depth == _globalDefsDepth)
            {
                // Applied where it is read, as keepalived applies it: to the includes that come after it.
                SetIncludeChecks(tokens, at);
            }

            FollowBlocks(tokens);
            _lines.Add(new ConfigLine(tokens));
        }
    }

    private static bool IsMultiLineDefinition(string line) => line.TrimStart(WhiteSpace).StartsWith('$') && line.TrimEnd(WhiteSpace).EndsWith('\\');

    /// <summary>Handles conditionals, parameter definitions and substitution; returns null when the line is consumed.</summary>
    private string? Preprocess(string line, SourceLocation at)
    {
        string trimmed = line.TrimStart(WhiteSpace);
        if (trimmed.Length == 0 || trimmed[0] is '#' or '!')
        {
            return null;
        }

        if (!ApplyConditional(ref trimmed))
        {
            return null;
        }

        if (trimmed.StartsWith("~SEQ", StringComparison.Ordinal) || trimmed.StartsWith("~LST", StringComparison.Ordinal))
        {
            _diagnostics.Warning(at, $"{trimmed[..4]} lines are not supported; line ignored");
            return null;
        }

        if (trimmed.StartsWith('$') && TryDefineParameter(trimmed, at))
        {
            return null;
        }

        if (trimmed.Contains('$', StringComparison.Ordinal))
        {
            trimmed = Substitute(trimmed, at);
            if (!ApplyConditional(ref trimmed))
            {
                return null;
            }
        }

        return trimmed;
    }

    /// <summary>keepalived's <c>@ID</c> (keep the line only on that config id) and <c>@^ID</c> (keep it on all others).</summary>
    private bool ApplyConditional(ref string line)
    {
        line = line.TrimStart(WhiteSpace);
        if (!line.StartsWith('@'))
        {
            return true;
        }

        int end = 1;
        while (end < line.Length && !IsWhiteSpace(line[end]))
        {
            end++;
        }

        bool negate = line.Length > 1 && line[1] == '^';
        string id = line[(negate ? 2 : 1)..end];
        bool match = string.Equals(id, _configId, StringComparison.Ordinal);
        line = line[end..].TrimStart(WhiteSpace);
        return negate ? !match : match;
    }

    private bool TryDefineParameter(string line, SourceLocation at)
    {
        int i = 1;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_'))
        {
            i++;
        }

        string name = line[1..i];
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }

        if (name.Length == 0 || char.IsAsciiDigit(name[0]) || i >= line.Length || line[i] != '=')
        {
            return false;
        }

        string value = line[(i + 1)..].Trim(WhiteSpace);
        if (value.EndsWith('\\'))
        {
            _diagnostics.Warning(at, $"multi-line parameter definition '${name}' is not supported; ignored");
            return true;
        }

        _parameters[name] = value;
        return true;
    }

    private string Substitute(string line, SourceLocation at)
    {
        for (int pass = 0; pass < MaxSubstitutionPasses; pass++)
        {
            string next = SubstituteOnce(line, at);
            if (next == line)
            {
                return line;
            }

            line = next;
        }

        _diagnostics.Error(at, "parameter substitution does not end (a parameter refers to itself)");
        return line;
    }

    // What keepalived's ${_HASH} and ${_BANG} give, kept apart from comment characters until the line is split into
    // words (the words get '#' and '!' back): the point of them is a '#' or '!' that does not start a comment.
    internal const char HashStandIn = '\u0003';
    internal const char BangStandIn = '\u0004';

    /// <summary>
    /// keepalived 2.2.7's own definitions: <c>_PWD</c> (the folder of the file being read: keepalived reads each file
    /// from its folder), <c>_INSTANCE</c> (the config id), <c>_RANDOM [MIN [MAX]]</c> (a number in MIN..MAX, default
    /// 0..32767), <c>_HASH</c> and <c>_BANG</c> (a literal '#' and '!').
    /// </summary>
    private string? Builtin(string name, string parameters, SourceLocation at)
    {
        switch (name)
        {
            case "_PWD":
                return Path.GetDirectoryName(FullPath(at.File)) ?? "/";
            case "_INSTANCE":
                return _configId;
            case "_HASH":
                return HashStandIn.ToString();
            case "_BANG":
                return BangStandIn.ToString();
            case "_RANDOM":
                string[] words = parameters.Split(WhiteSpace, StringSplitOptions.RemoveEmptyEntries);
                long min = 0, max = 32767;
                if (words.Length > 2 || !words.All(static w => w.All(char.IsAsciiDigit)) ||
                    (words.Length > 0 && !long.TryParse(words[0], out min)) || (words.Length > 1 && !long.TryParse(words[1], out max)) || max < min)
                {
                    _diagnostics.Error(at, $"${{_RANDOM {parameters}}}: expected ${{_RANDOM}}, ${{_RANDOM MIN}} or ${{_RANDOM MIN MAX}} with MIN <= MAX");
                    return "0";
                }

                return Random.Shared.NextInt64(min, max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    private string SubstituteOnce(string line, SourceLocation at)
    {
        var result = new StringBuilder(line.Length);
        int i = 0;
        while (i < line.Length)
        {
            if (line[i] == '$' && i + 1 < line.Length)
            {
                if (line[i + 1] == '{')
                {
                    int close = line.IndexOf('}', i + 2);
                    if (close > 0 && _parameters.TryGetValue(line[(i + 2)..close], out string? braced))
                    {
                        result.Append(braced);
                        i = close + 1;
                        continue;
                    }

                    if (close > 0)
                    {
                        string inside = line[(i + 2)..close];
                        int space = inside.AsSpan().IndexOfAny(WhiteSpace);
                        string name = space < 0 ? inside : inside[..space];
                        if (Builtin(name, space < 0 ? "" : inside[space..], at) is { } value)
                        {
                            result.Append(value);
                            i = close + 1;
                            continue;
                        }
                    }
                }
                else
                {
                    int end = i + 1;
                    while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_'))
                    {
                        end++;
                    }

                    // keepalived replaces $NAME when white space, ',', ')' or the end of the line follows.
                    if (end > i + 1 && (end == line.Length || IsWhiteSpace(line[end]) || line[end] is ',' or ')') &&
                        (_parameters.TryGetValue(line[(i + 1)..end], out string? plain) || (plain = Builtin(line[(i + 1)..end], "", at)) is not null))
                    {
                        result.Append(plain);
                        i = end;
                        continue;
                    }
                }
            }

            result.Append(line[i]);
            i++;
        }

        return result.ToString();
    }

    /// <summary>
    /// Splits a line into words as keepalived's first pass does: <c>"..."</c> is one word (quotes removed, a quote ends
    /// the word before it); single quotes are ordinary characters here (they matter inside script strings);
    /// <c>#</c> and <c>!</c> outside double quotes start a comment unless escaped as <c>\#</c> / <c>\!</c>;
    /// <c>{</c> and <c>}</c> outside double quotes are words of their own.
    /// </summary>
    internal List<ConfigToken> Tokenize(string line, SourceLocation at)
    {
        var tokens = new List<ConfigToken>();
        var word = new StringBuilder();
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (c is '#' or '!')
            {
                break;
            }

            if (IsWhiteSpace(c))
            {
                Flush();
                i++;
            }
            else if (c is '{' or '}')
            {
                Flush();
                tokens.Add(new ConfigToken(c.ToString(), false, at));
                i++;
            }
            else if (c == '"')
            {
                Flush();
                int close = line.IndexOf('"', i + 1);
                if (close < 0)
                {
                    _diagnostics.Error(at, "unterminated quoted string: expected a closing \"");
                    tokens.Add(new ConfigToken(line[(i + 1)..], true, at));
                    break;
                }

                tokens.Add(new ConfigToken(line[(i + 1)..close], true, at));
                i = close + 1;
            }
            else if (c == '\\' && i + 1 < line.Length && line[i + 1] is '#' or '!')
            {
                word.Append(line[i + 1]);
                i += 2;
            }
            else
            {
                word.Append(c);
                i++;
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (word.Length > 0)
            {
                tokens.Add(new ConfigToken(word.ToString(), false, at));
                word.Clear();
            }
        }
    }

    private void FollowBlocks(List<ConfigToken> tokens)
    {
        foreach (var token in tokens)
        {
            if (!token.Quoted && token.Text == "{")
            {
                _depth++;
                if (_depth == 1 && _lastWord == "global_defs")
                {
                    _globalDefsDepth = 1;
                }
            }
            else if (!token.Quoted && token.Text == "}")
            {
                if (_depth == _globalDefsDepth)
                {
                    _globalDefsDepth = -1;
                }

                _depth = Math.Max(0, _depth - 1);
            }

            _lastWord = token.Text;
        }
    }

    /// <summary>
    /// <c>include_check [[+|-]read|match|wildcard_match|brace_match]...</c> as keepalived 2.2.7 reads it: no word sets
    /// every check; a plain first word sets read and that check; +WORD and -WORD add and remove one.
    /// </summary>
    private void SetIncludeChecks(List<ConfigToken> tokens, SourceLocation at)
    {
        if (tokens.Count == 1)
        {
            _includeChecks = IncludeChecks.All;
            return;
        }

        for (int i = 1; i < tokens.Count; i++)
        {
            string word = tokens[i].Text;
            int sign = word.StartsWith('-') ? -1 : word.StartsWith('+') ? 1 : 0;
            if (sign == 0 && i > 1)
            {
                _diagnostics.Error(at, $"include_check: a second plain word '{word}' (keepalived: \"Duplicate include_check\"); add checks with +WORD");
                continue;
            }

            string name = sign == 0 ? word : word[1..];
            IncludeChecks check = name switch
            {
                "read" => IncludeChecks.Read,
                "match" => IncludeChecks.Match,
                "wildcard_match" => IncludeChecks.WildcardMatch,
                "brace_match" => IncludeChecks.BraceMatch,
                _ => IncludeChecks.None,
            };
            if (check == IncludeChecks.None)
            {
                _diagnostics.Error(at, $"include_check: unknown check '{name}': expected read, match, wildcard_match or brace_match");
                if (sign == 0)
                {
                    _includeChecks = IncludeChecks.None; // keepalived clears the checks before it reads the first plain word
                }

                continue;
            }

            _includeChecks = sign switch
            {
                0 => IncludeChecks.Read | check,
                1 => _includeChecks | check,
                _ => _includeChecks & ~check,
            };
        }
    }

    /// <summary>The checks an include keyword asks for itself (keepalived: includer, includem, includew, includeb, includea).</summary>
    private static IncludeChecks ChecksOf(string keyword) => keyword switch
    {
        "includer" => IncludeChecks.Read,
        "includem" => IncludeChecks.Read | IncludeChecks.Match,
        "includew" => IncludeChecks.Read | IncludeChecks.Match | IncludeChecks.WildcardMatch,
        "includeb" => IncludeChecks.Read | IncludeChecks.BraceMatch,
        "includea" => IncludeChecks.All,
        _ => IncludeChecks.None,
    };

    private void Include(string keyword, string line, SourceLocation at, string fileName)
    {
        // The pattern is the rest of the line (braces in it are csh-style alternatives, not blocks).
        string rest = line[keyword.Length..];
        var patternTokens = Tokenize(rest.Replace("{", "\u0001", StringComparison.Ordinal).Replace("}", "\u0002", StringComparison.Ordinal), at);
        if (patternTokens.Count == 0)
        {
            _diagnostics.Error(at, $"{keyword}: expected a file name or pattern");
            return;
        }

        if (patternTokens.Count > 1)
        {
            _diagnostics.Warning(at, $"{keyword}: only one pattern is read; '{string.Join(' ', patternTokens.Skip(1).Select(static t => Restore(t.Text)))}' ignored");
        }

        string pattern = Restore(patternTokens[0].Text);
        if (_includeStack.Count > MaxIncludeDepth)
        {
            _diagnostics.Error(at, $"{keyword} '{pattern}': includes are nested more than {MaxIncludeDepth} deep");
            return;
        }

        string directory = Path.GetDirectoryName(fileName) ?? "";
        string combined = Path.IsPathRooted(pattern) ? pattern : Path.Combine(directory, pattern);
        var checks = _includeChecks | ChecksOf(keyword);
        var found = IncludeGlob.Find(combined);
        if (found.Paths.Count == 0)
        {
            if (found.Missing > 0)
            {
                Report(found.HasBraces ? IncludeChecks.BraceMatch : IncludeChecks.Match, $"{keyword} '{pattern}': file not found");
            }
            else
            {
                Report(IncludeChecks.WildcardMatch, $"{keyword} '{pattern}': no file matches");
            }

            return;
        }

        if (found.Missing > 0)
        {
            Report(IncludeChecks.BraceMatch, $"{keyword} '{pattern}': some of its files are missing");
            if ((checks & IncludeChecks.BraceMatch) != 0)
            {
                return; // keepalived then includes none of them
            }
        }

        foreach (string file in found.Paths)
        {
            if (Directory.Exists(file))
            {
                Report(IncludeChecks.Read, $"{keyword} '{pattern}': '{file}' is a directory; skipped");
                continue;
            }

            if (!IsRegularNonExecutable(file))
            {
                Report(IncludeChecks.Read, $"{keyword} '{pattern}': '{file}' is not a regular non-executable file; skipped");
                continue;
            }

            string full = FullPath(file);
            int cycleStart = _includeStack.IndexOf(full);
            if (cycleStart >= 0)
            {
                _diagnostics.Error(at, $"{keyword} '{pattern}': '{file}' is already being read (include cycle); not included again");
                continue;
            }

            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Report(IncludeChecks.Read, $"{keyword} '{pattern}': cannot read '{file}': {e.Message}");
                continue;
            }

            ReadText(text, file);
        }

        // keepalived's file_config_error: an error when the include keyword or include_check asks for the check, else only said.
        void Report(IncludeChecks kind, string message)
        {
            if ((checks & kind) != 0)
            {
                _diagnostics.Error(at, message);
            }
            else
            {
                _diagnostics.Warning(at, message);
            }
        }

        static bool IsRegularNonExecutable(string path)
        {
            try
            {
                var info = new FileInfo(path);
                const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                return info.Exists && (info.UnixFileMode & execute) == 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        static string Restore(string text) => text.Replace('\u0001', '{').Replace('\u0002', '}');
    }
}
