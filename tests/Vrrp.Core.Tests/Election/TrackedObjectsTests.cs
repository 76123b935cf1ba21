using Vrrp.Election;

namespace Vrrp.Tests.Election;

/// <summary>keepalived's weight, fault and file rules, computed in one place for every kind of tracked object.</summary>
public class TrackedObjectsTests
{
    [Fact]
    public void Weights_follow_keepalived_rules()
    {
        var set = new TrackedObjects(
        [
            new TrackerConfiguration(TrackerKind.Script, "plus", 10),
            new TrackerConfiguration(TrackerKind.Script, "minus", -20),
            new TrackerConfiguration(TrackerKind.HealthCheck, "db", 0),
        ]);
        Assert.Equal(10, set.PriorityDelta());
        Assert.False(set.AnyFault());

        Assert.True(set.TrySet(TrackerKind.Script, "minus", 0, out bool changed) && changed);
        Assert.Equal(-10, set.PriorityDelta());
        Assert.True(set.TrySet(TrackerKind.Script, "plus", 0, out changed) && changed);
        Assert.Equal(-20, set.PriorityDelta());
        Assert.True(set.TrySet(TrackerKind.Script, "plus", 0, out changed));
        Assert.False(changed);
        Assert.False(set.TrySet(TrackerKind.Process, "plus", 0, out _));   // same name, other kind: not tracked

        Assert.True(set.TrySet(TrackerKind.HealthCheck, "db", 0, out _));
        Assert.True(set.AnyFault());
        Assert.Equal(["health check db"], set.Faults());
    }

    [Theory]
    [InlineData(100, 50, 150)]
    [InlineData(100, 200, 254)]
    [InlineData(100, -150, 1)]
    [InlineData(255, -100, 255)]
    public void Effective_priority_is_clamped_and_an_owner_is_never_changed(int configured, int weight, int expected)
    {
        // The object is in the state where its weight applies: up for a positive weight, down for a negative one.
        var tracker = new TrackerConfiguration(TrackerKind.Script, "t", weight, initialValue: weight > 0 ? 1 : 0);
        var router = new VirtualRouter(RouterTestKit.Config((byte)configured) with { Trackers = [tracker] }, RouterTestKit.Local);
        Assert.Equal(expected, router.EffectivePriority);
    }

    [Fact]
    public void A_tracked_file_adds_value_times_weight_and_faults_at_minus_254()
    {
        var set = new TrackedObjects([new TrackerConfiguration(TrackerKind.File, "f", -2)]);
        Assert.True(set.TrySet(TrackerKind.File, "f", 10, out _));
        Assert.Equal(-20, set.PriorityDelta());
        Assert.False(set.AnyFault());
        set.TrySet(TrackerKind.File, "f", 127, out _);
        Assert.True(set.AnyFault());
        Assert.Equal(0, set.PriorityDelta());
        Assert.Equal(["track_file f"], set.Faults());

        var zero = new TrackedObjects([new TrackerConfiguration(TrackerKind.File, "g", 0)]);
        Assert.False(zero.AnyFault());                 // a file starts at 0
        zero.TrySet(TrackerKind.File, "g", 3, out _);
        Assert.Equal(["track_file g"], zero.Faults());
    }

    [Fact]
    public void A_file_moves_the_priority_in_one_step()
    {
        var router = new VirtualRouter(
            RouterTestKit.Config(100) with { Trackers = [new TrackerConfiguration(TrackerKind.File, "f", 3)] },
            RouterTestKit.Local);
        router.Start(0);
        while (router.TryPollAction(out _))
        {
        }

        Assert.True(router.SetTrackerValue(TrackerKind.File, "f", 17, 1));
        var changes = new List<int>();
        while (router.TryPollAction(out var action))
        {
            if (action.Kind == VirtualRouterActionKind.PriorityChanged)
            {
                changes.Add(action.Priority);
            }
        }

        Assert.Equal([151], changes);
        Assert.False(router.SetTrackerValue(TrackerKind.Script, "f", 1, 2));
    }

    [Fact]
    public void In_a_sync_group_without_tracking_weight_a_down_object_or_a_lowering_file_means_fault()
    {
        var set = new TrackedObjects(
        [
            new TrackerConfiguration(TrackerKind.Script, "s", 10),
            new TrackerConfiguration(TrackerKind.File, "f", 5),
        ])
        { WeightsIgnored = true };
        Assert.Equal(0, set.PriorityDelta());
        Assert.False(set.AnyFault());
        set.TrySet(TrackerKind.File, "f", 4, out _);
        Assert.Equal(0, set.PriorityDelta());        // weights ignored
        set.TrySet(TrackerKind.File, "f", -1, out _);
        Assert.Equal(["track_file f"], set.Faults());
        set.TrySet(TrackerKind.File, "f", 0, out _);
        set.TrySet(TrackerKind.Script, "s", 0, out _);
        Assert.Equal(["track_script s"], set.Faults());
    }

    [Theory]
    // kind, weight, value: without reverse (delta, fault), with reverse (delta, fault); keepalived's weight_multiplier -1.
    [InlineData(TrackerKind.Interface, 10, 1, 10, false, -10, false)]
    [InlineData(TrackerKind.Interface, 10, 0, 0, false, 0, false)]
    [InlineData(TrackerKind.Script, -20, 0, -20, false, 20, false)]
    [InlineData(TrackerKind.Script, -20, 1, 0, false, 0, false)]
    [InlineData(TrackerKind.Script, 0, 1, 0, false, 0, true)]     // weight 0 reverse: Fault while up
    [InlineData(TrackerKind.Script, 0, 0, 0, true, 0, false)]
    [InlineData(TrackerKind.File, 3, 5, 15, false, -15, false)]
    [InlineData(TrackerKind.File, 0, 0, 0, false, 0, true)]       // weight 0 reverse: Fault while the file holds 0
    [InlineData(TrackerKind.File, 0, 7, 0, true, 0, false)]
    [InlineData(TrackerKind.File, -2, -127, 254, false, 0, true)] // reversed, -254 or less is still Fault
    public void Reverse_counts_an_object_the_other_way(TrackerKind kind, int weight, long value, long delta, bool fault, long reversedDelta, bool reversedFault)
    {
        var plain = new TrackedObjects([new TrackerConfiguration(kind, "o", weight)]);
        var reversed = new TrackedObjects([new TrackerConfiguration(kind, "o", weight) { Reverse = true }]);
        plain.TrySet(kind, "o", value, out _);
        reversed.TrySet(kind, "o", value, out _);
        Assert.Equal((delta, fault), (plain.PriorityDelta(), plain.AnyFault()));
        Assert.Equal((reversedDelta, reversedFault), (reversed.PriorityDelta(), reversed.AnyFault()));
    }

    [Fact]
    public void In_a_sync_group_a_reversed_object_is_a_fault_while_up()
    {
        var set = new TrackedObjects([new TrackerConfiguration(TrackerKind.Interface, "eth1", 50) { Reverse = true }]) { WeightsIgnored = true };
        Assert.Equal(["track_interface eth1 up (reverse)"], set.Faults()); // up (the default), so Fault
        set.TrySet(TrackerKind.Interface, "eth1", 0, out _);
        Assert.False(set.AnyFault());
    }
}
