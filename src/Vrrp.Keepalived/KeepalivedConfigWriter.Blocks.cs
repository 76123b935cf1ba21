using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived;

// The writing of keywords that are not a single value (the named blocks, lists, trackers): the Custom rows of KeywordTable.
public static partial class KeepalivedConfigWriter
{
    internal static void WriteGlobal(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        w.OptionalBlock("global_defs", () => WriteRows(w, KeywordTable.Global, options, all));
    }

    internal static void WriteCpuAffinity(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        if (options.Process.CpuAffinity.Count > 0)
        {
            w.Line("vrrp_cpu_affinity " + string.Join(' ', options.Process.CpuAffinity.Select(static c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    /// <summary>
    /// nftables [TABLE] then nftables_priority (keepalived resets the priority when it reads nftables, so it comes
    /// after), nftables_ifindex, nftables_counters. Without a table name a priority is still written (keepalived takes
    /// it; vrrpd's own table uses it).
    /// </summary>
    internal static void WriteFirewall(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        var firewall = options.Firewall;
        if (firewall.TableName is { } table)
        {
            w.Line("nftables " + Word(table));
        }

        if (firewall.ChainPriority != VrrpFirewallOptions.DefaultChainPriority)
        {
            w.Line("nftables_priority " + firewall.ChainPriority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (firewall.MatchInterfaceIndex)
        {
            w.Line("nftables_ifindex");
        }

        if (firewall.Counters)
        {
            w.Line("nftables_counters");
        }
    }

    /// <summary>A receive buffer keyword and its _force keyword (keepalived's dump shows both).</summary>
    internal static void WriteReceiveBuffer(ConfigOutput w, string keyword, int size, bool force)
    {
        if (size > 0)
        {
            w.Line(keyword + " " + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (force)
        {
            w.Line(keyword + "_force");
        }
    }

    /// <summary>vrrp_rx_bufs_policy and vrrp_rx_bufs_multiplier.</summary>
    internal static void WriteReceiveBufferPolicy(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        var buffers = options.ReceiveBuffers;
        string? policy = buffers.VrrpSocketPolicy switch
        {
            VrrpReceiveBufferPolicy.Mtu => "MTU",
            VrrpReceiveBufferPolicy.Advert => "ADVERT",
            VrrpReceiveBufferPolicy.Size => buffers.VrrpSocketSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        if (policy is not null)
        {
            w.Line("vrrp_rx_bufs_policy " + policy);
        }

        if (buffers.VrrpSocketMultiplier != VrrpReceiveBufferOptions.DefaultVrrpSocketMultiplier)
        {
            w.Line("vrrp_rx_bufs_multiplier " + buffers.VrrpSocketMultiplier.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>max_auto_priority and min_auto_priority_delay, when not keepalived's defaults (0 and 1000000).</summary>
    internal static void WriteAutoPriority(ConfigOutput w, VrrpProcessOptions process)
    {
        if (process.MaxAutoPriority != 0)
        {
            w.Line("max_auto_priority " + process.MaxAutoPriority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (process.MinAutoPriorityDelayMicroseconds != VrrpProcessOptions.DefaultMinAutoPriorityDelayMicroseconds)
        {
            w.Line("min_auto_priority_delay " + process.MinAutoPriorityDelayMicroseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary><c>KEYWORD PATH</c>, or the keyword alone for <paramref name="bare"/>.</summary>
    internal static void WriteOptionalPath(ConfigOutput w, string keyword, string? path, string? bare)
    {
        if (path is not null)
        {
            w.Line(path == bare ? keyword : $"{keyword} {Word(path)}");
        }
    }

    internal static void WriteUmask(ConfigOutput w, int? umask)
    {
        if (umask is { } mask)
        {
            w.Line("umask 0" + Convert.ToString(mask, 8));
        }
    }

    internal static void WriteProcessName(ConfigOutput w, string keyword, string? name)
    {
        if (name is not null)
        {
            w.Line(keyword + " " + Word(name));
        }
    }

    internal static void WriteScripts(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        foreach (var script in options.Scripts)
        {
            w.Line("");
            w.Open($"vrrp_script {Word(script.Name)}");
            WriteRows(w, KeywordTable.Script, script, all);
            w.Close();
        }
    }

    internal static void WriteTrackFiles(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        foreach (var file in options.TrackFiles)
        {
            w.Line("");
            w.Open($"vrrp_track_file {Word(file.Name)}");
            WriteRows(w, KeywordTable.TrackFile, file, all);
            w.Close();
        }
    }

    internal static void WriteGarpGroups(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        foreach (var group in options.GarpGroups)
        {
            w.Line("");
            w.Open("garp_group");
            WriteRows(w, KeywordTable.GarpGroup, group, all);
            w.Close();
        }
    }

    internal static void WriteGarpGroupInterfaces(ConfigOutput w, VrrpGarpGroupOptions group, VrrpOptions all)
    {
        if (group.Interfaces.Count == 0)
        {
            return;
        }

        w.Open("interfaces");
        foreach (string name in group.Interfaces)
        {
            w.Line(Word(name));
        }

        w.Close();
    }

    internal static void WriteInstances(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        foreach (var instance in options.Instances)
        {
            w.Line("");
            w.Open($"vrrp_instance {Word(instance.Name)}");
            WriteRows(w, KeywordTable.Instance, instance, all);
            foreach (var check in instance.TrackHealthChecks)
            {
                w.Line($"# not expressible in keepalived.conf: health check '{OneLine(check.Name)}' weight {Number(check.Weight)}");
            }

            if (instance.ChecksumMode != Ipv4ChecksumMode.PseudoHeader)
            {
                w.Line($"# not expressible in keepalived.conf: IPv4 checksum mode {instance.ChecksumMode}");
            }

            w.Close();
        }
    }

    internal static void WriteStaticTrackGroups(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        foreach (var group in options.StaticTrackGroups)
        {
            w.Line("");
            w.Open($"track_group {Word(group.Name)}");
            w.Open("group");
            foreach (string instance in group.Instances)
            {
                w.Line(Word(instance));
            }

            w.Close();
            w.Close();
        }
    }

    internal static void WriteSyncGroups(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        foreach (var group in options.SyncGroups)
        {
            w.Line("");
            w.Open($"vrrp_sync_group {Word(group.Name)}");
            WriteRows(w, KeywordTable.SyncGroup, group, all);
            w.Close();
        }
    }

    private static void WriteRows<TOptions>(ConfigOutput w, KeywordBlock<TOptions> table, TOptions options, VrrpOptions all)
        where TOptions : class
    {
        foreach (var keyword in table)
        {
            keyword.Write(w, options, all);
        }
    }

    internal static void WriteState(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.InitialState is VrrpState.Master or VrrpState.Backup)
        {
            w.Line($"state {(o.InitialState == VrrpState.Master ? "MASTER" : "BACKUP")}");
        }
        else if (o.InitialState is { } state)
        {
            w.Line($"# initial state {state} has no keepalived keyword");
        }
    }

    internal static void WriteAuthentication(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.AuthenticationType != AuthenticationType.None)
        {
            w.Open("authentication");
            WriteRows(w, KeywordTable.Authentication, o, all);
            w.Close();
        }
    }

    internal static void WriteUseVirtualMac(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.UseVirtualMac)
        {
            w.Line(o.VirtualMacInterface is null ? "use_vmac" : $"use_vmac {Word(o.VirtualMacInterface)}");
        }
    }

    internal static void WriteUseIpvlan(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.UseIpvlan)
        {
            var words = new List<string> { "use_ipvlan" };
            if (!string.IsNullOrEmpty(o.IpvlanInterface))
            {
                words.Add(Word(o.IpvlanInterface));
            }

            if (!string.IsNullOrEmpty(o.IpvlanAddress))
            {
                words.Add(Word(o.IpvlanAddress));
            }

            if (o.IpvlanMode != IpvlanMode.Bridge)
            {
                words.Add(o.IpvlanMode == IpvlanMode.Private ? "private" : "vepa");
            }

            w.Line(string.Join(' ', words));
        }
    }

    internal static void WriteTrackInterfaces(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.TrackInterfaces.Count == 0)
        {
            return;
        }

        w.Open("track_interface");
        foreach (var track in o.TrackInterfaces)
        {
            w.Line(track.Weight == 0 && !track.Reverse ? Word(track.Interface) : $"{Word(track.Interface)} weight {Number(track.Weight)}{(track.Reverse ? " reverse" : "")}");
        }

        w.Close();
    }

    internal static void WriteReferences(ConfigOutput w, string keyword, List<TrackReferenceOptions> references)
    {
        if (references.Count == 0)
        {
            return;
        }

        w.Open(keyword);
        foreach (var reference in references)
        {
            string reverse = reference.Reverse switch { true => " reverse", false => " noreverse", null => "" };
            w.Line(reference.Weight is int weight ? $"{Word(reference.Name)} weight {Number(weight)}{reverse}" : Word(reference.Name));
        }

        w.Close();
    }

    internal static void WriteList(ConfigOutput w, string keyword, List<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        w.Open(keyword);
        foreach (string item in items)
        {
            w.Line(Word(item));
        }

        w.Close();
    }

    internal static void WriteScriptCommand(ConfigOutput w, VrrpScriptOptions script, VrrpOptions all) =>
        w.Line($"script {Command(KeepalivedCommandLine.Join([script.Command, .. script.Arguments]))}");

    internal static void WriteSyncGroupMembers(ConfigOutput w, VrrpSyncGroupOptions group, VrrpOptions all)
    {
        w.Open("group");
        foreach (string member in group.Instances)
        {
            w.Line(Word(member));
        }

        w.Close();
    }

    internal static void WriteTrackingWeight(ConfigOutput w, VrrpSyncGroupOptions group, VrrpOptions all)
    {
        if (group.TrackingWeight)
        {
            w.Line("sync_group_tracking_weight");
        }
    }
}
