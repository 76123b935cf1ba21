using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>geteuid(2): who this process runs as (scripts of the same user start without changing user).</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEuid();
}
