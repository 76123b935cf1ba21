namespace Vrrp.Testing;

/// <summary>How a (directed) link of a <see cref="VirtualLan"/> treats packets.</summary>
public sealed record LinkConditions
{
    /// <summary>A link that delivers everything after <see cref="VirtualLan.MinimumLatency"/>.</summary>
    public static LinkConditions Perfect { get; } = new();

    /// <summary>The probability (0..1) that a packet is lost.</summary>
    public double LossRate { get; init; }

    /// <summary>The one-way delay (at least <see cref="VirtualLan.MinimumLatency"/>).</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>A random extra delay, uniform in 0..Jitter; packets can overtake each other (reordering).</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>The TTL / hop limit packets arrive with (255 on a real link; anything else must be dropped as <c>TtlNot255</c>).</summary>
    public byte HopLimit { get; init; } = 255;
}

/// <summary>What a <see cref="LanEvent"/> records.</summary>
public enum LanEventKind
{
    /// <summary>A node sent an advertisement.</summary>
    AdvertisementSent,

    /// <summary>An advertisement reached a node (detail: <c>#N from SOURCE</c>, N numbering the packets in the order they were sent).</summary>
    AdvertisementDelivered,

    /// <summary>An advertisement was lost on the way to a node (loss, partition or link down).</summary>
    AdvertisementLost,

    /// <summary>An instance changed state.</summary>
    StateChanged,

    /// <summary>A node put a virtual address on its interface.</summary>
    AddressAdded,

    /// <summary>A node took a virtual address off.</summary>
    AddressRemoved,

    /// <summary>A node announced addresses (gratuitous ARP / unsolicited NA).</summary>
    Announced,

    /// <summary>A node's link went up or down.</summary>
    LinkChanged,

    /// <summary>A node started, stopped, crashed or was powered off.</summary>
    NodeLifecycle,
}

/// <summary>One entry of the <see cref="VirtualLan"/> event log.</summary>
/// <param name="Time">When, since the LAN was created.</param>
/// <param name="Node">The node concerned.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Detail">A human-readable detail (instance, priority, address...).</param>
public readonly record struct LanEvent(TimeSpan Time, string Node, LanEventKind Kind, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Time.TotalMilliseconds,12:F4} ms {Node,-8} {Kind,-20} {Detail}";
}
