using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vrrp.Hosting;

namespace Vrrp.Hosting;

/// <summary>
/// Reports each instance's state for <c>/healthz</c>: Healthy while every instance is Master or Backup (both are
/// working states of a redundant pair); Degraded when an instance hears a peer of the other VRRP version on its VRID
/// (they ignore each other and may both be master) or, as master, another master that does not step down (split
/// brain); Unhealthy when one is in Fault, or not running (Initialize,
/// Stopped).
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

        var degraded = new List<string>();
        foreach (var instance in instances)
        {
            if (instance.VersionMismatch is { } mismatch)
            {
                degraded.Add($"{instance.Name} hears {mismatch.Peer} speaking VRRPv{(int)mismatch.PeerVersion} on VRID {instance.VirtualRouterId}, this instance speaks VRRPv{(int)mismatch.Version}: both may be master");
            }

            if (instance.SplitBrain is { } split)
            {
                degraded.Add($"{instance.Name} is master and hears {split.Peer} acting as master too on VRID {instance.VirtualRouterId} (priority {split.PeerPriority}, ours {split.Priority}, {split.Adverts} adverts since {split.Since:u}): split brain");
            }
        }

        string summary = string.Join(", ", instances.Select(i => $"{i.Name} {i.State.ToString().ToUpperInvariant()}"));
        var result = unhealthy.Count > 0
            ? new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, string.Join("; ", unhealthy.Concat(degraded)), data: data)
            : degraded.Count > 0
                ? HealthCheckResult.Degraded(string.Join("; ", degraded), data: data)
                : HealthCheckResult.Healthy(instances.Count == 0 ? "no VRRP instances configured" : summary, data);
        return Task.FromResult(result);
    }
}
