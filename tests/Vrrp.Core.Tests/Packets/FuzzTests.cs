using System.Buffers.Binary;
using System.Diagnostics;
using Vrrp.Packets;

namespace Vrrp.Tests.Packets;

/// <summary>
/// Random and mutated input never makes the codec throw, and every rejection carries a reason. The seed is printed;
/// set VRRP_FUZZ_SEED to reproduce a run.
/// </summary>
public class FuzzTests
{
    private const int Iterations = 100_000;

    [Trait("Rfc", "9568-5.2.8-c")]
    [Fact]
    public void Random_and_mutated_input_never_throws_and_every_drop_has_a_reason()
    {
        int seed = Environment.GetEnvironmentVariable("VRRP_FUZZ_SEED") is { } text && int.TryParse(text, out int s) ? s : Random.Shared.Next();
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"VRRP_FUZZ_SEED={seed}");
        var random = new Random(seed);
        var corpus = BuildCorpus(random);
        var histogram = new Dictionary<DropReason, int>();
        var stopwatch = Stopwatch.StartNew();
        byte[] scratch = new byte[VrrpPacket.MaxMessageLength + 64];
        int parses = 0;

        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var (input, family, wholeIPv4) = NextInput(random, corpus);
            var source = RandomAddress(random, family, usually: PacketBuilder.Source(family));
            var destination = RandomAddress(random, family, usually: PacketBuilder.Group(family));
            int hopLimit = random.Next(8) == 0 ? random.Next(-1, 300) : 255;
            VrrpVersion? expected = random.Next(4) switch { 0 => VrrpVersion.V2, 1 => VrrpVersion.V3, _ => null };
            string context = $"seed {seed} (VRRP_FUZZ_SEED={seed}), iteration {iteration}, input {Convert.ToHexString(input)}, family {family}, hop {hopLimit}, expected {expected}";
            try
            {
                bool ok;
                DropReason reason;
                if (wholeIPv4)
                {
                    ok = VrrpPacket.TryParseIPv4Packet(input, expected, out var a, out reason);
                    if (ok)
                    {
                        CheckAccepted(a, context, scratch);
                    }
                }
                else
                {
                    ok = VrrpPacket.TryParseMessage(input, family, source, destination, hopLimit, expected, out var a, out reason);
                    if (ok)
                    {
                        CheckAccepted(a, context, scratch);
                    }
                }

                parses++;
                Assert.True(ok == (reason == DropReason.None), $"result {ok} with reason {reason}: {context}");
                histogram[reason] = histogram.GetValueOrDefault(reason) + 1;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{e.GetType().Name}: {e.Message}\n{context}\n{e}");
            }
        }

        stopwatch.Stop();
        output?.WriteLine($"{parses} inputs in {stopwatch.ElapsedMilliseconds} ms (seed {seed})");
        foreach (var (reason, count) in histogram.OrderBy(p => p.Key))
        {
            output?.WriteLine($"  {reason}: {count}");
        }

        Assert.Equal(Iterations, parses);

        // The generator must reach every parse-time check, not just the first ones.
        DropReason[] reached =
        [
            DropReason.None, DropReason.Truncated, DropReason.BadIPHeader, DropReason.TtlNot255, DropReason.VersionMismatch,
            DropReason.UnknownType, DropReason.ZeroAddressCount, DropReason.LengthMismatch, DropReason.BadChecksum, DropReason.ZeroInterval,
        ];
        foreach (var reason in reached)
        {
            Assert.True(histogram.GetValueOrDefault(reason) > 0, $"no input reached {reason} (seed {seed})");
        }
    }

    private static void CheckAccepted(in Advertisement a, string context, byte[] scratch)
    {
        int size = a.Family == VrrpAddressFamily.IPv4 ? 4 : 16;
        Assert.True(a.AddressCount > 0, context);
        Assert.Equal(a.AddressCount * size, a.AddressBytes.Length);
        Assert.NotEqual(ChecksumForm.None, a.ChecksumForm);
        Assert.True(a.HopLimit is 255 or -1, context);
        if (a.Version == VrrpVersion.V3)
        {
            Assert.InRange(a.Interval, 1, 4095);
            Assert.True(a.AuthenticationData.IsEmpty, context);
        }
        else
        {
            // VRRPv2 over IPv6 (keepalived 2.2.7's layout) carries no authentication data.
            Assert.Equal(a.Family == VrrpAddressFamily.IPv4 ? 8 : 0, a.AuthenticationData.Length);
        }

        // The follow-up checks never throw either.
        VrrpPacket.CheckAuthentication(a, AuthenticationType.SimplePassword, "secret"u8);
        VrrpPacket.CheckFirstAddressLinkLocal(a);
        Span<IPAddressValue> addresses = stackalloc IPAddressValue[a.AddressCount];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = a.GetAddress(i);
        }

        // Writing back what was accepted works whenever the fields are sendable.
        bool sendable = a.Version == VrrpVersion.V3 || (a.Interval > 0 && a.AuthenticationType is AuthenticationType.None or AuthenticationType.SimplePassword);
        if (sendable && a.VirtualRouterId > 0)
        {
            var mode = a.ChecksumForm == ChecksumForm.IPv4MessageOnly ? Ipv4ChecksumMode.MessageOnly : Ipv4ChecksumMode.PseudoHeader;
            ReadOnlySpan<byte> password = a.AuthenticationType == AuthenticationType.SimplePassword ? a.AuthenticationData : default;
            int n = VrrpPacket.Write(scratch, new AdvertisementFields(a.Version, a.VirtualRouterId, a.Priority, a.Interval, a.AuthenticationType), addresses, password, a.Source, a.Destination, mode);
            Assert.Equal(VrrpPacket.GetLength(a.Version, a.Family, a.AddressCount), n);
        }
    }

    private static List<(byte[] Bytes, VrrpAddressFamily Family, bool WholeIPv4)> BuildCorpus(Random random)
    {
        var corpus = new List<(byte[], VrrpAddressFamily, bool)>();
        foreach (var v in VrrpVectors.All)
        {
            corpus.Add((v.Message, v.Family, false));
            if (v.Family == VrrpAddressFamily.IPv4)
            {
                corpus.Add((v.IPPacket ?? PacketBuilder.IPv4(v.Message, source: v.Source, destination: v.Destination), v.Family, true));
            }
        }

        foreach (var (version, family) in new[] { (VrrpVersion.V2, VrrpAddressFamily.IPv4), (VrrpVersion.V2, VrrpAddressFamily.IPv6), (VrrpVersion.V3, VrrpAddressFamily.IPv4), (VrrpVersion.V3, VrrpAddressFamily.IPv6) })
        {
            for (int i = 0; i < 4; i++)
            {
                byte[] message = PacketBuilder.Message(version, family, count: random.Next(1, 20), password: version == VrrpVersion.V2 && i % 2 == 0 ? "pw"u8.ToArray() : null);
                corpus.Add((message, family, false));
                if (family == VrrpAddressFamily.IPv4)
                {
                    corpus.Add((PacketBuilder.IPv4(message, optionWords: i), family, true));
                }
            }
        }

        return corpus;
    }

    private static IPAddressValue RandomAddress(Random random, VrrpAddressFamily family, IPAddressValue usually)
    {
        if (random.Next(4) != 0)
        {
            return usually;
        }

        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return IPAddressValue.Read(family, bytes);
    }

    private static (byte[] Input, VrrpAddressFamily Family, bool WholeIPv4) NextInput(Random random, List<(byte[] Bytes, VrrpAddressFamily Family, bool WholeIPv4)> corpus)
    {
        switch (random.Next(5))
        {
            case 0:
            {
                // Pure noise, to either entry point.
                byte[] noise = new byte[random.Next(8) == 0 ? random.Next(0, 600) : random.Next(0, 64)];
                random.NextBytes(noise);
                return (noise, random.Next(2) == 0 ? VrrpAddressFamily.IPv4 : VrrpAddressFamily.IPv6, random.Next(2) == 0);
            }

            case 1:
            {
                // A plausible header with a random body: version 2/3, type 1, TTL 255, consistent lengths.
                int count = random.Next(0, 6);
                bool v2 = random.Next(2) == 0;
                var family = !v2 && random.Next(2) == 0 ? VrrpAddressFamily.IPv6 : VrrpAddressFamily.IPv4;
                int length = VrrpPacket.GetLength(v2 ? VrrpVersion.V2 : VrrpVersion.V3, family, count) + (random.Next(4) == 0 ? random.Next(-8, 8) : 0);
                byte[] message = new byte[Math.Max(0, length)];
                random.NextBytes(message);
                if (message.Length >= 4)
                {
                    message[0] = v2 ? (byte)0x21 : (byte)0x31;
                    message[3] = (byte)count;
                }

                if (random.Next(2) == 0 && message.Length >= 8)
                {
                    PacketBuilder.FixChecksum(message, family);
                }

                return family == VrrpAddressFamily.IPv4 && random.Next(2) == 0 ? (PacketBuilder.IPv4(message), family, true) : (message, family, false);
            }

            default:
            {
                var (bytes, family, whole) = corpus[random.Next(corpus.Count)];
                byte[] mutated = Mutate(random, bytes);
                int offset = whole ? (mutated.Length > 0 ? (mutated[0] & 0x0F) * 4 : 0) : 0;
                if (random.Next(2) == 0 && offset + 8 <= mutated.Length)
                {
                    // Re-checksum so the mutation reaches the checks after step 5.
                    if (whole && mutated.Length >= 20)
                    {
                        var src = IPAddressValue.FromIPv4(mutated.AsSpan(12));
                        var dst = IPAddressValue.FromIPv4(mutated.AsSpan(16));
                        PacketBuilder.FixChecksum(mutated.AsSpan(offset), family, src, dst);
                    }
                    else if (!whole)
                    {
                        PacketBuilder.FixChecksum(mutated, family);
                    }
                }

                return (mutated, family, whole);
            }
        }
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    bytes[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                case 5:
                    bytes = bytes.Take(random.Next(bytes.Count + 1)).ToList();
                    break;
                case 6:
                    bytes.AddRange(Enumerable.Range(0, random.Next(1, 20)).Select(_ => (byte)random.Next(256)));
                    break;
                case 7:
                {
                    // A VRRP field (in a message, or after a 20-byte IPv4 header) set to an edge value.
                    int baseOffset = bytes.Count > 0 && bytes[0] >> 4 == 4 ? 20 : 0;
                    int field = baseOffset + random.Next(8);
                    if (field < bytes.Count)
                    {
                        bytes[field] = Interesting[random.Next(Interesting.Length)];
                    }

                    if (field is 4 or 24 && field + 1 < bytes.Count && random.Next(2) == 0)
                    {
                        bytes[field] &= 0xF0;
                        bytes[field + 1] = 0; // a v3 interval of 0
                    }

                    break;
                }

                default:
                {
                    // An IPv4 header field set to an edge value (TTL, protocol, total length, version/IHL).
                    int field = new[] { 0, 2, 3, 8, 9 }[random.Next(5)];
                    if (field < bytes.Count)
                    {
                        bytes[field] = Interesting[random.Next(Interesting.Length)];
                    }

                    break;
                }
            }
        }

        return [.. bytes];
    }

    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0F, 0x10, 0x11, 0x20, 0x21, 0x22, 0x30, 0x31, 0x32, 0x45, 0x46, 0x4F, 0x70, 0x7F, 0x80, 0xFE, 0xFF];
}
