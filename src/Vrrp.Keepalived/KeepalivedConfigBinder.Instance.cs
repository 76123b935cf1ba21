using System.Globalization;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived;

/// <summary>An instance being read, with what is resolved once every block is read (tracked scripts and files, devices).</summary>
internal sealed class InstanceDraft(VrrpInstanceOptions options, SourceLocation at) : BlockDraft<VrrpInstanceOptions>(options, "vrrp_instance", at)
{
    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Scripts { get; } = [];

    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Files { get; } = [];

    public List<(ConfigToken Name, TrackReferenceOptions Reference)> Processes { get; } = [];

    public List<(ConfigStatement At, string? User, string? Group)> NotifyUsers { get; } = [];
}

// keepalived's adjustments once an instance is read (its vrrp_complete_instance), with its reasons.
internal sealed partial class KeepalivedConfigBinder
{
    private void Complete(InstanceDraft draft)
    {
        var o = draft.Options;
        if (o.Interface.Length == 0 && o.UnicastPeers.Count == 0)
        {
            _d.Error(draft.At, $"vrrp_instance '{o.Name}': missing 'interface' (the interface the instance runs on; only a unicast instance can do without one, as keepalived)");
        }

        if (!draft.Has("virtual_router_id"))
        {
            _d.Error(draft.At, $"vrrp_instance '{o.Name}': missing 'virtual_router_id' (expected a number {VrrpLimits.MinimumVirtualRouterId}..{VrrpLimits.MaximumVirtualRouterId})");
        }

        ApplyDefaults(KeywordTable.Instance, draft);

        // native_ipv6 sets version 3 when read: over vrrp_version and an earlier version keyword, not a later one.
        if (draft.Seen.TryGetValue("native_ipv6", out var nativeAt) &&
            (!draft.Seen.TryGetValue("version", out var versionSeen) || (versionSeen.File == nativeAt.File && versionSeen.Line < nativeAt.Line)))
        {
            o.Version = VrrpVersion.V3;
        }

        // keepalived: "state MASTER" with no priority is the address owner.
        if (!draft.Has("priority") && o.InitialState == VrrpState.Master)
        {
            o.Priority = VrrpLimits.MaximumPriority;
        }

        if (o.InitialState == VrrpState.Master && o.Priority != VrrpLimits.MaximumPriority && o.AuthenticationType == AuthenticationType.IPAuthenticationHeader)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': state MASTER does not work with AH authentication; BACKUP is used (as keepalived does)");
            o.InitialState = VrrpState.Backup;
        }

        bool ipv6 = o.VirtualAddresses.Count > 0 && VirtualAddressSpec.Parse(o.VirtualAddresses[0]).Address.Family == VrrpAddressFamily.IPv6;
        if (draft.Has("native_ipv6") && o.VirtualAddresses.Count > 0 && !ipv6)
        {
            // keepalived: "address family must match VRRP instance" for each IPv4 address after native_ipv6.
            _d.Error(draft.Seen["virtual_ipaddress"], $"vrrp_instance '{o.Name}': native_ipv6 makes the instance IPv6; its IPv4 virtual addresses do not match (as keepalived says)");
        }

        if (ipv6 && o.Version == VrrpVersion.V2)
        {
            // keepalived 2.2.7 (vrrp_version_handler, vrrp_complete_instance): an IPv6 instance is VRRPv3 unless its
            // own "version 2" came before the first IPv6 address (a later one conflicts with the deduced family and
            // is ignored; vrrp_version 2 in global_defs does not count) and strict mode is off. native_ipv6 is v3.
            bool hasVersion = draft.Seen.TryGetValue("version", out var versionAt);
            bool versionFirst = hasVersion && !draft.Has("native_ipv6") && draft.Seen.TryGetValue("virtual_ipaddress", out var addressesAt) &&
                versionAt.File == addressesAt.File && versionAt.Line < addressesAt.Line;
            // Kept without a word, as keepalived keeps it (VRRPv2 over IPv6 is sent without authentication data).
            if (!versionFirst || o.StrictMode)
            {
                if (versionFirst)
                {
                    _d.Warning(versionAt, $"vrrp_instance '{o.Name}': strict mode cannot use IPv6 with VRRP version 2; version 3 is used (as keepalived does)");
                }
                else if (hasVersion)
                {
                    _d.Warning(versionAt, $"vrrp_instance '{o.Name}': version 2 after the IPv6 addresses conflicts with the deduced version 3; ignored (as keepalived does; put it before virtual_ipaddress for VRRPv2 over IPv6)");
                }

                o.Version = VrrpVersion.V3;
            }
        }

        if (ipv6 && o.AuthenticationType == AuthenticationType.IPAuthenticationHeader && o.Version == VrrpVersion.V2 && !o.StrictMode)
        {
            _d.Warning(draft.Seen["authentication"], $"vrrp_instance '{o.Name}': AH authentication cannot be used with IPv6; ignored (as keepalived does)");
            ClearAuthentication(o);
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
        else if (o.PreemptDelay > TimeSpan.Zero && o.StrictMode)
        {
            _d.Warning(draft.At, $"vrrp_instance '{o.Name}': preempt_delay does not work in strict mode; cleared (as keepalived does)");
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

        CompleteUnicast(draft);
        CompleteNoInterface(draft);
        CompleteStrictMode(draft);
        (o.NotifyUser, o.NotifyGroup) = NotifyUser("vrrp_instance", $"instance '{o.Name}'", draft.NotifyUsers);
        if (!draft.Has("garp_extra_if") && Globals.TryGetValue("vrrp_garp_extra_if", out object? extra))
        {
            (o.GarpExtraInterfacesInterval, o.GarpExtraInterfacesAll) = ((TimeSpan?, bool))extra;
        }

        if (o.TrackInterfaces.Find(t => t.Interface == o.Interface) is { } own && draft.Has("interface"))
        {
            _d.Warning(draft.Seen["track_interface"], $"vrrp_instance '{o.Name}': track_interface {own.Interface} is the instance's own interface, which is always tracked; ignored (as keepalived does)");
            o.TrackInterfaces.Remove(own);
        }

        MoveAddressesThatDoNotFit(draft);
        o.TrackScripts.AddRange(Resolve(draft.Scripts, "track_script", "vrrp_script", _scriptNames));
        o.TrackFiles.AddRange(Resolve(draft.Files, "track_file", "vrrp_track_file", _trackFileNames));
        o.TrackProcesses.AddRange(Resolve(draft.Processes, "track_process", "vrrp_track_process", _processNames));

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
            DropWeighted(draft, o.TrackProcesses, "track_process", name => _options.TrackProcesses.First(x => x.Name == name).Weight, why);
        }

        _options.Instances.Add(o);

        static void ClearAuthentication(VrrpInstanceOptions o)
        {
            o.AuthenticationType = AuthenticationType.None;
            o.AuthenticationPassword = null;
        }
    }

    /// <summary>
    /// dynamic_interfaces [allow_if_changes] (keepalived 2.2.7's dynamic_interfaces_handler): on in any case; another
    /// word is reported and ignored, as keepalived reports it.
    /// </summary>
    internal void ReadDynamicInterfaces(ConfigStatement s, VrrpOptions options)
    {
        options.DynamicInterfaces = true;
        if (s.Arguments.Count == 0)
        {
            return;
        }

        if (s.Arguments[0].Text == "allow_if_changes")
        {
            options.AllowInterfaceChanges = true;
        }
        else
        {
            _d.Warning(s.Location, $"dynamic_interfaces: unknown option '{s.Arguments[0].Text}' (expected allow_if_changes); ignored (as keepalived does)");
        }
    }

    /// <summary>
    /// vrf NAME (keepalived 2.2.7's vrrp_vrf_handler): ignored, with keepalived's reason, after an <c>interface</c> or a
    /// first <c>vrf</c>; checked against the instance once it is complete (<see cref="CompleteNoInterface"/>).
    /// </summary>
    internal void ReadVrf(ConfigStatement s, BlockDraft<VrrpInstanceOptions> draft)
    {
        var o = draft.Options;
        if (!RequireString(s, "a VRF device name", out string name) || !IsInterfaceName(s, name))
        {
            return;
        }

        if (draft.Has("interface"))
        {
            _d.Warning(s.Location, $"vrrp_instance '{o.Name}': cannot specify a VRF interface and an interface; vrf ignored (as keepalived does)");
        }
        else if (o.Vrf is { } first)
        {
            _d.Warning(s.Location, $"vrrp_instance '{o.Name}': VRF interface already specified as '{first}'; ignored (as keepalived does)");
        }
        else
        {
            o.Vrf = name;
        }
    }

    /// <summary>
    /// An instance without <c>interface</c>, and <c>vrf</c>, as keepalived 2.2.7 completes them (chk_min_cfg,
    /// vrrp_complete_instance): without an interface the instance must be unicast, with unicast_src_ip (not IPv6
    /// link-local); vrf is cleared on an instance with an interface or without unicast peers; an address without dev
    /// has nowhere to go and is removed.
    /// </summary>
    private void CompleteNoInterface(InstanceDraft draft)
    {
        var o = draft.Options;
        if (o.Vrf is not null && (o.Interface.Length > 0 || o.UnicastPeers.Count == 0))
        {
            _d.Warning(draft.Seen["vrf"], $"vrrp_instance '{o.Name}': vrf can only be specified with{(o.Interface.Length > 0 ? "out interface" : " unicast peers")}; cleared (as keepalived does)");
            o.Vrf = null;
        }

        if (o.Interface.Length > 0)
        {
            return;
        }

        if (o.UnicastPeers.Count == 0)
        {
            return; // missing 'interface', said first
        }

        if (o.SourceAddress is null)
        {
            _d.Error(draft.At, $"vrrp_instance '{o.Name}': a unicast instance without 'interface' must have unicast_src_ip (as keepalived says)");
            return;
        }

        if (IPAddressValue.TryParse(o.SourceAddress, out var source) && source.ToIPAddress().IsIPv6LinkLocal)
        {
            _d.Error(draft.Seen.GetValueOrDefault("unicast_src_ip", draft.At), $"vrrp_instance '{o.Name}': a non link-local unicast_src_ip is needed when 'interface' is left out (as keepalived says)");
            return;
        }

        if (o.UseVirtualMac)
        {
            _d.Error(draft.Seen["use_vmac"], $"vrrp_instance '{o.Name}': use_vmac needs the instance's 'interface' (as keepalived 2.3.3 says)");
            return;
        }

        // keepalived 2.2.7's chk_min_cfg looks for unicast before vrrp_complete_instance has set it, so 2.2.7 itself
        // refuses every instance without an interface; 2.2.8 fixed the check (commit 75f30737). Run as 2.2.8 runs it.
        _d.Warning(draft.At, $"vrrp_instance '{o.Name}': runs without 'interface' as keepalived 2.2.8 and later run it; keepalived 2.2.7 itself refuses such an instance (\"Unknown interface!\", fixed in 2.2.8)");

        RemoveWithoutDevice(o.VirtualAddresses, "virtual_ipaddress", "vip");
        RemoveWithoutDevice(o.ExcludedVirtualAddresses, "virtual_ipaddress_excluded", "evip");

        void RemoveWithoutDevice(List<string> addresses, string keyword, string what) =>
            addresses.RemoveAll(text =>
            {
                if (!VirtualAddressSpec.TryParse(text, out var spec, out _) || spec.Device is not null)
                {
                    return false;
                }

                _d.Warning(draft.Seen[keyword], $"vrrp_instance '{o.Name}': no interface for {what} {text} (the instance has none and the address names no dev); removed (as keepalived does)");
                return true;
            });
    }

    /// <summary>
    /// advert_int against the instance's version (known only now: it may come from global_defs or the addresses), with
    /// keepalived's adjustments: VRRPv2 rounds to whole seconds, VRRPv3 to 10 ms and at most 40.95 s.
    /// </summary>
    private void CompleteAdvertisementInterval(InstanceDraft draft)
    {
        var o = draft.Options;
        if (!draft.Seen.TryGetValue("advert_int", out var at))
        {
            return;
        }

        long microseconds = o.AdvertisementInterval.Ticks / 10;
        long unit = o.Version == VrrpVersion.V2 ? 1_000_000 : 10_000;
        long maximum = o.Version == VrrpVersion.V2 ? VrrpLimits.MaximumV2AdvertisementIntervalSeconds * unit : VrrpLimits.MaximumV3AdvertisementIntervalCentiseconds * unit;
        string seconds = (microseconds / 1e6).ToString("0.000000", CultureInfo.InvariantCulture);
        if (microseconds > maximum)
        {
            // Only VRRPv3 can get here: advert_int reads at most 255 s.
            _d.Warning(at, $"advert_int: VRRPv3 advertisement interval {microseconds / 1e6:0.00}s is out of range, it must be less than 40.96s; 40.95 s is used (as keepalived does)");
            microseconds = maximum;
        }
        else if (microseconds % unit != 0)
        {
            long rounded = Math.Max(unit, (microseconds + (unit / 2)) / unit * unit);
            _d.Warning(at, o.Version == VrrpVersion.V2
                ? $"advert_int: VRRPv2 advertisement interval {seconds}s must be an integer; rounded to {VrrpLimits.Seconds(TimeSpan.FromTicks(rounded * 10))} s (as keepalived does)"
                : $"advert_int: VRRPv3 advertisement interval {seconds}s must be in units of 10ms; rounded to {VrrpLimits.Seconds(TimeSpan.FromTicks(rounded * 10))} s (as keepalived does)");
            microseconds = Math.Min(rounded, maximum); // 40.955 s would round to 40.96 s, one more than the field holds
        }

        o.AdvertisementInterval = TimeSpan.FromTicks(microseconds * 10);
    }

    /// <summary>
    /// keepalived advertises at most as many addresses as fit in a packet on a 1500-byte MTU and at most 255 (for IPv6,
    /// 89); it moves the others to virtual_ipaddress_excluded (managed, not advertised).
    /// </summary>
    private void MoveAddressesThatDoNotFit(InstanceDraft draft)
    {
        var o = draft.Options;
        bool ipv6 = o.VirtualAddresses.Count > 0 && VirtualAddressSpec.Parse(o.VirtualAddresses[0]).Address.Family == VrrpAddressFamily.IPv6;
        const int Mtu = 1500, Ethernet = 14, Vrrp = 8;
        int maximum = ipv6
            ? (Mtu - Ethernet - 40 - Vrrp) / 16
            : Math.Min(255, (Mtu - Ethernet - 20 - Vrrp - (o.Version == VrrpVersion.V2 ? 8 : 0)) / 4);
        if (o.VirtualAddresses.Count <= maximum)
        {
            return;
        }

        _d.Warning(draft.Seen["virtual_ipaddress"], $"vrrp_instance '{o.Name}': {o.VirtualAddresses.Count} virtual addresses do not fit in an advert (at most {maximum}); the others are moved to virtual_ipaddress_excluded (as keepalived does)");
        o.ExcludedVirtualAddresses.AddRange(o.VirtualAddresses.Skip(maximum).Where(a => !o.ExcludedVirtualAddresses.Contains(a)));
        o.VirtualAddresses.RemoveRange(maximum, o.VirtualAddresses.Count - maximum);
    }
}
