using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    internal const int ORdWr = 0x2;
    internal const int ONonBlock = 0x800;
    internal const int OCloExec = 0x80000;

    /// <summary>O_NOFOLLOW, whose value differs between architectures.</summary>
    internal static int ONoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>
    /// open(2): a FIFO opened read-write does not wait for a reader, and non-blocking a full FIFO never holds up the
    /// writer (which <see cref="System.IO.File"/> cannot ask for).
    /// </summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, uint mode);
}
