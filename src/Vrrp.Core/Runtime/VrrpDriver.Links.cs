using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vrrp.Election;
using Vrrp.Packets;

namespace Vrrp.Runtime;

// Links: the interfaces to watch, the link monitor's events, and virtual addresses removed behind our back.
public partial class VrrpDriver : IAsyncDisposable
{
    private HashSet<string> InterfacesToWatch()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var router in _set.Routers)
        {
            if (!router.Configuration.HasNoInterface)
            {
                names.Add(router.Configuration.InterfaceName);
            }

            foreach (var tracker in router.Configuration.EffectiveTrackers)
            {
                if (tracker.Kind == TrackerKind.Interface)
                {
                    names.Add(tracker.Name);
                }
            }
        }

        return names;
    }

    private async Task WatchLinksAsync(ILinkMonitor monitor, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var linkEvent in monitor.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await FollowLostInterfaceAsync(monitor, linkEvent, cancellationToken).ConfigureAwait(false))
                {
                    OnDelayedLinkEvent(linkEvent);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.LinkWatchFailed(Logger, ex);
        }
    }

    private void OnLinkEvent(LinkEvent linkEvent)
    {
        lock (_gate)
        {
            if (_runState is not (RunState.Running or RunState.Starting))
            {
                return;
            }

            long now = Now;
            switch (linkEvent.Kind)
            {
                case LinkEventKind.Up:
                case LinkEventKind.Down:
                case LinkEventKind.Removed:
                    bool up = linkEvent.Kind == LinkEventKind.Up;
                    foreach (var router in _set.Routers)
                    {
                        if (string.Equals(router.Configuration.InterfaceName, linkEvent.InterfaceName, StringComparison.Ordinal))
                        {
                            Log.LinkChanged(Logger, router.Name, linkEvent.InterfaceName, up ? "up" : "down");
                        }
                    }

                    _set.SetInterfaceState(linkEvent.InterfaceName, up, now);
                    if (up)
                    {
                        RetryAddressFaultsOn(linkEvent.InterfaceName);
                    }

                    break;
                case LinkEventKind.AddressRemoved when linkEvent.Address is { } removed:
                    foreach (var router in _set.Routers)
                    {
                        if (router.State == VrrpState.Master)
                        {
                            PutBackIfOurs(_entries[router], linkEvent.InterfaceName, removed);
                        }
                    }

                    _set.SetAddressPresent(linkEvent.InterfaceName, removed, present: false, now); // track_src_ip
                    break;
                case LinkEventKind.AddressAdded when linkEvent.Address is { } added:
                    _set.SetAddressPresent(linkEvent.InterfaceName, added, present: true, now);
                    break;
            }

            Perform(now);
        }

        _worker.Kick(RunsAddressWorkInline);
    }

    private void PutBackIfOurs(RouterEntry entry, string interfaceName, IPAddressValue removed)
    {
        foreach (var (target, addresses) in entry.AnnounceTargets)
        {
            if (!string.Equals(target, interfaceName, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var address in addresses)
            {
                // no_track: not put back (keepalived adds it again at the next takeover).
                if (address.Address == removed && !address.NoTrack)
                {
                    Log.AddressRemovedExternally(Logger, entry.Name, removed, interfaceName);
                    _worker.Enqueue(new AddressWork(entry, AddressWorkKind.AddOne, Address: address));
                }
            }
        }
    }
}
