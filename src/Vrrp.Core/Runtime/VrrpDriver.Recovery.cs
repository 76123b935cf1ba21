using Microsoft.Extensions.Logging;
using Vrrp.Election;

namespace Vrrp.Runtime;

// Recovery from faults that used to stick (issue 13): a master whose addresses cannot be added goes to Fault and
// retries; the channels on an interface that is deleted are closed and reopened when it comes back.
public partial class VrrpDriver
{
    private static readonly TimeSpan FirstAddressRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastAddressRetry = TimeSpan.FromSeconds(30);

    // Interfaces deleted under open channels, and the channels closed because of it (under the lock).
    private readonly HashSet<string> _lostInterfaces = new(StringComparer.Ordinal);
    private readonly HashSet<int> _closedChannels = [];
    private bool _reopenUnsupported;

    /// <summary>
    /// Closes one channel because its interface was deleted (its sockets are bound to an interface index that no
    /// longer exists); <see cref="OpenChannelAsync"/> and <see cref="StartReceiving(int)"/> open it again when the
    /// interface is back. Called outside the driver's lock; sends to a closed channel must be skipped, and its receive
    /// loop must end. A driver that cannot throws <see cref="NotSupportedException"/> (the default): the instances on
    /// that interface then stay in Fault until the driver is restarted.
    /// </summary>
    /// <param name="channel">The channel's index.</param>
    /// <returns>A task that completes when the channel is closed.</returns>
    /// <exception cref="NotSupportedException">The driver cannot close and reopen channels while running.</exception>
    protected virtual ValueTask CloseChannelAsync(int channel) =>
        throw new NotSupportedException($"{GetType().Name} cannot reopen channels while running.");

    /// <summary>The delay before the <paramref name="failures"/>-th retry of an address fault: 1 s, doubling, at most 30 s.</summary>
    internal static TimeSpan AddressRetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(LastAddressRetry.Ticks, FirstAddressRetry.Ticks << Math.Clamp(failures - 1, 0, 16)));

    // Under the lock, when an add (all of a router's addresses, or one put back) has finished.
    private void OnAddressesAdded(RouterEntry entry, string? failure)
    {
        var router = entry.Router;
        if (failure is null)
        {
            if (router.State == VrrpState.Master)
            {
                entry.AddFailures = 0;
            }

            return;
        }

        // A master that cannot hold its addresses must not stay master: another router can (and a client would
        // otherwise follow adverts to a node that does not answer). Fault sends priority 0 and removes what was added.
        if (_runState != RunState.Running || router.State != VrrpState.Master ||
            !_entries.TryGetValue(router, out var current) || !ReferenceEquals(current, entry))
        {
            return;
        }

        entry.AddFailures++;
        var delay = AddressRetryDelay(entry.AddFailures);
        Log.AddressFault(Logger, entry.Name, failure, delay.TotalSeconds);
        long now = Now;
        _set.SetAddressFault(router, failure, now);
        Perform(now);
        entry.AddressRetry?.Dispose();
        entry.AddressRetry = TimeProvider.CreateTimer(
            static state =>
            {
                var (driver, retried) = ((VrrpDriver, RouterEntry))state!;
                driver.RetryAddresses(retried, "timer");
            },
            (this, entry),
            delay,
            Timeout.InfiniteTimeSpan);
    }

    private void RetryAddresses(RouterEntry entry, string why)
    {
        lock (_gate)
        {
            if (!RetryAddressesLocked(entry, why))
            {
                return;
            }
        }

        _worker.Kick(RunsAddressWorkInline);
    }

    // Under the lock: clears the address fault, so that the router goes back through Backup to the election (a master
    // again adds its addresses, and either holds them or faults again with a longer delay).
    private bool RetryAddressesLocked(RouterEntry entry, string why)
    {
        if (_runState != RunState.Running || entry.Router.AddressFault is null ||
            !_entries.TryGetValue(entry.Router, out var current) || !ReferenceEquals(current, entry))
        {
            return false;
        }

        entry.AddressRetry?.Dispose();
        entry.AddressRetry = null;
        Log.AddressFaultRetry(Logger, entry.Name, why);
        long now = Now;
        _set.SetAddressFault(entry.Router, null, now);
        Perform(now);
        return true;
    }

    // Under the lock: a link that came up may be what an address fault waited for (a VIP's interface created or
    // brought up): retry those at once rather than at the end of their back-off.
    private void RetryAddressFaultsOn(string interfaceName)
    {
        foreach (var router in _set.Routers)
        {
            var entry = _entries[router];
            if (router.AddressFault is not null &&
                entry.AnnounceTargets.Any(t => string.Equals(t.Interface, interfaceName, StringComparison.Ordinal)))
            {
                RetryAddressesLocked(entry, $"link {interfaceName} up");
            }
        }
    }

    private void CancelRecovery()
    {
        lock (_gate)
        {
            foreach (var entry in _entries.Values)
            {
                entry.AddressRetry?.Dispose();
                entry.AddressRetry = null;
            }
        }
    }

    /// <summary>
    /// Follows the channels of an interface that is deleted and created again: on deletion the instances go to Fault
    /// and the channels are closed; while it is gone every event of that name is held back (an Up must not take the
    /// instances out of Fault with dead sockets); once it is back and the channels open again (an event for it: it
    /// appeared, came up or got an address), its real state is reported.
    /// </summary>
    /// <returns>True when the event was handled here.</returns>
    private async Task<bool> FollowLostInterfaceAsync(ILinkMonitor monitor, LinkEvent linkEvent, CancellationToken cancellationToken)
    {
        string name = linkEvent.InterfaceName;
        List<int> channels;
        bool lost;
        lock (_gate)
        {
            if (_runState != RunState.Running)
            {
                return false;
            }

            channels = [.. Enumerable.Range(0, _set.ChannelCount).Where(i =>
                _set.GetChannel(i) is { NetworkNamespace: null } options && string.Equals(options.InterfaceName, name, StringComparison.Ordinal))];
            lost = _lostInterfaces.Contains(name);
        }

        if (channels.Count == 0)
        {
            return false;
        }

        if (linkEvent.Kind == LinkEventKind.Removed)
        {
            OnLinkEvent(linkEvent);
            if (!lost)
            {
                Log.InterfaceDeleted(Logger, name);
                await CloseChannelsAsync(channels).ConfigureAwait(false);
                lock (_gate)
                {
                    _lostInterfaces.Add(name);
                }
            }

            return true;
        }

        if (!lost)
        {
            return false;
        }

        if (linkEvent.Kind == LinkEventKind.AddressRemoved || !await TryReopenAsync(name, channels, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        bool up = monitor.IsUp(name);
        lock (_gate)
        {
            _lostInterfaces.Remove(name);
        }

        OnLinkEvent(new LinkEvent(name, up ? LinkEventKind.Up : LinkEventKind.Down));
        return true;
    }

    private async Task CloseChannelsAsync(List<int> channels)
    {
        foreach (int channel in channels)
        {
            lock (_gate)
            {
                if (_reopenUnsupported || !_closedChannels.Add(channel))
                {
                    continue;
                }
            }

            try
            {
                await CloseChannelAsync(channel).ConfigureAwait(false);
            }
            catch (NotSupportedException ex)
            {
                lock (_gate)
                {
                    _reopenUnsupported = true;
                    _closedChannels.Remove(channel);
                }

                Log.ReopenUnsupported(Logger, ex.Message);
            }
            catch (Exception ex)
            {
                // Closing a socket of a deleted interface: whatever it says, the channel is reopened later.
                Log.ChannelCloseFailed(Logger, _set.GetChannel(channel).InterfaceName, ex);
            }
        }
    }

    private async Task<bool> TryReopenAsync(string interfaceName, List<int> channels, CancellationToken cancellationToken)
    {
        foreach (int channel in channels)
        {
            VrrpChannelOptions options;
            lock (_gate)
            {
                if (_reopenUnsupported || _runState != RunState.Running)
                {
                    return false;
                }

                if (!_closedChannels.Contains(channel))
                {
                    continue;
                }

                options = _set.GetChannel(channel);
            }

            IPAddressValue local;
            try
            {
                local = await OpenChannelAsync(channel, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Typically no address on it yet: the next event for the interface (its address added) tries again.
                Log.ReopenPending(Logger, interfaceName, ex.Message);
                return false;
            }

            lock (_gate)
            {
                if (_runState != RunState.Running)
                {
                    return false;
                }

                _closedChannels.Remove(channel);
                _set.SetLocalAddress(channel, local);
                StartReceiving(channel);
                Log.ChannelReopened(Logger, interfaceName, options.Family, local);

                // Routers that could not start without the channel (dynamic_interfaces, dont_track_primary) start now.
                long now = Now;
                _set.Start(now);
                Perform(now);
            }
        }

        return true;
    }
}
