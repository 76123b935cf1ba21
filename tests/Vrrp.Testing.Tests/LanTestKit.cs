using Vrrp.Election;
using Vrrp.Testing;

namespace Vrrp.Testing.Tests;

internal static class LanTestKit
{
    public static readonly IPAddressValue Vip = IPAddressValue.Parse("192.0.2.100");

    public static VirtualRouterConfiguration Config(byte priority, TimeSpan? interval = null, byte vrid = 51, string name = "VI_1", VrrpVersion version = VrrpVersion.V3) => new()
    {
        Name = name,
        InterfaceName = SimulatedNode.InterfaceName,
        VirtualRouterId = vrid,
        Priority = priority,
        Version = version,
        AdvertisementInterval = interval ?? TimeSpan.FromSeconds(1),
        VirtualAddresses = [new VirtualAddress(vrid == 51 ? Vip : IPAddressValue.FromIPv4([192, 0, 2, vrid]))],
    };

    /// <summary>The time (since the LAN was created) of a node's state change into <paramref name="to"/>, after <paramref name="after"/>.</summary>
    public static TimeSpan StateChangeTime(VirtualLan lan, SimulatedNode node, VrrpState to, TimeSpan after) =>
        lan.Events.First(e => e.Node == node.Name && e.Kind == LanEventKind.StateChanged && e.Detail.Contains($"-> {to} ", StringComparison.Ordinal) && e.Time >= after).Time;

    /// <summary>The time of the last advert a node sent, up to <paramref name="until"/>.</summary>
    public static TimeSpan LastAdvertisementSent(VirtualLan lan, SimulatedNode node, TimeSpan until) =>
        lan.Events.Last(e => e.Node == node.Name && e.Kind == LanEventKind.AdvertisementSent && e.Time <= until).Time;

    public static void AssertSingleMaster(VirtualLan lan, SimulatedRouter expected)
    {
        var masters = lan.MastersOf(expected.Configuration.VirtualRouterId);
        Assert.True(masters.Count == 1 && masters[0] == expected, $"expected only {expected} as master; masters: [{string.Join(", ", masters)}]\n{string.Join("\n", lan.Events.TakeLast(30))}");
        foreach (var vip in expected.Configuration.VirtualAddresses)
        {
            Assert.Equal([expected.Node], lan.HoldersOf(vip.Address));
        }
    }
}
