using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>The capability check: parsing, the real capget, and a child process without CAP_NET_RAW / CAP_NET_ADMIN.</summary>
public sealed class CapabilityTests
{
    private const string ChildVariable = "VRRP_LINUX_TESTS_CAPABILITY_CHILD";

    [Fact]
    public void Parses_the_effective_set_from_proc_status()
    {
        const string status = "Name:\tx\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000003000\nCapBnd:\t000001ffffffffff\n";
        ulong effective = LinuxCapabilities.ParseEffectiveFromStatus(status);
        Assert.Equal(0x3000UL, effective);
        Assert.Empty(LinuxCapabilities.FindMissing(effective, LinuxCapabilities.Required));
        Assert.Equal([LinuxCapability.NetAdmin], LinuxCapabilities.FindMissing(0x2000, LinuxCapabilities.Required));
        Assert.Equal([LinuxCapability.NetRaw, LinuxCapability.NetAdmin], LinuxCapabilities.FindMissing(0, LinuxCapabilities.Required));
        Assert.Throws<FormatException>(() => LinuxCapabilities.ParseEffectiveFromStatus("Name:\tx\n"));
        Assert.Throws<FormatException>(() => LinuxCapabilities.ParseEffectiveFromStatus("CapEff:\tzz\n"));
    }

    [Fact]
    public void Capget_agrees_with_proc_status()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Linux only.");
        }

        // The test host's main thread and this thread share the process's capability sets.
        Assert.Equal(LinuxCapabilities.ParseEffectiveFromStatus(File.ReadAllText("/proc/thread-self/status")), LinuxCapabilities.GetEffective());
    }

    [Fact]
    public void Message_names_the_capability_and_how_to_grant_it()
    {
        var ex = new MissingCapabilityException([LinuxCapability.NetRaw]);
        Assert.Contains("CAP_NET_RAW", ex.Message);
        Assert.DoesNotContain("CAP_NET_ADMIN and", ex.Message);
        Assert.Contains("setcap cap_net_raw,cap_net_admin+ep", ex.Message);
        Assert.Contains("AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN", ex.Message);
        Assert.Contains("root", ex.Message);
    }

    [Fact]
    public void A_process_without_the_capabilities_gets_one_clear_error()
    {
        LabProcess.RequireRootAnd("setpriv");
        string self = typeof(CapabilityTests).Assembly.Location;
        string host = Environment.ProcessPath ?? "dotnet";
        var command = new List<string> { "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-net_raw,-net_admin", "--" };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            command.AddRange([host, "exec", self]);
        }
        else
        {
            command.Add(host);
        }

        command.AddRange(["-method", typeof(CapabilityTests).FullName + "." + nameof(Child_without_capabilities_cannot_create_the_platform)]);
        var info = new System.Diagnostics.ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        command.ForEach(info.ArgumentList.Add);
        info.Environment[ChildVariable] = "1";
        using var child = System.Diagnostics.Process.Start(info)!;
        string output = child.StandardOutput.ReadToEnd() + child.StandardError.ReadToEnd();
        Assert.True(child.WaitForExit(60_000), "the child test run did not finish");
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(0, child.ExitCode);
        Assert.Contains("Total: 1", output);
        Assert.Contains("Failed: 0", output);
        Assert.Contains("Skipped: 0", output);
    }

    /// <summary>Runs only in the child started above (no capabilities); elsewhere it skips.</summary>
    [Fact]
    public void Child_without_capabilities_cannot_create_the_platform()
    {
        if (Environment.GetEnvironmentVariable(ChildVariable) != "1")
        {
            Assert.Skip("Runs in the capability-less child process of A_process_without_the_capabilities_gets_one_clear_error.");
        }

        Assert.Empty(LinuxCapabilities.FindMissing(~0UL, LinuxCapabilities.Required));
        var ex = Assert.Throws<MissingCapabilityException>(() => LinuxVrrpPlatform.Create());
        Assert.Equal([LinuxCapability.NetRaw, LinuxCapability.NetAdmin], ex.Missing);
        Assert.Contains("CAP_NET_RAW and CAP_NET_ADMIN", ex.Message);
        Assert.Throws<MissingCapabilityException>(LinuxCapabilities.EnsureRequired);
    }
}
