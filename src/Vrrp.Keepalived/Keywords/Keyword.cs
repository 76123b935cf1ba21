using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>Whether a keyword opens a <c>{ ... }</c> block.</summary>
internal enum BlockUse
{
    /// <summary>A value keyword: a block after it is an error.</summary>
    No,

    /// <summary>A block keyword: the block is required.</summary>
    Required,

    /// <summary>Either (keywords that are only warned about).</summary>
    Either,
}

/// <summary>
/// One row of <see cref="KeywordTable"/>: a keepalived.conf keyword of one kind of block, how its words are read with
/// keepalived's rules into an option of <typeparamref name="TOptions"/>, and how the writer writes that option back.
/// </summary>
/// <typeparam name="TOptions">The options the block fills (<see cref="VrrpInstanceOptions"/> for vrrp_instance...).</typeparam>
internal abstract class Keyword<TOptions>(string name)
    where TOptions : class
{
    /// <summary>The keyword.</summary>
    public string Name { get; } = name;

    /// <summary>Whether it opens a block.</summary>
    public virtual BlockUse Block => BlockUse.No;

    /// <summary>Global keywords (in global_defs) whose value is this keyword's default, the first one set wins.</summary>
    public virtual IReadOnlyList<string> GlobalDefaults => [];

    /// <summary>Reads one statement into the options of the block being read.</summary>
    public abstract void Read(KeepalivedConfigBinder binder, ConfigStatement s, BlockDraft<TOptions> draft);

    /// <summary>Reads a <see cref="GlobalDefaults"/> keyword's statement (the same words as this keyword's); null when unreadable.</summary>
    public virtual object? ReadGlobalDefault(KeepalivedConfigBinder binder, ConfigStatement s) => null;

    /// <summary>When the block did not name the keyword: applies the global default read for it, or keepalived's own default.</summary>
    public virtual void ApplyDefault(IReadOnlyDictionary<string, object> globals, BlockDraft<TOptions> draft)
    {
    }

    /// <summary>Writes the option back; writes nothing when it has keepalived's default.</summary>
    public virtual void Write(ConfigOutput output, TOptions options, VrrpOptions all)
    {
    }
}

/// <summary>A keyword with one value read by a <see cref="ValueSyntax{T}"/> into one option property.</summary>
internal sealed class ValueKeyword<TOptions, T>(string name, ValueSyntax<T> syntax, Func<TOptions, T> get, Action<TOptions, T> set)
    : Keyword<TOptions>(name)
    where TOptions : class
{
    private string[] _globals = [];
    private bool _hasDefault;
    private T _default = default!;
    private bool _alwaysWritten;
    private bool _firstWins;
    private bool _firstValueWins;
    private Func<TOptions, bool> _writtenWhen = static _ => true;

    public override IReadOnlyList<string> GlobalDefaults => _globals;

    /// <summary>Global keywords that give the default, in order: the first one set wins.</summary>
    public ValueKeyword<TOptions, T> DefaultFrom(params string[] globals)
    {
        _globals = globals;
        return this;
    }

    /// <summary>keepalived's default, set when neither the block nor global_defs names the keyword (and left out by the writer).</summary>
    public ValueKeyword<TOptions, T> KeepalivedDefault(T value)
    {
        _hasDefault = true;
        _default = value;
        return this;
    }

    /// <summary>The writer writes the value even when it is keepalived's default.</summary>
    public ValueKeyword<TOptions, T> AlwaysWritten()
    {
        _alwaysWritten = true;
        return this;
    }

    /// <summary>The writer writes this keyword only when the condition holds (of two spellings, which one is written).</summary>
    public ValueKeyword<TOptions, T> WrittenWhen(Func<TOptions, bool> condition)
    {
        _writtenWhen = condition;
        return this;
    }

    /// <summary>A second occurrence in a block is ignored with a warning (keepalived keeps the first notify command).</summary>
    public ValueKeyword<TOptions, T> FirstWins()
    {
        _firstWins = true;
        return this;
    }

    /// <summary>A second occurrence with another value is ignored with a warning (keepalived keeps the first version).</summary>
    public ValueKeyword<TOptions, T> FirstValueWins()
    {
        _firstValueWins = true;
        return this;
    }

    public override void Read(KeepalivedConfigBinder binder, ConfigStatement s, BlockDraft<TOptions> draft)
    {
        if (_firstWins && draft.Has(Name))
        {
            binder.Warning(s, $"{s.Keyword} is already set; this one is ignored (as keepalived does)");
            return;
        }

        if (syntax.TryRead(binder, s, 0, s.Keyword, out T value))
        {
            binder.WarnExtra(s, syntax.Words(s, 0));
            if (_firstValueWins && draft.Has(Name) && !EqualityComparer<T>.Default.Equals(get(draft.Options), value))
            {
                binder.Warning(s, $"{s.Keyword} {syntax.Format(value)} conflicts with the {Name} {syntax.Format(get(draft.Options))} set before; ignored (as keepalived does)");
                return;
            }

            set(draft.Options, value);
            draft.Seen[Name] = s.Location;
        }
    }

    public override object? ReadGlobalDefault(KeepalivedConfigBinder binder, ConfigStatement s)
    {
        if (!syntax.TryRead(binder, s, 0, s.Keyword, out T value))
        {
            return null;
        }

        binder.WarnExtra(s, syntax.Words(s, 0));
        return value;
    }

    public override void ApplyDefault(IReadOnlyDictionary<string, object> globals, BlockDraft<TOptions> draft)
    {
        if (draft.Has(Name))
        {
            return;
        }

        foreach (string global in _globals)
        {
            if (globals.TryGetValue(global, out object? value))
            {
                set(draft.Options, (T)value);
                return;
            }
        }

        if (_hasDefault)
        {
            set(draft.Options, _default);
        }
    }

    public override void Write(ConfigOutput output, TOptions options, VrrpOptions all)
    {
        T value = get(options);
        if (value is null || !_writtenWhen(options) || (!_alwaysWritten && _hasDefault && EqualityComparer<T>.Default.Equals(value, _default)))
        {
            return;
        }

        string text;
        try
        {
            text = syntax.Format(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{Name}: {e.Message}", e);
        }

        output.Line($"{Name} {text}");
    }
}

/// <summary>A keyword without a value that sets a boolean option (<c>nopreempt</c>); the writer writes it when the option has that value.</summary>
internal sealed class FlagKeyword<TOptions>(string name, Func<TOptions, bool> get, Action<TOptions, bool> set, bool value)
    : Keyword<TOptions>(name)
    where TOptions : class
{
    private bool _written = true;
    private string[] _globals = [];

    public override IReadOnlyList<string> GlobalDefaults => _globals;

    /// <summary>Another spelling that the writer does not use (<c>no_preempt</c>, <c>preempt</c>).</summary>
    public FlagKeyword<TOptions> NotWritten()
    {
        _written = false;
        return this;
    }

    /// <summary>Global keywords (flags too) that set it for every block that does not name it.</summary>
    public FlagKeyword<TOptions> DefaultFrom(params string[] globals)
    {
        _globals = globals;
        return this;
    }

    public override void Read(KeepalivedConfigBinder binder, ConfigStatement s, BlockDraft<TOptions> draft)
    {
        binder.NoArguments(s);
        set(draft.Options, value);
        draft.Seen[Name] = s.Location;
    }

    public override object? ReadGlobalDefault(KeepalivedConfigBinder binder, ConfigStatement s)
    {
        binder.NoArguments(s);
        return value;
    }

    public override void ApplyDefault(IReadOnlyDictionary<string, object> globals, BlockDraft<TOptions> draft)
    {
        if (!draft.Has(Name) && _globals.Any(globals.ContainsKey))
        {
            set(draft.Options, value);
        }
    }

    public override void Write(ConfigOutput output, TOptions options, VrrpOptions all)
    {
        if (_written && get(options) == value)
        {
            output.Line(Name);
        }
    }
}

/// <summary>A keyword read and written by its own code (blocks such as <c>virtual_ipaddress</c>, or values with options such as <c>use_vmac</c>).</summary>
internal sealed class CustomKeyword<TOptions>(
    string name,
    BlockUse block,
    Action<KeepalivedConfigBinder, ConfigStatement, BlockDraft<TOptions>> read,
    Action<ConfigOutput, TOptions, VrrpOptions>? write)
    : Keyword<TOptions>(name)
    where TOptions : class
{
    public override BlockUse Block => block;

    public override void Read(KeepalivedConfigBinder binder, ConfigStatement s, BlockDraft<TOptions> draft)
    {
        read(binder, s, draft);
        draft.Seen.TryAdd(Name, s.Location);
    }

    public override void Write(ConfigOutput output, TOptions options, VrrpOptions all) => write?.Invoke(output, options, all);
}

/// <summary>
/// A keepalived keyword that asks for something Vrrp does not implement (a tracker, a data-plane setting...): an
/// error that says what to use instead, unless <c>vrrpd_ignore_unsupported</c> allows running without it (then a
/// warning). Nothing is set.
/// </summary>
internal sealed class UnsupportedKeyword<TOptions>(string name, string why, string instead) : Keyword<TOptions>(name)
    where TOptions : class
{
    public override BlockUse Block => BlockUse.Either;

    /// <summary>What is missing.</summary>
    public string Why { get; } = why;

    /// <summary>What to configure instead.</summary>
    public string Instead { get; } = instead;

    public override void Read(KeepalivedConfigBinder binder, ConfigStatement s, BlockDraft<TOptions> draft) =>
        binder.Unsupported(s, draft.Scope, Why, Instead);
}

/// <summary>A keepalived keyword with no effect on VRRP here (mail, LVS, debugging, daemon tuning): a warning, nothing is set.</summary>
internal sealed class IgnoredKeyword<TOptions>(string name, string? why) : Keyword<TOptions>(name)
    where TOptions : class
{
    public override BlockUse Block => BlockUse.Either;

    /// <summary>Why it has no effect, or null.</summary>
    public string? Why { get; } = why;

    public override void Read(KeepalivedConfigBinder binder, ConfigStatement s, BlockDraft<TOptions> draft) =>
        binder.Warning(s, $"{draft.Scope}: '{s.Keyword}'{(s.Block is null ? "" : " block")} is not supported{(Why is null ? "" : $" ({Why})")}; ignored");
}

/// <summary>The options of one block being read, and which keywords the block named, where.</summary>
internal class BlockDraft<TOptions>(TOptions options, string scope, SourceLocation at)
    where TOptions : class
{
    /// <summary>The options being filled.</summary>
    public TOptions Options { get; } = options;

    /// <summary>The block's keyword, for messages (<c>vrrp_instance</c>, <c>vrrp_track_file</c>...).</summary>
    public string Scope { get; } = scope;

    /// <summary>Where the block starts.</summary>
    public SourceLocation At { get; } = at;

    /// <summary>The keywords the block named (read without error), with where.</summary>
    public Dictionary<string, SourceLocation> Seen { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the block named <paramref name="keyword"/>.</summary>
    public bool Has(string keyword) => Seen.ContainsKey(keyword);
}
