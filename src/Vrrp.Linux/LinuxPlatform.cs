namespace Vrrp.Linux;

/// <summary>Facts about the Linux platform the library runs on.</summary>
public static class LinuxPlatform
{
    /// <summary>True when running on Linux, where the raw-socket and rtnetlink implementations work.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();
}
