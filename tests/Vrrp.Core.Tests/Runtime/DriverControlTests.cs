using Vrrp.Election;
using Vrrp.Runtime;
using Vrrp.Testing;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>State changes reported after their address work (OnStateApplied), and the operator inputs: drain, resume, priority override.</summary>
public class DriverControlTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_master_change_is_applied_after_its_slow_addresses_are_added_and_a_backup_change_after_they_are_removed()
    {
        var addresses = new SlowAddresses(TimeSpan.FromMilliseconds(50));
        var seen = new List<string>();
        await using var driver = new AsyncVrrpDriver(new SilentTransport(), addresses, new CountingAnnouncer(seen), null, TimeProvider.System, null);
        driver.AddRouter(Config(255) with { GarpMasterDelay = TimeSpan.Zero });
        driver.AddObserver(new Probe(addresses, seen));

        await driver.StartAsync(Token);
        Assert.True(SpinWait.SpinUntil(() => Snapshot(seen).Any(s => s.StartsWith("applied Master", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)));
        await driver.StopAsync(Token);

        Assert.Equal(
            [
                "changed Initialize->Master: VIP on the interface False",
                "announced",
                "applied Master: VIP on the interface True, HoldsVirtualAddresses True, error none",
                "changed Master->Stopped: VIP on the interface True",
                "applied Stopped: VIP on the interface False, HoldsVirtualAddresses False, error none",
            ],
            Snapshot(seen));
    }

    [Fact]
    public async Task A_master_whose_addresses_cannot_be_added_is_applied_with_the_error()
    {
        var addresses = new SlowAddresses(TimeSpan.Zero) { FailAdds = true };
        var seen = new List<string>();
        await using var driver = new AsyncVrrpDriver(new SilentTransport(), addresses, null, null, TimeProvider.System, null);
        driver.AddRouter(Config(255));
        driver.AddObserver(new Probe(addresses, seen));
        await driver.StartAsync(Token);
        Assert.True(SpinWait.SpinUntil(() => Snapshot(seen).Any(s => s.StartsWith("applied Master", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)));

        Assert.Contains("applied Master: VIP on the interface False, HoldsVirtualAddresses False, error could not add the virtual addresses: 10.99.0.1/32 on eth0: RTNETLINK answers: Operation not permitted", Snapshot(seen));
        Assert.True(driver.TryGetStatus("VI_1", out var status));
        Assert.False(status.HoldsVirtualAddresses);
        Assert.Contains("could not add the virtual addresses: 10.99.0.1/32 on eth0: RTNETLINK answers: Operation not permitted", status.Faults);
    }

    [Fact]
    public async Task A_master_whose_addresses_cannot_be_added_goes_to_fault_with_the_reason_retries_with_back_off_and_recovers_when_the_cause_goes()
    {
        var clock = new VirtualClock();
        var addresses = new SlowAddresses(TimeSpan.Zero) { FailAdds = true };
        var seen = new List<string>();
        var logs = new CollectingLoggerFactory();
        await using var driver = new AsyncVrrpDriver(new SilentTransport(), addresses, null, null, clock, logs);
        driver.AddRouter(Config(255));
        driver.AddObserver(new Probe(addresses, seen));
        await driver.StartAsync(Token);

        const string Reason = "could not add the virtual addresses: 10.99.0.1/32 on eth0: RTNETLINK answers: Operation not permitted";
        Assert.True(driver.TryGetStatus("VI_1", out var status));
        Assert.Equal(VrrpState.Fault, status.State);
        Assert.True(status.IsFaulted);
        Assert.Equal([Reason], status.Faults);
        Assert.Equal(StateChangeReason.FaultDetected, status.LastStateChange!.Reason);
        Assert.Equal(1, status.PriorityZeroSent);   // the backups take over after their Skew_Time
        Assert.Contains(logs.Messages, l => l == $"(VI_1) Entering FAULT STATE: {Reason}; retrying in 1 s (sooner if a link of its addresses comes up)");

        // Retries after 1 s, 2 s, 4 s...: each goes back to the election (the owner becomes master at once) and fails again.
        clock.Advance(TimeSpan.FromSeconds(0.9));
        Assert.Equal(VrrpState.Fault, driver.GetState("VI_1"));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(VrrpState.Fault, driver.GetState("VI_1"));
        Assert.Contains(logs.Messages, l => l == $"(VI_1) Entering FAULT STATE: {Reason}; retrying in 2 s (sooner if a link of its addresses comes up)");
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Contains(logs.Messages, l => l.EndsWith("retrying in 4 s (sooner if a link of its addresses comes up)", StringComparison.Ordinal));
        Assert.Equal(3, Snapshot(seen).Count(l => l.StartsWith("changed Fault->Master", StringComparison.Ordinal) || l.StartsWith("changed Initialize->Master", StringComparison.Ordinal)));
        Assert.False(addresses.Holds(VipOf(1)));

        // The cause goes: the next retry holds the address, and the instance stays master.
        addresses.FailAdds = false;
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.True(driver.TryGetStatus("VI_1", out status));
        Assert.Equal(VrrpState.Master, status.State);
        Assert.False(status.IsFaulted);
        Assert.Empty(status.Faults);
        Assert.True(status.HoldsVirtualAddresses);
        Assert.True(addresses.Holds(VipOf(1)));
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(VrrpState.Master, driver.GetState("VI_1"));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void The_address_retry_backs_off_from_1_s_to_30_s(int failures, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), VrrpDriver.AddressRetryDelay(failures));

    [Fact]
    public async Task On_the_lan_a_new_master_holds_its_address_when_applied_and_a_former_one_does_not()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 11);
        var low = lan.AddRouter(Config(100));
        var high = lan.AddRouter(Config(200));
        var seen = new List<string>();
        await low.Node.StartAsync(Token);
        low.Node.Driver!.AddObserver(new LanProbe(low.Node, seen));
        clock.Advance(TimeSpan.FromSeconds(4));
        await high.Node.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(
            [
                "changed Backup->Master: VIP on the node False",
                "applied Master: VIP on the node True",
                "changed Master->Backup: VIP on the node True",
                "applied Backup: VIP on the node False",
            ],
            Snapshot(seen));
    }

    [Fact]
    public async Task A_drained_master_sends_priority_zero_stays_backup_and_takes_back_over_on_resume()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 12);
        var high = lan.AddRouter(Config(200));
        var low = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, high.State);
        var driver = high.Node.Driver!;

        Assert.True(driver.Drain("VI_1"));
        Assert.False(driver.Drain("VI_1"));
        Assert.Equal(VrrpState.Backup, high.State);
        Assert.Equal(StateChangeReason.Drained, high.GetStatus().LastStateChange!.Reason);
        Assert.Equal(1, high.GetStatus().PriorityZeroSent);

        // The backup takes over after its Skew_Time ((256 - 100) / 256 s), not a whole Master_Down_Interval.
        clock.Advance(TimeSpan.FromSeconds(0.62));
        Assert.Equal(VrrpState.Master, low.State);
        Assert.Equal([low.Node], lan.HoldersOf(VipOf(1)));

        // Drained, the higher priority stays Backup however long it hears a lower-priority master.
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(VrrpState.Backup, high.State);
        Assert.True(high.GetStatus().IsDrained);
        Assert.Equal(low.GetStatus().LocalAddress, high.GetStatus().MasterAddress); // it follows the lower-priority master

        Assert.True(driver.Resume("VI_1"));
        Assert.False(high.GetStatus().IsDrained);
        clock.Advance(TimeSpan.FromSeconds(3.3));   // Master_Down_Interval 3 s + (256 - 200) / 256 s
        Assert.Equal(VrrpState.Master, high.State);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(VrrpState.Backup, low.State);
        Assert.Equal([high.Node], lan.HoldersOf(VipOf(1)));
    }

    [Fact]
    public async Task A_priority_override_moves_mastership_and_resetting_it_moves_it_back()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 13);
        var high = lan.AddRouter(Config(200));
        var low = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        var driver = low.Node.Driver!;

        Assert.True(driver.SetPriorityOverride("VI_1", 250));
        Assert.False(driver.SetPriorityOverride("VI_1", 250));
        Assert.Equal(250, low.GetStatus().EffectivePriority);
        Assert.Equal(250, low.GetStatus().PriorityOverride);
        clock.Advance(TimeSpan.FromSeconds(3.1));   // 3 s + (256 - 250) / 256 s: high's adverts (200) are discarded
        Assert.Equal(VrrpState.Master, low.State);
        Assert.Equal(VrrpState.Backup, high.State);

        // Reset: low advertises 100 at once; high, preempting, takes over after its Master_Down_Interval.
        Assert.True(driver.SetPriorityOverride("VI_1", null));
        Assert.Equal(100, low.GetStatus().EffectivePriority);
        Assert.Null(low.GetStatus().PriorityOverride);
        clock.Advance(TimeSpan.FromSeconds(3.3));
        Assert.Equal(VrrpState.Master, high.State);
        Assert.Equal(VrrpState.Backup, low.State);

        Assert.Equal("priority", Assert.Throws<ArgumentOutOfRangeException>(() => driver.SetPriorityOverride("VI_1", 255)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => driver.SetPriorityOverride("VI_1", 0));
        Assert.Equal("No instance 'VI_9'. (Parameter 'instance')", Assert.Throws<ArgumentException>(() => driver.Drain("VI_9")).Message);
    }

    [Fact]
    public async Task The_owner_cannot_be_overridden_but_can_be_drained_and_resumed()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 14);
        var owner = lan.AddRouter(Config(255));
        var backup = lan.AddRouter(Config(100));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        var driver = owner.Node.Driver!;
        var error = Assert.Throws<InvalidOperationException>(() => driver.SetPriorityOverride("VI_1", 200));
        Assert.Equal("Virtual router 'VI_1' is the address owner (priority 255); its priority cannot be overridden (drain it instead).", error.Message);

        driver.Drain("VI_1");
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Backup, owner.State);
        Assert.Equal(VrrpState.Master, backup.State);
        driver.Resume("VI_1");
        Assert.Equal(VrrpState.Master, owner.State);   // the owner takes over at once
    }

    [Fact]
    public async Task Draining_one_member_of_a_sync_group_holds_the_whole_group_in_backup()
    {
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 15);
        var node = lan.AddNode();
        var a = node.AddRouter(Config(200, vrid: 1));
        var b = node.AddRouter(Config(200, vrid: 2));
        node.AddSyncGroup("G", a, b);
        var peerNode = lan.AddNode();
        var pa = peerNode.AddRouter(Config(100, vrid: 1));
        var pb = peerNode.AddRouter(Config(100, vrid: 2));
        await lan.StartAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);

        node.Driver!.Drain("VI_1");
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(VrrpState.Backup, a.State);
        Assert.Equal(VrrpState.Backup, b.State);
        Assert.Equal(VrrpState.Master, pa.State);
        Assert.Equal(VrrpState.Master, pb.State);

        node.Driver!.Resume("VI_1");
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, a.State);
        Assert.Equal(VrrpState.Master, b.State);
    }

    private static List<string> Snapshot(List<string> seen)
    {
        lock (seen)
        {
            return [.. seen];
        }
    }

    private static void Add(List<string> seen, string line)
    {
        lock (seen)
        {
            seen.Add(line);
        }
    }

    private sealed class Probe(SlowAddresses addresses, List<string> seen) : VrrpObserver
    {
        public override void OnStateChanged(VrrpStateChange change) =>
            Add(seen, $"changed {change.PreviousState}->{change.State}: VIP on the interface {addresses.Holds(VipOf(1))}");

        public override void OnStateApplied(VrrpStateChange change) =>
            Add(seen, $"applied {change.State}: VIP on the interface {addresses.Holds(VipOf(1))}, HoldsVirtualAddresses {change.HoldsVirtualAddresses}, error {change.AddressError ?? "none"}");
    }

    private sealed class LanProbe(SimulatedNode node, List<string> seen) : VrrpObserver
    {
        public override void OnStateChanged(VrrpStateChange change) =>
            Add(seen, $"changed {change.PreviousState}->{change.State}: VIP on the node {node.HasAddress(VipOf(1))}");

        public override void OnStateApplied(VrrpStateChange change) =>
            Add(seen, $"applied {change.State}: VIP on the node {node.HasAddress(VipOf(1))}");
    }

    /// <summary>An address manager that takes its time, as a kernel under load or a cloud API does.</summary>
    private sealed class SlowAddresses(TimeSpan delay) : IVirtualAddressManager
    {
        private readonly HashSet<IPAddressValue> _held = [];

        public volatile bool FailAdds;

        public bool Holds(IPAddressValue address)
        {
            lock (_held)
            {
                return _held.Contains(address);
            }
        }

        public async ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            if (FailAdds)
            {
                throw new InvalidOperationException("RTNETLINK answers: Operation not permitted");
            }

            lock (_held)
            {
                _held.Add(address.Address);
            }
        }

        public async ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            lock (_held)
            {
                _held.Remove(address.Address);
            }
        }

        public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) => new(false);
    }

    private sealed class CountingAnnouncer(List<string> seen) : IAddressAnnouncer
    {
        public ValueTask AnnounceAsync(string interfaceName, IReadOnlyList<VirtualAddress> addresses, CancellationToken cancellationToken)
        {
            lock (seen)
            {
                if (seen.Count == 0 || seen[^1] != "announced")
                {
                    seen.Add("announced");
                }
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class SilentTransport : IVrrpTransport
    {
        public ValueTask<IVrrpChannel> OpenAsync(VrrpChannelOptions options, CancellationToken cancellationToken) => new(new SilentChannel());
    }

    private sealed class SilentChannel : IVrrpChannel
    {
        public IPAddressValue LocalAddress => IPAddressValue.Parse("192.0.2.1");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public async ValueTask<ReceivedDatagram> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return default;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, IPAddressValue destination, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
