using Microsoft.Extensions.Logging;
using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>A sync group in a reload's configuration (<see cref="VrrpDriver.ReconfigureAsync(IEnumerable{VirtualRouterConfiguration}, IEnumerable{VrrpSyncGroupConfiguration}?, CancellationToken)"/>).</summary>
/// <param name="name">The group name.</param>
/// <param name="members">Two or more instance names.</param>
/// <param name="trackingWeight">keepalived's <c>sync_group_tracking_weight</c>.</param>
public sealed class VrrpSyncGroupConfiguration(string name, IReadOnlyList<string> members, bool trackingWeight = false)
{
    /// <summary>The group name.</summary>
    public string Name { get; } = name;

    /// <summary>Two or more instance names.</summary>
    public IReadOnlyList<string> Members { get; } = members;

    /// <summary>keepalived's <c>sync_group_tracking_weight</c>.</summary>
    public bool TrackingWeight { get; } = trackingWeight;
}

/// <summary>What a reload (<see cref="VrrpDriver.ReconfigureAsync(IEnumerable{VirtualRouterConfiguration}, IEnumerable{VrrpSyncGroupConfiguration}?, CancellationToken)"/>) did to each instance, by name.</summary>
public sealed class VrrpReconfiguration
{
    /// <summary>Instances whose configuration did not change: untouched (state, timers, addresses and adverts go on).</summary>
    public IReadOnlyList<string> Unchanged { get; internal init; } = [];

    /// <summary>Instances changed in place, keeping their state (priority, timers, trackers, peers, addresses...).</summary>
    public IReadOnlyList<string> Reconfigured { get; internal init; } = [];

    /// <summary>Instances that left (a master sent priority 0 and removed its addresses).</summary>
    public IReadOnlyList<string> Removed { get; internal init; } = [];

    /// <summary>Instances that started (new, or another virtual router under a kept name: it left and started again).</summary>
    public IReadOnlyList<string> Added { get; internal init; } = [];

    /// <summary>Sync groups formed or re-formed.</summary>
    public IReadOnlyList<string> SyncGroupsChanged { get; internal init; } = [];

    /// <summary>Instances that could not start (their channel could not be opened), with why; the rest of the reload stands.</summary>
    public IReadOnlyDictionary<string, string> Failures { get; internal init; } = new Dictionary<string, string>();

    /// <summary>True when nothing changed.</summary>
    public bool IsEmpty => Reconfigured.Count == 0 && Removed.Count == 0 && Added.Count == 0 && SyncGroupsChanged.Count == 0;
}

// A configuration reload while running: compare, remove, change in place, add, open new channels, start.
public partial class VrrpDriver
{
    private readonly SemaphoreSlim _reconfiguring = new(1, 1);

    /// <summary>
    /// Applies a whole new configuration while running (keepalived's reload), instance by instance: an instance whose
    /// configuration is unchanged is not touched (no gap in its adverts, its addresses stay); one that is the same
    /// virtual router (<see cref="VirtualRouterSet.IsSameVirtualRouter"/>: interface, VRID, family, unicast mode) but
    /// changed in priority, timers, trackers, peers or addresses is changed in place, keeping its state
    /// (<see cref="VirtualRouter.Reconfigure"/>; a master removes the addresses it no longer has, adds and announces
    /// new ones); one that is gone leaves as on shutdown (priority 0, addresses removed); a new one starts (opening a
    /// new channel when none fits). Sync groups are re-formed when their members or settings change.
    /// </summary>
    /// <param name="routers">Every instance of the new configuration.</param>
    /// <param name="syncGroups">Every sync group of the new configuration (groups of fewer than two members are ignored).</param>
    /// <param name="cancellationToken">Cancels opening new channels.</param>
    /// <returns>What happened to each instance.</returns>
    /// <exception cref="ArgumentException">The new configuration is invalid (nothing was changed).</exception>
    /// <exception cref="InvalidOperationException">The driver is not running.</exception>
    public Task<VrrpReconfiguration> ReconfigureAsync(
        IEnumerable<VirtualRouterConfiguration> routers,
        IEnumerable<VrrpSyncGroupConfiguration>? syncGroups,
        CancellationToken cancellationToken) =>
        ReconfigureAsync(routers, syncGroups, ResourceFactory, cancellationToken);

    /// <summary>
    /// Applies a whole new configuration while running, as <see cref="ReconfigureAsync(IEnumerable{VirtualRouterConfiguration}, IEnumerable{VrrpSyncGroupConfiguration}?, CancellationToken)"/>,
    /// with each instance's platform resources (<see cref="VirtualRouterResources"/>): an instance is matched by the
    /// configuration its resources give it (<see cref="VirtualRouterResources.Configure"/>); one that stays keeps the
    /// resources it runs with unless the new ones are not equivalent (<see cref="VirtualRouterResources.IsEquivalentTo"/>),
    /// in which case it leaves and starts again with them; a leaving instance's resources are released once its
    /// addresses are removed, before a new instance's are prepared (so that a virtual-MAC interface can be passed on).
    /// </summary>
    /// <param name="routers">Every instance of the new configuration.</param>
    /// <param name="syncGroups">Every sync group of the new configuration.</param>
    /// <param name="resources">Gives each instance of the new configuration its resources (or null for none), or null for none at all.</param>
    /// <param name="cancellationToken">Cancels opening new channels.</param>
    /// <returns>What happened to each instance.</returns>
    /// <exception cref="ArgumentException">The new configuration is invalid (nothing was changed).</exception>
    /// <exception cref="InvalidOperationException">The driver is not running.</exception>
    public async Task<VrrpReconfiguration> ReconfigureAsync(
        IEnumerable<VirtualRouterConfiguration> routers,
        IEnumerable<VrrpSyncGroupConfiguration>? syncGroups,
        Func<VirtualRouterConfiguration, VirtualRouterResources?>? resources,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routers);
        var resourcesOf = new Dictionary<VirtualRouterConfiguration, VirtualRouterResources>(ReferenceEqualityComparer.Instance);
        var next = new List<VirtualRouterConfiguration>();
        foreach (var given in routers)
        {
            ArgumentNullException.ThrowIfNull(given, nameof(routers));
            var platform = resources?.Invoke(given);
            var config = platform?.Configure(given) ?? given;
            next.Add(config);
            if (platform is not null)
            {
                resourcesOf[config] = platform;
            }
        }

        var groups = (syncGroups ?? []).Where(static g => g.Members.Count >= 2).ToList();
        CheckNewConfiguration(next, groups);

        await _reconfiguring.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var unchanged = new List<string>();
            var reconfigured = new List<string>();
            var removed = new List<string>();
            var added = new List<string>();
            var groupsChanged = new List<string>();
            var failures = new Dictionary<string, string>(StringComparer.Ordinal);
            var leavingEntries = new List<RouterEntry>();
            var addedEntries = new List<RouterEntry>();
            List<int> newChannels;
            lock (_gate)
            {
                if (_runState != RunState.Running)
                {
                    throw new InvalidOperationException("A reload needs a running driver.");
                }

                long now = Now;

                // Match each new instance with the running virtual router it is (by name first, then keepalived's way).
                var matched = new Dictionary<VirtualRouterConfiguration, VirtualRouter>(ReferenceEqualityComparer.Instance);
                var taken = new HashSet<VirtualRouter>(ReferenceEqualityComparer.Instance);
                // The same virtual router with other platform resources (another virtual MAC, other routes) leaves and
                // starts again with them.
                bool Fits(VirtualRouter router, VirtualRouterConfiguration config) =>
                    VirtualRouterSet.IsSameVirtualRouter(router.Configuration, config) &&
                    SameResources(_entries[router].Resources, resourcesOf.GetValueOrDefault(config));
                foreach (var config in next)
                {
                    if (_set.Find(config.Name) is { } byName && Fits(byName, config) && taken.Add(byName))
                    {
                        matched[config] = byName;
                    }
                }

                foreach (var config in next)
                {
                    if (!matched.ContainsKey(config) &&
                        _set.Routers.FirstOrDefault(r => !taken.Contains(r) && Fits(r, config)) is { } same)
                    {
                        taken.Add(same);
                        matched[config] = same;
                    }
                }

                var leaving = _set.Routers.Where(r => !taken.Contains(r)).ToList();

                // Sync groups: keep those whose members and settings are the same; dissolve the others first.
                var newName = new Dictionary<VirtualRouter, string>(ReferenceEqualityComparer.Instance);
                foreach (var (config, router) in matched)
                {
                    newName[router] = config.Name;
                }

                var keptGroups = new HashSet<string>(StringComparer.Ordinal);
                foreach (var group in _set.SyncGroups.ToList())
                {
                    var wanted = groups.FirstOrDefault(g => string.Equals(g.Name, group.Name, StringComparison.Ordinal));
                    bool same = wanted is not null && wanted.TrackingWeight == group.TrackingWeight &&
                        group.Members.All(newName.ContainsKey) &&
                        group.Members.Select(m => newName[m]).ToHashSet(StringComparer.Ordinal).SetEquals(wanted.Members);
                    if (same)
                    {
                        keptGroups.Add(group.Name);
                    }
                    else
                    {
                        _set.RemoveSyncGroup(group.Name, now);
                    }
                }

                Perform(now);

                // Leaving instances go as on shutdown.
                foreach (var router in leaving)
                {
                    removed.Add(router.Name);
                    _set.Remove(router.Name, now);
                    Perform(now);
                    leavingEntries.Add(_entries[router]);
                    _entries.Remove(router);
                }

                // The same virtual routers: in place, when anything changed.
                foreach (var (config, router) in matched)
                {
                    if (SameConfiguration(router.Configuration, config))
                    {
                        unchanged.Add(router.Name);
                        continue;
                    }

                    var entry = _entries[router];
                    var before = entry.AnnounceTargets;
                    bool held = router.State == VrrpState.Master;
                    _set.Reconfigure(router.Name, config, now);
                    entry.AnnounceTargets = RouterEntry.TargetsOf(config);
                    if (held)
                    {
                        foreach (var (interfaceName, addresses) in before)
                        {
                            foreach (var address in addresses)
                            {
                                if (!entry.AnnounceTargets.Any(t => string.Equals(t.Interface, interfaceName, StringComparison.Ordinal) && t.Addresses.Contains(address)))
                                {
                                    Log.ReloadRemovesAddress(Logger, entry.Name, address.Address, interfaceName);
                                    _worker.Enqueue(new AddressWork(entry, AddressWorkKind.RemoveOne, Address: address));
                                }
                            }
                        }
                    }

                    reconfigured.Add(config.Name);
                    Perform(now);
                }

                // New instances: they start once their channel is open.
                foreach (var config in next.Where(c => !matched.ContainsKey(c)))
                {
                    var router = _set.Add(config);
                    var entry = new RouterEntry(router, resourcesOf.GetValueOrDefault(config));
                    _entries.Add(router, entry);
                    addedEntries.Add(entry);
                    added.Add(config.Name);
                }

                foreach (var group in groups.Where(g => !keptGroups.Contains(g.Name)))
                {
                    _set.AddSyncGroup(group.Name, group.Members, group.TrackingWeight);
                    groupsChanged.Add(group.Name);
                }

                if (_links is not null && added.Count > 0)
                {
                    foreach (string interfaceName in InterfacesToWatch())
                    {
                        _set.SetInterfaceState(interfaceName, _links.IsUp(interfaceName), now);
                    }
                }

                Perform(now);
                newChannels = [.. Enumerable.Range(0, _set.ChannelCount).Where(i => _set.GetLocalAddress(i) is null)];
            }

            _worker.Kick(RunsAddressWorkInline);

            // Leaving instances' resources once their addresses are gone; then the new instances' (before their channels).
            if (leavingEntries.Any(e => e.Prepared))
            {
                await _worker.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
                await ReleaseResourcesAsync([.. leavingEntries], cancellationToken).ConfigureAwait(false);
            }

            foreach (var entry in addedEntries)
            {
                if (entry.Resources is not { } platform)
                {
                    continue;
                }

                try
                {
                    entry.Prepared = true;
                    await platform.PrepareAsync(entry.Configuration, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.ReloadStartFailed(Logger, entry.Name, ex);
                    await ReleaseResourcesAsync([entry], CancellationToken.None).ConfigureAwait(false);
                    lock (_gate)
                    {
                        failures[entry.Name] = ex.Message;
                        if (entry.Router.Group is { } group)
                        {
                            _set.RemoveSyncGroup(group.Name, Now);
                        }

                        _set.Remove(entry.Name, Now);
                        _entries.Remove(entry.Router);
                        added.Remove(entry.Name);
                    }
                }
            }

            lock (_gate)
            {
                newChannels = [.. Enumerable.Range(0, _set.ChannelCount).Where(i => _set.GetLocalAddress(i) is null && _set.Routers.Any(r => r.ChannelIndex == i))];
            }

            foreach (int channel in newChannels)
            {
                try
                {
                    var local = await OpenChannelAsync(channel, _set.GetChannel(channel), cancellationToken).ConfigureAwait(false);
                    lock (_gate)
                    {
                        if (_runState != RunState.Running)
                        {
                            break;
                        }

                        _set.SetLocalAddress(channel, local);
                        StartReceiving(channel);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    lock (_gate)
                    {
                        foreach (var router in _set.Routers.Where(r => r.ChannelIndex == channel && r.State == VrrpState.Initialize).ToList())
                        {
                            failures[router.Name] = ex.Message;
                            Log.ReloadStartFailed(Logger, router.Name, ex);
                            if (router.Group is { } group)
                            {
                                _set.RemoveSyncGroup(group.Name, Now);
                            }

                            _set.Remove(router.Name, Now);
                            if (_entries.Remove(router, out var failed) && failed.Prepared)
                            {
                                leavingEntries.Add(failed);
                            }

                            added.Remove(router.Name);
                        }
                    }
                }
            }

            await ReleaseResourcesAsync([.. leavingEntries.Where(e => e.Prepared)], CancellationToken.None).ConfigureAwait(false);

            lock (_gate)
            {
                if (_runState == RunState.Running)
                {
                    long now = Now;
                    _set.Start(now);
                    Perform(now);
                }
            }

            _worker.Kick(RunsAddressWorkInline);
            return new VrrpReconfiguration
            {
                Unchanged = unchanged,
                Reconfigured = reconfigured,
                Removed = removed,
                Added = added,
                SyncGroupsChanged = groupsChanged,
                Failures = failures,
            };
        }
        finally
        {
            _reconfiguring.Release();
        }
    }

    /// <summary>
    /// Starts receiving on one channel opened while running (a reload added an instance no open channel fits), under
    /// the driver's lock. A driver that cannot open channels while running throws <see cref="NotSupportedException"/>
    /// (the default); such an instance is reported as failed and the rest of the reload stands.
    /// </summary>
    /// <param name="channel">The channel's index.</param>
    /// <exception cref="NotSupportedException">The driver cannot.</exception>
    protected virtual void StartReceiving(int channel) =>
        throw new NotSupportedException($"{GetType().Name} cannot open channels while running.");

    private static bool SameResources(VirtualRouterResources? running, VirtualRouterResources? next) =>
        running is null ? next is null : next is not null && (ReferenceEquals(running, next) || running.IsEquivalentTo(next));

    /// <summary>Whether two configurations are the same in every setting (lists compared item by item).</summary>
    internal static bool SameConfiguration(VirtualRouterConfiguration a, VirtualRouterConfiguration b) =>
        string.Equals(a.Name, b.Name, StringComparison.Ordinal) &&
        string.Equals(a.InterfaceName, b.InterfaceName, StringComparison.Ordinal) &&
        string.Equals(a.Vrf, b.Vrf, StringComparison.Ordinal) &&
        a.VirtualRouterId == b.VirtualRouterId && a.Priority == b.Priority && a.Version == b.Version &&
        a.AdvertisementInterval == b.AdvertisementInterval &&
        a.VirtualAddresses.SequenceEqual(b.VirtualAddresses) && a.ExcludedAddresses.SequenceEqual(b.ExcludedAddresses) &&
        a.Preempt == b.Preempt && a.PreemptDelay == b.PreemptDelay &&
        a.AuthenticationType == b.AuthenticationType &&
        string.Equals(a.AuthenticationPassword, b.AuthenticationPassword, StringComparison.Ordinal) &&
        a.ChecksumMode == b.ChecksumMode && a.OldUnicastChecksum == b.OldUnicastChecksum && a.SourceAddress == b.SourceAddress &&
        a.UnicastPeers.SequenceEqual(b.UnicastPeers) && a.AcceptOnlyUnicastPeers == b.AcceptOnlyUnicastPeers &&
        string.Equals(a.NetworkNamespace, b.NetworkNamespace, StringComparison.Ordinal) &&
        a.DontTrackPrimary == b.DontTrackPrimary && a.RequireLinkLocalFirstAddress == b.RequireLinkLocalFirstAddress &&
        a.CheckAddressList == b.CheckAddressList &&
        a.Trackers.Count == b.Trackers.Count &&
        a.Trackers.Zip(b.Trackers).All(static p => p.First.Kind == p.Second.Kind && p.First.Weight == p.Second.Weight && p.First.Reverse == p.Second.Reverse &&
            string.Equals(p.First.Name, p.Second.Name, StringComparison.Ordinal)) &&
        a.GarpMasterDelay == b.GarpMasterDelay && a.GarpMasterRepeat == b.GarpMasterRepeat &&
        a.GarpMasterRefresh == b.GarpMasterRefresh && a.GarpMasterRefreshRepeat == b.GarpMasterRefreshRepeat &&
        a.GarpLowerPriorityDelay == b.GarpLowerPriorityDelay && a.GarpLowerPriorityRepeat == b.GarpLowerPriorityRepeat &&
        a.AcceptMode == b.AcceptMode && a.UnicastHopLimit == b.UnicastHopLimit && a.MulticastGroup == b.MulticastGroup &&
        a.PeerHopLimits.Count == b.PeerHopLimits.Count &&
        a.PeerHopLimits.All(p => b.PeerHopLimits.TryGetValue(p.Key, out var range) && range == p.Value) &&
        a.HigherPrioritySendAdvertisement == b.HigherPrioritySendAdvertisement && a.LowerPriorityNoAdvertisement == b.LowerPriorityNoAdvertisement &&
        a.DownTimerAdvertisements == b.DownTimerAdvertisements && a.FaultWithoutUnicastPeers == b.FaultWithoutUnicastPeers && a.TrackSourceAddress == b.TrackSourceAddress &&
        a.GarpInterval == b.GarpInterval && a.GnaInterval == b.GnaInterval &&
        a.AnnouncementPacingGroups.Count == b.AnnouncementPacingGroups.Count &&
        a.AnnouncementPacingGroups.Zip(b.AnnouncementPacingGroups).All(static p => p.First.GarpInterval == p.Second.GarpInterval &&
            p.First.GnaInterval == p.Second.GnaInterval && p.First.Interfaces.SequenceEqual(p.Second.Interfaces, StringComparer.Ordinal)) &&
        a.GarpExtraInterfacesInterval == b.GarpExtraInterfacesInterval && a.GarpExtraInterfacesAll == b.GarpExtraInterfacesAll;

    // Everything that would make a reload fail half-way is checked before anything changes.
    private static void CheckNewConfiguration(List<VirtualRouterConfiguration> next, List<VrrpSyncGroupConfiguration> groups)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var config in next)
        {
            ArgumentNullException.ThrowIfNull(config, nameof(next));
            config.Validate();
            if (!names.Add(config.Name))
            {
                throw new ArgumentException($"Two instances are named '{config.Name}'.", nameof(next));
            }

            foreach (var other in next)
            {
                if (!ReferenceEquals(other, config) && VirtualRouterConfiguration.SharesAdverts(other, config))
                {
                    throw new ArgumentException(
                        $"Instances '{other.Name}' and '{config.Name}' both use VRID {config.VirtualRouterId} for {config.Family} on {config.InterfaceName}.",
                        nameof(next));
                }
            }
        }

        var grouped = new HashSet<string>(StringComparer.Ordinal);
        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            if (!groupNames.Add(group.Name))
            {
                throw new ArgumentException($"Two sync groups are named '{group.Name}'.", nameof(groups));
            }

            foreach (string member in group.Members)
            {
                if (!names.Contains(member))
                {
                    throw new ArgumentException($"Sync group '{group.Name}': there is no instance '{member}'.", nameof(groups));
                }

                if (!grouped.Add(member))
                {
                    throw new ArgumentException($"Instance '{member}' is in two sync groups (or listed twice).", nameof(groups));
                }
            }
        }
    }
}
