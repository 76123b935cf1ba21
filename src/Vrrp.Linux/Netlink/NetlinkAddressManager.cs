using Vrrp.Linux.Interop;

namespace Vrrp.Linux.Netlink;

/// <summary>
/// Virtual addresses through rtnetlink: acknowledged RTM_NEWADDR / RTM_DELADDR, RTM_GETADDR dumps. Every call is
/// asynchronous socket I/O on the platform's netlink socket: the caller's thread never waits for the kernel, a call
/// honours its cancellation token (a request cancelled after it was sent may still take effect in the kernel; its late
/// answer is skipped), and a kernel that does not answer within 5 s fails the call with EAGAIN.
/// </summary>
internal sealed class NetlinkAddressManager : IVirtualAddressManager
{
    private readonly RouteNetlink _netlink;

    internal NetlinkAddressManager(RouteNetlink netlink) => _netlink = netlink;

    public async ValueTask AddAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        var link = await _netlink.GetLinkAsync(address.Device ?? interfaceName, cancellationToken).ConfigureAwait(false);
        await _netlink.AddAddressAsync(link, address, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string interfaceName, VirtualAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        cancellationToken.ThrowIfCancellationRequested();
        LinkInfo link;
        try
        {
            link = await _netlink.GetLinkAsync(address.Device ?? interfaceName, cancellationToken).ConfigureAwait(false);
        }
        catch (NetlinkException ex) when (ex.Errno == Libc.ENODEV)
        {
            return; // the interface is gone, and its addresses with it
        }

        await _netlink.DeleteAddressAsync(link, address, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ContainsAsync(string interfaceName, IPAddressValue address, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var link = await _netlink.GetLinkAsync(interfaceName, cancellationToken).ConfigureAwait(false);
        foreach (var a in await _netlink.GetAddressesAsync(link, address.Family, cancellationToken).ConfigureAwait(false))
        {
            if (a.Address == address)
            {
                return true;
            }
        }

        return false;
    }

    internal IReadOnlyList<InterfaceAddress> List(string interfaceName, VrrpAddressFamily? family)
    {
        var link = _netlink.GetLink(interfaceName);
        return _netlink.GetAddresses(link, family);
    }
}
