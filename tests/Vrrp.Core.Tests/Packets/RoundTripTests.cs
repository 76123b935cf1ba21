using CsCheck;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>Write then parse gives back every field, over all valid field combinations (CsCheck property tests and exhaustive sweeps).</summary>
[Trait("Rfc", "9568-7.2-a")]
public class RoundTripTests
{
    /// <summary>One advertisement to write, with the IP metadata it travels with.</summary>
    public sealed record Case(
        VrrpVersion Version,
        VrrpAddressFamily Family,
        byte VirtualRouterId,
        byte Priority,
        ushort Interval,
        IPAddressValue[] Addresses,
        AuthenticationType AuthenticationType,
        byte[] Password,
        Ipv4ChecksumMode Mode,
        IPAddressValue Source,
        IPAddressValue Destination)
    {
        public override string ToString() =>
            $"v{(int)Version} {Family} vrid {VirtualRouterId} prio {Priority} int {Interval} n {Addresses.Length} auth {AuthenticationType} pw {Convert.ToHexString(Password)} {Mode} {Source} -> {Destination} first {Addresses[0]}";
    }

    private static Gen<IPAddressValue> Address(VrrpAddressFamily family) =>
        family == VrrpAddressFamily.IPv4
            ? Gen.Byte.Array[4].Select(b => IPAddressValue.FromIPv4(b))
            : Gen.Byte.Array[16].Select(b => IPAddressValue.FromIPv6(b));

    internal static readonly Gen<Case> Cases =
        from version in Gen.OneOfConst(VrrpVersion.V2, VrrpVersion.V3)
        from family in Gen.OneOfConst(VrrpAddressFamily.IPv4, VrrpAddressFamily.IPv6) // v2/IPv6: keepalived 2.2.7's layout
        from vrid in Gen.Int[1, 255]
        from priority in Gen.Int[0, 255]
        from interval in Gen.Int[1, version == VrrpVersion.V2 ? 255 : 4095]
        from count in Gen.Frequency((3, Gen.Int[1, 4]), (1, Gen.Int[1, 255]))
        from addresses in Address(family).Array[count]
        from auth in version == VrrpVersion.V2 ? Gen.OneOfConst(AuthenticationType.None, AuthenticationType.SimplePassword) : Gen.Const(AuthenticationType.None)
        from password in auth == AuthenticationType.SimplePassword ? Gen.Byte.Array[0, 12] : Gen.Const(Array.Empty<byte>())
        from mode in Gen.OneOfConst(Ipv4ChecksumMode.PseudoHeader, Ipv4ChecksumMode.MessageOnly)
        from source in Address(family)
        from destination in Address(family)
        select new Case(version, family, (byte)vrid, (byte)priority, (ushort)interval, addresses, auth, password, mode, source, destination);

    [Trait("Rfc", "3768-5.3.1-a")]
    [Trait("Rfc", "9568-5.2.6-a")]
    [Fact]
    public void Write_then_parse_returns_every_field()
    {
        // Sample runs on several threads: one buffer per call.
        Cases.Sample(
            c => RoundTrip(c, new byte[VrrpPacket.MaxMessageLength]),
            writeLine: line => TestContext.Current.TestOutputHelper?.WriteLine(line),
            iter: 3000);
    }

    internal static void RoundTrip(Case c, byte[] buffer)
    {
        var fields = new AdvertisementFields(c.Version, c.VirtualRouterId, c.Priority, c.Interval, c.AuthenticationType);
        int n = VrrpPacket.Write(buffer, fields, c.Addresses, c.Password, c.Source, c.Destination, c.Mode);
        Assert.Equal(VrrpPacket.GetLength(c.Version, c.Family, c.Addresses.Length), n);
        byte[] message = buffer[..n];

        Assert.True(VrrpPacket.TryParseMessage(message, c.Family, c.Source, c.Destination, 255, c.Version, out var a, out var reason), $"{c}: {reason}");
        AssertMatches(c, a);

        if (c.Family == VrrpAddressFamily.IPv4)
        {
            byte[] packet = PacketBuilder.IPv4(message, source: c.Source, destination: c.Destination);
            Assert.True(VrrpPacket.TryParseIPv4Packet(packet, null, out var b, out reason), $"{c}: {reason}");
            AssertMatches(c, b);
        }

        // Re-writing the parsed advertisement gives the same bytes.
        var again = new IPAddressValue[a.AddressCount];
        for (int i = 0; i < again.Length; i++)
        {
            again[i] = a.GetAddress(i);
        }

        byte[] second = new byte[n];
        byte[] password = a.AuthenticationType == AuthenticationType.SimplePassword && a.Family == VrrpAddressFamily.IPv4 ? a.AuthenticationData.ToArray() : [];
        var mode = a.ChecksumForm == ChecksumForm.IPv4MessageOnly ? Ipv4ChecksumMode.MessageOnly : Ipv4ChecksumMode.PseudoHeader;
        VrrpPacket.Write(second, new AdvertisementFields(a.Version, a.VirtualRouterId, a.Priority, a.Interval, a.AuthenticationType), again, password, a.Source, a.Destination, mode);
        Assert.Equal(message, second);
    }

    private static void AssertMatches(Case c, in Advertisement a)
    {
        Assert.Equal(c.Version, a.Version);
        Assert.Equal(c.Family, a.Family);
        Assert.Equal(c.VirtualRouterId, a.VirtualRouterId);
        Assert.Equal(c.Priority, a.Priority);
        Assert.Equal(c.Interval, a.Interval);
        Assert.Equal(c.AuthenticationType, a.AuthenticationType);
        Assert.Equal(c.Addresses.Length, a.AddressCount);
        for (int i = 0; i < c.Addresses.Length; i++)
        {
            Assert.Equal(c.Addresses[i], a.GetAddress(i));
        }

        Assert.Equal(c.Source, a.Source);
        Assert.Equal(c.Destination, a.Destination);
        Assert.Equal(255, a.HopLimit);
        if (c.Version == VrrpVersion.V2 && c.Family == VrrpAddressFamily.IPv6)
        {
            // keepalived 2.2.7's VRRPv2 over IPv6: no authentication data, the IPv6 pseudo-header checksum.
            Assert.True(a.AuthenticationData.IsEmpty);
            Assert.Equal(ChecksumForm.IPv6PseudoHeader, a.ChecksumForm);
        }
        else if (c.Version == VrrpVersion.V2)
        {
            byte[] expected = new byte[8];
            c.Password.AsSpan(0, Math.Min(8, c.Password.Length)).CopyTo(expected);
            Assert.Equal(expected, a.AuthenticationData.ToArray());
            Assert.Equal(ChecksumForm.V2Message, a.ChecksumForm);
        }
        else
        {
            Assert.True(a.AuthenticationData.IsEmpty);
            var form = c.Family == VrrpAddressFamily.IPv6 ? ChecksumForm.IPv6PseudoHeader
                : c.Mode == Ipv4ChecksumMode.MessageOnly ? ChecksumForm.IPv4MessageOnly : ChecksumForm.IPv4PseudoHeader;

            // The pseudo-header is tried first; when its sum is itself zero (one's complement) both forms coincide.
            bool formsCoincide = form == ChecksumForm.IPv4MessageOnly &&
                InternetChecksum.Fold(InternetChecksum.IPv4PseudoHeader(c.Source, c.Destination, VrrpPacket.IPProtocol, VrrpPacket.GetLength(c.Version, c.Family, c.Addresses.Length))) == 0xFFFF;
            if (!formsCoincide)
            {
                Assert.Equal(form, a.ChecksumForm);
            }
        }
    }

    public static TheoryData<int, int, int> Configurations() => new()
    {
        { 2, 4, 0 },
        { 3, 4, 0 },
        { 3, 4, 1 },
        { 3, 6, 0 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Every_vrid_and_priority_round_trips(int version, int family, int mode)
    {
        var v = (VrrpVersion)version;
        var f = (VrrpAddressFamily)family;
        var addresses = PacketBuilder.Addresses(f, 1);
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        byte[] password = v == VrrpVersion.V2 ? [0x41, 0x42] : [];
        var auth = v == VrrpVersion.V2 ? AuthenticationType.SimplePassword : AuthenticationType.None;
        for (int vrid = 1; vrid <= 255; vrid++)
        {
            for (int priority = 0; priority <= 255; priority++)
            {
                int n = VrrpPacket.Write(buffer, new AdvertisementFields(v, (byte)vrid, (byte)priority, 1, auth), addresses, password, PacketBuilder.Source(f), PacketBuilder.Group(f), (Ipv4ChecksumMode)mode);
                Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, n), f, PacketBuilder.Source(f), PacketBuilder.Group(f), 255, v, out var a, out var reason), reason.ToString());
                Assert.Equal(vrid, a.VirtualRouterId);
                Assert.Equal(priority, a.Priority);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Every_interval_and_address_count_round_trips(int version, int family, int mode)
    {
        var v = (VrrpVersion)version;
        var f = (VrrpAddressFamily)family;
        var all = PacketBuilder.Addresses(f, 255);
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        int maxInterval = v == VrrpVersion.V2 ? 255 : 4095;
        for (int interval = 1; interval <= maxInterval; interval++)
        {
            int n = VrrpPacket.Write(buffer, new AdvertisementFields(v, 1, 100, (ushort)interval), all.AsSpan(0, 1), [], PacketBuilder.Source(f), PacketBuilder.Group(f), (Ipv4ChecksumMode)mode);
            Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, n), f, PacketBuilder.Source(f), PacketBuilder.Group(f), 255, v, out var a, out var reason), reason.ToString());
            Assert.Equal(interval, a.Interval);
            Assert.Equal(v == VrrpVersion.V2 ? interval * 100 : interval, a.IntervalCentiseconds);
        }

        for (int count = 1; count <= 255; count++)
        {
            int n = VrrpPacket.Write(buffer, new AdvertisementFields(v, 1, 100, 1), all.AsSpan(0, count), [], PacketBuilder.Source(f), PacketBuilder.Group(f), (Ipv4ChecksumMode)mode);
            Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, n), f, PacketBuilder.Source(f), PacketBuilder.Group(f), 255, v, out var a, out var reason), reason.ToString());
            Assert.Equal(count, a.AddressCount);
            Assert.Equal(all[count - 1], a.GetAddress(count - 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => CallGetAddress(buffer.AsSpan(0, n).ToArray(), f, v, count));
        }
    }

    private static void CallGetAddress(byte[] message, VrrpAddressFamily f, VrrpVersion v, int index)
    {
        VrrpPacket.TryParseMessage(message, f, PacketBuilder.Source(f), PacketBuilder.Group(f), 255, v, out var a, out _);
        a.GetAddress(index);
    }
}
