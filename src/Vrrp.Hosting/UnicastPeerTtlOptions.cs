namespace Vrrp.Hosting;

/// <summary>The TTLs accepted from one unicast peer (<c>unicast_peer { IP min_ttl N max_ttl N }</c>).</summary>
public sealed class UnicastPeerTtlOptions
{
    /// <summary>The peer, one of <see cref="VrrpInstanceOptions.UnicastPeers"/>.</summary>
    public string Peer { get; set; } = "";

    /// <summary>The lowest TTL (hop limit) accepted from the peer (<c>min_ttl</c>, default 0).</summary>
    public int MinTtl { get; set; }

    /// <summary>The highest TTL (hop limit) accepted from the peer (<c>max_ttl</c>, default 255).</summary>
    public int MaxTtl { get; set; } = 255;
}
