using Vrrp.Hosting;

namespace Vrrp.Keepalived;

// The writing of the keywords with several parts: notify commands with users, FIFOs, peers, entries in keepalived's
// own syntax (addresses, routes, rules), process trackers.
public static partial class KeepalivedConfigWriter
{
    internal static void WriteTrackProcesses(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        foreach (var process in options.TrackProcesses)
        {
            w.Line("");
            w.Open($"vrrp_track_process {Word(process.Name)}");
            WriteRows(w, KeywordTable.TrackProcess, process, all);
            w.Close();
        }
    }

    internal static void WriteProcess(ConfigOutput w, VrrpTrackProcessOptions o, VrrpOptions all) =>
        w.Line(string.Join(' ', ["process", Word(o.Process), .. o.Parameters.Select(Word)]));

    internal static void WriteParameterMatch(ConfigOutput w, VrrpTrackProcessOptions o, VrrpOptions all)
    {
        switch (o.ParameterMatch)
        {
            case ProcessParameterMatch.Exact when o.Parameters.Count == 0:
                w.Line("param_match");
                break;
            case ProcessParameterMatch.Partial:
                w.Line("param_match partial");
                break;
            case ProcessParameterMatch.Initial:
                w.Line("param_match initial");
                break;
        }

        if (o.FullCommand && o.Parameters.Count == 0 && o.ParameterMatch == ProcessParameterMatch.None)
        {
            w.Line("full_command");
        }
    }

    internal static void WriteQuorum(ConfigOutput w, VrrpTrackProcessOptions o, VrrpOptions all)
    {
        if (o.QuorumMax is { } max)
        {
            w.Line($"quorum_max {Number(max)}"); // first: keepalived checks quorum against quorum_max
        }

        if (o.Quorum != 1 && o.QuorumMax != 0)
        {
            w.Line($"quorum {Number(o.Quorum)}");
        }
    }

    internal static void WriteUser(ConfigOutput w, string keyword, string? user, string? group)
    {
        if (user is not null)
        {
            w.Line(group is null ? $"{keyword} {Word(user)}" : $"{keyword} {Word(user)} {Word(group)}");
        }
    }

    internal static void WriteNotify(ConfigOutput w, string keyword, string? command, string? user, string? group)
    {
        if (command is not null)
        {
            string who = user is null ? "" : group is null ? $" {Word(user)}" : $" {Word(user)} {Word(group)}";
            w.Line($"{keyword} {Command(command)}{who}");
        }
    }

    internal static void WriteDaemonScript(ConfigOutput w, string keyword, VrrpDaemonScriptOptions? script)
    {
        if (script is not null)
        {
            WriteNotify(w, keyword, script.Command, script.User, script.Group);
            if (script.Timeout != TimeSpan.FromSeconds(VrrpDaemonScriptOptions.DefaultTimeoutSeconds))
            {
                w.Line($"{keyword}_timeout {(int)script.Timeout.TotalSeconds}");
            }
        }
    }

    internal static void WriteInterfaceDelays(ConfigOutput w, VrrpOptions options, VrrpOptions all)
    {
        if (options.InterfaceDelays.Count == 0)
        {
            return;
        }

        w.Line("");
        w.Open("interface_up_down_delays");
        foreach (var delay in options.InterfaceDelays)
        {
            w.Line($"{Word(delay.Interface)} {Seconds(delay.Down)} {Seconds(delay.Up)}");
        }

        w.Close();
    }

    internal static void WriteInitFile(ConfigOutput w, VrrpTrackFileOptions o, VrrpOptions all)
    {
        if (o.InitialValue is { } value)
        {
            w.Line($"init_file {Number(value)}{(o.InitialOverwrite ? " overwrite" : "")}");
        }
    }

    internal static void WriteNotifyDeleted(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.NotifyDeleted is not null)
        {
            WriteNotify(w, "notify_deleted", o.NotifyDeleted, o.NotifyUser, o.NotifyGroup);
        }
        else if (o.ReportDeleted)
        {
            w.Line("notify_deleted");
        }
    }

    internal static void WriteNotifyFifo(ConfigOutput w, string prefix, VrrpNotifyFifoOptions? fifo)
    {
        if (fifo is null)
        {
            return;
        }

        string owner = fifo.User is null ? "" : fifo.Group is null ? $" {Word(fifo.User)}" : $" {Word(fifo.User)} {Word(fifo.Group)}";
        w.Line($"{prefix}notify_fifo {Word(fifo.Path)}{owner}");
        if (fifo.Script is not null)
        {
            WriteNotify(w, $"{prefix}notify_fifo_script", fifo.Script, fifo.ScriptUser, fifo.ScriptGroup);
        }
    }

    internal static void WriteOldUnicastChecksum(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.OldUnicastChecksum != OldUnicastChecksum.Auto)
        {
            w.Line(o.OldUnicastChecksum == OldUnicastChecksum.Never ? "old_unicast_checksum never" : "old_unicast_checksum");
        }
    }

    internal static void WriteAccept(ConfigOutput w, bool? accept)
    {
        if (accept is { } value)
        {
            w.Line(value ? "accept" : "no_accept");
        }
    }

    internal static void WritePeers(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.UnicastPeers.Count == 0)
        {
            return;
        }

        w.Open("unicast_peer");
        foreach (string peer in o.UnicastPeers)
        {
            var ttl = o.UnicastPeerTtls.Find(t => t.Peer == peer);
            w.Line(ttl is null ? Word(peer) : $"{Word(peer)} min_ttl {Number(ttl.MinTtl)} max_ttl {Number(ttl.MaxTtl)}");
        }

        w.Close();
    }

    internal static void WriteGarpExtraInterfaces(ConfigOutput w, VrrpInstanceOptions o, VrrpOptions all)
    {
        if (o.GarpExtraInterfacesInterval is { } interval)
        {
            w.Line($"garp_extra_if {(o.GarpExtraInterfacesAll ? "all " : "")}{WholeSeconds(interval, "garp_extra_if")}");
        }
    }

    /// <summary>Entries in keepalived's own syntax (addresses, routes, rules): one per line, word by word.</summary>
    internal static void WriteEntries(ConfigOutput w, string keyword, List<string> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        w.Open(keyword);
        foreach (string entry in entries)
        {
            w.Line(string.Join(' ', entry.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Word)));
        }

        w.Close();
    }
}
