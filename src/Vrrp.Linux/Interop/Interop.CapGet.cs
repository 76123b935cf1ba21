using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    internal const uint LinuxCapabilityVersion3 = 0x20080522;

    /// <summary>struct __user_cap_header_struct.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CapabilityHeader
    {
        public uint Version;
        public int Pid;
    }

    /// <summary>struct __user_cap_data_struct (two of them for version 3).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CapabilityData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    /// <summary>capget(2): reads the calling thread's capability sets.</summary>
    [LibraryImport(Name, EntryPoint = "capget", SetLastError = true)]
    internal static unsafe partial int CapGet(CapabilityHeader* header, CapabilityData* data);
}
