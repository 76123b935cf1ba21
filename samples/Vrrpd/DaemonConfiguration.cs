using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vrrp.Keepalived;
using Vrrp.Hosting;

namespace Vrrpd;

/// <summary>A warning or error about the configuration, with its file and, when known, its line.</summary>
internal sealed record ConfigProblem(bool IsError, string File, int? Line, string Message)
{
    /// <summary>Compiler style: <c>FILE:LINE: error: MESSAGE</c> (<c>FILE: error: MESSAGE</c> without a line).</summary>
    public override string ToString() => $"{File}{(Line is { } l ? ":" + l.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}: {(IsError ? "error" : "warning")}: {Message}";
}

/// <summary>
/// Loads vrrpd's configuration: a keepalived.conf through <see cref="KeepalivedConfigReader"/>, or a JSON options file
/// (<c>*.json</c>, section <c>Vrrp</c>) through the source-generated configuration binder; then runs the hosting
/// options validator (the one <c>AddVrrp</c> registers) so that <c>--check</c> finds everything that would stop the
/// host from starting.
/// </summary>
internal sealed partial class DaemonConfiguration
{
    private DaemonConfiguration(string file, VrrpOptions? options, List<ConfigProblem> problems)
    {
        File = file;
        Options = options;
        Problems = problems;
    }

    /// <summary>The configuration file as given.</summary>
    public string File { get; }

    /// <summary>The options; null when the file could not be read at all.</summary>
    public VrrpOptions? Options { get; }

    /// <summary>Every warning and error, reader's first (in file order), then the validator's.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    public bool HasErrors => Options is null || Problems.Any(static p => p.IsError);

    public static DaemonConfiguration Load(string file, string? configId = null, bool allConfig = false)
    {
        var problems = new List<ConfigProblem>();
        bool isJson = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        VrrpOptions? options = isJson
            ? LoadJson(file, problems)
            : LoadKeepalived(file, configId, allConfig, problems);

        if (options is not null)
        {
            if (options.Instances.Count == 0)
            {
                problems.Add(new ConfigProblem(true, file, null, "no vrrp_instance is configured: there is nothing to run"));
            }

            // The validator's messages name the instance (script, group...) and field; they are placed at the line of
            // that block when the configuration is a keepalived.conf, otherwise at the file.
            var blocks = isJson ? null : BlockLines(file, problems);
            foreach (string failure in Validate(options))
            {
                var at = blocks is not null && NamedBlock(failure) is { } key && blocks.TryGetValue(key, out var found) ? found : (file, (int?)null);
                problems.Add(new ConfigProblem(true, at.Item1, at.Item2, failure));
            }
        }

        return new DaemonConfiguration(file, options, problems);
    }

    /// <summary>Copies every setting of <paramref name="from"/> onto <paramref name="to"/> (lists are shared).</summary>
    public static void CopyTo(VrrpOptions from, VrrpOptions to)
    {
        to.RouterId = from.RouterId;
        to.NetworkNamespace = from.NetworkNamespace;
        to.DefaultInterface = from.DefaultInterface;
        to.DynamicInterfaces = from.DynamicInterfaces;
        to.AllowInterfaceChanges = from.AllowInterfaceChanges;
        to.StartupDelay = from.StartupDelay;
        to.Instances = from.Instances;
        to.SyncGroups = from.SyncGroups;
        to.InterfaceDelays = from.InterfaceDelays;
        to.Scripts = from.Scripts;
        to.TrackFiles = from.TrackFiles;
        to.CallbackTimeout = from.CallbackTimeout;

        // keepalived.conf settings of issues 11, 12 and 14.
        to.IgnoreUnsupported = from.IgnoreUnsupported;
        to.MulticastGroup4 = from.MulticastGroup4;
        to.MulticastGroup6 = from.MulticastGroup6;
        to.NotifyFifo = from.NotifyFifo;
        to.VrrpNotifyFifo = from.VrrpNotifyFifo;
        to.EnableScriptSecurity = from.EnableScriptSecurity;
        to.FifoWriteStatesOnReload = from.FifoWriteStatesOnReload;
        to.ScriptUser = from.ScriptUser;
        to.ScriptGroup = from.ScriptGroup;
        to.GarpInterval = from.GarpInterval;
        to.GnaInterval = from.GnaInterval;
        to.VirtualMacPrefix = from.VirtualMacPrefix;
        to.VirtualMacAddressPrefix = from.VirtualMacAddressPrefix;
        to.GarpGroups = from.GarpGroups;
        to.TrackProcesses = from.TrackProcesses;
        to.ReleaseOnStop = from.ReleaseOnStop;
        to.StaticAddresses = from.StaticAddresses;
        to.StaticRoutes = from.StaticRoutes;
        to.StaticRules = from.StaticRules;
        to.StaticTrackGroups = from.StaticTrackGroups;
        to.Process = from.Process;
        to.Firewall = from.Firewall;
        to.ReceiveBuffers = from.ReceiveBuffers;
        to.LogUnknownVirtualRouterIds = from.LogUnknownVirtualRouterIds;
        to.DisableLocalIgmp = from.DisableLocalIgmp;
        to.StartupScript = from.StartupScript;
        to.ShutdownScript = from.ShutdownScript;
    }

    private static VrrpOptions? LoadKeepalived(string file, string? configId, bool allConfig, List<ConfigProblem> problems)
    {
        if (!System.IO.File.Exists(file))
        {
            problems.Add(new ConfigProblem(true, file, null, "the configuration file does not exist"));
            return null;
        }

        var result = KeepalivedConfigReader.Read(file, configId, allConfig);
        foreach (var d in result.Diagnostics)
        {
            problems.Add(new ConfigProblem(d.Severity == ConfigDiagnosticSeverity.Error, d.File, d.Line, d.Message));
        }

        return result.Options;
    }

    private static VrrpOptions? LoadJson(string file, List<ConfigProblem> problems)
    {
        if (!System.IO.File.Exists(file))
        {
            problems.Add(new ConfigProblem(true, file, null, "the configuration file does not exist"));
            return null;
        }

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            // The JSON reader's own exception carries the (0-based) line.
            var json = Find<JsonException>(ex);
            int? line = json?.LineNumber is { } l ? (int)l + 1 : null;
            problems.Add(new ConfigProblem(true, file, line, "not valid JSON: " + (json?.Message ?? ex.Message)));
            return null;
        }

        var section = root.GetSection(VrrpOptions.SectionName);
        if (!section.Exists())
        {
            problems.Add(new ConfigProblem(true, file, null, $"no \"{VrrpOptions.SectionName}\" section: the options go in {{ \"{VrrpOptions.SectionName}\": {{ \"Instances\": [ ... ] }} }}"));
            return null;
        }

        var options = new VrrpOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            problems.Add(new ConfigProblem(true, file, null, ex.Message));
            return null;
        }

        // Misspelt keys would otherwise be ignored silently: bind once more, strictly, only to name them.
        try
        {
            section.Bind(new VrrpOptions(), static o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            var m = UnknownKeys().Match(ex.Message);
            problems.Add(new ConfigProblem(false, file, null, m.Success
                ? $"unknown setting(s) {m.Groups["keys"].Value} in {m.Groups["type"].Value} (ignored)"
                : ex.Message));
        }

        return options;
    }

    /// <summary>Runs the validators that <c>AddVrrp</c> registers (the ones the host runs at start).</summary>
    private static IReadOnlyList<string> Validate(VrrpOptions options)
    {
        var services = new ServiceCollection();
        services.AddVrrp(o => CopyTo(options, o));
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<VrrpOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
    }

    /// <summary>
    /// Where each <c>vrrp_instance</c>, <c>vrrp_script</c>, <c>vrrp_track_file</c> and <c>vrrp_sync_group</c> block starts,
    /// in the main file and the files the reader's diagnostics name (included files).
    /// </summary>
    private static Dictionary<(string Keyword, string Name), (string File, int? Line)> BlockLines(string file, List<ConfigProblem> problems)
    {
        var blocks = new Dictionary<(string, string), (string, int?)>();
        foreach (string f in problems.Select(static p => p.File).Prepend(file).Distinct(StringComparer.Ordinal))
        {
            string[] lines;
            try
            {
                lines = System.IO.File.ReadAllLines(f);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            for (int i = 0; i < lines.Length; i++)
            {
                var m = BlockStart().Match(lines[i]);
                if (m.Success)
                {
                    blocks.TryAdd((m.Groups[1].Value, m.Groups[2].Value), (f, i + 1));
                }
            }
        }

        return blocks;
    }

    /// <summary>The block a validator message is about: "Instance 'VI_1': ...", "... Instances[VI_1].Priority ...".</summary>
    private static (string Keyword, string Name)? NamedBlock(string failure)
    {
        var m = ValidatorSubject().Match(failure);
        if (!m.Success)
        {
            return null;
        }

        string kind = m.Groups["kind"].Value;
        string keyword = kind.StartsWith("Instance", StringComparison.Ordinal) ? "vrrp_instance"
            : kind.StartsWith("Script", StringComparison.Ordinal) ? "vrrp_script"
            : kind.StartsWith("Track file", StringComparison.Ordinal) ? "vrrp_track_file"
            : "vrrp_sync_group";
        return (keyword, m.Groups["name"].Value);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(vrrp_instance|vrrp_script|vrrp_track_file|vrrp_sync_group)\s+(\S+)")]
    private static partial System.Text.RegularExpressions.Regex BlockStart();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<kind>Instance|Script|Track file|Sync group) '(?<name>[^']+)'|(?<kind>Instances|Scripts)\[(?<name>[^\]]+)\]")]
    private static partial System.Text.RegularExpressions.Regex ValidatorSubject();

    [System.Text.RegularExpressions.GeneratedRegex(@"instance of (?:[\w.]+\.)?(?<type>\w+): (?<keys>.+)$")]
    private static partial System.Text.RegularExpressions.Regex UnknownKeys();

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
