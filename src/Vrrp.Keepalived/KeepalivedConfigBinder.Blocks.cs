using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived;

// The reading of keywords that are not a single value (blocks, and values with options): the Custom rows of KeywordTable.
internal sealed partial class KeepalivedConfigBinder
{
    internal void ReadState(ConfigStatement s, BlockDraft<VrrpInstanceOptions> draft)
    {
        if (RequireString(s, "MASTER or BACKUP", out string state))
        {
            // Case matters, as in keepalived ("master" is not MASTER).
            if (state == "MASTER")
            {
                draft.Options.InitialState = VrrpState.Master;
            }
            else if (state == "BACKUP" && draft.Options.InitialState == VrrpState.Master)
            {
                _d.Warning(s.Location, "state BACKUP: the state was set to MASTER before; BACKUP is ignored (as keepalived does)");
            }
            else if (state == "BACKUP")
            {
                draft.Options.InitialState = VrrpState.Backup;
            }
            else
            {
                _d.Error(s.Location, $"state '{state}': expected MASTER or BACKUP");
            }
        }
    }

    internal void ReadAuthentication(ConfigStatement block, BlockDraft<VrrpInstanceOptions> instance)
    {
        // Read into a scratch copy: the instance gets both values or neither.
        var draft = new BlockDraft<VrrpInstanceOptions>(new VrrpInstanceOptions(), block.Keyword, block.Location);
        ReadBlock(KeywordTable.Authentication, block.Block!, draft);
        if (!draft.Has("auth_type"))
        {
            if (draft.Has("auth_pass"))
            {
                _d.Error(block.Location, "authentication: missing 'auth_type' (expected PASS or AH)");
            }

            return;
        }

        if (!draft.Has("auth_pass"))
        {
            _d.Error(block.Location, "authentication: missing 'auth_pass' (the password)");
            return;
        }

        instance.Options.AuthenticationType = draft.Options.AuthenticationType;
        instance.Options.AuthenticationPassword = draft.Options.AuthenticationPassword;
        instance.Seen["authentication"] = block.Location;
    }

    internal void ReadUseVirtualMac(ConfigStatement s, VrrpInstanceOptions o)
    {
        o.UseVirtualMac = true;
        if (s.Arguments.Count > 0 && IsInterfaceName(s, s.Arguments[0].Text))
        {
            o.VirtualMacInterface = s.Arguments[0].Text;
        }

        if (s.Arguments.Count > 1)
        {
            Unsupported(s, "vrrp_instance", $"a virtual MAC address of one's own ('{s.Arguments[1].Text}') is not part of Vrrp", "leave it out: the RFC's 00-00-5E-00-01-VRID is used");
        }
    }

    /// <summary>
    /// <c>use_ipvlan [IFNAME] [ADDRESS[/PREFIX]] [bridge|private|vepa]</c> in any order, read as keepalived 2.2.7's
    /// vrrp_ipvlan_handler: the first mode, address and name count, later ones (a name another instance already uses, a
    /// name too long) are ignored with a warning; a second use_ipvlan is ignored.
    /// </summary>
    internal void ReadUseIpvlan(ConfigStatement s, VrrpInstanceOptions o)
    {
        if (o.UseIpvlan)
        {
            _d.Warning(s.Location, $"vrrp_instance '{o.Name}': use_ipvlan already specified; ignored (as keepalived does)");
            return;
        }

        o.UseIpvlan = true;
        bool hadMode = false;
        foreach (var argument in s.Arguments)
        {
            string word = argument.Text;
            if (word is "bridge" or "private" or "vepa")
            {
                if (hadMode)
                {
                    _d.Warning(s.Location, $"vrrp_instance '{o.Name}': ipvlan type already specified - ignoring '{word}' (as keepalived does)");
                    continue;
                }

                o.IpvlanMode = word == "private" ? IpvlanMode.Private : word == "vepa" ? IpvlanMode.Vepa : IpvlanMode.Bridge;
                hadMode = true;
            }
            else if (IsAddressWithPrefix(word))
            {
                if (o.IpvlanAddress is not null)
                {
                    _d.Warning(s.Location, $"vrrp_instance '{o.Name}': ipvlan address already specified - ignoring '{word}' (as keepalived does)");
                    continue;
                }

                o.IpvlanAddress = word;
            }
            else if (o.IpvlanInterface is not null)
            {
                _d.Warning(s.Location, $"vrrp_instance '{o.Name}': IPVLAN interface already specified - ignoring '{word}' (as keepalived does)");
            }
            else if (word.Length > 15)
            {
                _d.Warning(s.Location, $"vrrp_instance '{o.Name}': IPVLAN interface name '{word}' too long - ignoring (as keepalived does)");
            }
            else if (_instances.Select(static d => d.Options).FirstOrDefault(i => i != o && (i.UseIpvlan ? i.IpvlanInterface : i.UseVirtualMac ? i.VirtualMacInterface : null) == word) is { } other)
            {
                _d.Warning(s.Location, $"vrrp_instance '{o.Name}': VRRP instance {other.Name} is already using {word} - ignoring name (as keepalived does)");
            }
            else if (IsInterfaceName(s, word))
            {
                o.IpvlanInterface = word;
            }
        }

        static bool IsAddressWithPrefix(string text)
        {
            int slash = text.IndexOf('/', StringComparison.Ordinal);
            if (!IPAddressValue.TryParse(slash < 0 ? text : text[..slash], out var address))
            {
                return false;
            }

            int max = address.Family == VrrpAddressFamily.IPv4 ? 32 : 128;
            return slash < 0 || (int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int prefix) && prefix <= max);
        }
    }

    /// <summary><c>track_interface { IF [weight W [reverse]] }</c> of an instance or a sync group.</summary>
    internal void ReadTrackInterfaces(ConfigStatement block, List<TrackInterfaceOptions> into)
    {
        foreach (var s in block.Block!)
        {
            if (!NoBlock(s))
            {
                continue;
            }

            int weight = 0;
            bool reverse = false;
            if (s.Arguments.Count > 0)
            {
                if (s.Arguments[0].Text != "weight")
                {
                    _d.Error(s.Location, $"track_interface '{s.Keyword}': expected 'weight W' after the interface, got '{s.Arguments[0].Text}'");
                    continue;
                }

                // keepalived reads -254..254 here and makes +-254 into +-253.
                int max = VrrpLimits.MaximumTrackWeight;
                if (!TryParseInt(s, 1, -max - 1, max + 1, $"a number {-max}..{max}", out weight, $"track_interface {s.Keyword} weight", checkExtra: false))
                {
                    continue;
                }

                if (Math.Abs(weight) > max)
                {
                    _d.Warning(s.Location, $"track_interface {s.Keyword} weight {weight}: the weight of an interface cannot be +-{max + 1}; {Math.Sign(weight) * max} is used (as keepalived does)");
                    weight = Math.Sign(weight) * max;
                }

                reverse = ReadReverse(s, 2, $"track_interface {s.Keyword}", allowNoReverse: false) ?? false;
            }

            if (into.Any(t => t.Interface == s.Keyword))
            {
                _d.Warning(s.Location, $"track_interface '{s.Keyword}' is listed twice; ignored");
                continue;
            }

            into.Add(new TrackInterfaceOptions { Interface = s.Keyword, Weight = weight, Reverse = reverse });
        }
    }

    /// <summary><c>track_script</c> / <c>track_file</c>: names with an optional <c>weight W [reverse|noreverse]</c>, resolved once every block is read.</summary>
    internal void ReadTrackReferences(ConfigStatement block, List<(ConfigToken, TrackReferenceOptions)> into, int max)
    {
        foreach (var s in block.Block!)
        {
            if (!NoBlock(s))
            {
                continue;
            }

            int? weight = null;
            bool? reverse = null;
            if (s.Arguments.Count > 0)
            {
                if (s.Arguments[0].Text != "weight")
                {
                    _d.Error(s.Location, $"{block.Keyword} '{s.Keyword}': expected 'weight W' after the name, got '{s.Arguments[0].Text}'");
                    continue;
                }

                if (!TryParseInt(s, 1, -max, max, $"a number {-max}..{max}", out int w, $"{block.Keyword} {s.Keyword} weight", checkExtra: false))
                {
                    continue;
                }

                weight = w;
                reverse = ReadReverse(s, 2, $"{block.Keyword} {s.Keyword}", allowNoReverse: true);
            }

            into.Add((s.KeywordToken, new TrackReferenceOptions { Name = s.Keyword, Weight = weight, Reverse = reverse }));
        }
    }

    internal void ReadScriptCommand(ConfigStatement s, VrrpScriptOptions script)
    {
        if (!RequireString(s, "a command line", out string scriptText, checkExtra: false))
        {
            return;
        }

        if (ReadCommandLine(s, scriptText) is { } commandLine)
        {
            var words = KeepalivedCommandLine.Split(commandLine);
            script.Command = words[0];
            script.Arguments = words.Skip(1).ToList();
        }

        if (s.Arguments.Count > 1)
        {
            _d.Warning(s.Location, $"script: '{Extra(s, 1)}' after the command is ignored (quote the whole command line: script \"{scriptText} ...\")");
        }
    }

    /// <summary><c>weight W [reverse]</c> of a vrrp_script or vrrp_track_file.</summary>
    internal void ReadWeight(ConfigStatement s, int max, string what, Action<int, bool> set)
    {
        if (TryParseInt(s, 0, -max, max, $"a number {-max}..{max}", out int weight, checkExtra: false))
        {
            set(weight, ReadReverse(s, 1, what, allowNoReverse: false) ?? false);
        }
    }

    /// <summary>
    /// <c>init_file [VALUE] [overwrite]</c> (keepalived's <c>track_file_init_handler</c>): a number (0 when none;
    /// keepalived warns outside -254..254 but uses it) and <c>overwrite</c>, in any order.
    /// </summary>
    internal void ReadInitFile(ConfigStatement s, VrrpTrackFileOptions file)
    {
        int value = 0;
        bool overwrite = false;
        for (int i = 0; i < s.Arguments.Count; i++)
        {
            string word = s.Arguments[i].Text;
            if (word.Length > 0 && (char.IsAsciiDigit(word[0]) || word[0] == '-'))
            {
                if (!TryParseInt(s, i, int.MinValue, int.MaxValue, "an integer", out value, $"track file {file.Name} init value", checkExtra: false))
                {
                    return;
                }

                if (value is < -254 or > 254)
                {
                    _d.Warning(s.Location, $"track file {file.Name} init value {value} is outside the sensible range -254..254 (used as keepalived does)");
                }
            }
            else if (word == "overwrite")
            {
                overwrite = true;
            }
            else
            {
                _d.Error(s.Location, $"init_file: unknown option '{word}' (expected a number or overwrite)");
                return;
            }
        }

        (file.InitialValue, file.InitialOverwrite) = (value, overwrite);
    }

    /// <summary>
    /// <c>garp_group { ... }</c>: keepalived's groups have no name; they are numbered in file order. As keepalived,
    /// a group that sets neither gap is removed (its interfaces are then paced by the global gaps).
    /// </summary>
    internal void ReadGarpGroup(ConfigStatement s)
    {
        WarnExtra(s, 0);
        string name = (_options.GarpGroups.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var draft = new BlockDraft<VrrpGarpGroupOptions>(new VrrpGarpGroupOptions { Name = name }, s.Keyword, s.Location);
        ReadBlock(KeywordTable.GarpGroup, s.Block!, draft);
        if (draft.Options.GarpInterval is null && draft.Options.GnaInterval is null)
        {
            Warning(s, "garp_group sets neither garp_interval nor gna_interval; the group is removed (as keepalived does)");
            return;
        }

        if (draft.Options.Interfaces.Count == 0)
        {
            Warning(s, "garp_group has no interfaces; it paces nothing");
        }

        _options.GarpGroups.Add(draft.Options);
    }

    /// <summary><c>interface IF</c> in a garp_group.</summary>
    internal void ReadGarpGroupInterface(ConfigStatement s, BlockDraft<VrrpGarpGroupOptions> draft)
    {
        if (s.Arguments.Count == 0)
        {
            _d.Error(s.Location, "interface: expected an interface name");
            return;
        }

        WarnExtra(s, 1);
        AddGarpGroupInterface(s, draft.Options, s.Arguments[0].Text);
    }

    /// <summary><c>interfaces { IF ... }</c> in a garp_group.</summary>
    internal void ReadGarpGroupInterfaces(ConfigStatement s, BlockDraft<VrrpGarpGroupOptions> draft)
    {
        if (s.Block is not { Count: > 0 })
        {
            Warning(s, "empty garp_group interfaces block");
            return;
        }

        foreach (var member in s.Block)
        {
            if (member.Block is not null)
            {
                _d.Error(member.Location, $"interfaces: '{member.Keyword}' does not take a block");
            }

            AddGarpGroupInterface(member, draft.Options, member.Keyword);
            foreach (var word in member.Arguments)
            {
                AddGarpGroupInterface(member, draft.Options, word.Text);
            }
        }
    }

    // keepalived: an interface is in one group, the first that names it; a later naming is ignored with a message.
    private void AddGarpGroupInterface(ConfigStatement s, VrrpGarpGroupOptions group, string name)
    {
        if (group.Interfaces.Contains(name, StringComparer.Ordinal) || _options.GarpGroups.Any(g => g.Interfaces.Contains(name, StringComparer.Ordinal)))
        {
            Warning(s, $"garp_group already specified for {name}; ignored (as keepalived does)");
            return;
        }

        group.Interfaces.Add(name);
    }

    internal void ReadSyncGroupMembers(ConfigStatement s, SyncGroupDraft draft)
    {
        foreach (var member in s.Block!)
        {
            if (member.Block is not null)
            {
                _d.Error(member.Location, $"group: '{member.Keyword}' does not take a block");
            }

            draft.Members.Add(member.KeywordToken);
            draft.Members.AddRange(member.Arguments);
        }
    }

    /// <summary>keepalived's two passes over a script value: decode escapes, then check that the result splits into words.</summary>
    internal string? ReadCommandLine(ConfigStatement s, string text)
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

    /// <summary>
    /// The words after a weight: <c>reverse</c> (true), and where keepalived allows it <c>noreverse</c> (false); null
    /// when neither. Any other word is warned about and ignored, as keepalived does.
    /// </summary>
    private bool? ReadReverse(ConfigStatement s, int from, string what, bool allowNoReverse)
    {
        bool? reverse = null;
        for (int i = from; i < s.Arguments.Count; i++)
        {
            string word = s.Arguments[i].Text;
            if (i == from && word == "reverse")
            {
                reverse = true;
            }
            else if (i == from && allowNoReverse && word is "noreverse" or "no_reverse")
            {
                reverse = false;
            }
            else
            {
                _d.Warning(s.Location, $"{what}: '{word}' is ignored");
            }
        }

        return reverse;
    }
}
