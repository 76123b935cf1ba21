using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vrrp.Hosting;

namespace Vrrp.Hosting;

/// <summary>
/// Reports each instance's state for <c>/healthz</c>: Healthy while every instance is Master or Backup (both are
/// working states of a redundant pair); Unhealthy when one is in Fault, or not running (Initialize, Stopped).
/// The data holds <c>INSTANCE</c> = <c>STATE priority P</c> for each.
/// </summary>
internal sealed class VrrpHealthCheck(IVrrpMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var instances = monitor.Instances;
        var data = new Dictionary<string, object>(instances.Count, StringComparer.Ordinal);
        var unhealthy = new List<string>();
        foreach (var instance in instances)
        {
            data[instance.Name] = $"{instance.State.ToString().ToUpperInvariant()} priority {instance.EffectivePriority}";
            if (instance.State is not (VrrpState.Master or VrrpState.Backup))
            {
                unhealthy.Add(instance.Faults.Count > 0
                    ? $"{instance.Name} is {instance.State} ({string.Join(", ", instance.Faults)})"
                    : $"{instance.Name} is {instance.State}");
            }
        }

        string summary = string.Join(", ", instances.Select(i => $"{i.Name} {i.State.ToString().ToUpperInvariant()}"));
        var result = unhealthy.Count == 0
            ? HealthCheckResult.Healthy(instances.Count == 0 ? "no VRRP instances configured" : summary, data)
            : new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, string.Join("; ", unhealthy), data: data);
        return Task.FromResult(result);
    }
}
