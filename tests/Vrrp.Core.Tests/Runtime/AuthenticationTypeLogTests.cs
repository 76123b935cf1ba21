using Vrrp.Election;
using Vrrp.Packets;
using Vrrp.Testing;
using Vrrp.Tests.Packets;
using static Vrrp.Tests.Runtime.DriverTestKit;

namespace Vrrp.Tests.Runtime;

/// <summary>A VRRPv2 advert whose authentication type VRRPv2 does not define, as keepalived 2.2.7 treats it.</summary>
public class AuthenticationTypeLogTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Trait("Rfc", "3768-5.3.6-b")]
    [Fact]
    public async Task An_undefined_auth_type_is_dropped_counted_as_invalid_and_logged_with_keepalived_s_line()
    {
        using var logs = new CollectingLoggerFactory();
        var clock = new VirtualClock();
        var lan = new VirtualLan(clock, seed: 31, logs);
        var backup = lan.AddRouter(Config(100, version: VrrpVersion.V2));
        await lan.StartAsync(Token);

        // A higher-priority advert (it would make the backup stay backup) with auth type 7.
        var writer = new VirtualRouter(Config(200, version: VrrpVersion.V2), IPAddressValue.Parse("192.0.2.99"));
        var buffer = new byte[writer.AdvertisementLength];
        int length = writer.WriteAdvertisement(buffer, 200, IPAddressValue.Parse("224.0.0.18"));
        buffer[4] = 7;
        PacketBuilder.FixChecksum(buffer.AsSpan(0, length), VrrpAddressFamily.IPv4);
        for (int i = 0; i < 3; i++)
        {
            lan.Inject(backup.Node, buffer.AsSpan(0, length), VrrpAddressFamily.IPv4, IPAddressValue.Parse("192.0.2.99"));
        }

        clock.Advance(TimeSpan.FromMilliseconds(10));
        var status = backup.GetStatus();
        Assert.Equal(3, status.Drops[DropReason.AuthenticationUnsupported]);
        Assert.False(status.Drops.ContainsKey(DropReason.AuthenticationTypeMismatch));
        Assert.Single(logs.Messages, m => m == "(VI_1) Invalid auth type: 7");

        // Dropped, so it holds nobody back: with no valid advert the backup takes over.
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Master, backup.State);
    }
}
