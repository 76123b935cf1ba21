using System.Globalization;
using System.Text;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived;

/// <summary>
/// Writes <see cref="VrrpOptions"/> as keepalived.conf text that <see cref="KeepalivedConfigReader"/> reads back into
/// equal options (and that keepalived 2.2.7 understands, except <c>net_namespace</c> inside an instance, a Vrrp
/// extension). Settings keepalived.conf cannot express (health-check tracking, the IPv4 checksum form) are written
/// as comments.
/// </summary>
public static class KeepalivedConfigWriter
{
    private const string Indent = "    ";

    /// <summary>Writes the options as keepalived.conf text.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The configuration text, ending with a newline.</returns>
    /// <exception cref="ArgumentException">A value keepalived.conf cannot hold (a double quote or line break in a name, a fractional GARP delay or script interval, a time finer than a microsecond).</exception>
    public static string Write(VrrpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(options, text);
        return text.ToString();
    }

    /// <summary>Writes the options as keepalived.conf text.</summary>
    /// <param name="options">The options.</param>
    /// <param name="writer">Where to write.</param>
    /// <exception cref="ArgumentException">A value keepalived.conf cannot hold (a double quote or line break in a name, a fractional GARP delay or script interval, a time finer than a microsecond).</exception>
    public static void Write(VrrpOptions options, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(writer);
        var w = new Output(writer);
        w.Line(0, "! keepalived.conf written by Vrrp (KeepalivedConfigWriter)");
        WriteGlobal(options, w);
        foreach (var script in options.Scripts)
        {
            WriteScript(script, w);
        }

        foreach (var file in options.TrackFiles)
        {
            w.Line(0, "");
            w.Line(0, $"vrrp_track_file {Word(file.Name)} {{");
            w.Line(1, $"file {Word(file.Path)}");
            w.Line(1, $"weight {Number(file.Weight)}");
            w.Line(0, "}");
        }

        foreach (var instance in options.Instances)
        {
            WriteInstance(instance, w);
        }

        foreach (var group in options.SyncGroups)
        {
            w.Line(0, "");
            w.Line(0, $"vrrp_sync_group {Word(group.Name)} {{");
            w.Line(1, "group {");
            foreach (string member in group.Instances)
            {
                w.Line(2, Word(member));
            }

            w.Line(1, "}");
            if (HasTrackingWeights(options, group))
            {
                w.Line(1, "sync_group_tracking_weight");
            }

            Notify(w, "notify_master", group.NotifyMaster);
            Notify(w, "notify_backup", group.NotifyBackup);
            Notify(w, "notify_fault", group.NotifyFault);
            Notify(w, "notify", group.Notify);
            w.Line(0, "}");
        }
    }

    /// <summary>Whether a member tracks with a weight (keepalived would zero it without <c>sync_group_tracking_weight</c>).</summary>
    private static bool HasTrackingWeights(VrrpOptions options, VrrpSyncGroupOptions group)
    {
        foreach (var instance in options.Instances.Where(i => group.Instances.Contains(i.Name)))
        {
            if (instance.TrackInterfaces.Any(static t => t.Weight != 0) ||
                instance.TrackScripts.Any(t => (t.Weight ?? options.Scripts.FirstOrDefault(x => x.Name == t.Name)?.Weight ?? 0) != 0) ||
                instance.TrackFiles.Any(t => (t.Weight ?? options.TrackFiles.FirstOrDefault(x => x.Name == t.Name)?.Weight ?? 0) != 0))
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteGlobal(VrrpOptions options, Output w)
    {
        if (options.RouterId is null && options.NetworkNamespace is null && options.StartupDelay == TimeSpan.Zero)
        {
            return;
        }

        w.Line(0, "");
        w.Line(0, "global_defs {");
        Optional(w, 1, "router_id", options.RouterId);
        Optional(w, 1, "net_namespace", options.NetworkNamespace);
        if (options.StartupDelay != TimeSpan.Zero)
        {
            w.Line(1, $"vrrp_startup_delay {Seconds(options.StartupDelay)}");
        }

        w.Line(0, "}");
    }

    private static void WriteScript(VrrpScriptOptions script, Output w)
    {
        w.Line(0, "");
        w.Line(0, $"vrrp_script {Word(script.Name)} {{");
        w.Line(1, $"script {Command(KeepalivedCommandLine.Join([script.Command, .. script.Arguments]))}");
        w.Line(1, $"interval {WholeSeconds(script.Interval, "interval")}");
        if (script.Timeout is TimeSpan timeout)
        {
            w.Line(1, $"timeout {WholeSeconds(timeout, "timeout")}");
        }

        w.Line(1, $"weight {Number(script.Weight)}");
        w.Line(1, $"rise {Number(script.Rise)}");
        w.Line(1, $"fall {Number(script.Fall)}");
        Optional(w, 1, "user", script.User);
        w.Line(0, "}");
    }

    private static void WriteInstance(VrrpInstanceOptions o, Output w)
    {
        w.Line(0, "");
        w.Line(0, $"vrrp_instance {Word(o.Name)} {{");
        if (o.InitialState is VrrpState state)
        {
            if (state is VrrpState.Master or VrrpState.Backup)
            {
                w.Line(1, $"state {(state == VrrpState.Master ? "MASTER" : "BACKUP")}");
            }
            else
            {
                w.Line(1, $"# initial state {state} has no keepalived keyword");
            }
        }

        w.Line(1, $"interface {Word(o.Interface)}");
        w.Line(1, $"virtual_router_id {Number(o.VirtualRouterId)}");
        w.Line(1, $"priority {Number(o.Priority)}");
        w.Line(1, $"version {(o.Version == VrrpVersion.V2 ? 2 : 3)}");
        w.Line(1, $"advert_int {Seconds(o.AdvertisementInterval)}");
        if (o.AuthenticationType != AuthenticationType.None)
        {
            w.Line(1, "authentication {");
            w.Line(2, $"auth_type {(o.AuthenticationType == AuthenticationType.SimplePassword ? "PASS" : "AH")}");
            Optional(w, 2, "auth_pass", o.AuthenticationPassword);
            w.Line(1, "}");
        }

        List(w, "virtual_ipaddress", o.VirtualAddresses);
        List(w, "virtual_ipaddress_excluded", o.ExcludedVirtualAddresses);
        if (o.NoPreempt)
        {
            w.Line(1, "nopreempt");
        }

        if (o.PreemptDelay != TimeSpan.Zero)
        {
            w.Line(1, $"preempt_delay {Seconds(o.PreemptDelay)}");
        }

        Optional(w, 1, o.UnicastPeers.Count > 0 ? "unicast_src_ip" : "mcast_src_ip", o.SourceAddress);
        List(w, "unicast_peer", o.UnicastPeers);
        if (o.CheckUnicastSource)
        {
            w.Line(1, "check_unicast_src");
        }

        if (o.UseVirtualMac)
        {
            w.Line(1, o.VirtualMacInterface is null ? "use_vmac" : $"use_vmac {Word(o.VirtualMacInterface)}");
        }

        Optional(w, 1, "net_namespace", o.NetworkNamespace);
        if (o.DontTrackPrimary)
        {
            w.Line(1, "dont_track_primary");
        }

        if (o.StrictMode)
        {
            w.Line(1, "strict_mode on");
        }

        // keepalived's defaults: 5 s and 5 for the master and lower-priority bursts, no refresh, 1 per refresh.
        Garp(w, "garp_master_delay", o.GarpMasterDelay, TimeSpan.FromSeconds(5));
        Garp(w, "garp_master_repeat", o.GarpMasterRepeat, 5);
        Garp(w, "garp_master_refresh", o.GarpMasterRefresh, TimeSpan.Zero);
        Garp(w, "garp_master_refresh_repeat", o.GarpMasterRefreshRepeat, 1);
        Garp(w, "garp_lower_prio_delay", o.GarpLowerPriorityDelay, TimeSpan.FromSeconds(5));
        Garp(w, "garp_lower_prio_repeat", o.GarpLowerPriorityRepeat, 5);

        if (o.TrackInterfaces.Count > 0)
        {
            w.Line(1, "track_interface {");
            foreach (var track in o.TrackInterfaces)
            {
                w.Line(2, track.Weight == 0 ? Word(track.Interface) : $"{Word(track.Interface)} weight {Number(track.Weight)}");
            }

            w.Line(1, "}");
        }

        References(w, "track_script", o.TrackScripts);
        References(w, "track_file", o.TrackFiles);
        foreach (var check in o.TrackHealthChecks)
        {
            w.Line(1, $"# not expressible in keepalived.conf: health check '{OneLine(check.Name)}' weight {Number(check.Weight)}");
        }

        if (o.ChecksumMode != Ipv4ChecksumMode.PseudoHeader)
        {
            w.Line(1, $"# not expressible in keepalived.conf: IPv4 checksum mode {o.ChecksumMode}");
        }

        Notify(w, "notify_master", o.NotifyMaster);
        Notify(w, "notify_backup", o.NotifyBackup);
        Notify(w, "notify_fault", o.NotifyFault);
        Notify(w, "notify_stop", o.NotifyStop);
        Notify(w, "notify", o.Notify);
        w.Line(0, "}");
    }

    private static void Garp(Output w, string keyword, TimeSpan value, TimeSpan keepalivedDefault)
    {
        if (value != keepalivedDefault)
        {
            w.Line(1, $"{keyword} {WholeSeconds(value, keyword)}");
        }
    }

    private static void Notify(Output w, string keyword, string? commandLine)
    {
        if (commandLine is not null)
        {
            w.Line(1, $"{keyword} {Command(commandLine)}");
        }
    }

    /// <summary>A command line as keepalived reads it back: escapes encoded for its first pass, then quoted.</summary>
    private static string Command(string commandLine) => Word(KeepalivedCommandLine.Escape(commandLine));

    /// <summary>keepalived reads these timers as whole seconds.</summary>
    private static string WholeSeconds(TimeSpan value, string keyword) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0 && value >= TimeSpan.Zero
            ? (value.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentException($"{keyword} {value}: keepalived.conf holds whole seconds only.", nameof(value));

    private static void Garp(Output w, string keyword, int value, int keepalivedDefault)
    {
        if (value != keepalivedDefault)
        {
            w.Line(1, $"{keyword} {Number(value)}");
        }
    }

    private static void List(Output w, string keyword, List<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        w.Line(1, $"{keyword} {{");
        foreach (string item in items)
        {
            w.Line(2, Word(item));
        }

        w.Line(1, "}");
    }

    private static void References(Output w, string keyword, List<TrackReferenceOptions> references)
    {
        if (references.Count == 0)
        {
            return;
        }

        w.Line(1, $"{keyword} {{");
        foreach (var reference in references)
        {
            w.Line(2, reference.Weight is int weight ? $"{Word(reference.Name)} weight {Number(weight)}" : Word(reference.Name));
        }

        w.Line(1, "}");
    }

    private static void Optional(Output w, int depth, string keyword, string? value)
    {
        if (value is not null)
        {
            w.Line(depth, $"{keyword} {Word(value)}");
        }
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Seconds as a plain decimal (<c>1</c>, <c>0.05</c>); keepalived keeps microseconds.</summary>
    internal static string Seconds(TimeSpan value) =>
        value.Ticks % 10 == 0 && value >= TimeSpan.Zero
            ? ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.######", CultureInfo.InvariantCulture)
            : throw new ArgumentException($"{value}: keepalived.conf holds non-negative times to the microsecond.", nameof(value));

    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>
    /// One configuration word: bare when it can be, otherwise in double quotes. keepalived's first pass has no
    /// escapes, so a word can hold neither a double quote nor a line break, and a lone "{" or "}" is a brace even quoted.
    /// </summary>
    internal static string Word(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny("\"\n\r") >= 0 || value is "{" or "}")
        {
            throw new ArgumentException($"'{OneLine(value)}' contains a double quote or a line break, or is a lone brace, which keepalived.conf cannot hold.", nameof(value));
        }

        foreach (char c in value)
        {
            if (ConfigLexer.IsWhiteSpace(c) || c is '#' or '!' or '{' or '}' or '\'' or '\\' or '$' or '@' or '~')
            {
                return $"\"{value}\"";
            }
        }

        return value.Length == 0 ? "\"\"" : value;
    }

    private sealed class Output(TextWriter writer)
    {
        public void Line(int depth, string text)
        {
            for (int i = 0; i < depth && text.Length > 0; i++)
            {
                writer.Write(Indent);
            }

            writer.Write(text);
            writer.Write('\n');
        }
    }
}
