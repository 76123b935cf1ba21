using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>execve(2): replaces the process image (keeping the calling thread's namespaces); returns only on failure.</summary>
    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Execve(string path, string?[] argv, string?[] envp);
}
