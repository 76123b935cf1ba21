namespace Vrrp.Linux.Sockets;

/// <summary>
/// VRRP over raw IP sockets (protocol 112). Channels opened with the same options (namespace, interface, family,
/// source, peers) share one socket pair, reference-counted: the last handle disposed closes it.
/// </summary>
/// <remarks>
/// A shared channel is one stream of datagrams: concurrent receivers on handles of the same channel split the
/// traffic between them. The driver runs one receive loop per channel and dispatches by VRID.
/// </remarks>
internal sealed class RawSocketTransport : IVrrpTransport
{
    private readonly string? _defaultNamespace;
    private readonly Dictionary<string, Shared> _channels = [];
    private readonly Lock _lock = new();

    internal RawSocketTransport(string? defaultNamespace) => _defaultNamespace = defaultNamespace;

    public async ValueTask<IVrrpChannel> OpenAsync(VrrpChannelOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.InterfaceName); // empty: a unicast channel on no interface (or in options.Vrf)
        cancellationToken.ThrowIfCancellationRequested();
        string? ns = options.NetworkNamespace ?? _defaultNamespace;
        string key = string.Join(
            '|',
            ns,
            options.InterfaceName,
            options.Vrf,
            options.Family,
            options.SourceAddress,
            options.JoinMulticastGroup,
            options.IPAuthenticationHeader);
        lock (_lock)
        {
            if (_channels.TryGetValue(key, out var shared))
            {
                shared.Sockets.AddReceiveBuffer(options.ReceiveBufferSize, options.ReceiveBufferMtus);
                shared.References++;
                return new Handle(this, key, shared.Sockets);
            }
        }

        if (LinuxCapabilities.FindMissing(LinuxCapabilities.GetEffective(), [LinuxCapability.NetRaw]) is { Count: > 0 } missing)
        {
            throw new MissingCapabilityException(missing);
        }

        var sockets = await RawVrrpSocketPair.OpenAsync(options, ns, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_channels.TryGetValue(key, out var raced))
            {
                sockets.Dispose();
                raced.Sockets.AddReceiveBuffer(options.ReceiveBufferSize, options.ReceiveBufferMtus);
                raced.References++;
                return new Handle(this, key, raced.Sockets);
            }

            sockets.AddReceiveBuffer(options.ReceiveBufferSize, options.ReceiveBufferMtus);
            _channels[key] = new Shared(sockets) { References = 1 };
            return new Handle(this, key, sockets);
        }
    }

    /// <summary>How many socket pairs are open (for tests of the sharing).</summary>
    internal int OpenSocketPairs
    {
        get
        {
            lock (_lock)
            {
                return _channels.Count;
            }
        }
    }

    private void Release(string key)
    {
        RawVrrpSocketPair? close = null;
        lock (_lock)
        {
            if (_channels.TryGetValue(key, out var shared) && --shared.References == 0)
            {
                _channels.Remove(key);
                close = shared.Sockets;
            }
        }

        close?.Dispose();
    }

    private sealed class Shared(RawVrrpSocketPair sockets)
    {
        public RawVrrpSocketPair Sockets { get; } = sockets;

        public int References { get; set; }
    }

    /// <summary>One owner's reference to a shared socket pair.</summary>
    internal sealed class Handle : IVrrpChannel
    {
        private readonly RawSocketTransport _owner;
        private readonly string _key;
        private int _disposed;

        internal Handle(RawSocketTransport owner, string key, RawVrrpSocketPair sockets)
        {
            _owner = owner;
            _key = key;
            Sockets = sockets;
        }

        internal RawVrrpSocketPair Sockets { get; }

        public IPAddressValue LocalAddress => Sockets.LocalAddress;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return Sockets.SendAsync(message, destination, cancellationToken);
        }

        public ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            return Sockets.ReceiveAsync(buffer, cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Release(_key);
            }

            return ValueTask.CompletedTask;
        }
    }
}
