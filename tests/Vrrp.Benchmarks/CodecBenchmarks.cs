using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Vrrp;
using Vrrp.Packets;

namespace Vrrp.Benchmarks;

/// <summary>
/// The per-packet codec path: parse (with checksum verification) and write, for the three wire shapes.
/// Run: dotnet run -c Release --project tests/Vrrp.Benchmarks -- --filter '*Codec*' --job short
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private static readonly IPAddressValue V4Source = IPAddressValue.Parse("10.50.0.11");
    private static readonly IPAddressValue V4Group = IPAddressValue.Parse("224.0.0.18");
    private static readonly IPAddressValue V6Source = IPAddressValue.Parse("fe80::d011:b4ff:fe03:6e91");
    private static readonly IPAddressValue V6Group = IPAddressValue.Parse("ff02::12");

    private readonly byte[] _buffer = new byte[VrrpPacket.MaxMessageLength];
    private readonly byte[] _password = new byte[8];
    private IPAddressValue[] _v4Addresses = [];
    private IPAddressValue[] _v6Addresses = [];
    private byte[] _v2Packet = [];
    private byte[] _v3Packet = [];
    private byte[] _v3MessageOnlyPacket = [];
    private byte[] _v6Message = [];

    /// <summary>Addresses per advertisement (keepalived setups typically carry 1 to a few).</summary>
    [Params(1, 16)]
    public int Addresses { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _v4Addresses = Enumerable.Range(0, Addresses).Select(i => IPAddressValue.Parse($"172.16.1.{i + 1}")).ToArray();
        _v6Addresses = Enumerable.Range(0, Addresses).Select(i => IPAddressValue.Parse(i == 0 ? "fe80::1" : $"fd00:50::{i:x}")).ToArray();
        VrrpPacket.EncodePassword("1111", _password);
        _v2Packet = IPv4(WriteMessage(new AdvertisementFields(VrrpVersion.V2, 9, 200, 1, AuthenticationType.SimplePassword), _v4Addresses, _password, V4Source, V4Group, Ipv4ChecksumMode.PseudoHeader));
        _v3Packet = IPv4(WriteMessage(new AdvertisementFields(VrrpVersion.V3, 51, 200, 100), _v4Addresses, [], V4Source, V4Group, Ipv4ChecksumMode.PseudoHeader));
        _v3MessageOnlyPacket = IPv4(WriteMessage(new AdvertisementFields(VrrpVersion.V3, 51, 200, 100), _v4Addresses, [], V4Source, V4Group, Ipv4ChecksumMode.MessageOnly));
        _v6Message = WriteMessage(new AdvertisementFields(VrrpVersion.V3, 61, 200, 100), _v6Addresses, [], V6Source, V6Group, Ipv4ChecksumMode.PseudoHeader);
        if (!VrrpPacket.TryParseIPv4Packet(_v2Packet, null, out _, out _) || !VrrpPacket.TryParseIPv4Packet(_v3Packet, null, out _, out _) ||
            !VrrpPacket.TryParseIPv4Packet(_v3MessageOnlyPacket, null, out _, out _) ||
            !VrrpPacket.TryParseMessage(_v6Message, VrrpAddressFamily.IPv6, V6Source, V6Group, 255, null, out _, out _))
        {
            throw new InvalidOperationException("The benchmark packets do not parse.");
        }
    }

    [Benchmark]
    public int ParseV2IPv4Packet()
    {
        VrrpPacket.TryParseIPv4Packet(_v2Packet, VrrpVersion.V2, out var a, out _);
        return a.Priority + (int)VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, _password);
    }

    [Benchmark]
    public int ParseV3IPv4Packet()
    {
        VrrpPacket.TryParseIPv4Packet(_v3Packet, VrrpVersion.V3, out var a, out _);
        return a.Priority;
    }

    /// <summary>The message-only form is found after the pseudo-header form fails: the slowest v3/IPv4 receive.</summary>
    [Benchmark]
    public int ParseV3IPv4PacketMessageOnly()
    {
        VrrpPacket.TryParseIPv4Packet(_v3MessageOnlyPacket, VrrpVersion.V3, out var a, out _);
        return a.Priority;
    }

    [Benchmark]
    public int ParseV3IPv6Message()
    {
        VrrpPacket.TryParseMessage(_v6Message, VrrpAddressFamily.IPv6, V6Source, V6Group, 255, VrrpVersion.V3, out var a, out _);
        return a.Priority;
    }

    [Benchmark]
    public int WriteV2() =>
        VrrpPacket.Write(_buffer, new AdvertisementFields(VrrpVersion.V2, 9, 200, 1, AuthenticationType.SimplePassword), _v4Addresses, _password, V4Source, V4Group);

    [Benchmark]
    public int WriteV3IPv4() =>
        VrrpPacket.Write(_buffer, new AdvertisementFields(VrrpVersion.V3, 51, 200, 100), _v4Addresses, default, V4Source, V4Group);

    [Benchmark]
    public int WriteV3IPv6() =>
        VrrpPacket.Write(_buffer, new AdvertisementFields(VrrpVersion.V3, 61, 200, 100), _v6Addresses, default, V6Source, V6Group);

    private static byte[] WriteMessage(AdvertisementFields fields, IPAddressValue[] addresses, byte[] password, IPAddressValue source, IPAddressValue destination, Ipv4ChecksumMode mode)
    {
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        int n = VrrpPacket.Write(buffer, fields, addresses, password, source, destination, mode);
        return buffer[..n];
    }

    private static byte[] IPv4(byte[] message)
    {
        byte[] packet = new byte[20 + message.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 255;
        packet[9] = VrrpPacket.IPProtocol;
        V4Source.WriteTo(packet.AsSpan(12));
        V4Group.WriteTo(packet.AsSpan(16));
        message.CopyTo(packet, 20);
        return packet;
    }
}
