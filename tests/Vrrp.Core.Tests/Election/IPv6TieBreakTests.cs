using Vrrp.Election;
using Vrrp.Packets;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>
/// RFC 9568 section 6.4.3: a master that hears an advert of its own priority steps down when the sender's primary
/// address is greater than its own, compared as unsigned big-endian bytes. For IPv6 the primary address is the
/// link-local source (section 5.1.2.1), so the comparison runs over 16 bytes. Each advert here is written by one router
/// and parsed by the codec before the other handles it: the whole path but the socket.
/// </summary>
public class IPv6TieBreakTests
{
    private static readonly IPAddressValue Ff02_12 = IPAddressValue.Parse("ff02::12");

    public static TheoryData<string, string> HigherThenLower => new()
    {
        { "fe80::9", "fe80::5" },                                          // last byte
        { "fe80::8000:0:0:0", "fe80::7fff:ffff:ffff:ffff" },               // 0x80 > 0x7f unsigned (a signed compare inverts it)
        { "fe80::ff00:0:0:1", "fe80::1:0:0:ff" },                          // the first differing byte decides, not the sum
        { "fe80::1:0", "fe80::ffff" },                                     // big-endian: byte 13 outweighs bytes 14-15
        { "fe80:0:0:1::1", "fe80::ffff:ffff:ffff:ffff" },                  // an earlier byte outweighs any interface id
    };

    [Trait("Rfc", "9568-6.4.3-j")]
    [Trait("Rfc", "9568-8.3.2-d")]
    [Theory]
    [MemberData(nameof(HigherThenLower))]
    public void Two_masters_of_equal_priority_leave_the_higher_link_local_address_master(string higher, string lower)
    {
        var high = new VirtualRouter(V6Config(), IPAddressValue.Parse(higher));
        var low = new VirtualRouter(V6Config(), IPAddressValue.Parse(lower));
        Assert.True(IPAddressValue.Parse(higher) > IPAddressValue.Parse(lower));

        // Both start together, time out together and become master together (a partition healing, or a tie at start).
        high.Start(0);
        low.Start(0);
        long now = high.NextTimeout!.Value;
        Assert.Equal(now, low.NextTimeout);
        high.HandleTimeout(now);
        low.HandleTimeout(now);
        Assert.Equal((VrrpState.Master, VrrpState.Master), (high.State, low.State));
        Drain(high);
        Drain(low);

        // The lower one hears the higher one's advert: it steps down and gives up its addresses.
        now += Millisecond;
        Assert.Equal(DropReason.None, Deliver(from: high, to: low, now));
        Assert.Equal(VrrpState.Backup, low.State);
        Assert.Equal(["State:Backup", "Remove"], Drain(low));
        Assert.Equal(IPAddressValue.Parse(higher), low.MasterAddress);
        Assert.Equal(now + low.MasterDownInterval, low.NextTimeout);

        // The higher one hears the lower one's (last) advert: it discards it, stays master and answers at once.
        Assert.Equal(DropReason.None, Deliver(from: low, to: high, now));
        Assert.Equal(VrrpState.Master, high.State);
        Assert.Equal(["LowerDiscarded", "Send:100", "Announce"], Drain(high));
        Assert.Equal(now + Second, high.AdvertisementDeadline);
    }

    [Trait("Rfc", "9568-6.4.2-j")]
    [Theory]
    [MemberData(nameof(HigherThenLower))]
    public void A_backup_follows_an_equal_priority_master_whatever_its_address(string higher, string lower)
    {
        // The tie-break is for masters only (section 6.4.2): a backup accepts priority >= its own from any address.
        foreach (var (local, master) in new[] { (higher, lower), (lower, higher) })
        {
            var backup = new VirtualRouter(V6Config(), IPAddressValue.Parse(local));
            var other = new VirtualRouter(V6Config(), IPAddressValue.Parse(master));
            backup.Start(0);
            other.Start(0);
            other.HandleTimeout(other.NextTimeout!.Value);
            long now = Second;
            Assert.Equal(DropReason.None, Deliver(from: other, to: backup, now));
            Assert.Equal(VrrpState.Backup, backup.State);
            Assert.Equal(IPAddressValue.Parse(master), backup.MasterAddress);
            Assert.Equal(now + backup.MasterDownInterval, backup.NextTimeout);
        }
    }

    private static VirtualRouterConfiguration V6Config() => new()
    {
        Name = "VI_6",
        InterfaceName = "eth0",
        VirtualRouterId = 1,
        Priority = 100,
        Version = VrrpVersion.V3,
        VirtualAddresses = [VirtualAddress.Parse("fe80::100/64"), VirtualAddress.Parse("2001:db8::100/64")],
        RequireLinkLocalFirstAddress = true,
    };

    /// <summary>Writes <paramref name="from"/>'s advert, parses it as received from its link-local address with hop limit 255, hands it to <paramref name="to"/>.</summary>
    private static DropReason Deliver(VirtualRouter from, VirtualRouter to, long now)
    {
        byte[] buffer = new byte[from.AdvertisementLength];
        int length = from.WriteAdvertisement(buffer, from.EffectivePriority, Ff02_12);
        Assert.True(VrrpPacket.TryParseMessage(buffer.AsSpan(0, length), VrrpAddressFamily.IPv6, from.LocalAddress, Ff02_12, 255, VrrpVersion.V3, out var advertisement, out var reason), reason.ToString());
        return to.HandleAdvertisement(in advertisement, now);
    }
}
