// docs/getting-started.md and docs/testing.md: reacting to transitions in-process with an IVrrpStateHandler
// (compiled; the testing example runs it on the in-memory LAN).
#region handler
using Microsoft.Extensions.Logging;
using Vrrp;
using Vrrp.Hosting;

/// <summary>Your cloud's API: moves an elastic (floating) address to this machine.</summary>
public interface IElasticAddressClient
{
    Task AssignToThisMachineAsync(string address, CancellationToken cancellationToken);
}

/// <summary>When this node becomes master, moves the elastic address here.</summary>
public sealed class ElasticAddressHandler(IElasticAddressClient cloud, ILogger<ElasticAddressHandler> logger) : IVrrpStateHandler
{
    public async ValueTask OnStateChangedAsync(VrrpStateChange change, CancellationToken cancellationToken)
    {
        if (change.State == VrrpState.Master)
        {
            logger.LogInformation("{Instance} is master: moving 198.51.100.7 here", change.InstanceName);
            await cloud.AssignToThisMachineAsync("198.51.100.7", cancellationToken);
        }
    }
}
#endregion
