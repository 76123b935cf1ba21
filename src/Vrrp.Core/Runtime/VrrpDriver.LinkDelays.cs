namespace Vrrp.Runtime;

// keepalived's interface_up_down_delays: a link change of an interface with a delay acts only once the delay has
// passed without the opposite change (keepalived_netlink.c, update_interface_flags).
public partial class VrrpDriver
{
    private readonly Dictionary<string, (TimeSpan Down, TimeSpan Up)> _linkDelays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Up, ITimer Timer)> _pendingLinks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _linkUp = new(StringComparer.Ordinal);

    /// <summary>
    /// Delays the link changes the link monitor reports for <paramref name="interfaceName"/> (keepalived's
    /// <c>interface_up_down_delays</c>): a down acts after <paramref name="down"/>, an up after <paramref name="up"/>,
    /// and a change that is undone within its delay does not act at all. The first up of an interface never seen up acts
    /// at once, as in keepalived. Zero (both) removes the delays. Can be called before or after the start.
    /// </summary>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="down">How long a link must stay down before the instances on it see it down.</param>
    /// <param name="up">How long a link must stay up before they see it up.</param>
    /// <exception cref="ArgumentOutOfRangeException">A delay is negative.</exception>
    public void SetLinkDelays(string interfaceName, TimeSpan down, TimeSpan up)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(down, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(up, TimeSpan.Zero);
        lock (_gate)
        {
            if (down == TimeSpan.Zero && up == TimeSpan.Zero)
            {
                _linkDelays.Remove(interfaceName);
            }
            else
            {
                _linkDelays[interfaceName] = (down, up);
            }
        }
    }

    /// <summary>A link monitor's event, delayed when its interface has delays (see <see cref="SetLinkDelays"/>).</summary>
    private void OnDelayedLinkEvent(LinkEvent linkEvent)
    {
        if (linkEvent.Kind is not (LinkEventKind.Up or LinkEventKind.Down))
        {
            if (linkEvent.Kind == LinkEventKind.Removed)
            {
                CancelPendingLink(linkEvent.InterfaceName, log: false);
                lock (_gate)
                {
                    _linkUp.Remove(linkEvent.InterfaceName);
                }
            }

            OnLinkEvent(linkEvent);
            return;
        }

        if (!Delays(linkEvent))
        {
            OnLinkEvent(linkEvent);
        }
    }

    /// <summary>Records the change, or delays it (true: it acts later, or not at all).</summary>
    private bool Delays(LinkEvent linkEvent)
    {
        string name = linkEvent.InterfaceName;
        bool nowUp = linkEvent.Kind == LinkEventKind.Up;
        lock (_gate)
        {
            if (_linkDelays.Count == 0 || (!_linkDelays.ContainsKey(name) && !_pendingLinks.ContainsKey(name)))
            {
                return false; // no delays here: at once, and nothing recorded (no allocation per event)
            }

            if (_pendingLinks.TryGetValue(name, out var pending))
            {
                if (pending.Up != nowUp)
                {
                    // The opposite of the waiting change: the link is back as it was, nothing happened.
                    pending.Timer.Dispose();
                    _pendingLinks.Remove(name);
                    Log.LinkDelayCancelled(Logger, name);
                }

                return true; // (or the same change, already waiting)
            }

            bool known = _linkUp.TryGetValue(name, out bool wasUp);
            if (_linkDelays.TryGetValue(name, out var delays) && (known ? wasUp != nowUp : !nowUp))
            {
                // Down from up (or from unknown: the interface was up when watched), or up again after a down.
                var delay = nowUp ? delays.Up : delays.Down;
                bool seenUp = !known || wasUp || _seenUp.Contains(name);
                if (delay > TimeSpan.Zero && seenUp)
                {
                    var timer = TimeProvider.CreateTimer(_ => OnLinkDelayPassed(name, nowUp), null, delay, Timeout.InfiniteTimeSpan);
                    _pendingLinks[name] = (nowUp, timer);
                    Log.LinkChangeDelayed(Logger, name, nowUp ? "up" : "down", delay.TotalSeconds);
                    return true;
                }
            }

            _linkUp[name] = nowUp;
            if (nowUp || !known || wasUp)
            {
                _seenUp.Add(name);
            }

            return false;
        }
    }

    private readonly HashSet<string> _seenUp = new(StringComparer.Ordinal);

    private void OnLinkDelayPassed(string name, bool up)
    {
        lock (_gate)
        {
            if (!_pendingLinks.Remove(name, out var pending) || pending.Up != up)
            {
                return;
            }

            pending.Timer.Dispose();
            _linkUp[name] = up;
            _seenUp.Add(name);
        }

        OnLinkEvent(new LinkEvent(name, up ? LinkEventKind.Up : LinkEventKind.Down));
    }

    private void CancelPendingLink(string name, bool log)
    {
        lock (_gate)
        {
            if (_pendingLinks.Remove(name, out var pending))
            {
                pending.Timer.Dispose();
                if (log)
                {
                    Log.LinkDelayCancelled(Logger, name);
                }
            }
        }
    }

    /// <summary>At stop: no delayed change acts any more.</summary>
    private void CancelPendingLinks()
    {
        lock (_gate)
        {
            foreach (var (_, pending) in _pendingLinks)
            {
                pending.Timer.Dispose();
            }

            _pendingLinks.Clear();
        }
    }
}
