using System.Net;
using System.Net.Sockets;
using Vrrp.Linux.Namespaces;
using Vrrp.Linux.Sockets;
using Vrrp.Linux.Tests.Lab;
using Vrrp.Packets;

namespace Vrrp.Linux.Tests;

/// <summary>
/// Hostile and broken VRRP traffic sent on the LAN to running routers: each would make the master step down if it
/// were accepted (priority 254); the routers keep their states and count every packet by drop reason.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class BadTrafficTests
{
    private const int Repeats = 3;

    [Trait("Rfc", "9568-5.1.1.3-b")]
    [Trait("Rfc", "9568-7.1-i")]
    [Fact]
    public async Task Running_routers_keep_their_state_and_count_each_drop_by_reason()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        var attacker = lab.AddHost("x", "192.0.2.66/24");
        var config = FailoverTests.Config("VI_1", 150, 1000) with
        {
            Version = VrrpVersion.V2,
            AuthenticationType = AuthenticationType.SimplePassword,
            AuthenticationPassword = "secret",
        };
        await using var r1 = LabRouter.Create(h1, config);
        await using var r2 = LabRouter.Create(h2, config with { Priority = 100 });
        await Task.WhenAll(r1.StartAsync(), r2.StartAsync());
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(6)));
        Assert.Equal(VrrpState.Backup, r2.State);

        int seed = Random.Shared.Next();
        var random = new Random(seed);
        var source = IPAddressValue.Parse("192.0.2.66");
        var group = IPAddressValue.Parse("224.0.0.18");
        byte[] Advert(byte vrid, string password)
        {
            byte[] buffer = new byte[64];
            byte[] pass = new byte[8];
            VrrpPacket.EncodePassword(password, pass);
            int n = VrrpPacket.Write(buffer, new AdvertisementFields(VrrpVersion.V2, vrid, 254, 1, AuthenticationType.SimplePassword), [IPAddressValue.Parse("192.0.2.100")], pass, source, group);
            return buffer[..n];
        }

        byte[] takeover = Advert(51, "secret");
        byte[] badChecksum = (byte[])takeover.Clone();
        badChecksum[6] ^= 0x5a;
        var cases = new (string What, byte[] Payload, int Ttl)[]
        {
            ("wrong TTL", takeover, 1),
            ("bad checksum", badChecksum, 255),
            ("wrong password", Advert(51, "guess"), 255),
            ("unknown VRID", Advert(99, "secret"), 255),
            ("truncated", takeover[..6], 255),
        };

        using var raw = NetworkNamespace.Run(attacker.Namespace, () => RawSocketFactory.Create(AddressFamily.InterNetwork, 112));
        SocketOptions.BindToDevice(raw, "eth0");
        SocketOptions.SetIPv4Mreqn(raw, SocketOptions.IP_MULTICAST_IF, [0, 0, 0, 0], 0);
        var to = new IPEndPoint(IPAddress.Parse("224.0.0.18"), 0);
        int randomSent = 0;
        for (int i = 0; i < Repeats; i++)
        {
            foreach (var (_, payload, ttl) in cases)
            {
                SocketOptions.SetInt(raw, SocketOptions.IPPROTO_IP, SocketOptions.IP_MULTICAST_TTL, ttl);
                raw.SendTo(payload, to);
            }

            byte[] junk = new byte[random.Next(1, 120)];
            random.NextBytes(junk);
            raw.SendTo(junk, to);
            randomSent++;
        }

        await Task.Delay(300, TestContext.Current.CancellationToken);
        foreach (var router in new[] { r1, r2 })
        {
            var drops = router.Status().Drops;
            var unattributed = router.Driver.GetUnattributedDrops();
            long Count(DropReason reason) => drops.GetValueOrDefault(reason) + unattributed.GetValueOrDefault(reason);
            string all = $"seed {seed}, {router.Host.Name}: [{string.Join(", ", drops.Select(d => $"{d.Key}={d.Value}"))}] unattributed [{string.Join(", ", unattributed.Select(d => $"{d.Key}={d.Value}"))}]";
            TestContext.Current.TestOutputHelper?.WriteLine(all);
            Assert.True(Count(DropReason.TtlNot255) == Repeats, all);
            Assert.True(Count(DropReason.BadChecksum) >= Repeats, all);
            Assert.True(Count(DropReason.AuthenticationFailure) == Repeats, all);
            Assert.True(Count(DropReason.UnknownVirtualRouterId) >= Repeats, all);
            Assert.True(Count(DropReason.Truncated) >= Repeats, all);
            Assert.True(drops.Values.Sum() + unattributed.Values.Sum() == (cases.Length * Repeats) + randomSent, all); // every packet counted once
            Assert.True(router.Status().PriorityZeroReceived == 0, all);
        }

        Assert.Equal(VrrpState.Master, r1.State);
        Assert.Equal(VrrpState.Backup, r2.State);
        Assert.True(await r1.WaitForAddressAsync("192.0.2.100"));
        Assert.True(await r2.WaitForAddressAsync("192.0.2.100", present: false));
    }

    [Fact]
    public async Task Unicast_routers_count_adverts_from_strangers_and_ignore_them()
    {
        LabProcess.RequireRootAnd("ip");
        using var lab = new NetworkLab();
        var h1 = lab.AddHost("r1", "192.0.2.11/24");
        var h2 = lab.AddHost("r2", "192.0.2.12/24");
        var stranger = lab.AddHost("x", "192.0.2.66/24");
        var config = FailoverTests.Config("VI_1", 150, 50) with { AcceptOnlyUnicastPeers = true };
        await using var r1 = LabRouter.Create(h1, config with { UnicastPeers = [IPAddressValue.Parse("192.0.2.12")] });
        await using var r2 = LabRouter.Create(h2, config with { Priority = 100, UnicastPeers = [IPAddressValue.Parse("192.0.2.11")] });
        await Task.WhenAll(r1.StartAsync(), r2.StartAsync());
        Assert.True(await r1.WaitForStateAsync(VrrpState.Master, TimeSpan.FromSeconds(2)));

        // A stranger, not a configured peer, claims the VRID with priority 254 (unicast to the backup, checksum right).
        var (source, backup) = (IPAddressValue.Parse("192.0.2.66"), IPAddressValue.Parse("192.0.2.12"));
        byte[] advert = new byte[64];
        int n = VrrpPacket.Write(advert, new AdvertisementFields(VrrpVersion.V3, 51, 254, 5), [IPAddressValue.Parse("192.0.2.100")], [], source, backup);
        using var raw = NetworkNamespace.Run(stranger.Namespace, () => RawSocketFactory.Create(AddressFamily.InterNetwork, 112));
        SocketOptions.SetInt(raw, SocketOptions.IPPROTO_IP, SocketOptions.IP_TTL, 255);
        for (int i = 0; i < Repeats; i++)
        {
            raw.SendTo(advert.AsSpan(0, n), new IPEndPoint(IPAddress.Parse("192.0.2.12"), 0));
        }

        await Task.Delay(300, TestContext.Current.CancellationToken);
        var drops = r2.Status().Drops;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", drops.Select(d => $"{d.Key}={d.Value}")));
        Assert.Equal(Repeats, drops.GetValueOrDefault(DropReason.UnicastSourceNotAllowed));
        Assert.Equal(VrrpState.Backup, r2.State);
        Assert.Equal(VrrpState.Master, r1.State);
    }
}
