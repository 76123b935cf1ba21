using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vrrp;
using Vrrp.Hosting;
using Vrrp.Linux;
using Vrrp.Linux.Processes;
using Vrrp.Linux.Interfaces;
using Vrrp.Linux.Resources;
using Vrrp.Linux.Routing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the host's virtual routers on the Linux data plane of Vrrp.Linux: <c>services.AddVrrp(...).UseLinux()</c>.</summary>
public static class VrrpLinuxBuilderExtensions
{
    /// <summary>
    /// Uses <see cref="LinuxVrrpPlatform"/> as the platform: raw-socket adverts, rtnetlink virtual addresses and link
    /// monitoring, gratuitous ARP and unsolicited neighbour advertisements; the instances run on its driver
    /// (<see cref="LinuxVrrpPlatform.CreateDriver(Microsoft.Extensions.Logging.ILoggerFactory?, TimeProvider?)"/>: one thread over epoll, a CLOCK_MONOTONIC timerfd, recvmmsg and
    /// sendmmsg; the host's <see cref="TimeProvider"/> only stamps state changes). The data plane is opened when the host
    /// starts (which fails with <see cref="MissingCapabilityException"/> without CAP_NET_RAW and CAP_NET_ADMIN) and
    /// closed when the host is disposed. The last <c>UseLinux</c> or <c>UsePlatform</c> call wins.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="networkNamespace">
    /// A namespace under <c>/run/netns</c> to work in; null for <see cref="VrrpOptions.NetworkNamespace"/> (keepalived's
    /// global <c>net_namespace</c>) when set, otherwise the process's own namespace.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="networkNamespace"/> is empty or whitespace.</exception>
    public static IVrrpBuilder UseLinux(this IVrrpBuilder builder, string? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (networkNamespace is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(networkNamespace);
        }

        // The container owns the data plane (it is IDisposable; VrrpPlatform is not), so it is closed with the host.
        builder.Services.RemoveAll<LinuxPlatformLifetime>();
        builder.Services.AddSingleton(sp => new LinuxPlatformLifetime(
            networkNamespace ?? sp.GetService<IOptions<VrrpOptions>>()?.Value.NetworkNamespace,
            SettingsOf(sp.GetService<IOptions<VrrpOptions>>()?.Value),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Vrrp.Linux")));

        // keepalived's static_ipaddress, static_routes and static_rules: installed at start, removed at stop, following
        // reloads (the host's own, and IVrrpReloader's, wrapped once).
        builder.Services.TryAddSingleton(static sp => new LinuxStaticRouting(sp, sp.GetRequiredService<IOptions<VrrpOptions>>(), sp.GetService<ILoggerFactory>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LinuxStaticRouting>(static sp => sp.GetRequiredService<LinuxStaticRouting>()));
        if (!builder.Services.Any(static d => d.ServiceType == typeof(StaticRoutingReloader)) &&
            builder.Services.LastOrDefault(static d => d.ServiceType == typeof(IVrrpReloader)) is { ImplementationFactory: { } reloader })
        {
            builder.Services.AddSingleton<StaticRoutingReloader>(sp => new((IVrrpReloader)reloader(sp), sp.GetRequiredService<LinuxStaticRouting>()));
            builder.Services.Replace(ServiceDescriptor.Singleton<IVrrpReloader>(static sp => sp.GetRequiredService<StaticRoutingReloader>()));
        }
        return builder
            .UsePlatform(static sp => sp.GetRequiredService<LinuxPlatformLifetime>().Platform)
            .UseVirtualRouterResources(static (sp, options, instance) => sp.GetRequiredService<LinuxPlatformLifetime>().Linux.CreateResources(
                LinuxInstanceOptionsOf(options, instance),
                sp.GetService<ILoggerFactory>()?.CreateLogger("Vrrp.Linux")))
            .AddTrackerSource(static sp => new ProcessTrackerSource(
                () => sp.GetRequiredService<IOptions<VrrpOptions>>().Value,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILoggerFactory>()?.CreateLogger("Vrrp.Linux.Processes") ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
            .UseDriver(static (sp, _) => sp.GetRequiredService<LinuxPlatformLifetime>().Linux.CreateDriver(
                sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
    }

    /// <summary>
    /// Makes an instance track a process (keepalived <c>vrrp_track_process NAME { ... }</c> and the instance's
    /// <c>track_process { NAME }</c>): up while the number of matching processes is within the quorum, followed from the
    /// kernel's process connector with one scan of /proc (no polling, no scripts), through <see cref="UseLinux"/>. The
    /// first call for a name defines it (<see cref="VrrpOptions.TrackProcesses"/>); every call adds the instance's
    /// reference (<see cref="VrrpInstanceOptions.TrackProcesses"/>) with the definition's weight. The process connector
    /// exists in the initial network namespace only, where the tracker opens it, whatever namespace the instances run in;
    /// it needs CAP_NET_ADMIN.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="instanceName">The instance that tracks the process.</param>
    /// <param name="name">The definition's name (keepalived's <c>vrrp_track_process</c> name).</param>
    /// <param name="configure">Sets the process, parameters, quorum, weight and delays.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A name is empty.</exception>
    public static IVrrpBuilder TrackProcess(this IVrrpBuilder builder, string instanceName, string name, Action<VrrpTrackProcessOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.PostConfigure<VrrpOptions>(o =>
        {
            if (!o.TrackProcesses.Any(p => string.Equals(p.Name, name, StringComparison.Ordinal)))
            {
                var definition = new VrrpTrackProcessOptions { Name = name };
                configure(definition);
                o.TrackProcesses.Add(definition);
            }

            var instance = o.Instances.Find(i => i.Name == instanceName)
                ?? throw new InvalidOperationException($"TrackProcess: instance '{instanceName}' is not configured (add it with AddInstance or in the \"Vrrp\" configuration section).");
            instance.TrackProcesses.Add(new TrackReferenceOptions { Name = name });
        });
        return builder;
    }

    /// <summary>
    /// What an instance's options ask of the Linux platform, with the names keepalived 2.2.7 gives its interfaces among
    /// all of <paramref name="all"/>'s instances (vrrp.c vrrp_complete_instance, in file order): an instance's own
    /// interface without a name gets create_vmac_name's first free name with <c>vmac_prefix</c>, avoiding every name an
    /// instance gives and the names earlier instances took (their own and their addresses' interfaces); its addresses'
    /// interfaces then avoid the same (<see cref="LinuxInstanceOptions.ReservedInterfaceNames"/>).
    /// </summary>
    internal static LinuxInstanceOptions LinuxInstanceOptionsOf(VrrpOptions all, VrrpInstanceOptions instance)
    {
        string prefix = all.VirtualMacPrefix ?? VirtualMacNames.DefaultPrefix;
        var used = new HashSet<string>(
            all.Instances.Select(static i => i.UseIpvlan ? i.IpvlanInterface : i.UseVirtualMac ? i.VirtualMacInterface : null).OfType<string>().Where(static n => n.Length > 0),
            StringComparer.Ordinal);
        foreach (var other in all.Instances)
        {
            var options = LinuxInstanceOptionsOf(other) with { VirtualMacPrefix = all.VirtualMacPrefix, VirtualMacAddressPrefix = all.VirtualMacAddressPrefix };
            var reserved = used.ToList();
            var family = other.VirtualAddresses.Count > 0 && VirtualAddressSpec.TryParse(other.VirtualAddresses[0], out var first, out _) ? first.Address.Family : VrrpAddressFamily.IPv4;
            byte vrid = (byte)Math.Clamp(other.VirtualRouterId, 0, 255);
            if (options.UseIpvlan && options.IpvlanInterface is null)
            {
                options = options with { IpvlanInterface = VirtualMacNames.Create(prefix, vrid, family, used) };
            }
            else if (options.UseVirtualMac && !options.UseIpvlan && options.VirtualMacInterface is null)
            {
                options = options with { VirtualMacInterface = VirtualMacNames.Create(prefix, vrid, family, used) };
            }

            if ((options.UseIpvlan ? options.IpvlanInterface : options.UseVirtualMac ? options.VirtualMacInterface : null) is { } own)
            {
                used.Add(own);
            }

            options = options with { ReservedInterfaceNames = reserved };
            if (ReferenceEquals(other, instance))
            {
                return options;
            }

            // The addresses' interfaces the earlier instance made, as its resources will name them.
            var vmacs = new List<LinuxVirtualRouterResources.AddressVirtualMac>();
            foreach (string text in other.VirtualAddresses.Concat(other.ExcludedVirtualAddresses))
            {
                if (VirtualAddressSpec.TryParse(text, out var spec, out _))
                {
                    LinuxVirtualRouterResources.PlaceAddress(options, other.Interface, vrid, family, spec.Address with { Device = spec.Device }, used, vmacs);
                }
            }
        }

        return LinuxInstanceOptionsOf(instance) with { VirtualMacPrefix = all.VirtualMacPrefix, VirtualMacAddressPrefix = all.VirtualMacAddressPrefix };
    }

    /// <summary>The namespace-wide settings of the platform that the options give (the Accept_Mode filter's table).</summary>
    internal static LinuxPlatformSettings SettingsOf(VrrpOptions? options)
    {
        if (options is null)
        {
            return LinuxPlatformSettings.Default;
        }

        var firewall = options.Firewall;
        return new LinuxPlatformSettings
        {
            FirewallTable = firewall.TableName ?? VrrpFirewallOptions.DefaultTableName,
            FirewallChainPriority = firewall.ChainPriority,
            FirewallCounters = firewall.Counters,
            FirewallInterfaceIndex = firewall.MatchInterfaceIndex,
            NetlinkCommandReceiveBuffer = options.ReceiveBuffers.NetlinkCommand,
            NetlinkCommandReceiveBufferForce = options.ReceiveBuffers.NetlinkCommandForce,
            NetlinkMonitorReceiveBuffer = options.ReceiveBuffers.NetlinkMonitor,
            NetlinkMonitorReceiveBufferForce = options.ReceiveBuffers.NetlinkMonitorForce,

            // The loop thread's own scheduling (keepalived applies it in its VRRP process's scheduler loop).
            MaxAutoPriority = Math.Max(options.Process.MaxAutoPriority, 0),
            MinAutoPriorityDelay = TimeSpan.FromMicroseconds(options.Process.MinAutoPriorityDelayMicroseconds),
            DisableLocalIgmp = options.DisableLocalIgmp,
        };
    }

    /// <summary>What an instance's options ask of the Linux platform: its virtual MAC, virtual routes and rules.</summary>
    internal static LinuxInstanceOptions LinuxInstanceOptionsOf(VrrpInstanceOptions instance) => new()
    {
        UseVirtualMac = instance.UseVirtualMac,
        VirtualMacInterface = string.IsNullOrEmpty(instance.VirtualMacInterface) ? null : instance.VirtualMacInterface,
        VirtualMacTransmitBase = instance.VirtualMacTransmitOnBase,
        UseIpvlan = instance.UseIpvlan,
        IpvlanInterface = instance.UseIpvlan && !string.IsNullOrEmpty(instance.IpvlanInterface) ? instance.IpvlanInterface : null,
        IpvlanAddress = instance.UseIpvlan && !string.IsNullOrEmpty(instance.IpvlanAddress) ? VirtualAddress.Parse(instance.IpvlanAddress) : null,
        IpvlanMode = instance.IpvlanMode,
        PromoteSecondaries = instance.PromoteSecondaries,
        UseVirtualMacForAddresses = instance.UseVirtualMacForAddresses,
        VirtualMacAddresses = [.. instance.VirtualAddresses.Concat(instance.ExcludedVirtualAddresses).Select(static a => VirtualAddressSpec.Parse(a))
            .Where(static s => s.UseVirtualMac).Select(static s => s.Address.Address)],
        Routes = [.. instance.VirtualRoutes.Select(static r => RouteOf(VirtualRouteSpec.Parse(r)))],
        Rules = [.. instance.VirtualRules.Select(static r => RuleOf(VirtualRuleSpec.Parse(r)))],
    };

    /// <summary>A validated <c>virtual_routes</c> entry as the platform installs it, with every option keepalived 2.2.7 applies.</summary>
    internal static VirtualRoute RouteOf(VirtualRouteSpec spec) => new()
    {
        Destination = spec.Destination ?? new VirtualAddress(IPAddressValue.Parse(spec.Family == VrrpAddressFamily.IPv4 ? "0.0.0.0" : "::"), 0),
        Type = Enum.Parse<VirtualRouteType>(spec.Type, ignoreCase: true),
        From = spec.From,
        TypeOfService = spec.Tos ?? 0,

        // keepalived: a tracked route always gets its own protocol; a no_track one keeps the protocol it names.
        RouteProtocol = spec.NoTrack && spec.Protocol is { } protocol ? RouteWords.ParseProtocol(protocol) : VirtualRoute.Protocol,
        Metrics = MetricsOf(spec),
        Gateway = spec.Via,
        PreferredSource = spec.Source,
        Device = spec.Device,
        Table = spec.Table ?? 254,
        Metric = spec.Metric,
        Scope = spec.Scope is null ? null : RouteWordsOf.Scope(spec.Scope),
        OnLink = spec.OnLink,
        NoTrack = spec.NoTrack,
        Realms = spec.Realms ?? 0,
        Expires = spec.Expires,
        Preference = spec.Preference,
        NextHops = [.. spec.NextHops.Select(static h => new VirtualRouteNextHop { Gateway = h.Via, Device = h.Device, Weight = h.Weight, OnLink = h.OnLink, Realms = h.Realms ?? 0, Encap = EncapOf(h.Encap) })],
        Encap = EncapOf(spec.Encap),
    };

    private static VirtualRouteEncap? EncapOf(VirtualRouteEncapSpec? e) => e is null ? null : new()
    {
        IPv6 = e.Type == "ip6",
        Id = e.Id,
        Destination = e.Destination,
        Source = e.Source,
        Tos = e.Tos,
        Ttl = e.Ttl,
        Flags = e.Flags,
    };

    private static VirtualRouteMetrics? MetricsOf(VirtualRouteSpec spec)
    {
        VirtualRouteMetrics? metrics = null;
        if (spec.Mtu is uint mtu)
        {
            metrics = VirtualRouteMetrics.With(metrics, "mtu", mtu, spec.MtuLocked);
        }

        foreach (var (word, value) in spec.Metrics)
        {
            metrics = VirtualRouteMetrics.With(metrics, word, value, spec.LockedMetrics.Contains(word));
        }

        if (spec.CongestionControl is { } algorithm)
        {
            metrics = (metrics ?? new VirtualRouteMetrics()) with
            {
                CongestionControl = algorithm,
                Locked = (metrics?.Locked ?? VirtualRouteLocks.None) | (spec.LockedMetrics.Contains("congctl") ? VirtualRouteLocks.CongestionControl : 0),
            };
        }

        return metrics;
    }

    /// <summary>A validated <c>virtual_rules</c> entry as the platform installs it.</summary>
    internal static VirtualRule RuleOf(VirtualRuleSpec spec) => new()
    {
        Family = spec.Family,
        From = spec.From,
        To = spec.To,
        InputInterface = spec.InputInterface,
        OutputInterface = spec.OutputInterface,
        FirewallMark = spec.FirewallMark,
        FirewallMask = spec.FirewallMask,
        TypeOfService = spec.Tos ?? 0,
        Priority = spec.Priority,
        Action = spec.Action switch
        {
            "table" or "l3mdev" => VirtualRuleAction.Table,
            "goto" => VirtualRuleAction.Goto,
            "nop" => VirtualRuleAction.Nop,
            "blackhole" => VirtualRuleAction.Blackhole,
            "unreachable" => VirtualRuleAction.Unreachable,
            "prohibit" => VirtualRuleAction.Prohibit,
            _ => throw new NotSupportedException($"Rule '{spec}': action {spec.Action} is not supported."),
        },
        Table = spec.Action == "l3mdev" ? 0 : spec.Table ?? 254,
        L3MasterDevice = spec.Action == "l3mdev",
        GotoTarget = spec.GotoTarget,
        IPProtocol = spec.IPProtocol is { } ipProtocol ? VirtualRule.ParseIPProtocol(ipProtocol) : null,
        SourcePorts = PortsOf(spec.SourcePorts),
        DestinationPorts = PortsOf(spec.DestinationPorts),
        UidRange = spec.UidRange is { } uids ? RangeOf(uids) : null,
        SuppressPrefixLength = spec.SuppressPrefixLength,

        // keepalived: a tracked rule always gets its own protocol; a no_track one the protocol it names, if any.
        RuleProtocol = spec.NoTrack ? (spec.Protocol is { } protocol ? RouteWords.ParseProtocol(protocol) : null) : VirtualRoute.Protocol,
        NoTrack = spec.NoTrack,
    };

    private static (uint Start, uint End) RangeOf(string text)
    {
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        uint start = uint.Parse(dash < 0 ? text : text[..dash], System.Globalization.CultureInfo.InvariantCulture);
        return (start, dash < 0 ? start : uint.Parse(text[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (ushort Start, ushort End)? PortsOf(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var (start, end) = RangeOf(text);
        return ((ushort)start, (ushort)end);
    }

    private static class RouteWordsOf
    {
        public static byte Scope(string word) => RouteWords.ParseScope(word);
    }
}

/// <summary>Owns the <see cref="LinuxVrrpPlatform"/> registered by <c>UseLinux</c>: opened on first use, disposed with the container.</summary>
internal sealed class LinuxPlatformLifetime : IDisposable
{
    public LinuxPlatformLifetime(string? networkNamespace, LinuxPlatformSettings settings, ILogger? logger = null)
    {
        Linux = LinuxVrrpPlatform.Create(networkNamespace, settings);
        if (settings.DisableLocalIgmp)
        {
            // keepalived's disable_local_igmp: logged and skipped when it cannot be set, as keepalived does.
            try
            {
                if (Linux.DisableLocalIgmpReports())
                {
                    logger?.LogInformation("net.ipv4.igmp_link_local_mcast_reports set to 0 (disable_local_igmp); restored at stop");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger?.LogWarning("Unable to set net.ipv4.igmp_link_local_mcast_reports (disable_local_igmp): {Error}", ex.Message);
            }
        }

        Platform = new VrrpPlatform("Linux", Linux.Transport, Linux.Addresses, Linux.Announcer, Linux.LinkMonitor);
    }

    public LinuxVrrpPlatform Linux { get; }

    public VrrpPlatform Platform { get; }

    public void Dispose() => Linux.Dispose();
}
