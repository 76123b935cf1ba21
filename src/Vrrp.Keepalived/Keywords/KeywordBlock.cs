using System.Collections;
using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>
/// The keywords of one kind of block (global_defs, vrrp_instance, vrrp_script...), in the order the writer writes them.
/// Rows are added with <see cref="Value{T}"/>, <see cref="Flag"/>, <see cref="Custom"/> and <see cref="Unsupported"/>.
/// </summary>
internal sealed class KeywordBlock<TOptions>(string name, bool blocksAreErrors = false) : IEnumerable<Keyword<TOptions>>
    where TOptions : class
{
    private readonly Dictionary<string, Keyword<TOptions>> _byName = new(StringComparer.Ordinal);
    private readonly List<Keyword<TOptions>> _ordered = [];

    /// <summary>The block's keyword, for messages.</summary>
    public string Name { get; } = name;

    /// <summary>Whether a block after an unknown keyword is an error (in blocks none of whose keywords takes one) rather than a warning.</summary>
    public bool BlocksAreErrors { get; } = blocksAreErrors;

    /// <summary>Adds a row.</summary>
    public TKeyword Add<TKeyword>(TKeyword keyword)
        where TKeyword : Keyword<TOptions>
    {
        if (!_byName.TryAdd(keyword.Name, keyword))
        {
            throw new InvalidOperationException($"{Name}: the keyword table has '{keyword.Name}' twice.");
        }

        _ordered.Add(keyword);
        return keyword;
    }

    /// <summary>A keyword whose value sets one option property.</summary>
    public ValueKeyword<TOptions, T> Value<T>(string keyword, ValueSyntax<T> syntax, Func<TOptions, T> get, Action<TOptions, T> set) =>
        Add(new ValueKeyword<TOptions, T>(keyword, syntax, get, set));

    /// <summary>A keyword without a value that sets a boolean option to <paramref name="value"/>.</summary>
    public FlagKeyword<TOptions> Flag(string keyword, Func<TOptions, bool> get, Action<TOptions, bool> set, bool value = true) =>
        Add(new FlagKeyword<TOptions>(keyword, get, set, value));

    /// <summary>A keyword with its own reading and writing code.</summary>
    public CustomKeyword<TOptions> Custom(
        string keyword,
        BlockUse block,
        Action<KeepalivedConfigBinder, ConfigStatement, BlockDraft<TOptions>> read,
        Action<ConfigOutput, TOptions, VrrpOptions>? write = null) =>
        Add(new CustomKeyword<TOptions>(keyword, block, read, write));

    /// <summary>A keepalived keyword that asks for something Vrrp does not implement: an error unless vrrpd_ignore_unsupported.</summary>
    public UnsupportedKeyword<TOptions> Unsupported(string keyword, string why, string instead) => Add(new UnsupportedKeyword<TOptions>(keyword, why, instead));

    /// <summary>A keepalived keyword with no effect on VRRP here: a warning.</summary>
    public IgnoredKeyword<TOptions> Ignored(string keyword, string? why = null) => Add(new IgnoredKeyword<TOptions>(keyword, why));

    /// <summary>Finds a keyword.</summary>
    public bool TryGet(string keyword, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Keyword<TOptions>? row) =>
        _byName.TryGetValue(keyword, out row);

    /// <summary>Whether the block has the keyword.</summary>
    public bool Contains(string keyword) => _byName.ContainsKey(keyword);

    public IEnumerator<Keyword<TOptions>> GetEnumerator() => _ordered.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>keepalived.conf text being written: one statement per line, indented by block depth (kept until <see cref="WriteTo"/>).</summary>
internal sealed class ConfigOutput
{
    private const string Indent = "    ";
    private readonly List<string> _lines = [];
    private int _depth;

    /// <summary>One line at the current depth (an empty one is not indented).</summary>
    public void Line(string text) => _lines.Add(text.Length == 0 ? "" : string.Concat(Enumerable.Repeat(Indent, _depth)) + text);

    /// <summary><c>HEADER {</c>, then one level deeper.</summary>
    public void Open(string header)
    {
        Line(header + " {");
        _depth++;
    }

    /// <summary>One level up, then <c>}</c>.</summary>
    public void Close()
    {
        _depth--;
        Line("}");
    }

    /// <summary>A block that is left out when nothing is written in it (global_defs with every setting at its default).</summary>
    public void OptionalBlock(string header, Action body)
    {
        int mark = _lines.Count;
        Line("");
        Open(header);
        body();
        Close();
        if (_lines.Count == mark + 3)
        {
            _lines.RemoveRange(mark, 3);
        }
    }

    /// <summary>Writes the lines, each ending with a line feed.</summary>
    public void WriteTo(TextWriter writer)
    {
        foreach (string line in _lines)
        {
            writer.Write(line);
            writer.Write('\n');
        }
    }
}
