using Vrrp.Election;

namespace Vrrp.Hosting;

/// <summary>Turns validated <see cref="VrrpOptions"/> into the protocol core's <see cref="VirtualRouterConfiguration"/>s.</summary>
internal static class DriverConfiguration
{
    public static VirtualRouterConfiguration Create(VrrpOptions options, VrrpInstanceOptions instance, Func<string, long>? fileValue = null, Func<string, long>? scriptValue = null)
    {
        var trackers = new List<TrackerConfiguration>();
        foreach (var track in instance.TrackInterfaces)
        {
            trackers.Add(new TrackerConfiguration(TrackerKind.Interface, track.Interface, track.Weight));
        }

        foreach (var track in instance.TrackScripts)
        {
            var script = options.Scripts.Find(s => s.Name == track.Name);
            trackers.Add(new TrackerConfiguration(TrackerKind.Script, track.Name, track.Weight ?? script?.Weight ?? 0, scriptValue?.Invoke(track.Name)));
        }

        foreach (var track in instance.TrackHealthChecks)
        {
            trackers.Add(new TrackerConfiguration(TrackerKind.HealthCheck, track.Name, track.Weight));
        }

        foreach (var track in instance.TrackFiles)
        {
            var file = options.TrackFiles.Find(f => f.Name == track.Name);
            trackers.Add(new TrackerConfiguration(TrackerKind.File, track.Name, track.Weight ?? file?.Weight ?? 0, fileValue?.Invoke(track.Name) ?? 0));
        }

        return new VirtualRouterConfiguration
        {
            Name = instance.Name,
            InterfaceName = instance.Interface,
            VirtualRouterId = (byte)instance.VirtualRouterId,
            Priority = (byte)instance.Priority,
            Version = instance.Version,
            AdvertisementInterval = instance.AdvertisementInterval,
            VirtualAddresses = [.. instance.VirtualAddresses.Select(VirtualAddress.Parse)],
            ExcludedAddresses = [.. instance.ExcludedVirtualAddresses.Select(VirtualAddress.Parse)],
            Preempt = !instance.NoPreempt,
            PreemptDelay = instance.PreemptDelay,
            AuthenticationType = instance.AuthenticationType,
            AuthenticationPassword = instance.AuthenticationPassword,
            ChecksumMode = instance.ChecksumMode,
            SourceAddress = string.IsNullOrEmpty(instance.SourceAddress) ? null : IPAddressValue.Parse(instance.SourceAddress),
            UnicastPeers = [.. instance.UnicastPeers.Select(IPAddressValue.Parse)],
            AcceptOnlyUnicastPeers = instance.CheckUnicastSource,
            NetworkNamespace = instance.NetworkNamespace ?? options.NetworkNamespace,
            DontTrackPrimary = instance.DontTrackPrimary,
            Trackers = trackers,
            GarpMasterDelay = instance.GarpMasterDelay,
            GarpMasterRepeat = instance.GarpMasterRepeat,
            GarpMasterRefresh = instance.GarpMasterRefresh,
            GarpMasterRefreshRepeat = instance.GarpMasterRefreshRepeat,
            GarpLowerPriorityDelay = instance.GarpLowerPriorityDelay,
            GarpLowerPriorityRepeat = instance.GarpLowerPriorityRepeat,
        };
    }
}
