using Vrrp.Election;

namespace Vrrp.Hosting;

/// <summary>
/// Turns validated <see cref="VrrpOptions"/> into the driver's <see cref="VirtualRouterConfiguration"/>s, and names
/// the trackers the hosting layer pushes states for.
/// </summary>
/// <remarks>
/// The driver's trackers are up/down with a weight. Scripts and health checks map one to one. A tracked file adds
/// value x weight, which an up/down tracker cannot hold, so each file reference becomes a set of trackers whose
/// states encode the number: weights +1, +2, ... +128 (up for each bit set in a positive total) and -1, -2, ... -128
/// (down for each bit set in a negative total), clamped to +-255 (more never changes a priority that is clamped to
/// 1..254), plus a weight-0 tracker that is down when keepalived would put the instance in Fault (a weight-0 file
/// with a non-zero number, or a total of -254 or less). The states of one file are pushed together
/// (<c>VrrpDriver.SetTrackerStates</c>), so the priority moves once and no intermediate value is advertised.
/// </remarks>
internal static class DriverConfiguration
{
    private const int Bits = 8;

    public static string ScriptTracker(string name) => "script:" + name;

    public static string HealthCheckTracker(string name) => "health:" + name;

    public static string FileFaultTracker(string name) => "file:" + name;

    private static string FileBitTracker(string name, bool negative, int bit) => $"file:{name}:{(negative ? '-' : '+')}{1 << bit}";

    public static VirtualRouterConfiguration Create(VrrpOptions options, VrrpInstanceOptions instance)
    {
        var trackers = new List<TrackerConfiguration>();
        foreach (var track in instance.TrackInterfaces)
        {
            trackers.Add(new TrackerConfiguration(track.Interface, track.Weight, TrackerKind.Interface));
        }

        foreach (var track in instance.TrackScripts)
        {
            var script = options.Scripts.Find(s => s.Name == track.Name);
            trackers.Add(new TrackerConfiguration(ScriptTracker(track.Name), track.Weight ?? script?.Weight ?? 0));
        }

        foreach (var track in instance.TrackHealthChecks)
        {
            trackers.Add(new TrackerConfiguration(HealthCheckTracker(track.Name), track.Weight));
        }

        foreach (var track in instance.TrackFiles)
        {
            var file = options.TrackFiles.Find(f => f.Name == track.Name);
            trackers.Add(new TrackerConfiguration(FileFaultTracker(track.Name), 0));
            if ((track.Weight ?? file?.Weight ?? 0) != 0)
            {
                for (int bit = 0; bit < Bits; bit++)
                {
                    trackers.Add(new TrackerConfiguration(FileBitTracker(track.Name, false, bit), 1 << bit, InitiallyUp: false));
                    trackers.Add(new TrackerConfiguration(FileBitTracker(track.Name, true, bit), -(1 << bit), InitiallyUp: true));
                }
            }
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

    /// <summary>The driver tracker states that express one tracker update.</summary>
    public static IEnumerable<(string Tracker, bool Up)> States(TrackerUpdate update, VrrpOptions options)
    {
        switch (update.Kind)
        {
            case TrackedObjectKind.Script:
                yield return (ScriptTracker(update.Name), update.Up);
                break;
            case TrackedObjectKind.HealthCheck:
                yield return (HealthCheckTracker(update.Name), update.Up);
                break;
            case TrackedObjectKind.File:
                var instance = options.Instances.Find(i => i.Name == update.Instance);
                var track = instance?.TrackFiles.Find(t => t.Name == update.Name);
                var file = options.TrackFiles.Find(f => f.Name == update.Name);
                int weight = track?.Weight ?? file?.Weight ?? 0;
                long total = update.Value * weight;
                bool fault = weight == 0 ? update.Value != 0 : total <= -254;
                yield return (FileFaultTracker(update.Name), !fault);
                if (weight != 0)
                {
                    long positive = Math.Clamp(total, 0, 255);
                    long negative = Math.Clamp(-total, 0, 255);
                    for (int bit = 0; bit < Bits; bit++)
                    {
                        yield return (FileBitTracker(update.Name, false, bit), (positive & (1L << bit)) != 0);
                        yield return (FileBitTracker(update.Name, true, bit), (negative & (1L << bit)) == 0);
                    }
                }

                break;
        }
    }
}
