using System.ComponentModel;
using System.Diagnostics;

namespace Vrrp.Hosting;

/// <summary>How one run of a script ended.</summary>
/// <param name="ExitCode">The exit code, or -1 when it did not start or was killed.</param>
/// <param name="TimedOut">True when it ran past its timeout and was terminated.</param>
/// <param name="StartError">Why it could not start, or null.</param>
/// <param name="Killed">True when SIGTERM did not end it and it was killed (SIGKILL).</param>
internal readonly record struct ScriptOutcome(int ExitCode, bool TimedOut, string? StartError, bool Killed = false)
{
    public bool Succeeded => StartError is null && !TimedOut && ExitCode == 0;
}

/// <summary>
/// Runs a program without a shell (<see cref="ProcessStartInfo.ArgumentList"/>), optionally as another user, with a
/// timeout: on timeout the process gets SIGTERM, and SIGKILL (with its descendants) after a grace period, as
/// keepalived does. Output is read and discarded so a chatty script never blocks on a full pipe.
/// </summary>
internal static class ScriptProcess
{
    /// <summary>How long a timed-out script has between SIGTERM and SIGKILL.</summary>
    internal static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(2);

    public static async Task<ScriptOutcome> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string? user,
        TimeSpan timeout,
        Action<Process>? started,
        CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (!string.IsNullOrEmpty(user))
        {
            info.UserName = user;
        }

        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        try
        {
            if (!process.Start())
            {
                return new ScriptOutcome(-1, false, "the process did not start");
            }
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or PlatformNotSupportedException or IOException)
        {
            return new ScriptOutcome(-1, false, ex.Message);
        }

        started?.Invoke(process);
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Real time on purpose: a child process runs in real time whatever clock the host was given.
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
            return new ScriptOutcome(process.ExitCode, false, null);
        }
        catch (OperationCanceledException)
        {
            bool killed = await TerminateAsync(process).ConfigureAwait(false);
            return new ScriptOutcome(-1, true, null, killed);
        }
    }

    /// <summary>SIGTERM, then SIGKILL to the process tree after <see cref="TerminateGrace"/>; returns true when SIGKILL was needed.</summary>
    private static async Task<bool> TerminateAsync(Process process)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return true;
            }

            _ = Interop.Kill(process.Id, Interop.SIGTERM);
            using var grace = new CancellationTokenSource(TerminateGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                return false;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited and reaped.
            return false;
        }
    }
}
