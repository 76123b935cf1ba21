// docs/getting-started.md: registering the handler (compiled).
#region usings
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
#endregion

namespace Vrrp.Docs.Snippets;

public static class StateHandlerRegistration
{
    public static void Configure(HostApplicationBuilder builder, IElasticAddressClient cloudClient)
    {
        #region registration
        builder.Services.AddSingleton(cloudClient);
        builder.Services.AddVrrp(builder.Configuration.GetSection("Vrrp"))
            .AddStateHandler<ElasticAddressHandler>()
            .UseLinux();
        #endregion
    }
}
