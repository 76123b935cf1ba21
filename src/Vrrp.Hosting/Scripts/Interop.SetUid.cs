using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>setuid(2): the script launcher's user, last.</summary>
    [LibraryImport("libc", EntryPoint = "setuid", SetLastError = true)]
    internal static partial int SetUid(uint uid);
}
