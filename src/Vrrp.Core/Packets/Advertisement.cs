namespace Vrrp.Packets;

/// <summary>
/// A parsed VRRP advertisement. It is a view over the caller's buffer (no allocation): keep it only while the buffer lives.
/// </summary>
/// <remarks>Made by <see cref="VrrpPacket.TryParseIPv4Packet(ReadOnlySpan{byte}, VrrpVersion?, out Advertisement, out DropReason)"/> and <see cref="VrrpPacket.TryParseMessage(ReadOnlySpan{byte}, VrrpAddressFamily, IPAddressValue, IPAddressValue, int, VrrpVersion?, out Advertisement, out DropReason)"/>, which have validated it (steps 1-5 and the v3 part of 8 of the order documented on <see cref="VrrpPacket"/>).</remarks>
public readonly ref struct Advertisement
{
    /// <summary>Creates a view; used by the codec.</summary>
    internal Advertisement(
        VrrpVersion version,
        VrrpAddressFamily family,
        byte virtualRouterId,
        byte priority,
        byte addressCount,
        AuthenticationType authenticationType,
        ushort interval,
        ushort checksum,
        ChecksumForm checksumForm,
        ReadOnlySpan<byte> addresses,
        ReadOnlySpan<byte> authenticationData,
        IPAddressValue source,
        IPAddressValue destination,
        int hopLimit)
    {
        Version = version;
        Family = family;
        VirtualRouterId = virtualRouterId;
        Priority = priority;
        AddressCount = addressCount;
        AuthenticationType = authenticationType;
        Interval = interval;
        Checksum = checksum;
        ChecksumForm = checksumForm;
        AddressBytes = addresses;
        AuthenticationData = authenticationData;
        Source = source;
        Destination = destination;
        HopLimit = hopLimit;
    }

    /// <summary>The version (2 or 3).</summary>
    public VrrpVersion Version { get; }

    /// <summary>The address family of the addresses (and of the IP packet).</summary>
    public VrrpAddressFamily Family { get; }

    /// <summary>The virtual router identifier, 1..255.</summary>
    public byte VirtualRouterId { get; }

    /// <summary>The sender's priority: 255 owner, 1..254 backup, 0 master leaving.</summary>
    public byte Priority { get; }

    /// <summary>The number of addresses.</summary>
    public byte AddressCount { get; }

    /// <summary>VRRPv2: the authentication type; VRRPv3: <see cref="AuthenticationType.None"/>.</summary>
    public AuthenticationType AuthenticationType { get; }

    /// <summary>The raw advertisement interval field: centiseconds (12 bits) for v3, seconds for v2.</summary>
    public ushort Interval { get; }

    /// <summary>The interval in centiseconds whatever the version.</summary>
    public int IntervalCentiseconds => Version == VrrpVersion.V2 ? Interval * 100 : Interval;

    /// <summary>The checksum field as received.</summary>
    public ushort Checksum { get; }

    /// <summary>Which checksum form the message matched.</summary>
    public ChecksumForm ChecksumForm { get; }

    /// <summary>The address list, <see cref="AddressCount"/> x 4 or 16 bytes in network order.</summary>
    public ReadOnlySpan<byte> AddressBytes { get; }

    /// <summary>VRRPv2: the 8 bytes of authentication data; VRRPv3: empty.</summary>
    public ReadOnlySpan<byte> AuthenticationData { get; }

    /// <summary>The IP source address (the sender's primary address).</summary>
    public IPAddressValue Source { get; }

    /// <summary>The IP destination address.</summary>
    public IPAddressValue Destination { get; }

    /// <summary>The received TTL / hop limit, or -1 when unknown.</summary>
    public int HopLimit { get; }

    /// <summary>
    /// With an IP Authentication Header (keepalived <c>auth_type AH</c>): the whole IPv4 packet it came in, for the
    /// receiving instance to check the ICV with its key; empty otherwise.
    /// </summary>
    internal ReadOnlySpan<byte> AuthenticatedPacket { get; private init; }

    /// <summary>With an IP Authentication Header: its SPI (keepalived: the sender's address).</summary>
    internal uint AuthenticationSpi { get; private init; }

    /// <summary>With an IP Authentication Header: its sequence number.</summary>
    internal uint AuthenticationSequence { get; private init; }

    /// <summary>Whether it came with an IP Authentication Header.</summary>
    internal bool HasAuthenticationHeader => !AuthenticatedPacket.IsEmpty;

    /// <summary>The same advertisement, as carried in <paramref name="packet"/> behind an AH with this SPI and sequence number.</summary>
    internal Advertisement WithAuthenticationHeader(ReadOnlySpan<byte> packet, uint spi, uint sequence) =>
        new(Version, Family, VirtualRouterId, Priority, AddressCount, AuthenticationType, Interval, Checksum, ChecksumForm, AddressBytes, AuthenticationData, Source, Destination, HopLimit)
        {
            AuthenticatedPacket = packet,
            AuthenticationSpi = spi,
            AuthenticationSequence = sequence,
        };

    /// <summary>Reads address number <paramref name="index"/>.</summary>
    /// <param name="index">0 .. <see cref="AddressCount"/> - 1.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public IPAddressValue GetAddress(int index)
    {
        int size = Family == VrrpAddressFamily.IPv4 ? 4 : 16;
        if ((uint)index >= AddressCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The advertisement has {AddressCount} addresses.");
        }

        return IPAddressValue.Read(Family, AddressBytes.Slice(index * size, size));
    }

    /// <summary>Tells whether the advertisement carries <paramref name="address"/> (no allocation).</summary>
    /// <param name="address">The address to look for; an address of the other family is never found.</param>
    /// <returns>True when it is one of the advertised addresses.</returns>
    public bool ContainsAddress(IPAddressValue address)
    {
        if (address.Family != Family)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        int size = address.WriteTo(bytes);
        ReadOnlySpan<byte> wanted = bytes[..size];
        for (int offset = 0; offset + size <= AddressBytes.Length; offset += size)
        {
            if (AddressBytes.Slice(offset, size).SequenceEqual(wanted))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Tells whether the advertised addresses are the configured ones, in any order (step 11 of the validation order:
    /// keepalived 2.3.3+ logs a mismatch without dropping). Quadratic in the count, without allocation.
    /// </summary>
    /// <param name="configured">The locally configured virtual addresses.</param>
    /// <returns>True when both lists have the same length and each address of one is in the other.</returns>
    public bool AddressesMatch(ReadOnlySpan<IPAddressValue> configured)
    {
        if (configured.Length != AddressCount)
        {
            return false;
        }

        foreach (var address in configured)
        {
            if (!ContainsAddress(address))
            {
                return false;
            }
        }

        for (int i = 0; i < AddressCount; i++)
        {
            if (!configured.Contains(GetAddress(i)))
            {
                return false;
            }
        }

        return true;
    }
}
