namespace Vrrp.Election;

// A configuration reload: routers changed in place, sync groups dissolved and formed while running.
public partial class VirtualRouterSet
{
    /// <summary>The sync groups of the set.</summary>
    internal IEnumerable<SyncGroup> SyncGroups => _routers.Select(static r => r.Group).OfType<SyncGroup>().Distinct();

    /// <summary>
    /// Whether a router of configuration <paramref name="current"/> can take <paramref name="next"/> in place
    /// (<see cref="Reconfigure"/>): the same virtual router on the same channel. keepalived's rule for "the same
    /// instance" at a reload: the same interface, VRID and family, both unicast or both multicast, and (here) the same
    /// namespace, advert source address and AH or not (protocol 51 or 112), which pick the channel.
    /// </summary>
    /// <param name="current">The configuration it runs with.</param>
    /// <param name="next">The new one.</param>
    /// <returns>True when the change can be applied in place.</returns>
    public static bool IsSameVirtualRouter(VirtualRouterConfiguration current, VirtualRouterConfiguration next)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        return current.VirtualRouterId == next.VirtualRouterId && current.Family == next.Family &&
            string.Equals(current.InterfaceName, next.InterfaceName, StringComparison.Ordinal) &&
            string.Equals(current.Vrf, next.Vrf, StringComparison.Ordinal) &&
            string.Equals(current.NetworkNamespace, next.NetworkNamespace, StringComparison.Ordinal) &&
            current.SourceAddress == next.SourceAddress &&
            (current.UnicastPeers.Count == 0) == (next.UnicastPeers.Count == 0) &&
            current.MulticastGroup == next.MulticastGroup &&
            (current.AuthenticationType == Packets.AuthenticationType.IPAuthenticationHeader) == (next.AuthenticationType == Packets.AuthenticationType.IPAuthenticationHeader) &&
            (current.UnicastPeers.Count == 0 || current.UnicastHopLimit == next.UnicastHopLimit); // channel settings
    }

    /// <summary>
    /// Applies a new configuration to a running router in place (<see cref="VirtualRouter.Reconfigure"/>): its state,
    /// timers, counters and tracker values are kept. The name may change (keepalived recognises an instance by its
    /// interface and VRID). Drain the actions afterwards.
    /// </summary>
    /// <param name="name">The router's current instance name.</param>
    /// <param name="configuration">The new configuration, for the same virtual router (<see cref="IsSameVirtualRouter"/>).</param>
    /// <param name="now">The current time.</param>
    /// <returns>The router.</returns>
    /// <exception cref="ArgumentException">No such router, the configuration is invalid or for another virtual router, or the new name is taken.</exception>
    public VirtualRouter Reconfigure(string name, VirtualRouterConfiguration configuration, long now)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        var router = Find(name) ?? throw new ArgumentException($"There is no instance '{name}'.", nameof(name));
        if (!IsSameVirtualRouter(router.Configuration, configuration))
        {
            throw new ArgumentException(
                $"'{configuration.Name}' is not the same virtual router as '{name}' (interface, VRID, family, namespace, source address, unicast mode, multicast group or unicast TTL differ): remove '{name}' and add it.",
                nameof(configuration));
        }

        bool renamed = !string.Equals(name, configuration.Name, StringComparison.Ordinal);
        if (renamed && _byName.ContainsKey(configuration.Name))
        {
            throw new ArgumentException($"An instance named '{configuration.Name}' already exists.", nameof(configuration));
        }

        router.Reconfigure(configuration, now);
        if (renamed)
        {
            _byName.Remove(name);
            _byName.Add(configuration.Name, router);
        }

        Pump(router, now);
        return router;
    }

    /// <summary>Dissolves a sync group (a reload that removes or changes it): its members go on alone. Drain the actions afterwards.</summary>
    /// <param name="name">The group name.</param>
    /// <param name="now">The current time.</param>
    /// <returns>False when there is no such group.</returns>
    public bool RemoveSyncGroup(string name, long now)
    {
        ArgumentNullException.ThrowIfNull(name);
        var group = SyncGroups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.Ordinal));
        if (group is null)
        {
            return false;
        }

        group.Dissolve(now);
        foreach (var member in group.Members)
        {
            Pump(member, now);
        }

        return true;
    }
}
