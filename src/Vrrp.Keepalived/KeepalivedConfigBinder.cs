using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>
/// Maps the statements of a keepalived.conf onto <see cref="VrrpOptions"/> with the rows of <see cref="KeywordTable"/>,
/// reporting what it cannot map; then applies the defaults and adjustments keepalived makes once a block is complete.
/// </summary>
internal sealed partial class KeepalivedConfigBinder
{
    private readonly DiagnosticList _d;
    private readonly VrrpOptions _options = new();
    private readonly List<InstanceDraft> _instances = [];
    private readonly List<SyncGroupDraft> _syncGroups = [];
    private readonly Dictionary<string, SourceLocation> _scriptNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceLocation> _trackFileNames = new(StringComparer.Ordinal);

    public KeepalivedConfigBinder(DiagnosticList diagnostics) => _d = diagnostics;

    /// <summary>The global_defs values that are defaults of instance and script keywords, by global keyword.</summary>
    public Dictionary<string, object> Globals { get; } = new(StringComparer.Ordinal);

    public VrrpOptions Bind(List<ConfigStatement> root)
    {
        // vrrpd_ignore_unsupported applies to the whole file, also to what comes before it.
        _options.IgnoreUnsupported = root.Any(static s => s.Keyword == "global_defs" && s.Block is not null &&
            s.Block.Any(static g => g.Keyword == IgnoreUnsupportedKeyword));

        // Global settings are defaults for every instance wherever they appear, so read them first.
        var global = new BlockDraft<VrrpOptions>(_options, "global_defs", default);
        foreach (var statement in root.Where(static s => s.Keyword == "global_defs"))
        {
            if (RequireBlock(statement))
            {
                ReadBlock(KeywordTable.Global, statement.Block!, global);
            }
        }

        var top = new BlockDraft<VrrpOptions>(_options, "keepalived.conf", default);
        foreach (var s in root)
        {
            if (!KeywordTable.TopLevel.TryGet(s.Keyword, out var keyword))
            {
                _d.Error(s.Location, s.Block is not null
                    ? $"unknown block '{s.Keyword}': expected global_defs, vrrp_instance, vrrp_script, vrrp_sync_group or vrrp_track_file"
                    : $"unknown keyword '{s.Keyword}' outside any block: expected global_defs, vrrp_instance, vrrp_script, vrrp_sync_group or vrrp_track_file");
            }
            else if (keyword.Block != BlockUse.Required || RequireBlock(s))
            {
                if (keyword.Block != BlockUse.No || NoBlock(s))
                {
                    keyword.Read(this, s, top);
                }
            }
        }

        foreach (var draft in _instances)
        {
            Complete(draft);
        }

        CompleteSyncGroups();
        CompleteStaticTrackGroups();
        CompleteNotifyFifos(root);
        CompleteDaemonSettings();
        return _options;
    }

    /// <summary>The global_defs keyword of <see cref="VrrpOptions.IgnoreUnsupported"/> (a Vrrp extension).</summary>
    internal const string IgnoreUnsupportedKeyword = "vrrpd_ignore_unsupported";

    /// <summary>
    /// A keyword that asks for something Vrrp does not implement: an error that says what to use instead, or with
    /// vrrpd_ignore_unsupported a warning.
    /// </summary>
    internal void Unsupported(ConfigStatement s, string scope, string why, string instead)
    {
        string what = scope == KeywordTable.TopLevel.Name
            ? $"{s.Keyword}{(s.Block is null ? "" : " block")}"
            : $"{scope}: '{s.Keyword}'{(s.Block is null ? "" : " block")}";
        if (_options.IgnoreUnsupported)
        {
            _d.Warning(s.Location, $"{what} is not supported ({why}); ignored ({IgnoreUnsupportedKeyword})");
        }
        else
        {
            _d.Error(s.Location, $"{what} is not supported ({why}), so the configuration would run without it; instead: {instead}; " +
                $"or set {IgnoreUnsupportedKeyword} in global_defs to run without it");
        }
    }

    /// <summary>Reads the statements of a block with its table: each known keyword's row reads it; others are warned about.</summary>
    internal void ReadBlock<TOptions>(KeywordBlock<TOptions> table, List<ConfigStatement> statements, BlockDraft<TOptions> draft)
        where TOptions : class
    {
        foreach (var s in statements)
        {
            if (!table.TryGet(s.Keyword, out var keyword))
            {
                if (s.Block is not null && table.BlocksAreErrors)
                {
                    _d.Error(s.Location, $"{s.Keyword} does not take a block");
                }
                else
                {
                    _d.Warning(s.Location, $"{draft.Scope}: '{s.Keyword}'{(s.Block is null ? "" : " block")} is not supported; ignored");
                }

                continue;
            }

            if ((keyword.Block == BlockUse.Required && !RequireBlock(s)) || (keyword.Block == BlockUse.No && !NoBlock(s)))
            {
                continue;
            }

            keyword.Read(this, s, draft);
        }
    }

    /// <summary>Applies the global_defs and keepalived defaults of every keyword the block did not name.</summary>
    private void ApplyDefaults<TOptions>(KeywordBlock<TOptions> table, BlockDraft<TOptions> draft)
        where TOptions : class
    {
        foreach (var keyword in table)
        {
            keyword.ApplyDefault(Globals, draft);
        }
    }

    internal void ReadInstance(ConfigStatement s)
    {
        if (!RequireName(s, out string name))
        {
            return;
        }

        if (_instances.Any(i => i.Options.Name == name))
        {
            _d.Error(s.Location, $"vrrp_instance '{name}' is defined twice");
            return;
        }

        var draft = new InstanceDraft(new VrrpInstanceOptions { Name = name }, s.Location);
        _instances.Add(draft);
        ReadBlock(KeywordTable.Instance, s.Block!, draft);
    }

    internal void ReadScript(ConfigStatement s)
    {
        if (!RequireName(s, out string name))
        {
            return;
        }

        if (!_scriptNames.TryAdd(name, s.Location))
        {
            _d.Error(s.Location, $"vrrp_script '{name}' is defined twice");
            return;
        }

        var draft = new BlockDraft<VrrpScriptOptions>(new VrrpScriptOptions { Name = name }, s.Keyword, s.Location);
        ReadBlock(KeywordTable.Script, s.Block!, draft);
        if (string.IsNullOrEmpty(draft.Options.Command))
        {
            _d.Error(s.Location, $"vrrp_script '{name}': missing 'script' (the command to run)");
            return;
        }

        ApplyDefaults(KeywordTable.Script, draft);
        if (!draft.Has("user") && _options.ScriptUser is not null)
        {
            // keepalived: a script without a user runs as script_user's user and group.
            (draft.Options.User, draft.Options.Group) = (_options.ScriptUser, _options.ScriptGroup);
        }

        _options.Scripts.Add(draft.Options);
    }

    internal void ReadTrackFile(ConfigStatement s)
    {
        if (!RequireName(s, out string name))
        {
            return;
        }

        if (!_trackFileNames.TryAdd(name, s.Location))
        {
            _d.Error(s.Location, $"{s.Keyword} '{name}' is defined twice");
            return;
        }

        var draft = new BlockDraft<VrrpTrackFileOptions>(new VrrpTrackFileOptions { Name = name }, s.Keyword, s.Location);
        ReadBlock(KeywordTable.TrackFile, s.Block!, draft);
        if (!draft.Has("file"))
        {
            _d.Error(s.Location, $"{s.Keyword} '{name}': missing 'file' (the file to read)");
            return;
        }

        ApplyDefaults(KeywordTable.TrackFile, draft);
        _options.TrackFiles.Add(draft.Options);
    }

    internal void ReadSyncGroup(ConfigStatement s)
    {
        if (!RequireName(s, out string name))
        {
            return;
        }

        if (_syncGroups.Any(g => g.Options.Name == name))
        {
            _d.Error(s.Location, $"vrrp_sync_group '{name}' is defined twice");
            return;
        }

        var draft = new SyncGroupDraft(new VrrpSyncGroupOptions { Name = name }, s.Location);
        ReadBlock(KeywordTable.SyncGroup, s.Block!, draft);
        if (!draft.Has("group"))
        {
            _d.Error(s.Location, $"vrrp_sync_group '{name}': missing 'group {{ ... }}' (the member instances)");
            return;
        }

        _syncGroups.Add(draft);
    }
}
