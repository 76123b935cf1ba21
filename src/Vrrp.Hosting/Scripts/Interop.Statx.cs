using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    internal const int AtFdCwd = -100;
    internal const int AtSymlinkNoFollow = 0x100;
    internal const uint StatxBasicStats = 0x7ff;

    /// <summary>
    /// statx(2): owner, group, mode, device and inode of a path (struct statx has one layout on every architecture,
    /// unlike struct stat). <paramref name="buffer"/> is 256 bytes.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);
}
