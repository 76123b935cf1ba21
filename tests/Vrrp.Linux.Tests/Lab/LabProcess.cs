using System.Diagnostics;
using System.Text;

namespace Vrrp.Linux.Tests.Lab;

/// <summary>Runs lab commands (ip, tcpdump, tshark, keepalived) with bounded waits.</summary>
public static class LabProcess
{
    /// <summary>Runs a command to completion; throws with its output when it fails (unless allowed).</summary>
    public static string Run(string file, IEnumerable<string> arguments, bool allowFailure = false, int timeoutMs = 20_000)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish in {timeoutMs} ms.");
        }

        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}: {stdout.Result}{stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>Runs a shell-free <c>ip</c> command.</summary>
    public static string Ip(params string[] arguments) => Run("ip", arguments);

    /// <summary>True when <paramref name="tool"/> is on the PATH.</summary>
    public static bool HasTool(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>Skips the test unless running as root with the tools.</summary>
    public static void RequireRootAnd(params string[] tools)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Linux only: network namespaces are a Linux feature.");
        }

        if (Environment.UserName != "root" && !IsRootByStatus())
        {
            Assert.Skip("Needs root (network namespaces, raw sockets); CI runs as root.");
        }

        var missing = tools.Where(t => !HasTool(t)).ToList();
        if (missing.Count > 0)
        {
            Assert.Skip($"Missing tools: {string.Join(", ", missing)} (apt-get install iproute2 tcpdump tshark keepalived).");
        }
    }

    private static bool IsRootByStatus()
    {
        try
        {
            return File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>A long-running lab process (tcpdump, keepalived) stopped with a signal.</summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();

    public BackgroundProcess(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>The exit status, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits (bounded) until the output contains <paramref name="text"/>.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                return Output.Contains(text, StringComparison.Ordinal);
            }

            Thread.Sleep(20);
        }

        return false;
    }

    /// <summary>Sends a signal (INT, TERM, STOP, CONT) by pid and waits (bounded) for exit when it ends the process.</summary>
    public void Signal(string signal, bool waitForExit = true)
    {
        if (_process.HasExited)
        {
            return;
        }

        LabProcess.Run("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], allowFailure: true);
        if (waitForExit && !_process.WaitForExit(10_000))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
