using System.Globalization;
using System.Text;
using System.Text.Json;
using Vrrp;
using Vrrp.Election;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrpd;

/// <summary>
/// keepalived 2.2.7's runtime dumps, for the VRRP parts, line for line: SIGUSR1 writes <c>keepalived.data</c> (global
/// definitions and the VRRP topology), SIGUSR2 <c>keepalived.stats</c> (the counters), the JSON signal
/// <c>keepalived.json</c>; in <c>$TMPDIR</c> when it is an absolute path, else <c>/tmp</c> (keepalived's rule), mode
/// 0600. The community exporters for keepalived read these files after sending the signals, and read vrrpd's the same.
/// </summary>
/// <remarks>
/// Values come from the configuration and the live status. What vrrpd has no counterpart for is written as keepalived
/// writes it for a plain configuration: no config faults, no scripts in init, send an advert after a lower-priority
/// one, accept mode on unless strict, no SMTP, notify deleted as Fault, no sockets' file descriptors (vrrpd's channels
/// are not file descriptors of the instance: 0 and 0). "Read timeout" is the instance's next expected event (its next
/// advert as master, the Master_Down_Interval as backup) counted from the dump.
/// </remarks>
internal sealed class KeepalivedDumps(Func<VrrpOptions> options, IVrrpMonitor monitor, TimeProvider time, string? commandLineNamespace = null)
{
    private static readonly string[] StateWords = ["INIT", "BACKUP", "MASTER", "FAULT", "STOP"];
    private readonly Dictionary<string, StatsBaseline> _cleared = new(StringComparer.Ordinal);

    /// <summary>keepalived's folder for the dumps: <c>$TMPDIR</c> when absolute, else <c>/tmp</c>.</summary>
    public static string Folder => Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } dir && dir[0] == '/' ? dir : "/tmp";

    public string WriteData() => Write(DataFileName(options(), commandLineNamespace), Data());

    /// <summary>
    /// keepalived.data, or with data_use_instance and a namespace or an instance name keepalived's
    /// <c>keepalived.NAMESPACE_INSTANCE.data</c> (either part alone without the underscore); the namespace is
    /// <c>-s NAME</c>'s when given, as keepalived's override replaces the configuration's.
    /// </summary>
    internal static string DataFileName(VrrpOptions o, string? commandLineNamespace)
    {
        string? ns = commandLineNamespace ?? o.NetworkNamespace;
        string? instance = o.Process.InstanceName;
        return o.Process.DataUseInstance && (ns is not null || instance is not null)
            ? $"keepalived.{ns}{(ns is not null && instance is not null ? "_" : "")}{instance}.data"
            : "keepalived.data";
    }

    public string WriteStats(bool clear) => Write("keepalived.stats", Stats(clear));

    public string WriteJson() => Write("keepalived.json", Json());

    internal string Data()
    {
        var o = options();
        var text = new StringBuilder();
        text.Append("------< Global definitions >------\n");
        text.Append(CultureInfo.InvariantCulture, $" Network namespace = {o.NetworkNamespace ?? "(default)"}\n");
        text.Append(CultureInfo.InvariantCulture, $" Router ID = {(string.IsNullOrEmpty(o.RouterId) ? Environment.MachineName : o.RouterId)}\n");
        text.Append(" VRRP IPv4 mcast group = 224.0.0.18\n");
        text.Append(" VRRP IPv6 mcast group = ff02::12\n");
        text.Append("------< VRRP Topology >------\n");
        var now = time.GetUtcNow();
        foreach (var (instance, status) in Instances(o))
        {
            Topology(text, o, instance, status, now);
        }

        return text.ToString();
    }

    internal string Stats(bool clear)
    {
        var text = new StringBuilder();
        lock (_cleared)
        {
            foreach (var (_, status) in Instances(options()))
            {
                var s = Counters(status) - _cleared.GetValueOrDefault(status.Name);
                text.Append(CultureInfo.InvariantCulture, $"""
                    VRRP Instance: {status.Name}
                      Advertisements:
                        Received: {s.Received}
                        Sent: {s.Sent}
                      Became master: {s.BecameMaster}
                      Released master: {s.ReleasedMaster}
                      Packet Errors:
                        Length: {s.Length}
                        TTL: {s.Ttl}
                        Invalid Type: {s.InvalidType}
                        Advertisement Interval: {s.Interval}
                        Address List: {s.AddressList}
                      Authentication Errors:
                        Invalid Type: {s.AuthInvalidType}
                        Type Mismatch: {s.AuthTypeMismatch}
                        Failure: {s.AuthFailure}
                      Priority Zero:
                        Received: {s.ZeroReceived}
                        Sent: {s.ZeroSent}

                    """);
                if (clear)
                {
                    _cleared[status.Name] = Counters(status);
                }
            }
        }

        return text.ToString();
    }

    internal string Json()
    {
        var o = options();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (instance, status) in Instances(o))
            {
                bool master = status.State == VrrpState.Master;
                json.WriteStartObject();
                json.WriteStartObject("data");
                json.WriteString("iname", status.Name);
                json.WriteNumber("dont_track_primary", instance.DontTrackPrimary ? 1 : 0);
                json.WriteNumber("skip_check_adv_addr", 0);
                json.WriteNumber("strict_mode", instance.StrictMode ? 1 : 0);
                json.WriteString("vmac_ifname", instance.UseVirtualMac ? instance.VirtualMacInterface ?? $"vrrp.{status.VirtualRouterId}" : "");
                json.WriteString("ifp_ifname", status.Interface);
                json.WriteNumber("master_priority", status.State == VrrpState.Backup ? status.MasterPriority : 0);
                json.WritePropertyName("last_transition");
                json.WriteRawValue(Micros(status.LastTransition ?? DateTimeOffset.UnixEpoch));
                json.WriteNumber("garp_delay", instance.GarpMasterDelay.TotalSeconds);
                json.WriteNumber("garp_refresh", (long)instance.GarpMasterRefresh.TotalSeconds);
                json.WriteNumber("garp_rep", instance.GarpMasterRepeat);
                json.WriteNumber("garp_refresh_rep", instance.GarpMasterRefreshRepeat);
                json.WriteNumber("garp_lower_prio_delay", (long)instance.GarpLowerPriorityDelay.TotalSeconds);
                json.WriteNumber("garp_lower_prio_rep", instance.GarpLowerPriorityRepeat);
                json.WriteNumber("lower_prio_no_advert", 0);
                json.WriteNumber("higher_prio_send_advert", 0);
                json.WriteNumber("vrid", status.VirtualRouterId);
                json.WriteNumber("base_priority", status.ConfiguredPriority);
                json.WriteNumber("effective_priority", status.EffectivePriority);
                json.WriteBoolean("vipset", master);
                json.WriteBoolean("promote_secondaries", instance.PromoteSecondaries && !instance.UseVirtualMac);
                json.WriteNumber("adver_int", instance.AdvertisementInterval.TotalSeconds);
                json.WriteNumber("master_adver_int", (status.MasterAdvertisementInterval > TimeSpan.Zero ? status.MasterAdvertisementInterval : instance.AdvertisementInterval).TotalSeconds);
                json.WriteNumber("accept", instance.StrictMode ? 0 : 1);
                json.WriteBoolean("nopreempt", instance.NoPreempt);
                json.WriteNumber("preempt_delay", (long)instance.PreemptDelay.TotalSeconds);
                json.WriteNumber("state", (int)status.State);
                json.WriteNumber("wantstate", (int)status.State);
                json.WriteNumber("version", (int)status.Version);
                json.WriteBoolean("smtp_alert", false);
                json.WriteBoolean("notify_deleted", instance.ReportDeleted || instance.NotifyDeleted is not null);
                WriteScript(json, "script_backup", instance.NotifyBackup);
                WriteScript(json, "script_master", instance.NotifyMaster);
                WriteScript(json, "script_fault", instance.NotifyFault);
                WriteScript(json, "script_stop", instance.NotifyStop);
                WriteScript(json, "script_deleted", instance.NotifyDeleted);
                WriteScript(json, "script", instance.Notify);
                json.WriteStartArray("vips");
                foreach (var vip in status.VirtualAddresses)
                {
                    json.WriteStringValue(Vip(vip, status.Interface, master));
                }

                json.WriteEndArray();
                if (instance.ExcludedVirtualAddresses.Count > 0)
                {
                    json.WriteStartArray("evips");
                    foreach (string evip in instance.ExcludedVirtualAddresses)
                    {
                        json.WriteStringValue(Vip(VirtualAddress.Parse(evip), status.Interface, master));
                    }

                    json.WriteEndArray();
                }

                if (instance.TrackInterfaces.Count > 0)
                {
                    json.WriteStartArray("track_ifp");
                    foreach (var track in instance.TrackInterfaces)
                    {
                        json.WriteStringValue(track.Interface);
                    }

                    json.WriteEndArray();
                }

                if (instance.TrackScripts.Count > 0)
                {
                    json.WriteStartArray("track_script");
                    foreach (var track in instance.TrackScripts)
                    {
                        var script = o.Scripts.Find(s => s.Name == track.Name);
                        json.WriteStringValue(script is null ? track.Name : KeepalivedCommandLine.Join([script.Command, .. script.Arguments]));
                    }

                    json.WriteEndArray();
                }

                json.WriteNumber("auth_type", (int)instance.AuthenticationType);
                if (instance.AuthenticationType == AuthenticationType.SimplePassword)
                {
                    json.WriteString("auth_data", Password(instance.AuthenticationPassword));
                }

                json.WriteEndObject();
                var s = Counters(status);
                json.WriteStartObject("stats");
                json.WriteNumber("advert_rcvd", s.Received);
                json.WriteNumber("advert_sent", s.Sent);
                json.WriteNumber("become_master", s.BecameMaster);
                json.WriteNumber("release_master", s.ReleasedMaster);
                json.WriteNumber("packet_len_err", s.Length);
                json.WriteNumber("advert_interval_err", s.Interval);
                json.WriteNumber("ip_ttl_err", s.Ttl);
                json.WriteNumber("invalid_type_rcvd", s.InvalidType);
                json.WriteNumber("addr_list_err", s.AddressList);
                json.WriteNumber("invalid_authtype", s.AuthInvalidType);
                json.WriteNumber("authtype_mismatch", s.AuthTypeMismatch);
                json.WriteNumber("auth_failure", s.AuthFailure);
                json.WriteNumber("pri_zero_rcvd", s.ZeroReceived);
                json.WriteNumber("pri_zero_sent", s.ZeroSent);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Topology(StringBuilder text, VrrpOptions o, VrrpInstanceOptions instance, VrrpInstanceStatus status, DateTimeOffset now)
    {
        void Line(string line) => text.Append("   ").Append(line).Append('\n');
        bool v3 = status.Version == VrrpVersion.V3;
        bool unicast = instance.UnicastPeers.Count > 0;
        bool master = status.State == VrrpState.Master;
        var interval = instance.AdvertisementInterval;
        var masterInterval = status.State == VrrpState.Backup && v3 && status.MasterAdvertisementInterval > TimeSpan.Zero ? status.MasterAdvertisementInterval : interval;
        text.Append(CultureInfo.InvariantCulture, $" VRRP Instance = {status.Name}\n");
        Line($"VRRP Version = {(int)status.Version}");
        if (o.SyncGroups.Find(g => g.Instances.Contains(status.Name)) is { } group)
        {
            Line($"Sync group = {group.Name}");
        }

        if (status.Family == VrrpAddressFamily.IPv6)
        {
            Line("Using Native IPv6");
        }

        Line($"State = {StateWords[(int)status.State]}");
        if (status.State == VrrpState.Backup)
        {
            Line($"Master router = {status.MasterAddress?.ToString() ?? (status.Family == VrrpAddressFamily.IPv4 ? "0.0.0.0" : "::")}");
            Line(Invariant($"Master priority = {status.MasterPriority}"));
            if (v3)
            {
                Line(Invariant($"Master advert int = {masterInterval.TotalSeconds:F2} sec"));
            }
        }

        // keepalived prints "Flags: none" only when no flag at all is set (nopreempt, dont_track_primary, unicast and
        // a configured source address are flags); the sub-lines are for unicast only.
        bool flags = instance.NoPreempt || instance.DontTrackPrimary || unicast || !string.IsNullOrEmpty(instance.SourceAddress) || instance.CheckUnicastSource;
        Line(flags ? "Flags:" : "Flags: none");
        if (unicast)
        {
            text.Append("     Using unicast\n");
        }

        Line($"Wantstate = {StateWords[(int)status.State]}");
        Line("Number of config faults = 0");
        Line(Invariant($"Number of interface and track script faults = {status.Faults.Count}"));
        Line("Number of track scripts init = 0");
        Line($"Last transition = {Stamp(status.LastTransition ?? DateTimeOffset.UnixEpoch)}");
        Line($"Read timeout = {Stamp(now + (master ? interval : DownTimer(status, masterInterval)))}");
        Line(Invariant($"Master down timer = {(long)DownTimer(status, masterInterval).TotalMicroseconds} usecs"));
        Line($"Interface = {(status.Interface.Length > 0 ? status.Interface : "not configured")}"); // keepalived's words for none
        if (instance.Vrf is { } vrf)
        {
            Line($"VRF = {vrf}");
        }

        if (instance.DontTrackPrimary)
        {
            Line("VRRP interface tracking disabled");
        }

        if (instance.StrictMode)
        {
            Line("Enforcing strict VRRP compliance");
        }

        string source = !string.IsNullOrEmpty(instance.SourceAddress) ? instance.SourceAddress + " (from configuration)" : status.LocalAddress?.ToString() ?? "(none)";
        Line($"Using src_ip = {source}");
        if (!unicast)
        {
            Line(status.Family == VrrpAddressFamily.IPv4 ? "Multicast address 224.0.0.18" : "Multicast address ff02::12");
        }

        Line(Invariant($"Gratuitous ARP delay = {(long)instance.GarpMasterDelay.TotalSeconds}"));
        Line(Invariant($"Gratuitous ARP repeat = {instance.GarpMasterRepeat}"));
        Line(Invariant($"Gratuitous ARP refresh = {(long)instance.GarpMasterRefresh.TotalSeconds}"));
        Line(Invariant($"Gratuitous ARP refresh repeat = {instance.GarpMasterRefreshRepeat}"));
        Line(Invariant($"Gratuitous ARP lower priority delay = {(long)instance.GarpLowerPriorityDelay.TotalSeconds}"));
        Line(Invariant($"Gratuitous ARP lower priority repeat = {instance.GarpLowerPriorityRepeat}"));
        Line("Down timer adverts = 3");
        Line("Send advert after receive lower priority advert = true");
        Line("Send advert after receive higher priority advert = false");
        Line(Invariant($"Virtual Router ID = {status.VirtualRouterId}"));
        Line(Invariant($"Priority = {status.ConfiguredPriority}"));
        Line(Invariant($"Effective priority = {status.EffectivePriority}"));
        Line(Invariant($"Total priority = {status.EffectivePriority}"));
        Line(v3 ? Invariant($"Advert interval = {(long)interval.TotalMilliseconds} milli-sec") : Invariant($"Advert interval = {(long)interval.TotalSeconds} sec"));
        if (status.State == VrrpState.Backup && v3)
        {
            Line(Invariant($"Master advert interval = {(long)masterInterval.TotalMilliseconds} milli-sec"));
        }

        Line(instance.StrictMode ? "Accept = disabled" : "Accept = enabled");
        Line(instance.NoPreempt ? "Preempt = disabled" : "Preempt = enabled");
        if (instance.PreemptDelay > TimeSpan.Zero)
        {
            Line(Invariant($"Preempt delay = {instance.PreemptDelay.TotalSeconds:G} secs"));
        }

        Line(instance.PromoteSecondaries && !instance.UseVirtualMac ? "Promote_secondaries = enabled" : "Promote_secondaries = disabled");
        if (instance.AuthenticationType == AuthenticationType.SimplePassword)
        {
            Line("Authentication type = SIMPLE_PASSWORD");
            Line($"Password = {Password(instance.AuthenticationPassword)}");
        }
        else if (!v3)
        {
            Line("Authentication type = none");
        }

        Line(Invariant($"Virtual IP ({status.VirtualAddresses.Count}):"));
        foreach (var vip in status.VirtualAddresses)
        {
            text.Append("     ").Append(Vip(vip, status.Interface, master)).Append('\n');
        }

        if (instance.ExcludedVirtualAddresses.Count > 0)
        {
            Line("Virtual IP Excluded :");
            foreach (string evip in instance.ExcludedVirtualAddresses)
            {
                text.Append("     ").Append(Vip(VirtualAddress.Parse(evip), status.Interface, master)).Append('\n');
            }
        }

        if (unicast)
        {
            Line($"Check unicast src : {(instance.CheckUnicastSource ? "yes" : "no")}");
            Line("Unicast Peer :");
            foreach (string peer in instance.UnicastPeers)
            {
                text.Append(CultureInfo.InvariantCulture, $"     {peer} min_ttl 0 max_ttl 255\n");
            }
        }

        Line("fd_in 0, fd_out 0");
        Line("Using smtp notification = no");
        Line(instance.ReportDeleted || instance.NotifyDeleted is not null ? "Notify deleted = Deleted" : "Notify deleted = Fault");
        Line(NotifiesPriorityChanges(o, instance) ? "Notify priority changes = true" : "Notify priority changes = false");
    }

    // keepalived: the instance's notify_priority_changes, else its sync group's, else false.
    private static bool NotifiesPriorityChanges(VrrpOptions o, VrrpInstanceOptions instance) =>
        instance.NotifyPriorityChanges ?? o.SyncGroups.Find(g => g.Instances.Contains(instance.Name))?.NotifyPriorityChanges ?? false;

    private static TimeSpan DownTimer(VrrpInstanceStatus status, TimeSpan masterInterval)
    {
        long intervalNs = masterInterval.Ticks * 100;
        byte priority = (byte)Math.Clamp(status.EffectivePriority, 1, 255);
        long ns = status.Version == VrrpVersion.V2
            ? (3 * intervalNs) + ((256 - priority) * (ProtocolTimers.NanosecondsPerSecond / 256))
            : ProtocolTimers.MasterDownInterval(priority, intervalNs);
        return TimeSpan.FromTicks(ns / 100);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // keepalived's "%f" of seconds: six decimals, from the same microseconds as the data file's.
    private static string Micros(DateTimeOffset at)
    {
        long micros = (at - DateTimeOffset.UnixEpoch).Ticks / 10;
        return string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
    }

    // keepalived: "1796009037.554903 (Mon Nov 30 03:23:57.554903 2026)", local time.
    private static string Stamp(DateTimeOffset at)
    {
        long micros = (at - DateTimeOffset.UnixEpoch).Ticks / 10;
        var local = at.ToLocalTime();
        return string.Create(CultureInfo.InvariantCulture,
            $"{micros / 1_000_000}.{micros % 1_000_000:D6} ({local:ddd MMM} {local.Day,2} {local:HH:mm:ss}.{micros % 1_000_000:D6} {local:yyyy})");
    }

    private static string Vip(VirtualAddress vip, string defaultInterface, bool set) =>
        $"{vip} dev {vip.Device ?? defaultInterface} scope {(vip.Address.IsIPv6LinkLocal ? "link" : "global")}{(set ? " set" : "")}";

    private static string Password(string? password)
    {
        string p = password ?? "";
        return p.Length > 8 ? p[..8] : p;
    }

    private static void WriteScript(Utf8JsonWriter json, string name, string? command)
    {
        if (!string.IsNullOrWhiteSpace(command))
        {
            json.WriteString(name, command);
        }
    }

    private static IEnumerable<(VrrpInstanceOptions Instance, VrrpInstanceStatus Status)> Instances(VrrpOptions o, IVrrpMonitor monitor)
    {
        foreach (var status in monitor.Instances)
        {
            if (o.Instances.Find(i => i.Name == status.Name) is { } instance)
            {
                yield return (instance, status);
            }
        }
    }

    private IEnumerable<(VrrpInstanceOptions Instance, VrrpInstanceStatus Status)> Instances(VrrpOptions o) => Instances(o, monitor);

    private static StatsBaseline Counters(VrrpInstanceStatus s)
    {
        long Drops(params DropReason[] reasons) => reasons.Sum(r => s.Drops.GetValueOrDefault(r));
        return new StatsBaseline(
            s.AdvertisementsReceived,
            s.AdvertisementsSent,
            s.BecameMaster,
            s.BecameMaster - (s.State == VrrpState.Master ? 1 : 0),
            Drops(DropReason.Truncated, DropReason.LengthMismatch, DropReason.ZeroAddressCount, DropReason.BadIPHeader),
            Drops(DropReason.TtlNot255),
            Drops(DropReason.UnknownType),
            Drops(DropReason.IntervalMismatch, DropReason.ZeroInterval),
            0,
            Drops(DropReason.AuthenticationUnsupported),
            Drops(DropReason.AuthenticationTypeMismatch),
            Drops(DropReason.AuthenticationFailure),
            s.PriorityZeroReceived,
            s.PriorityZeroSent);
    }

    private static string Write(string name, string content)
    {
        string path = Path.Combine(Folder, name);
        // keepalived's fopen_safe: the file is replaced, never followed through a link, and readable by its owner only.
        File.Delete(path);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, fileOptions))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
        }

        return path;
    }

    private readonly record struct StatsBaseline(
        long Received, long Sent, long BecameMaster, long ReleasedMaster, long Length, long Ttl, long InvalidType, long Interval,
        long AddressList, long AuthInvalidType, long AuthTypeMismatch, long AuthFailure, long ZeroReceived, long ZeroSent)
    {
        public static StatsBaseline operator -(StatsBaseline a, StatsBaseline b) => new(
            a.Received - b.Received, a.Sent - b.Sent, a.BecameMaster - b.BecameMaster, a.ReleasedMaster - b.ReleasedMaster,
            a.Length - b.Length, a.Ttl - b.Ttl, a.InvalidType - b.InvalidType, a.Interval - b.Interval, a.AddressList - b.AddressList,
            a.AuthInvalidType - b.AuthInvalidType, a.AuthTypeMismatch - b.AuthTypeMismatch, a.AuthFailure - b.AuthFailure,
            a.ZeroReceived - b.ZeroReceived, a.ZeroSent - b.ZeroSent);
    }
}
