using System.Collections;
using System.Runtime.InteropServices;

namespace Vrrpd;

/// <summary>
/// keepalived's <c>-s NAME</c>: the whole daemon runs in the network namespace <c>/run/netns/NAME</c> (its sockets, its
/// netlink, its scripts), as <c>ip netns exec NAME</c> would run it. A network namespace belongs to a thread, and a .NET
/// process has many, so vrrpd moves its main thread into the namespace and executes itself again from there: the new
/// image starts with that one thread, inside. A marker in the environment tells the new image it is there.
/// </summary>
internal static class NetworkNamespaceEntry
{
    private const string Marker = "VRRPD_NETNS_ENTERED";

    /// <summary>
    /// Returns null when the process runs in <paramref name="name"/> (re-executed); otherwise enters it and executes
    /// vrrpd again with <paramref name="args"/> (never returns on success), or returns why it could not.
    /// </summary>
    public static string? Enter(string name, IReadOnlyList<string> args)
    {
        if (string.Equals(Environment.GetEnvironmentVariable(Marker), name, StringComparison.Ordinal))
        {
            Environment.SetEnvironmentVariable(Marker, null); // not for the scripts vrrpd runs
            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            return $"invalid network namespace name '{name}'";
        }

        string path = Path.Combine("/run/netns", name);
        if (!File.Exists(path))
        {
            return $"network namespace '{name}' does not exist ({path}; create it with: ip netns add {name})";
        }

        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            if (Interop.SetNs((int)handle.DangerousGetHandle(), Interop.CLONE_NEWNET) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return $"cannot enter network namespace '{name}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}; entering a namespace needs CAP_SYS_ADMIN)";
            }
        }

        string exe = Environment.ProcessPath ?? "/proc/self/exe";
        var argv = new List<string?> { exe };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
        {
            argv.Add(Environment.GetCommandLineArgs()[0]); // `dotnet vrrpd.dll`: the assembly comes first
        }

        argv.AddRange(args);
        argv.Add(null);
        var envp = new List<string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (!string.Equals((string)variable.Key, Marker, StringComparison.Ordinal))
            {
                envp.Add($"{variable.Key}={variable.Value}");
            }
        }

        envp.Add($"{Marker}={name}");
        envp.Add(null);
        Console.Out.Flush();
        Interop.Execve(exe, [.. argv], [.. envp]);
        int error = Marshal.GetLastPInvokeError();
        return $"cannot execute {exe} in network namespace '{name}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error})";
    }
}
