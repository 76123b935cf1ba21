using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived;

internal sealed partial class KeepalivedConfigBinder
{
    /// <summary>An instance being read, with what keepalived derives at the end (defaults from global_defs, version from the VIPs).</summary>
    private sealed class InstanceDraft(VrrpInstanceOptions options, SourceLocation at)
    {
        public VrrpInstanceOptions Options { get; } = options;

        public SourceLocation At { get; } = at;

        public bool HaveInterface { get; set; }

        public bool HaveRouterId { get; set; }

        public bool HavePriority { get; set; }

        public int? Version { get; set; }

        public SourceLocation? VersionAt { get; set; }

        public decimal? AdvertSeconds { get; set; }

        public SourceLocation AdvertAt { get; set; }

        public bool? Strict { get; set; }

        public bool? CheckUnicastSource { get; set; }

        public GarpSettings Garp { get; } = new();

        public SourceLocation? AuthenticationAt { get; set; }

        public List<(SourceLocation At, string Device)> Devices { get; } = [];

        public List<(ConfigToken Name, TrackReferenceOptions Reference)> Scripts { get; } = [];

        public List<(ConfigToken Name, TrackReferenceOptions Reference)> Files { get; } = [];
    }

    private void BindInstance(InstanceDraft draft, List<ConfigStatement> block)
    {
        var o = draft.Options;
        foreach (var s in block)
        {
            if (KeepalivedKeywords.InstanceBlocks.Contains(s.Keyword))
            {
                if (!RequireBlock(s))
                {
                    continue;
                }
            }
            else if (s.Block is not null)
            {
                if (KeepalivedKeywords.InstanceKeywords.Contains(s.Keyword))
                {
                    _d.Error(s.Location, $"{s.Keyword} does not take a block");
                }
                else
                {
                    _d.Warning(s.Location, $"vrrp_instance: '{s.Keyword}' block is not supported; ignored");
                }

                continue;
            }

            switch (s.Keyword)
            {
                case "state":
                    if (RequireString(s, "MASTER or BACKUP", out string state))
                    {
                        // Case matters, as in keepalived ("master" is not MASTER).
                        if (state == "MASTER")
                        {
                            o.InitialState = VrrpState.Master;
                        }
                        else if (state == "BACKUP")
                        {
                            o.InitialState = VrrpState.Backup;
                        }
                        else
                        {
                            _d.Error(s.Location, $"state '{state}': expected MASTER or BACKUP");
                        }
                    }

                    break;
                case "interface":
                    if (RequireString(s, "an interface name", out string name) && IsInterfaceName(s, name))
                    {
                        o.Interface = name;
                        draft.HaveInterface = true;
                    }

                    break;
                case "virtual_router_id":
                    if (TryParseInt(s, 0, 1, 255, "a number 1..255", out int vrid))
                    {
                        o.VirtualRouterId = vrid;
                        draft.HaveRouterId = true;
                    }

                    break;
                case "priority":
                    if (TryParseInt(s, 0, 1, 255, "a number 1..255", out int priority))
                    {
                        o.Priority = priority;
                        draft.HavePriority = true;
                    }

                    break;
                case "advert_int":
                    if (TryParseDecimal(s, 0, "seconds, for example 1 or 0.5", out decimal advert))
                    {
                        if (advert <= 0 || advert > 255)
                        {
                            _d.Error(s.Location, $"advert_int '{s.Arguments[0].Text}': expected seconds above 0 and at most 255");
                        }
                        else
                        {
                            draft.AdvertSeconds = advert;
                            draft.AdvertAt = s.Location;
                        }
                    }

                    break;
                case "version":
                    if (TryParseInt(s, 0, 2, 3, "2 or 3", out int version))
                    {
                        draft.Version = version;
                        draft.VersionAt = s.Location;
                    }

                    break;
                case "authentication":
                    BindAuthentication(draft, s);
                    break;
                case "virtual_ipaddress":
                    BindAddresses(draft, s, o.VirtualAddresses, sameFamily: true);
                    break;
                case "virtual_ipaddress_excluded":
                    BindAddresses(draft, s, o.ExcludedVirtualAddresses, sameFamily: false);
                    break;
                case "nopreempt" or "no_preempt":
                    NoArguments(s);
                    o.NoPreempt = true;
                    break;
                case "preempt":
                    NoArguments(s);
                    o.NoPreempt = false;
                    break;
                case "preempt_delay":
                    if (TryParseSeconds(s, 0, 1000, out var preemptDelay))
                    {
                        o.PreemptDelay = preemptDelay;
                    }

                    break;
                case "unicast_src_ip" or "mcast_src_ip":
                    if (RequireAddress(s, out string source))
                    {
                        o.SourceAddress = source;
                    }

                    break;
                case "unicast_peer":
                    BindPeers(o, s);
                    break;
                case "check_unicast_src":
                    NoArguments(s);
                    draft.CheckUnicastSource = true;
                    break;
                case "use_vmac":
                    o.UseVirtualMac = true;
                    if (s.Arguments.Count > 0 && IsInterfaceName(s, s.Arguments[0].Text))
                    {
                        o.VirtualMacInterface = s.Arguments[0].Text;
                    }

                    if (s.Arguments.Count > 1)
                    {
                        _d.Warning(s.Location, $"use_vmac: a MAC address ('{s.Arguments[1].Text}') is not supported (the RFC virtual MAC is used); ignored");
                    }

                    break;
                case "net_namespace":
                    if (RequireString(s, "a namespace name", out string ns))
                    {
                        o.NetworkNamespace = ns;
                    }

                    break;
                case "dont_track_primary":
                    NoArguments(s);
                    o.DontTrackPrimary = true;
                    break;
                case "strict_mode":
                    if (TryParseBool(s, out bool strict))
                    {
                        draft.Strict = strict;
                    }

                    break;
                case "garp_master_delay" or "garp_master_repeat" or "garp_master_refresh" or "garp_master_refresh_repeat" or "garp_lower_prio_delay" or "garp_lower_prio_repeat":
                    BindGarp(s, s.Keyword, draft.Garp);
                    break;
                case "track_interface":
                    BindTrackInterfaces(o, s);
                    break;
                case "track_script":
                    BindTrackReferences(s, draft.Scripts, -253, 253);
                    break;
                case "track_file":
                    BindTrackReferences(s, draft.Files, -254, 254);
                    break;
                case "notify_master":
                    o.NotifyMaster = ReadFirstNotify(s, o.NotifyMaster);
                    break;
                case "notify_backup":
                    o.NotifyBackup = ReadFirstNotify(s, o.NotifyBackup);
                    break;
                case "notify_fault":
                    o.NotifyFault = ReadFirstNotify(s, o.NotifyFault);
                    break;
                case "notify_stop":
                    o.NotifyStop = ReadFirstNotify(s, o.NotifyStop);
                    break;
                case "notify":
                    o.Notify = ReadFirstNotify(s, o.Notify);
                    break;
                default:
                    _d.Warning(s.Location, $"vrrp_instance: '{s.Keyword}'{(s.Block is null ? "" : " block")} is not supported; ignored");
                    break;
            }
        }
    }

    /// <summary>keepalived keeps the first notify command of a kind and ignores a repeat.</summary>
    private string? ReadFirstNotify(ConfigStatement s, string? current)
    {
        if (current is not null)
        {
            _d.Warning(s.Location, $"{s.Keyword} is already set; this one is ignored (as keepalived does)");
            return current;
        }

        return ReadNotify(s);
    }

    /// <summary>Linux interface names have at most 15 characters (IFNAMSIZ 16 with the terminator).</summary>
    private bool IsInterfaceName(ConfigStatement s, string name)
    {
        if (name.Length <= 15 && !name.Contains('/', StringComparison.Ordinal) && name is not ("." or ".."))
        {
            return true;
        }

        _d.Error(s.Location, $"{s.Keyword} '{name}': expected an interface name of at most 15 characters, without '/'");
        return false;
    }

    private void BindAuthentication(InstanceDraft draft, ConfigStatement block)
    {
        var o = draft.Options;
        AuthenticationType? type = null;
        string? password = null;
        foreach (var s in block.Block!)
        {
            if (!NoBlock(s))
            {
                continue;
            }

            switch (s.Keyword)
            {
                case "auth_type":
                    if (RequireString(s, "PASS or AH", out string value))
                    {
                        if (value == "PASS")
                        {
                            type = AuthenticationType.SimplePassword;
                        }
                        else if (value == "AH")
                        {
                            type = AuthenticationType.IPAuthenticationHeader;
                        }
                        else
                        {
                            _d.Error(s.Location, $"auth_type '{value}': expected PASS or AH");
                        }
                    }

                    break;
                case "auth_pass":
                    if (RequireString(s, "a password", out string pass))
                    {
                        if (pass.Length > 8)
                        {
                            _d.Warning(s.Location, $"auth_pass: only the first 8 characters are used ('{pass[..8]}')");
                            pass = pass[..8];
                        }

                        password = pass;
                    }

                    break;
                default:
                    _d.Warning(s.Location, $"authentication: '{s.Keyword}' is not supported; ignored");
                    break;
            }
        }

        if (type is null)
        {
            if (password is not null)
            {
                _d.Error(block.Location, "authentication: missing 'auth_type' (expected PASS or AH)");
            }

            return;
        }

        if (password is null)
        {
            _d.Error(block.Location, "authentication: missing 'auth_pass' (the password)");
            return;
        }

        o.AuthenticationType = type.Value;
        o.AuthenticationPassword = password;
        draft.AuthenticationAt = block.Location;
    }

    private void BindAddresses(InstanceDraft draft, ConfigStatement block, List<string> into, bool sameFamily)
    {
        VrrpAddressFamily? family = null;
        foreach (var s in block.Block!)
        {
            if (s.Block is not null)
            {
                _d.Error(s.Location, $"{block.Keyword}: '{s.Keyword}' does not take a block");
                continue;
            }

            if (!TryParseAddressWithPrefix(s.Keyword, out var address, out int prefix, out string? expected))
            {
                _d.Error(s.Location, $"{block.Keyword} '{s.Keyword}': expected {expected}");
                continue;
            }

            string text = $"{address}/{prefix}";
            if (sameFamily)
            {
                family ??= address.Family;
                if (address.Family != family)
                {
                    _d.Error(s.Location, $"{block.Keyword} '{s.Keyword}': all addresses must be of one family (the first is {family}); put the others in virtual_ipaddress_excluded");
                    continue;
                }
            }

            if (into.Contains(text))
            {
                _d.Warning(s.Location, $"{block.Keyword} '{s.Keyword}' is listed twice; ignored");
                continue;
            }

            into.Add(text);
            BindAddressOptions(draft, block.Keyword, s);
        }
    }

    /// <summary>The words after <c>ADDR[/LEN]</c>: <c>dev</c> is checked against the interface later; the rest is not held by the options.</summary>
    private void BindAddressOptions(InstanceDraft draft, string keyword, ConfigStatement s)
    {
        var ignored = new List<string>();
        for (int i = 0; i < s.Arguments.Count; i++)
        {
            string word = s.Arguments[i].Text;
            bool takesValue = word is "dev" or "label" or "brd" or "broadcast" or "scope" or "peer" or "preferred_lft" or "track_group";
            string? value = takesValue && i + 1 < s.Arguments.Count ? s.Arguments[++i].Text : null;
            if (takesValue && value is null)
            {
                _d.Error(s.Location, $"{keyword} '{s.Keyword}': '{word}' expects a value");
                continue;
            }

            if (word == "dev")
            {
                draft.Devices.Add((s.Location, value!));
            }
            else
            {
                ignored.Add(value is null ? word : $"{word} {value}");
            }
        }

        if (ignored.Count > 0)
        {
            _d.Warning(s.Location, $"{keyword} '{s.Keyword}': '{string.Join(' ', ignored)}' is not supported; ignored");
        }
    }

    private void BindPeers(VrrpInstanceOptions o, ConfigStatement block)
    {
        foreach (var s in block.Block!)
        {
            if (s.Block is not null)
            {
                _d.Error(s.Location, $"unicast_peer: '{s.Keyword}' does not take a block");
                continue;
            }

            if (!TryParseAddress(s.Keyword, out var address))
            {
                _d.Error(s.Location, $"unicast_peer '{s.Keyword}': expected an IPv4 or IPv6 address");
                continue;
            }

            string text = address.ToString();
            if (o.UnicastPeers.Contains(text))
            {
                _d.Warning(s.Location, $"unicast_peer '{s.Keyword}' is listed twice; ignored");
                continue;
            }

            o.UnicastPeers.Add(text);
            if (s.Arguments.Count > 0)
            {
                _d.Warning(s.Location, $"unicast_peer '{s.Keyword}': '{string.Join(' ', s.Arguments.Select(static a => a.Text))}' is not supported; ignored");
            }
        }
    }

    private void BindTrackInterfaces(VrrpInstanceOptions o, ConfigStatement block)
    {
        foreach (var s in block.Block!)
        {
            if (!NoBlock(s))
            {
                continue;
            }

            int weight = 0;
            if (s.Arguments.Count > 0)
            {
                if (s.Arguments[0].Text != "weight")
                {
                    _d.Error(s.Location, $"track_interface '{s.Keyword}': expected 'weight W' after the interface, got '{s.Arguments[0].Text}'");
                    continue;
                }

                if (!TryParseInt(s, 1, -253, 253, "a number -253..253", out weight, $"track_interface {s.Keyword} weight", checkExtra: false))
                {
                    continue;
                }

                WarnReverse(s, 2, $"track_interface {s.Keyword}");
            }

            if (o.TrackInterfaces.Any(t => t.Interface == s.Keyword))
            {
                _d.Warning(s.Location, $"track_interface '{s.Keyword}' is listed twice; ignored");
                continue;
            }

            o.TrackInterfaces.Add(new TrackInterfaceOptions { Interface = s.Keyword, Weight = weight });
        }
    }

    private void BindTrackReferences(ConfigStatement block, List<(ConfigToken, TrackReferenceOptions)> into, int min, int max)
    {
        foreach (var s in block.Block!)
        {
            if (!NoBlock(s))
            {
                continue;
            }

            int? weight = null;
            if (s.Arguments.Count > 0)
            {
                if (s.Arguments[0].Text != "weight")
                {
                    _d.Error(s.Location, $"{block.Keyword} '{s.Keyword}': expected 'weight W' after the name, got '{s.Arguments[0].Text}'");
                    continue;
                }

                if (!TryParseInt(s, 1, min, max, $"a number {min}..{max}", out int w, $"{block.Keyword} {s.Keyword} weight", checkExtra: false))
                {
                    continue;
                }

                weight = w;
                WarnReverse(s, 2, $"{block.Keyword} {s.Keyword}");
            }

            into.Add((s.KeywordToken, new TrackReferenceOptions { Name = s.Keyword, Weight = weight }));
        }
    }

    private void Complete(InstanceDraft draft)
    {
        var o = draft.Options;
        if (!draft.HaveInterface)
        {
            _d.Error(draft.At, $"vrrp_instance '{o.Name}': missing 'interface' (the interface the instance runs on)");
        }

        if (!draft.HaveRouterId)
        {
            _d.Error(draft.At, $"vrrp_instance '{o.Name}': missing 'virtual_router_id' (expected a number 1..255)");
        }

        if (o.InitialState == VrrpState.Master && o.AuthenticationType == AuthenticationType.IPAuthenticationHeader)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': state MASTER does not work with AH authentication; BACKUP is used (as keepalived does)");
            o.InitialState = VrrpState.Backup;
        }

        // keepalived: "state MASTER" with no priority is the address owner.
        if (!draft.HavePriority && o.InitialState == VrrpState.Master)
        {
            o.Priority = 255;
        }

        bool ipv6 = o.VirtualAddresses.Count > 0 && VirtualAddress.Parse(o.VirtualAddresses[0]).Family == VrrpAddressFamily.IPv6;
        int version = draft.Version ?? _global.Version;
        if (ipv6 && version == 2)
        {
            if (draft.Version == 2)
            {
                _d.Warning(draft.VersionAt!.Value, $"vrrp_instance '{o.Name}': IPv6 needs VRRPv3; version 3 is used");
            }

            version = 3;
        }

        o.Version = version == 2 ? VrrpVersion.V2 : VrrpVersion.V3;

        if (draft.AdvertSeconds is decimal advert)
        {
            if (version == 2 && decimal.Truncate(advert) != advert)
            {
                _d.Error(draft.AdvertAt, $"advert_int '{advert.ToString(System.Globalization.CultureInfo.InvariantCulture)}': VRRPv2 needs whole seconds 1..255 (fractions need version 3)");
            }
            else if (version == 3 && (advert * 100 != decimal.Truncate(advert * 100) || advert > 40.95m))
            {
                _d.Error(draft.AdvertAt, $"advert_int '{advert.ToString(System.Globalization.CultureInfo.InvariantCulture)}': VRRPv3 needs 0.01..40.95 seconds in steps of 0.01");
            }
            else
            {
                o.AdvertisementInterval = TimeSpan.FromTicks((long)(advert * TimeSpan.TicksPerSecond));
            }
        }

        // keepalived's own adjustments, with its reasons (it logs the same and carries on).
        if (o.InitialState == VrrpState.Master && o.NoPreempt)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': nopreempt does not work with state MASTER; cleared (as keepalived does)");
            o.NoPreempt = false;
        }

        if (o.PreemptDelay > TimeSpan.Zero && (o.InitialState == VrrpState.Master || o.Priority == 255))
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': preempt_delay does not work with state MASTER or priority 255; cleared (as keepalived does)");
            o.PreemptDelay = TimeSpan.Zero;
        }
        else if (o.PreemptDelay > TimeSpan.Zero && o.NoPreempt)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': preempt_delay has no effect with nopreempt; cleared (as keepalived does)");
            o.PreemptDelay = TimeSpan.Zero;
        }

        o.StrictMode = draft.Strict ?? _global.Strict;
        o.CheckUnicastSource = draft.CheckUnicastSource ?? _global.CheckUnicastSource;
        if (o.CheckUnicastSource && o.UnicastPeers.Count == 0)
        {
            if (draft.CheckUnicastSource == true)
            {
                _d.Warning(draft.At, $"vrrp_instance '{o.Name}': check_unicast_src without unicast_peer; multicast is used and the check is off (as keepalived does)");
            }

            o.CheckUnicastSource = false;
        }
        o.GarpMasterDelay = draft.Garp.MasterDelay ?? _global.Garp.MasterDelay ?? s_defaultGarpDelay;
        o.GarpMasterRepeat = draft.Garp.MasterRepeat ?? _global.Garp.MasterRepeat ?? DefaultGarpRepeat;
        o.GarpMasterRefresh = draft.Garp.MasterRefresh ?? _global.Garp.MasterRefresh ?? TimeSpan.Zero;
        o.GarpMasterRefreshRepeat = draft.Garp.MasterRefreshRepeat ?? _global.Garp.MasterRefreshRepeat ?? 1;

        // keepalived: the lower-priority announcement defaults come from the global master ones, not the instance's.
        o.GarpLowerPriorityDelay = draft.Garp.LowerPriorityDelay ?? _global.Garp.LowerPriorityDelay ?? _global.Garp.MasterDelay ?? s_defaultGarpDelay;
        o.GarpLowerPriorityRepeat = draft.Garp.LowerPriorityRepeat ?? _global.Garp.LowerPriorityRepeat ?? _global.Garp.MasterRepeat ?? DefaultGarpRepeat;

        if (o.AuthenticationType != AuthenticationType.None)
        {
            if (version == 3)
            {
                _d.Warning(draft.AuthenticationAt!.Value, $"vrrp_instance '{o.Name}': VRRPv3 has no authentication; ignored");
                ClearAuthentication(o);
            }
            else if (o.StrictMode)
            {
                _d.Warning(draft.AuthenticationAt!.Value, $"vrrp_instance '{o.Name}': strict mode does not allow authentication; ignored");
                ClearAuthentication(o);
            }
        }

        foreach (var (at, device) in draft.Devices)
        {
            if (device != o.Interface)
            {
                _d.Warning(at, $"dev {device}: addresses on another interface than the instance's ({o.Interface}) are not supported; the address goes on {o.Interface}");
            }
        }

        foreach (var (name, reference) in draft.Scripts)
        {
            if (!_scriptNames.ContainsKey(name.Text))
            {
                _d.Warning(name.Location, $"track_script: no vrrp_script '{name.Text}'; ignored");
            }
            else if (o.TrackScripts.Any(t => t.Name == name.Text))
            {
                _d.Warning(name.Location, $"track_script '{name.Text}' is listed twice; ignored");
            }
            else if (_options.Scripts.Any(x => x.Name == name.Text))
            {
                o.TrackScripts.Add(reference);
            }
        }

        foreach (var (name, reference) in draft.Files)
        {
            if (!_trackFileNames.ContainsKey(name.Text))
            {
                _d.Warning(name.Location, $"track_file: no vrrp_track_file '{name.Text}'; ignored");
            }
            else if (o.TrackFiles.Any(t => t.Name == name.Text))
            {
                _d.Warning(name.Location, $"track_file '{name.Text}' is listed twice; ignored");
            }
            else if (_options.TrackFiles.Any(x => x.Name == name.Text))
            {
                o.TrackFiles.Add(reference);
            }
        }

        if (o.Priority == 255 && o.NoPreempt)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': nopreempt does not work with priority 255; cleared (as keepalived does)");
            o.NoPreempt = false;
        }

        if (o.Priority == 255)
        {
            // keepalived: an address owner's priority cannot change, so weighted trackers are dropped.
            const string why = "for an address owner (priority 255; as keepalived does)";
            o.TrackInterfaces.RemoveAll(track =>
            {
                if (track.Weight == 0)
                {
                    return false;
                }

                _d.Warning(draft.At, $"vrrp_instance '{o.Name}': track_interface {track.Interface} with weight {track.Weight} is ignored {why}");
                return true;
            });
            DropWeighted(draft, o.TrackScripts, "track_script", name => _options.Scripts.First(x => x.Name == name).Weight, why);
            DropWeighted(draft, o.TrackFiles, "track_file", name => _options.TrackFiles.First(x => x.Name == name).Weight, why);
        }

        _options.Instances.Add(o);

        static void ClearAuthentication(VrrpInstanceOptions o)
        {
            o.AuthenticationType = AuthenticationType.None;
            o.AuthenticationPassword = null;
        }
    }
}
