// docs/getting-started.md: the status as JSON, and runtime control (compiled).
#region status
using System.Text.Json;
using Vrrp;
using Vrrp.Hosting;

public static class StatusEndpoint
{
    /// <summary>Every instance's status as JSON: states, priorities, master, VIPs and whether this node holds them, last transition.</summary>
    public static string Json(IVrrpMonitor monitor) => JsonSerializer.Serialize(monitor.Instances, VrrpJson.InstanceStatusList);
}
#endregion

#region control
public sealed class Maintenance(IVrrpController control)
{
    /// <summary>Before patching this node: hand mastership over and keep it away until done.</summary>
    public string Begin() => control.Drain("VI_1", actor: "maintenance job").Message;

    /// <summary>Done: take part in elections again (with preemption, a higher priority takes mastership back).</summary>
    public string End() => control.Resume("VI_1", actor: "maintenance job").Message;

    /// <summary>Make this node the preferred master until told otherwise, or go back to the configured priority.</summary>
    public void Prefer(bool preferred)
    {
        if (preferred)
        {
            control.SetPriority("VI_1", 250);
        }
        else
        {
            control.ResetPriority("VI_1");
        }
    }
}
#endregion
