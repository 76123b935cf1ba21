using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Vrrp.Hosting;

/// <summary>
/// Delivers state changes to the handlers: one queue and one reader per instance, so a given instance's changes
/// reach the handlers in order and never concurrently, while instances do not wait for each other. Posting never
/// blocks, so the protocol never waits for a handler. Each handler call runs on the thread pool with a timeout
/// (<see cref="VrrpOptions.CallbackTimeout"/>); a handler that throws or times out is logged and the next one runs.
/// </summary>
internal sealed class StateChangeDispatcher : IAsyncDisposable
{
    private readonly IReadOnlyList<IVrrpStateHandler> _handlers;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private bool _completed;

    public StateChangeDispatcher(IReadOnlyList<IVrrpStateHandler> handlers, TimeSpan timeout, TimeProvider time, ILogger logger)
    {
        _handlers = handlers;
        _timeout = timeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>Queues a change for the handlers; returns at once.</summary>
    public void Post(VrrpStateChange change)
    {
        lock (_queues)
        {
            if (_handlers.Count == 0 || _completed)
            {
                return;
            }

            if (!_queues.TryGetValue(change.InstanceName, out var queue))
            {
                queue = StartQueue();
                _queues.Add(change.InstanceName, queue);
            }

            queue.Channel.Writer.TryWrite(change);
        }
    }

    private Queue StartQueue()
    {
        var channel = Channel.CreateUnbounded<VrrpStateChange>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        return new Queue(channel, Task.Run(() => ReadAsync(channel.Reader)));
    }

    private async Task ReadAsync(ChannelReader<VrrpStateChange> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var change))
            {
                foreach (var handler in _handlers)
                {
                    await InvokeAsync(handler, change).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task InvokeAsync(IVrrpStateHandler handler, VrrpStateChange change)
    {
        using var callSource = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var token = callSource.Token;
        var call = Task.Run(() => handler.OnStateChangedAsync(change, token).AsTask(), CancellationToken.None);
        try
        {
            await call.WaitAsync(_timeout, _time, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await callSource.CancelAsync().ConfigureAwait(false);
            Log.HandlerTimedOut(_logger, change.InstanceName, HandlerName(handler), _timeout, change.State);
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, change.InstanceName, HandlerName(handler), change.State, ex);
        }
    }

    private static string HandlerName(IVrrpStateHandler handler) => handler is DelegateStateHandler d ? d.Description : handler.GetType().Name;

    /// <summary>Stops accepting changes and waits until the queued ones are delivered, or cancels the handlers when <paramref name="cancellationToken"/> fires.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        Task all;
        lock (_queues)
        {
            _completed = true;
            foreach (var queue in _queues.Values)
            {
                queue.Channel.Writer.TryComplete();
            }

            all = Task.WhenAll(_queues.Values.Select(q => q.Reader));
        }

        try
        {
            await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CompleteAsync(new CancellationToken(true)).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private sealed record Queue(Channel<VrrpStateChange> Channel, Task Reader);
}

/// <summary>A handler made of a delegate registered with OnMaster / OnBackup / OnFault / OnChange.</summary>
internal sealed class DelegateStateHandler(Func<VrrpStateChange, CancellationToken, ValueTask> callback, VrrpState? state, string description) : IVrrpStateHandler
{
    public string Description { get; } = description;

    public ValueTask OnStateChangedAsync(VrrpStateChange change, CancellationToken cancellationToken) =>
        state is null || change.State == state ? callback(change, cancellationToken) : ValueTask.CompletedTask;
}
