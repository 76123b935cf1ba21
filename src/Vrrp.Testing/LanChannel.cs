using System.Threading.Tasks.Sources;

namespace Vrrp.Testing;

/// <summary>A node's channel on the virtual segment: receives without allocating (a reusable value-task source).</summary>
internal sealed class LanChannel : IVrrpChannel, IValueTaskSource<ReceivedDatagram>
{
    private readonly object _lock = new();
    private readonly Queue<(byte[] Buffer, int Length, IPAddressValue Source, IPAddressValue Destination, bool Header, byte HopLimit)> _inbox = new();
    private ManualResetValueTaskSourceCore<ReceivedDatagram> _core;
    private Memory<byte> _waitingBuffer;
    private bool _waiting;
    private bool _disposed;
    private CancellationToken _registeredToken;
    private CancellationTokenRegistration _registration;

    public LanChannel(SimulatedNode node, VrrpChannelOptions options)
    {
        Node = node;
        Options = options;
        LocalAddress = options.SourceAddress ?? (options.Family == VrrpAddressFamily.IPv4 ? node.Address : node.LinkLocalAddress);
        _core.RunContinuationsAsynchronously = false;
    }

    public SimulatedNode Node { get; }

    public VrrpChannelOptions Options { get; }

    public VrrpAddressFamily Family => Options.Family;

    public IPAddressValue LocalAddress { get; }

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Node.Lan.Transmit(this, message.Span, destination);
        return ValueTask.CompletedTask;
    }

    public ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            if (_inbox.TryDequeue(out var queued))
            {
                int length = Math.Min(queued.Length, buffer.Length);
                queued.Buffer.AsSpan(0, length).CopyTo(buffer.Span);
                Node.Lan.ReturnBuffer(queued.Buffer);
                return new ValueTask<ReceivedDatagram>(Datagram(length, queued.Source, queued.Destination, queued.Header, queued.HopLimit));
            }

            if (_waiting)
            {
                throw new InvalidOperationException("Only one receive at a time.");
            }

            if (cancellationToken.CanBeCanceled && cancellationToken != _registeredToken)
            {
                // Registered once per token (the driver uses one token per loop), so receiving does not allocate.
                _registration.Dispose();
                _registeredToken = cancellationToken;
                _registration = cancellationToken.UnsafeRegister(static s => ((LanChannel)s!).Cancel(), this);
            }

            _core.Reset();
            _waitingBuffer = buffer;
            _waiting = true;
            return new ValueTask<ReceivedDatagram>(this, _core.Version);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            while (_inbox.TryDequeue(out var queued))
            {
                Node.Lan.ReturnBuffer(queued.Buffer);
            }
        }

        _registration.Dispose();
        Node.Lan.Detach(this);
        Fail(new ObjectDisposedException(nameof(LanChannel)));
        return ValueTask.CompletedTask;
    }

    public ReceivedDatagram GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    /// <summary>Delivers a packet; takes ownership of <paramref name="buffer"/> (a pooled buffer of the LAN).</summary>
    internal void Deliver(byte[] buffer, int length, IPAddressValue source, IPAddressValue destination, bool includesIPv4Header, byte hopLimit)
    {
        ReceivedDatagram datagram;
        lock (_lock)
        {
            if (_disposed)
            {
                Node.Lan.ReturnBuffer(buffer);
                return;
            }

            if (!_waiting)
            {
                _inbox.Enqueue((buffer, length, source, destination, includesIPv4Header, hopLimit));
                return;
            }

            int copied = Math.Min(length, _waitingBuffer.Length);
            buffer.AsSpan(0, copied).CopyTo(_waitingBuffer.Span);
            Node.Lan.ReturnBuffer(buffer);
            _waiting = false;
            _waitingBuffer = default;
            datagram = Datagram(copied, source, destination, includesIPv4Header, hopLimit);
        }

        // Outside the lock: the receiver's continuation runs here, synchronously (deterministic simulations).
        _core.SetResult(datagram);
    }

    // An IPv4 raw socket delivers the header (the TTL is read from it); IPv6 gives the hop limit as ancillary data.
    private static ReceivedDatagram Datagram(int length, IPAddressValue source, IPAddressValue destination, bool includesIPv4Header, byte hopLimit) =>
        new(length, includesIPv4Header, source, destination, includesIPv4Header ? -1 : hopLimit);

    private void Cancel() => Fail(new OperationCanceledException(_registeredToken));

    private void Fail(Exception error)
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                return;
            }

            _waiting = false;
            _waitingBuffer = default;
        }

        _core.SetException(error);
    }
}
