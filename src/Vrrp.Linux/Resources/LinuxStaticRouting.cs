using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Vrrp.Hosting;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Routing;

namespace Vrrp.Linux.Resources;

/// <summary>
/// keepalived's <c>static_ipaddress</c>, <c>static_routes</c> and <c>static_rules</c> (<see cref="VrrpOptions.StaticAddresses"/>...)
/// on the Linux platform, as keepalived 2.2.7 handles them, whatever the instances' states: at start a copy of each static
/// rule is removed (a leftover) and then addresses, routes and rules are added; an address or route that is already
/// there counts as added (keepalived takes the kernel's EEXIST as success), so it is removed at stop too; at stop what
/// was added is removed, rules first, then routes, then addresses. An address
/// removed behind our back is put back, and so are the addresses and routes of an interface that comes back up
/// (unless <c>no_track</c>). A changed configuration (a reload) removes what is gone and adds what is new.
/// </summary>
internal sealed class LinuxStaticRouting(IServiceProvider services, IOptions<VrrpOptions> options, ILoggerFactory? loggers) : IHostedService, IDisposable
{
    /// <summary>How many copies of one rule a crashed run may have left.</summary>
    private const int MaxLeftovers = 16;

    private readonly ILogger _logger = loggers?.CreateLogger("Vrrp.Linux") ?? NullLogger.Instance;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<VirtualAddress> _addresses = [];
    private readonly List<VirtualRoute> _routes = [];
    private readonly List<VirtualRule> _rules = [];
    private StaticEntries _configured = StaticEntries.Empty;
    private LinuxVrrpPlatform? _platform;
    private readonly List<IDisposable> _changeWatches = [];
    private Task? _watch;
    private int _disposed;

    /// <summary>The static entries of a configuration, as the platform installs them.</summary>
    internal sealed record StaticEntries(IReadOnlyList<VirtualAddress> Addresses, IReadOnlyList<VirtualRoute> Routes, IReadOnlyList<VirtualRule> Rules)
    {
        public static StaticEntries Empty { get; } = new([], [], []);

        public bool IsEmpty => Addresses.Count == 0 && Routes.Count == 0 && Rules.Count == 0;

        // keepalived's default_interface (eth0 without it): where a static address without dev goes.
        private static string DefaultInterfaceOf(VrrpOptions o) =>
            string.IsNullOrEmpty(o.DefaultInterface) ? VirtualAddressSpec.DefaultStaticInterface : o.DefaultInterface;

        public static StaticEntries Of(VrrpOptions o) => new(
            [.. o.StaticAddresses.Select(static a => VirtualAddressSpec.Parse(a).ToVirtualAddress()).Select(a => a.Device is null ? a with { Device = DefaultInterfaceOf(o) } : a)],
            [.. o.StaticRoutes.Select(static r => VrrpLinuxBuilderExtensions.RouteOf(VirtualRouteSpec.Parse(r)))],
            [.. o.StaticRules.Select(static r => VrrpLinuxBuilderExtensions.RuleOf(VirtualRuleSpec.Parse(r)))]);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var entries = StaticEntries.Of(options.Value);
        lock (_gate)
        {
            _configured = entries;
            if (!entries.IsEmpty)
            {
                var platform = Platform();
                foreach (var rule in entries.Rules)
                {
                    for (int i = 0; i < MaxLeftovers && Try("remove leftover", "rule", rule.ToString(), () => platform.Netlink.DeleteRule(rule)); i++)
                    {
                    }
                }

                Add(entries);
            }
        }

        // A reload: the change tokens the host follows (a configuration file read again), and IVrrpReloader (vrrpd's
        // SIGHUP), which UseLinux wraps to call Reload after an applied reload.
        foreach (var source in services.GetServices<IOptionsChangeTokenSource<VrrpOptions>>())
        {
            if (source.Name is null || source.Name == Options.DefaultName)
            {
                _changeWatches.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        StopWatchingForChanges();
        lock (_gate)
        {
            Remove(static _ => true);
        }

        return _watch is null ? Task.CompletedTask : _watch.WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    // The container disposes it once per registration (itself and as a hosted service).
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            StopWatchingForChanges();
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    /// <summary>Builds the options again, as the host does at a reload; a configuration with errors changes nothing (the host refuses it too).</summary>
    internal void Reload()
    {
        VrrpOptions o;
        try
        {
            o = services.GetRequiredService<IOptionsFactory<VrrpOptions>>().Create(Options.DefaultName);
        }
        catch (Exception ex) when (ex is OptionsValidationException or FormatException or InvalidOperationException or IOException)
        {
            return;
        }

        Reconfigure(o);
    }

    private void StopWatchingForChanges()
    {
        lock (_changeWatches)
        {
            foreach (var watch in _changeWatches)
            {
                watch.Dispose();
            }

            _changeWatches.Clear();
        }
    }

    // A reload: what is no longer configured goes, what is new comes (keepalived's clear_diff_static_*).
    private void Reconfigure(VrrpOptions o)
    {
        StaticEntries entries;
        try
        {
            entries = StaticEntries.Of(o);
        }
        catch (FormatException)
        {
            return; // an invalid configuration is refused by the validator; the running one stays
        }

        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _configured = entries;
            Remove(e => e switch
            {
                VirtualAddress a => !entries.Addresses.Contains(a),
                VirtualRoute r => !entries.Routes.Contains(r),
                VirtualRule r => !entries.Rules.Contains(r),
                _ => false,
            });
            if (!entries.IsEmpty)
            {
                Add(entries);
            }
        }
    }

    private LinuxVrrpPlatform Platform()
    {
        if (_platform is null)
        {
            _platform = services.GetRequiredService<LinuxPlatformLifetime>().Linux;
            var monitor = _platform.LinkMonitor;
            _watch = Task.Run(() => WatchAsync(monitor, _stopping.Token));
        }

        return _platform;
    }

    // Adds what is configured and not installed by us yet.
    private void Add(StaticEntries entries)
    {
        var platform = Platform();
        foreach (var address in entries.Addresses.Where(a => !_addresses.Contains(a)))
        {
            string device = address.Device!;
            if (Try("add", "static address", $"{address} dev {device}", () => platform.Netlink.AddAddress(platform.Netlink.GetLink(device), address) || true))
            {
                _addresses.Add(address);
            }
        }

        foreach (var route in entries.Routes.Where(r => !_routes.Contains(r)))
        {
            if (Try("add", "static route", route.ToString(), () => platform.Netlink.AddRoute(route, platform.Netlink.DeviceIndex(route.Device)) || true))
            {
                _routes.Add(route);
            }
        }

        foreach (var rule in entries.Rules.Where(r => !_rules.Contains(r)))
        {
            if (Try("add", "static rule", rule.ToString(), () => platform.Netlink.AddRule(rule) || true))
            {
                _rules.Add(rule);
            }
        }
    }

    // Removes what we installed and <paramref name="which"/> selects: rules, then routes, then addresses (keepalived's order).
    private void Remove(Func<object, bool> which)
    {
        if (_platform is not { } platform)
        {
            return;
        }

        foreach (var rule in _rules.Where(r => which(r)).ToList())
        {
            Try("remove", "static rule", rule.ToString(), () => platform.Netlink.DeleteRule(rule));
            _rules.Remove(rule);
        }

        foreach (var route in _routes.Where(r => which(r)).ToList())
        {
            Try("remove", "static route", route.ToString(), () => platform.Netlink.DeleteRoute(route, platform.Netlink.DeviceIndex(route.Device)));
            _routes.Remove(route);
        }

        foreach (var address in _addresses.Where(a => which(a)).ToList())
        {
            Try("remove", "static address", $"{address} dev {address.Device}", () => platform.Netlink.DeleteAddress(platform.Netlink.GetLink(address.Device!), address));
            _addresses.Remove(address);
        }
    }

    // keepalived puts back a static address removed behind its back, and the addresses and routes of an interface that
    // comes back up (all but no_track ones).
    private async Task WatchAsync(ILinkMonitor monitor, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in monitor.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    var platform = _platform!;
                    foreach (var address in _configured.Addresses.Where(a => !a.NoTrack && a.Device == e.InterfaceName &&
                        (e.Kind == LinkEventKind.Up || (e.Kind == LinkEventKind.AddressRemoved && e.Address == a.Address))))
                    {
                        if (Try("put back", "static address", $"{address} dev {address.Device}", () => platform.Netlink.AddAddress(platform.Netlink.GetLink(address.Device!), address) || true) &&
                            !_addresses.Contains(address))
                        {
                            _addresses.Add(address);
                        }
                    }

                    foreach (var route in _configured.Routes.Where(r => !r.NoTrack && r.Device == e.InterfaceName && e.Kind == LinkEventKind.Up))
                    {
                        if (Try("put back", "static route", route.ToString(), () => platform.Netlink.AddRoute(route, platform.Netlink.DeviceIndex(route.Device)) || true) &&
                            !_routes.Contains(route))
                        {
                            _routes.Add(route);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is NetlinkException or IOException or System.Net.Sockets.SocketException)
        {
            Log.OperationFailed(_logger, "static", "watch", "links for", "static entries", ex);
        }
    }

    // The action's result (for an add: true, whether added or already there); false when the kernel refused (logged).
    private bool Try(string operation, string what, string text, Func<bool> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is NetlinkException or IOException or UnauthorizedAccessException)
        {
            Log.OperationFailed(_logger, "static", operation, what, text, ex);
            return false;
        }
    }
}

/// <summary>IVrrpReloader with the static entries following an applied reload (vrrpd's SIGHUP calls it).</summary>
internal sealed class StaticRoutingReloader(IVrrpReloader inner, LinuxStaticRouting statics) : IVrrpReloader
{
    public async Task<VrrpReloadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (result.Applied)
        {
            statics.Reload();
        }

        return result;
    }
}
