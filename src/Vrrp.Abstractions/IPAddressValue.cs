using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Vrrp;

/// <summary>
/// An IPv4 or IPv6 address held as a value, so that the per-packet paths (parse, validate, compare primary
/// addresses) never allocate. Ordering is the unsigned big-endian byte order that VRRP uses to break priority ties.
/// In JSON it is its text (<see cref="IPAddressValueJsonConverter"/>).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(IPAddressValueJsonConverter))]
public readonly struct IPAddressValue : IEquatable<IPAddressValue>, IComparable<IPAddressValue>
{
    // The address bytes in network order: _high holds bytes 0..7, _low bytes 8..15. IPv4 sits in the low 32 bits of _low.
    private readonly ulong _high;
    private readonly ulong _low;
    private readonly VrrpAddressFamily _family;

    private IPAddressValue(VrrpAddressFamily family, ulong high, ulong low)
    {
        _family = family;
        _high = high;
        _low = low;
    }

    /// <summary>The address family; <c>default(IPAddressValue)</c> is the IPv4 address 0.0.0.0.</summary>
    public VrrpAddressFamily Family => _family == 0 ? VrrpAddressFamily.IPv4 : _family;

    /// <summary>The number of bytes of the address on the wire: 4 or 16.</summary>
    public int Length => Family == VrrpAddressFamily.IPv4 ? 4 : 16;

    /// <summary>True for the unspecified address (0.0.0.0 or ::).</summary>
    public bool IsUnspecified => _high == 0 && _low == 0;

    /// <summary>True for an IPv6 link-local unicast address (fe80::/10).</summary>
    public bool IsIPv6LinkLocal => Family == VrrpAddressFamily.IPv6 && (_high >> 54) == (0xfe80UL >> 6);

    /// <summary>Reads an IPv4 address from 4 bytes in network order.</summary>
    /// <param name="bytes">At least 4 bytes; only the first 4 are read.</param>
    /// <exception cref="ArgumentException">Fewer than 4 bytes were given.</exception>
    public static IPAddressValue FromIPv4(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4)
        {
            throw new ArgumentException("An IPv4 address needs 4 bytes.", nameof(bytes));
        }

        return new IPAddressValue(VrrpAddressFamily.IPv4, 0, BinaryPrimitives.ReadUInt32BigEndian(bytes));
    }

    /// <summary>Reads an IPv6 address from 16 bytes in network order.</summary>
    /// <param name="bytes">At least 16 bytes; only the first 16 are read.</param>
    /// <exception cref="ArgumentException">Fewer than 16 bytes were given.</exception>
    public static IPAddressValue FromIPv6(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 16)
        {
            throw new ArgumentException("An IPv6 address needs 16 bytes.", nameof(bytes));
        }

        return new IPAddressValue(
            VrrpAddressFamily.IPv6,
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Reads an address of the given family from its network-order bytes.</summary>
    /// <param name="family">The family, which fixes the length (4 or 16).</param>
    /// <param name="bytes">At least as many bytes as the family needs.</param>
    /// <returns>The address.</returns>
    public static IPAddressValue Read(VrrpAddressFamily family, ReadOnlySpan<byte> bytes) =>
        family == VrrpAddressFamily.IPv4 ? FromIPv4(bytes) : FromIPv6(bytes);

    /// <summary>Converts a <see cref="IPAddress"/> (IPv4 or IPv6; an IPv4-mapped IPv6 address stays IPv6).</summary>
    /// <param name="address">The address.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    /// <exception cref="ArgumentException">The address is neither IPv4 nor IPv6.</exception>
    public static IPAddressValue FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException($"'{address}' is not an IPv4 or IPv6 address.", nameof(address));
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork when written == 4 => FromIPv4(bytes),
            AddressFamily.InterNetworkV6 when written == 16 => FromIPv6(bytes),
            _ => throw new ArgumentException($"'{address}' is not an IPv4 or IPv6 address.", nameof(address)),
        };
    }

    /// <summary>Parses the textual form of an IPv4 or IPv6 address.</summary>
    /// <param name="text">For example <c>172.16.1.25</c> or <c>fe80::1</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not an IP address.</exception>
    public static IPAddressValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not an IPv4 or IPv6 address.");
    }

    /// <summary>Tries to parse the textual form of an IPv4 or IPv6 address.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The address when the text is one.</param>
    /// <returns>True when <paramref name="text"/> is an address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out IPAddressValue value)
    {
        if (IPAddress.TryParse(text, out var address) &&
            address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            value = FromIPAddress(address);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Writes the address's network-order bytes.</summary>
    /// <param name="destination">At least <see cref="Length"/> bytes.</param>
    /// <returns>The number of bytes written (4 or 16).</returns>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"Writing an {Family} address needs {Length} bytes.", nameof(destination));
        }

        if (Family == VrrpAddressFamily.IPv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_low);
            return 4;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
        return 16;
    }

    /// <summary>Converts to a <see cref="IPAddress"/> (allocates; not for per-packet paths).</summary>
    /// <returns>The address.</returns>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        int n = WriteTo(bytes);
        return new IPAddress(bytes[..n]);
    }

    /// <inheritdoc />
    public bool Equals(IPAddressValue other) => Family == other.Family && _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IPAddressValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Family, _high, _low);

    /// <summary>Orders IPv4 before IPv6, then by unsigned big-endian byte value (RFC 9568 section 6.4.3 tie-break).</summary>
    /// <param name="other">The other address.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(IPAddressValue other)
    {
        int c = Family.CompareTo(other.Family);
        if (c != 0)
        {
            return c;
        }

        c = _high.CompareTo(other._high);
        return c != 0 ? c : _low.CompareTo(other._low);
    }

    /// <inheritdoc />
    public override string ToString() => ToIPAddress().ToString();

    /// <summary>Equality.</summary>
    /// <param name="left">One address.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when equal.</returns>
    public static bool operator ==(IPAddressValue left, IPAddressValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">One address.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when different.</returns>
    public static bool operator !=(IPAddressValue left, IPAddressValue right) => !left.Equals(right);

    /// <summary>Unsigned big-endian ordering.</summary>
    /// <param name="left">One address.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when left sorts before right.</returns>
    public static bool operator <(IPAddressValue left, IPAddressValue right) => left.CompareTo(right) < 0;

    /// <summary>Unsigned big-endian ordering.</summary>
    /// <param name="left">One address.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when left sorts after right.</returns>
    public static bool operator >(IPAddressValue left, IPAddressValue right) => left.CompareTo(right) > 0;

    /// <summary>Unsigned big-endian ordering.</summary>
    /// <param name="left">One address.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when left sorts before or equals right.</returns>
    public static bool operator <=(IPAddressValue left, IPAddressValue right) => left.CompareTo(right) <= 0;

    /// <summary>Unsigned big-endian ordering.</summary>
    /// <param name="left">One address.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when left sorts after or equals right.</returns>
    public static bool operator >=(IPAddressValue left, IPAddressValue right) => left.CompareTo(right) >= 0;
}
