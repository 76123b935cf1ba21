namespace Vrrp.Election;

/// <summary>
/// The TTL (IPv4) or hop limit (IPv6) range a unicast peer's adverts must arrive with: keepalived's
/// <c>unicast_peer { ADDR min_ttl N max_ttl M }</c> (defaults 0 and 255). A peer one routed hop away sends with 255 and
/// is received with 254; <c>min_ttl 254</c> then refuses adverts that crossed two routers or more.
/// </summary>
/// <param name="Minimum">The lowest TTL accepted (<c>min_ttl</c>).</param>
/// <param name="Maximum">The highest TTL accepted (<c>max_ttl</c>).</param>
public readonly record struct HopLimitRange(byte Minimum = 0, byte Maximum = 255)
{
    /// <summary>Whether a received TTL / hop limit is in the range (inclusive).</summary>
    /// <param name="hopLimit">The received value.</param>
    /// <returns>True when <see cref="Minimum"/> &lt;= <paramref name="hopLimit"/> &lt;= <see cref="Maximum"/>.</returns>
    public bool Contains(int hopLimit) => hopLimit >= Minimum && hopLimit <= Maximum;

    /// <inheritdoc />
    public override string ToString() => $"{Minimum} - {Maximum}";
}
