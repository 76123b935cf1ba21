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
public static partial class KeepalivedConfigWriter
{
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
        var w = new ConfigOutput();
        w.Line("! keepalived.conf written by Vrrp (KeepalivedConfigWriter)");
        foreach (var keyword in KeywordTable.TopLevel)
        {
            keyword.Write(w, options, options);
        }

        w.WriteTo(writer);
    }

    /// <summary>A command line as keepalived reads it back: escapes encoded for its first pass, then quoted.</summary>
    internal static string Command(string commandLine) => Word(KeepalivedCommandLine.Escape(commandLine));

    /// <summary>keepalived reads these timers as whole seconds.</summary>
    internal static string WholeSeconds(TimeSpan value, string keyword) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0 && value >= TimeSpan.Zero
            ? (value.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentException($"{keyword} {value}: keepalived.conf holds whole seconds only.", nameof(value));

    internal static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Seconds as a plain decimal (<c>1</c>, <c>0.05</c>); keepalived keeps microseconds.</summary>
    internal static string Seconds(TimeSpan value) =>
        value.Ticks % 10 == 0 && value >= TimeSpan.Zero
            ? ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.######", CultureInfo.InvariantCulture)
            : throw new ArgumentException($"{value}: keepalived.conf holds non-negative times to the microsecond.", nameof(value));

    internal static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ');

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
}
