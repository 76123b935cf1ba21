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

    [Fact]
    public void Weights_follow_keepalived_rules()
    {
        var set = new TrackedObjectSet("VI_1");
        set.Add(TrackedObjectKind.Script, "plus", 10);
        set.Add(TrackedObjectKind.Script, "minus", -20);
        set.Add(TrackedObjectKind.HealthCheck, "db", 0);
        Assert.Equal(new TrackingResult(10, []).PriorityDelta, set.Evaluate().PriorityDelta);
        Assert.False(set.Evaluate().IsFault);

        Assert.True(set.SetUp(TrackedObjectKind.Script, "minus", false));
        Assert.Equal(-10, set.Evaluate().PriorityDelta);
        Assert.True(set.SetUp(TrackedObjectKind.Script, "plus", false));
        Assert.Equal(-20, set.Evaluate().PriorityDelta);
        Assert.False(set.SetUp(TrackedObjectKind.Script, "plus", false));

        Assert.True(set.SetUp(TrackedObjectKind.HealthCheck, "db", false));
        var result = set.Evaluate();
        Assert.True(result.IsFault);
        Assert.Equal(["health check db"], result.Faults);
    }

    [Theory]
    [InlineData(100, 50, 150)]
    [InlineData(100, 200, 254)]
    [InlineData(100, -150, 1)]
    [InlineData(255, -100, 255)]
    public void Effective_priority_is_clamped_and_owner_is_never_changed(int configured, int delta, int expected)
    {
        Assert.Equal(expected, new TrackingResult(delta, []).EffectivePriority(configured));
    }

    [Fact]
    public void Track_file_multiplies_value_by_weight_and_faults_at_minus_254()
    {
        var set = new TrackedObjectSet("VI_1");
        set.Add(TrackedObjectKind.File, "f", -2);
        set.SetValue("f", 10);
        Assert.Equal(-20, set.Evaluate().PriorityDelta);
        set.SetValue("f", 127);
        Assert.True(set.Evaluate().IsFault);

        var zero = new TrackedObjectSet("VI_2");
        zero.Add(TrackedObjectKind.File, "g", 0);
        zero.SetValue("g", 0);
        Assert.False(zero.Evaluate().IsFault);
        zero.SetValue("g", 3);
        Assert.Equal(["track_file g"], zero.Evaluate().Faults);
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
