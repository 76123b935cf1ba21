using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>One recorded VRRP packet or message from the vector files in Vectors/ (copied from the shared vectors).</summary>
public sealed record VrrpVector(
    string Name,
    VrrpAddressFamily Family,
    byte[] Message,
    byte[]? IPPacket,
    IPAddressValue Source,
    IPAddressValue Destination,
    int HopLimit,
    VrrpVersion Version,
    byte VirtualRouterId,
    byte Priority,
    ushort Interval,
    AuthenticationType AuthenticationType,
    byte[] AuthenticationData,
    ushort Checksum,
    ChecksumForm ChecksumForm,
    IPAddressValue[] Addresses,
    byte[]? EthernetFrame = null)
{
    public override string ToString() => Name;

    /// <summary>The v2 simple password given to <see cref="VrrpPacket.Write"/> (empty unless type 1).</summary>
    public byte[] Password => AuthenticationType == AuthenticationType.SimplePassword ? AuthenticationData : [];

    public Ipv4ChecksumMode Ipv4ChecksumMode => ChecksumForm == ChecksumForm.IPv4MessageOnly ? Ipv4ChecksumMode.MessageOnly : Ipv4ChecksumMode.PseudoHeader;

    public AdvertisementFields Fields => new(Version, VirtualRouterId, Priority, Interval, AuthenticationType);

    /// <summary>Parses the vector the way the transport delivers it: the whole IPv4 packet, or the IPv6 payload plus metadata.</summary>
    public bool TryParse(out Advertisement advertisement, out DropReason reason) =>
        IPPacket is not null && Family == VrrpAddressFamily.IPv4
            ? VrrpPacket.TryParseIPv4Packet(IPPacket, null, out advertisement, out reason)
            : VrrpPacket.TryParseMessage(Message, Family, Source, Destination, HopLimit, null, out advertisement, out reason);
}

/// <summary>Reads the vector files at test time (System.Text.Json), from the test output folder.</summary>
public static class VrrpVectors
{
    private static readonly IPAddressValue DefaultV2Source = IPAddressValue.Parse("192.0.2.251");
    private static readonly IPAddressValue Ipv4Group = IPAddressValue.Parse("224.0.0.18");

    public static string VectorPath(string file) => Path.Combine(AppContext.BaseDirectory, "Vectors", file);

    public static IReadOnlyList<VrrpVector> Keepalived { get; } = LoadKeepalived();

    public static IReadOnlyList<VrrpVector> Reference { get; } = LoadReference();

    public static IReadOnlyList<VrrpVector> All { get; } = [.. Keepalived, .. Reference];

    public static TheoryData<string> KeepalivedNames => [.. Keepalived.Select(v => v.Name)];

    public static TheoryData<string> ReferenceNames => [.. Reference.Select(v => v.Name)];

    public static TheoryData<string> AllNames => [.. All.Select(v => v.Name)];

    public static VrrpVector Get(string name) => All.Single(v => v.Name == name);

    private static List<VrrpVector> LoadKeepalived()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(VectorPath("keepalived-2.2.7.json")));
        var list = new List<VrrpVector>();
        int index = 0;
        foreach (var p in document.RootElement.GetProperty("packets").EnumerateArray())
        {
            byte[] ip = Convert.FromHexString(p.GetProperty("ip_packet_hex").GetString()!);
            var family = p.GetProperty("family").GetString() == "ipv6" ? VrrpAddressFamily.IPv6 : VrrpAddressFamily.IPv4;
            byte[] message;
            IPAddressValue source, destination;
            int hopLimit;
            if (family == VrrpAddressFamily.IPv4)
            {
                // The whole packet goes to TryParseIPv4Packet; the message is kept for the byte comparison.
                int ihl = (ip[0] & 0x0F) * 4;
                message = ip[ihl..BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(2))];
                source = IPAddressValue.FromIPv4(ip.AsSpan(12));
                destination = IPAddressValue.FromIPv4(ip.AsSpan(16));
                hopLimit = ip[8];
            }
            else
            {
                // IPv6: strip the fixed 40-byte header (no extension headers in these captures) and keep its metadata,
                // as an IPv6 raw socket with ancillary data delivers it.
                Assert.Equal(VrrpPacket.IPProtocol, ip[6]);
                message = ip[40..(40 + BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(4)))];
                source = IPAddressValue.FromIPv6(ip.AsSpan(8));
                destination = IPAddressValue.FromIPv6(ip.AsSpan(24));
                hopLimit = ip[7];
            }

            // The header agrees with Wireshark's reading recorded next to it.
            Assert.Equal(IPAddressValue.Parse(p.GetProperty("src").GetString()!), source);
            Assert.Equal(IPAddressValue.Parse(p.GetProperty("dst").GetString()!), destination);
            Assert.Equal(p.GetProperty("ttl").GetInt32(), hopLimit);
            list.Add(Build(
                $"keepalived-{index++}-{p.GetProperty("origin").GetString()}-prio{p.GetProperty("priority").GetInt32()}",
                p,
                family,
                message,
                ip,
                source,
                destination,
                hopLimit));
        }

        return list;
    }

    private static List<VrrpVector> LoadReference()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(VectorPath("reference.json")));
        var list = new List<VrrpVector>();
        foreach (var m in document.RootElement.GetProperty("messages").EnumerateArray())
        {
            byte[] message = Convert.FromHexString(m.GetProperty("vrrp_hex").GetString()!);
            var addresses = m.GetProperty("addresses").EnumerateArray().Select(a => IPAddressValue.Parse(a.GetString()!)).ToArray();
            var family = addresses[0].Family;
            var source = m.TryGetProperty("ip_source", out var s) ? IPAddressValue.Parse(s.GetString()!) : DefaultV2Source;
            var destination = m.TryGetProperty("ip_destination", out var d) ? IPAddressValue.Parse(d.GetString()!) : Ipv4Group;
            var vector = Build(m.GetProperty("name").GetString()!, m, family, message, null, source, destination, 255);
            if (m.TryGetProperty("ethernet_frame_hex", out var frame))
            {
                vector = vector with { EthernetFrame = Convert.FromHexString(frame.GetString()!) };
            }

            list.Add(vector);
        }

        return list;
    }

    private static VrrpVector Build(string name, JsonElement e, VrrpAddressFamily family, byte[] message, byte[]? ip, IPAddressValue source, IPAddressValue destination, int hopLimit)
    {
        var version = (VrrpVersion)e.GetProperty("version").GetInt32();
        var authType = e.TryGetProperty("auth_type", out var at) && at.ValueKind == JsonValueKind.Number ? (AuthenticationType)at.GetInt32() : AuthenticationType.None;
        byte[] authData = version == VrrpVersion.V2 ? new byte[8] : [];
        if (e.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String)
        {
            Encoding.ASCII.GetBytes(auth.GetString()!).CopyTo(authData, 0);
        }

        string unit = e.GetProperty("advert_int_unit").GetString()!;
        Assert.Equal(version == VrrpVersion.V2 ? "seconds" : "centiseconds", unit);
        var form = e.GetProperty("checksum_form").GetString() switch
        {
            "v2" => ChecksumForm.V2Message,
            "ipv4-pseudo-header" => ChecksumForm.IPv4PseudoHeader,
            "message-only" => ChecksumForm.IPv4MessageOnly,
            "ipv6-pseudo-header" => ChecksumForm.IPv6PseudoHeader,
            var other => throw new InvalidDataException($"Unknown checksum form {other} in {name}."),
        };

        return new VrrpVector(
            name,
            family,
            message,
            ip,
            source,
            destination,
            hopLimit,
            version,
            (byte)e.GetProperty("vrid").GetInt32(),
            (byte)e.GetProperty("priority").GetInt32(),
            (ushort)e.GetProperty("advert_int").GetInt32(),
            authType,
            authData,
            Convert.ToUInt16(e.GetProperty("checksum").GetString()!, 16),
            form,
            e.GetProperty("addresses").EnumerateArray().Select(a => IPAddressValue.Parse(a.GetString()!)).ToArray());
    }
}
