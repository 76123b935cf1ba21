using System.Text;

namespace Vrrp.Hosting;

/// <summary>
/// Splits keepalived's command strings (<c>notify_master "/usr/local/bin/failover.sh --up"</c>) into a program and
/// its arguments without a shell: words are separated by blanks; single quotes keep everything literally; double
/// quotes group and honour <c>\"</c> and <c>\\</c>; outside quotes a backslash makes the next character literal.
/// No variables, globs, pipes or redirections are interpreted: write a script for those.
/// </summary>
internal static class CommandLine
{
    /// <summary>Splits a command string into words.</summary>
    /// <param name="text">The command string.</param>
    /// <returns>The words; the first is the program.</returns>
    /// <exception cref="FormatException">A quote is not closed, a backslash ends the text, or there is no word.</exception>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            switch (c)
            {
                case '\'':
                    {
                        int end = text.IndexOf('\'', i + 1);
                        if (end < 0)
                        {
                            throw new FormatException($"Unterminated single quote at position {i} in command '{text}'.");
                        }

                        word.Append(text, i + 1, end - i - 1);
                        i = end;
                        break;
                    }

                case '"':
                    {
                        int j = i + 1;
                        for (; j < text.Length && text[j] != '"'; j++)
                        {
                            if (text[j] == '\\' && j + 1 < text.Length && text[j + 1] is '"' or '\\')
                            {
                                j++;
                            }

                            word.Append(text[j]);
                        }

                        if (j >= text.Length)
                        {
                            throw new FormatException($"Unterminated double quote at position {i} in command '{text}'.");
                        }

                        i = j;
                        break;
                    }

                case '\\':
                    if (i + 1 >= text.Length)
                    {
                        throw new FormatException($"The command '{text}' ends with a backslash.");
                    }

                    word.Append(text[++i]);
                    break;

                default:
                    word.Append(c);
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count == 0 || words[0].Length == 0)
        {
            throw new FormatException($"The command '{text}' names no program.");
        }

        return words;
    }
}
