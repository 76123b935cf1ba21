using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

/// <summary>
/// Starts scripts as a user with a group other than that user's own (keepalived's <c>notify_* COMMAND USER GROUP</c>,
/// <c>user USER GROUP</c> in a <c>vrrp_script</c>, <c>script_user USER GROUP</c>). .NET starts a process as another
/// user only with that user's own groups, and forking in a managed process is not safe, so such a script is started
/// through the application itself: it runs again (as root) with a launcher argument, and this method, called first
/// in <c>Main</c>, sets the group (as the only supplementary group too, as keepalived does), then the user, and
/// replaces itself with the script (<c>execve</c>): the script keeps the launcher's process id, so timeouts, signals
/// and the exit status work as for any script.
/// </summary>
/// <remarks>
/// An application that runs such scripts calls <see cref="RunIfRequested"/> before anything else in <c>Main</c>
/// (vrrpd does). Without that call the application cannot launch them, and the options validator refuses a
/// configuration with a script group other than the user's own, with a message that says so.
/// </remarks>
public static class VrrpScriptLauncher
{
    /// <summary>The first argument of a launch: <c>--vrrp-script-launcher UID GID PROGRAM [ARGUMENTS...]</c>.</summary>
    public const string Argument = "--vrrp-script-launcher";

    private static volatile bool s_available;

    /// <summary>True once <see cref="RunIfRequested"/> has run in this process (scripts with another group can be launched).</summary>
    public static bool IsAvailable => s_available;

    /// <summary>
    /// When <paramref name="args"/> is a launch (its first argument is <see cref="Argument"/>), becomes the script and
    /// never returns (exit status 126 and a message on standard error when the user, the group or the program cannot be
    /// set or run; 127 when the program does not exist). Otherwise records that this application can launch scripts
    /// and returns.
    /// </summary>
    /// <param name="args">The arguments of <c>Main</c>.</param>
    public static void RunIfRequested(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || !string.Equals(args[0], Argument, StringComparison.Ordinal))
        {
            s_available = !OperatingSystem.IsWindows();
            return;
        }

        Environment.Exit(Launch(args));
    }

    /// <summary>Sets the identity and executes the program; returns only on failure, with the exit status to use.</summary>
    private static unsafe int Launch(string[] args)
    {
        if (args.Length < 4 || !uint.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid) ||
            !uint.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid) || args[3].Length == 0)
        {
            Console.Error.WriteLine($"{Argument}: expected UID GID PROGRAM [ARGUMENTS...]");
            return 126;
        }

        if (OperatingSystem.IsWindows())
        {
            Console.Error.WriteLine($"{Argument}: Linux only");
            return 126;
        }

        // keepalived's order: the group, the supplementary groups (only that one), then the user, last.
        if (Interop.SetGid(gid) != 0)
        {
            return Failed($"Couldn't setgid: {gid.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Interop.SetGroups(1, &gid) != 0)
        {
            return Failed($"Couldn't setgroups: {gid.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Interop.SetUid(uid) != 0)
        {
            return Failed($"Couldn't setuid: {uid.ToString(CultureInfo.InvariantCulture)}");
        }

        var argv = new string?[args.Length - 2];
        Array.Copy(args, 3, argv, 0, args.Length - 3);
        var envp = new List<string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            envp.Add($"{variable.Key}={variable.Value}");
        }

        envp.Add(null);
        Interop.Execve(args[3], argv, [.. envp]);
        int errno = Marshal.GetLastPInvokeError();
        Console.Error.WriteLine($"{Argument}: cannot execute {args[3]}: {Marshal.GetPInvokeErrorMessage(errno)}");
        return errno == 2 /* ENOENT */ ? 127 : 126;

        static int Failed(string what)
        {
            Console.Error.WriteLine($"{Argument}: {what} ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})");
            return 126;
        }
    }

    /// <summary>
    /// The program and arguments that start <paramref name="program"/> as <paramref name="uid"/>:<paramref name="gid"/>
    /// through this application (the same executable, and for <c>dotnet app.dll</c> the same assembly).
    /// </summary>
    internal static (string Program, List<string> Arguments) Command(uint uid, uint gid, string program, IEnumerable<string> arguments)
    {
        string exe = Environment.ProcessPath ?? "/proc/self/exe";
        var list = new List<string>();
        if (string.Equals(Path.GetFileNameWithoutExtension(exe), "dotnet", StringComparison.Ordinal))
        {
            list.Add(Environment.GetCommandLineArgs()[0]); // `dotnet app.dll`: the assembly comes first
        }

        list.AddRange([Argument, uid.ToString(CultureInfo.InvariantCulture), gid.ToString(CultureInfo.InvariantCulture), program]);
        list.AddRange(arguments);
        return (exe, list);
    }

    /// <summary>For tests: whether this process can launch (as if <see cref="RunIfRequested"/> had run).</summary>
    internal static void SetAvailable(bool available) => s_available = available;
}
