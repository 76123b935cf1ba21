using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

// Performing the router set's actions: sends, address work, state changes (logs and observers), rate-limited drop logs.
public partial class VrrpDriver : IAsyncDisposable
{
    // Under the lock: performs the set's actions in order, hands the adverts over, then re-arms the timer if the
    // earliest deadline moved.
    private void Perform(long now)
    {
        bool sent = false;
        while (_set.TryPollAction(out var action))
        {
            var entry = _entries[action.Router!];
            switch (action.Kind)
            {
                case VirtualRouterActionKind.SendAdvertisement:
                    if (action.Priority == 0 && action.Destination == action.Router!.Destinations[0])
                    {
                        Log.SentZeroPriority(Logger, entry.Name);
                    }

                    if (_runState is RunState.Running or RunState.Stopping)
                    {
                        SendAdvertisement(in action);
                        sent = true;
                    }

                    break;
                case VirtualRouterActionKind.AddAddresses:
                    Log.SettingVips(Logger, entry.Name);
                    _worker.Enqueue(new AddressWork(entry, AddressWorkKind.Add));
                    break;
                case VirtualRouterActionKind.RemoveAddresses:
                    Log.RemovingVips(Logger, entry.Name);
                    _worker.Enqueue(new AddressWork(entry, AddressWorkKind.Remove));
                    break;
                case VirtualRouterActionKind.Announce:
                    _worker.Enqueue(new AddressWork(entry, AddressWorkKind.Announce, action.Repeat, action.Announcement));
                    break;
                case VirtualRouterActionKind.StateChanged:
                    if (entry.PendingApply is not null)
                    {
                        QueueApplied(entry);
                    }

                    OnStateChanged(entry, in action);
                    break;
                case VirtualRouterActionKind.LowerPriorityAdvertisementDiscarded:
                    NoteOtherMaster(entry, in action, now);
                    if (Due(ref entry.LastLowerPriorityLog, now))
                    {
                        Log.LowerPriority(Logger, entry.Name, action.PeerPriority, action.Peer);
                    }

                    _observers.LowerPriorityAdvertisement(entry.Name, action.Peer, action.PeerPriority);
                    break;
                case VirtualRouterActionKind.OwnerReceivedAdvertisement:
                    if (Due(ref entry.LastOwnerLog, now))
                    {
                        Log.OwnerReceivedAdvertisement(Logger, entry.Name, action.Peer, action.PeerPriority);
                    }

                    break;
                case VirtualRouterActionKind.IntervalLearned:
                    Log.IntervalLearned(Logger, entry.Name, entry.Configuration.AdvertisementInterval.TotalMilliseconds, action.Interval * 10, action.Peer);
                    break;
                case VirtualRouterActionKind.OldUnicastChecksumAdopted:
                    Log.OldUnicastChecksumAdopted(Logger, entry.Name, action.Peer);
                    break;
                case VirtualRouterActionKind.MultipleOwners:
                    if (Due(ref entry.LastMultipleOwnersLog, now))
                    {
                        Log.MultipleOwners(Logger, entry.Name, action.Peer, action.OtherPeer);
                    }

                    break;
                case VirtualRouterActionKind.AddressListMismatch:
                    Log.AddressListMismatch(Logger, entry.Name, action.Peer);
                    break;
                case VirtualRouterActionKind.PriorityChanged:
                    Log.PriorityChanged(Logger, entry.Name, action.Priority);
                    _observers.PriorityChanged(entry.Name, action.Priority);
                    break;
            }
        }

        // Each change's marker goes after all the address work its router asked for in this pass (a sync group
        // interleaves the members' actions), so its completion means that work is done.
        if (_applyOrder.Count > 0)
        {
            foreach (var entry in _applyOrder)
            {
                if (entry.PendingApply is not null)
                {
                    QueueApplied(entry);
                }
            }

            _applyOrder.Clear();
        }

        if (sent)
        {
            if (_batchDepth > 0)
            {
                _flushPending = true;
            }
            else
            {
                FlushAdvertisements();
            }
        }

        long next = _set.NextTimeout ?? long.MaxValue;
        if (next != _armed && _runState is RunState.Running)
        {
            _armed = next;
            ArmTimer(next, now);
        }
    }

    private static bool Due(ref long lastLog, long now)
    {
        if (now - lastLog < LogInterval)
        {
            return false;
        }

        lastLog = now;
        return true;
    }

    private void OnStateChanged(RouterEntry entry, in VirtualRouterAction action)
    {
        switch (action.Reason)
        {
            case StateChangeReason.MasterDownTimerExpired:
                Log.ReceiveTimeout(Logger, entry.Name);
                break;
            case StateChangeReason.HigherPriorityAdvertisement:
                Log.HigherPriority(Logger, entry.Name, action.Peer, action.PeerPriority, action.Priority);
                break;
            case StateChangeReason.SyncGroup when entry.Router.Group is { } group:
                Log.SyncGroupFollow(Logger, entry.Name, group.Name);
                break;
        }

        if (action.To == VrrpState.Stopped)
        {
            Log.Stopped(Logger, entry.Name);
        }
        else
        {
            Log.EnteringState(Logger, entry.Name, StateNames[(int)action.To]);
        }

        var router = entry.Router;
        var change = new VrrpStateChange
        {
            InstanceName = entry.Name,
            PreviousState = action.From,
            State = action.To,
            Reason = action.Reason,
            Priority = action.Priority,
            MasterAddress = action.To == VrrpState.Master ? router.LocalAddress
                : action.To == VrrpState.Backup && action.Reason == StateChangeReason.HigherPriorityAdvertisement ? action.Peer : null,
            MasterPriority = action.Reason == StateChangeReason.HigherPriorityAdvertisement ? action.PeerPriority : 0,
            Timestamp = TimeProvider.GetUtcNow(),
            Sequence = ++entry.Sequence,
        };
        entry.LastStateChange = change;
        entry.PendingApply = change;
        if (action.From == VrrpState.Master)
        {
            entry.SplitActive = false;   // a split-brain episode is a master's
        }

        _applyOrder.Add(entry);
        _observers.StateChanged(change);
    }

    private void QueueApplied(RouterEntry entry)
    {
        _worker.Enqueue(new AddressWork(entry, AddressWorkKind.Applied, Change: entry.PendingApply));
        entry.PendingApply = null;
    }

    private void ReportDrop(int channel, in DatagramResult result, long now)
    {
        if (result.Router is not { } router)
        {
            if (result.Reason == DropReason.UnknownVirtualRouterId && LogUnknownVirtualRouterIds)
            {
                // keepalived's log_unknown_vrids: every one, in its words.
                Log.UnknownVirtualRouterId(Logger, result.VirtualRouterId, _set.GetChannel(channel).InterfaceName);
            }

            if (result.Reason != DropReason.UnknownVirtualRouterId && now - _lastUnattributedLog >= LogInterval)
            {
                _lastUnattributedLog = now;
                Log.DroppedUnattributed(Logger, result.Source, _set.GetChannel(channel).InterfaceName, result.Reason);
            }

            return;
        }

        var entry = _entries[router];
        if (result.Reason == DropReason.VersionMismatch && result.PeerVersion is VrrpVersion.V2 or VrrpVersion.V3 &&
            result.PeerVersion != entry.Configuration.Version)
        {
            // A peer of the other version: logged once per episode (below), not once a second as a drop.
            NoteVersionMismatch(entry, in result, now);
            return;
        }

        int slot = Math.Min((int)result.Reason, entry.LastDropLog.Length - 1);
        if (!Due(ref entry.LastDropLog[slot], now))
        {
            return;
        }

        switch (result.Reason)
        {
            case DropReason.OwnAdvertisement:
                Log.OwnAddressAdvert(Logger, entry.Name, result.Source);
                break;
            case DropReason.AuthenticationFailure:
                Log.InvalidPassword(Logger, entry.Name);
                break;
            case DropReason.AuthenticationUnsupported:
                Log.InvalidAuthenticationType(Logger, entry.Name, result.PeerAuthenticationType);
                break;
            case DropReason.IntervalMismatch:
                Log.IntervalMismatch(Logger, entry.Name, (int)entry.Configuration.AdvertisementInterval.TotalSeconds, result.Interval);
                break;
            case DropReason.TtlNot255 when result.HopLimit >= 0:
                Log.InvalidTtl(Logger, entry.Name, result.HopLimit, result.Source);
                break;
            case DropReason.TtlOutOfRange when entry.Configuration.PeerHopLimits.TryGetValue(result.Source, out var range):
                Log.TtlOutOfRange(Logger, entry.Name, result.HopLimit, range.Minimum, range.Maximum, result.Source);
                break;
            default:
                Log.Dropped(Logger, entry.Name, result.Source, result.Reason);
                break;
        }
    }

    private void NoteVersionMismatch(RouterEntry entry, in DatagramResult result, long now)
    {
        // The episode lasts while adverts keep coming: it ends after three of the peer's intervals without one.
        long peerInterval = result.PeerVersion == VrrpVersion.V2
            ? result.Interval * ProtocolTimers.NanosecondsPerSecond
            : result.Interval * ProtocolTimers.NanosecondsPerCentisecond;
        long window = 3 * Math.Max(peerInterval, entry.Router.AdvertisementInterval);
        var utcNow = TimeProvider.GetUtcNow();
        if (!entry.InMismatchEpisode(now))
        {
            entry.MismatchSince = utcNow;
            entry.MismatchAdverts = 0;
            var config = entry.Configuration;
            Log.VersionMismatch(
                Logger,
                entry.Name,
                result.Source,
                config.InterfaceName,
                (int)result.PeerVersion,
                config.VirtualRouterId,
                (int)config.Version,
                TimeSpan.FromTicks(window / 100));
        }

        entry.MismatchPeer = result.Source;
        entry.MismatchPeerVersion = result.PeerVersion;
        entry.MismatchLast = now;
        entry.MismatchLastSeen = utcNow;
        entry.MismatchWindow = window;
        entry.MismatchAdverts++;
    }

    private void OnAddressWorkDone(AddressWork work, Exception? error, string? subject)
    {
        lock (_gate)
        {
            var entry = work.Router;
            switch (work.Kind)
            {
                case AddressWorkKind.Announce:
                    if (error is not null)
                    {
                        entry.AddressError = $"could not announce the virtual addresses: {error.Message}";
                        entry.ApplyError ??= entry.AddressError;
                    }

                    _observers.Announced(entry.Name, work.Announcement, work.Repeat);
                    break;
                case AddressWorkKind.Applied:
                    var change = work.Change! with { HoldsVirtualAddresses = entry.HoldsAddresses, AddressError = entry.ApplyError };
                    entry.ApplyError = null;
                    if (entry.LastStateChange?.Sequence == change.Sequence)
                    {
                        entry.LastStateChange = change;   // the status then shows the change as applied
                    }

                    _observers.StateApplied(change);
                    break;
                default:
                    bool added = work.Kind is not (AddressWorkKind.Remove or AddressWorkKind.RemoveOne);
                    if (work.Kind == AddressWorkKind.Add)
                    {
                        entry.HoldsAddresses = error is null;
                    }
                    else if (work.Kind == AddressWorkKind.Remove)
                    {
                        entry.HoldsAddresses = false;
                    }

                    entry.AddressError = error is null ? null
                        : subject is null ? $"could not {(added ? "add" : "remove")} the virtual addresses: {error.Message}"
                        : $"could not {(added ? "add" : "remove")} the virtual addresses: {subject}: {error.Message}";
                    if (error is not null)
                    {
                        entry.ApplyError ??= entry.AddressError;
                    }

                    _observers.AddressesChanged(entry.Name, added, error);
                    if (work.Kind is AddressWorkKind.Add or AddressWorkKind.AddOne)
                    {
                        OnAddressesAdded(entry, error is null ? null : entry.AddressError);
                    }

                    break;
            }
        }
    }
}
