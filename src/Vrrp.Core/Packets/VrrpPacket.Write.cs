using System.Buffers.Binary;
using System.Text.Unicode;

namespace Vrrp.Packets;

// Writing an advertisement (RFC 9568 section 5.1, RFC 3768 section 5.1), and the v2 password.
public static partial class VrrpPacket
{
    /// <summary>
    /// Encodes a VRRPv2 simple password into the 8 bytes of authentication data (RFC 3768 section 5.3.10): the first 8
    /// bytes of its UTF-8 form (ASCII in practice), zero padded. keepalived uses only the first 8 characters too.
    /// </summary>
    /// <param name="password">The configured password (keepalived <c>auth_pass</c>).</param>
    /// <param name="destination8">At least 8 bytes; exactly 8 are written.</param>
    /// <exception cref="ArgumentNullException"><paramref name="password"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination8"/> is shorter than 8 bytes.</exception>
    public static void EncodePassword(string password, Span<byte> destination8)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (destination8.Length < AuthenticationDataLength)
        {
            throw new ArgumentException($"The authentication data needs {AuthenticationDataLength} bytes.", nameof(destination8));
        }

        // 8 bytes come from at most 8 UTF-16 chars; take a 9th so that a surrogate pair is never split. A multi-byte
        // character that straddles byte 8 is cut, as keepalived's byte copy does.
        Span<byte> utf8 = stackalloc byte[32];
        ReadOnlySpan<char> chars = password.AsSpan(0, Math.Min(password.Length, AuthenticationDataLength + 1));
        Utf8.FromUtf16(chars, utf8, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        destination8[..AuthenticationDataLength].Clear();
        utf8[..Math.Min(written, AuthenticationDataLength)].CopyTo(destination8);
    }

    /// <summary>Writes an advertisement with its checksum.</summary>
    /// <param name="destination">The buffer; at least <see cref="GetLength"/> bytes.</param>
    /// <param name="fields">The fixed fields.</param>
    /// <param name="addresses">
    /// The addresses, all of one family (1..255 of them; v2 may have none). v2 with IPv6 addresses is written as
    /// keepalived 2.2.7 sends it: no authentication data, the IPv6 pseudo-header checksum.
    /// </param>
    /// <param name="password">
    /// v2 with <see cref="AuthenticationType.SimplePassword"/>: the password bytes (first 8 used, zero padded, see
    /// <see cref="EncodePassword"/>; not sent over IPv6, as keepalived 2.2.7); must be empty otherwise.
    /// </param>
    /// <param name="source">IP source (for the IPv6 and v3/IPv4 pseudo-header checksums; not used by v2/IPv4).</param>
    /// <param name="ipDestination">IP destination (for the IPv6 and v3/IPv4 pseudo-header checksums; not used by v2/IPv4).</param>
    /// <param name="ipv4ChecksumMode">The v3/IPv4 checksum form.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The arguments do not make a valid advertisement (the caller's mistake).</exception>
    public static int Write(Span<byte> destination, in AdvertisementFields fields, ReadOnlySpan<IPAddressValue> addresses, ReadOnlySpan<byte> password, IPAddressValue source, IPAddressValue ipDestination, Ipv4ChecksumMode ipv4ChecksumMode = Ipv4ChecksumMode.PseudoHeader)
    {
        VrrpVersion version = fields.Version;
        if (version is not (VrrpVersion.V2 or VrrpVersion.V3))
        {
            throw new ArgumentException($"Unknown VRRP version {version}.", nameof(fields));
        }

        if (fields.VirtualRouterId == 0)
        {
            throw new ArgumentException("The virtual router id must be 1..255.", nameof(fields));
        }

        // VRRPv2 may carry none: keepalived 2.2.7 runs a VRRPv2 instance without virtual addresses (RFC 3768 section
        // 5.3.5 sets no lower bound); VRRPv3 carries at least one (RFC 9568 section 5.2.5).
        if (addresses.Length > 255 || (addresses.Length == 0 && fields.Version != VrrpVersion.V2))
        {
            throw new ArgumentException($"An advertisement carries 1..255 addresses (0..255 with VRRPv2), not {addresses.Length}.", nameof(addresses));
        }

        VrrpAddressFamily family = addresses.Length > 0 ? addresses[0].Family : VrrpAddressFamily.IPv4;
        foreach (var address in addresses)
        {
            if (address.Family != family)
            {
                throw new ArgumentException("All the addresses of an advertisement must be of one family.", nameof(addresses));
            }
        }

        if (version == VrrpVersion.V2)
        {
            if (fields.Interval is 0 or > 255)
            {
                throw new ArgumentException($"The VRRPv2 interval is 1..255 seconds, not {fields.Interval}.", nameof(fields));
            }

            if (fields.AuthenticationType is not (AuthenticationType.None or AuthenticationType.SimplePassword or AuthenticationType.IPAuthenticationHeader))
            {
                throw new ArgumentException($"Authentication type {fields.AuthenticationType} cannot be sent (only None, SimplePassword and IPAuthenticationHeader).", nameof(fields));
            }

            if (fields.AuthenticationType != AuthenticationType.SimplePassword && !password.IsEmpty)
            {
                throw new ArgumentException("A password is only sent with AuthenticationType.SimplePassword.", nameof(password));
            }

            // keepalived 2.2.7's VRRPv2 over IPv6: the kernel's IPv6 pseudo-header checksum, and no authentication data.
            if (family == VrrpAddressFamily.IPv6)
            {
                if (fields.AuthenticationType == AuthenticationType.IPAuthenticationHeader)
                {
                    throw new ArgumentException("AH authentication is IPv4 only.", nameof(fields));
                }

                if (source.Family != family || ipDestination.Family != family)
                {
                    throw new ArgumentException($"The IP source and destination must be {family} addresses for the pseudo-header checksum.", nameof(source));
                }
            }
        }
        else
        {
            if (fields.Interval is 0 or > MaxV3Interval)
            {
                throw new ArgumentException($"The VRRPv3 interval is 1..4095 centiseconds, not {fields.Interval}.", nameof(fields));
            }

            if (fields.AuthenticationType != AuthenticationType.None || !password.IsEmpty)
            {
                throw new ArgumentException("VRRPv3 has no authentication.", nameof(fields));
            }

            bool needsPseudoHeader = family == VrrpAddressFamily.IPv6 || ipv4ChecksumMode == Ipv4ChecksumMode.PseudoHeader;
            if (needsPseudoHeader && (source.Family != family || ipDestination.Family != family))
            {
                throw new ArgumentException($"The IP source and destination must be {family} addresses for the pseudo-header checksum.", nameof(source));
            }

            if (ipv4ChecksumMode is not (Ipv4ChecksumMode.PseudoHeader or Ipv4ChecksumMode.MessageOnly))
            {
                throw new ArgumentException($"Unknown checksum mode {ipv4ChecksumMode}.", nameof(ipv4ChecksumMode));
            }
        }

        int length = GetLength(version, family, addresses.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The advertisement needs {length} bytes; the buffer has {destination.Length}.", nameof(destination));
        }

        Span<byte> message = destination[..length];

        // RFC 9568 section 5.1 / RFC 3768 section 5.1: version and type, VRID, priority, count.
        message[0] = (byte)(((int)version << 4) | AdvertisementType);
        message[1] = fields.VirtualRouterId;
        message[2] = fields.Priority;
        message[3] = (byte)addresses.Length;
        if (version == VrrpVersion.V2)
        {
            // RFC 3768 sections 5.3.6, 5.3.7: auth type, interval in seconds.
            message[4] = (byte)fields.AuthenticationType;
            message[5] = (byte)fields.Interval;
        }
        else
        {
            // RFC 9568 sections 5.2.6, 5.2.7: reserved bits zero, 12-bit interval in centiseconds.
            BinaryPrimitives.WriteUInt16BigEndian(message[4..], fields.Interval);
        }

        // Section 5.2.8 / 5.3.8: the checksum field is zero while computing.
        message[6] = 0;
        message[7] = 0;

        int offset = HeaderLength;
        foreach (var address in addresses)
        {
            offset += address.WriteTo(message[offset..]);
        }

        if (version == VrrpVersion.V2 && family == VrrpAddressFamily.IPv4)
        {
            // RFC 3768 section 5.3.10: 8 bytes of authentication data, zero unless a simple password is used.
            Span<byte> authenticationData = message.Slice(offset, AuthenticationDataLength);
            authenticationData.Clear();
            password[..Math.Min(password.Length, AuthenticationDataLength)].CopyTo(authenticationData);
        }

        ulong sum = InternetChecksum.Add(message, 0);
        if (family == VrrpAddressFamily.IPv6)
        {
            sum += InternetChecksum.IPv6PseudoHeader(source, ipDestination, IPProtocol, length);
        }
        else if (version == VrrpVersion.V3 && ipv4ChecksumMode == Ipv4ChecksumMode.PseudoHeader)
        {
            sum += InternetChecksum.IPv4PseudoHeader(source, ipDestination, IPProtocol, length);
        }

        BinaryPrimitives.WriteUInt16BigEndian(message[6..], (ushort)~InternetChecksum.Fold(sum));
        return length;
    }

    /// <summary>The length of an advertisement.</summary>
    /// <param name="version">2 or 3.</param>
    /// <param name="family">The address family.</param>
    /// <param name="addressCount">The number of addresses.</param>
    /// <returns>v3/IPv4 8+4n, v2/IPv4 16+4n, IPv6 (v3, and v2 as keepalived 2.2.7 sends it) 8+16n.</returns>
    public static int GetLength(VrrpVersion version, VrrpAddressFamily family, int addressCount) =>
        HeaderLength + (addressCount * (family == VrrpAddressFamily.IPv4 ? 4 : 16)) +
        (version == VrrpVersion.V2 && family == VrrpAddressFamily.IPv4 ? AuthenticationDataLength : 0);
}
