using Vrrp.Election;
using Vrrp.Packets;
using static Vrrp.Tests.Election.RouterTestKit;

namespace Vrrp.Tests.Election;

/// <summary>
/// The address-list check of the receive path. RFC 3768 section 7.1 (VRRPv2) makes the check optional, asks for a log
/// line when it fails, and then requires a non-owner's advert to be dropped while an owner's (priority 255) is still
/// processed. RFC 9568 section 7.1 (VRRPv3) keeps the optional check and the log line and drops nothing.
/// The core checks every advert (<see cref="VirtualRouterConfiguration.CheckAddressList"/>, default on), reports a
/// mismatch once per run of mismatching adverts, and never drops: the keepalived 2.3.3+ behaviour the project chose,
/// a deliberate deviation from the v2 drop (no option restores it today). These tests pin that behaviour for v2, and
/// the owner case where the RFC and the core agree.
/// </summary>
[Trait("Rfc", "9568-7.1-m")]
public class AddressListRuleTests
{
    private static readonly IPAddressValue Vip2 = IPAddressValue.Parse("192.0.2.101");

    [Trait("Rfc", "3768-7.1-c")]
    [Fact]
    public void V2_a_non_owner_advert_with_another_address_list_is_reported_and_still_followed()
    {
        var router = InState(VrrpState.Backup, out long now, V2Config());
        Assert.Equal(DropReason.None, router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 200]), now));
        Assert.Equal(["AddressListMismatch"], Drain(router));
        Assert.Equal(HigherPeer, router.MasterAddress);                  // RFC 3768 would have dropped it
        Assert.Equal(now + router.MasterDownInterval, router.NextTimeout);
        Assert.Equal(0, router.Counters.TotalDrops);
    }

    [Trait("Rfc", "3768-7.1-c")]
    [Fact]
    public void V2_an_owner_advert_with_another_address_list_is_reported_and_processed()
    {
        // RFC 3768 7.1: from the owner (priority 255) processing continues. A master of priority 100 steps down.
        var master = InState(VrrpState.Master, out long now, V2Config());
        Assert.Equal(DropReason.None, master.HandleAdvertisement(V2Advert(255, [192, 0, 2, 200]), now));
        Assert.Equal(["AddressListMismatch", "State:Backup", "Remove"], Drain(master));
        Assert.Equal(HigherPeer, master.MasterAddress);
        Assert.Equal(255, master.MasterPriority);
    }

    [Trait("Rfc", "3768-7.1-c")]
    [Fact]
    public void V2_a_count_mismatch_is_a_mismatch_even_when_our_addresses_are_all_there()
    {
        var router = InState(VrrpState.Backup, out long now, V2Config());
        router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 100, 192, 0, 2, 200]), now);
        Assert.Equal(["AddressListMismatch"], Drain(router));
    }

    [Fact]
    public void V2_the_same_addresses_in_another_order_match()
    {
        var config = V2Config() with { VirtualAddresses = [new VirtualAddress(Vip), new VirtualAddress(Vip2)] };
        var router = InState(VrrpState.Backup, out long now, config);
        router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 101, 192, 0, 2, 100]), now);
        Assert.Empty(Drain(router));
    }

    [Fact]
    public void V2_a_mismatch_is_reported_once_per_run_and_again_after_a_matching_advert()
    {
        var router = InState(VrrpState.Backup, out long now, V2Config());
        router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 200]), now);
        router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 200]), now + Second);
        Assert.Single(Drain(router));
        router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 100]), now + (2 * Second));
        Assert.Empty(Drain(router));
        router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 200]), now + (3 * Second));
        Assert.Equal(["AddressListMismatch"], Drain(router));
    }

    [Fact]
    public void With_the_check_off_nothing_is_reported()
    {
        var router = InState(VrrpState.Backup, out long now, V2Config() with { CheckAddressList = false });
        router.HandleAdvertisement(V2Advert(200, [192, 0, 2, 200]), now);
        Assert.Empty(Drain(router));
        Assert.Equal(HigherPeer, router.MasterAddress);
    }

    private static VirtualRouterConfiguration V2Config() => Config(100, VrrpVersion.V2) with { Trackers = [] };

    private static Advertisement V2Advert(byte priority, byte[] addresses) =>
        new(
            VrrpVersion.V2,
            VrrpAddressFamily.IPv4,
            1,
            priority,
            (byte)(addresses.Length / 4),
            AuthenticationType.None,
            1,
            0,
            ChecksumForm.V2Message,
            addresses,
            new byte[8],
            HigherPeer,
            Group,
            255);
}
