using System.Text;

namespace Vrrp.Hosting;

/// <summary>
/// keepalived's way of turning a script string (<c>script "..."</c>, <c>notify_master "..."</c>) into a program and its
/// arguments without a shell: words are separated by unquoted white space; <c>'...'</c> and <c>"..."</c> group and glue
/// to adjacent text (<c>a'b c'd</c> is the one word <c>ab cd</c>); backslash escapes work everywhere, inside quotes
/// too: <c>\\</c>, <c>\'</c>, <c>\"</c>, <c>\a \b \E \f \n \r \t \v</c>, <c>\nnn</c> (octal), <c>\xHH</c> (hex),
/// <c>\cC</c> (control character); any other <c>\C</c> is C.
/// </summary>
/// <remarks>
/// In keepalived.conf the command line sits inside one pair of double quotes and keepalived decodes backslash escapes
/// twice: once over the configuration line, then again while splitting. So <c>script "/bin/echo 'a\\\\b'"</c> passes
/// <c>a\b</c>. The keepalived.conf reader of Vrrp.Keepalived does the first pass (<see cref="TryUnescape"/>; the options hold the command line as
/// <see cref="Split"/> expects it) and its writer the inverse (<see cref="Escape"/>).
/// </remarks>
public static class KeepalivedCommandLine
{
    /// <summary>Splits a command line into words.</summary>
    /// <param name="commandLine">For example <c>/usr/bin/curl -fs 'http://127.0.0.1/health check'</c>.</param>
    /// <returns>The words: the program first, then its arguments. Empty for an empty or blank line.</returns>
    /// <exception cref="FormatException">A quote is not closed, or the line ends with a lone backslash.</exception>
    public static IReadOnlyList<string> Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        return TrySplit(commandLine, out var words, out string? error) ? words : throw new FormatException(error);
    }

    /// <summary>Splits a command line into words, reporting a problem instead of throwing.</summary>
    /// <param name="commandLine">The command line.</param>
    /// <param name="words">The words when the line is well formed.</param>
    /// <param name="error">What is wrong otherwise.</param>
    /// <returns>True when the line is well formed.</returns>
    public static bool TrySplit(string commandLine, out IReadOnlyList<string> words, out string? error)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var result = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        int quoteAt = 0;
        int i = 0;
        while (i < commandLine.Length)
        {
            char c = commandLine[i];
            if (c == '\\')
            {
                if (i + 1 >= commandLine.Length)
                {
                    words = [];
                    error = $"'{commandLine}': a lone backslash at the end (write \\\\ for a backslash)";
                    return false;
                }

                i = AppendEscape(commandLine, i + 1, word);
                inWord = true;
            }
            else if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }

                i++;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                quoteAt = i;
                inWord = true;
                i++;
            }
            else if (IsWhiteSpace(c))
            {
                if (inWord)
                {
                    result.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                i++;
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }

        if (quote != '\0')
        {
            words = [];
            error = $"'{commandLine}': the quote {quote} at position {quoteAt + 1} is not closed";
            return false;
        }

        if (inWord)
        {
            result.Add(word.ToString());
        }

        words = result;
        error = null;
        return true;
    }

    /// <summary>
    /// Joins words into a command line that <see cref="Split"/> (and keepalived) turns back into the same words. The
    /// result never contains a double quote, so it can be written inside keepalived.conf's double quotes.
    /// </summary>
    /// <param name="words">The program and its arguments.</param>
    /// <returns>The command line, quoting only the words that need it.</returns>
    public static string Join(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var line = new StringBuilder();
        bool first = true;
        foreach (string word in words)
        {
            ArgumentNullException.ThrowIfNull(word, nameof(words));
            if (!first)
            {
                line.Append(' ');
            }

            first = false;
            AppendQuoted(line, word);
        }

        return line.ToString();
    }

    /// <summary>
    /// keepalived's first pass over a <c>script</c> / <c>notify*</c> value: backslash escapes are decoded (inside the
    /// configuration's double quotes), which gives the command line that <see cref="TrySplit"/> then splits.
    /// </summary>
    /// <param name="text">The value as written between the double quotes.</param>
    /// <param name="result">The decoded command line.</param>
    /// <param name="error">What is wrong, when the result is false.</param>
    /// <returns>True when the text is well formed.</returns>
    public static bool TryUnescape(string text, out string result, out string? error)
    {
        var decoded = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] != '\\')
            {
                decoded.Append(text[i++]);
                continue;
            }

            if (i + 1 >= text.Length)
            {
                result = "";
                error = $"'{text}': a lone backslash at the end (write \\\\ for a backslash)";
                return false;
            }

            i = AppendEscape(text, i + 1, decoded);
        }

        result = decoded.ToString();
        error = null;
        return true;
    }

    /// <summary>The inverse of <see cref="TryUnescape"/>: the text to put inside double quotes in keepalived.conf.</summary>
    /// <param name="commandLine">The command line.</param>
    /// <returns>The escaped text.</returns>
    public static string Escape(string commandLine)
    {
        var text = new StringBuilder(commandLine.Length);
        foreach (char c in commandLine)
        {
            if (c == '\\')
            {
                text.Append("\\\\");
            }
            else if (c == '"' || IsAsciiControl(c))
            {
                text.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static bool IsAsciiControl(char c) => c < 0x20 || c == 0x7F;

    // keepalived's blanks (C isspace): the same set separates words in keepalived.conf.
    private static bool IsWhiteSpace(char c) => c is ' ' or '\t' or '\f' or '\n' or '\r' or '\v';

    private static void AppendQuoted(StringBuilder line, string word)
    {
        bool plain = word.Length > 0;
        foreach (char c in word)
        {
            if (IsWhiteSpace(c) || IsAsciiControl(c) || c is '\'' or '"' or '\\')
            {
                plain = false;
                break;
            }
        }

        if (plain)
        {
            line.Append(word);
            return;
        }

        line.Append('\'');
        foreach (char c in word)
        {
            if (c is '\\' or '\'')
            {
                line.Append('\\').Append(c);
            }
            else if (c == '"' || IsAsciiControl(c))
            {
                // Three octal digits, so the next character cannot be read as part of the escape.
                line.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
            }
            else
            {
                line.Append(c);
            }
        }

        line.Append('\'');
    }

    /// <summary>Reads the escape whose letter is at <paramref name="i"/> and returns the index after it.</summary>
    private static int AppendEscape(string text, int i, StringBuilder word)
    {
        char e = text[i++];
        switch (e)
        {
            case 'x' when i < text.Length && char.IsAsciiHexDigit(text[i]):
                {
                    // keepalived reads every following hex digit into one byte.
                    int value = 0;
                    while (i < text.Length && char.IsAsciiHexDigit(text[i]))
                    {
                        value = ((value << 4) | Convert.ToInt32(text[i].ToString(), 16)) & 0xFF;
                        i++;
                    }

                    word.Append((char)value);
                    break;
                }

            case 'c' when i < text.Length:
                word.Append((char)(text[i] & 0x1F));
                i++;
                break;
            case >= '0' and <= '7':
                {
                    int value = e - '0';
                    for (int k = 0; k < 2 && i < text.Length && text[i] is >= '0' and <= '7'; k++, i++)
                    {
                        value = (value << 3) + (text[i] - '0');
                    }

                    word.Append((char)(value & 0xFF));
                    break;
                }

            case 'a': word.Append('\a'); break;
            case 'b': word.Append('\b'); break;
            case 'E': word.Append('\u001b'); break;
            case 'f': word.Append('\f'); break;
            case 'n': word.Append('\n'); break;
            case 'r': word.Append('\r'); break;
            case 't': word.Append('\t'); break;
            case 'v': word.Append('\v'); break;
            default: word.Append(e); break;
        }

        return i;
    }
}
