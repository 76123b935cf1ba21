using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>mlockall(2) flags: the pages mapped now, those mapped later, each locked when first touched.</summary>
    internal const int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;

    /// <summary>mlockall(2): locks the process's pages in memory.</summary>
    [LibraryImport("libc", EntryPoint = "mlockall", SetLastError = true)]
    internal static partial int MLockAll(int flags);
}
