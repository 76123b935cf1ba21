using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived;

/// <summary>An instance being read, with what is resolved once every block is read (tracked scripts and files, devices).</summary>
internal sealed class InstanceDraft(VrrpInstanceOptions options, SourceLocation at) : BlockDraft<VrrpInstanceOptions>(options, "vrrp_instance", at)
{
    public List<(SourceLocation At, string Device)> Devices { get; } = [];

    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Scripts { get; } = [];

    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Files { get; } = [];
}

// keepalived's adjustments once an instance is read (its vrrp_complete_instance), with its reasons.
internal sealed partial class KeepalivedConfigBinder
{
    private void Complete(InstanceDraft draft)
    {
        var o = draft.Options;
        if (!draft.Has("interface"))
        {
            _d.Error(draft.At, $"vrrp_instance '{o.Name}': missing 'interface' (the interface the instance runs on)");
        }

        if (!draft.Has("virtual_router_id"))
        {
            _d.Error(draft.At, $"vrrp_instance '{o.Name}': missing 'virtual_router_id' (expected a number {VrrpLimits.MinimumVirtualRouterId}..{VrrpLimits.MaximumVirtualRouterId})");
        }

        ApplyDefaults(KeywordTable.Instance, draft);
        if (o.InitialState == VrrpState.Master && o.AuthenticationType == AuthenticationType.IPAuthenticationHeader)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': state MASTER does not work with AH authentication; BACKUP is used (as keepalived does)");
            o.InitialState = VrrpState.Backup;
        }

        // keepalived: "state MASTER" with no priority is the address owner.
        if (!draft.Has("priority") && o.InitialState == VrrpState.Master)
        {
            o.Priority = VrrpLimits.MaximumPriority;
        }

        bool ipv6 = o.VirtualAddresses.Count > 0 && VirtualAddress.Parse(o.VirtualAddresses[0]).Family == VrrpAddressFamily.IPv6;
        if (ipv6 && o.Version == VrrpVersion.V2)
        {
            if (draft.Seen.TryGetValue("version", out var versionAt))
            {
                _d.Warning(versionAt, $"vrrp_instance '{o.Name}': IPv6 needs VRRPv3; version 3 is used");
            }

            o.Version = VrrpVersion.V3;
        }

        CompleteAdvertisementInterval(draft);

        // keepalived's own adjustments, with its reasons (it logs the same and carries on).
        if (o.InitialState == VrrpState.Master && o.NoPreempt)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': nopreempt does not work with state MASTER; cleared (as keepalived does)");
            o.NoPreempt = false;
        }

        if (o.PreemptDelay > TimeSpan.Zero && (o.InitialState == VrrpState.Master || o.Priority == VrrpLimits.MaximumPriority))
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': preempt_delay does not work with state MASTER or priority 255; cleared (as keepalived does)");
            o.PreemptDelay = TimeSpan.Zero;
        }
        else if (o.PreemptDelay > TimeSpan.Zero && o.NoPreempt)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': preempt_delay has no effect with nopreempt; cleared (as keepalived does)");
            o.PreemptDelay = TimeSpan.Zero;
        }

        if (o.CheckUnicastSource && o.UnicastPeers.Count == 0)
        {
            if (draft.Has("check_unicast_src"))
            {
                _d.Warning(draft.At, $"vrrp_instance '{o.Name}': check_unicast_src without unicast_peer; multicast is used and the check is off (as keepalived does)");
            }

            o.CheckUnicastSource = false;
        }

        if (o.AuthenticationType != AuthenticationType.None)
        {
            if (o.Version == VrrpVersion.V3)
            {
                _d.Warning(draft.Seen["authentication"], $"vrrp_instance '{o.Name}': VRRPv3 has no authentication; ignored");
                ClearAuthentication(o);
            }
            else if (o.StrictMode)
            {
                _d.Warning(draft.Seen["authentication"], $"vrrp_instance '{o.Name}': strict mode does not allow authentication; ignored");
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

        if (o.Priority == VrrpLimits.MaximumPriority && o.NoPreempt)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': nopreempt does not work with priority 255; cleared (as keepalived does)");
            o.NoPreempt = false;
        }

        if (o.Priority == VrrpLimits.MaximumPriority)
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

    /// <summary>advert_int against the instance's version (known only now: it may come from global_defs or the addresses).</summary>
    private void CompleteAdvertisementInterval(InstanceDraft draft)
    {
        var o = draft.Options;
        if (!draft.Seen.TryGetValue("advert_int", out var at))
        {
            return;
        }

        var advert = o.AdvertisementInterval;
        string text = VrrpLimits.Seconds(advert);
        if (o.Version == VrrpVersion.V2 && advert.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            _d.Error(at, $"advert_int '{text}': VRRPv2 needs whole seconds 1..{VrrpLimits.MaximumV2AdvertisementIntervalSeconds} (fractions need version 3)");
            o.AdvertisementInterval = TimeSpan.FromSeconds(1);
        }
        else if (o.Version == VrrpVersion.V3 && VrrpLimits.CheckAdvertisementInterval(VrrpVersion.V3, advert) is not null)
        {
            _d.Error(at, $"advert_int '{text}': VRRPv3 needs 0.01..40.95 seconds in steps of 0.01");
            o.AdvertisementInterval = TimeSpan.FromSeconds(1);
        }
    }
}
