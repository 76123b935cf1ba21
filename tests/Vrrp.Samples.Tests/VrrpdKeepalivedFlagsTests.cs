using Vrrp.Linux.Tests.Lab;
using Vrrpd;

namespace Vrrp.Samples.Tests;

/// <summary>keepalived's flags that vrrpd gives keepalived's meaning: -s, -V, -X, -R, --signum (issue 14, item 3).</summary>
public class VrrpdKeepalivedFlagsTests
{
    [Fact]
    public void The_flags_parse_in_their_short_long_and_bundled_forms()
    {
        var s = DaemonCommandLine.Parse(["-s", "blue", "-f", "k.conf"]);
        Assert.Equal("blue", s.Namespace);
        Assert.Equal("blue", DaemonCommandLine.Parse(["--namespace=blue"]).Namespace);
        Assert.Equal("blue", DaemonCommandLine.Parse(["-nsblue"]).Namespace);

        var flags = DaemonCommandLine.Parse(["-nVXR", "-f", "k.conf"]);
        Assert.True(flags.DontReleaseVrrp);
        Assert.True(flags.ReleaseVips);
        Assert.Contains("-R", flags.Ignored);
        var longFlags = DaemonCommandLine.Parse(["--dont-release-vrrp", "--release-vips", "--dont-respawn"]);
        Assert.True(longFlags.DontReleaseVrrp && longFlags.ReleaseVips);
        Assert.Equal(DaemonMode.Run, longFlags.Mode);

        var signum = DaemonCommandLine.Parse(["--signum=JSON"]);
        Assert.Equal((DaemonMode.Signum, "JSON"), (signum.Mode, signum.SignalFunction));
        Assert.Equal("DATA", DaemonCommandLine.Parse(["--signum", "DATA"]).SignalFunction);
    }

    [Theory]
    [InlineData("-s")]
    [InlineData("--signum")]
    [InlineData("--namespace")]
    public void A_flag_without_its_value_is_an_error(string flag) =>
        Assert.Throws<FormatException>(() => DaemonCommandLine.Parse([flag]));

    [Theory]
    [InlineData("-Y")]
    [InlineData("--release-everything")]
    [InlineData("--dont-release-vrrp=yes")]
    public void Unknown_flags_stay_errors(string flag) =>
        Assert.Throws<FormatException>(() => DaemonCommandLine.Parse([flag]));

    [Fact]
    public async Task Signum_prints_what_keepalived_prints_for_every_signal_function_and_refuses_the_same_names()
    {
        bool oracle = LabProcess.HasTool("keepalived");
        foreach (string function in new[] { "STOP", "RELOAD", "DATA", "STATS", "STATS_CLEAR", "JSON", "TDUMP", "HUP", "json", "" })
        {
            var (code, output) = await VrrpdProcess.RunAsync("--signum=" + function);
            TestContext.Current.TestOutputHelper?.WriteLine($"--signum={function}: {code} {output.Trim()}");
            if (oracle)
            {
                var (keepalivedCode, keepalivedOutput) = await SampleProcess.RunAsync("keepalived", ["--signum=" + function], TimeSpan.FromSeconds(10));
                Assert.Equal(keepalivedCode, code);
                Assert.Equal(keepalivedOutput.Trim(), output.Trim());
            }
        }

        // Without keepalived, the numbers of the Debian build (glibc: SIGRTMIN 34, SIGRTMAX 64).
        Assert.Equal((0, "36"), Trimmed(await VrrpdProcess.RunAsync("--signum=JSON")));
        Assert.Equal((0, "10"), Trimmed(await VrrpdProcess.RunAsync("--signum=DATA")));
        Assert.Equal((0, "12"), Trimmed(await VrrpdProcess.RunAsync("--signum=STATS")));
        Assert.Equal((0, "63"), Trimmed(await VrrpdProcess.RunAsync("--signum=STATS_CLEAR")));
        Assert.Equal((0, "1"), Trimmed(await VrrpdProcess.RunAsync("--signum=RELOAD")));
        Assert.Equal((0, "15"), Trimmed(await VrrpdProcess.RunAsync("--signum=STOP")));
        Assert.Equal((1, "Unknown sigfunc TDUMP"), Trimmed(await VrrpdProcess.RunAsync("--signum=TDUMP")));
    }

    private static (int, string) Trimmed((int Code, string Output) result) => (result.Code, result.Output.Trim());
}
