using System.Buffers;
using System.Globalization;

namespace Vrrp.Linux.Processes;

/// <summary>A process as /proc shows it: its id, its name (comm) and, when asked for, the start of its command line.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="Comm">The process name, at most 15 bytes.</param>
/// <param name="CommandLine">/proc/PID/cmdline up to the limit asked for (NUL-separated words); empty when not read,
/// for kernel threads and for processes that are exiting.</param>
internal readonly record struct ProcessEntry(int Pid, byte[] Comm, byte[] CommandLine);

/// <summary>
/// Reads processes from /proc (or a folder laid out the same way, for tests). Processes come and go while they are
/// read: one that vanishes mid-read, or cannot be read, is skipped, never an error.
/// </summary>
/// <remarks>
/// The name and state come from <c>/proc/PID/stat</c> rather than <c>/proc/PID/comm</c>: one read gives both, and
/// the state tells a zombie (exited, not yet reaped) from a running process. <c>/proc/PID/cmdline</c> is only read
/// when a definition compares command lines, and only as far as a match needs (reading it makes the kernel read the
/// process's memory).
/// </remarks>
internal sealed class ProcFileSystem
{
    // "PID (comm) S ...": the pid (up to 10 digits), the name in parentheses (up to 15 bytes), the state. Generous.
    private const int StatBytes = 256;

    /// <summary>Reads the given folder (normally /proc).</summary>
    public ProcFileSystem(string root = "/proc") => Root = root;

    /// <summary>The folder read.</summary>
    public string Root { get; }

    /// <summary>Lists every live process (zombies left out).</summary>
    /// <param name="commandLineLimit">How many bytes of each command line to read (0: none).</param>
    public List<ProcessEntry> Scan(int commandLineLimit)
    {
        var entries = new List<ProcessEntry>();
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(Root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Cannot list the processes in {Root}: {ex.Message}", ex);
        }

        foreach (string folder in folders)
        {
            var name = Path.GetFileName(folder.AsSpan());
            if (name.Length == 0 || name[0] is < '1' or > '9' ||
                !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            if (TryRead(pid, commandLineLimit, out var entry))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>Reads one process.</summary>
    /// <param name="pid">The process id.</param>
    /// <param name="commandLineLimit">How many bytes of its command line to read (0: none).</param>
    /// <param name="entry">The process.</param>
    /// <returns>False when it is gone, a zombie, or unreadable.</returns>
    public bool TryRead(int pid, int commandLineLimit, out ProcessEntry entry)
    {
        entry = default;
        string folder = Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture));
        Span<byte> stat = stackalloc byte[StatBytes];
        int length = ReadFile(Path.Combine(folder, "stat"), stat);
        if (length <= 0 || !TryParseStat(stat[..length], out var comm, out byte state) || state is (byte)'Z' or (byte)'X' or (byte)'x')
        {
            return false;
        }

        byte[] commandLine = [];
        if (commandLineLimit > 0)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(commandLineLimit);
            try
            {
                int read = ReadFile(Path.Combine(folder, "cmdline"), buffer.AsSpan(0, commandLineLimit));
                if (read < 0)
                {
                    return false;
                }

                commandLine = buffer.AsSpan(0, read).ToArray();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        entry = new ProcessEntry(pid, comm.ToArray(), commandLine);
        return true;
    }

    /// <summary>
    /// Finds the name and state in a /proc/PID/stat text: the name is between the first '(' and the last ')' (a name
    /// may itself hold parentheses and spaces), the state is the character after the space that follows.
    /// </summary>
    internal static bool TryParseStat(ReadOnlySpan<byte> stat, out ReadOnlySpan<byte> comm, out byte state)
    {
        comm = default;
        state = 0;
        int open = stat.IndexOf((byte)'(');
        int close = stat.LastIndexOf((byte)')');
        if (open < 0 || close < open || close + 2 >= stat.Length || stat[close + 1] != (byte)' ')
        {
            return false;
        }

        comm = stat[(open + 1)..close];
        state = stat[close + 2];
        return true;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; -1 when the file is gone or unreadable.</summary>
    private static int ReadFile(string path, Span<byte> buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int total = 0;
            while (total < buffer.Length)
            {
                int read = RandomAccess.Read(handle, buffer[total..], total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // ENOENT / ESRCH: the process ended between the directory listing and the read.
            return -1;
        }
    }
}
