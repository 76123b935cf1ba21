using System.Text.RegularExpressions;
using Vrrp.Election;
using Vrrp.Linux.Tests.Lab;
using Vrrp.Runtime;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Recovery from faults that used to stick (issue 13, item 3), on a namespace LAN with the kernel refusing for real: a
/// VIP the kernel will not add (its interface absent, or IPv6 disabled on it) puts the master in Fault with the reason
/// until the cause goes; an interface deleted and created again gets new sockets and its instance comes back; a link
/// that goes down and up goes through Fault and back the way keepalived 2.2.7 does.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed partial class RecoveryLabTests
{
    private const int Interval = 50;
    private const string Vip = "192.0.2.100";

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public enum Refusal
    {
        /// <summary>
        /// The second VIP goes on eth1 (keepalived no_track: otherwise eth1 is tracked and its absence is a Fault of its
        /// own before any add), which does not exist (ENODEV); the cause goes when eth1 is created and comes up.
        /// </summary>
        InterfaceAbsent,

        /// <summary>An excluded IPv6 address on eth0 with disable_ipv6 set (EACCES); the cause goes with disable_ipv6=0.</summary>
        IPv6Disabled,
    }

    [Theory]
    [InlineData(Refusal.InterfaceAbsent)]
    [InlineData(Refusal.IPv6Disabled)]
    public async Task A_VIP_the_kernel_refuses_puts_the_master_in_fault_with_the_reason_and_it_recovers_when_the_cause_goes(Refusal refusal)
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        foreach (var host in (LabHost[])[h1, h2])
        {
            // r2 has what r1 lacks, so that r2 can hold every address while r1 cannot.
            if (refusal == Refusal.InterfaceAbsent && host == h2)
            {
                AddEth1(host);
            }

            if (refusal == Refusal.IPv6Disabled && host == h1)
            {
                host.Exec("sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=1");
            }
        }

        string second = refusal == Refusal.InterfaceAbsent ? "192.0.2.101" : "2001:db8:60::100";
        VirtualRouterConfiguration Config(byte priority) => FailoverTests.Config("VI_1", priority, Interval) with
        {
            VirtualAddresses = refusal == Refusal.InterfaceAbsent
                ? [VirtualAddress.Parse(Vip + "/32"), new VirtualAddress(IPAddressValue.Parse(second), 32, device: "eth1") { NoTrack = true }]
                : [VirtualAddress.Parse(Vip + "/32")],
            ExcludedAddresses = refusal == Refusal.IPv6Disabled ? [VirtualAddress.Parse(second + "/64")] : [],
        };

        await using var r1 = LabRouter.Create(h1, Config(150));
        await using var r2 = LabRouter.Create(h2, Config(100));
        var states = Record(r1);
        await Task.WhenAll(r1.StartAsync(), r2.StartAsync());

        // r1 wins the election, the kernel refuses one address: Fault with the reason, priority 0, r2 takes over.
        Assert.True(await WaitAsync(() => r1.Status().Faults.Any(f => f.Contains(second, StringComparison.Ordinal)), TimeSpan.FromSeconds(5)), Describe(r1));
        var status = r1.Status();
        string reason = status.Faults.Single(f => f.Contains(second, StringComparison.Ordinal));
        Output?.WriteLine($"{refusal}: r1's fault: {reason}");
        Assert.StartsWith($"could not add the virtual addresses: {second}/", reason, StringComparison.Ordinal);
        Assert.Contains(refusal == Refusal.InterfaceAbsent ? "No such device" : "Permission denied", reason, StringComparison.Ordinal);
        Assert.True(status.PriorityZeroSent >= 1, $"priority 0 sent {status.PriorityZeroSent}");
        Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"r2 is {r2.State}");
        Assert.True(await r2.WaitForAddressAsync(Vip));

        // While the cause holds, r1 retries (back to the election, master, refused again) and never keeps the VIP.
        await Task.Delay(2500, Token);
        Assert.Contains(VrrpState.Fault, Snapshot(states));
        int masters = Snapshot(states).Count(s => s == VrrpState.Master);
        Output?.WriteLine($"{refusal}: {masters} attempts as master in the first 2.5 s: {string.Join(" ", Snapshot(states))}");
        Assert.True(masters >= 2, "r1 did not retry");
        Assert.True(await WaitAsync(() => r1.State == VrrpState.Fault, TimeSpan.FromSeconds(2)), Describe(r1));
        Assert.True(await r1.WaitForAddressAsync(Vip, present: false));
        Assert.True(await WaitAsync(() => r2.State == VrrpState.Master && r2.HoldsAddress(Vip), TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");

        // The cause goes: r1 is master again with every address, r2 backup without them, and it stays so.
        var fixedAt = DateTime.UtcNow;
        if (refusal == Refusal.InterfaceAbsent)
        {
            AddEth1(h1);
        }
        else
        {
            h1.Exec("sysctl", "-q", "-w", "net.ipv6.conf.eth0.disable_ipv6=0");
        }

        Assert.True(await WaitAsync(() => r1.State == VrrpState.Master && r1.Status().HoldsVirtualAddresses, TimeSpan.FromSeconds(12)), Describe(r1));
        Output?.WriteLine($"{refusal}: r1 master with its addresses {(DateTime.UtcNow - fixedAt).TotalMilliseconds:F0} ms after the cause went");
        Assert.True(await r1.WaitForAddressAsync(Vip));
        Assert.Contains(second, LabProcess.Ip("-n", h1.Namespace, "addr", "show"), StringComparison.Ordinal);
        Assert.True(await r2.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
        Assert.True(await r2.WaitForAddressAsync(Vip, present: false));
        await Task.Delay(1500, Token);
        Assert.Equal(VrrpState.Master, r1.State);
        Assert.Empty(r1.Status().Faults);
        Assert.Null(r1.Status().AddressError);
    }

    /// <summary>r1 runs the Linux driver (the epoll loop) or the generic AsyncVrrpDriver: both close and reopen.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_interface_deleted_and_created_again_gets_new_sockets_and_its_instance_comes_back(bool asyncDriver)
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        await using var r1 = LabRouter.Create(h1, FailoverTests.Config("VI_1", 150, Interval), asyncDriver: asyncDriver);
        await using var r2 = LabRouter.Create(h2, FailoverTests.Config("VI_1", 100, Interval));
        await Task.WhenAll(r1.StartAsync(), r2.StartAsync());
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"r1 is {r1.State}");
        Assert.True(await r1.WaitForAddressAsync(Vip));
        string before = LabProcess.Ip("-n", h1.Namespace, "-o", "link", "show", "eth0").Split(':')[0];

        // Deleted: Fault (the interface is gone), and r2 takes over.
        LabProcess.Ip("-n", h1.Namespace, "link", "del", "eth0");
        Assert.True(await r1.WaitForStateAsync(VrrpState.Fault, TimeSpan.FromSeconds(2)), Describe(r1));
        Assert.Contains("interface eth0 down", r1.Status().Faults);
        Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
        Assert.True(await r2.WaitForAddressAsync(Vip));
        await Task.Delay(500, Token);
        Assert.Equal(VrrpState.Fault, r1.State);

        // Created again (a new index): r1's adverts reach r2 again, so r1 preempts and r2 steps down.
        lab.RecreateEth0(h1, "192.0.2.11/24");
        string after = LabProcess.Ip("-n", h1.Namespace, "-o", "link", "show", "eth0").Split(':')[0];
        Output?.WriteLine($"eth0 was index {before}, is {after}");
        Assert.NotEqual(before, after);
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), Describe(r1));
        Assert.True(await r2.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
        Assert.True(await r1.WaitForAddressAsync(Vip));
        Assert.True(await r2.WaitForAddressAsync(Vip, present: false));
        Assert.Empty(r1.Status().Faults);

        // And it hears r2 again: below r2's priority, r1 steps down when r2 takes over (deaf, it would stay master).
        long received = r1.Status().AdvertisementsReceived;
        Assert.True(r1.Driver.SetPriorityOverride("VI_1", 50));
        Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
        Assert.True(await r1.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(2)), Describe(r1));
        await Task.Delay(5 * Interval, Token);
        Assert.Equal(VrrpState.Backup, r1.State);
        Assert.True(r1.Status().AdvertisementsReceived > received + 2, $"received {r1.Status().AdvertisementsReceived}, before {received}");
        Assert.True(await r1.WaitForAddressAsync(Vip, present: false));
    }

    /// <summary>keepalived 2.2.7 and ours as r1 in turn, each against our r2: the same states through a link flap.</summary>
    [Fact]
    public async Task Link_down_and_up_goes_through_fault_and_back_as_keepalived_does()
    {
        LabProcess.RequireRootAnd("ip", "keepalived");
        var ours = await FlapAsync(keepalived: false);
        var theirs = await FlapAsync(keepalived: true);
        Output?.WriteLine($"ours:       {string.Join(" ", ours)}");
        Output?.WriteLine($"keepalived: {string.Join(" ", theirs)}");
        Assert.Equal(["MASTER", "FAULT", "BACKUP", "MASTER"], ours);
        Assert.Equal(theirs, ours);
    }

    // r1 (p150) master, its eth0 down then up: the states r1 goes through from its first MASTER on.
    private static async Task<List<string>> FlapAsync(bool keepalived)
    {
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        await using var r2 = LabRouter.Create(h2, FailoverTests.Config("VI_1", 100, 100));
        LabRouter? ours = null;
        BackgroundProcess? theirs = null;
        List<VrrpState>? recorded = null;
        try
        {
            if (keepalived)
            {
                theirs = lab.StartKeepalived(h1, """
                    global_defs {
                        router_id recovery_lab
                        vrrp_version 3
                        vrrp_garp_master_delay 0
                    }
                    vrrp_instance VI_1 {
                        state BACKUP
                        interface eth0
                        virtual_router_id 51
                        priority 150
                        advert_int 0.1
                        virtual_ipaddress {
                            192.0.2.100/32
                        }
                    }
                    """);
                Assert.True(theirs.WaitForOutput("Entering BACKUP STATE", TimeSpan.FromSeconds(5)), theirs.Output);
            }
            else
            {
                ours = LabRouter.Create(h1, FailoverTests.Config("VI_1", 150, 100));
                recorded = Record(ours);
                await ours.StartAsync();
            }

            await r2.StartAsync();
            Func<string> r1States = () => keepalived ? string.Join(" ", KeepalivedStates(theirs!.Output)) : string.Join(" ", Snapshot(recorded!).Select(Name));
            Assert.True(await WaitAsync(() => r1States().EndsWith("MASTER", StringComparison.Ordinal), TimeSpan.FromSeconds(5)), r1States());
            Assert.True(await WaitAsync(() => h1.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)));
            Assert.True(await r2.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(2)), $"r2 is {r2.State}");
            int start = r1States().Split(' ').Length - 1;

            LabProcess.Ip("-n", h1.Namespace, "link", "set", "eth0", "down");
            Assert.True(await WaitAsync(() => r1States().EndsWith("FAULT", StringComparison.Ordinal), TimeSpan.FromSeconds(3)), r1States());
            Assert.True(await r2.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(3)), $"r2 is {r2.State}");
            Assert.True(await WaitAsync(() => !h1.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), h1.Addresses());
            await Task.Delay(500, Token);

            LabProcess.Ip("-n", h1.Namespace, "link", "set", "eth0", "up");
            Assert.True(await WaitAsync(() => r1States().EndsWith("MASTER", StringComparison.Ordinal), TimeSpan.FromSeconds(5)), r1States());
            Assert.True(await r2.WaitForStateAsync(VrrpState.Backup, TimeSpan.FromSeconds(3)), $"r2 is {r2.State}");
            Assert.True(await WaitAsync(() => h1.Addresses().Contains(Vip, StringComparison.Ordinal), TimeSpan.FromSeconds(2)), h1.Addresses());
            await Task.Delay(500, Token);
            Output?.WriteLine($"{(keepalived ? "keepalived" : "ours")} as r1: {r1States()}");
            return [.. r1States().Split(' ').Skip(start)];
        }
        finally
        {
            if (ours is not null)
            {
                await ours.DisposeAsync();
            }

            if (theirs is not null)
            {
                Output?.WriteLine(theirs.Output);
            }
        }
    }

    // A second interface in the host (a veth pair inside it: this kernel has no dummy module), up.
    private static void AddEth1(LabHost host)
    {
        LabProcess.Ip("-n", host.Namespace, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1p");
        LabProcess.Ip("-n", host.Namespace, "link", "set", "eth1p", "up");
        LabProcess.Ip("-n", host.Namespace, "link", "set", "eth1", "up");
    }

    private static string Name(VrrpState state) => state switch
    {
        VrrpState.Master => "MASTER",
        VrrpState.Backup => "BACKUP",
        VrrpState.Fault => "FAULT",
        VrrpState.Initialize => "INIT",
        _ => "STOP",
    };

    /// <summary>keepalived's states in the order it entered them ("(VI_1) Entering BACKUP STATE (init)" counts as BACKUP).</summary>
    private static List<string> KeepalivedStates(string output) =>
        [.. EnteringState().Matches(output).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\(VI_1\) Entering (\w+) STATE")]
    private static partial Regex EnteringState();

    private static List<VrrpState> Record(LabRouter router)
    {
        var states = new List<VrrpState>();
        router.Driver.AddObserver(new StateRecorder(states));
        return states;
    }

    private static List<VrrpState> Snapshot(List<VrrpState> states)
    {
        lock (states)
        {
            return [.. states];
        }
    }

    private static string Describe(LabRouter router)
    {
        var status = router.Status();
        return $"{router.Name} is {status.State}, faults [{string.Join("; ", status.Faults)}], address error {status.AddressError ?? "none"}, holds {status.HoldsVirtualAddresses}";
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(10, Token);
        }

        return condition();
    }

    private sealed class StateRecorder(List<VrrpState> states) : VrrpObserver
    {
        public override void OnStateChanged(VrrpStateChange change)
        {
            lock (states)
            {
                states.Add(change.State);
            }
        }
    }
}
