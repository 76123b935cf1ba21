using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>write(2): one line into a notify FIFO in one call (under PIPE_BUF, so readers never see it split).</summary>
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static unsafe partial nint Write(SafeHandle file, byte* buffer, nuint count);
}
