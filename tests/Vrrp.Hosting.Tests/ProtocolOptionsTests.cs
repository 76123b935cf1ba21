using Microsoft.Extensions.Configuration;
using Vrrp.Election;

namespace Vrrp.Hosting.Tests;

/// <summary>
/// The keepalived protocol options of issue 12 reach the protocol core: lower_prio_no_advert, down_timer_adverts
/// (both forced by strict mode, as keepalived 2.2.7's vrrp_complete_instance does) and mcast_dst_ip (over the global
/// vrrp_mcast_group4/6).
/// </summary>
public class ProtocolOptionsTests
{
    private static VrrpInstanceOptions Instance(string address = "192.0.2.10/24") => new()
    {
        Name = "VI_1",
        Interface = "eth0",
        VirtualRouterId = 51,
        VirtualAddresses = [address],
    };

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, true)]
    public void LowerPriorityNoAdvert_or_strict_mode_turns_the_answer_off(bool noAdvert, bool strict, bool expected)
    {
        var instance = Instance();
        (instance.LowerPriorityNoAdvert, instance.StrictMode) = (noAdvert, strict);
        Assert.Equal(expected, DriverConfiguration.Create(new VrrpOptions(), instance).LowerPriorityNoAdvertisement);
    }

    [Theory]
    [InlineData(3, false, 3)]
    [InlineData(1, false, 1)]
    [InlineData(100, false, 100)]
    [InlineData(7, true, 3)]
    public void DownTimerAdverts_reaches_the_core_except_in_strict_mode(int adverts, bool strict, int expected)
    {
        var instance = Instance();
        (instance.DownTimerAdverts, instance.StrictMode) = (adverts, strict);
        var config = DriverConfiguration.Create(new VrrpOptions(), instance);
        Assert.Equal(expected, config.DownTimerAdvertisements);
        config.Validate();
        Assert.Equal(ProtocolTimers.MasterDownInterval(VrrpVersion.V3, 100, ProtocolTimers.NanosecondsPerSecond, expected), new VirtualRouter(config, IPAddressValue.Parse("192.0.2.1")).MasterDownInterval);
    }

    [Theory]
    [InlineData("192.0.2.10/24", null, null, null, null)]
    [InlineData("192.0.2.10/24", "224.0.0.19", null, null, "224.0.0.19")]
    [InlineData("192.0.2.10/24", null, "224.0.0.20", null, "224.0.0.20")]
    [InlineData("192.0.2.10/24", "224.0.0.19", "224.0.0.20", null, "224.0.0.19")]
    [InlineData("192.0.2.10/24", "224.0.0.18", "224.0.0.20", null, null)]        // the RFC's group is the default (null)
    [InlineData("2001:db8::10/64", "ff02::13", null, "ff02::14", "ff02::13")]
    [InlineData("2001:db8::10/64", null, "224.0.0.20", "ff02::14", "ff02::14")]
    public void The_instance_group_wins_over_the_global_one(string address, string? instanceGroup, string? group4, string? group6, string? expected)
    {
        var instance = Instance(address);
        instance.MulticastGroup = instanceGroup;
        var config = DriverConfiguration.Create(new VrrpOptions { MulticastGroup4 = group4, MulticastGroup6 = group6 }, instance);
        Assert.Equal(expected is null ? null : IPAddressValue.Parse(expected), config.MulticastGroup);
    }

    [Fact]
    public void UnicastFaultNoPeer_TrackSourceAddress_and_unicast_ttl_0_reach_the_core()
    {
        var instance = Instance();
        (instance.UnicastFaultNoPeer, instance.TrackSourceAddress, instance.SourceAddress) = (true, true, "192.0.2.11");
        (instance.UnicastPeers, instance.UnicastTtl) = (["192.0.2.12"], 0);
        var config = DriverConfiguration.Create(new VrrpOptions(), instance);
        Assert.Equal((true, true, (byte)0), (config.FaultWithoutUnicastPeers, config.TrackSourceAddress, config.UnicastHopLimit));
        config.Validate();
        Assert.Equal((byte)255, DriverConfiguration.Create(new VrrpOptions(), Instance()).UnicastHopLimit);
    }

    [Theory]
    [InlineData(OldUnicastChecksum.Auto)]
    [InlineData(OldUnicastChecksum.Always)]
    [InlineData(OldUnicastChecksum.Never)]
    public void OldUnicastChecksum_reaches_the_core_with_the_global_group(OldUnicastChecksum mode)
    {
        var instance = Instance();
        instance.UnicastPeers = ["192.0.2.12"];
        instance.OldUnicastChecksum = mode;
        var config = DriverConfiguration.Create(new VrrpOptions { MulticastGroup4 = "224.0.0.20" }, instance);
        Assert.Equal(mode, config.OldUnicastChecksum);

        // The old form's pseudo-header names vrrp_mcast_group4 (keepalived's global group), also for a unicast instance.
        var router = new VirtualRouter(config, IPAddressValue.Parse("192.0.2.1"));
        Assert.Equal(mode == OldUnicastChecksum.Always, router.UsesOldUnicastChecksum);
        var buffer = new byte[router.AdvertisementLength];
        int length = router.WriteAdvertisement(buffer, 100, IPAddressValue.Parse("192.0.2.12"));
        var checksumDestination = IPAddressValue.Parse(mode == OldUnicastChecksum.Always ? "224.0.0.20" : "192.0.2.12");
        ulong sum = Vrrp.Packets.InternetChecksum.Add(buffer.AsSpan(0, length), Vrrp.Packets.InternetChecksum.IPv4PseudoHeader(IPAddressValue.Parse("192.0.2.1"), checksumDestination, 112, length));
        Assert.Equal(0xFFFF, Vrrp.Packets.InternetChecksum.Fold(sum));
    }

    [Theory]
    [InlineData("Always", OldUnicastChecksum.Always)]
    [InlineData("Never", OldUnicastChecksum.Never)]
    [InlineData("Auto", OldUnicastChecksum.Auto)]
    public void OldUnicastChecksum_binds_from_configuration_by_name(string value, OldUnicastChecksum expected)
    {
        var options = new VrrpOptions();
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Vrrp:Instances:VI_1:Interface"] = "eth0",
                ["Vrrp:Instances:VI_1:VirtualRouterId"] = "51",
                ["Vrrp:Instances:VI_1:OldUnicastChecksum"] = value,
            })
            .Build();
        var errors = VrrpConfigurationBinder.Bind(configuration.GetSection("Vrrp"), options);
        Assert.Empty(errors);
        Assert.Equal(expected, options.Instances.Single().OldUnicastChecksum);
    }
}
