using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Vrrp.Hosting;

/// <summary>A notify FIFO's settings (<c>notify_fifo PATH [USER [GROUP]]</c>, <c>notify_fifo_script COMMAND [USER [GROUP]]</c>).</summary>
/// <param name="Path">The FIFO's path; created when missing (and removed at stop).</param>
/// <param name="User">The owner of a FIFO that is created, or null for the default script user.</param>
/// <param name="Group">Its group, or null for the user's own.</param>
/// <param name="Script">A command started before the FIFO opens, with the FIFO's path as its last argument, or null.</param>
/// <param name="ScriptUser">The user the script runs as, or null for the default script user.</param>
/// <param name="ScriptGroup">Its group, or null.</param>
internal sealed record NotifyFifoSpec(string Path, string? User = null, string? Group = null, string? Script = null, string? ScriptUser = null, string? ScriptGroup = null);

/// <summary>
/// One open notify FIFO, as keepalived 2.2.7 handles it (<c>fifo_open</c>): created with <c>mkfifo</c> when missing and
/// given to its user; its script (if any) started first with the path as last argument; then opened read-write and
/// non-blocking, so vrrpd never waits for a reader and a reader that is late finds the lines written so far. Each
/// line goes out in one <c>write</c> (shorter than PIPE_BUF, so never split). At stop the FIFO is removed (when it was
/// created here) and closed, so its reader sees the end of the stream after the last line, and then the script ends.
/// </summary>
internal sealed class NotifyFifo : IAsyncDisposable
{
    private const int EExist = 17;
    private static readonly TimeSpan ScriptGrace = TimeSpan.FromSeconds(2);

    private readonly SafeFileHandle _handle;
    private readonly bool _created;
    private readonly ILogger _logger;
    private readonly Task<ScriptOutcome>? _script;
    private readonly CancellationTokenSource _stopScript;
    private readonly string _kind;
    private readonly string? _scriptCommand;

    private NotifyFifo(NotifyFifoSpec spec, string kind, SafeFileHandle handle, bool created, Task<ScriptOutcome>? script, CancellationTokenSource stopScript, string? scriptCommand, ILogger logger)
    {
        Spec = spec;
        Path = spec.Path;
        _kind = kind;
        _handle = handle;
        _created = created;
        _script = script;
        _stopScript = stopScript;
        _scriptCommand = scriptCommand;
        _logger = logger;
    }

    /// <summary>The FIFO's path.</summary>
    public string Path { get; }

    /// <summary>Its settings (a reload that changes them reopens it).</summary>
    public NotifyFifoSpec Spec { get; }

    /// <summary>"" for <c>notify_fifo</c>, "vrrp " for <c>vrrp_notify_fifo</c>.</summary>
    public string Kind => _kind;

    /// <summary>Creates (when missing) and opens the FIFO, starting its script first; null when it cannot be opened (logged).</summary>
    /// <param name="spec">The FIFO.</param>
    /// <param name="kind">"" for <c>notify_fifo</c>, "vrrp " for <c>vrrp_notify_fifo</c> (keepalived's log wording).</param>
    /// <param name="scripts">Runs the script as its user, with keepalived's checks.</param>
    /// <param name="defaultUser">The default script user (the owner of a created FIFO naming none).</param>
    /// <param name="logger">Where problems are reported.</param>
    public static NotifyFifo? Open(NotifyFifoSpec spec, string kind, ScriptRunner scripts, Func<ScriptIdentity?> defaultUser, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            Log.FifoOpenFailed(logger, kind, spec.Path, "FIFOs are supported on Linux only");
            return null;
        }

        bool created = false;
        if (Interop.Mkfifo(spec.Path, 0x1A4 /* 0644, less the umask */) == 0)
        {
            created = true;
            var owner = spec.User is { Length: > 0 } user ? ScriptIdentity.Lookup(user, spec.Group, out string? error) : defaultUser();
            if (owner is not null && !owner.IsCurrent)
            {
                uint uid = owner.Uid == ScriptIdentity.Current.Uid ? uint.MaxValue : owner.Uid;
                uint gid = owner.Gid == ScriptIdentity.Current.Gid ? uint.MaxValue : owner.Gid;
                if (Interop.Chown(spec.Path, uid, gid) != 0)
                {
                    Log.FifoChownFailed(logger, owner.ToString(), spec.Path, ScriptIdentity.Describe(Marshal.GetLastPInvokeError()));
                }
            }
        }
        else if (Marshal.GetLastPInvokeError() is var errno && errno != EExist)
        {
            Log.FifoCreateFailed(logger, kind, spec.Path, ScriptIdentity.Describe(errno));
            return null;
        }

        // keepalived starts the script before it opens the FIFO; the script's open for reading waits for the writer.
        var stopScript = new CancellationTokenSource();
        Task<ScriptOutcome>? script = null;
        if (!string.IsNullOrWhiteSpace(spec.Script))
        {
            script = scripts.RunAsync($"{kind.Replace(' ', '_')}notify_fifo_script", "fifo", spec.Script, spec.ScriptUser, spec.ScriptGroup, [spec.Path], Timeout.InfiniteTimeSpan, null, stopScript.Token);
        }

        int fd = Interop.Open(spec.Path, Interop.ORdWr | Interop.ONonBlock | Interop.OCloExec | Interop.ONoFollow, 0);
        if (fd < 0)
        {
            Log.FifoOpenFailed(logger, kind, spec.Path, ScriptIdentity.Describe(Marshal.GetLastPInvokeError()));
            if (created)
            {
                File.Delete(spec.Path);
            }

            stopScript.Cancel();
            stopScript.Dispose();
            return null;
        }

        Log.FifoOpened(logger, kind, spec.Path, script is null ? "" : $", read by {spec.Script}");
        return new NotifyFifo(spec, kind, new SafeFileHandle(fd, ownsHandle: true), created, script, stopScript, spec.Script, logger);
    }

    /// <summary>Writes one line (with its newline) in one call; a full FIFO (no reader) loses the line, logged.</summary>
    public unsafe void Write(ReadOnlySpan<byte> line)
    {
        fixed (byte* bytes = line)
        {
            if (Interop.Write(_handle, bytes, (nuint)line.Length) < 0)
            {
                Log.FifoWriteFailed(_logger, Path, ScriptIdentity.Describe(Marshal.GetLastPInvokeError()), Encoding.UTF8.GetString(line).TrimEnd('\n'));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // keepalived removes the FIFO first, so a script that reopens it in a loop cannot get it again.
        if (_created)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
            }
        }

        _handle.Dispose();
        if (_script is not null)
        {
            // The reader sees the end of the stream after the last line; give it a moment to finish, then SIGTERM.
            if (await Task.WhenAny(_script, Task.Delay(ScriptGrace)).ConfigureAwait(false) != _script)
            {
                await _stopScript.CancelAsync().ConfigureAwait(false);
            }

            var outcome = await _script.ConfigureAwait(false);
            if (outcome.StartError is null && !outcome.TimedOut && outcome.ExitCode != 0)
            {
                Log.FifoScriptEnded(_logger, _kind, _scriptCommand!, outcome.ExitCode);
            }
        }

        _stopScript.Dispose();
    }

    /// <summary>keepalived's line: <c>INSTANCE "VI_1" MASTER 100</c> or <c>GROUP "G1" BACKUP 0</c>, with a newline.</summary>
    public static string Line(bool group, string name, string state, int priority) =>
        $"{(group ? "GROUP" : "INSTANCE")} \"{name}\" {state} {priority.ToString(CultureInfo.InvariantCulture)}\n";
}
