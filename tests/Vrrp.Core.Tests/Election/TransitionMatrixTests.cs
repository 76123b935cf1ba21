using Vrrp.Election;
using Vrrp.Packets;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>Every state x every input: the resulting state and the actions, in order.</summary>
public class TransitionMatrixTests
{
    public enum Input
    {
        Start,
        AdvertHigherPriority,
        AdvertEqualPriorityHigherAddress,
        AdvertEqualPriorityLowerAddress,
        AdvertLowerPriority,
        AdvertPriorityZero,
        OwnAdvertLoopedBack,
        TimeoutDue,
        TimeoutNotDue,
        Shutdown,
        InterfaceDown,
        InterfaceUp,
        FaultTrackerDown,
        WeightTrackerDown,
    }

    public static TheoryData<VrrpState, Input, VrrpState, string> Matrix()
    {
        var data = new TheoryData<VrrpState, Input, VrrpState, string>();
        void Row(VrrpState from, Input input, VrrpState to, string actions) => data.Add(from, input, to, actions);

        // Initialize: nothing but Start does anything.
        Row(VrrpState.Initialize, Input.Start, VrrpState.Backup, "State:Backup");
        foreach (var input in Enum.GetValues<Input>().Where(i => i != Input.Start))
        {
            Row(VrrpState.Initialize, input, VrrpState.Initialize, input == Input.WeightTrackerDown ? "Priority:70" : "");
        }

        // Backup.
        Row(VrrpState.Backup, Input.AdvertHigherPriority, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.AdvertEqualPriorityHigherAddress, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.AdvertEqualPriorityLowerAddress, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.AdvertLowerPriority, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.AdvertPriorityZero, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.OwnAdvertLoopedBack, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.TimeoutDue, VrrpState.Master, "State:Master Send:100 Add Announce");
        Row(VrrpState.Backup, Input.TimeoutNotDue, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.Shutdown, VrrpState.Stopped, "State:Stopped");
        Row(VrrpState.Backup, Input.InterfaceDown, VrrpState.Fault, "State:Fault");
        Row(VrrpState.Backup, Input.InterfaceUp, VrrpState.Backup, "");
        Row(VrrpState.Backup, Input.FaultTrackerDown, VrrpState.Fault, "State:Fault");
        Row(VrrpState.Backup, Input.WeightTrackerDown, VrrpState.Backup, "Priority:70");

        // Master.
        Row(VrrpState.Master, Input.AdvertHigherPriority, VrrpState.Backup, "State:Backup Remove");
        Row(VrrpState.Master, Input.AdvertEqualPriorityHigherAddress, VrrpState.Backup, "State:Backup Remove");
        Row(VrrpState.Master, Input.AdvertEqualPriorityLowerAddress, VrrpState.Master, "LowerDiscarded Send:100 Announce");
        Row(VrrpState.Master, Input.AdvertLowerPriority, VrrpState.Master, "LowerDiscarded Send:100 Announce");
        Row(VrrpState.Master, Input.AdvertPriorityZero, VrrpState.Master, "Send:100");
        Row(VrrpState.Master, Input.OwnAdvertLoopedBack, VrrpState.Master, "");
        Row(VrrpState.Master, Input.TimeoutDue, VrrpState.Master, "Send:100");
        Row(VrrpState.Master, Input.TimeoutNotDue, VrrpState.Master, "");
        Row(VrrpState.Master, Input.Shutdown, VrrpState.Stopped, "Send:0 Remove State:Stopped");
        Row(VrrpState.Master, Input.InterfaceDown, VrrpState.Fault, "State:Fault Send:0 Remove");
        Row(VrrpState.Master, Input.InterfaceUp, VrrpState.Master, "");
        Row(VrrpState.Master, Input.FaultTrackerDown, VrrpState.Fault, "State:Fault Send:0 Remove");
        Row(VrrpState.Master, Input.WeightTrackerDown, VrrpState.Master, "Priority:70 Send:70");

        // Fault: only Shutdown and the fault clearing matter.
        foreach (var input in Enum.GetValues<Input>().Where(i => i is not (Input.Start or Input.Shutdown or Input.InterfaceUp or Input.WeightTrackerDown)))
        {
            Row(VrrpState.Fault, input, VrrpState.Fault, "");
        }

        Row(VrrpState.Fault, Input.Shutdown, VrrpState.Stopped, "State:Stopped");
        Row(VrrpState.Fault, Input.InterfaceUp, VrrpState.Backup, "State:Backup");
        Row(VrrpState.Fault, Input.WeightTrackerDown, VrrpState.Fault, "Priority:70");

        // Stopped: Start again; everything else is ignored.
        Row(VrrpState.Stopped, Input.Start, VrrpState.Backup, "State:Backup");
        foreach (var input in Enum.GetValues<Input>().Where(i => i != Input.Start))
        {
            Row(VrrpState.Stopped, input, VrrpState.Stopped, input == Input.WeightTrackerDown ? "Priority:70" : "");
        }

        return data;
    }

    [Trait("Rfc", "3768-6.4.3-a")]
    [Trait("Rfc", "9568-6.4.1-b")]
    [Trait("Rfc", "9568-6.4.2-f")]
    [Trait("Rfc", "9568-6.4.2-g")]
    [Trait("Rfc", "9568-6.4.2-k")]
    [Trait("Rfc", "9568-6.4.3-g")]
    [Trait("Rfc", "9568-6.4.3-h")]
    [Trait("Rfc", "9568-6.4.3-i")]
    [Trait("Rfc", "9568-6.4.3-j")]
    [Trait("Rfc", "9568-6.4.3-k")]
    [Trait("Rfc", "9568-6.4.3-l")]
    [Theory]
    [MemberData(nameof(Matrix))]
    public void Transition(VrrpState from, Input input, VrrpState expectedState, string expectedActions)
    {
        var router = InState(from, out long now);
        Apply(router, input, now);
        Assert.Equal(expectedState, router.State);
        Assert.Equal(expectedActions, string.Join(" ", Drain(router)));
    }

    [Fact]
    public void The_matrix_covers_every_state_and_input()
    {
        var rows = Matrix().Select(r => (r.Data.Item1, r.Data.Item2)).ToHashSet();
        foreach (var state in Enum.GetValues<VrrpState>())
        {
            foreach (var input in Enum.GetValues<Input>())
            {
                if (input == Input.Start && state is VrrpState.Backup or VrrpState.Master or VrrpState.Fault)
                {
                    continue; // covered by Start_while_running_is_the_callers_mistake
                }

                Assert.Contains((state, input), rows);
            }
        }
    }

    [Theory]
    [InlineData(VrrpState.Backup)]
    [InlineData(VrrpState.Master)]
    [InlineData(VrrpState.Fault)]
    public void Start_while_running_is_the_callers_mistake(VrrpState state)
    {
        var router = InState(state, out long now);
        Assert.Throws<InvalidOperationException>(() => router.Start(now));
    }

    [Trait("Rfc", "9568-5.2.4-a")]
    [Trait("Rfc", "9568-6.4.1-a")]
    [Fact]
    public void Owner_starts_straight_as_master()
    {
        var router = new VirtualRouter(Config(priority: 255), Local);
        router.Start(0);
        Assert.Equal(VrrpState.Master, router.State);
        Assert.Equal("State:Master Send:255 Add Announce", string.Join(" ", Drain(router)));
        Assert.Equal(Second, router.AdvertisementDeadline);
    }

    [Trait("Rfc", "9568-7.1-n")]
    [Fact]
    public void Own_advert_is_dropped_and_counted()
    {
        var router = InState(VrrpState.Backup, out long now);
        Assert.Equal(DropReason.OwnAdvertisement, router.HandleAdvertisement(Advert(100, Local), now));
        Assert.Equal(1, router.Counters.GetDrops(DropReason.OwnAdvertisement));
        Assert.Equal(0, router.Counters.AdvertisementsReceived);
    }

    private static void Apply(VirtualRouter router, Input input, long now)
    {
        switch (input)
        {
            case Input.Start:
                router.Start(now);
                break;
            case Input.AdvertHigherPriority:
                router.HandleAdvertisement(Advert(200, LowerPeer), now);
                break;
            case Input.AdvertEqualPriorityHigherAddress:
                router.HandleAdvertisement(Advert(100, HigherPeer), now);
                break;
            case Input.AdvertEqualPriorityLowerAddress:
                router.HandleAdvertisement(Advert(100, LowerPeer), now);
                break;
            case Input.AdvertLowerPriority:
                router.HandleAdvertisement(Advert(50, HigherPeer), now);
                break;
            case Input.AdvertPriorityZero:
                router.HandleAdvertisement(Advert(0, HigherPeer), now);
                break;
            case Input.OwnAdvertLoopedBack:
                router.HandleAdvertisement(Advert(100, Local), now);
                break;
            case Input.TimeoutDue:
                router.HandleTimeout(router.NextTimeout ?? now);
                break;
            case Input.TimeoutNotDue:
                router.HandleTimeout(now);
                break;
            case Input.Shutdown:
                router.Shutdown(now);
                break;
            case Input.InterfaceDown:
                router.SetInterfaceState(false, now);
                break;
            case Input.InterfaceUp:
                router.SetInterfaceState(true, now);
                break;
            case Input.FaultTrackerDown:
                router.SetTrackerState(TrackerKind.External, "check", false, now);
                break;
            case Input.WeightTrackerDown:
                router.SetTrackerState(TrackerKind.External, "malus", false, now);
                break;
        }
    }
}
