using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Linux.Tests;

/// <summary>rtnetlink notifications on a real interface: link down/up (admin and carrier), removal, address changes.</summary>
public sealed class LinkMonitorTests
{
    [Fact]
    public async Task Sees_link_down_up_carrier_loss_removal_and_address_changes()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var platform = LinuxVrrpPlatform.Create(r1.Namespace);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(20));
        var events = new System.Collections.Concurrent.ConcurrentQueue<LinkEvent>();
        var watch = Task.Run(
            async () =>
            {
                await foreach (var e in platform.LinkMonitor.WatchAsync(cts.Token))
                {
                    events.Enqueue(e);
                }
            },
            TestContext.Current.CancellationToken);

        // Wait until the subscription is live: add probe addresses until one is reported (bounded).
        var probe = IPAddressValue.Parse("192.0.2.201");
        for (int i = 0; i < 50 && !events.Any(e => e.Kind == LinkEventKind.AddressAdded && e.Address == probe); i++)
        {
            r1.Exec("ip", "addr", "replace", "192.0.2.201/32", "dev", "eth0");
            await Task.Delay(50, cts.Token);
            if (!events.Any(e => e.Address == probe))
            {
                r1.Exec("ip", "addr", "del", "192.0.2.201/32", "dev", "eth0");
            }
        }

        Assert.Contains(events, e => e is { InterfaceName: "eth0", Kind: LinkEventKind.AddressAdded } && e.Address == probe);
        Assert.True(platform.LinkMonitor.IsUp("eth0"));

        r1.Exec("ip", "link", "set", "eth0", "down");
        await WaitFor(events, e => e is { InterfaceName: "eth0", Kind: LinkEventKind.Down });
        Assert.False(platform.LinkMonitor.IsUp("eth0"));
        r1.Exec("ip", "link", "set", "eth0", "up");
        await WaitFor(events, e => e is { InterfaceName: "eth0", Kind: LinkEventKind.Up });

        // Carrier loss: the bridge side of the veth goes down, eth0 stays administratively up.
        events.Clear();
        r1.Cut();
        await WaitFor(events, e => e is { InterfaceName: "eth0", Kind: LinkEventKind.Down });
        r1.Heal();
        await WaitFor(events, e => e is { InterfaceName: "eth0", Kind: LinkEventKind.Up });

        r1.Exec("ip", "addr", "del", "192.0.2.201/32", "dev", "eth0");
        await WaitFor(events, e => e is { InterfaceName: "eth0", Kind: LinkEventKind.AddressRemoved } && e.Address == probe);
        r1.Exec("ip", "addr", "add", "2001:db8:50::7/64", "dev", "eth0", "nodad");
        await WaitFor(events, e => e.Kind == LinkEventKind.AddressAdded && e.Address == IPAddressValue.Parse("2001:db8:50::7"));

        r1.Exec("ip", "link", "add", "x0", "type", "veth", "peer", "name", "x1");
        await WaitFor(events, e => e.InterfaceName == "x0");
        r1.Exec("ip", "link", "del", "x0");
        await WaitFor(events, e => e is { InterfaceName: "x0", Kind: LinkEventKind.Removed });
        Assert.False(platform.LinkMonitor.IsUp("x0"));

        // No repeated Up/Down for the same state.
        Assert.Equal(1, events.Count(e => e is { InterfaceName: "eth0", Kind: LinkEventKind.Up }));

        await cts.CancelAsync();
        await watch.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken); // cancelling ends the stream quietly
    }

    private static async Task WaitFor(System.Collections.Concurrent.ConcurrentQueue<LinkEvent> events, Func<LinkEvent, bool> match)
    {
        for (int i = 0; i < 200; i++)
        {
            if (events.Any(match))
            {
                return;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Fail("Expected event not seen in 5 s; saw: " + string.Join(", ", events));
    }
}
