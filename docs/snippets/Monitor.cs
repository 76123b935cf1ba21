// docs/getting-started.md and docs/operations.md: watching states from anywhere in the application (compiled).
#region monitor
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;

public sealed class RoleReporter(IVrrpMonitor monitor, ILogger<RoleReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var status in monitor.Instances)
        {
            logger.LogInformation("{Instance} on {Interface}: {State}, priority {Priority} (configured {Configured})",
                status.Name, status.Interface, status.State, status.EffectivePriority, status.ConfiguredPriority);
        }

        await foreach (var change in monitor.WatchAsync(stoppingToken))
        {
            logger.LogInformation("{Change} because {Reason}; master is {Master}", change, change.Reason, change.MasterAddress);
        }
    }
}
#endregion
