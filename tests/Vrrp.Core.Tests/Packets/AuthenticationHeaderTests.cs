using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json;
using PacketDotNet;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>
/// VRRPv2 with an IP Authentication Header (keepalived <c>auth_type AH</c>, RFC 2338 section 5.3.6.3): the codec against
/// adverts captured from keepalived 2.2.7 (Vectors/keepalived-2.2.7-ah.json), PacketDotNet and tshark as oracles.
/// </summary>
[Trait("Rfc", "3768-5.3.6-a")]
public class AuthenticationHeaderTests
{
    public sealed record AhVector(string Name, byte[] Packet, string Key, bool Unicast, IPAddressValue Source, IPAddressValue Destination, byte Ttl, ushort Identification, uint Spi, uint Sequence, byte VirtualRouterId, byte Priority, IPAddressValue[] Addresses, byte Interval);

    public static IReadOnlyList<AhVector> Vectors { get; } = Load();

    public static TheoryData<string> VectorNames => [.. Vectors.Select(v => v.Name)];

    private static AhVector Get(string name) => Vectors.Single(v => v.Name == name);

    private static List<AhVector> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(VrrpVectors.VectorPath("keepalived-2.2.7-ah.json")));
        var list = new List<AhVector>();
        foreach (var p in document.RootElement.GetProperty("packets").EnumerateArray())
        {
            byte[] packet = Convert.FromHexString(p.GetProperty("ip_packet_hex").GetString()!);
            int count = p.GetProperty("count").GetInt32();
            var addresses = Enumerable.Range(0, count).Select(i => IPAddressValue.FromIPv4(packet.AsSpan(20 + 24 + 8 + (4 * i), 4))).ToArray();
            list.Add(new AhVector(
                $"{p.GetProperty("origin").GetString()}#{p.GetProperty("sequence").GetUInt32()}",
                packet,
                p.GetProperty("auth_pass").GetString()!,
                p.GetProperty("mode").GetString() == "unicast",
                IPAddressValue.Parse(p.GetProperty("src").GetString()!),
                IPAddressValue.Parse(p.GetProperty("dst").GetString()!),
                (byte)p.GetProperty("ttl").GetInt32(),
                (ushort)p.GetProperty("ip_id").GetInt32(),
                Convert.ToUInt32(p.GetProperty("spi").GetString()!, 16),
                p.GetProperty("sequence").GetUInt32(),
                (byte)p.GetProperty("vrid").GetInt32(),
                (byte)p.GetProperty("priority").GetInt32(),
                addresses,
                (byte)p.GetProperty("advert_int").GetInt32()));
        }

        return list;
    }

    private static byte[] Key(string password)
    {
        byte[] key = new byte[8];
        VrrpPacket.EncodePassword(password, key);
        return key;
    }

    [Fact]
    public void The_vector_file_has_multicast_and_unicast_adverts_and_a_priority_0()
    {
        Assert.Contains(Vectors, v => !v.Unicast);
        Assert.Contains(Vectors, v => v.Unicast && v.Ttl != 255);
        Assert.Contains(Vectors, v => v.Priority == 0);
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Keepalived_AH_adverts_parse_with_their_fields(string name)
    {
        var v = Get(name);
        Assert.True(AuthenticationHeader.TryParseIPv4Packet(v.Packet, checkHopLimit: !v.Unicast, out var a, out var reason), reason.ToString());
        Assert.Equal(VrrpVersion.V2, a.Version);
        Assert.Equal(AuthenticationType.IPAuthenticationHeader, a.AuthenticationType);
        Assert.Equal(v.VirtualRouterId, a.VirtualRouterId);
        Assert.Equal(v.Priority, a.Priority);
        Assert.Equal(v.Interval, a.Interval);
        var addresses = new IPAddressValue[a.AddressCount];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = a.GetAddress(i);
        }

        Assert.Equal(v.Addresses, addresses);
        Assert.Equal(v.Source, a.Source);
        Assert.Equal(v.Destination, a.Destination);
        Assert.Equal(v.Ttl, a.HopLimit);
        Assert.True(a.HasAuthenticationHeader);
        Assert.Equal(v.Sequence, a.AuthenticationSequence);
        Assert.Equal(v.Spi, a.AuthenticationSpi);
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(v.Packet.AsSpan(12)), a.AuthenticationSpi); // SPI = source address
        Assert.Equal(new byte[8], a.AuthenticationData.ToArray()); // no password in the message with AH
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Keepalived_AH_adverts_verify_with_their_key_only(string name)
    {
        var v = Get(name);
        Assert.True(AuthenticationHeader.TryParseIPv4Packet(v.Packet, checkHopLimit: false, out var a, out _));
        Assert.Equal(DropReason.None, VrrpPacket.CheckAuthentication(a, AuthenticationType.IPAuthenticationHeader, Key(v.Key), v.Unicast));
        Assert.Equal(DropReason.AuthenticationFailure, VrrpPacket.CheckAuthentication(a, AuthenticationType.IPAuthenticationHeader, Key("X" + v.Key[1..]), v.Unicast));
        Assert.Equal(DropReason.AuthenticationFailure, VrrpPacket.CheckAuthentication(a, AuthenticationType.IPAuthenticationHeader, Key("other"), v.Unicast));

        // A key longer than 8 bytes is cut to 8, as keepalived's auth_pass.
        Assert.Equal(DropReason.None, VrrpPacket.CheckAuthentication(a, AuthenticationType.IPAuthenticationHeader, Key(v.Key.PadRight(8, '\0') + "ignored"), v.Unicast));

        // A PASS or no-auth instance counts an AH advert as a type mismatch (keepalived: "Received AH header but auth type not AH").
        Assert.Equal(DropReason.AuthenticationTypeMismatch, VrrpPacket.CheckAuthentication(a, AuthenticationType.None, default));
        Assert.Equal(DropReason.AuthenticationTypeMismatch, VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, Key(v.Key)));
    }

    [Fact]
    public void The_TTL_is_covered_for_multicast_and_not_for_unicast()
    {
        var multicast = Vectors.First(v => !v.Unicast);
        var unicast = Vectors.First(v => v.Unicast);
        Assert.True(AuthenticationHeader.VerifyIcv(multicast.Packet, Key(multicast.Key), zeroTtl: false));
        Assert.False(AuthenticationHeader.VerifyIcv(multicast.Packet, Key(multicast.Key), zeroTtl: true));
        Assert.True(AuthenticationHeader.VerifyIcv(unicast.Packet, Key(unicast.Key), zeroTtl: true));
        Assert.False(AuthenticationHeader.VerifyIcv(unicast.Packet, Key(unicast.Key), zeroTtl: false));

        byte[] hopped = (byte[])unicast.Packet.Clone();
        hopped[8]--; // one more router on the way
        Assert.True(AuthenticationHeader.VerifyIcv(hopped, Key(unicast.Key), zeroTtl: true));
    }

    [Fact]
    public void Mutable_fields_are_not_covered_and_every_other_byte_is()
    {
        var v = Vectors.First(v => !v.Unicast);
        byte[] key = Key(v.Key);
        for (int i = 0; i < v.Packet.Length; i++)
        {
            byte[] changed = (byte[])v.Packet.Clone();
            changed[i] ^= 0x01;
            bool mutable = i is 1 or 6 or 7 or 10 or 11; // TOS, flags and fragment offset, header checksum
            bool icv = i is >= 32 and < 44;             // the ICV itself
            Assert.True(mutable == AuthenticationHeader.VerifyIcv(changed, key, zeroTtl: false), $"byte {i}");
            if (icv)
            {
                Assert.False(AuthenticationHeader.VerifyIcv(changed, key, zeroTtl: false));
            }
        }
    }

    [Fact]
    public void A_wrong_SPI_is_an_authentication_failure()
    {
        // keepalived's rule: the SPI is the sender's address. Same bytes, ICV recomputed by a sender with another SPI.
        var v = Vectors.First(v => !v.Unicast);
        byte[] packet = (byte[])v.Packet.Clone();
        AuthenticationHeader.Write(packet, v.Identification, v.Ttl, IPAddressValue.Parse("10.50.0.99"), v.Destination, v.Sequence, Key(v.Key), zeroTtl: false);
        v.Source.WriteTo(packet.AsSpan(12)); // the header says 10.50.0.11, the SPI 10.50.0.99: the ICV no longer matches either
        Assert.True(AuthenticationHeader.TryParseIPv4Packet(packet, true, out var a, out _));
        Assert.Equal(DropReason.AuthenticationFailure, VrrpPacket.CheckAuthentication(a, AuthenticationType.IPAuthenticationHeader, Key(v.Key)));

        // A correct ICV over a packet whose SPI is not its source: still refused.
        AuthenticationHeader.Write(packet, v.Identification, v.Ttl, v.Source, v.Destination, v.Sequence, Key(v.Key), zeroTtl: false);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(24), 0x0A320063);
        byte[] icvOverWrongSpi = Resign(packet, Key(v.Key));
        Assert.True(AuthenticationHeader.VerifyIcv(icvOverWrongSpi, Key(v.Key), zeroTtl: false));
        Assert.True(AuthenticationHeader.TryParseIPv4Packet(icvOverWrongSpi, true, out var b, out _));
        Assert.Equal(DropReason.AuthenticationFailure, VrrpPacket.CheckAuthentication(b, AuthenticationType.IPAuthenticationHeader, Key(v.Key)));
    }

    // Recomputes the ICV of a packet as it is (whatever its SPI), with the independent HMAC of the test.
    private static byte[] Resign(byte[] packet, byte[] key)
    {
        byte[] copy = (byte[])packet.Clone();
        copy[1] = 0;
        copy[6] = copy[7] = copy[10] = copy[11] = 0;
        copy.AsSpan(32, 12).Clear();
#pragma warning disable CA5351 // the protocol's MAC
        byte[] digest = System.Security.Cryptography.HMACMD5.HashData(key, copy);
#pragma warning restore CA5351
        byte[] result = (byte[])packet.Clone();
        digest.AsSpan(0, 12).CopyTo(result.AsSpan(32));
        return result;
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void A_router_writes_keepalived_s_bytes(string name)
    {
        var v = Get(name);
        var router = new VirtualRouter(
            new VirtualRouterConfiguration
            {
                Name = "VI",
                InterfaceName = "eth0",
                VirtualRouterId = v.VirtualRouterId,
                Priority = Math.Max((byte)1, v.Priority),
                Version = VrrpVersion.V2,
                AdvertisementInterval = TimeSpan.FromSeconds(v.Interval),
                AuthenticationType = AuthenticationType.IPAuthenticationHeader,
                AuthenticationPassword = v.Key,
                VirtualAddresses = [.. v.Addresses.Select(a => new VirtualAddress(a, 24))],
                UnicastPeers = v.Unicast ? [v.Destination] : [],
                UnicastHopLimit = v.Unicast ? v.Ttl : (byte)255,
            },
            v.Source);
        Assert.Equal(v.Packet.Length, router.AdvertisementLength);
        byte[] buffer = new byte[router.AdvertisementLength];
        int length = router.WriteAdvertisement(buffer, v.Priority, v.Destination, v.Sequence, v.Identification);
        AuthenticationHeader.FillHeaderChecksum(buffer.AsSpan(0, length)); // the kernel's part (IP_HDRINCL)
        Assert.Equal(Convert.ToHexString(v.Packet), Convert.ToHexString(buffer.AsSpan(0, length)));
    }

    [Fact]
    public void PacketDotNet_reads_our_AH_packet_as_IPv4_protocol_51_with_a_good_header()
    {
        var v = Vectors.First(v => !v.Unicast);
        byte[] packet = new byte[v.Packet.Length];
        v.Packet.AsSpan(20 + 24).CopyTo(packet.AsSpan(20 + 24));
        AuthenticationHeader.Write(packet, 77, 255, v.Source, v.Destination, 1234, Key(v.Key), zeroTtl: false);
        AuthenticationHeader.FillHeaderChecksum(packet);
        var ip = new IPv4Packet(new PacketDotNet.Utils.ByteArraySegment(packet));
        Assert.Equal((PacketDotNet.ProtocolType)51, ip.Protocol);
        Assert.Equal(packet.Length, ip.TotalLength);
        Assert.Equal(77, ip.Id);
        Assert.Equal(255, ip.TimeToLive);
        Assert.Equal(0xC0, ip.TypeOfService);
        Assert.True(ip.ValidIPChecksum);
        Assert.Equal(v.Source.ToIPAddress(), ip.SourceAddress);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), ip.DestinationAddress);
        Assert.Equal(5, ip.HeaderLength); // in 32-bit words
        Assert.True(AuthenticationHeader.VerifyIcv(packet, Key(v.Key), zeroTtl: false));
    }

    [Fact]
    public void Tshark_decodes_our_AH_advert_as_keepalived_s()
    {
        string tshark = TsharkOracleTests.FindTshark() ?? throw SkipMissing();
        var v = Vectors.First(v => !v.Unicast);
        var router = new VirtualRouter(
            new VirtualRouterConfiguration
            {
                Name = "VI",
                InterfaceName = "eth0",
                VirtualRouterId = 77,
                Priority = 200,
                Version = VrrpVersion.V2,
                AuthenticationType = AuthenticationType.IPAuthenticationHeader,
                AuthenticationPassword = "secret12",
                VirtualAddresses = [VirtualAddress.Parse("10.50.0.100/24")],
            },
            v.Source);
        byte[] packet = new byte[router.AdvertisementLength];
        router.WriteAdvertisement(packet, 200, IPAddressValue.Parse("224.0.0.18"), 42, 9);
        AuthenticationHeader.FillHeaderChecksum(packet);
        var ethernet = new EthernetPacket(PhysicalAddress.Parse("00-00-5E-00-01-4D"), PhysicalAddress.Parse("01-00-5E-00-00-12"), EthernetType.IPv4)
        {
            PayloadData = packet,
        };
        string path = Path.Combine(Path.GetTempPath(), $"vrrp-ah-{Guid.NewGuid():N}.pcap");
        try
        {
            TsharkOracleTests.WritePcap(path, [ethernet.Bytes]);
            string text = TsharkOracleTests.Run(tshark, ["-o", "ip.check_checksum:TRUE", "-r", path, "-V"]);
            TestContext.Current.TestOutputHelper?.WriteLine(text);
            Assert.Contains("[Protocols in frame: eth:ethertype:ip:ah:vrrp]", text, StringComparison.Ordinal);
            Assert.Contains("Header checksum status: Good", text, StringComparison.Ordinal);
            Assert.Contains("AH SPI: 0x0a32000b", text, StringComparison.Ordinal);
            Assert.Contains("AH Sequence: 42", text, StringComparison.Ordinal);
            Assert.Contains("Virtual Rtr ID: 77", text, StringComparison.Ordinal);
            Assert.Contains("Auth Type: IP Authentication Header", text, StringComparison.Ordinal);
            Assert.Contains("[Checksum Status: Good]", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Exception SkipMissing()
    {
        Assert.Skip("tshark is not installed (CI installs it: apt-get install tshark)");
        return new InvalidOperationException("unreachable");
    }

    [Fact]
    public void Malformed_AH_packets_are_dropped_with_a_reason()
    {
        var v = Vectors.First(v => !v.Unicast);
        DropReason Parse(byte[] packet)
        {
            Assert.False(AuthenticationHeader.TryParseIPv4Packet(packet, true, out _, out var reason));
            return reason;
        }

        byte[] protocol112 = (byte[])v.Packet.Clone();
        protocol112[9] = 112;
        Assert.Equal(DropReason.BadIPHeader, Parse(protocol112));

        byte[] otherNext = (byte[])v.Packet.Clone();
        otherNext[20] = 6; // an AH for TCP: not ours (keepalived ignores it)
        Assert.Equal(DropReason.BadIPHeader, Parse(otherNext));

        byte[] otherLength = (byte[])v.Packet.Clone();
        otherLength[21] = 5;
        Assert.Equal(DropReason.BadIPHeader, Parse(otherLength));

        byte[] shortAh = v.Packet[..40];
        BinaryPrimitives.WriteUInt16BigEndian(shortAh.AsSpan(2), 40);
        Assert.Equal(DropReason.Truncated, Parse(shortAh));

        Assert.Equal(DropReason.Truncated, Parse(v.Packet[..(v.Packet.Length - 1)]));

        byte[] ttl = (byte[])v.Packet.Clone();
        ttl[8] = 254;
        Assert.Equal(DropReason.TtlNot255, Parse(ttl));

        // Every truncation and every single-byte value at every offset: a result, never an exception.
        for (int n = 0; n < v.Packet.Length; n++)
        {
            _ = AuthenticationHeader.TryParseIPv4Packet(v.Packet.AsSpan(0, n), true, out _, out _);
            for (int value = 0; value < 256; value += 51)
            {
                byte[] changed = (byte[])v.Packet.Clone();
                changed[n] = (byte)value;
                if (AuthenticationHeader.TryParseIPv4Packet(changed, false, out var a, out _))
                {
                    _ = VrrpPacket.CheckAuthentication(a, AuthenticationType.IPAuthenticationHeader, Key(v.Key));
                }
            }
        }
    }
}
