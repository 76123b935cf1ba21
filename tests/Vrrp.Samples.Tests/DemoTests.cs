namespace Vrrp.Samples.Tests;

public class DemoTests
{
    [Fact]
    public async Task Demo_elects_fails_over_preempts_and_exits_zero()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Vrrp.Demo.dll");
        var (code, output) = await SampleProcess.RunAsync("dotnet", [dll], TimeSpan.FromSeconds(60));
        TestContext.Current.TestOutputHelper?.WriteLine(output);

        Assert.Equal(0, code);
        Assert.Contains("OK: one master at every step", output);
        // Each phase shows the expected takeover.
        Assert.Matches(@"r1\s+state\s+VI_1 Backup -> Master", output);
        Assert.Matches(@"r2\s+state\s+VI_1 Backup -> Master", output);
        Assert.Matches(@"r2\s+state\s+VI_1 Master -> Backup \(HigherPriorityAdvertisement", output);
        Assert.Contains("RFC bound Master_Down_Interval = 3 x 100 ms + skew = 341.406 ms", output);
        Assert.Contains("final: r1 Stopped, r2 Master, r3 Backup; VIP held by r2", output);
    }
}
