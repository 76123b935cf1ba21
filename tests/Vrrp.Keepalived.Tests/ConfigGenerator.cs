using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived.Tests;

/// <summary>Random but seeded options that keepalived.conf can express (what the reader would otherwise adjust is avoided).</summary>
internal sealed class ConfigGenerator(int seed)
{
    private const string Plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:";
    // keepalived.conf words hold neither a double quote nor a line break (and a quoted word cannot end in a backslash);
    // command-line words can hold anything, KeepalivedCommandLine.Join escapes it.
    private const string Awkward = " '#!{}$@~\t;";
    private const string AwkwardCommand = " '\"#!{}$@~\\\t;\u0001\u007f";
    private readonly Random _random = new(seed);

    public VrrpOptions Generate(int instanceCount)
    {
        var options = new VrrpOptions
        {
            RouterId = Maybe(() => Word(12, awkward: true)),
            NetworkNamespace = Maybe(() => Word(8)),
            StartupDelay = Chance(0.5) ? TimeSpan.FromMilliseconds(_random.Next(0, 3_600_000)) : TimeSpan.Zero,
            MulticastGroup4 = Chance(0.2) ? $"224.0.{_random.Next(0, 256)}.{_random.Next(1, 256)}" : null,
            MulticastGroup6 = Chance(0.2) ? $"ff02::{_random.Next(1, 0x10000):x}" : null,
            GarpInterval = Chance(0.2) ? TimeSpan.FromMilliseconds(_random.Next(1, 2000)) : TimeSpan.Zero,
            GnaInterval = Chance(0.2) ? TimeSpan.FromMilliseconds(_random.Next(1, 2000)) : TimeSpan.Zero,
            VirtualMacPrefix = Chance(0.3) ? "vm" + (char)('a' + _random.Next(0, 26)) : null,
            VirtualMacAddressPrefix = Chance(0.2) ? "va" + (char)('a' + _random.Next(0, 26)) : null,
            EnableScriptSecurity = Chance(0.3),
            FifoWriteStatesOnReload = Chance(0.2),
            // Below twice the shortest advert interval (10 ms), which keepalived would cut with a message.
            InterfaceDelays = Chance(0.3) ? [new VrrpInterfaceDelayOptions { Interface = "eth0", Down = TimeSpan.FromMilliseconds(_random.Next(0, 20)), Up = TimeSpan.FromMilliseconds(_random.Next(0, 20)) / 2 }] : [],
            NotifyFifo = Chance(0.2) ? Fifo() : null,
            VrrpNotifyFifo = Chance(0.2) ? Fifo() : null,
            // Not a real-time priority or a CPU affinity: keepalived -d runs the configuration, and its parent's and VRRP
            // child's dumps interleave differently then (KeepalivedOracleTests.Process covers those settings).
            Process = new VrrpProcessOptions
            {
                Priority = Chance(0.3) ? _random.Next(0, 20) : 0,
                RealtimeTimeLimitMicroseconds = Chance(0.3) ? _random.Next(2, 100_000) : VrrpProcessOptions.DefaultRealtimeTimeLimitMicroseconds,
                LockMemory = Chance(0.3),
                Name = Chance(0.3) ? "kv" + _random.Next(0, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
                MinAutoPriorityDelayMicroseconds = Chance(0.2) ? _random.Next(1, 10_000_001) : VrrpProcessOptions.DefaultMinAutoPriorityDelayMicroseconds,
            },

            // Issue 12's kernel settings of global_defs (KeepalivedOracleTests.Firewall compares their dump lines).
            Firewall = new VrrpFirewallOptions
            {
                TableName = Chance(0.3) ? (Chance(0.5) ? "keepalived" : "t_" + Word(6)) : null,
                ChainPriority = Chance(0.3) ? _random.Next(-300, 300) : VrrpFirewallOptions.DefaultChainPriority,
                MatchInterfaceIndex = Chance(0.2),
                Counters = Chance(0.2),
            },
            ReceiveBuffers = new VrrpReceiveBufferOptions
            {
                NetlinkCommand = Chance(0.2) ? _random.Next(1, 1 << 22) : 0,
                NetlinkCommandForce = Chance(0.2),
                NetlinkMonitor = Chance(0.2) ? _random.Next(1, 1 << 22) : 0,
                NetlinkMonitorForce = Chance(0.2),
                ProcessMonitor = Chance(0.2) ? _random.Next(1, 1 << 22) : 0,
                ProcessMonitorForce = Chance(0.2),
                VrrpSocketPolicy = (VrrpReceiveBufferPolicy)_random.Next(0, 4),
                VrrpSocketSize = _random.Next(0, 1 << 20),
                VrrpSocketMultiplier = Chance(0.3) ? _random.Next(1, 10) : VrrpReceiveBufferOptions.DefaultVrrpSocketMultiplier,
            },
            LogUnknownVirtualRouterIds = Chance(0.3),
            DisableLocalIgmp = Chance(0.2),
        };
        if (options.ReceiveBuffers.VrrpSocketPolicy != VrrpReceiveBufferPolicy.Size)
        {
            options.ReceiveBuffers.VrrpSocketSize = 0; // kept only with a size
        }

        if (Chance(0.3))
        {
            options.ScriptUser = Word(8);
            options.ScriptGroup = Maybe(() => Word(8));
        }

        int processes = _random.Next(0, 4);
        for (int i = 0; i < processes; i++)
        {
            options.TrackProcesses.Add(Process(i));
        }

        int scripts = _random.Next(0, 8);
        for (int i = 0; i < scripts; i++)
        {
            options.Scripts.Add(new VrrpScriptOptions
            {
                Name = $"chk_{i}_{Word(5)}",
                Command = "/" + Word(10, awkward: Chance(0.3)),
                Arguments = Enumerable.Range(0, _random.Next(0, 5)).Select(_ => Chance(0.1) ? "" : Word(10, awkward: Chance(0.5), awkwardSet: AwkwardCommand)).ToList(),
                Interval = TimeSpan.FromSeconds(_random.Next(1, 4295)),
                Timeout = Chance(0.5) ? TimeSpan.FromSeconds(_random.Next(1, 4295)) : null,
                Weight = _random.Next(-253, 254),
                Rise = _random.Next(1, int.MaxValue),
                Fall = _random.Next(1, int.MaxValue),
                User = Maybe(() => Word(8)),
                Group = Maybe(() => Word(8)),
                InitFail = Chance(0.2),
                Reverse = Chance(0.2),
            });
        }

        foreach (var script in options.Scripts.Where(static x => x.User is null))
        {
            (script.User, script.Group) = (options.ScriptUser, options.ScriptGroup); // as the reader fills them in
        }

        foreach (var script in options.Scripts.Where(static x => x.User is null))
        {
            script.Group = null;
        }

        int files = _random.Next(0, 5);
        for (int i = 0; i < files; i++)
        {
            options.TrackFiles.Add(new VrrpTrackFileOptions
            {
                Name = $"tf_{i}",
                Path = "/run/" + Word(12, awkward: Chance(0.5)),
                Weight = _random.Next(-254, 255),
                Reverse = Chance(0.2),
                InitialValue = Chance(0.2) ? _random.Next(-254, 255) : null,
            });
        }

        for (int i = 0; i < instanceCount; i++)
        {
            options.Instances.Add(Instance(i, options));
        }

        // Sync groups: a random subset of instances, each in at most one group; no address owners (keepalived -t refuses
        // a group with owners and non-owners: "This won't work").
        var pool = options.Instances.Where(static x => x.Priority != 255).Select(static x => x.Name).Where(_ => Chance(0.3)).ToList();
        int groupIndex = 0;
        while (pool.Count >= 2)
        {
            int take = Math.Min(pool.Count, _random.Next(2, 5));
            var members = pool.Take(take).ToList();
            options.SyncGroups.Add(new VrrpSyncGroupOptions
            {
                Name = $"G{groupIndex++}",
                Instances = members,

                // Weighted trackers in a group count only with sync_group_tracking_weight (keepalived zeroes them otherwise).
                TrackingWeight = options.Instances.Where(i => members.Contains(i.Name)).Any(i =>
                    i.TrackInterfaces.Any(static t => t.Weight != 0) ||
                    i.TrackScripts.Any(t => (t.Weight ?? options.Scripts.First(x => x.Name == t.Name).Weight) != 0) ||
                    i.TrackFiles.Any(t => (t.Weight ?? options.TrackFiles.First(x => x.Name == t.Name).Weight) != 0) ||
                    i.TrackProcesses.Any(t => (t.Weight ?? options.TrackProcesses.First(x => x.Name == t.Name).Weight) != 0)),
                NotifyMaster = Maybe(CommandLine),
                NotifyBackup = Maybe(CommandLine),
                NotifyFault = Maybe(CommandLine),
                Notify = Maybe(CommandLine),
                NotifyStop = Maybe(CommandLine),
                NotifyPriorityChanges = Chance(0.3) ? Chance(0.5) : null,
            });
            var group = options.SyncGroups[^1];
            if ((group.NotifyMaster ?? group.NotifyBackup ?? group.NotifyFault ?? group.NotifyStop ?? group.Notify) is not null && Chance(0.3))
            {
                group.NotifyUser = Word(8);
                group.NotifyGroup = Maybe(() => Word(8));
            }

            foreach (var member in options.Instances.Where(i => members.Contains(i.Name)))
            {
                // The reader gives members the group's notify_priority_changes when they do not say (keepalived's rule).
                member.NotifyPriorityChanges ??= group.NotifyPriorityChanges;
            }
            pool.RemoveRange(0, take);
        }

        // garp_group: up to two groups of one or two interfaces each (eth0..eth3, none in two groups), each with a
        // garp and/or a gna gap in whole milliseconds (keepalived's dump prints them with %g), 0 included.
        int garpGroups = _random.Next(0, 3);
        for (int i = 0; i < garpGroups; i++)
        {
            bool garp = Chance(0.7);
            options.GarpGroups.Add(new VrrpGarpGroupOptions
            {
                Name = $"{i + 1}",
                GarpInterval = garp ? TimeSpan.FromMilliseconds(_random.Next(0, 2001)) : null,
                GnaInterval = !garp || Chance(0.5) ? TimeSpan.FromMilliseconds(_random.Next(0, 2001)) : null,
                Interfaces = Chance(0.5) ? [$"eth{2 * i}", $"eth{2 * i + 1}"] : [$"eth{2 * i + _random.Next(0, 2)}"],
            });
        }

        // Static entries (keepalived's static_ipaddress, static_routes, static_rules) and a track group.
        if (options.Instances.Count > 0 && Chance(0.5))
        {
            options.StaticTrackGroups.Add(new VrrpStaticTrackGroupOptions { Name = "TG_" + Word(4), Instances = [options.Instances[0].Name] });
        }

        string? trackGroup = options.StaticTrackGroups.FirstOrDefault()?.Name;
        int statics = _random.Next(0, 3);
        for (int i = 0; i < statics; i++)
        {
            string group = trackGroup is not null && Chance(0.5) ? $" track_group {trackGroup}" : "";
            options.StaticAddresses.Add(VirtualAddressSpec.Parse($"172.{_random.Next(16, 32)}.{_random.Next(0, 256)}.{_random.Next(1, 255)}/{_random.Next(8, 33)} dev eth{_random.Next(0, 4)}{group}").ToString());
            options.StaticRoutes.Add(VirtualRouteSpec.Parse($"10.{_random.Next(0, 256)}.{_random.Next(0, 256)}.0/24 dev eth{_random.Next(0, 4)}{(Chance(0.3) ? " mtu 1400" : "")}{group}").ToString());
            options.StaticRules.Add(VirtualRuleSpec.Parse($"from 10.{_random.Next(0, 256)}.0.0/16 iif eth{_random.Next(0, 4)} priority {_random.Next(1, 32_000)} table {_random.Next(1, 253)}{group}").ToString());
        }

        return options;
    }

    private VrrpInstanceOptions Instance(int index, VrrpOptions options)
    {
        bool ipv6 = Chance(0.3);
        var version = ipv6 || Chance(0.5) ? VrrpVersion.V3 : VrrpVersion.V2;
        bool strict = Chance(0.1);
        var o = new VrrpInstanceOptions
        {
            Name = Chance(0.1) ? $"VI {index} {Word(4, awkward: true)}" : $"VI_{index}",
            Interface = Chance(0.8) ? $"eth{_random.Next(0, 4)}" : $"bond0.{_random.Next(1, 4095)}",
            VirtualRouterId = index + 1,
            Priority = _random.Next(1, 256),
            Version = version,
            AdvertisementInterval = version == VrrpVersion.V2
                ? TimeSpan.FromSeconds(_random.Next(1, 256))
                : TimeSpan.FromMilliseconds(10 * _random.Next(1, 4096)),
            InitialState = _random.Next(3) switch { 0 => null, 1 => VrrpState.Master, _ => VrrpState.Backup },
            NoPreempt = Chance(0.3),
            StrictMode = strict,
            DontTrackPrimary = Chance(0.2),
            NetworkNamespace = Chance(0.1) ? Word(6) : null,
            GarpMasterDelay = TimeSpan.FromSeconds(_random.Next(0, 11)),
            GarpMasterRepeat = _random.Next(1, 1000),
            GarpMasterRefresh = Chance(0.3) ? TimeSpan.FromSeconds(_random.Next(0, 86_401)) : TimeSpan.Zero,
            GarpMasterRefreshRepeat = _random.Next(1, 256),
            GarpLowerPriorityDelay = TimeSpan.FromSeconds(_random.Next(0, 4295)),
            GarpLowerPriorityRepeat = Chance(0.1) ? 0 : _random.Next(1, 1000),
            NotifyMaster = Maybe(CommandLine),
            NotifyBackup = Maybe(CommandLine),
            NotifyFault = Maybe(CommandLine),
            NotifyStop = Maybe(CommandLine),
            Notify = Maybe(CommandLine),
        };

        // Some IPv6 instances outside strict mode are VRRPv2 over IPv6 (keepalived 2.2.7 runs them; the writer puts version
        // before virtual_ipaddress). Decided without a draw, so the other instances of a seed stay as they were.
        if (ipv6 && !strict && index % 3 == 1)
        {
            o.Version = VrrpVersion.V2;
            o.AdvertisementInterval = TimeSpan.FromSeconds(Math.Max(1, (int)Math.Ceiling(o.AdvertisementInterval.TotalSeconds)));
        }

        // What keepalived would adjust (and the reader with it) is not generated: nopreempt or preempt_delay with
        // state MASTER, preempt_delay with nopreempt, check_unicast_src without peers.
        if (o.InitialState == VrrpState.Master)
        {
            o.NoPreempt = false;
        }
        else if (!o.NoPreempt && !strict && Chance(0.3))
        {
            o.PreemptDelay = TimeSpan.FromMilliseconds(10 * _random.Next(0, 100_001));
        }

        if (version == VrrpVersion.V2 && !strict && Chance(0.4))
        {
            o.AuthenticationType = Chance(0.8) || o.InitialState == VrrpState.Master ? AuthenticationType.SimplePassword : AuthenticationType.IPAuthenticationHeader;
            o.AuthenticationPassword = Word(_random.Next(1, 9), awkward: true, exactLength: true);
        }

        int vips = _random.Next(1, 6);
        for (int i = 0; i < vips; i++)
        {
            Add(o.VirtualAddresses, AddressWithPrefix(ipv6));
        }

        int excluded = _random.Next(0, 4);
        for (int i = 0; i < excluded; i++)
        {
            Add(o.ExcludedVirtualAddresses, AddressWithPrefix(Chance(0.5)));
        }

        if (Chance(0.3))
        {
            int peers = _random.Next(1, 4);
            for (int i = 0; i < peers; i++)
            {
                Add(o.UnicastPeers, Address(ipv6));
            }

            o.CheckUnicastSource = Chance(0.5);
        }

        o.SourceAddress = Chance(0.4) ? Address(ipv6) : null;
        if (Chance(0.2))
        {
            o.UseVirtualMac = true;
            o.VirtualMacInterface = Chance(0.5) ? $"vrrp.{index + 1}" : null;
        }

        else if (o.UnicastPeers.Count == 0 && !o.CheckUnicastSource && Chance(0.15))
        {
            // use_ipvlan (not with unicast: keepalived complains, see DataPlaneKeywordTests): an address (required for IPv4), a name (keepalived's default for IPv4 only: for IPv6 it
            // depends on the names the instances before have taken), a mode.
            o.UseIpvlan = true;
            o.IpvlanInterface = ipv6 || Chance(0.5) ? $"ipvl.{index + 1}" : null;
            o.IpvlanAddress = !ipv6 || Chance(0.7) ? Address(ipv6) + (Chance(0.5) ? $"/{_random.Next(8, ipv6 ? 129 : 33)}" : "") : null;
            o.IpvlanMode = (IpvlanMode)_random.Next(0, 3);
        }

        o.UseVirtualMacForAddresses = Chance(0.15);

        int tracked = _random.Next(0, 4);
        for (int i = 0; i < tracked; i++)
        {
            string name = $"eth{_random.Next(4, 40)}";
            if (o.TrackInterfaces.All(t => t.Interface != name))
            {
                o.TrackInterfaces.Add(new TrackInterfaceOptions { Interface = name, Weight = Chance(0.3) ? 0 : _random.Next(-253, 254), Reverse = Chance(0.2) });
            }
        }

        foreach (var script in options.Scripts.Where(_ => Chance(0.3)))
        {
            int? weight = Chance(0.5) ? _random.Next(-253, 254) : null;
            o.TrackScripts.Add(new TrackReferenceOptions { Name = script.Name, Weight = weight, Reverse = weight is null ? null : Chance(0.2) ? Chance(0.5) : null });
        }

        foreach (var file in options.TrackFiles.Where(_ => Chance(0.3)))
        {
            int? weight = Chance(0.5) ? _random.Next(-254, 255) : null;
            o.TrackFiles.Add(new TrackReferenceOptions { Name = file.Name, Weight = weight, Reverse = weight is null ? null : Chance(0.2) ? Chance(0.5) : null });
        }

        foreach (var process in options.TrackProcesses.Where(_ => Chance(0.3)))
        {
            int? weight = Chance(0.5) ? _random.Next(-254, 255) : null;
            o.TrackProcesses.Add(new TrackReferenceOptions { Name = process.Name, Weight = weight, Reverse = weight is null ? null : Chance(0.2) ? Chance(0.5) : null });
        }

        // Addresses with options, routes and rules, written as the reader normalises them.
        for (int i = 0; i < o.VirtualAddresses.Count; i++)
        {
            o.VirtualAddresses[i] = WithAddressOptions(o.VirtualAddresses[i]);
        }

        for (int i = 0; i < o.ExcludedVirtualAddresses.Count; i++)
        {
            o.ExcludedVirtualAddresses[i] = WithAddressOptions(o.ExcludedVirtualAddresses[i]);
        }

        int routes = _random.Next(0, 4);
        for (int i = 0; i < routes; i++)
        {
            o.VirtualRoutes.Add(VirtualRouteSpec.Parse(Route()).ToString());
        }

        int rules = _random.Next(0, 3);
        for (int i = 0; i < rules; i++)
        {
            o.VirtualRules.Add(VirtualRuleSpec.Parse(Rule()).ToString());
        }

        o.Accept = _random.Next(3) switch { 0 => true, 1 => false, _ => null };
        o.VirtualMacTransmitOnBase = o.UseVirtualMac && (o.UnicastPeers.Count > 0 || Chance(0.3)); // keepalived needs it with unicast
        if (o.UnicastPeers.Count > 0)
        {
            o.UnicastTtl = Chance(0.3) ? _random.Next(0, 256) : null;
            foreach (string peer in o.UnicastPeers.Where(_ => Chance(0.3)))
            {
                int min = _random.Next(0, 256);
                o.UnicastPeerTtls.Add(new UnicastPeerTtlOptions { Peer = peer, MinTtl = min, MaxTtl = _random.Next(min, 256) });
                o.CheckUnicastSource = true; // a TTL limit turns the source check on, as keepalived does
            }
        }

        o.GarpExtraInterfacesInterval = Chance(0.2) ? TimeSpan.FromSeconds(_random.Next(1, 86_401)) : null;
        o.GarpExtraInterfacesAll = o.GarpExtraInterfacesInterval is not null && Chance(0.5);
        o.HigherPrioritySendAdvert = Chance(0.2);
        o.LowerPriorityNoAdvert = Chance(0.3);
        o.UnicastFaultNoPeer = o.UnicastPeers.Count > 0 && Chance(0.2);
        o.OldUnicastChecksum = o.UnicastPeers.Count > 0 && Chance(0.3) ? (Chance(0.5) ? OldUnicastChecksum.Always : OldUnicastChecksum.Never) : OldUnicastChecksum.Auto;
        o.TrackSourceAddress = o.SourceAddress is not null && Chance(0.2);
        o.DownTimerAdverts = Chance(0.3) ? _random.Next(1, 101) : 3;
        o.MulticastGroup = o.UnicastPeers.Count == 0 && Chance(0.2) ? (ipv6 ? $"ff02::{_random.Next(0x13, 0x10000):x}" : $"224.0.{_random.Next(0, 256)}.{_random.Next(19, 256)}") : null;
        o.NotifyMasterRxLowerPriority = Maybe(CommandLine);
        o.NotifyPriorityChanges = Chance(0.3) ? Chance(0.5) : null;
        o.PromoteSecondaries = !o.UseVirtualMac && !o.UseIpvlan && Chance(0.2); // keepalived ignores it with use_vmac, with a complaint
        o.NotifyDeleted = Chance(0.2) ? CommandLine() : null;
        o.ReportDeleted = o.NotifyDeleted is not null || Chance(0.2);
        if ((o.NotifyMaster ?? o.NotifyBackup ?? o.NotifyFault ?? o.NotifyStop ?? o.Notify ?? o.NotifyMasterRxLowerPriority ?? o.NotifyDeleted) is not null && Chance(0.3))
        {
            o.NotifyUser = Word(8);
            o.NotifyGroup = Maybe(() => Word(8));
        }

        if (strict)
        {
            // What keepalived refuses or resets in strict mode is not generated.
            o.UnicastPeers.Clear();
            o.UnicastPeerTtls.Clear();
            o.UnicastTtl = null;
            o.CheckUnicastSource = false;
            o.InitialState = o.InitialState is null ? null : o.Priority == 255 ? VrrpState.Master : VrrpState.Backup;
            o.NoPreempt = o.NoPreempt && o.InitialState != VrrpState.Master;
            o.GarpLowerPriorityRepeat = 0;
            o.GarpLowerPriorityDelay = TimeSpan.Zero;
            o.HigherPrioritySendAdvert = false;
            o.LowerPriorityNoAdvert = true;
            o.UnicastFaultNoPeer = false;
            o.OldUnicastChecksum = OldUnicastChecksum.Auto;
            o.DownTimerAdverts = 3;
            o.VirtualMacTransmitOnBase = false;
            o.Accept = o.Priority == 255 || (o.Accept == true && version == VrrpVersion.V3);
            if (ipv6)
            {
                o.VirtualAddresses[0] = $"fe80::{_random.Next(1, 0x10000):x}/64";
            }
        }

        if (o.Priority == 255)
        {
            // keepalived drops an address owner's weighted trackers, nopreempt and preempt_delay; generate none.
            o.NoPreempt = false;
            o.PreemptDelay = TimeSpan.Zero;
            o.TrackInterfaces.ForEach(static t => t.Weight = 0);
            o.TrackScripts.ForEach(static t => t.Weight = 0);
            o.TrackFiles.ForEach(static t => t.Weight = 0);
            o.TrackProcesses.ForEach(static t => t.Weight = 0);
        }

        return o;
    }

    private VrrpTrackProcessOptions Process(int index)
    {
        var p = new VrrpTrackProcessOptions
        {
            Name = $"proc_{index}",
            Process = Word(12),
            Parameters = Enumerable.Range(0, _random.Next(0, 3)).Select(_ => Word(6)).ToList(),
            Weight = _random.Next(-254, 255),
            Reverse = Chance(0.2),
            TerminateDelay = Chance(0.3) ? TimeSpan.FromMilliseconds(_random.Next(1, 2_147_483)) : TimeSpan.Zero, // keepalived 2.2.7 keeps delays above 2147.48 s as negative numbers
            ForkDelay = Chance(0.3) ? TimeSpan.FromMilliseconds(_random.Next(1, 2_147_483)) : TimeSpan.Zero,
        };
        p.ParameterMatch = p.Parameters.Count > 0
            ? _random.Next(3) switch { 0 => ProcessParameterMatch.None, 1 => ProcessParameterMatch.Partial, _ => ProcessParameterMatch.Initial }
            : _random.Next(3) switch { 0 => ProcessParameterMatch.None, 1 => ProcessParameterMatch.Exact, _ => ProcessParameterMatch.Partial };
        p.FullCommand = p.Parameters.Count > 0 || p.ParameterMatch != ProcessParameterMatch.None || Chance(0.3);
        if (Chance(0.4))
        {
            p.QuorumMax = _random.Next(0, 65536);
            p.Quorum = p.QuorumMax == 0 ? 0 : _random.Next(1, p.QuorumMax.Value + 1);
        }
        else
        {
            p.Quorum = _random.Next(1, 65536);
        }

        return p;
    }

    private VrrpNotifyFifoOptions Fifo()
    {
        var fifo = new VrrpNotifyFifoOptions { Path = "/run/" + Word(10), Script = Maybe(CommandLine) };
        if (Chance(0.3))
        {
            fifo.User = Word(8);
            fifo.Group = Maybe(() => Word(8));
        }

        if (fifo.Script is not null && Chance(0.3))
        {
            fifo.ScriptUser = Word(8);
            fifo.ScriptGroup = Maybe(() => Word(8));
        }

        return fifo;
    }

    private string WithAddressOptions(string address)
    {
        var spec = VirtualAddressSpec.Parse(address);
        bool ipv6 = spec.Address.Family == VrrpAddressFamily.IPv6;
        var words = new List<string> { address };
        if (Chance(0.2))
        {
            words.Add($"dev eth{_random.Next(0, 4)}");
        }

        if (!ipv6 && Chance(0.2))
        {
            words.Add($"scope {(Chance(0.5) ? "link" : "host")}");
        }

        if (!ipv6 && spec.Address.PrefixLength <= 30 && Chance(0.2))
        {
            words.Add($"brd {(Chance(0.5) ? "+" : "-")}");
        }

        if (!ipv6 && Chance(0.2))
        {
            words.Add($"label eth{_random.Next(0, 4)}:{Word(4)}");
        }

        if (Chance(0.1))
        {
            words.Add("no_track");
        }

        if (Chance(0.1))
        {
            words.Add(ipv6 ? "-nodad" : "noprefixroute");
        }

        if (Chance(0.1))
        {
            words.Add(Pick("home", "mngtmpaddr", "autojoin", "noprefixroute"));
        }

        if (!ipv6 && Chance(0.1))
        {
            words.Add($"scope {_random.Next(1, 200)}"); // a numbered scope (keepalived prints it as a number)
        }

        if (spec.Address.PrefixLength == (ipv6 ? 128 : 32) && !words.Any(static w => w.StartsWith("brd", StringComparison.Ordinal)) && Chance(0.15))
        {
            words.Add($"peer {Address(ipv6)}"); // keepalived takes a peer on a host address only (it warns otherwise)
        }

        if (ipv6 && Chance(0.2))
        {
            words.Add(Chance(0.5) ? "preferred_lft forever" : $"preferred_lft {_random.Next(0, 100_000)}");
        }

        return VirtualAddressSpec.Parse(string.Join(' ', words)).ToString();
    }

    private string Route()
    {
        bool ipv6 = Chance(0.3);
        string destination = ipv6 ? $"fd{_random.Next(0, 256):x2}::/64" : $"10.{_random.Next(0, 256)}.{_random.Next(0, 256)}.0/24";
        var words = new List<string>();
        if (Chance(0.15))
        {
            words.Add(Pick("blackhole", "unreachable", "prohibit", "throw"));
            words.Add(destination);
            words.Add("no_track");
            return string.Join(' ', words);
        }

        if (!ipv6 && Chance(0.1))
        {
            // The other types keepalived takes, with the scope the kernel wants of them.
            return $"{Pick("local", "broadcast", "anycast", "multicast", "nat")} {destination} dev eth{_random.Next(0, 4)} scope {Pick("host", "link", "253")} table {_random.Next(1, 253)}";
        }

        words.Add(Chance(0.1) ? "default" : destination);
        if (Chance(0.6))
        {
            words.Add($"via {(ipv6 ? $"fd00::{_random.Next(1, 0x10000):x}" : $"192.0.2.{_random.Next(1, 255)}")}");
        }

        if (Chance(0.7))
        {
            words.Add($"dev eth{_random.Next(0, 4)}");
        }
        else
        {
            words.Add("no_track"); // keepalived cannot track a route without an interface
        }

        if (Chance(0.3))
        {
            words.Add($"table {_random.Next(1, 253)}");
        }

        if (Chance(0.3))
        {
            words.Add($"metric {_random.Next(0, 10_000)}");
        }

        if (!ipv6 && Chance(0.2))
        {
            words.Add($"src 192.0.2.{_random.Next(1, 255)}");
        }

        if (Chance(0.1))
        {
            words.Add("onlink");
        }

        if (ipv6 && Chance(0.2))
        {
            words.Add($"from fd{_random.Next(0, 256):x2}:1::/64");
        }

        if (!ipv6 && Chance(0.2))
        {
            words.Add($"tos {_random.Next(0, 64) * 4}");
        }

        if (!ipv6 && Chance(0.2))
        {
            words.Add(Chance(0.5) ? $"realms {_random.Next(0, 256)}" : $"realms {_random.Next(1, 256)}/{_random.Next(0, 256)}");
        }

        if (ipv6 && Chance(0.2))
        {
            words.Add($"expires {_random.Next(0, 100_000)}");
        }

        if (ipv6 && Chance(0.2))
        {
            words.Add($"pref {Pick("low", "medium", "high")}");
        }

        if (Chance(0.15))
        {
            words.Add(Encap());
        }

        if (Chance(0.3))
        {
            words.Add($"mtu {(Chance(0.3) ? "lock " : "")}{_random.Next(1280, 9000)}");
        }

        if (Chance(0.3))
        {
            words.Add(Pick($"advmss {_random.Next(500, 1500)}", $"rtt {_random.Next(200, 2000)}ms", $"rttvar lock {_random.Next(1, 100)}s", $"rto_min {_random.Next(200, 999)}",
                $"hoplimit {_random.Next(0, 256)}", $"initcwnd {_random.Next(1, 100)}", $"initrwnd {_random.Next(1, 100)}", $"window {_random.Next(1, 65536)}",
                $"cwnd lock {_random.Next(1, 100)}", $"ssthresh {_random.Next(1, 100)}", $"reordering {_random.Next(1, 100)}", "features ecn",
                $"quickack {_random.Next(0, 2)}", $"fastopen_no_cookie {_random.Next(0, 2)}", "congctl cubic"));
        }

        if (Chance(0.15))
        {
            // Multipath: the next hops come last (keepalived reads every word after the first nexthop as next hops).
            for (int hops = _random.Next(1, 4); hops > 0; hops--)
            {
                words.Add("nexthop");
                words.Add($"via {(ipv6 ? $"fd00::{_random.Next(1, 0x10000):x}" : $"192.0.2.{_random.Next(1, 255)}")}");
                words.Add(Chance(0.5) ? $"dev eth{_random.Next(0, 4)}" : "");
                words.Add(Chance(0.5) ? $"weight {_random.Next(1, 257)}" : "");
                words.Add(Chance(0.2) ? "onlink" : "");
                words.Add(!ipv6 && Chance(0.2) ? $"realms {_random.Next(1, 256)}" : "");
                words.Add(Chance(0.2) ? Encap() : "");
            }
        }

        return string.Join(' ', words.Where(static w => w.Length > 0));
    }

    private string Encap() => Chance(0.5)
        ? $"encap ip id {_random.Next()} dst 198.51.100.{_random.Next(1, 255)}{(Chance(0.5) ? $" src 198.51.100.{_random.Next(1, 255)}" : "")}{(Chance(0.5) ? $" tos {_random.Next(0, 256)}" : "")}{(Chance(0.5) ? $" ttl {_random.Next(0, 256)}" : "")}{(Chance(0.3) ? $" flags {_random.Next(0, 65536)}" : "")}"
        : $"encap ip6 {(Chance(0.5) ? $"id {_random.Next()} " : "")}dst fd00:99::{_random.Next(1, 0x10000):x}{(Chance(0.5) ? $" tc {_random.Next(0, 256)}" : "")}{(Chance(0.5) ? $" hoplimit {_random.Next(0, 256)}" : "")}";

    private string Rule()
    {
        bool ipv6 = Chance(0.3);
        var words = new List<string>();
        if (Chance(0.7))
        {
            words.Add($"from {(ipv6 ? $"fd{_random.Next(0, 256):x2}::/64" : $"10.{_random.Next(0, 256)}.0.0/16")}");
        }

        if (Chance(0.3))
        {
            words.Add($"to {(ipv6 ? "fd99::/64" : $"172.{_random.Next(16, 32)}.0.0/16")}");
        }

        words.Add($"priority {_random.Next(1, 32_000)}");
        if (Chance(0.2))
        {
            words.Add($"fwmark {_random.Next(1, 255)}{(Chance(0.5) ? "/255" : "")}");
        }

        if (Chance(0.2))
        {
            words.Add($"iif eth{_random.Next(0, 4)}");
        }

        if (Chance(0.2))
        {
            words.Add(Pick($"ipproto {Pick("tcp", "udp", "6", "127", "sctp", "ipv6-icmp")}", $"sport {_random.Next(1, 1000)}-{_random.Next(1000, 65536)}", $"dport {_random.Next(1, 1000)}-{_random.Next(1000, 65536)}",
                $"uidrange {_random.Next(0, 1000)}-{_random.Next(1000, 100_000)}"));
        }

        if (Chance(0.1))
        {
            words.Add($"no_track protocol {_random.Next(0, 256)}");
        }

        int priority = int.Parse(words.First(static w => w.StartsWith("priority ", StringComparison.Ordinal))[9..], System.Globalization.CultureInfo.InvariantCulture);
        words.Add(_random.Next(7) switch
        {
            0 => "blackhole",
            1 => "prohibit",
            2 => "nop",
            3 => $"goto {priority + _random.Next(1, 100)}",
            4 => $"table {_random.Next(1, 253)} suppress_prefixlength {_random.Next(0, 33)}",
            _ => $"table {_random.Next(1, 253)}",
        });
        return string.Join(' ', words);
    }

    private string Pick(params string[] values) => values[_random.Next(values.Length)];

    private static void Add(List<string> list, string item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    private string AddressWithPrefix(bool ipv6) => $"{Address(ipv6)}/{_random.Next(0, ipv6 ? 129 : 33)}";

    private string Address(bool ipv6)
    {
        var bytes = new byte[ipv6 ? 16 : 4];
        _random.NextBytes(bytes);
        return (ipv6 ? IPAddressValue.FromIPv6(bytes) : IPAddressValue.FromIPv4(bytes)).ToString();
    }

    private string CommandLine()
    {
        var words = new List<string> { "/usr/local/bin/" + Word(8) };
        int count = _random.Next(0, 5);
        for (int i = 0; i < count; i++)
        {
            words.Add(Word(_random.Next(0, 12), awkward: Chance(0.5), exactLength: true, awkwardSet: AwkwardCommand));
        }

        return KeepalivedCommandLine.Join(words);
    }

    private string Word(int maxLength, bool awkward = false, bool exactLength = false, string awkwardSet = Awkward)
    {
        int length = exactLength ? maxLength : _random.Next(1, maxLength + 1);
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = awkward && Chance(0.3) ? awkwardSet[_random.Next(awkwardSet.Length)] : Plain[_random.Next(Plain.Length)];
        }

        string word = new(chars);
        return word is "{" or "}" ? "x" + word : word; // a lone brace is a brace to keepalived, even quoted
    }

    private bool Chance(double p) => _random.NextDouble() < p;

    private string? Maybe(Func<string> make) => Chance(0.5) ? make() : null;
}
