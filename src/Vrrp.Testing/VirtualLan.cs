using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Vrrp.Election;
using Vrrp.Runtime;

namespace Vrrp.Testing;

/// <summary>
/// An in-memory Ethernet segment for testing election logic in isolation: nodes (each running a real
/// <see cref="VrrpDriver"/>) exchange real advertisement bytes (written and parsed by the codec) with per-link loss,
/// latency, jitter (reordering) and partitions, all driven by a <see cref="TimeProvider"/> and a seed.
/// </summary>
/// <remarks>
/// <para>Use a <see cref="VirtualClock"/> for exact timing (FakeTimeProvider also works if advanced in small steps: it
/// fires all timers due during one Advance at the end time of that Advance). Everything runs on the thread that
/// advances the clock, so a run is reproducible from its seed.</para>
/// <code>
/// var clock = new VirtualClock();
/// var lan = new VirtualLan(clock, seed: 42);
/// var r1 = lan.AddRouter(config with { Priority = 200 });
/// var r2 = lan.AddRouter(config with { Priority = 100 });
/// await lan.StartAsync();
/// clock.Advance(TimeSpan.FromSeconds(5));
/// // r1.State == VrrpState.Master, r2.State == VrrpState.Backup
/// </code>
/// </remarks>
public sealed class VirtualLan : IAsyncDisposable
{
    /// <summary>The smallest one-way delay: one 100 ns tick (a packet is never delivered inside the send call).</summary>
    public static readonly TimeSpan MinimumLatency = TimeSpan.FromTicks(1);

    private const int Ipv4HeaderLength = 20;
    private static readonly IPAddressValue IPv4Group = IPAddressValue.Parse("224.0.0.18");
    private static readonly IPAddressValue IPv6Group = IPAddressValue.Parse("ff02::12");

    private readonly object _lock = new();
    private readonly List<SimulatedNode> _nodes = [];
    private readonly List<LanChannel> _channels = [];
    private readonly Dictionary<(SimulatedNode From, SimulatedNode To), LinkConditions> _links = [];
    private readonly Dictionary<SimulatedNode, int> _partitionSide = [];
    private readonly PriorityQueue<Delivery, (long Due, long Sequence)> _inFlight = new();
    private readonly Stack<byte[]> _bufferPool = new();
    private readonly List<LanEvent> _events = [];
    private readonly Random _random;
    private readonly ITimer _deliveryTimer;
    private readonly long _start;
    private long _sequence;
    private long _armedDue = long.MaxValue;
    private bool _delivering;

    /// <summary>Creates an empty segment.</summary>
    /// <param name="timeProvider">The clock (a <see cref="VirtualClock"/> for exact timing).</param>
    /// <param name="seed">Seeds loss and jitter.</param>
    /// <param name="loggerFactory">Logging for the nodes' drivers, or null.</param>
    public VirtualLan(TimeProvider timeProvider, int seed = 0, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        Seed = seed;
        LoggerFactory = loggerFactory;
        _random = new Random(seed);
        _start = Nanoseconds(timeProvider);
        _deliveryTimer = timeProvider.CreateTimer(static s => ((VirtualLan)s!).OnDeliveryTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The seed of loss and jitter.</summary>
    public int Seed { get; }

    /// <summary>Logging given to the nodes' drivers.</summary>
    public ILoggerFactory? LoggerFactory { get; }

    /// <summary>The conditions of every link without its own (<see cref="SetLink"/>).</summary>
    public LinkConditions DefaultLink { get; set; } = LinkConditions.Perfect;

    /// <summary>Whether <see cref="Events"/> records (default true; turn off for long or allocation-sensitive runs).</summary>
    public bool RecordEvents { get; set; } = true;

    /// <summary>The nodes.</summary>
    public IReadOnlyList<SimulatedNode> Nodes => _nodes;

    /// <summary>The event log, in order.</summary>
    public IReadOnlyList<LanEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Time since the LAN was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks((Nanoseconds(TimeProvider) - _start) / 100);

    /// <summary>Adds a node (a host with one interface, <c>eth0</c>, on this segment).</summary>
    /// <param name="name">Its name in the event log.</param>
    /// <param name="address">Its IPv4 address; by default 192.0.2.N for the Nth node (N from 1). Its IPv6 link-local address is fe80::N.</param>
    /// <returns>The node.</returns>
    public SimulatedNode AddNode(string? name = null, IPAddressValue? address = null)
    {
        lock (_lock)
        {
            int n = _nodes.Count + 1;
            if (n > 250 && address is null)
            {
                throw new InvalidOperationException("Give explicit addresses beyond 250 nodes.");
            }

            var node = new SimulatedNode(
                this,
                name ?? $"node{n}",
                address ?? IPAddressValue.FromIPv4([192, 0, 2, (byte)n]),
                IPAddressValue.FromIPv6([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)(n >> 8), (byte)n]));
            if (_nodes.Exists(x => x.Name == node.Name || x.Address == node.Address))
            {
                throw new ArgumentException($"A node named '{node.Name}' or with address {node.Address} already exists.");
            }

            _nodes.Add(node);
            return node;
        }
    }

    /// <summary>Adds a node with one virtual router.</summary>
    /// <param name="configuration">The router's configuration.</param>
    /// <param name="address">The node's IPv4 address (see <see cref="AddNode"/>).</param>
    /// <returns>The router.</returns>
    public SimulatedRouter AddRouter(VirtualRouterConfiguration configuration, IPAddressValue? address = null) =>
        AddNode(address: address).AddRouter(configuration);

    /// <summary>Starts every node that is not running.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when all have started.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var node in _nodes.ToArray())
        {
            if (!node.IsRunning)
            {
                await node.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops every running node gracefully.</summary>
    /// <returns>A task that completes when all have stopped.</returns>
    public async Task StopAsync()
    {
        foreach (var node in _nodes.ToArray())
        {
            await node.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sets the conditions of the directed link from one node to another.</summary>
    /// <param name="from">The sender.</param>
    /// <param name="to">The receiver.</param>
    /// <param name="conditions">The conditions.</param>
    public void SetLink(SimulatedNode from, SimulatedNode to, LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(conditions);
        if (conditions.LossRate is < 0 or > 1 || conditions.Latency < TimeSpan.Zero || conditions.Jitter < TimeSpan.Zero)
        {
            throw new ArgumentException("Loss must be 0..1; latency and jitter must not be negative.", nameof(conditions));
        }

        lock (_lock)
        {
            _links[(from, to)] = conditions;
        }
    }

    /// <summary>Splits the segment: nodes in different groups no longer hear each other; nodes in no group hear nobody.</summary>
    /// <param name="groups">The sides of the partition.</param>
    public void Partition(params IEnumerable<SimulatedNode>[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        lock (_lock)
        {
            _partitionSide.Clear();
            for (int i = 0; i < groups.Length; i++)
            {
                foreach (var node in groups[i])
                {
                    _partitionSide[node] = i;
                }
            }

            foreach (var node in _nodes)
            {
                _partitionSide.TryAdd(node, -1 - node.Index);
            }
        }
    }

    /// <summary>Removes partitions and every per-link condition.</summary>
    public void Heal()
    {
        lock (_lock)
        {
            _partitionSide.Clear();
            _links.Clear();
        }
    }

    /// <summary>The nodes (running or crashed) that hold an address now.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The holders.</returns>
    public IReadOnlyList<SimulatedNode> HoldersOf(IPAddressValue address) => [.. _nodes.Where(n => n.HasAddress(address))];

    /// <summary>The routers in Master state for a VRID.</summary>
    /// <param name="virtualRouterId">The VRID.</param>
    /// <returns>The masters.</returns>
    public IReadOnlyList<SimulatedRouter> MastersOf(byte virtualRouterId) =>
        [.. _nodes.SelectMany(n => n.Routers).Where(r => r.Configuration.VirtualRouterId == virtualRouterId && r.State == VrrpState.Master)];

    /// <summary>Stops every node.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _deliveryTimer.Dispose();
    }

    internal void Record(SimulatedNode node, LanEventKind kind, string detail)
    {
        if (!RecordEvents)
        {
            return;
        }

        lock (_lock)
        {
            _events.Add(new LanEvent(Elapsed, node.Name, kind, detail));
        }
    }

    internal void Attach(LanChannel channel)
    {
        lock (_lock)
        {
            _channels.Add(channel);
        }
    }

    internal void Detach(LanChannel channel)
    {
        lock (_lock)
        {
            _channels.Remove(channel);
        }
    }

    internal void ReturnBuffer(byte[] buffer)
    {
        lock (_lock)
        {
            _bufferPool.Push(buffer);
        }
    }

    internal void Transmit(LanChannel sender, ReadOnlySpan<byte> message, IPAddressValue destination)
    {
        var from = sender.Node;
        if (!from.IsLinkUp)
        {
            return;
        }

        if (RecordEvents)
        {
            Record(from, LanEventKind.AdvertisementSent, $"VRID {(message.Length > 1 ? message[1] : 0)} priority {(message.Length > 2 ? message[2] : 0)} from {sender.LocalAddress} to {destination}");
        }

        long now = Nanoseconds(TimeProvider);
        var group = sender.Options.MulticastGroup ?? (sender.Family == VrrpAddressFamily.IPv4 ? IPv4Group : IPv6Group);
        bool multicast = destination == group;
        lock (_lock)
        {
            for (int i = 0; i < _channels.Count; i++)
            {
                var target = _channels[i];
                var to = target.Node;
                if (to == from || target.Family != sender.Family || target.Options.InterfaceName != sender.Options.InterfaceName ||
                    target.Options.IPAuthenticationHeader != sender.Options.IPAuthenticationHeader)
                {
                    continue;
                }

                // The group reaches the channels that joined it; a unicast message only the node that has the address.
                if (multicast
                    ? !target.Options.JoinMulticastGroup || (target.Options.MulticastGroup ?? (target.Family == VrrpAddressFamily.IPv4 ? IPv4Group : IPv6Group)) != group
                    : target.LocalAddress != destination)
                {
                    continue;
                }

                var link = _links.TryGetValue((from, to), out var specific) ? specific : DefaultLink;
                bool partitioned = _partitionSide.Count > 0 && _partitionSide.GetValueOrDefault(from) != _partitionSide.GetValueOrDefault(to);
                bool lost = link.LossRate > 0 && _random.NextDouble() < link.LossRate;
                if (partitioned || lost || !to.IsLinkUp)
                {
                    if (RecordEvents)
                    {
                        _events.Add(new LanEvent(Elapsed, to.Name, LanEventKind.AdvertisementLost, partitioned ? "partition" : lost ? "loss" : "link down"));
                    }

                    continue;
                }

                long delay = Math.Max(link.Latency.Ticks, MinimumLatency.Ticks) * 100;
                if (link.Jitter > TimeSpan.Zero)
                {
                    delay += _random.NextInt64(link.Jitter.Ticks + 1) * 100;
                }

                EnqueueLocked(target, message, sender.LocalAddress, destination, link.HopLimit, now + delay);
            }

            ArmLocked(now);
        }
    }

    /// <summary>
    /// Delivers arbitrary bytes to a node as if received from the wire (fuzzing, or replaying a capture of another
    /// implementation such as keepalived). IPv4 messages get an IPv4 header in front, as a raw socket delivers them
    /// (on a channel of AH instances, <see cref="VrrpChannelOptions.IPAuthenticationHeader"/>, the bytes are the whole IPv4 packet).
    /// </summary>
    /// <param name="to">The receiving node (its channel of the message's family on <see cref="SimulatedNode.InterfaceName"/>).</param>
    /// <param name="message">The VRRP message (no IP header).</param>
    /// <param name="family">The IP family.</param>
    /// <param name="source">The IP source.</param>
    /// <param name="hopLimit">The TTL / hop limit.</param>
    /// <param name="delay">The delay before delivery (at least <see cref="MinimumLatency"/>).</param>
    public void Inject(SimulatedNode to, ReadOnlySpan<byte> message, VrrpAddressFamily family, IPAddressValue source, byte hopLimit = 255, TimeSpan? delay = null)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (message.Length > Packets.VrrpPacket.MaxMessageLength + Packets.VrrpPacket.AuthenticationDataLength)
        {
            throw new ArgumentException("The message is longer than any VRRP message.", nameof(message));
        }

        long now = Nanoseconds(TimeProvider);
        long due = now + (Math.Max((delay ?? MinimumLatency).Ticks, MinimumLatency.Ticks) * 100);
        lock (_lock)
        {
            foreach (var channel in _channels)
            {
                if (channel.Node == to && channel.Family == family && channel.Options.InterfaceName == SimulatedNode.InterfaceName)
                {
                    EnqueueLocked(channel, message, source, family == VrrpAddressFamily.IPv4 ? IPv4Group : IPv6Group, hopLimit, due);
                }
            }

            ArmLocked(now);
        }
    }

    // Under _lock. IPv4 gets a 20-byte header (as an IPv4 raw socket delivers it), IPv6 the message and metadata only;
    // an AH channel's message is already a whole IPv4 packet.
    private void EnqueueLocked(LanChannel target, ReadOnlySpan<byte> message, IPAddressValue source, IPAddressValue destination, byte hopLimit, long due)
    {
        var buffer = _bufferPool.Count > 0 ? _bufferPool.Pop() : new byte[VrrpPacketLimits.MaxLength];
        int length = message.Length;
        bool withHeader = target.Family == VrrpAddressFamily.IPv4;
        if (target.Options.IPAuthenticationHeader)
        {
            // auth_type AH: the core wrote the whole IPv4 packet (its ICV covers the header); it travels as it is.
            message.CopyTo(buffer);
        }
        else if (withHeader)
        {
            WriteIPv4Header(buffer, message.Length, hopLimit, source, destination, (ushort)_sequence);
            message.CopyTo(buffer.AsSpan(Ipv4HeaderLength));
            length += Ipv4HeaderLength;
        }
        else
        {
            message.CopyTo(buffer);
        }

        _inFlight.Enqueue(new Delivery(target, buffer, length, source, destination, _sequence, withHeader, hopLimit), (due, _sequence));
        _sequence++;
    }

    // RFC 791 section 3.1: version 4, IHL 5, DSCP CS6 (as keepalived), total length, id, no fragments, TTL, protocol
    // 112, header checksum, source, destination.
    private static void WriteIPv4Header(Span<byte> header, int payloadLength, byte ttl, IPAddressValue source, IPAddressValue destination, ushort id)
    {
        header[0] = 0x45;
        header[1] = 0xC0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(Ipv4HeaderLength + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], id);
        header[6] = 0;
        header[7] = 0;
        header[8] = ttl;
        header[9] = Packets.VrrpPacket.IPProtocol;
        header[10] = 0;
        header[11] = 0;
        source.WriteTo(header[12..]);
        destination.WriteTo(header[16..]);
        uint sum = 0;
        for (int i = 0; i < Ipv4HeaderLength; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)~sum);
    }

    private void OnDeliveryTimer()
    {
        lock (_lock)
        {
            _armedDue = long.MaxValue;
            if (_delivering)
            {
                return;
            }

            _delivering = true;
        }

        try
        {
            while (true)
            {
                Delivery delivery;
                lock (_lock)
                {
                    long now = Nanoseconds(TimeProvider);
                    if (!_inFlight.TryPeek(out delivery, out var key) || key.Due > now)
                    {
                        ArmLocked(now);
                        return;
                    }

                    _inFlight.Dequeue();
                }

                if (RecordEvents)
                {
                    Record(delivery.Target.Node, LanEventKind.AdvertisementDelivered, $"#{delivery.Sequence} from {delivery.Source}");
                }

                delivery.Target.Deliver(delivery.Buffer, delivery.Length, delivery.Source, delivery.Destination, delivery.IncludesIPv4Header, delivery.HopLimit);
            }
        }
        finally
        {
            lock (_lock)
            {
                _delivering = false;
            }
        }
    }

    // Under _lock.
    private void ArmLocked(long now)
    {
        if (!_inFlight.TryPeek(out _, out var key))
        {
            return;
        }

        if (key.Due >= _armedDue)
        {
            return;
        }

        _armedDue = key.Due;
        _deliveryTimer.Change(TimeSpan.FromTicks(Math.Max(1, (key.Due - now + 99) / 100)), Timeout.InfiniteTimeSpan);
    }

    private readonly record struct Delivery(LanChannel Target, byte[] Buffer, int Length, IPAddressValue Source, IPAddressValue Destination, long Sequence, bool IncludesIPv4Header, byte HopLimit);

    private static class VrrpPacketLimits
    {
        public const int MaxLength = Ipv4HeaderLength + Packets.VrrpPacket.MaxMessageLength + Packets.VrrpPacket.AuthenticationDataLength;
    }

    // The core's time unit (nanoseconds) on any clock.
    private static long Nanoseconds(TimeProvider time) => (long)((Int128)time.GetTimestamp() * 1_000_000_000 / time.TimestampFrequency);
}
