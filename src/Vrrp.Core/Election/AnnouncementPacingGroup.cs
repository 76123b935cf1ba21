namespace Vrrp.Election;

/// <summary>
/// Interfaces that pace their announcements together (keepalived <c>garp_group</c>): after a gratuitous ARP on any of
/// them, the next gratuitous ARP on any of them waits <see cref="GarpInterval"/>; the same for unsolicited neighbour
/// advertisements with <see cref="GnaInterval"/>. The routers of one driver share the pacing, so give every router the
/// same groups (<see cref="VirtualRouterConfiguration.AnnouncementPacingGroups"/>).
/// </summary>
/// <remarks>
/// On its interfaces a group replaces <see cref="VirtualRouterConfiguration.GarpInterval"/> and
/// <see cref="VirtualRouterConfiguration.GnaInterval"/>, as keepalived's group replaces its global
/// <c>vrrp_garp_interval</c> / <c>vrrp_gna_interval</c>: a null interval sends that kind back to back there.
/// </remarks>
public sealed class AnnouncementPacingGroup
{
    /// <summary>The interfaces of the group; an interface is in at most one group.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>The gap between gratuitous ARPs on the group's interfaces, or null for none.</summary>
    public TimeSpan? GarpInterval { get; init; }

    /// <summary>The gap between unsolicited neighbour advertisements on the group's interfaces, or null for none.</summary>
    public TimeSpan? GnaInterval { get; init; }
}
