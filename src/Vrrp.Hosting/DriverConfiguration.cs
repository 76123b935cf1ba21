using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Hosting;

/// <summary>Turns validated <see cref="VrrpOptions"/> into the protocol core's <see cref="VirtualRouterConfiguration"/>s.</summary>
internal static class DriverConfiguration
{
    public static VirtualRouterConfiguration Create(VrrpOptions options, VrrpInstanceOptions instance, Func<string, long>? fileValue = null, Func<string, long>? scriptValue = null)
    {
        var trackers = new List<TrackerConfiguration>();
        foreach (var track in instance.TrackInterfaces)
        {
            trackers.Add(new TrackerConfiguration(TrackerKind.Interface, track.Interface, track.Weight) { Reverse = track.Reverse });
        }

        foreach (var track in instance.TrackScripts)
        {
            var script = options.Scripts.Find(s => s.Name == track.Name);

            // init_fail: down until the script has succeeded rise times (otherwise up until it fails); at a reload, the
            // running script's state.
            trackers.Add(new TrackerConfiguration(TrackerKind.Script, track.Name, track.Weight ?? script?.Weight ?? 0, scriptValue?.Invoke(track.Name) ?? (script?.InitFail == true ? 0 : null))
            {
                Reverse = track.Reverse ?? script?.Reverse ?? false,
            });
        }

        foreach (var track in instance.TrackHealthChecks)
        {
            trackers.Add(new TrackerConfiguration(TrackerKind.HealthCheck, track.Name, track.Weight));
        }

        foreach (var track in instance.TrackFiles)
        {
            var file = options.TrackFiles.Find(f => f.Name == track.Name);
            trackers.Add(new TrackerConfiguration(TrackerKind.File, track.Name, track.Weight ?? file?.Weight ?? 0, fileValue?.Invoke(track.Name) ?? 0)
            {
                Reverse = track.Reverse ?? file?.Reverse ?? false,
            });
        }

        foreach (var track in instance.TrackProcesses)
        {
            var process = options.TrackProcesses.Find(p => p.Name == track.Name);
            trackers.Add(new TrackerConfiguration(TrackerKind.Process, track.Name, track.Weight ?? process?.Weight ?? 0)
            {
                Reverse = track.Reverse ?? process?.Reverse ?? false,
            });
        }

        var virtualAddresses = instance.VirtualAddresses.Select(AddressOf).ToList();
        var family = virtualAddresses.Count > 0 ? virtualAddresses[0].Family : VrrpAddressFamily.IPv4;
        string? group = instance.MulticastGroup ?? (family == VrrpAddressFamily.IPv4 ? options.MulticastGroup4 : options.MulticastGroup6); // mcast_dst_ip, else the global group
        return new VirtualRouterConfiguration
        {
            Name = instance.Name,
            InterfaceName = instance.Interface,
            VirtualRouterId = (byte)instance.VirtualRouterId,
            Priority = (byte)instance.Priority,
            Version = instance.Version,
            AdvertisementInterval = instance.AdvertisementInterval,
            // Each entry with its options (dev, scope, brd, label, no_track); those not applied are in NotYetApplied.
            VirtualAddresses = virtualAddresses,
            ExcludedAddresses = [.. instance.ExcludedVirtualAddresses.Select(AddressOf)],
            Preempt = !instance.NoPreempt,
            PreemptDelay = instance.PreemptDelay,
            // AH is not implemented: with IgnoreUnsupported the instance runs without authentication (logged at start).
            AuthenticationType = instance.AuthenticationType == AuthenticationType.IPAuthenticationHeader ? AuthenticationType.None : instance.AuthenticationType,
            AuthenticationPassword = instance.AuthenticationType == AuthenticationType.IPAuthenticationHeader ? null : instance.AuthenticationPassword,
            ChecksumMode = instance.ChecksumMode,
            OldUnicastChecksum = instance.OldUnicastChecksum,
            SourceAddress = string.IsNullOrEmpty(instance.SourceAddress) ? null : IPAddressValue.Parse(instance.SourceAddress),
            UnicastPeers = [.. instance.UnicastPeers.Select(IPAddressValue.Parse)],
            AcceptOnlyUnicastPeers = instance.CheckUnicastSource,
            FaultWithoutUnicastPeers = instance.UnicastFaultNoPeer,
            TrackSourceAddress = instance.TrackSourceAddress,
            NetworkNamespace = instance.NetworkNamespace ?? options.NetworkNamespace,
            DontTrackPrimary = instance.DontTrackPrimary,
            Trackers = trackers,
            GarpMasterDelay = instance.GarpMasterDelay,
            GarpMasterRepeat = instance.GarpMasterRepeat,
            GarpMasterRefresh = instance.GarpMasterRefresh,
            GarpMasterRefreshRepeat = instance.GarpMasterRefreshRepeat,
            GarpLowerPriorityDelay = instance.GarpLowerPriorityDelay,
            GarpLowerPriorityRepeat = instance.GarpLowerPriorityRepeat,

            // keepalived: accept unless no_accept, or strict mode without accept (an owner always accepts).
            AcceptMode = instance.Accept ?? !instance.StrictMode,
            LowerPriorityNoAdvertisement = instance.LowerPriorityNoAdvert || instance.StrictMode, // strict mode forces it, as keepalived
            DownTimerAdvertisements = instance.StrictMode ? 3 : instance.DownTimerAdverts,      // keepalived resets it to 3 in strict mode
            UnicastHopLimit = instance.UnicastTtl is int ttl ? (byte)ttl : (byte)255, // 0 too: keepalived sends TTL 0
            PeerHopLimits = instance.UnicastPeerTtls.ToDictionary(static t => IPAddressValue.Parse(t.Peer), static t => new HopLimitRange((byte)t.MinTtl, (byte)t.MaxTtl)),
            MulticastGroup = string.IsNullOrEmpty(group) || IsStandardGroup(group) ? null : IPAddressValue.Parse(group),
            HigherPrioritySendAdvertisement = instance.HigherPrioritySendAdvert,
            GarpInterval = options.GarpInterval,
            GnaInterval = options.GnaInterval,
            GarpExtraInterfacesInterval = instance.GarpExtraInterfacesInterval ?? TimeSpan.Zero,
            GarpExtraInterfacesAll = instance.GarpExtraInterfacesAll,
        };
    }

    private static bool IsStandardGroup(string group) => IPAddressValue.Parse(group) is var g && (g == IPAddressValue.Parse("224.0.0.18") || g == IPAddressValue.Parse("ff02::12"));

    /// <summary>An entry of VirtualAddresses with the options the host applies (dev, scope, brd, label, no_track).</summary>
    internal static VirtualAddress AddressOf(string text)
    {
        var spec = VirtualAddressSpec.Parse(text);
        return spec.Address with
        {
            Device = spec.Device,
            Label = spec.Label,
            Scope = ScopeOf(spec.Scope),
            Broadcast = spec.Broadcast,
            NoTrack = spec.NoTrack,
        };
    }

    private static VirtualAddressScope ScopeOf(string? scope) => scope switch
    {
        null or "global" or "universe" or "0" => VirtualAddressScope.Global,
        "site" or "200" => VirtualAddressScope.Site,
        "link" or "253" => VirtualAddressScope.Link,
        "host" or "254" => VirtualAddressScope.Host,
        "nowhere" or "255" => VirtualAddressScope.Nowhere,
        _ => VirtualAddressScope.Global, // another numbered scope is not applied (NotYetApplied: refused, or ignored with IgnoreUnsupported)
    };
}
