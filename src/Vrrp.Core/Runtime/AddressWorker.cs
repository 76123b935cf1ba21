using Microsoft.Extensions.Logging;
using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>What the address worker does for a router.</summary>
internal enum AddressWorkKind
{
    /// <summary>Put the router's virtual and excluded addresses on their interfaces.</summary>
    Add,

    /// <summary>Take them off.</summary>
    Remove,

    /// <summary>Put one address back (removed behind our back while master).</summary>
    AddOne,

    /// <summary>Announce the addresses (gratuitous ARP / unsolicited NA).</summary>
    Announce,

    /// <summary>Take one address off (a reload removed it from a master's configuration).</summary>
    RemoveOne,

    /// <summary>
    /// No work: a marker queued after the address work of a state change, so that its completion says that work
    /// (in queue order) is done; the driver then reports the change as applied.
    /// </summary>
    Applied,
}

/// <summary>One piece of address work.</summary>
internal readonly record struct AddressWork(RouterEntry Router, AddressWorkKind Kind, int Repeat = 0, AnnouncementReason Announcement = AnnouncementReason.None, VirtualAddress? Address = null, VrrpStateChange? Change = null);

/// <summary>
/// Adds, removes and announces virtual addresses in the order the routers asked, one piece at a time, off the
/// protocol's path: a slow kernel (or a cloud API behind a custom address manager) never holds up an election. Every
/// call gets the worker's cancellation token, cancelled when the driver aborts or gives up waiting at stop.
/// </summary>
/// <remarks>The completion callback gets the work, its first error, and what that error was about ("192.0.2.1/32 on eth1"), or null.</remarks>
internal sealed class AddressWorker(IVirtualAddressManager addresses, IAddressAnnouncer? announcer, ILogger logger, Action<AddressWork, Exception?, string?> completed, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // When the next gratuitous ARP / neighbour advertisement may go, per pacing key (an interface, or a garp_group
    // with its interfaces); touched only by the worker, which runs one piece of work at a time.
    private readonly Dictionary<string, DateTimeOffset> _nextAnnouncement = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private readonly Queue<AddressWork> _queue = new();
    private readonly CancellationTokenSource _cancel = new();
    private Task _running = Task.CompletedTask;
    private bool _active;

    /// <summary>Queues work; call <see cref="Kick"/> once the caller holds no lock.</summary>
    public void Enqueue(in AddressWork work)
    {
        lock (_gate)
        {
            _queue.Enqueue(work);
        }
    }

    /// <summary>
    /// Starts the worker if it is idle and has work. Inline, the work runs on the caller's thread until its first
    /// asynchronous wait (an in-memory platform completes at once, which keeps simulations deterministic); otherwise
    /// on the thread pool (a driver loop thread that must never wait for the kernel's address calls).
    /// </summary>
    public void Kick(bool inline)
    {
        Task running;
        lock (_gate)
        {
            if (_active || _queue.Count == 0)
            {
                return;
            }

            _active = true;
            running = inline ? Task.CompletedTask : Task.Run(RunAsync);
            _running = running;
        }

        if (inline)
        {
            running = RunAsync();
            lock (_gate)
            {
                if (_active)
                {
                    _running = running;
                }
            }
        }
    }

    /// <summary>Waits until the queue is empty and the worker idle.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task running;
            bool idleWithWork;
            lock (_gate)
            {
                if (!_active && _queue.Count == 0)
                {
                    return;
                }

                idleWithWork = !_active;
                running = _running;
            }

            if (idleWithWork)
            {
                Kick(inline: false);
            }
            else if (running.IsCompleted)
            {
                // Started inline on another thread and not yet recorded: look again shortly.
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Cancels the work under way and drops what is queued.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            _queue.Clear();
        }

        _cancel.Cancel();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            AddressWork work;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out work))
                {
                    _active = false;
                    return;
                }
            }

            var (error, subject) = await PerformAsync(work, _cancel.Token).ConfigureAwait(false);
            if (_cancel.IsCancellationRequested)
            {
                continue;
            }

            completed(work, error, subject);
        }
    }

    private async Task<(Exception? Error, string? Subject)> PerformAsync(AddressWork work, CancellationToken token)
    {
        var router = work.Router;
        Exception? error = null;
        string? subject = null;
        try
        {
            switch (work.Kind)
            {
                case AddressWorkKind.Add:
                case AddressWorkKind.Remove:
                    // The platform's part around the addresses: before adding (an Accept_Mode filter must drop
                    // before the address exists) and after removing; routes and rules after adding, before removing.
                    error = await ResourceStepAsync(router, work.Kind == AddressWorkKind.Add ? "prepare adding the addresses" : "prepare removing the addresses", token, work.Kind == AddressWorkKind.Add
                        ? static (r, c, t) => r.AddingAddressesAsync(c, t)
                        : static (r, c, t) => r.RemovingAddressesAsync(c, t)).ConfigureAwait(false);
                    foreach (var (interfaceName, list) in router.AnnounceTargets)
                    {
                        foreach (var address in list)
                        {
                            if (work.Kind == AddressWorkKind.Remove && router.Retained.Contains(address.Address))
                            {
                                continue;
                            }

                            try
                            {
                                if (work.Kind == AddressWorkKind.Add)
                                {
                                    await addresses.AddAsync(interfaceName, address, token).ConfigureAwait(false);
                                }
                                else
                                {
                                    await addresses.RemoveAsync(interfaceName, address, token).ConfigureAwait(false);
                                }
                            }
                            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                            {
                                // Keep going with the other addresses: one failure must not leave the rest behind.
                                if (error is null)
                                {
                                    error = ex;
                                    subject = $"{address} on {interfaceName}";
                                }

                                Log.AddressOperationFailed(logger, router.Name, work.Kind == AddressWorkKind.Add ? "add" : "remove", ex);
                            }
                        }
                    }

                    var after = await ResourceStepAsync(router, work.Kind == AddressWorkKind.Add ? "complete adding the addresses" : "complete removing the addresses", token, work.Kind == AddressWorkKind.Add
                        ? static (r, c, t) => r.AddedAddressesAsync(c, t)
                        : static (r, c, t) => r.RemovedAddressesAsync(c, t)).ConfigureAwait(false);
                    error ??= after;
                    break;
                case AddressWorkKind.AddOne or AddressWorkKind.RemoveOne:
                    var one = work.Address!;
                    string device = one.Device ?? router.Configuration.InterfaceName;
                    subject = $"{one} on {device}";
                    await (work.Kind == AddressWorkKind.AddOne
                        ? addresses.AddAsync(device, one, token)
                        : addresses.RemoveAsync(device, one, token)).ConfigureAwait(false);
                    break;
                case AddressWorkKind.Announce:
                    if (announcer is null)
                    {
                        break;
                    }

                    var config = router.Configuration;
                    List<(string Interface, VirtualAddress Address, TimeSpan Gap, string Key, int Order)>? pending = null;
                    int order = 0;
                    foreach (var (interfaceName, list) in router.AnnounceTargets)
                    {
                        // garp_extra_if: the addresses on the other interfaces (all of them with "all").
                        if (work.Announcement == AnnouncementReason.ExtraInterfaces && !config.GarpExtraInterfacesAll &&
                            string.Equals(interfaceName, config.InterfaceName, StringComparison.Ordinal))
                        {
                            continue;
                        }

                        foreach (var address in list)
                        {
                            if (address.Family == VrrpAddressFamily.IPv4)
                            {
                                Log.SendingGratuitousArp(logger, router.Name, interfaceName, address.Address);
                            }
                            else
                            {
                                Log.SendingUnsolicitedNeighbourAdvert(logger, router.Name, interfaceName, address.Address);
                            }
                        }

                        var garp = PacingOf(config, interfaceName, VrrpAddressFamily.IPv4);
                        var gna = PacingOf(config, interfaceName, VrrpAddressFamily.IPv6);
                        bool paced = garp.Gap > TimeSpan.Zero || gna.Gap > TimeSpan.Zero;
                        for (int i = 0; i < work.Repeat; i++)
                        {
                            if (!paced)
                            {
                                await announcer.AnnounceAsync(interfaceName, list, token).ConfigureAwait(false);
                                continue;
                            }

                            // garp_interval / gna_interval (global, or the interface's garp_group), as keepalived
                            // paces them: a frame goes at once when the gap since the last one of its kind on the
                            // interface (on any interface of its group, whichever router sent it) has passed;
                            // otherwise the address waits, once: its further repeats fold into that one.
                            for (int a = 0; a < list.Length; a++)
                            {
                                var address = list[a];
                                var (gap, key) = address.Family == VrrpAddressFamily.IPv4 ? garp : gna;
                                if (gap <= TimeSpan.Zero || !_nextAnnouncement.TryGetValue(key, out var next) || _time.GetUtcNow() >= next)
                                {
                                    await announcer.AnnounceAsync(interfaceName, [address], token).ConfigureAwait(false);
                                    if (gap > TimeSpan.Zero)
                                    {
                                        _nextAnnouncement[key] = _time.GetUtcNow() + gap;
                                    }
                                }
                                else if (!(pending ??= []).Exists(p => p.Address == address && string.Equals(p.Interface, interfaceName, StringComparison.Ordinal)))
                                {
                                    pending.Add((interfaceName, address, gap, key, order + a));
                                }
                            }
                        }

                        order += list.Length;
                    }

                    // The waiting ones, each when its interface (group) is free again, in the order they were
                    // configured (as keepalived's delayed-announcement thread walks its addresses); the worker waits meanwhile.
                    while (pending is { Count: > 0 })
                    {
                        var now = _time.GetUtcNow();
                        int due = 0;
                        for (int p = 1; p < pending.Count; p++)
                        {
                            var (next, best) = (NextOf(pending[p].Key, now), NextOf(pending[due].Key, now));
                            if (next < best || (next == best && pending[p].Order < pending[due].Order))
                            {
                                due = p;
                            }
                        }

                        var (interfaceName, address, gap, key, _) = pending[due];
                        pending.RemoveAt(due);
                        if (NextOf(key, now) - now is { Ticks: > 0 } wait)
                        {
                            await Task.Delay(wait, _time, token).ConfigureAwait(false);
                        }

                        await announcer.AnnounceAsync(interfaceName, [address], token).ConfigureAwait(false);
                        _nextAnnouncement[key] = _time.GetUtcNow() + gap;
                    }

                    break;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return (null, null);
        }
        catch (Exception ex)
        {
            error = ex;
            if (work.Kind == AddressWorkKind.Announce)
            {
                Log.AnnounceFailed(logger, router.Name, ex);
            }
            else
            {
                Log.AddressOperationFailed(logger, router.Name, work.Kind == AddressWorkKind.RemoveOne ? "remove" : "add", ex);
            }
        }

        return (error, error is null ? null : subject);
    }

    private DateTimeOffset NextOf(string key, DateTimeOffset now) => _nextAnnouncement.TryGetValue(key, out var next) ? next : now;

    // The gap and the pacing key of one kind of announcement on an interface: the interface's garp_group if it has
    // one (its gap for that kind, none when the group does not set it), else the router's global gap for the
    // interface alone.
    private static (TimeSpan Gap, string Key) PacingOf(VirtualRouterConfiguration config, string interfaceName, VrrpAddressFamily family)
    {
        string kind = family == VrrpAddressFamily.IPv4 ? "arp" : "na";
        foreach (var group in config.AnnouncementPacingGroups)
        {
            if (group.Interfaces.Contains(interfaceName, StringComparer.Ordinal))
            {
                var gap = (family == VrrpAddressFamily.IPv4 ? group.GarpInterval : group.GnaInterval) ?? TimeSpan.Zero;
                return (gap, $"{kind} group {string.Join(' ', group.Interfaces)}");
            }
        }

        return (family == VrrpAddressFamily.IPv4 ? config.GarpInterval : config.GnaInterval, $"{kind} {interfaceName}");
    }

    // One call of the router's resources, if it has any; a failure is logged and returned, never thrown.
    private async Task<Exception?> ResourceStepAsync(RouterEntry router, string what, CancellationToken token, Func<VirtualRouterResources, VirtualRouterConfiguration, CancellationToken, ValueTask> step)
    {
        if (router.Resources is not { } resources)
        {
            return null;
        }

        try
        {
            await step(resources, router.Configuration, token).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            Log.ResourceOperationFailed(logger, router.Name, what, ex);
            return ex;
        }
    }
}
