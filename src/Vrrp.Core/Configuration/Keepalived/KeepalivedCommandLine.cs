using System.Globalization;
using System.Text;

namespace Vrrp.Configuration.Keepalived;

/// <summary>
/// keepalived's way of turning a script string (<c>script "..."</c>, <c>notify_master "..."</c>) into a program and its
/// arguments without a shell: words are separated by unquoted white space; <c>'...'</c> is literal; <c>"..."</c> and
/// unquoted text take backslash escapes (<c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\t</c>, <c>\nnn</c> octal, <c>\xHH</c>...).
/// Quotes glue to adjacent text: <c>a'b c'd</c> is the one word <c>ab cd</c>.
/// </summary>
public static class KeepalivedCommandLine
{
    /// <summary>Splits a command line into words.</summary>
    /// <param name="commandLine">For example <c>/usr/bin/curl -fs 'http://127.0.0.1/health check'</c>.</param>
    /// <returns>The words: the program first, then its arguments. Empty for an empty or blank line.</returns>
    /// <exception cref="FormatException">A quote is not closed.</exception>
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
        int i = 0;
        while (i < commandLine.Length)
        {
            char c = commandLine[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    result.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                i++;
            }
            else if (c == '\'')
            {
                int close = commandLine.IndexOf('\'', i + 1);
                if (close < 0)
                {
                    words = [];
                    error = $"'{commandLine}': the quote ' at position {i + 1} is not closed";
                    return false;
                }

                word.Append(commandLine, i + 1, close - i - 1);
                inWord = true;
                i = close + 1;
            }
            else if (c == '"')
            {
                i++;
                inWord = true;
                while (true)
                {
                    if (i >= commandLine.Length)
                    {
                        words = [];
                        error = $"'{commandLine}': a quote \" is not closed";
                        return false;
                    }

                    char d = commandLine[i];
                    if (d == '"')
                    {
                        i++;
                        break;
                    }

                    if (d == '\\')
                    {
                        i = AppendEscape(commandLine, i, word);
                    }
                    else
                    {
                        word.Append(d);
                        i++;
                    }
                }
            }
            else if (c == '\\')
            {
                i = AppendEscape(commandLine, i, word);
                inWord = true;
            }
            else
            {
                word.Append(c);
                inWord = true;
                i++;
            }
        }

        if (inWord)
        {
            result.Add(word.ToString());
        }

        words = result;
        error = null;
        return true;
    }

    /// <summary>Joins words into a command line that <see cref="Split"/> turns back into the same words.</summary>
    /// <param name="words">The program and its arguments.</param>
    /// <returns>The command line, quoting only the words that need it.</returns>
    public static string Join(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var line = new StringBuilder();
        foreach (string word in words)
        {
            ArgumentNullException.ThrowIfNull(word, nameof(words));
            if (line.Length > 0)
            {
                line.Append(' ');
            }

            AppendQuoted(line, word);
        }

        return line.ToString();
    }

    private static void AppendQuoted(StringBuilder line, string word)
    {
        bool plain = word.Length > 0;
        bool control = false;
        foreach (char c in word)
        {
            if (char.IsWhiteSpace(c) || c is '\'' or '"' or '\\')
            {
                plain = false;
            }

            if (char.IsControl(c))
            {
                control = true;
            }
        }

        if (plain && !control)
        {
            line.Append(word);
        }
        else if (!control && !word.Contains('\'', StringComparison.Ordinal))
        {
            line.Append('\'').Append(word).Append('\'');
        }
        else
        {
            line.Append('"');
            foreach (char c in word)
            {
                if (c is '"' or '\\')
                {
                    line.Append('\\').Append(c);
                }
                else if (char.IsControl(c) && c < 0x100)
                {
                    // Always three octal digits, so the next character cannot be read as part of the escape.
                    line.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
                }
                else
                {
                    line.Append(c);
                }
            }

            line.Append('"');
        }
    }

    /// <summary>Reads the escape at <paramref name="i"/> (a backslash) and returns the index after it.</summary>
    private static int AppendEscape(string text, int i, StringBuilder word)
    {
        if (i + 1 >= text.Length)
        {
            word.Append('\\');
            return i + 1;
        }

        char e = text[i + 1];
        i += 2;
        switch (e)
        {
            case 'a': word.Append('\a'); break;
            case 'b': word.Append('\b'); break;
            case 'E': word.Append('\u001b'); break;
            case 'f': word.Append('\f'); break;
            case 'n': word.Append('\n'); break;
            case 'r': word.Append('\r'); break;
            case 't': word.Append('\t'); break;
            case 'v': word.Append('\v'); break;
            case >= '0' and <= '7':
                {
                    int value = e - '0';
                    for (int k = 0; k < 2 && i < text.Length && text[i] is >= '0' and <= '7'; k++, i++)
                    {
                        value = (value * 8) + (text[i] - '0');
                    }

                    word.Append((char)(value & 0xFF));
                    break;
                }

            case 'x':
                {
                    int start = i;
                    while (i < text.Length && i - start < 2 && char.IsAsciiHexDigit(text[i]))
                    {
                        i++;
                    }

                    if (i == start)
                    {
                        word.Append('x');
                    }
                    else
                    {
                        word.Append((char)int.Parse(text.AsSpan(start, i - start), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    }

                    break;
                }

            case 'c' when i < text.Length:
                word.Append((char)(text[i] & 0x1F));
                i++;
                break;
            default:
                word.Append(e);
                break;
        }

        return i;
    }
}
