using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>getegid(2): the group this process runs as.</summary>
    [LibraryImport("libc", EntryPoint = "getegid")]
    internal static partial uint GetEgid();
}
