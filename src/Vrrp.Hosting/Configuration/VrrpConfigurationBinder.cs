using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace Vrrp.Hosting;

/// <summary>
/// Reads <see cref="VrrpOptions"/> from configuration (appsettings.json, environment variables, command line...) the
/// way <c>services.AddVrrp(configuration)</c> does, strictly: written by hand over the option tables, so it is
/// trimming and native AOT safe with no reflection, and it reports every key it does not know.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><b>Unknown keys</b> are errors that name the key and the nearest known option:
/// <c>Vrrp:Instances:VI_1:Priorty is not an option of an instance; did you mean Priority (keepalived priority)?</c>.
/// keepalived keywords are recognised too (<c>advert_int</c> suggests <c>AdvertisementInterval</c>).</description></item>
/// <item><description><b>Named lists</b> (Instances, Scripts, TrackFiles, SyncGroups, and an instance's TrackInterfaces,
/// TrackScripts, TrackFiles and TrackHealthChecks) are keyed by name: <c>Vrrp:Instances:VI_1:Priority</c>, so that an
/// environment variable <c>Vrrp__Instances__VI_1__Priority=150</c> changes one host's priority. A JSON array is still
/// accepted: a numeric key is a position and its item names itself with <c>Name</c> (<c>Interface</c> for
/// TrackInterfaces). A named key whose name is also an array item's configures that same item (the named values win),
/// so a per-host override works on either form. A <c>Name</c> inside a keyed item must match its key.</description></item>
/// <item><description><b>Durations</b> are seconds as keepalived writes them (<c>"1"</c>, <c>"0.05"</c>) or a TimeSpan
/// with hours, minutes and seconds (<c>"00:00:01"</c>); anything else (<c>"1s"</c>, <c>"1:30"</c>) is an error that
/// shows both forms.</description></item>
/// <item><description><b>Lists of strings</b> are JSON arrays, or a single value for a list of one.</description></item>
/// </list>
/// Values are only parsed here; ranges and cross-field rules are checked by the options validation at start, which
/// also reports these binding errors (alone: once a key is misread, the rest would only repeat it).
/// </remarks>
public static class VrrpConfigurationBinder
{
    private static readonly ConditionalWeakTable<VrrpOptions, List<string>> Errors = [];

    /// <summary>Binds <paramref name="configuration"/> (the <c>Vrrp</c> section) onto <paramref name="options"/>.</summary>
    /// <param name="configuration">The section.</param>
    /// <param name="options">The options to fill (values already there are kept unless configured).</param>
    /// <returns>The problems found (unknown keys, values that cannot be read), each naming the option, its keepalived keyword, the value and the configuration path; empty when none.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IReadOnlyList<string> Bind(IConfiguration configuration, VrrpOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var context = new BindContext([]);
        BindFields(configuration, options, OptionFields.Root, context, $"the {VrrpOptions.SectionName} section");
        var recorded = Errors.GetValue(options, static _ => []);
        lock (recorded)
        {
            recorded.AddRange(context.Errors);
        }

        return context.Errors;
    }

    /// <summary>The binding errors recorded for an options object (read by the validator).</summary>
    internal static IReadOnlyList<string> GetErrors(VrrpOptions options)
    {
        if (!Errors.TryGetValue(options, out var recorded))
        {
            return [];
        }

        lock (recorded)
        {
            return [.. recorded];
        }
    }

    internal static void BindNamedList<TItem>(
        IConfigurationSection section,
        BindContext context,
        string field,
        string? itemLabel,
        List<TItem> list,
        string nameKey,
        Func<TItem, string> nameOf,
        Action<TItem, string> setName,
        OptionField<TItem>[] fields)
        where TItem : new()
    {
        string outer = context.Label;
        var children = section.GetChildren().ToList();
        if (children.Count == 0 && !string.IsNullOrEmpty(section.Value))
        {
            context.Error(section, field, $"is a list: write a JSON object keyed by name or a JSON array, not the value '{section.Value}'");
            return;
        }

        // Positions first (a JSON array), in order; then names, which may add to an item of the array.
        var positional = children.Where(c => IsIndex(c.Key)).ToList();
        var named = children.Where(c => !IsIndex(c.Key)).ToList();
        if (positional.Count > 0)
        {
            // A bound array replaces what was there (as the configuration binder does for a list it reads whole).
            list.Clear();
        }

        foreach (var child in positional)
        {
            var item = new TItem();
            string? name = child.GetSection(nameKey).Value;
            context.Label = Label(itemLabel, outer, name ?? $"#{child.Key}", field);
            BindFields(child, item, fields, context, Describe(itemLabel, field));
            if (string.IsNullOrWhiteSpace(name))
            {
                context.Error(child, field, $"item {child.Key} has no {nameKey}: in a JSON array each item names itself (\"{nameKey}\": \"...\"); or key the items by name ({section.Path}:NAME:...)");
            }

            list.Add(item);
        }

        foreach (var child in named)
        {
            var item = list.Find(i => string.Equals(nameOf(i), child.Key, StringComparison.OrdinalIgnoreCase));
            if (item is null)
            {
                item = new TItem();
                list.Add(item);
            }

            context.Label = Label(itemLabel, outer, child.Key, field);
            string? inner = child.GetSection(nameKey).Value;
            BindFields(child, item, fields, context, Describe(itemLabel, field));
            if (inner is not null && !string.Equals(inner, child.Key, StringComparison.Ordinal))
            {
                context.Error(child.GetSection(nameKey), nameKey, $"'{inner}' differs from the item's key '{child.Key}': the key is the name (drop {nameKey}, or use the same name)");
            }

            setName(item, child.Key);
        }

        context.Label = outer;
    }

    internal static void BindFields<T>(IConfiguration section, T target, OptionField<T>[] fields, BindContext context, string what)
    {
        foreach (var child in section.GetChildren())
        {
            var field = Array.Find(fields, f => string.Equals(f.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                context.Errors.Add(Unknown(child, fields, what));
                continue;
            }

            field.Bind(target, child, context);
        }
    }

    private static string Unknown<T>(IConfigurationSection key, OptionField<T>[] fields, string what)
    {
        var best = Nearest(key.Key, fields);
        string message = $"{key.Path} is not an option of {what}";
        return best is null
            ? $"{message}; the options are {string.Join(", ", fields.Select(f => f.Name))}."
            : $"{message}; did you mean {best.Name}{(best.Keyword is null ? "" : $" (keepalived {best.Keyword})")}?";
    }

    // The option whose name or keepalived keyword is closest to the key (case and separators ignored), if close enough.
    private static OptionField<T>? Nearest<T>(string key, OptionField<T>[] fields)
    {
        string wanted = Normalize(key);
        OptionField<T>? best = null;
        int bestDistance = int.MaxValue;
        foreach (var field in fields)
        {
            foreach (string candidate in field.Keyword is null ? [field.Name] : new[] { field.Name, field.Keyword })
            {
                string normalized = Normalize(candidate);
                int distance = normalized == wanted ? 0 : Distance(wanted, normalized);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = field;
                }
            }
        }

        return bestDistance <= Math.Max(2, wanted.Length / 3) ? best : null;
    }

    private static string Normalize(string text)
    {
        var chars = new List<char>(text.Length);
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                chars.Add(char.ToLowerInvariant(c));
            }
        }

        return new string([.. chars]);
    }

    // Levenshtein distance with adjacent transpositions (a typo swaps two letters).
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static bool IsIndex(string key) => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Label(string? itemLabel, string outer, string name, string field) =>
        itemLabel is null ? $"{outer}, {field} '{name}'" : $"{itemLabel} '{name}'";

    private static string Describe(string? itemLabel, string field) =>
        itemLabel is null ? $"an entry of {field}" : $"{("aeiou".Contains(char.ToLowerInvariant(itemLabel[0])) ? "an" : "a")} {itemLabel.ToLowerInvariant()}";
}
