using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    internal const int PathMax = 4096;

    /// <summary>realpath(3) into a caller's buffer of <see cref="PathMax"/> bytes: the path without symbolic links, "." or "..".</summary>
    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial byte* Realpath(string path, byte* resolved);
}
