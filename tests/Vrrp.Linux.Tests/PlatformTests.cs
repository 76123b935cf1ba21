using Vrrp.Linux;

namespace Vrrp.Linux.Tests;

public class PlatformTests
{
    [Fact]
    public void Reports_linux_support_from_the_os() => Assert.Equal(OperatingSystem.IsLinux(), LinuxPlatform.IsSupported);
}
