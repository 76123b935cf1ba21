using System.Globalization;

namespace Vrrpd;

/// <summary>
/// Unmaps the pages of vrrpd's binary and shared libraries that start-up touched and the steady state does not use.
/// Start-up runs code from all over the 9 MB binary (configuration, the host, dependency injection, logging set-up),
/// and the kernel maps file pages 64 KB around each fault, so almost the whole binary stays resident although the
/// advert path uses a fraction of it. Dropping the page-table entries of read-only file mappings (MADV_DONTNEED) gives
/// that back: the pages stay in the page cache (shared, and the kernel's to reclaim), and whatever runs next faults
/// its pages back from there (a minor fault, no disk read). Only mappings that are read-only, private to a file and
/// hold no copied-on-write page are touched, so no content can be lost: what comes back is what was there. Measured
/// in docs/performance.md, "vrrpd's memory".
/// </summary>
internal static class StartupPages
{
    /// <summary>Drops the file-backed read-only mappings' pages from the page tables of this process.</summary>
    /// <param name="smaps">The text of /proc/self/smaps (null: read it).</param>
    /// <returns>The number of mappings released and the kilobytes that were resident in them.</returns>
    public static (int Mappings, long ResidentKb) Release(string? smaps = null)
    {
        // Parsed in full first: the code that runs after the first madvise faults its pages back in, so as little as
        // possible runs after it (a loop over an array and a P/Invoke).
        var mappings = Candidates(smaps ?? File.ReadAllText("/proc/self/smaps")).ToArray();
        int released = 0;
        long resident = 0;
        foreach (var mapping in mappings)
        {
            if (Interop.Madvise(mapping.Start, (nuint)(mapping.End - mapping.Start), Interop.MADV_DONTNEED) == 0)
            {
                released++;
                resident += mapping.ResidentKb;
            }
        }

        return (released, resident);
    }

    /// <summary>A mapping of /proc/self/smaps that can be released.</summary>
    /// <param name="Start">First address.</param>
    /// <param name="End">Address after the last byte.</param>
    /// <param name="ResidentKb">Its resident kilobytes when read.</param>
    internal readonly record struct Mapping(nint Start, nint End, long ResidentKb);

    /// <summary>
    /// The mappings that are safe to release: a regular file mapped private and without write permission, with no
    /// anonymous (copied-on-write) page, not locked, not a special mapping.
    /// </summary>
    /// <param name="smaps">The text of a /proc/PID/smaps file.</param>
    /// <returns>The mappings.</returns>
    internal static IEnumerable<Mapping> Candidates(string smaps)
    {
        Mapping? current = null;
        bool eligible = false;
        long anonymous = -1;
        foreach (string line in smaps.Split('\n'))
        {
            if (IsHeader(line, out var range, out string permissions, out string path))
            {
                current = range;
                anonymous = -1;
                eligible = permissions.Length == 4 && permissions[1] != 'w' && permissions[3] == 'p' &&
                    path.StartsWith('/') && !path.StartsWith("/dev/", StringComparison.Ordinal) && !path.EndsWith(" (deleted)", StringComparison.Ordinal);
                continue;
            }

            if (current is not { } mapping || !eligible)
            {
                continue;
            }

            if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                current = mapping with { ResidentKb = Kilobytes(line) };
            }
            else if (line.StartsWith("Anonymous:", StringComparison.Ordinal))
            {
                anonymous = Kilobytes(line);
            }
            else if (line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                // VmFlags is the last field of a mapping. lo: locked (madvise would fail); pf, io, dd: special
                // mappings; ht: huge pages; wr: writable. ("mw", may write, is set on every private file mapping and says nothing.)
                string[] flags = line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (anonymous == 0 && mapping.ResidentKb > 0 && !flags.Any(static f => f is "lo" or "pf" or "io" or "dd" or "ht" or "wr"))
                {
                    yield return current.Value;
                }

                eligible = false;
            }
        }
    }

    private static bool IsHeader(string line, out Mapping range, out string permissions, out string path)
    {
        range = default;
        permissions = path = "";
        int dash = line.IndexOf('-');
        int space = line.IndexOf(' ');
        if (dash <= 0 || space <= dash || line.EndsWith(" kB", StringComparison.Ordinal) || line.StartsWith("VmFlags", StringComparison.Ordinal) ||
            !long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long start) ||
            !long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long end))
        {
            return false;
        }

        string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5)
        {
            return false;
        }

        range = new Mapping((nint)start, (nint)end, 0);
        permissions = fields[1];
        path = fields.Length == 6 ? fields[5].Trim() : "";
        return true;
    }

    private static long Kilobytes(string line) =>
        long.TryParse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb) ? kb : -1;
}
