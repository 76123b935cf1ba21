using Vrrp.Hosting;

namespace Vrrp.Keepalived;

// global_defs' keywords about the kernel (the firewall table, socket buffers), read as keepalived 2.2.7 (global_parser.c,
// built with nftables and without iptables) reads them.
internal sealed partial class KeepalivedConfigBinder
{
    /// <summary>
    /// <c>nftables [TABLE]</c>: the table's name (keepalived's default <c>keepalived</c>), and the chain priority back to
    /// -1 (keepalived resets it here, so a <c>nftables_priority</c> before it is lost). A second one is ignored with a
    /// warning, as keepalived ignores it.
    /// </summary>
    internal void ReadNftables(ConfigStatement s, VrrpFirewallOptions firewall)
    {
        if (firewall.TableName is not null)
        {
            Warning(s, "nftables already specified - ignoring (as keepalived)");
            return;
        }

        string name = VrrpFirewallOptions.KeepalivedTableName;
        if (s.Arguments.Count > 0)
        {
            name = s.Arguments[0].Text;
            if (System.Text.Encoding.UTF8.GetByteCount(name) > 255)
            {
                Error(s, "nftables table name too long (at most 255 bytes)");
                return;
            }

            WarnExtra(s, 1);
        }

        firewall.TableName = name;
        firewall.ChainPriority = VrrpFirewallOptions.DefaultChainPriority;
    }

    /// <summary>
    /// <c>vrrp_iptables [IN_CHAIN [OUT_CHAIN]]</c>: keepalived 2.2.7 built without iptables (Debian's) says so and uses
    /// its nftables table <c>keepalived</c> at priority -1 instead, whatever the chains named.
    /// </summary>
    internal void ReadIptables(ConfigStatement s, VrrpFirewallOptions firewall)
    {
        Warning(s, "iptables is not supported; using nftables instead (table 'keepalived', as keepalived 2.2.7 without iptables does): replace vrrp_iptables with nftables");
        firewall.TableName = VrrpFirewallOptions.KeepalivedTableName;
        firewall.ChainPriority = VrrpFirewallOptions.DefaultChainPriority;
    }

    /// <summary>
    /// <c>vrrp_netlink_cmd_rcv_bufs N</c> and its kin: a size in bytes (keepalived reads 0 to UINT_MAX and keeps its
    /// default for 0; a socket takes at most INT_MAX).
    /// </summary>
    internal void ReadReceiveBuffer(ConfigStatement s, Action<int> set)
    {
        if (TryParseInt(s, 0, 0, int.MaxValue, "a size in bytes, 0 to 2147483647", out int size) && size > 0)
        {
            set(size);
        }
    }

    /// <summary><c>vrrp_netlink_cmd_rcv_bufs_force [BOOL]</c> and its kin: alone it is on.</summary>
    internal void ReadForce(ConfigStatement s, Action<bool> set)
    {
        if (TryParseBool(s, out bool value))
        {
            set(value);
        }
    }

    /// <summary>
    /// <c>vrrp_rx_bufs_policy MTU|ADVERT|SIZE...</c>, as keepalived 2.2.7 reads it: the words add to what earlier ones
    /// set (MTU and ADVERT case-insensitively, anything else the size); a size with a policy keeps the size and a warning,
    /// MTU with ADVERT keeps MTU and a warning, as keepalived reports them.
    /// </summary>
    internal void ReadReceiveBufferPolicy(ConfigStatement s, Hosting.VrrpReceiveBufferOptions buffers)
    {
        if (s.Arguments.Count == 0)
        {
            Error(s, "vrrp_rx_bufs_policy missing");
            return;
        }

        bool mtu = buffers.VrrpSocketPolicy == Hosting.VrrpReceiveBufferPolicy.Mtu;
        bool advert = buffers.VrrpSocketPolicy == Hosting.VrrpReceiveBufferPolicy.Advert;
        bool size = buffers.VrrpSocketPolicy == Hosting.VrrpReceiveBufferPolicy.Size;
        foreach (var argument in s.Arguments)
        {
            if (string.Equals(argument.Text, "MTU", StringComparison.OrdinalIgnoreCase))
            {
                mtu = true;
            }
            else if (string.Equals(argument.Text, "ADVERT", StringComparison.OrdinalIgnoreCase))
            {
                advert = true;
            }
            else if (uint.TryParse(argument.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint bytes) && bytes <= int.MaxValue)
            {
                buffers.VrrpSocketSize = (int)bytes;
                size = true;
            }
            else
            {
                Error(s, $"Invalid vrrp_rx_bufs_policy {argument.Text} (MTU, ADVERT or a size in bytes)");
            }
        }

        if (size && (mtu || advert))
        {
            Warning(s, "Cannot set vrrp_rx_bufs_policy size and policy, ignoring policy (as keepalived)");
        }
        else if (mtu && advert)
        {
            Warning(s, "Cannot set both vrrp_rx_bufs_policy MTU and ADVERT, ignoring ADVERT (as keepalived)");
        }

        buffers.VrrpSocketPolicy = size ? Hosting.VrrpReceiveBufferPolicy.Size
            : mtu ? Hosting.VrrpReceiveBufferPolicy.Mtu
            : advert ? Hosting.VrrpReceiveBufferPolicy.Advert
            : buffers.VrrpSocketPolicy;
    }
}
