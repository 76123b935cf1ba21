using Vrrp;
using Vrrp.Hosting;
using Vrrp.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the host's virtual routers on the in-memory LAN of Vrrp.Simulation: for tests and demos, no privileges needed.</summary>
public static class VrrpInMemoryLanExtensions
{
    /// <summary>
    /// Uses a new node of <paramref name="lan"/> as the platform: the host's instances send and receive adverts on the
    /// simulated segment, and their virtual addresses go into the node's address table. Give each host its own node.
    /// The node's interface is <see cref="SimulatedNode.InterfaceName"/> (<c>eth0</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="lan">The LAN (use the host's <see cref="TimeProvider"/> for it).</param>
    /// <param name="nodeName">The node's name in the LAN's event log, or null for <c>nodeN</c>.</param>
    /// <param name="address">The node's IPv4 address, or null for 192.0.2.N.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder UseInMemoryLan(this IVrrpBuilder builder, VirtualLan lan, string? nodeName = null, IPAddressValue? address = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(lan);
        var node = lan.AddNode(nodeName, address);
        return builder.UseInMemoryLan(node);
    }

    /// <summary>Uses an existing node of an in-memory LAN as the platform (the node must not also run its own routers).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="node">The node.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IVrrpBuilder UseInMemoryLan(this IVrrpBuilder builder, SimulatedNode node)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(node);
        return builder.UsePlatform(_ => node.CreatePlatform());
    }
}
