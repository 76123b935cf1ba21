using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Vrrp.Hosting;

/// <summary>What the check of one script found.</summary>
/// <param name="Run">False when the script must not run (not found, not executable for its user, or insecure with script security on).</param>
/// <param name="Insecure">True when a non-root user could change what runs as root.</param>
/// <param name="Path">The program as it will be run (symbolic links in its directories resolved, as keepalived runs it).</param>
/// <param name="Messages">Log lines in keepalived's words, each followed by the reason where keepalived gives none.</param>
internal sealed record ScriptCheck(bool Run, bool Insecure, string Path, IReadOnlyList<string> Messages);

/// <summary>
/// keepalived 2.2.7's script checks (<c>check_script_secure</c>): the program must exist and be executable by the user
/// it runs as; when it runs as root (uid or gid 0, or it is set-uid/set-gid root), the file and every directory on its
/// path (both as written and with symbolic links resolved) must be owned by root, and no file or directory without the
/// sticky bit may be writable by a group other than root or by everyone. With <c>enable_script_security</c> such a
/// script is refused; without, it runs and the configuration is reported as a security violation.
/// </summary>
internal static class ScriptSecurity
{
    private const uint SIsUid = 0x800, SIsGid = 0x400, SIsVtx = 0x200;
    private const uint SIxUsr = 0x40, SIxGrp = 0x8, SIxOth = 0x1, SIwGrp = 0x10, SIwOth = 0x2;
    private const uint SIfMt = 0xF000, SIfDir = 0x4000, SIfReg = 0x8000, SIfLnk = 0xA000;

    /// <summary>keepalived's closing report when scripts run without <c>enable_script_security</c>.</summary>
    public static string Violation(bool anyInsecure) =>
        "SECURITY VIOLATION - scripts are being executed but script_security not enabled." + (anyInsecure ? " There are insecure scripts." : "");

    /// <summary>Checks the program of a command line (its first word) for the user it runs as.</summary>
    public static ScriptCheck Check(string program, ScriptIdentity identity, bool scriptSecurity)
    {
        var messages = new List<string>();
        if (OperatingSystem.IsWindows())
        {
            return new ScriptCheck(true, false, program, messages);
        }

        string? path = program.Contains('/', StringComparison.Ordinal) ? program : FindInPath(program);
        if (path is null)
        {
            messages.Add($"Cannot find script {program} in path - disabling");
            return new ScriptCheck(false, false, program, messages);
        }

        string? real = RealPath(path, out int errno);
        if (real is null)
        {
            messages.Add($"Script {path} cannot be accessed - {ScriptIdentity.Describe(errno)}");
            return new ScriptCheck(false, false, path, messages);
        }

        // keepalived keeps the file name as written when the resolved one differs (programs that look at their name)
        // and it is the same file; both paths are then checked.
        string runPath = real;
        string? alsoCheck = null;
        if (System.IO.Path.GetFileName(path) is { } written && written != System.IO.Path.GetFileName(real))
        {
            string kept = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(real)!, written);
            if (Stat(kept, follow: true) is { } a && Stat(real, follow: true) is { } b && a.Device == b.Device && a.Inode == b.Inode)
            {
                runPath = kept;
                alsoCheck = real;
            }
        }

        if (Stat(alsoCheck ?? runPath, follow: true) is not { } file)
        {
            messages.Add($"Unable to access script `{runPath}` - disabling");
            return new ScriptCheck(false, false, runPath, messages);
        }

        if (!IsExecutable(file, identity.Uid, identity.Gid))
        {
            messages.Add($"WARNING - script '{runPath}' is not executable for uid:gid {identity} - disabling.");
            return new ScriptCheck(false, false, runPath, messages);
        }

        bool asRoot = identity.Uid == 0 || identity.Gid == 0 ||
            (file.Uid == 0 && (file.Mode & SIxUsr) != 0 && (file.Mode & SIsUid) != 0) ||
            (file.Gid == 0 && (file.Mode & SIxGrp) != 0 && (file.Mode & SIsGid) != 0);
        if (!asRoot)
        {
            return new ScriptCheck(true, false, runPath, messages);
        }

        string? reason = Unsafe(runPath, out bool wrongType) ?? (alsoCheck is null ? null : Unsafe(alsoCheck, out wrongType));
        if (wrongType)
        {
            messages.Add($"Wrong file type found in script path '{runPath}': {reason}.");
            return new ScriptCheck(false, false, runPath, messages);
        }

        if (reason is null)
        {
            return new ScriptCheck(true, false, runPath, messages);
        }

        messages.Add($"Unsafe permissions found for script '{runPath}'{(scriptSecurity ? " - disabling" : "")}: {reason}.");
        return new ScriptCheck(!scriptSecurity, true, runPath, messages);
    }

    /// <summary>Why a non-root user could change the file or a directory on its path, or null (keepalived's <c>check_security</c>).</summary>
    private static string? Unsafe(string path, out bool wrongType)
    {
        wrongType = false;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var prefixes = new List<string> { "/" };
        var current = new StringBuilder();
        foreach (string part in parts)
        {
            current.Append('/').Append(part);
            prefixes.Add(current.ToString());
        }

        for (int i = 0; i < prefixes.Count; i++)
        {
            bool last = i == prefixes.Count - 1;
            string item = prefixes[i];
            if (Stat(item, follow: false) is not { } s)
            {
                wrongType = true;
                return $"{item} cannot be read";
            }

            uint type = s.Mode & SIfMt;
            if ((!last && type != SIfDir) || (last && type != SIfReg && type != SIfLnk))
            {
                wrongType = true;
                return $"{item} is not a {(last ? "file" : "directory")}";
            }

            string mode = Convert.ToString(s.Mode & 0xFFF, 8).PadLeft(4, '0');
            if (s.Uid != 0)
            {
                return $"{item} is owned by uid {s.Uid.ToString(CultureInfo.InvariantCulture)}, not root";
            }

            bool guarded = (type == SIfDir && (s.Mode & SIsVtx) == 0) || type == SIfReg;
            if (guarded && s.Gid != 0 && (s.Mode & SIwGrp) != 0)
            {
                return $"{item} is writable by group {s.Gid.ToString(CultureInfo.InvariantCulture)} (mode {mode})";
            }

            if (guarded && (s.Mode & SIwOth) != 0)
            {
                return $"{item} is writable by everyone (mode {mode})";
            }
        }

        return null;
    }

    private static bool IsExecutable(in FileStat s, uint uid, uint gid) =>
        (uid == 0 && (s.Mode & (SIxUsr | SIxGrp | SIxOth)) != 0) ||
        (uid == s.Uid && (s.Mode & SIxUsr) != 0) ||
        (uid != s.Uid && ((gid == s.Gid && (s.Mode & SIxGrp) != 0) || (gid != s.Gid && (s.Mode & SIxOth) != 0)));

    private static string? FindInPath(string program)
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static unsafe string? RealPath(string path, out int errno)
    {
        byte* buffer = stackalloc byte[Interop.PathMax];
        byte* result = Interop.Realpath(path, buffer);
        errno = result is null ? Marshal.GetLastPInvokeError() : 0;
        return result is null ? null : Marshal.PtrToStringUTF8((nint)result);
    }

    internal readonly record struct FileStat(uint Uid, uint Gid, uint Mode, ulong Inode, ulong Device);

    internal static unsafe FileStat? Stat(string path, bool follow)
    {
        byte* buffer = stackalloc byte[256];
        if (Interop.Statx(Interop.AtFdCwd, path, follow ? 0 : Interop.AtSymlinkNoFollow, Interop.StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        return new FileStat(
            Uid: *(uint*)(buffer + 20),
            Gid: *(uint*)(buffer + 24),
            Mode: *(ushort*)(buffer + 28),
            Inode: *(ulong*)(buffer + 32),
            Device: ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140));
    }
}
