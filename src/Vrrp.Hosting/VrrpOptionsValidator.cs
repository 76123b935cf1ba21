using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Vrrp.Packets;

namespace Vrrp.Hosting;

/// <summary>
/// Validates <see cref="VrrpOptions"/> at start-up: every message names the instance (or script, file, group) and the
/// field, with the keepalived keyword in parentheses.
/// </summary>
internal sealed partial class VrrpOptionsValidator : IValidateOptions<VrrpOptions>
{
    private readonly IOptionsMonitor<HealthCheckServiceOptions>? _healthChecks;

    public VrrpOptionsValidator(IOptionsMonitor<HealthCheckServiceOptions>? healthChecks = null) => _healthChecks = healthChecks;

    public ValidateOptionsResult Validate(string? name, VrrpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // What configuration binding could not read comes alone: the options do not say what the user meant, and
        // checking them would only repeat the same mistake in other words (a misspelt VirtualRouterId is 0).
        var binding = VrrpConfigurationBinder.GetErrors(options);
        if (binding.Count > 0)
        {
            return ValidateOptionsResult.Fail(binding);
        }

        var errors = new List<string>();

        if (options.CallbackTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Vrrp: CallbackTimeout must be more than 0 s, got {VrrpLimits.Seconds(options.CallbackTimeout)} s.");
        }

        if (options.StartupDelay < TimeSpan.Zero)
        {
            errors.Add($"Vrrp: StartupDelay (vrrp_startup_delay) must be 0 s or more, got {VrrpLimits.Seconds(options.StartupDelay)} s.");
        }

        CheckProcess(errors, options.Process);
        CheckFirewall(errors, options.Firewall);
        if (options.ReceiveBuffers is null)
        {
            errors.Add("Vrrp: ReceiveBuffers must not be null.");
        }
        else
        {
            CheckRanges(errors, "Vrrp: ReceiveBuffers", options.ReceiveBuffers, OptionFields.ReceiveBuffers);
        }
        CheckDaemonScript(errors, "StartupScript", "startup_script", options.StartupScript);
        CheckDaemonScript(errors, "ShutdownScript", "shutdown_script", options.ShutdownScript);
        CheckUniqueNames(errors, "instance", options.Instances.Select(i => i.Name));
        CheckUniqueNames(errors, "script", options.Scripts.Select(s => s.Name));
        CheckUniqueNames(errors, "track file", options.TrackFiles.Select(f => f.Name));
        CheckUniqueNames(errors, "sync group", options.SyncGroups.Select(g => g.Name));

        var scripts = options.Scripts.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var files = options.TrackFiles.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        HashSet<string>? healthChecks = null;

        foreach (var delay in options.InterfaceDelays)
        {
            if (string.IsNullOrWhiteSpace(delay.Interface))
            {
                errors.Add("InterfaceDelays (interface_up_down_delays): an entry has no Interface.");
            }
            else if (delay.Down < TimeSpan.Zero || delay.Up < TimeSpan.Zero || delay.Down > TimeSpan.FromSeconds(255) || delay.Up > TimeSpan.FromSeconds(255))
            {
                errors.Add($"InterfaceDelays (interface_up_down_delays) '{delay.Interface}': Down and Up must be between 0 and 255 s, got {VrrpLimits.Seconds(delay.Down)} and {VrrpLimits.Seconds(delay.Up)}.");
            }
        }

        foreach (var script in options.Scripts)
        {
            string label = $"Script '{script.Name}'";
            CheckRanges(errors, label, script, OptionFields.Script);
            if (string.IsNullOrWhiteSpace(script.Command))
            {
                errors.Add($"{label}: Command (script) is required.");
            }
            else if (Path.IsPathRooted(script.Command) && !File.Exists(script.Command))
            {
                // keepalived disables such a script ("not found"); a tracked check that can never pass is a configuration error.
                errors.Add($"{label}: Command (script) names the program {script.Command}, which does not exist (Command is the program; its arguments go in Arguments).");
            }

            if (script.Interval <= TimeSpan.Zero)
            {
                errors.Add($"{label}: Interval (interval) must be more than 0 s, got {VrrpLimits.Seconds(script.Interval)} s.");
            }

            if (script.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            {
                errors.Add($"{label}: Timeout (timeout) must be more than 0 s, got {VrrpLimits.Seconds(timeout)} s.");
            }

            CheckWeight(errors, label, "Weight (weight)", script.Weight);
            if (!string.IsNullOrEmpty(script.Group) && !string.IsNullOrEmpty(script.User) && !VrrpScriptLauncher.IsAvailable && !OperatingSystem.IsWindows() &&
                ScriptIdentity.Lookup(script.User, script.Group, out _) is { NeedsLauncher: true } identity)
            {
                errors.Add($"{label}: Group (user {script.User} {script.Group}) {identity.Unsupported(script.Group)}.");
            }
        }

        foreach (var file in options.TrackFiles)
        {
            string label = $"Track file '{file.Name}'";
            if (string.IsNullOrWhiteSpace(file.Path))
            {
                errors.Add($"{label}: Path (file) is required.");
            }

            if (file.Interval <= TimeSpan.Zero)
            {
                errors.Add($"{label}: Interval must be more than 0 s, got {VrrpLimits.Seconds(file.Interval)} s.");
            }

            CheckWeight(errors, label, "Weight (weight)", file.Weight, VrrpLimits.MaximumTrackFileWeight);
        }

        if (options.AllowInterfaceChanges && !options.DynamicInterfaces)
        {
            errors.Add("AllowInterfaceChanges (dynamic_interfaces allow_if_changes) needs DynamicInterfaces (dynamic_interfaces).");
        }

        var vrids = new Dictionary<(string Interface, VrrpAddressFamily Family, int Vrid), string>();
        foreach (var instance in options.Instances)
        {
            string label = $"Instance '{instance.Name}'";
            CheckRanges(errors, label, instance, OptionFields.Instance);
            if (string.IsNullOrWhiteSpace(instance.Name))
            {
                errors.Add("Instance '': Name is required (the vrrp_instance name).");
            }

            CheckNoInterface(errors, label, instance);
            CheckInterval(errors, label, instance);
            VrrpAddressFamily? family = CheckAddresses(errors, label, instance);
            CheckIpvlan(errors, label, instance, family);

            if (family is { } f && instance.VirtualRouterId is >= 1 and <= 255)
            {
                // Without an interface, an instance hears only the adverts sent to its source address (in its VRF).
                string where = instance.Interface.Length > 0 ? instance.Interface : $"|{instance.Vrf}|{instance.SourceAddress}";
                var key = (where, f, instance.VirtualRouterId);
                if (vrids.TryGetValue(key, out string? other))
                {
                    errors.Add(instance.Interface.Length > 0
                        ? $"{label}: VirtualRouterId (virtual_router_id) {instance.VirtualRouterId} is already used by instance '{other}' on interface {instance.Interface} for {f}; a VRID must be unique per interface and address family."
                        : $"{label}: VirtualRouterId (virtual_router_id) {instance.VirtualRouterId} is already used by instance '{other}', also without an interface, with source address {instance.SourceAddress}{(instance.Vrf is null ? "" : $" in VRF {instance.Vrf}")} for {f}.");
                }
                else
                {
                    vrids.Add(key, instance.Name);
                }
            }

            // VRRPv2 over IPv6 as keepalived 2.2.7 runs it: not in strict mode, not with AH.
            if (family == VrrpAddressFamily.IPv6 && instance.Version == VrrpVersion.V2 && instance.StrictMode)
            {
                errors.Add($"{label}: IPv6 virtual addresses need Version (version) 3 in strict mode (StrictMode); VRRPv2 over IPv6 is not in RFC 3768.");
            }

            if (family == VrrpAddressFamily.IPv6 && instance.AuthenticationType == AuthenticationType.IPAuthenticationHeader)
            {
                errors.Add($"{label}: AuthenticationType (auth_type) AH is IPv4 only.");
            }

            if (instance.Version != VrrpVersion.V2 && instance.Version != VrrpVersion.V3)
            {
                errors.Add($"{label}: Version (version) must be 2 or 3, got {(int)instance.Version}.");
            }

            if (instance.AuthenticationType != AuthenticationType.None && instance.Version != VrrpVersion.V2)
            {
                errors.Add($"{label}: AuthenticationType (auth_type) is only allowed with Version (version) 2.");
            }

            CheckKeepalivedOptions(errors, label, options, instance);

            if (instance.AuthenticationType != AuthenticationType.None && string.IsNullOrEmpty(instance.AuthenticationPassword))
            {
                errors.Add($"{label}: AuthenticationPassword (auth_pass) is required with auth_type {(instance.AuthenticationType == AuthenticationType.SimplePassword ? "PASS" : "AH")}.");
            }

            if (instance.AuthenticationType == AuthenticationType.None && !string.IsNullOrEmpty(instance.AuthenticationPassword))
            {
                errors.Add($"{label}: AuthenticationPassword (auth_pass) is only allowed with an AuthenticationType (auth_type).");
            }

            if (instance.PreemptDelay < TimeSpan.Zero || instance.PreemptDelay > TimeSpan.FromSeconds(VrrpLimits.MaximumPreemptDelaySeconds))
            {
                errors.Add($"{label}: PreemptDelay (preempt_delay) must be between 0 and {VrrpLimits.MaximumPreemptDelaySeconds} seconds, got {VrrpLimits.Seconds(instance.PreemptDelay)} s.");
            }

            if (instance.NoPreempt && instance.Priority == 255)
            {
                errors.Add($"{label}: NoPreempt (nopreempt) cannot be used with Priority (priority) 255: the address owner always preempts.");
            }

            if (instance.SourceAddress is { Length: > 0 } source && !IPAddressValue.TryParse(source, out _))
            {
                errors.Add($"{label}: SourceAddress (mcast_src_ip / unicast_src_ip) '{source}' is not an IP address.");
            }

            foreach (string peer in instance.UnicastPeers)
            {
                if (!IPAddressValue.TryParse(peer, out _))
                {
                    errors.Add($"{label}: UnicastPeers (unicast_peer) '{peer}' is not an IP address.");
                }
            }

            CheckCommand(errors, label, "NotifyMaster (notify_master)", instance.NotifyMaster);
            CheckCommand(errors, label, "NotifyBackup (notify_backup)", instance.NotifyBackup);
            CheckCommand(errors, label, "NotifyFault (notify_fault)", instance.NotifyFault);
            CheckCommand(errors, label, "NotifyStop (notify_stop)", instance.NotifyStop);
            CheckCommand(errors, label, "Notify (notify)", instance.Notify);
            CheckCommand(errors, label, "NotifyDeleted (notify_deleted)", instance.NotifyDeleted);

            CheckTrackedOnce(errors, label, "TrackInterfaces (track_interface)", instance.TrackInterfaces.Select(t => t.Interface));
            CheckTrackedOnce(errors, label, "TrackScripts (track_script)", instance.TrackScripts.Select(t => t.Name));
            CheckTrackedOnce(errors, label, "TrackFiles (track_file)", instance.TrackFiles.Select(t => t.Name));
            CheckTrackedOnce(errors, label, "TrackHealthChecks", instance.TrackHealthChecks.Select(t => t.Name));

            foreach (var track in instance.TrackInterfaces)
            {
                if (string.IsNullOrWhiteSpace(track.Interface))
                {
                    errors.Add($"{label}: TrackInterfaces (track_interface) has an entry without an interface name.");
                }

                CheckWeight(errors, label, $"TrackInterfaces[{track.Interface}].Weight (weight)", track.Weight);
            }

            foreach (var track in instance.TrackScripts)
            {
                if (!scripts.Contains(track.Name))
                {
                    errors.Add($"{label}: TrackScripts (track_script) names script '{track.Name}', which is not defined in Scripts (vrrp_script).");
                }

                if (track.Weight is { } w)
                {
                    CheckWeight(errors, label, $"TrackScripts[{track.Name}].Weight (weight)", w);
                }
            }

            foreach (var track in instance.TrackFiles)
            {
                if (!files.Contains(track.Name))
                {
                    errors.Add($"{label}: TrackFiles (track_file) names file '{track.Name}', which is not defined in TrackFiles (vrrp_track_file).");
                }

                if (track.Weight is { } w)
                {
                    CheckWeight(errors, label, $"TrackFiles[{track.Name}].Weight (weight)", w, VrrpLimits.MaximumTrackFileWeight);
                }
            }

            foreach (var track in instance.TrackHealthChecks)
            {
                healthChecks ??= RegisteredHealthChecks();
                if (!healthChecks.Contains(track.Name))
                {
                    errors.Add($"{label}: TrackHealthChecks names health check '{track.Name}', which is not registered (services.AddHealthChecks().AddCheck(\"{track.Name}\", ...)).");
                }

                CheckRanges(errors, $"{label}, TrackHealthChecks '{track.Name}'", track, OptionFields.TrackHealthCheck);
                if (track.Interval <= TimeSpan.Zero)
                {
                    errors.Add($"{label}: TrackHealthChecks[{track.Name}].Interval must be more than 0 s, got {VrrpLimits.Seconds(track.Interval)} s.");
                }

                if (track.Timeout <= TimeSpan.Zero)
                {
                    errors.Add($"{label}: TrackHealthChecks[{track.Name}].Timeout must be more than 0 s, got {VrrpLimits.Seconds(track.Timeout)} s.");
                }

                CheckWeight(errors, label, $"TrackHealthChecks[{track.Name}].Weight", track.Weight);
            }
        }

        var instanceNames = options.Instances.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in options.SyncGroups)
        {
            foreach (string member in group.Instances.Distinct(StringComparer.Ordinal))
            {
                if (groupOf.TryGetValue(member, out string? other))
                {
                    errors.Add($"Sync group '{group.Name}': instance '{member}' is already in sync group '{other}'; an instance belongs to at most one group.");
                }
                else
                {
                    groupOf[member] = group.Name;
                }
            }

            if (group.Instances.Count == 0)
            {
                errors.Add($"Sync group '{group.Name}': Instances (group) must name at least one instance.");
            }

            string groupLabel = $"Sync group '{group.Name}'";
            CheckCommand(errors, groupLabel, "NotifyMaster (notify_master)", group.NotifyMaster);
            CheckCommand(errors, groupLabel, "NotifyBackup (notify_backup)", group.NotifyBackup);
            CheckCommand(errors, groupLabel, "NotifyFault (notify_fault)", group.NotifyFault);
            CheckCommand(errors, groupLabel, "Notify (notify)", group.Notify);
            CheckCommand(errors, groupLabel, "NotifyStop (notify_stop)", group.NotifyStop);

            foreach (string member in group.Instances)
            {
                if (!instanceNames.Contains(member))
                {
                    errors.Add($"Sync group '{group.Name}': member '{member}' is not a configured instance (vrrp_instance).");
                }
            }
        }

        CheckKeepalivedOptions(errors, options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private HashSet<string> RegisteredHealthChecks() =>
        _healthChecks?.Get(Options.DefaultName).Registrations.Select(r => r.Name).ToHashSet(StringComparer.Ordinal)
        ?? new HashSet<string>(StringComparer.Ordinal);

    // Every number with a range in the option tables: "Instance 'VI_1': Priority (priority) must be between 1 and 255, got 300."
    private static void CheckRanges<T>(List<string> errors, string label, T options, OptionField<T>[] fields)
    {
        foreach (var field in fields)
        {
            if (field is { Range: var (min, max), GetInt: { } get } && get(options) is var value && (value < min || value > max))
            {
                errors.Add($"{label}: {field.Display} must be between {min} and {max}, got {value}.");
            }
        }
    }

    private static void CheckFirewall(List<string> errors, VrrpFirewallOptions? firewall)
    {
        if (firewall is null)
        {
            errors.Add("Vrrp: Firewall must not be null.");
            return;
        }

        // The rule of an nft identifier, which the Linux platform's table name must follow.
        if (firewall.TableName is { } name &&
            (name.Length is 0 or > 255 || !char.IsAsciiLetter(name[0]) || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
        {
            errors.Add($"Vrrp: Firewall.TableName (nftables) must be a letter, then letters, digits, '_', '-' or '.', at most 255 characters, got '{name}'.");
        }
    }

    private static void CheckDaemonScript(List<string> errors, string name, string keyword, VrrpDaemonScriptOptions? script)
    {
        if (script is null)
        {
            return;
        }

        if (!KeepalivedCommandLine.TrySplit(script.Command, out var words, out _) || words.Count == 0)
        {
            errors.Add($"Vrrp: {name}.Command ({keyword}) must name a program.");
        }

        if (script.Timeout < TimeSpan.FromSeconds(1) || script.Timeout > TimeSpan.FromSeconds(1000) || script.Timeout.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"Vrrp: {name}.Timeout ({keyword}_timeout) must be 1 to 1000 whole seconds, got {script.Timeout.TotalSeconds} s.");
        }
    }

    private static void CheckProcess(List<string> errors, VrrpProcessOptions? process)
    {
        if (process is null)
        {
            errors.Add("Vrrp: Process must not be null.");
            return;
        }

        if (process.Priority is < -20 or > 19)
        {
            errors.Add($"Vrrp: Process.Priority (vrrp_priority) must be -20 to 19, got {process.Priority}.");
        }

        if (process.RealtimePriority is < 0 or > 99)
        {
            errors.Add($"Vrrp: Process.RealtimePriority (vrrp_rt_priority) must be 1 to 99 (0: not real-time), got {process.RealtimePriority}.");
        }

        if (process.RealtimeTimeLimitMicroseconds < 2)
        {
            errors.Add($"Vrrp: Process.RealtimeTimeLimitMicroseconds (vrrp_rlimit_rttime) must be 2 or more, got {process.RealtimeTimeLimitMicroseconds}.");
        }

        if (process.MaxAutoPriority is < -1 or > 99)
        {
            errors.Add($"Vrrp: Process.MaxAutoPriority (max_auto_priority) must be 1 to 99 (0 or -1: never), got {process.MaxAutoPriority}.");
        }

        if (process.MinAutoPriorityDelayMicroseconds is < 1 or > 10_000_000)
        {
            errors.Add($"Vrrp: Process.MinAutoPriorityDelayMicroseconds (min_auto_priority_delay) must be 1 to 10000000, got {process.MinAutoPriorityDelayMicroseconds}.");
        }

        if (process.Name is { } name && (name.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(name) > 15))
        {
            errors.Add($"Vrrp: Process.Name (vrrp_process_name) must be 1 to 15 bytes, got '{name}'.");
        }

        if (process.ParentName is { } parent && (parent.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(parent) > 15))
        {
            errors.Add($"Vrrp: Process.ParentName (process_name) must be 1 to 15 bytes, got '{parent}'.");
        }

        if (process.Umask is < 0 or > 511)
        {
            errors.Add($"Vrrp: Process.Umask (umask) must be permission bits 0 to 511 (octal 0777), got {process.Umask}.");
        }

        foreach (int cpu in process.CpuAffinity)
        {
            if (cpu < 0 || cpu >= Environment.ProcessorCount)
            {
                errors.Add($"Vrrp: Process.CpuAffinity (vrrp_cpu_affinity) has CPU {cpu}; this machine has CPUs 0 to {Environment.ProcessorCount - 1}.");
            }
        }
    }

    private static void CheckUniqueNames(List<string> errors, string kind, IEnumerable<string> names)
    {
        foreach (var duplicate in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"The {kind} name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique.");
        }
    }

    private static IReadOnlyList<string> CheckCommand(List<string> errors, string label, string field, string? command)
    {
        if (command is null)
        {
            return [];
        }

        if (!KeepalivedCommandLine.TrySplit(command, out var words, out string? error))
        {
            errors.Add($"{label}: {field} cannot be split into a program and arguments: {error}");
            return [];
        }

        if (words.Count == 0)
        {
            errors.Add($"{label}: {field} names no program.");
        }

        return words;
    }

    private static void CheckTrackedOnce(List<string> errors, string label, string field, IEnumerable<string> names)
    {
        foreach (var duplicate in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"{label}: {field} lists '{duplicate.Key}' {duplicate.Count()} times; track each object once (its weight would count twice).");
        }
    }

    private static void CheckWeight(List<string> errors, string label, string field, int weight, int maximum = VrrpLimits.MaximumTrackWeight)
    {
        if (VrrpLimits.CheckWeight(weight, maximum) is { } problem)
        {
            errors.Add($"{label}: {field} {problem}.");
        }
    }

    private static void CheckInterval(List<string> errors, string label, VrrpInstanceOptions instance)
    {
        if (VrrpLimits.CheckAdvertisementInterval(instance.Version, instance.AdvertisementInterval) is { } problem)
        {
            errors.Add($"{label}: AdvertisementInterval (advert_int) {problem}.");
        }
    }

    private static VrrpAddressFamily? CheckAddresses(List<string> errors, string label, VrrpInstanceOptions instance)
    {
        if (instance.VirtualAddresses.Count == 0)
        {
            // keepalived 2.2.7 (vrrp_complete_instance) runs a VRRPv2 instance without addresses ("at least one is
            // sensible"; its adverts carry none), but not a VRRPv3 one nor one in strict mode ("at least one is required").
            if (instance.Version == VrrpVersion.V2 && !instance.StrictMode)
            {
                return VrrpAddressFamily.IPv4;
            }

            errors.Add($"{label}: VirtualAddresses (virtual_ipaddress) must contain at least one address (only a VRRPv2 instance outside strict mode may have none, as keepalived).");
            return null;
        }

        VrrpAddressFamily? family = null;
        bool mixed = false;
        foreach (string text in instance.VirtualAddresses)
        {
            if (!TryParseAddress(errors, label, "VirtualAddresses (virtual_ipaddress)", text, out var address))
            {
                continue;
            }

            if (family is null)
            {
                family = address.Family;
            }
            else if (family != address.Family)
            {
                mixed = true;
            }
        }

        if (mixed)
        {
            errors.Add($"{label}: VirtualAddresses (virtual_ipaddress) mixes IPv4 and IPv6; one address family per instance (use virtual_ipaddress_excluded for the other family).");
            return null;
        }

        foreach (string text in instance.ExcludedVirtualAddresses)
        {
            TryParseAddress(errors, label, "ExcludedVirtualAddresses (virtual_ipaddress_excluded)", text, out _);
        }

        return family;
    }

    private static bool TryParseAddress(List<string> errors, string label, string field, string text, out VirtualAddress address)
    {
        if (VirtualAddressSpec.TryParse(text, out var spec, out string? error))
        {
            address = spec.Address;
            return true;
        }

        errors.Add($"{label}: {field} entry '{text}' is invalid: {error}.");
        address = null!;
        return false;
    }
}
