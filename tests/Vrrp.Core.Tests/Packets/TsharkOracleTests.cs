using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using PacketDotNet;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>
/// An independent decoder as oracle: advertisements we write, wrapped in IP and Ethernet by PacketDotNet, written to a
/// classic pcap file and decoded by Wireshark's tshark, must be VRRP with a good checksum and the fields we set.
/// </summary>
[Trait("Rfc", "9568-7.2-a")]
public class TsharkOracleTests
{
    private static readonly IPAddressValue V4Source = IPAddressValue.Parse("10.50.0.11");
    private static readonly IPAddressValue V4Group = IPAddressValue.Parse("224.0.0.18");
    private static readonly IPAddressValue V6Source = IPAddressValue.Parse("fe80::d011:b4ff:fe03:6e91");
    private static readonly IPAddressValue V6Group = IPAddressValue.Parse("ff02::12");

    private sealed record Sent(string Name, byte[] Frame, AdvertisementFields Fields, IPAddressValue[] Addresses, string? Password);

    [Trait("Rfc", "3768-5.3.8-a")]
    [Trait("Rfc", "9568-5.2.8-b")]
    [Fact]
    public void Tshark_decodes_our_v2_v3_IPv4_and_v3_IPv6_advertisements_with_good_checksums()
    {
        string tshark = FindTshark() ?? throw SkipMissing();
        Sent[] sent =
        [
            V2("v2-password", new(VrrpVersion.V2, 9, 200, 1, AuthenticationType.SimplePassword), ["172.16.1.25", "172.16.1.26"], "secret12345"),
            V2("v2-no-auth", new(VrrpVersion.V2, 10, 0, 3), ["192.0.2.1"], null),
            V3IPv4("v3-ipv4-pseudo", new(VrrpVersion.V3, 51, 254, 1), ["10.50.0.100", "10.50.0.101", "10.50.0.102"], Ipv4ChecksumMode.PseudoHeader),
            V3IPv6("v3-ipv6", new(VrrpVersion.V3, 61, 100, 4095), ["fe80::1", "fd00:50::100", "2001:db8::1"]),
        ];

        var frames = Decode(tshark, sent, preferences: []);
        Assert.Equal(sent.Length, frames.Count);
        for (int i = 0; i < sent.Length; i++)
        {
            AssertDecoded(sent[i], frames[i]);
        }
    }

    [Trait("Rfc", "9568-5.2.8-a")]
    [Fact]
    public void Tshark_accepts_the_message_only_v3_IPv4_checksum_when_told_to()
    {
        string tshark = FindTshark() ?? throw SkipMissing();
        Sent[] sent = [V3IPv4("v3-ipv4-message-only", new(VrrpVersion.V3, 52, 100, 100), ["10.50.0.200"], Ipv4ChecksumMode.MessageOnly)];

        // Wireshark's default (pseudo-header) reads the RFC 9568 form as bad; its "as in v2" preference reads it as good.
        var byDefault = Decode(tshark, sent, preferences: []);
        Assert.Contains("Checksum Status: Bad", byDefault[0].Text, StringComparison.Ordinal);
        var asInV2 = Decode(tshark, sent, preferences: ["-o", "vrrp.v3_checksum_as_in_v2:TRUE"]);
        AssertDecoded(sent[0], asInV2[0]);
    }

    private static Exception SkipMissing()
    {
        Assert.Skip("tshark is not installed (CI installs it: apt-get install tshark)");
        return new InvalidOperationException("unreachable");
    }

    private static void AssertDecoded(Sent sent, DecodedFrame frame)
    {
        int vrrp = frame.Text.IndexOf("Virtual Router Redundancy Protocol", StringComparison.Ordinal);
        Assert.True(vrrp >= 0, $"{sent.Name} is not decoded as VRRP:\n{frame.Text}");
        string text = frame.Text[vrrp..];
        Assert.Contains("[Checksum Status: Good]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Malformed", text, StringComparison.Ordinal);
        var f = frame.Fields;
        Assert.Equal(((int)sent.Fields.Version).ToString(), f["vrrp.version"]);
        Assert.Equal("1", f["vrrp.type"]);
        Assert.Equal(sent.Fields.VirtualRouterId.ToString(), f["vrrp.virt_rtr_id"]);
        Assert.Equal(sent.Fields.Priority.ToString(), f["vrrp.prio"]);
        Assert.Equal(sent.Addresses.Length.ToString(), f["vrrp.addr_count"]);
        string expectedAddresses = string.Join(",", sent.Addresses.Select(a => a.ToString()));
        if (sent.Addresses[0].Family == VrrpAddressFamily.IPv4)
        {
            Assert.Equal(expectedAddresses, f["vrrp.ip_addr"]);
            Assert.Equal("255", f["ip.ttl"]);
        }
        else
        {
            Assert.Equal(expectedAddresses, f["vrrp.ipv6_addr"]);
            Assert.Equal("255", f["ipv6.hlim"]);
        }

        if (sent.Fields.Version == VrrpVersion.V2)
        {
            Assert.Equal(sent.Fields.Interval.ToString(), f["vrrp.adver_int"]);
            Assert.Equal(((int)sent.Fields.AuthenticationType).ToString(), f["vrrp.auth_type"]);
            if (sent.Password is not null)
            {
                Assert.Equal(sent.Password[..Math.Min(8, sent.Password.Length)], f["vrrp.auth_string"]);
            }
        }
        else
        {
            Assert.Equal(sent.Fields.Interval.ToString(), f["vrrp.short_adver_int"]);
        }
    }

    private static Sent V2(string name, AdvertisementFields fields, string[] addresses, string? password)
    {
        var list = addresses.Select(IPAddressValue.Parse).ToArray();
        byte[] pw = new byte[8];
        if (password is not null)
        {
            VrrpPacket.EncodePassword(password, pw);
        }

        byte[] message = Write(fields, list, password is null ? [] : pw, V4Source, V4Group, Ipv4ChecksumMode.PseudoHeader);
        return new Sent(name, IPv4Frame(fields.VirtualRouterId, message), fields, list, password);
    }

    private static Sent V3IPv4(string name, AdvertisementFields fields, string[] addresses, Ipv4ChecksumMode mode)
    {
        var list = addresses.Select(IPAddressValue.Parse).ToArray();
        byte[] message = Write(fields, list, [], V4Source, V4Group, mode);
        return new Sent(name, IPv4Frame(fields.VirtualRouterId, message), fields, list, null);
    }

    private static Sent V3IPv6(string name, AdvertisementFields fields, string[] addresses)
    {
        var list = addresses.Select(IPAddressValue.Parse).ToArray();
        byte[] message = Write(fields, list, [], V6Source, V6Group, Ipv4ChecksumMode.PseudoHeader);
        var ip = new IPv6Packet(V6Source.ToIPAddress(), V6Group.ToIPAddress())
        {
            NextHeader = (PacketDotNet.ProtocolType)VrrpPacket.IPProtocol,
            HopLimit = 255,
            PayloadData = message,
        };

        // PacketDotNet leaves the IPv6 payload length at 0 for a raw payload: set it.
        ip.PayloadLength = (ushort)message.Length;
        var ethernet = new EthernetPacket(PhysicalAddress.Parse("00-00-5E-00-02-" + fields.VirtualRouterId.ToString("X2")), PhysicalAddress.Parse("33-33-00-00-00-12"), EthernetType.IPv6)
        {
            PayloadPacket = ip,
        };
        byte[] frame = ethernet.Bytes;

        // Our own reader agrees with what PacketDotNet built (payload length, hop limit, addresses).
        ReadOnlySpan<byte> header = frame.AsSpan(14, 40);
        Assert.Equal(message.Length, BinaryPrimitives.ReadUInt16BigEndian(header[4..]));
        Assert.True(VrrpPacket.TryParseMessage(frame.AsSpan(54), VrrpAddressFamily.IPv6, IPAddressValue.FromIPv6(header[8..]), IPAddressValue.FromIPv6(header[24..]), header[7], VrrpVersion.V3, out _, out var reason), reason.ToString());
        return new Sent(name, frame, fields, list, null);
    }

    private static byte[] IPv4Frame(byte vrid, byte[] message)
    {
        var ip = new IPv4Packet(V4Source.ToIPAddress(), V4Group.ToIPAddress())
        {
            Protocol = (PacketDotNet.ProtocolType)VrrpPacket.IPProtocol,
            TimeToLive = 255,
            PayloadData = message,
        };
        ip.UpdateCalculatedValues();
        ip.UpdateIPChecksum();
        var ethernet = new EthernetPacket(PhysicalAddress.Parse("00-00-5E-00-01-" + vrid.ToString("X2")), PhysicalAddress.Parse("01-00-5E-00-00-12"), EthernetType.IPv4)
        {
            PayloadPacket = ip,
        };
        byte[] frame = ethernet.Bytes;
        Assert.True(ip.ValidIPChecksum);

        // Our own reader agrees with what PacketDotNet built.
        Assert.True(VrrpPacket.TryParseIPv4Packet(frame.AsSpan(14), null, out _, out var reason), reason.ToString());
        return frame;
    }

    private static byte[] Write(AdvertisementFields fields, IPAddressValue[] addresses, byte[] password, IPAddressValue source, IPAddressValue destination, Ipv4ChecksumMode mode)
    {
        byte[] buffer = new byte[VrrpPacket.MaxMessageLength];
        int n = VrrpPacket.Write(buffer, fields, addresses, password, source, destination, mode);
        return buffer[..n];
    }

    private sealed record DecodedFrame(string Text, Dictionary<string, string> Fields);

    private static readonly string[] FieldNames =
    [
        "vrrp.version", "vrrp.type", "vrrp.virt_rtr_id", "vrrp.prio", "vrrp.addr_count", "vrrp.auth_type", "vrrp.adver_int",
        "vrrp.short_adver_int", "vrrp.checksum", "vrrp.ip_addr", "vrrp.ipv6_addr", "vrrp.auth_string", "ip.ttl", "ipv6.hlim",
    ];

    private static List<DecodedFrame> Decode(string tshark, Sent[] sent, string[] preferences)
    {
        string path = Path.Combine(Path.GetTempPath(), $"vrrp-oracle-{Guid.NewGuid():N}.pcap");
        try
        {
            WritePcap(path, sent.Select(s => s.Frame));

            // -V: the full tree, one frame after another (each starts with "Frame N:").
            string verbose = Run(tshark, [.. preferences, "-r", path, "-V"]);
            var texts = verbose.Split("\nFrame ", StringSplitOptions.None).Select(t => t.Trim()).Where(t => t.Length > 0).ToList();

            // -T fields: one line per frame, tab separated, repeated fields joined with commas.
            var args = new List<string>(preferences) { "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=," };
            foreach (string field in FieldNames)
            {
                args.Add("-e");
                args.Add(field);
            }

            string[] lines = Run(tshark, args).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(sent.Length, lines.Length);
            Assert.Equal(sent.Length, texts.Count);
            var frames = new List<DecodedFrame>();
            for (int i = 0; i < lines.Length; i++)
            {
                string[] values = lines[i].TrimEnd('\r').Split('\t');
                var fields = new Dictionary<string, string>();
                for (int k = 0; k < FieldNames.Length; k++)
                {
                    fields[FieldNames[k]] = k < values.Length ? values[k] : string.Empty;
                }

                frames.Add(new DecodedFrame(texts[i], fields));
                TestContext.Current.TestOutputHelper?.WriteLine($"{sent[i].Name}: {lines[i]}");
            }

            return frames;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Classic libpcap format: 24-byte global header, then a 16-byte record header per frame; link type 1 (Ethernet).</summary>
    internal static void WritePcap(string path, IEnumerable<byte[]> frames)
    {
        using var stream = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4); // magic, microsecond timestamps
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2); // version 2.4
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535); // snaplen
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1); // LINKTYPE_ETHERNET
        stream.Write(header);

        uint seconds = 1_700_000_000;
        Span<byte> record = stackalloc byte[16];
        foreach (byte[] frame in frames)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record, seconds++);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
            stream.Write(record);
            stream.Write(frame);
        }
    }

    internal static string Run(string tshark, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(tshark)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("tshark did not start");
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            Assert.Fail("tshark did not finish within 20 s");
        }

        Assert.True(process.ExitCode == 0, $"tshark exited with {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    internal static string? FindTshark()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, "tshark");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
