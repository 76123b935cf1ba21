using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>A sync group being read: its member names as written, resolved once every instance is read.</summary>
internal sealed class SyncGroupDraft(VrrpSyncGroupOptions options, SourceLocation at) : BlockDraft<VrrpSyncGroupOptions>(options, "vrrp_sync_group", at)
{
    public List<ConfigToken> Members { get; } = [];

    /// <summary>The group's own trackers, which every member tracks.</summary>
    public List<TrackInterfaceOptions> Interfaces { get; } = [];

    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Scripts { get; } = [];

    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Files { get; } = [];

    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Processes { get; } = [];

    public List<(ConfigStatement At, string? User, string? Group)> NotifyUsers { get; } = [];
}

// Sync groups once every instance is read: members resolved, and keepalived's rule on tracking weights in groups.
internal sealed partial class KeepalivedConfigBinder
{
    private void CompleteSyncGroups()
    {
        var memberOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var draft in _syncGroups)
        {
            var (group, members, at, keepWeights) = (draft.Options, draft.Members, draft.At, draft.Has("sync_group_tracking_weight"));
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

            (group.NotifyUser, group.NotifyGroup) = NotifyUser("vrrp_sync_group", $"sync group '{group.Name}'", draft.NotifyUsers);
            bool groupWeights = AddGroupTrackers(draft);
            group.TrackingWeight = keepWeights || groupWeights;
            _options.SyncGroups.Add(group);
            foreach (string member in group.Instances)
            {
                // keepalived: an instance's notify_priority_changes, else its group's, else global_defs'.
                var options = _instances.First(i => i.Options.Name == member).Options;
                options.NotifyPriorityChanges ??= group.NotifyPriorityChanges;
            }
        }

        if (Globals.TryGetValue("vrrp_notify_priority_changes", out object? notifyPriorityChanges))
        {
            foreach (var draft in _instances)
            {
                draft.Options.NotifyPriorityChanges ??= (bool)notifyPriorityChanges;
            }
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
        DropWeighted(draft, o.TrackProcesses, "track_process", name => _options.TrackProcesses.First(x => x.Name == name).Weight, why);
    }

    /// <summary>
    /// Removes the references whose weight (their own, or the tracker's) is not 0, with a warning each; a track_file of
    /// weight 1 (keepalived's default) is kept with weight 0 instead, as keepalived does.
    /// </summary>
    private void DropWeighted(InstanceDraft draft, List<TrackReferenceOptions> references, string keyword, Func<string, int> defaultWeight, string why)
    {
        references.RemoveAll(track =>
        {
            int weight = track.Weight ?? defaultWeight(track.Name);
            if (weight == 0)
            {
                return false;
            }

            if (weight == 1 && keyword == "track_file")
            {
                _d.Warning(draft.At, $"vrrp_instance '{draft.Options.Name}': track_file {track.Name} weight 1 is ignored {why}; weight 0");
                track.Weight = 0;
                return false;
            }

            _d.Warning(draft.At, $"vrrp_instance '{draft.Options.Name}': {keyword} {track.Name} with weight {weight} is ignored {why}");
            return true;
        });
    }

    /// <summary>
    /// The group's own track_interface, track_script and track_file: every member tracks them, with their weights
    /// (keepalived keeps those, and clears them only when a member is an address owner). Returns whether any weight
    /// remains, so that the group applies weights.
    /// </summary>
    private bool AddGroupTrackers(SyncGroupDraft group)
    {
        var members = group.Options.Instances.Select(m => _instances.First(i => i.Options.Name == m).Options).ToList();
        bool owner = members.Any(static m => m.Priority == VrrpLimits.MaximumPriority);
        var scripts = Resolve(group.Scripts, "track_script", "vrrp_script", _scriptNames);
        var files = Resolve(group.Files, "track_file", "vrrp_track_file", _trackFileNames);
        var processes = Resolve(group.Processes, "track_process", "vrrp_track_process", _processNames);
        bool weighted = false;

        foreach (var track in group.Interfaces)
        {
            ClearIfOwner(track.Weight, w => track.Weight = w, "track_interface", track.Interface);
            weighted |= track.Weight != 0;
            foreach (var member in members.Where(m => m.TrackInterfaces.All(t => t.Interface != track.Interface)))
            {
                member.TrackInterfaces.Add(new TrackInterfaceOptions { Interface = track.Interface, Weight = track.Weight, Reverse = track.Reverse });
            }
        }

        foreach (var reference in scripts)
        {
            ClearIfOwner(reference.Weight ?? _options.Scripts.First(x => x.Name == reference.Name).Weight, w => reference.Weight = w, "track_script", reference.Name);
            weighted |= (reference.Weight ?? _options.Scripts.First(x => x.Name == reference.Name).Weight) != 0;
            AddToMembers(reference, static m => m.TrackScripts);
        }

        foreach (var reference in files)
        {
            ClearIfOwner(reference.Weight ?? _options.TrackFiles.First(x => x.Name == reference.Name).Weight, w => reference.Weight = w, "track_file", reference.Name);
            weighted |= (reference.Weight ?? _options.TrackFiles.First(x => x.Name == reference.Name).Weight) != 0;
            AddToMembers(reference, static m => m.TrackFiles);
        }

        foreach (var reference in processes)
        {
            ClearIfOwner(reference.Weight ?? _options.TrackProcesses.First(x => x.Name == reference.Name).Weight, w => reference.Weight = w, "track_process", reference.Name);
            weighted |= (reference.Weight ?? _options.TrackProcesses.First(x => x.Name == reference.Name).Weight) != 0;
            AddToMembers(reference, static m => m.TrackProcesses);
        }

        return weighted;

        void ClearIfOwner(int weight, Action<int> set, string keyword, string name)
        {
            if (owner && weight != 0)
            {
                _d.Warning(group.At, $"vrrp_sync_group '{group.Options.Name}': {keyword} {name} weight {weight} is cleared because a member is an address owner (priority 255; as keepalived does); weight 0");
                set(0);
            }
        }

        void AddToMembers(TrackReferenceOptions reference, Func<VrrpInstanceOptions, List<TrackReferenceOptions>> list)
        {
            foreach (var member in members)
            {
                if (list(member).Any(t => t.Name == reference.Name))
                {
                    _d.Warning(group.At, $"vrrp_sync_group '{group.Options.Name}': instance '{member.Name}' tracks {reference.Name} itself; the group's is not added");
                    continue;
                }

                list(member).Add(new TrackReferenceOptions { Name = reference.Name, Weight = reference.Weight, Reverse = reference.Reverse });
            }
        }
    }

    /// <summary>The references whose tracker exists (the others are warned about, as keepalived does), each once.</summary>
    private List<TrackReferenceOptions> Resolve(List<(ConfigToken Name, TrackReferenceOptions Reference)> references, string keyword, string block, Dictionary<string, SourceLocation> defined)
    {
        // Defined but not read (an error was reported there): left out without another message.
        Func<string, bool> read = keyword switch
        {
            "track_script" => n => _options.Scripts.Any(x => x.Name == n),
            "track_file" => n => _options.TrackFiles.Any(x => x.Name == n),
            _ => n => _options.TrackProcesses.Any(x => x.Name == n),
        };
        var resolved = new List<TrackReferenceOptions>();
        foreach (var (name, reference) in references)
        {
            if (!defined.ContainsKey(name.Text))
            {
                _d.Warning(name.Location, $"{keyword}: no {block} '{name.Text}'; ignored");
            }
            else if (resolved.Any(t => t.Name == name.Text))
            {
                _d.Warning(name.Location, $"{keyword} '{name.Text}' is listed twice; ignored");
            }
            else if (read(name.Text))
            {
                resolved.Add(reference);
            }
        }

        return resolved;
    }
}
