using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>setgid(2): the script launcher's group, before it gives up root with <see cref="SetUid"/>.</summary>
    [LibraryImport("libc", EntryPoint = "setgid", SetLastError = true)]
    internal static partial int SetGid(uint gid);
}
