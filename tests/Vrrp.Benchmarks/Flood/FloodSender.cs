using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Vrrp.Benchmarks.Flood.Interop;

namespace Vrrp.Benchmarks.Flood;

/// <summary>The kinds of packet the flood sends (each one a share of a pool of prebuilt frames).</summary>
internal enum TrafficClass
{
    /// <summary>Well-formed VRRPv3 adverts to 224.0.0.18 for VRIDs the targets do not run (right checksum, TTL 255).</summary>
    OtherVrid,

    /// <summary>Adverts for the targets' multicast VRID with a wrong checksum.</summary>
    BadChecksum,

    /// <summary>Adverts for the targets' multicast VRID with TTL 64 (right checksum).</summary>
    BadTtl,

    /// <summary>An IPv4 header (protocol 112, TTL 255) followed by 0 to 64 random bytes, to 224.0.0.18.</summary>
    RandomBytes,

    /// <summary>Well-formed adverts at priority 254 for the targets' unicast VRID, sent to a target from a stranger.</summary>
    StrangerUnicast,

    /// <summary>Well-formed adverts at priority 1 for the multicast VRID, listing its VIP, from a stranger (off unless asked for).</summary>
    LowerPriority,
}

/// <summary>
/// Floods the LAN from one interface at a paced rate: a pool of prebuilt Ethernet frames (sources are strangers,
/// 192.0.2.150-199) sent round-robin with sendmmsg(2) on an AF_PACKET socket, which skips the sender's own IP stack.
/// </summary>
internal static unsafe class FloodSender
{
    private const int PoolSize = 8192;
    private const int Batch = 64;
    private const int FrameCapacity = 128;

    public static int Run(string[] args)
    {
        var options = Arguments.Parse(args);
        string interfaceName = options.Get("interface", "eth0");
        int rate = options.GetInt("rate", 60_000);
        int seconds = options.GetInt("seconds", 60);
        int seed = options.GetInt("seed", Environment.TickCount);
        int multicastVrid = options.GetInt("vrid", 51);
        int unicastVrid = options.GetInt("unicast-vrid", 52);
        var targets = options.GetAll("target").Select(t =>
        {
            string[] parts = t.Split('@'); // IP@MAC
            return (Address: IPAddress.Parse(parts[0]).GetAddressBytes(), Mac: Convert.FromHexString(parts[1].Replace(":", "", StringComparison.Ordinal)));
        }).ToArray();
        double lowerShare = double.Parse(options.Get("lower-priority-share", "0"), CultureInfo.InvariantCulture);

        var shares = new (TrafficClass Class, double Share)[]
        {
            (TrafficClass.OtherVrid, 0.30), (TrafficClass.BadChecksum, 0.15), (TrafficClass.BadTtl, 0.15),
            (TrafficClass.RandomBytes, 0.20), (TrafficClass.StrangerUnicast, targets.Length > 0 ? 0.20 : 0),
            (TrafficClass.LowerPriority, lowerShare),
        };
        double total = shares.Sum(s => s.Share);
        var random = new Random(seed);
        byte[] sourceMac = File.ReadAllText($"/sys/class/net/{interfaceName}/address").Trim().Split(':').Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

        // The pool: one pinned block of frames, each with its class.
        byte* pool = (byte*)NativeMemory.AllocZeroed(PoolSize * FrameCapacity);
        var lengths = new int[PoolSize];
        var classes = new TrafficClass[PoolSize];
        for (int i = 0; i < PoolSize; i++)
        {
            double pick = random.NextDouble() * total;
            var cls = shares.First(s => s.Share > 0).Class;
            foreach (var (c, share) in shares)
            {
                if (pick < share)
                {
                    cls = c;
                    break;
                }

                pick -= share;
            }

            classes[i] = cls;
            var target = targets.Length > 0 ? targets[random.Next(targets.Length)] : default;
            lengths[i] = BuildFrame(new Span<byte>(pool + (i * FrameCapacity), FrameCapacity), cls, random, sourceMac, target.Address, target.Mac, multicastVrid, unicastVrid);
        }

        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW, 0); // protocol 0: this socket receives nothing
        if (fd < 0)
        {
            Console.Error.WriteLine($"flood: socket(AF_PACKET) failed: errno {Marshal.GetLastPInvokeError()} (needs root)");
            return 1;
        }

        var address = new Libc.SockAddrLinkLayer { Family = Libc.AF_PACKET, InterfaceIndex = (int)Libc.if_nametoindex(interfaceName) };
        if (address.InterfaceIndex == 0 || Libc.bind(fd, &address, (uint)sizeof(Libc.SockAddrLinkLayer)) != 0)
        {
            Console.Error.WriteLine($"flood: cannot bind to {interfaceName}: errno {Marshal.GetLastPInvokeError()}");
            return 1;
        }

        var vectors = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(Libc.IoVec)));
        var messages = (Libc.MultiMessageHeader*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(Libc.MultiMessageHeader)));
        var sentByClass = new long[Enum.GetValues<TrafficClass>().Length];
        long sent = 0, failed = 0, lastSent = 0;
        int next = 0;
        Console.WriteLine($"flood: {interfaceName}, {rate} packets/s for {seconds} s, seed {seed}, pool {PoolSize} frames: " +
                          string.Join(", ", shares.Where(s => s.Share > 0).Select(s => $"{s.Class} {classes.Count(c => c == s.Class) * 100.0 / PoolSize:F0}%")));
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var duration = TimeSpan.FromSeconds(seconds);
        while (clock.Elapsed < duration)
        {
            long due = (long)(clock.Elapsed.TotalSeconds * rate) - sent;
            if (due < Batch / 2)
            {
                Thread.Sleep(1);
            }
            else
            {
                int count = (int)Math.Min(due, Batch);
                for (int k = 0; k < count; k++)
                {
                    int frame = (next + k) % PoolSize;
                    vectors[k].Base = pool + (frame * FrameCapacity);
                    vectors[k].Length = (nuint)lengths[frame];
                    messages[k].Header.Vector = &vectors[k];
                    messages[k].Header.VectorLength = 1;
                }

                int done = Libc.sendmmsg(fd, messages, (uint)count, 0);
                if (done <= 0)
                {
                    failed++;
                    done = count; // counted as attempted; the kernel said no (ENOBUFS): pace on
                }
                else
                {
                    for (int k = 0; k < done; k++)
                    {
                        sentByClass[(int)classes[(next + k) % PoolSize]]++;
                    }
                }

                next = (next + done) % PoolSize;
                sent += done;
            }

            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                double window = (clock.Elapsed - lastReport).TotalSeconds;
                Console.WriteLine($"flood: {clock.Elapsed.TotalSeconds:F0} s: {(sent - lastSent) / window:F0} packets/s");
                lastReport = clock.Elapsed;
                lastSent = sent;
            }
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        long accepted = sentByClass.Sum();
        Console.WriteLine($"flood: done: {accepted} packets accepted by the kernel in {elapsed:F1} s = {accepted / elapsed:F0} packets/s ({failed} sendmmsg calls failed)");
        foreach (var c in Enum.GetValues<TrafficClass>())
        {
            if (sentByClass[(int)c] > 0)
            {
                Console.WriteLine($"flood: sent {c} {sentByClass[(int)c]}");
            }
        }

        Libc.close(fd);
        NativeMemory.Free(messages);
        NativeMemory.Free(vectors);
        NativeMemory.Free(pool);
        return 0;
    }

    /// <summary>Writes one Ethernet frame of <paramref name="cls"/> and returns its length.</summary>
    private static int BuildFrame(Span<byte> frame, TrafficClass cls, Random random, byte[] sourceMac, byte[]? targetAddress, byte[]? targetMac, int multicastVrid, int unicastVrid)
    {
        bool unicast = cls == TrafficClass.StrangerUnicast;
        byte[] destination = unicast ? targetAddress! : [224, 0, 0, 18];
        byte[] destinationMac = unicast ? targetMac! : [0x01, 0x00, 0x5e, 0x00, 0x00, 0x12];
        byte[] source = [192, 0, 2, (byte)random.Next(150, 200)];

        destinationMac.CopyTo(frame);
        sourceMac.CopyTo(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
        var ip = frame[14..];
        var vrrp = ip[20..];
        int vrrpLength;
        if (cls == TrafficClass.RandomBytes)
        {
            vrrpLength = random.Next(0, 65);
            random.NextBytes(vrrp[..vrrpLength]);
        }
        else
        {
            // RFC 9568 section 5.1: version 3, type 1, VRID, priority, one IPv4 address, Max Adver Int (centiseconds).
            int vrid = cls switch
            {
                TrafficClass.OtherVrid => NextOtherVrid(random, multicastVrid, unicastVrid),
                TrafficClass.StrangerUnicast => unicastVrid,
                _ => multicastVrid,
            };
            vrrp[0] = 0x31;
            vrrp[1] = (byte)vrid;
            vrrp[2] = cls switch
            {
                TrafficClass.StrangerUnicast => 254,
                TrafficClass.LowerPriority => 1,
                _ => (byte)random.Next(1, 255),
            };
            vrrp[3] = 1;
            BinaryPrimitives.WriteUInt16BigEndian(vrrp[4..], 100);
            vrrp[6] = vrrp[7] = 0;
            // Other VRIDs list any address; the lower-priority ones list the targets' VIP (192.0.2.100), as a real
            // peer of VRID 51 would, so that they measure the answer to a lower priority and nothing else.
            byte[] address = [192, 0, 2, cls == TrafficClass.LowerPriority ? (byte)100 : (byte)random.Next(100, 110)];
            address.CopyTo(vrrp[8..]);
            vrrpLength = 12;
            ushort checksum = PseudoHeaderChecksum(source, destination, vrrp[..vrrpLength]);
            BinaryPrimitives.WriteUInt16BigEndian(vrrp[6..], cls == TrafficClass.BadChecksum ? (ushort)(checksum ^ 0x5a5a) : checksum);
        }

        // RFC 791 header: no options, TOS 0xc0 as VRRP senders use, TTL 255 (64 for BadTtl), protocol 112.
        ip[0] = 0x45;
        ip[1] = 0xc0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + vrrpLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)random.Next(65536));
        ip[6] = ip[7] = 0;
        ip[8] = cls == TrafficClass.BadTtl ? (byte)64 : (byte)255;
        ip[9] = 112;
        ip[10] = ip[11] = 0;
        source.CopyTo(ip[12..]);
        destination.CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..20], 0));
        return Math.Max(14 + 20 + vrrpLength, 60); // Ethernet minimum (the padding stays zero; IPv4 total length says where it ends)
    }

    private static int NextOtherVrid(Random random, int multicastVrid, int unicastVrid)
    {
        while (true)
        {
            int vrid = random.Next(1, 256);
            if (vrid != multicastVrid && vrid != unicastVrid)
            {
                return vrid;
            }
        }
    }

    private static ushort PseudoHeaderChecksum(byte[] source, byte[] destination, ReadOnlySpan<byte> message)
    {
        Span<byte> pseudo = stackalloc byte[12];
        source.CopyTo(pseudo);
        destination.CopyTo(pseudo[4..]);
        pseudo[8] = 0;
        pseudo[9] = 112;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)message.Length);
        return Checksum(message, Sum(pseudo, 0));
    }

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if ((data.Length & 1) != 0)
        {
            sum += (uint)data[^1] << 8;
        }

        return sum;
    }

    private static ushort Checksum(ReadOnlySpan<byte> data, uint initial)
    {
        uint sum = Sum(data, initial);
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
