using System.Runtime.InteropServices;

namespace Vrrpd;

internal static partial class Interop
{
    /// <summary>setrlimit(2) resource: microseconds of CPU a real-time thread may use without a blocking call.</summary>
    internal const int RLIMIT_RTTIME = 15;

    /// <summary>struct rlimit (64-bit Linux).</summary>
    internal struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>setrlimit(2): sets a limit of the process.</summary>
    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    internal static partial int SetRLimit(int resource, in RLimit limit);
}
