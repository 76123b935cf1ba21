using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Namespaces;

/// <summary>
/// Runs code inside a named network namespace (<c>/run/netns/NAME</c>, as <c>ip netns</c> creates them). Sockets stay in
/// the namespace they were created in, so the code creates its sockets there and the caller uses them from any thread.
/// </summary>
/// <remarks>
/// setns(2) only moves the calling thread. The switch happens on a dedicated short-lived thread (never a pool thread),
/// which switches back before it ends; a failed switch back cannot leak because the thread dies.
/// </remarks>
internal static class NetworkNamespace
{
    /// <summary>Where <c>ip netns</c> keeps its namespaces.</summary>
    internal const string Directory = "/run/netns";

    /// <summary>Runs <paramref name="action"/> in namespace <paramref name="name"/>, or in place when it is null.</summary>
    /// <exception cref="ArgumentException">The namespace does not exist.</exception>
    internal static T Run<T>(string? name, Func<T> action)
    {
        if (string.IsNullOrEmpty(name))
        {
            return action();
        }

        if (name.Contains('/') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a network namespace name.", nameof(name));
        }

        string path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"The network namespace '{name}' does not exist ({path} is missing).", nameof(name));
        }

        return RunAt(path, $"the network namespace '{name}'", action);
    }

    /// <summary>
    /// Runs <paramref name="action"/> in the network namespace of a namespace file (<c>/proc/1/ns/net</c>, the
    /// initial one, for the process connector, which only exists there).
    /// </summary>
    /// <param name="path">A network namespace file.</param>
    /// <param name="description">What the namespace is, for the error.</param>
    /// <param name="action">What to run there.</param>
    internal static T RunAt<T>(string path, string description, Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunOnThisThread(description, path, action);
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        {
            IsBackground = true,
            Name = "vrrp-netns",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    private static T RunOnThisThread<T>(string description, string path, Func<T> action)
    {
        using SafeFileHandle original = File.OpenHandle("/proc/thread-self/ns/net");
        using SafeFileHandle target = File.OpenHandle(path);
        if (Libc.SetNs(target, Libc.CLONE_NEWNET) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException(
                $"Cannot enter {description}: setns failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}); CAP_SYS_ADMIN is needed.");
        }

        try
        {
            return action();
        }
        finally
        {
            // The thread ends right after; switching back keeps it harmless even if something reused it.
            _ = Libc.SetNs(original, Libc.CLONE_NEWNET);
        }
    }
}
