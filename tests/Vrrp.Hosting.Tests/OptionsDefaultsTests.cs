using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

public class OptionsDefaultsTests
{
    [Fact]
    public void Instance_defaults_match_keepalived_where_it_has_one()
    {
        var o = new VrrpInstanceOptions();
        Assert.Equal(100, o.Priority);
        Assert.Equal(TimeSpan.FromSeconds(1), o.AdvertisementInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), o.GarpMasterDelay);
        Assert.Equal(5, o.GarpMasterRepeat);
    }
}
