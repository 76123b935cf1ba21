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
}
