using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>mkfifo(3): creates a named pipe (the process's umask applies to <paramref name="mode"/>).</summary>
    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mkfifo(string path, uint mode);
}
