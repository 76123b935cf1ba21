using System.Runtime.InteropServices;

namespace Vrrp.Benchmarks.Flood.Interop;

internal static partial class Libc
{
    /// <summary>if_nametoindex(3): 0 when there is no such interface.</summary>
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint if_nametoindex(string name);
}
