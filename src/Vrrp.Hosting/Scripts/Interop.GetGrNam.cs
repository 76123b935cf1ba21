using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>struct group (LP64 Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Group
    {
        public nint Name;
        public nint Password;
        public uint Gid;
        public nint Members;
    }

    /// <summary>getgrnam_r(3): a group by name. Returns 0 with a null result when there is no such group.</summary>
    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int GetGrNam(string name, Group* entry, byte* buffer, nuint length, Group** result);
}
