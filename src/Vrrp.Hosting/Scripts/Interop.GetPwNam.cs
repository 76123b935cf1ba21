using System.Runtime.InteropServices;

namespace Vrrp.Hosting;

internal static partial class Interop
{
    /// <summary>struct passwd (LP64 Linux): the fields a script user needs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Passwd
    {
        public nint Name;
        public nint Password;
        public uint Uid;
        public uint Gid;
        public nint Gecos;
        public nint Home;
        public nint Shell;
    }

    /// <summary>getpwnam_r(3): a user by name through NSS (files, LDAP, ...). Returns 0 with a null result when there is no such user.</summary>
    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int GetPwNam(string name, Passwd* entry, byte* buffer, nuint length, Passwd** result);
}
