using Microsoft.Extensions.Logging;
using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>The driver's observers: each call reaches every observer, and one that throws is logged and skipped.</summary>
internal sealed class ObserverList(ILogger logger)
{
    private VrrpObserver[] _observers = [];

    public void Add(VrrpObserver observer) => _observers = [.. _observers, observer];

    public void StateChanged(VrrpStateChange change) => Each(change, static (o, c) => o.OnStateChanged(c));

    public void StateApplied(VrrpStateChange change) => Each(change, static (o, c) => o.OnStateApplied(c));

    public void PriorityChanged(string instance, int priority) => Each((instance, priority), static (o, a) => o.OnPriorityChanged(a.instance, a.priority));

    public void AddressesChanged(string instance, bool added, Exception? error) =>
        Each((instance, added, error), static (o, a) => o.OnAddressesChanged(a.instance, a.added, a.error));

    public void Announced(string instance, AnnouncementReason reason, int repeat) =>
        Each((instance, reason, repeat), static (o, a) => o.OnAnnounced(a.instance, a.reason, a.repeat));

    public void LowerPriorityAdvertisement(string instance, IPAddressValue source, byte priority) =>
        Each((instance, source, priority), static (o, a) => o.OnLowerPriorityAdvertisement(a.instance, a.source, a.priority));

    private void Each<T>(T argument, Action<VrrpObserver, T> call)
    {
        var observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            try
            {
                call(observers[i], argument);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(logger, ex);
            }
        }
    }
}
