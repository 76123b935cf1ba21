using Microsoft.Extensions.Logging;
using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>
/// The generic driver: one receive loop per channel over the <see cref="IVrrpTransport"/> contract and one timer from
/// the <see cref="TimeProvider"/> for every instance. It runs on any platform, and on the in-memory LAN of Vrrp.Testing
/// with a virtual clock.
/// </summary>
/// <remarks>
/// With <see cref="TimeProvider.System"/> the timer works in whole milliseconds (a deadline is rounded up, so no timer
/// fires early); Vrrp.Linux has a driver of its own with nanosecond timers and no thread-pool hops.
/// </remarks>
public sealed class AsyncVrrpDriver : VrrpDriver
{
    private readonly IVrrpTransport _transport;
    private readonly bool _systemTime;
    private readonly List<IVrrpChannel?> _channels = [];
    private readonly List<Task> _loops = [];
    private readonly Dictionary<VirtualRouter, SendBuffer> _buffers = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _timer;

    /// <summary>Creates a driver over a platform's parts.</summary>
    /// <param name="platform">The transport, address manager, announcer and link monitor.</param>
    /// <param name="timeProvider">The clock and timer source; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="platform"/> is null.</exception>
    public AsyncVrrpDriver(VrrpPlatform platform, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
        : this((platform ?? throw new ArgumentNullException(nameof(platform))).Transport, platform.Addresses, platform.Announcer, platform.Links, timeProvider, loggerFactory)
    {
    }

    /// <summary>Creates a driver.</summary>
    /// <param name="transport">Sends and receives adverts.</param>
    /// <param name="addresses">Adds and removes the virtual addresses.</param>
    /// <param name="announcer">Sends gratuitous ARP / unsolicited NA after takeover, or null to skip announcing.</param>
    /// <param name="links">Reports link and address changes, or null.</param>
    /// <param name="timeProvider">The clock and timer source; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> or <paramref name="addresses"/> is null.</exception>
    public AsyncVrrpDriver(
        IVrrpTransport transport,
        IVirtualAddressManager addresses,
        IAddressAnnouncer? announcer = null,
        ILinkMonitor? links = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        : base(addresses, announcer, links, timeProvider, loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _systemTime = ReferenceEquals(TimeProvider, TimeProvider.System);
    }

    /// <inheritdoc />
    protected override async ValueTask<IPAddressValue> OpenChannelAsync(int channel, VrrpChannelOptions options, CancellationToken cancellationToken)
    {
        var opened = await _transport.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        while (_channels.Count <= channel)
        {
            _channels.Add(null);
        }

        _channels[channel] = opened;
        return opened.LocalAddress;
    }

    /// <inheritdoc />
    protected override void StartReceiving()
    {
        _timer = TimeProvider.CreateTimer(static state => ((AsyncVrrpDriver)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        for (int i = 0; i < _channels.Count; i++)
        {
            if (_channels[i] is { } channel)
            {
                _loops.Add(ReceiveLoopAsync(i, channel, _stop.Token));
            }
        }
    }

    /// <inheritdoc />
    protected override void StartReceiving(int channel)
    {
        if (_channels[channel] is { } open)
        {
            _loops.Add(ReceiveLoopAsync(channel, open, _stop.Token));
        }
    }

    /// <inheritdoc />
    /// <remarks>Its receive loop sees the channel gone and ends; sends to it are skipped until it is opened again.</remarks>
    protected override async ValueTask CloseChannelAsync(int channel)
    {
        if (_channels[channel] is { } open)
        {
            _channels[channel] = null;
            await open.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task StopReceivingAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _timer?.Dispose();
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        for (int i = 0; i < _channels.Count; i++)
        {
            if (_channels[i] is { } open)
            {
                _channels[i] = null;
                await open.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    protected override void SendAdvertisement(in VirtualRouterAction send)
    {
        var router = send.Router!;
        if (_channels[send.Channel] is not { } channel)
        {
            return;
        }

        if (!_buffers.TryGetValue(router, out var buffer))
        {
            buffer = new SendBuffer(router.AdvertisementLength);
            _buffers.Add(router, buffer);
        }

        if (buffer.Pending is { IsCompleted: false } || buffer.Bytes.Length < router.AdvertisementLength)
        {
            // The previous send still uses the buffer (a slow transport), or a reload gave the router more addresses:
            // take a new one rather than overwrite it.
            buffer.Bytes = new byte[Math.Max(buffer.Bytes.Length, router.AdvertisementLength)];
        }

        int length = router.WriteAdvertisement(in send, buffer.Bytes);
        try
        {
            var pending = channel.SendAsync(buffer.Bytes.AsMemory(0, length), send.Destination, CancellationToken.None);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
            }
            else
            {
                buffer.Pending = CompleteSendAsync(router, pending);
            }
        }
        catch (Exception ex)
        {
            OnSendFailed(router, ex);
        }
    }

    /// <inheritdoc />
    protected override void ArmTimer(long deadline, long now)
    {
        if (_timer is null)
        {
            return;
        }

        if (deadline == long.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        long delay = Math.Max(1, deadline - now);
        if (_systemTime)
        {
            // The system timer works in whole milliseconds and truncates: round up so that it never fires early and spins.
            delay = (delay + 999_999) / 1_000_000 * 1_000_000;
        }

        _timer.Change(ProtocolTimers.ToTimeSpanRoundedUp(delay), Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    protected override async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var buffer in _buffers.Values.ToArray())
        {
            if (buffer.Pending is { } pending)
            {
                await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CompleteSendAsync(VirtualRouter router, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OnSendFailed(router, ex);
        }
    }

    private async Task ReceiveLoopAsync(int index, IVrrpChannel channel, CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        while (!cancellationToken.IsCancellationRequested && ReferenceEquals(_channels[index], channel))
        {
            ReceivedDatagram datagram;
            try
            {
                datagram = await channel.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!ReferenceEquals(_channels[index], channel))
            {
                return;   // closed (its interface was deleted); a new loop runs when it is reopened
            }
            catch (Exception ex)
            {
                OnReceiveFailed(index, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            OnDatagram(index, buffer.AsSpan(0, Math.Min(datagram.Length, buffer.Length)), in datagram);
        }
    }

    private sealed class SendBuffer(int length)
    {
        public byte[] Bytes { get; set; } = new byte[length];

        public Task? Pending { get; set; }
    }
}
