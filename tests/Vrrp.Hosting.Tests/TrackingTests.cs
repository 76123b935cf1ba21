using Vrrp.Election;
using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

public class TrackingTests
{
    [Fact]
    public void Rise_and_fall_debounce_consecutive_results()
    {
        var c = new RiseFallCounter(rise: 2, fall: 3);
        Assert.True(c.IsUp);
        Assert.False(c.Record(false));
        Assert.False(c.Record(false));
        Assert.False(c.Record(true)); // streak broken
        Assert.False(c.Record(false));
        Assert.False(c.Record(false));
        Assert.True(c.Record(false));
        Assert.False(c.IsUp);
        Assert.False(c.Record(true));
        Assert.True(c.Record(true));
        Assert.True(c.IsUp);
    }

    [Theory]
    [InlineData("42\n", 42)]
    [InlineData("  -7 apples", -7)]
    [InlineData("+5", 5)]
    [InlineData("abc", 0)]
    [InlineData("", 0)]
    public void Track_file_reads_the_leading_integer(string text, long expected)
    {
        Assert.Equal(expected, FileTracker.Parse(text));
    }

    [Fact]
    public void Reverse_and_init_fail_reach_the_protocol_core()
    {
        var options = new VrrpOptions
        {
            Scripts = [new VrrpScriptOptions { Name = "chk", Command = "true", Weight = 10, Reverse = true, InitFail = true }],
            TrackFiles = [new VrrpTrackFileOptions { Name = "tf", Path = "/run/tf", Weight = 2, Reverse = true }],
        };
        var instance = new VrrpInstanceOptions
        {
            Name = "VI_1",
            Interface = "eth0",
            VirtualRouterId = 1,
            VirtualAddresses = ["192.0.2.1/32"],
            TrackInterfaces = [new TrackInterfaceOptions { Interface = "eth1", Weight = 5, Reverse = true }],
            TrackScripts = [new TrackReferenceOptions { Name = "chk" }],
            TrackFiles = [new TrackReferenceOptions { Name = "tf", Reverse = false }],
        };

        var trackers = DriverConfiguration.Create(options, instance).Trackers;

        Assert.Equal(
            [(TrackerKind.Interface, "eth1", 5, true, (long?)null), (TrackerKind.Script, "chk", 10, true, 0), (TrackerKind.File, "tf", 2, false, 0)],
            trackers.Select(static t => (t.Kind, t.Name, t.Weight, t.Reverse, t.InitialValue)));
    }
}
