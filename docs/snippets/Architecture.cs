// docs/architecture.md: a platform of your own from parts: the Linux data plane with an address manager that also
// updates a cloud route table (compiled; SnippetTests runs the address manager on the in-memory LAN's platform).
#region decorator
using Vrrp;

/// <summary>Your cloud's API: routes an address to this machine.</summary>
public interface IRouteTableClient
{
    ValueTask RouteToThisMachineAsync(IPAddressValue address, CancellationToken cancellationToken);
}

/// <summary>Adds and removes virtual addresses with another manager, and points the cloud's route at this machine.</summary>
public sealed class RouteTableAddressManager(IVirtualAddressManager inner, IRouteTableClient cloud) : IVirtualAddressManager
{
    public async ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
    {
        await inner.AddAsync(interfaceName, address, cancellationToken);
        await cloud.RouteToThisMachineAsync(address.Address, cancellationToken);
    }

    public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken) =>
        inner.RemoveAsync(interfaceName, address, cancellationToken);

    public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken) =>
        inner.ContainsAsync(interfaceName, address, cancellationToken);
}
#endregion
