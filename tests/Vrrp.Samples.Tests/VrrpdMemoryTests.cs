using Vrrpd;

namespace Vrrp.Samples.Tests;

/// <summary>
/// vrrpd's release of the pages start-up touched (<see cref="StartupPages"/>): which mappings it may release, and that
/// a process whose pages were released keeps running with less resident.
/// </summary>
public sealed class VrrpdMemoryTests
{
    private const string Smaps = """
        55d0a0000000-55d0a0012000 r--p 00000000 fe:00 5464073                    /usr/sbin/vrrpd
        Rss:                  72 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        55d0a0012000-55d0a04c2000 r-xp 00012000 fe:00 5464073                    /usr/sbin/vrrpd
        Size:               4800 kB
        Rss:                4704 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        55d0a04c2000-55d0a0500000 r--p 004c2000 fe:00 5464073                    /usr/sbin/vrrpd
        Rss:                  40 kB
        Anonymous:             8 kB
        VmFlags: rd mr mw me ac sd
        55d0a0500000-55d0a0520000 rw-p 00500000 fe:00 5464073                    /usr/sbin/vrrpd
        Rss:                 120 kB
        Anonymous:            68 kB
        VmFlags: rd wr mr mw me ac sd
        55d0a0520000-55d0a0781000 rw-p 00000000 00:00 0
        Rss:                2364 kB
        Anonymous:          2364 kB
        VmFlags: rd wr mr mw me ac sd
        7f00a0000000-7f00a0156000 r-xp 00026000 fe:00 1188                       /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                1252 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        7f00a1000000-7f00a1010000 r-xp 00000000 fe:00 1190                       /usr/lib/locked.so
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me lo sd
        7f00a2000000-7f00a2010000 r--s 00000000 00:05 77                         /dev/shm/ring
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd sh mr mw me ms sd
        7f00a3000000-7f00a3010000 r-xp 00000000 fe:00 1191                       /tmp/old.so (deleted)
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        7f00a4000000-7f00a4010000 r--p 00000000 fe:00 1192                       /usr/lib/cold.so
        Rss:                   0 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        7ffc00000000-7ffc00002000 r-xp 00000000 00:00 0                          [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me de sd
        """;

    [Fact]
    public void Only_read_only_private_file_mappings_without_copied_pages_are_released()
    {
        var candidates = StartupPages.Candidates(Smaps).ToList();

        // The binary's first two mappings and libc: read-only, private, file-backed, nothing copied on write. Not the
        // relocated read-only data (8 kB copied), the writable data, anonymous memory, a locked mapping, a shared
        // one, a deleted file, one with nothing resident, or the vDSO.
        Assert.Equal(
            [(0x55d0a0000000L, 0x55d0a0012000L, 72L), (0x55d0a0012000L, 0x55d0a04c2000L, 4704L), (0x7f00a0000000L, 0x7f00a0156000L, 1252L)],
            candidates.Select(static m => ((long)m.Start, (long)m.End, m.ResidentKb)));
    }

    [Fact]
    public void Malformed_smaps_lines_release_nothing()
    {
        Assert.Empty(StartupPages.Candidates("zzzz-yyyy r-xp 0 0 0 /bin/x\nRss: 4 kB\nAnonymous: 0 kB\nVmFlags: rd ex\n"));
        Assert.Empty(StartupPages.Candidates("55d0a0012000-55d0a04c2000 r-xp 00012000 fe:00 5464073 /usr/sbin/vrrpd\nRss: 4 kB\nVmFlags: rd ex\n"));
        Assert.Empty(StartupPages.Candidates(""));
    }

    [Fact]
    public void A_process_whose_pages_were_released_keeps_running_with_fewer_file_pages_resident()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/smaps and calls madvise(2): Linux only");
        long before = FileBackedKb();

        var (mappings, releasedKb) = StartupPages.Release();
        long after = FileBackedKb();

        Assert.True(mappings > 0, "no mapping was released");
        Assert.True(releasedKb > 0);
        Assert.True(after < before, $"file-backed pages resident: {before} kB before, {after} kB after the release");
        // The code whose pages were released runs again (faulted back from the page cache): the test host's JIT,
        // the runtime and libc do real work after the release.
        string text = string.Join(",", Enumerable.Range(0, 1000).Select(static i => (i * 7919 % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(3889, text.Length);
        Assert.Contains("Name:", File.ReadAllText("/proc/self/status"));
    }

    private static long FileBackedKb() =>
        File.ReadAllLines("/proc/self/status").Where(static l => l.StartsWith("RssFile:", StringComparison.Ordinal))
            .Select(static l => long.Parse(l["RssFile:".Length..].Trim().TrimEnd('B', 'k').Trim(), System.Globalization.CultureInfo.InvariantCulture)).Single();
}
