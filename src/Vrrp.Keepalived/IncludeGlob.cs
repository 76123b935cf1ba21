namespace Vrrp.Keepalived;

/// <summary>
/// POSIX glob(3) for <c>include</c> patterns: <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>, <c>[!abc]</c> in any path
/// component, and csh-style <c>{a,b}</c> alternatives (GLOB_BRACE). As glob does, wildcards do not match a leading dot
/// and the matches of one pattern come back sorted.
/// </summary>
internal static class IncludeGlob
{
    private const int MaxBraceExpansions = 1024;

    /// <summary>What a pattern names: the paths (files and directories, as glob(3) with GLOB_MARK returns both), and how many
    /// names or directories along the way did not exist (glibc's missing files and directories, which keepalived counts).</summary>
    internal readonly record struct Found(List<string> Paths, int Missing, bool HasBraces);

    /// <summary>The existing paths the pattern names, sorted (ordinal) per brace alternative, with what was missing.</summary>
    public static Found Find(string pattern)
    {
        var results = new List<string>();
        int missing = 0;
        var alternatives = ExpandBraces(pattern);
        foreach (string alternative in alternatives)
        {
            var matches = ExpandWildcards(alternative, ref missing);
            matches.Sort(StringComparer.Ordinal);
            foreach (string match in matches)
            {
                if (!results.Contains(match))
                {
                    results.Add(match);
                }
            }
        }

        return new Found(results, missing, alternatives.Count > 1 || alternatives[0] != pattern);
    }

    /// <summary>Expands the first <c>{a,b,...}</c> group (nested groups are handled by recursion).</summary>
    internal static List<string> ExpandBraces(string pattern)
    {
        var output = new List<string>();
        Expand(pattern, output);
        return output;

        static void Expand(string pattern, List<string> output)
        {
            if (output.Count >= MaxBraceExpansions)
            {
                return;
            }

            int open = pattern.IndexOf('{');
            if (open < 0)
            {
                output.Add(pattern);
                return;
            }

            int depth = 0;
            int close = -1;
            var commas = new List<int>();
            for (int i = open; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}')
                {
                    depth--;
                    if (depth == 0)
                    {
                        close = i;
                        break;
                    }
                }
                else if (c == ',' && depth == 1)
                {
                    commas.Add(i);
                }
            }

            if (close < 0)
            {
                // An unbalanced brace is an ordinary character.
                output.Add(pattern);
                return;
            }

            string prefix = pattern[..open];
            string suffix = pattern[(close + 1)..];
            int start = open + 1;
            commas.Add(close);
            foreach (int end in commas)
            {
                Expand(prefix + pattern[start..end] + suffix, output);
                start = end + 1;
            }
        }
    }

    private static List<string> ExpandWildcards(string pattern, ref int missing)
    {
        if (pattern.AsSpan().IndexOfAny("*?[") < 0)
        {
            if (Exists(pattern))
            {
                return [pattern];
            }

            missing++;
            return [];
        }

        bool rooted = pattern.StartsWith('/');
        string[] parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { rooted ? "/" : "" };
        for (int p = 0; p < parts.Length; p++)
        {
            string part = parts[p];
            bool last = p == parts.Length - 1;
            var next = new List<string>();
            foreach (string directory in current)
            {
                if (part.AsSpan().IndexOfAny("*?[") < 0)
                {
                    string path = Join(directory, part);
                    if (last ? Exists(path) : Directory.Exists(path))
                    {
                        next.Add(path);
                    }
                    else
                    {
                        missing++; // glob's lstat (a file) or opendir (a directory on the way) failed
                    }

                    continue;
                }

                string searchIn = directory.Length == 0 ? "." : directory;
                IEnumerable<string> entries;
                try
                {
                    entries = last ? Directory.EnumerateFileSystemEntries(searchIn) : Directory.EnumerateDirectories(searchIn);
                    entries = entries.ToList();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    missing++; // glob's opendir failed: a missing directory
                    continue;
                }

                foreach (string entry in entries)
                {
                    string name = Path.GetFileName(entry);
                    if (Matches(part, name))
                    {
                        next.Add(Join(directory, name));
                    }
                }
            }

            current = next;
        }

        return current;

        static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

        static string Join(string directory, string name) =>
            directory.Length == 0 ? name : directory.EndsWith('/') ? directory + name : directory + "/" + name;
    }

    /// <summary>fnmatch(3) without flags, except that a leading dot must be matched literally (as glob does).</summary>
    internal static bool Matches(string pattern, string name)
    {
        if (name.StartsWith('.') && !pattern.StartsWith('.'))
        {
            return false;
        }

        return Match(pattern, 0, name, 0);

        static bool Match(string pattern, int p, string name, int n)
        {
            while (p < pattern.Length)
            {
                char c = pattern[p];
                if (c == '*')
                {
                    while (p < pattern.Length && pattern[p] == '*')
                    {
                        p++;
                    }

                    if (p == pattern.Length)
                    {
                        return true;
                    }

                    for (int k = n; k <= name.Length; k++)
                    {
                        if (Match(pattern, p, name, k))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                if (n >= name.Length)
                {
                    return false;
                }

                if (c == '?')
                {
                    p++;
                    n++;
                    continue;
                }

                if (c == '[')
                {
                    int end = pattern.IndexOf(']', p + 2);
                    if (end > 0)
                    {
                        if (!MatchClass(pattern.AsSpan(p + 1, end - p - 1), name[n]))
                        {
                            return false;
                        }

                        p = end + 1;
                        n++;
                        continue;
                    }
                }

                if (c != name[n])
                {
                    return false;
                }

                p++;
                n++;
            }

            return n == name.Length;
        }

        static bool MatchClass(ReadOnlySpan<char> set, char c)
        {
            bool negate = set.Length > 0 && set[0] is '!' or '^';
            if (negate)
            {
                set = set[1..];
            }

            bool found = false;
            for (int i = 0; i < set.Length; i++)
            {
                if (i + 2 < set.Length && set[i + 1] == '-')
                {
                    if (c >= set[i] && c <= set[i + 2])
                    {
                        found = true;
                    }

                    i += 2;
                }
                else if (set[i] == c)
                {
                    found = true;
                }
            }

            return found != negate;
        }
    }
}
