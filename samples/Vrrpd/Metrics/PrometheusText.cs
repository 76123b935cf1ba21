using System.Globalization;
using System.Text;

namespace Vrrpd.Metrics;

/// <summary>
/// The Prometheus text exposition format 0.0.4: metric and label names, unit suffixes and <c>_total</c> as the
/// OpenTelemetry Prometheus exporter makes them (so vrrpd's series keep their names), escaping, numbers.
/// </summary>
internal static class PrometheusText
{
    /// <summary>The Content-Type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The label every series carries: the meter's name, as OpenTelemetry's exporter puts it.</summary>
    public const string ScopeLabel = "otel_scope_name";

    /// <summary>
    /// The Prometheus name of an instrument: characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c> (runs of them one),
    /// the unit follows as a word (<c>s</c> is <c>_seconds</c>, <c>By</c> <c>_bytes</c>; annotations in braces such
    /// as <c>{packet}</c> add nothing), and a counter ends in <c>_total</c>.
    /// </summary>
    public static string MetricName(string instrument, string? unit, MetricsCollector.Kind kind)
    {
        string name = Sanitize(instrument, allowColon: true);
        if (kind == MetricsCollector.Kind.Counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        string suffix = UnitSuffix(unit, kind);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        return kind == MetricsCollector.Kind.Counter ? name + "_total" : name;
    }

    /// <summary>The word a UCUM unit adds to a name (empty for none).</summary>
    public static string UnitSuffix(string? unit, MetricsCollector.Kind kind)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        // Annotations ({packet}) say what is counted, not a unit.
        var bare = new StringBuilder(unit.Length);
        int depth = 0;
        foreach (char c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                bare.Append(c);
            }
        }

        string text = bare.ToString().Trim();
        if (text.Length == 0)
        {
            return "";
        }

        if (text == "1")
        {
            return kind == MetricsCollector.Kind.Gauge ? "ratio" : "";
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            string numerator = text[..slash];
            string denominator = text[(slash + 1)..];
            string per = PerUnit(denominator);
            string first = numerator.Length == 0 || numerator == "1" ? "" : Unit(numerator);
            return Sanitize(first.Length == 0 ? "per_" + per : first + "_per_" + per, allowColon: false).Trim('_');
        }

        return Sanitize(Unit(text), allowColon: false).Trim('_');
    }

    private static string Unit(string unit) => unit switch
    {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tebibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        _ => unit,
    };

    private static string PerUnit(string unit) => unit switch
    {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => unit,
    };

    /// <summary>A metric (<paramref name="allowColon"/>) or label name: invalid characters become <c>_</c>, runs of <c>_</c> one, no leading digit.</summary>
    public static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (char c in name)
        {
            bool valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            char next = valid ? c : '_';
            if (next == '_' && text.Length > 0 && text[^1] == '_')
            {
                continue;
            }

            text.Append(next);
        }

        if (text.Length == 0 || char.IsAsciiDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        return text.ToString();
    }

    /// <summary>
    /// The label set of a measurement, rendered (<c>otel_scope_name="Vrrp",vrrp_instance="VI_1"</c>): the scope
    /// first, then the tags sorted by their Prometheus name; values escaped.
    /// </summary>
    public static string Labels(string scope, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var pairs = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            pairs.Add(new(Sanitize(tag.Key, allowColon: false), TagValue(tag.Value)));
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder(64);
        AppendLabel(text, ScopeLabel, scope);
        foreach (var (key, value) in pairs)
        {
            text.Append(',');
            AppendLabel(text, key, value);
        }

        return text.ToString();
    }

    /// <summary>A rendered label set with one more label at the end (a histogram bucket's <c>le</c>).</summary>
    public static string WithLabel(string labels, string name, string value)
    {
        var text = new StringBuilder(labels.Length + name.Length + value.Length + 4).Append(labels);
        if (labels.Length > 0)
        {
            text.Append(',');
        }

        AppendLabel(text, name, value);
        return text.ToString();
    }

    private static string TagValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => Number(d, integral: false),
        float f => Number(f, integral: false),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void AppendLabel(StringBuilder text, string name, string value)
    {
        text.Append(name).Append("=\"");
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }

        text.Append('"');
    }

    /// <summary>The <c># TYPE</c> and <c># HELP</c> lines of a metric (HELP text escaped: backslash and line feed).</summary>
    public static void AppendHeader(StringBuilder text, string name, MetricsCollector.Kind kind, string? help)
    {
        string type = kind switch
        {
            MetricsCollector.Kind.Counter => "counter",
            MetricsCollector.Kind.Histogram => "histogram",
            _ => "gauge",
        };
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        if (!string.IsNullOrEmpty(help))
        {
            text.Append("# HELP ").Append(name).Append(' ');
            foreach (char c in help)
            {
                _ = c switch
                {
                    '\\' => text.Append("\\\\"),
                    '\n' => text.Append("\\n"),
                    _ => text.Append(c),
                };
            }

            text.Append('\n');
        }
    }

    /// <summary>One sample line: <c>name{labels} value</c>.</summary>
    public static void AppendSample(StringBuilder text, string name, string labels, double value, bool integral)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(Number(value, integral)).Append('\n');
    }

    /// <summary>
    /// A sample value: integers as integers, other numbers in the shortest form that reads back the same, and
    /// <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.
    /// </summary>
    public static string Number(double value, bool integral)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        if (integral && Math.Abs(value) < 9.2e18)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <c>target_info</c>, the gauge that carries the service's attributes (service_name, service_version,
    /// service_instance_id), with the value 1, first in the exposition as OpenTelemetry's exporter puts it.
    /// </summary>
    public static void AppendTargetInfo(StringBuilder text, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        AppendHeader(text, "target_info", MetricsCollector.Kind.Gauge, "Target metadata");
        var rendered = new StringBuilder(128);
        foreach (var (key, value) in labels)
        {
            if (rendered.Length > 0)
            {
                rendered.Append(',');
            }

            AppendLabel(rendered, Sanitize(key, allowColon: false), value);
        }

        AppendSample(text, "target_info", rendered.ToString(), 1, integral: true);
    }
}
