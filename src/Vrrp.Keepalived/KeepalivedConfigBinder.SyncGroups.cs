using Vrrp.Hosting;

namespace Vrrp.Keepalived;

/// <summary>A sync group being read: its member names as written, resolved once every instance is read.</summary>
internal sealed class SyncGroupDraft(VrrpSyncGroupOptions options, SourceLocation at) : BlockDraft<VrrpSyncGroupOptions>(options, "vrrp_sync_group", at)
{
    public List<ConfigToken> Members { get; } = [];
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
}
