using System.Globalization;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived;

/// <summary>Maps the statements of a keepalived.conf onto <see cref="VrrpOptions"/>, reporting what it cannot map.</summary>
internal sealed partial class KeepalivedConfigBinder
{
    private static readonly TimeSpan s_defaultGarpDelay = TimeSpan.FromSeconds(5);

    /// <summary>keepalived's limit for second-resolution timers: UINT_MAX microseconds.</summary>
    private const long MaxTimerSeconds = 4294;
    private const int DefaultGarpRepeat = 5;

    private readonly DiagnosticList _d;
    private readonly VrrpOptions _options = new();
    private readonly GlobalSettings _global = new();
    private readonly List<InstanceDraft> _instances = [];
    private readonly List<(VrrpSyncGroupOptions Group, List<ConfigToken> Members, SourceLocation At, bool KeepWeights)> _syncGroups = [];
    private readonly Dictionary<string, SourceLocation> _scriptNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceLocation> _trackFileNames = new(StringComparer.Ordinal);

    public KeepalivedConfigBinder(DiagnosticList diagnostics) => _d = diagnostics;

    public VrrpOptions Bind(List<ConfigStatement> root)
    {
        // Global settings are defaults for every instance wherever they appear, so read them first.
        foreach (var statement in root)
        {
            if (statement.Keyword == "global_defs")
            {
                if (RequireBlock(statement))
                {
                    BindGlobal(statement.Block!);
                }
            }
        }

        foreach (var statement in root)
        {
            BindTopLevel(statement);
        }

        foreach (var draft in _instances)
        {
            Complete(draft);
        }

        CompleteSyncGroups();
        return _options;
    }

    private void BindTopLevel(ConfigStatement s)
    {
        switch (s.Keyword)
        {
            case "global_defs":
                break;
            case "vrrp_instance":
                if (RequireBlock(s) && RequireName(s, out string instanceName))
                {
                    if (_instances.Any(i => i.Options.Name == instanceName))
                    {
                        _d.Error(s.Location, $"vrrp_instance '{instanceName}' is defined twice");
                        break;
                    }

                    var draft = new InstanceDraft(new VrrpInstanceOptions { Name = instanceName }, s.Location);
                    _instances.Add(draft);
                    BindInstance(draft, s.Block!);
                }

                break;
            case "vrrp_script":
                if (RequireBlock(s) && RequireName(s, out string scriptName))
                {
                    if (!_scriptNames.TryAdd(scriptName, s.Location))
                    {
                        _d.Error(s.Location, $"vrrp_script '{scriptName}' is defined twice");
                        break;
                    }

                    BindScript(scriptName, s);
                }

                break;
            case "vrrp_track_file" or "track_file":
                if (RequireBlock(s) && RequireName(s, out string fileName))
                {
                    if (!_trackFileNames.TryAdd(fileName, s.Location))
                    {
                        _d.Error(s.Location, $"{s.Keyword} '{fileName}' is defined twice");
                        break;
                    }

                    BindTrackFile(fileName, s);
                }

                break;
            case "vrrp_sync_group":
                if (RequireBlock(s) && RequireName(s, out string groupName))
                {
                    if (_syncGroups.Any(g => g.Group.Name == groupName))
                    {
                        _d.Error(s.Location, $"vrrp_sync_group '{groupName}' is defined twice");
                        break;
                    }

                    BindSyncGroup(groupName, s);
                }

                break;
            case "net_namespace":
                // keepalived also accepts it outside global_defs.
                if (NoBlock(s) && RequireString(s, "a namespace name", out string ns))
                {
                    _options.NetworkNamespace = ns;
                }

                break;
            default:
                if (KeepalivedKeywords.UnsupportedTopLevelBlocks.TryGetValue(s.Keyword, out string? why))
                {
                    _d.Warning(s.Location, $"{s.Keyword} block is not supported ({why}); skipped");
                }
                else if (KeepalivedKeywords.UnsupportedTopLevelKeywords.Contains(s.Keyword))
                {
                    _d.Warning(s.Location, $"'{s.Keyword}' is not supported; ignored");
                }
                else if (s.Block is not null)
                {
                    _d.Error(s.Location, $"unknown block '{s.Keyword}': expected global_defs, vrrp_instance, vrrp_script, vrrp_sync_group or vrrp_track_file");
                }
                else
                {
                    _d.Error(s.Location, $"unknown keyword '{s.Keyword}' outside any block: expected global_defs, vrrp_instance, vrrp_script, vrrp_sync_group or vrrp_track_file");
                }

                break;
        }
    }

    private void BindGlobal(List<ConfigStatement> block)
    {
        foreach (var s in block)
        {
            if (s.Block is not null && !KeepalivedKeywords.GlobalBlocks.Contains(s.Keyword))
            {
                if (IsGlobalKeyword(s.Keyword))
                {
                    _d.Error(s.Location, $"{s.Keyword} does not take a block");
                }
                else
                {
                    _d.Warning(s.Location, $"global_defs: '{s.Keyword}' block is not supported; ignored");
                }

                continue;
            }

            switch (s.Keyword)
            {
                case "router_id":
                    if (RequireString(s, "a name", out string routerId))
                    {
                        _options.RouterId = routerId;
                    }

                    break;
                case "net_namespace":
                    if (RequireString(s, "a namespace name", out string ns))
                    {
                        _options.NetworkNamespace = ns;
                    }

                    break;
                case "vrrp_startup_delay":
                    if (TryParseSeconds(s, 0, 3600, out var delay))
                    {
                        _options.StartupDelay = delay;
                    }

                    break;
                case "vrrp_version":
                    if (TryParseInt(s, 0, 2, 3, "2 or 3", out int version))
                    {
                        _global.Version = version;
                    }

                    break;
                case "vrrp_strict":
                    NoArguments(s);
                    _global.Strict = true;
                    break;
                case "vrrp_check_unicast_src":
                    NoArguments(s);
                    _global.CheckUnicastSource = true;
                    break;
                case "vrrp_garp_master_delay" or "vrrp_garp_master_repeat" or "vrrp_garp_master_refresh" or "vrrp_garp_master_refresh_repeat" or "vrrp_garp_lower_prio_delay" or "vrrp_garp_lower_prio_repeat":
                    BindGarp(s, s.Keyword["vrrp_".Length..], _global.Garp);
                    break;
                case "script_user":
                    if (RequireString(s, "a user name", out string user, checkExtra: false))
                    {
                        _global.ScriptUser = user;
                        if (s.Arguments.Count > 1)
                        {
                            _d.Warning(s.Location, $"script_user: the group '{s.Arguments[1].Text}' is not supported (scripts run with the user's group); ignored");
                        }
                    }

                    break;
                case "vrrp_mcast_group4":
                    CheckMulticastGroup(s, "224.0.0.18");
                    break;
                case "vrrp_mcast_group6":
                    CheckMulticastGroup(s, "ff02::12");
                    break;
                case "vrrp_skip_check_adv_addr":
                    _d.Warning(s.Location, "vrrp_skip_check_adv_addr is not supported (the addresses of every advertisement are checked); ignored");
                    break;
                case "enable_script_security":
                    _d.Warning(s.Location, "enable_script_security is not supported (scripts are not checked for unsafe permissions); ignored");
                    break;
                default:
                    _d.Warning(s.Location, $"global_defs: '{s.Keyword}' is not supported; ignored");
                    break;
            }
        }

        static bool IsGlobalKeyword(string keyword) => keyword is "router_id" or "net_namespace" or "vrrp_startup_delay" or "vrrp_version"
            or "vrrp_strict" or "vrrp_check_unicast_src" or "script_user" or "vrrp_mcast_group4" or "vrrp_mcast_group6"
            || keyword.StartsWith("vrrp_garp_", StringComparison.Ordinal);
    }

    private void CheckMulticastGroup(ConfigStatement s, string standard)
    {
        if (RequireString(s, "a multicast address", out string group) &&
            !(TryParseAddress(group, out var address) && address == IPAddressValue.Parse(standard)))
        {
            _d.Warning(s.Location, $"{s.Keyword} {group}: only the standard group {standard} is supported; ignored");
        }
    }

    private void BindScript(string name, ConfigStatement block)
    {
        var script = new VrrpScriptOptions { Name = name };
        bool haveScript = false;
        foreach (var s in block.Block!)
        {
            if (!NoBlock(s))
            {
                continue;
            }

            switch (s.Keyword)
            {
                case "script":
                    if (RequireString(s, "a command line", out string scriptText, checkExtra: false))
                    {
                        if (ReadCommandLine(s, scriptText) is { } commandLine)
                        {
                            var words = KeepalivedCommandLine.Split(commandLine);
                            script.Command = words[0];
                            script.Arguments = words.Skip(1).ToList();
                            haveScript = true;
                        }

                        if (s.Arguments.Count > 1)
                        {
                            _d.Warning(s.Location, $"script: '{Extra(s, 1)}' after the command is ignored (quote the whole command line: script \"{scriptText} ...\")");
                        }
                    }

                    break;
                case "interval":
                    if (TryParseWholeSeconds(s, 1, MaxTimerSeconds, out var interval))
                    {
                        script.Interval = interval;
                    }

                    break;
                case "timeout":
                    if (TryParseWholeSeconds(s, 1, MaxTimerSeconds, out var timeout))
                    {
                        script.Timeout = timeout;
                    }

                    break;
                case "weight":
                    if (TryParseInt(s, 0, -253, 253, "a number -253..253", out int weight, checkExtra: false))
                    {
                        script.Weight = weight;
                        WarnReverse(s, 1, $"vrrp_script {name} weight");
                    }

                    break;
                case "rise":
                    if (TryParseInt(s, 0, 1, int.MaxValue, "a number 1..2147483647", out int rise))
                    {
                        script.Rise = rise;
                    }

                    break;
                case "fall":
                    if (TryParseInt(s, 0, 1, int.MaxValue, "a number 1..2147483647", out int fall))
                    {
                        script.Fall = fall;
                    }

                    break;
                case "user":
                    if (RequireString(s, "a user name", out string user, checkExtra: false))
                    {
                        script.User = user;
                        if (s.Arguments.Count > 1)
                        {
                            _d.Warning(s.Location, $"user: the group '{s.Arguments[1].Text}' is not supported (the script runs with the user's group); ignored");
                        }
                    }

                    break;
                default:
                    _d.Warning(s.Location, $"vrrp_script: '{s.Keyword}' is not supported; ignored");
                    break;
            }
        }

        if (!haveScript)
        {
            _d.Error(block.Location, $"vrrp_script '{name}': missing 'script' (the command to run)");
            return;
        }

        script.User ??= _global.ScriptUser;
        _options.Scripts.Add(script);
    }

    private void BindTrackFile(string name, ConfigStatement block)
    {
        var trackFile = new VrrpTrackFileOptions { Name = name };
        bool havePath = false;
        foreach (var s in block.Block!)
        {
            if (!NoBlock(s))
            {
                continue;
            }

            switch (s.Keyword)
            {
                case "file":
                    if (RequireString(s, "a file path", out string path))
                    {
                        trackFile.Path = path;
                        havePath = true;
                    }

                    break;
                case "weight":
                    if (TryParseInt(s, 0, -254, 254, "a number -254..254", out int weight, checkExtra: false))
                    {
                        trackFile.Weight = weight;
                        WarnReverse(s, 1, $"{block.Keyword} {name} weight");
                    }

                    break;
                default:
                    _d.Warning(s.Location, $"{block.Keyword}: '{s.Keyword}' is not supported; ignored");
                    break;
            }
        }

        if (!havePath)
        {
            _d.Error(block.Location, $"{block.Keyword} '{name}': missing 'file' (the file to read)");
            return;
        }

        _options.TrackFiles.Add(trackFile);
    }

    private void BindSyncGroup(string name, ConfigStatement block)
    {
        var group = new VrrpSyncGroupOptions { Name = name };
        var members = new List<ConfigToken>();
        bool haveGroup = false;
        bool keepWeights = false;
        foreach (var s in block.Block!)
        {
            switch (s.Keyword)
            {
                case "group":
                    if (RequireBlock(s))
                    {
                        haveGroup = true;
                        foreach (var member in s.Block!)
                        {
                            if (member.Block is not null)
                            {
                                _d.Error(member.Location, $"group: '{member.Keyword}' does not take a block");
                            }

                            members.Add(member.KeywordToken);
                            members.AddRange(member.Arguments);
                        }
                    }

                    break;
                case "notify_master":
                    group.NotifyMaster = ReadFirstNotify(s, group.NotifyMaster);
                    break;
                case "notify_backup":
                    group.NotifyBackup = ReadFirstNotify(s, group.NotifyBackup);
                    break;
                case "notify_fault":
                    group.NotifyFault = ReadFirstNotify(s, group.NotifyFault);
                    break;
                case "notify":
                    group.Notify = ReadFirstNotify(s, group.Notify);
                    break;
                case "sync_group_tracking_weight":
                    NoArguments(s);
                    keepWeights = true;
                    break;
                default:
                    _d.Warning(s.Location, $"vrrp_sync_group: '{s.Keyword}'{(s.Block is null ? "" : " block")} is not supported; ignored");
                    break;
            }
        }

        if (!haveGroup)
        {
            _d.Error(block.Location, $"vrrp_sync_group '{name}': missing 'group {{ ... }}' (the member instances)");
            return;
        }

        _syncGroups.Add((group, members, block.Location, keepWeights));
    }

    private void CompleteSyncGroups()
    {
        var memberOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (group, members, at, keepWeights) in _syncGroups)
        {
            foreach (var member in members)
            {
                if (!_instances.Any(i => i.Options.Name == member.Text))
                {
                    _d.Warning(member.Location, $"vrrp_sync_group '{group.Name}': no vrrp_instance '{member.Text}'; ignored");
                }
                else if (memberOf.TryGetValue(member.Text, out string? other))
                {
                    _d.Error(member.Location, $"vrrp_sync_group '{group.Name}': instance '{member.Text}' is already in sync group '{other}'");
                }
                else if (group.Instances.Contains(member.Text))
                {
                    _d.Warning(member.Location, $"vrrp_sync_group '{group.Name}': instance '{member.Text}' is listed twice");
                }
                else
                {
                    memberOf[member.Text] = group.Name;
                    group.Instances.Add(member.Text);
                }
            }

            if (group.Instances.Count == 0)
            {
                _d.Warning(at, $"vrrp_sync_group '{group.Name}' has no instances; ignored");
                continue;
            }

            if (!keepWeights)
            {
                foreach (string member in group.Instances)
                {
                    ZeroTrackingWeights(group.Name, _instances.First(i => i.Options.Name == member));
                }
            }

            if (group.Instances.Count == 1)
            {
                // keepalived says the same ("has only 1 virtual router(s)").
                _d.Warning(at, $"vrrp_sync_group '{group.Name}' has only one instance; a sync group ties two or more together");
            }

            _options.SyncGroups.Add(group);
        }
    }

    /// <summary>
    /// keepalived ignores tracking weights in sync group members unless the group says <c>sync_group_tracking_weight</c>:
    /// a weighted track_interface gets weight 0 (its failure is a Fault of the whole group), a weighted track_script
    /// or track_file is dropped. It logs each one, and so do we.
    /// </summary>
    private void ZeroTrackingWeights(string group, InstanceDraft draft)
    {
        var o = draft.Options;
        string why = $"in sync group '{group}' (as keepalived does; sync_group_tracking_weight keeps it)";
        foreach (var track in o.TrackInterfaces.Where(static t => t.Weight != 0))
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': track_interface {track.Interface} weight {track.Weight} is ignored {why}; weight 0");
            track.Weight = 0;
        }

        DropWeighted(draft, o.TrackScripts, "track_script", name => _options.Scripts.First(x => x.Name == name).Weight, why);
        DropWeighted(draft, o.TrackFiles, "track_file", name => _options.TrackFiles.First(x => x.Name == name).Weight, why);
    }

    /// <summary>Removes the references whose weight (their own, or the tracker's) is not 0, with a warning each.</summary>
    private void DropWeighted(InstanceDraft draft, List<TrackReferenceOptions> references, string keyword, Func<string, int> defaultWeight, string why)
    {
        references.RemoveAll(track =>
        {
            int weight = track.Weight ?? defaultWeight(track.Name);
            if (weight == 0)
            {
                return false;
            }

            _d.Warning(draft.At, $"vrrp_instance '{draft.Options.Name}': {keyword} {track.Name} with weight {weight} is ignored {why}");
            return true;
        });
    }

    /// <summary><c>notify_* COMMAND [user [group]]</c>: the command line is one (usually quoted) word.</summary>
    private string? ReadNotify(ConfigStatement s)
    {
        if (!NoBlock(s) || !RequireString(s, "a command line", out string text, checkExtra: false))
        {
            return null;
        }

        string? command = ReadCommandLine(s, text);
        if (command is not null && s.Arguments.Count > 1)
        {
            _d.Warning(s.Location, $"{s.Keyword}: running as user '{Extra(s, 1)}' is not supported (the command runs as this process's user); to pass arguments, quote the whole command line");
        }

        return command;
    }

    /// <summary>keepalived's two passes over a script value: decode escapes, then check that the result splits into words.</summary>
    private string? ReadCommandLine(ConfigStatement s, string text)
    {
        if (!KeepalivedCommandLine.TryUnescape(text, out string commandLine, out string? error) ||
            !KeepalivedCommandLine.TrySplit(commandLine, out var words, out error))
        {
            _d.Error(s.Location, $"{s.Keyword} {error}");
            return null;
        }

        if (words.Count == 0 || words[0].Length == 0)
        {
            _d.Error(s.Location, $"{s.Keyword}: expected a command line, got '{text}'");
            return null;
        }

        return commandLine;
    }

    private void WarnReverse(ConfigStatement s, int from, string what)
    {
        for (int i = from; i < s.Arguments.Count; i++)
        {
            string word = s.Arguments[i].Text;
            if (word is "reverse")
            {
                _d.Warning(s.Location, $"{what}: 'reverse' is not supported; ignored");
            }
            else if (word is not ("noreverse" or "no_reverse"))
            {
                _d.Warning(s.Location, $"{what}: '{word}' is ignored");
            }
        }
    }

    /// <summary>The six announcement keywords, the same in an instance (<c>garp_*</c>) and in global_defs (<c>vrrp_garp_*</c>).</summary>
    private void BindGarp(ConfigStatement s, string keyword, GarpSettings target)
    {
        switch (keyword)
        {
            case "garp_master_delay":
                if (TryParseWholeSeconds(s, 0, MaxTimerSeconds, out var delay))
                {
                    target.MasterDelay = delay;
                }

                break;
            case "garp_master_refresh":
                if (TryParseWholeSeconds(s, 0, uint.MaxValue, out var refresh))
                {
                    target.MasterRefresh = refresh;
                }

                break;
            case "garp_lower_prio_delay":
                if (TryParseWholeSeconds(s, 0, MaxTimerSeconds, out var lowerDelay))
                {
                    target.LowerPriorityDelay = lowerDelay;
                }

                break;
            default:
                if (TryParseInt(s, 0, 1, int.MaxValue, "a number 1..2147483647", out int repeat))
                {
                    switch (keyword)
                    {
                        case "garp_master_repeat": target.MasterRepeat = repeat; break;
                        case "garp_master_refresh_repeat": target.MasterRefreshRepeat = repeat; break;
                        default: target.LowerPriorityRepeat = repeat; break;
                    }
                }

                break;
        }
    }

    /// <summary>Announcement settings as read, null where the file does not set them.</summary>
    private sealed class GarpSettings
    {
        public TimeSpan? MasterDelay { get; set; }

        public int? MasterRepeat { get; set; }

        public TimeSpan? MasterRefresh { get; set; }

        public int? MasterRefreshRepeat { get; set; }

        public TimeSpan? LowerPriorityDelay { get; set; }

        public int? LowerPriorityRepeat { get; set; }
    }

    private sealed class GlobalSettings
    {
        public int Version { get; set; } = 2;

        public bool Strict { get; set; }

        public bool CheckUnicastSource { get; set; }

        public GarpSettings Garp { get; } = new();

        public string? ScriptUser { get; set; }
    }
}
