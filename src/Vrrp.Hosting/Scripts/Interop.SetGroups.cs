using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>setgroups(2): the supplementary groups (the script launcher leaves only the script's group, as keepalived).</summary>
    [LibraryImport("libc", EntryPoint = "setgroups", SetLastError = true)]
    internal static unsafe partial int SetGroups(nuint size, uint* list);
}
