using Vrrp.Packets;

namespace Vrrp.Hosting;

/// <summary>
/// The one list of options that are read and validated but that the host does not apply yet. A configuration that
/// uses one is refused by the options validator (an instance would run without what it asks for; the message names
/// the option, its keepalived keyword and what to use instead), unless <see cref="VrrpOptions.IgnoreUnsupported"/> is
/// set: then the host logs each one at start (event 1005) and runs without it. Whoever implements one of these at run
/// time removes its entry (and its test in OptionsValidationTests).
/// </summary>
internal static class NotYetApplied
{
    /// <summary>An option the host does not apply yet.</summary>
    /// <param name="Setting">The option, as the validator names it (with its keepalived keyword).</param>
    /// <param name="Instead">What to configure instead to get a working configuration.</param>
    /// <param name="Instance">Whether an instance uses it (null: not an instance option).</param>
    /// <param name="Global">Whether the configuration uses it at the top level (null: not a top-level option).</param>
    /// <param name="Script">Whether a check script uses it (null: not a script option).</param>
    /// <param name="Group">Whether a sync group uses it (null: not a group option).</param>
    internal sealed record Entry(
        string Setting,
        string Instead,
        Func<VrrpOptions, VrrpInstanceOptions, bool>? Instance = null,
        Func<VrrpOptions, bool>? Global = null,
        Func<VrrpScriptOptions, bool>? Script = null,
        Func<VrrpOptions, VrrpSyncGroupOptions, bool>? Group = null);

    private const string LeaveOut = "leave it out";

    /// <summary>Every option not applied yet.</summary>
    public static IReadOnlyList<Entry> All { get; } =
    [
    ];

    /// <summary>The options of <paramref name="options"/> not applied yet, each with who uses it ("Instance 'VI_1'", "Script 'chk'", "Vrrp").</summary>
    public static IEnumerable<(string Owner, Entry Entry)> UsedBy(VrrpOptions options)
    {
        foreach (var entry in All)
        {
            if (entry.Global?.Invoke(options) == true)
            {
                yield return ("Vrrp", entry);
            }

            foreach (var instance in entry.Instance is null ? [] : options.Instances.Where(i => entry.Instance(options, i)))
            {
                yield return ($"Instance '{instance.Name}'", entry);
            }

            foreach (var script in entry.Script is null ? [] : options.Scripts.Where(entry.Script))
            {
                yield return ($"Script '{script.Name}'", entry);
            }

            foreach (var group in entry.Group is null ? [] : options.SyncGroups.Where(g => entry.Group(options, g)))
            {
                yield return ($"Sync group '{group.Name}'", entry);
            }
        }
    }



}
