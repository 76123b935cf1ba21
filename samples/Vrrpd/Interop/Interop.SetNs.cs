using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    internal const int CLONE_NEWNET = 0x40000000;

    /// <summary>setns(2): moves the calling thread into the namespace of <paramref name="fd"/>.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(int fd, int nstype);
}
