using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>Virtual addresses through rtnetlink: acknowledged RTM_NEWADDR / RTM_DELADDR, RTM_GETADDR dumps.</summary>
internal sealed class NetlinkAddressManager : IVirtualAddressManager
{
    private readonly RouteNetlink _netlink;

    internal NetlinkAddressManager(RouteNetlink netlink) => _netlink = netlink;

    public ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        var link = _netlink.GetLink(address.Device ?? interfaceName);
        _netlink.AddAddress(link, address);
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        LinkInfo link;
        try
        {
            link = _netlink.GetLink(address.Device ?? interfaceName);
        }
        catch (NetlinkException ex) when (ex.Errno == Libc.ENODEV)
        {
            return ValueTask.CompletedTask; // the interface is gone, and its addresses with it
        }

        _netlink.DeleteAddress(link, address);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var link = _netlink.GetLink(interfaceName);
        foreach (var a in _netlink.GetAddresses(link, address.Family))
        {
            if (a.Address == address)
            {
                return ValueTask.FromResult(true);
            }
        }

        return ValueTask.FromResult(false);
    }

    internal IReadOnlyList<InterfaceAddress> List(string interfaceName, VrrpAddressFamily? family)
    {
        var link = _netlink.GetLink(interfaceName);
        return _netlink.GetAddresses(link, family);
    }
}
