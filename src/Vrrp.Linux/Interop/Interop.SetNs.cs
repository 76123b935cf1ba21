using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    /// <summary>setns(2): moves the calling thread into another namespace (here: a network namespace).</summary>
    [LibraryImport(Name, EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(SafeHandle namespaceFile, int namespaceType);
}
