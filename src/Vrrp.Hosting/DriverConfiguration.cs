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

        foreach (string device in StaticTrackedInterfaces(options, instance.Name).Distinct(StringComparer.Ordinal))
        {
            if (device != instance.Interface && !trackers.Exists(t => t.Kind == TrackerKind.Interface && t.Name == device))
            {
                trackers.Add(new TrackerConfiguration(TrackerKind.Interface, device, 0));
            }
        }

        var virtualAddresses = instance.VirtualAddresses.Select(AddressOf).ToList();
        var family = virtualAddresses.Count > 0 ? virtualAddresses[0].Family : VrrpAddressFamily.IPv4;
        string? group = instance.MulticastGroup ?? (family == VrrpAddressFamily.IPv4 ? options.MulticastGroup4 : options.MulticastGroup6); // mcast_dst_ip, else the global group
        return new VirtualRouterConfiguration
        {
            Name = instance.Name,
            InterfaceName = instance.Interface,
            Vrf = string.IsNullOrEmpty(instance.Vrf) ? null : instance.Vrf,
            VirtualRouterId = (byte)instance.VirtualRouterId,
            Priority = (byte)instance.Priority,
            Version = instance.Version,
            AdvertisementInterval = instance.AdvertisementInterval,
            // Each entry with its options (AddressOf); use_vmac per address is refused (NotYetApplied).
            VirtualAddresses = virtualAddresses,
            ExcludedAddresses = [.. instance.ExcludedVirtualAddresses.Select(AddressOf)],
            Preempt = !instance.NoPreempt,
            PreemptDelay = instance.PreemptDelay,
            AuthenticationType = instance.AuthenticationType,
            AuthenticationPassword = instance.AuthenticationPassword,
            ChecksumMode = instance.ChecksumMode,
            OldUnicastChecksum = instance.OldUnicastChecksum,
            // keepalived: use_ipvlan's address is the advert source unless mcast_src_ip / unicast_src_ip names one.
            SourceAddress = !string.IsNullOrEmpty(instance.SourceAddress) ? IPAddressValue.Parse(instance.SourceAddress)
                : instance.UseIpvlan && !string.IsNullOrEmpty(instance.IpvlanAddress) ? VirtualAddress.Parse(instance.IpvlanAddress).Address
                : null,
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
            // garp_group: the same groups for every instance, so that the driver's one announcement queue paces them together.
            AnnouncementPacingGroups = [.. options.GarpGroups.Select(static g => new AnnouncementPacingGroup { Interfaces = [.. g.Interfaces], GarpInterval = g.GarpInterval, GnaInterval = g.GnaInterval })],
            GarpExtraInterfacesInterval = instance.GarpExtraInterfacesInterval ?? TimeSpan.Zero,
            GarpExtraInterfacesAll = instance.GarpExtraInterfacesAll,
            ReceiveBufferSize = ReceiveBufferShare(options.ReceiveBuffers, instance, family),
            ReceiveBufferMtus = options.ReceiveBuffers.VrrpSocketPolicy == VrrpReceiveBufferPolicy.Mtu ? options.ReceiveBuffers.VrrpSocketMultiplier : 0,
        };
    }

    /// <summary>
    /// An instance's share of its VRRP receive socket's buffer in bytes (keepalived 2.2.7's vrrp_rx_bufs_policy, as
    /// vrrp_scheduler.c adds it): the size, or the multiplier times the advert's length as the socket receives it (the
    /// VRRP header, IPv4's 8 bytes of VRRPv2 authentication data and 4 bytes per address with the 20-byte IP header and
    /// an AH's 24, IPv6's 16 bytes per address); MTU shares are counted apart (the platform knows the MTU).
    /// </summary>
    internal static int ReceiveBufferShare(VrrpReceiveBufferOptions buffers, VrrpInstanceOptions instance, VrrpAddressFamily family)
    {
        switch (buffers.VrrpSocketPolicy)
        {
            case VrrpReceiveBufferPolicy.Size:
                return buffers.VrrpSocketSize;
            case VrrpReceiveBufferPolicy.Advert:
                long length = 8;
                if (family == VrrpAddressFamily.IPv4)
                {
                    length += (instance.Version == VrrpVersion.V2 ? 8 : 0) + (4L * instance.VirtualAddresses.Count) + 20 +
                        (instance.AuthenticationType == Packets.AuthenticationType.IPAuthenticationHeader ? 24 : 0);
                }
                else
                {
                    length += 16L * instance.VirtualAddresses.Count;
                }

                return (int)Math.Min(length * buffers.VrrpSocketMultiplier, int.MaxValue);
            default:
                return 0;
        }
    }

    private static bool IsStandardGroup(string group) => IPAddressValue.Parse(group) is var g && (g == IPAddressValue.Parse("224.0.0.18") || g == IPAddressValue.Parse("ff02::12"));

    /// <summary>An entry of VirtualAddresses (or ExcludedVirtualAddresses) with every option the host applies (<see cref="VirtualAddressSpec.ToVirtualAddress"/>).</summary>
    internal static VirtualAddress AddressOf(string text) => VirtualAddressSpec.Parse(text).ToVirtualAddress();

    /// <summary>
    /// keepalived's static track groups: each instance of a group tracks the interface of every static entry that names
    /// the group (and is not no_track) as a <c>track_interface</c> of weight 0, so that the interface going down puts it
    /// in Fault. A static address without dev is on keepalived's default interface (default_interface, else eth0).
    /// </summary>
    internal static IEnumerable<string> StaticTrackedInterfaces(VrrpOptions options, string instance)
    {
        var groups = options.StaticTrackGroups.Where(g => g.Instances.Contains(instance)).Select(static g => g.Name).ToHashSet(StringComparer.Ordinal);
        if (groups.Count == 0)
        {
            yield break;
        }

        foreach (string text in options.StaticAddresses)
        {
            if (VirtualAddressSpec.TryParse(text, out var a, out _) && a.TrackGroup is { } g && groups.Contains(g) && !a.NoTrack)
            {
                yield return a.Device ?? options.StaticAddressInterface;
            }
        }

        foreach (string text in options.StaticRoutes)
        {
            if (VirtualRouteSpec.TryParse(text, out var r, out _) && r.TrackGroup is { } g && groups.Contains(g) && !r.NoTrack && r.Device is { } device)
            {
                yield return device;
            }
        }

        foreach (string text in options.StaticRules)
        {
            if (VirtualRuleSpec.TryParse(text, out var r, out _) && r.TrackGroup is { } g && groups.Contains(g) && !r.NoTrack && r.InputInterface is { } device)
            {
                yield return device;
            }
        }
    }
}
