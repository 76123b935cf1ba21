using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>madvise(2) advice: drop the range's page-table entries; a later access faults the pages back in.</summary>
    internal const int MADV_DONTNEED = 4;

    /// <summary>madvise(2): advice about the use of the pages in [<paramref name="address"/>, + <paramref name="length"/>).</summary>
    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    internal static partial int Madvise(nint address, nuint length, int advice);
}
