using System.Buffers.Binary;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Routing;

namespace Vrrp.Linux.Netlink;

// Routes and policy rules (keepalived's virtual_routes and virtual_rules), and interface aliases.
internal sealed partial class RouteNetlink
{
    /// <summary>
    /// RTM_NEWROUTE (create, no replace: keepalived's "prepend") with protocol <see cref="VirtualRoute.Protocol"/>; a
    /// route already there (EEXIST) counts as success.
    /// </summary>
    /// <param name="route">The route.</param>
    /// <param name="deviceIndex">The index of <see cref="VirtualRoute.Device"/>, or 0 when it has none.</param>
    /// <returns>True when added, false when it was already there.</returns>
    /// <exception cref="NetlinkException">The kernel refused it (no route to the gateway, a missing table...).</exception>
    internal bool AddRoute(VirtualRoute route, int deviceIndex)
    {
        int[] hops = HopIndexes(route);
        int errno = _socket.Execute(
            Nl.RTM_NEWROUTE,
            Nl.NLM_F_CREATE,
            (ref NetlinkMessageWriter w) => WriteRoute(ref w, route, deviceIndex, delete: false, hops),
            $"add route {route}{Where}",
            null,
            Libc.EEXIST);
        return errno == 0;
    }

    /// <summary>
    /// RTM_DELROUTE of a route with our protocol (routes of the same destination that others installed are left alone);
    /// a route not there (ESRCH) counts as success.
    /// </summary>
    /// <returns>True when one was deleted.</returns>
    internal bool DeleteRoute(VirtualRoute route, int deviceIndex)
    {
        int[] hops = HopIndexes(route);
        int errno = _socket.Execute(
            Nl.RTM_DELROUTE,
            0,
            (ref NetlinkMessageWriter w) => WriteRoute(ref w, route, deviceIndex, delete: true, hops),
            $"delete route {route}{Where}",
            null,
            Libc.ESRCH,
            Libc.ENOENT);
        return errno == 0;
    }

    /// <summary>RTM_NEWRULE (create, exclusive) with protocol <see cref="VirtualRoute.Protocol"/>; a rule already there (EEXIST) counts as success.</summary>
    /// <returns>True when added, false when it was already there.</returns>
    internal bool AddRule(VirtualRule rule)
    {
        int errno = _socket.Execute(
            Nl.RTM_NEWRULE,
            Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,
            (ref NetlinkMessageWriter w) => WriteRule(ref w, rule),
            $"add rule {rule}{Where}",
            null,
            Libc.EEXIST);
        return errno == 0;
    }

    /// <summary>RTM_DELRULE of a rule with our protocol; a rule not there (ENOENT) counts as success.</summary>
    /// <returns>True when one was deleted.</returns>
    internal bool DeleteRule(VirtualRule rule)
    {
        int errno = _socket.Execute(
            Nl.RTM_DELRULE,
            0,
            (ref NetlinkMessageWriter w) => WriteRule(ref w, rule),
            $"delete rule {rule}{Where}",
            null,
            Libc.ENOENT,
            Libc.ESRCH);
        return errno == 0;
    }

    /// <summary>RTM_NEWLINK (change) setting an interface's alias (IFLA_IFALIAS, what <c>ip link show</c> prints as "alias").</summary>
    internal void SetAlias(LinkInfo link, string alias) =>
        _socket.Execute(
            Nl.RTM_NEWLINK,
            0,
            (ref NetlinkMessageWriter w) =>
            {
                w.WriteIfInfo(Nl.AF_UNSPEC, link.Index, 0, 0);
                w.AddString(Nl.IFLA_IFALIAS, alias);
            },
            $"set the alias of {link.Name}{Where}");

    /// <summary>
    /// The request of a route, as keepalived 2.2.7 builds it: rtmsg (family, destination and source lengths, tos, table
    /// when below 256, protocol, scope, type, onlink) then RTA_DST, RTA_SRC, RTA_GATEWAY, RTA_PREFSRC, RTA_OIF,
    /// RTA_PRIORITY, RTA_TABLE, RTA_FLOW (realms), RTA_EXPIRES, RTA_PREF (one byte), RTA_METRICS and RTA_MULTIPATH (an rtnexthop per hop: length, flags, weight less one, ifindex, then RTA_GATEWAY, RTA_FLOW and the hop's encapsulation); RTA_ENCAP and RTA_ENCAP_TYPE before RTA_OIF (nested RTAX_* values, RTAX_LOCK last). A deletion matches any scope.
    /// </summary>
    /// <param name="w">The message.</param>
    /// <param name="route">The route.</param>
    /// <param name="deviceIndex">The index of its device, or 0.</param>
    /// <param name="delete">For RTM_DELROUTE.</param>
    /// <param name="hopIndexes">The index of each next hop's device (0 for none), when the route has next hops.</param>
    internal static void WriteRoute(ref NetlinkMessageWriter w, VirtualRoute route, int deviceIndex, bool delete, int[]? hopIndexes = null)
    {
        byte family = route.Family == VrrpAddressFamily.IPv4 ? Nl.AF_INET : Nl.AF_INET6;
        byte scope = delete ? Nl.RT_SCOPE_NOWHERE : route.Scope ?? 0;
        w.WriteRtMsg(family, (byte)route.Destination.PrefixLength, (byte)(route.From?.PrefixLength ?? 0), route.TypeOfService, route.Table < 256 ? (byte)route.Table : (byte)0,
            route.RouteProtocol, scope, (byte)route.Type, route.OnLink ? Nl.RTNH_F_ONLINK : 0);
        Span<byte> bytes = stackalloc byte[16];
        if (route.Destination.PrefixLength > 0)
        {
            w.AddAttribute(Nl.RTA_DST, bytes[..route.Destination.Address.WriteTo(bytes)]);
        }

        if (route.From is { PrefixLength: > 0 } from)
        {
            w.AddAttribute(Nl.RTA_SRC, bytes[..from.Address.WriteTo(bytes)]);
        }

        if (route.Gateway is { } gateway)
        {
            w.AddAttribute(Nl.RTA_GATEWAY, bytes[..gateway.WriteTo(bytes)]);
        }

        if (route.PreferredSource is { } source)
        {
            w.AddAttribute(Nl.RTA_PREFSRC, bytes[..source.WriteTo(bytes)]);
        }

        if (route.Encap is { } encap)
        {
            WriteEncap(ref w, encap);
        }

        if (deviceIndex > 0)
        {
            w.AddUInt32(Nl.RTA_OIF, (uint)deviceIndex);
        }

        if (route.Metric is { } metric)
        {
            w.AddUInt32(Nl.RTA_PRIORITY, metric);
        }

        w.AddUInt32(Nl.RTA_TABLE, route.Table);
        if (route.Realms != 0)
        {
            w.AddUInt32(Nl.RTA_FLOW, route.Realms);
        }

        if (route.Expires is { } expires)
        {
            w.AddUInt32(Nl.RTA_EXPIRES, expires);
        }

        if (route.Preference is { } preference)
        {
            w.AddAttribute(Nl.RTA_PREF, [preference]);
        }

        if (!delete && route.Metrics is { } metrics)
        {
            int nested = w.BeginNested(Nl.RTA_METRICS);
            if (metrics.CongestionControl is { } algorithm)
            {
                w.AddAttribute(Nl.RTAX_CC_ALGO, System.Text.Encoding.ASCII.GetBytes(algorithm)); // no NUL, as iproute2 and keepalived
            }

            foreach (var (type, value) in metrics.Values())
            {
                w.AddUInt32(type, value);
            }

            if (metrics.Locked != VirtualRouteLocks.None)
            {
                w.AddUInt32(Nl.RTAX_LOCK, (uint)metrics.Locked);
            }

            w.EndNested(nested);
        }

        if (route.NextHops.Count > 0)
        {
            // rtnexthop: u16 length (with its attributes), u8 flags, u8 hops (weight - 1), s32 ifindex; then its attributes.
            int multipath = w.BeginNested(Nl.RTA_MULTIPATH);
            Span<byte> header = stackalloc byte[8];
            for (int i = 0; i < route.NextHops.Count; i++)
            {
                var hop = route.NextHops[i];
                int start = w.Length; // rtnh_len is patched at the end, as a nested attribute's length
                header[2] = hop.OnLink ? (byte)Nl.RTNH_F_ONLINK : (byte)0;
                header[3] = hop.Weight is int weight ? (byte)(weight - 1) : (byte)0;
                BinaryPrimitives.WriteInt32LittleEndian(header[4..], hopIndexes is { } indexes && i < indexes.Length ? indexes[i] : 0);
                w.AddRaw(header);
                if (hop.Gateway is { } hopGateway)
                {
                    w.AddAttribute(Nl.RTA_GATEWAY, bytes[..hopGateway.WriteTo(bytes)]);
                }

                if (hop.Realms != 0)
                {
                    w.AddUInt32(Nl.RTA_FLOW, hop.Realms);
                }

                if (hop.Encap is { } hopEncap)
                {
                    WriteEncap(ref w, hopEncap);
                }

                w.EndNested(start);
            }

            w.EndNested(multipath);
        }
    }

    /// <summary>RTA_ENCAP (LWTUNNEL_IP(6)_ID big-endian, DST, SRC, TOS/TC, TTL/HOPLIMIT, FLAGS, as keepalived sends them) then RTA_ENCAP_TYPE.</summary>
    private static void WriteEncap(ref NetlinkMessageWriter w, VirtualRouteEncap encap)
    {
        Span<byte> bytes = stackalloc byte[16];
        int nested = w.BeginNested(Nl.RTA_ENCAP);
        if (encap.Id is { } id)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
            w.AddAttribute(Nl.LWTUNNEL_IP_ID, bytes[..8]);
        }

        if (encap.Destination is { } dst)
        {
            w.AddAttribute(Nl.LWTUNNEL_IP_DST, bytes[..dst.WriteTo(bytes)]);
        }

        if (encap.Source is { } src)
        {
            w.AddAttribute(Nl.LWTUNNEL_IP_SRC, bytes[..src.WriteTo(bytes)]);
        }

        if (encap.Tos is { } tos)
        {
            w.AddAttribute(Nl.LWTUNNEL_IP_TOS, [tos]);
        }

        if (encap.Ttl is { } ttl)
        {
            w.AddAttribute(Nl.LWTUNNEL_IP_TTL, [ttl]);
        }

        if (encap.Flags is { } flags)
        {
            w.AddUInt16(Nl.LWTUNNEL_IP_FLAGS, flags);
        }

        w.EndNested(nested);
        w.AddUInt16(Nl.RTA_ENCAP_TYPE, encap.IPv6 ? Nl.LWTUNNEL_ENCAP_IP6 : Nl.LWTUNNEL_ENCAP_IP);
    }

    private int[] HopIndexes(VirtualRoute route) => [.. route.NextHops.Select(h => DeviceIndex(h.Device))];

    /// <summary>
    /// The request of a rule, as keepalived 2.2.7 builds it: fib_rule_hdr (family, prefix lengths, tos, table when below
    /// 256, action, invert) then FRA_SRC, FRA_DST, FRA_IIFNAME, FRA_OIFNAME, FRA_FWMARK, FRA_FWMASK, FRA_PRIORITY,
    /// FRA_TABLE, FRA_SUPPRESS_PREFIXLEN, FRA_UID_RANGE, FRA_PROTOCOL, FRA_IP_PROTO, FRA_SPORT_RANGE, FRA_DPORT_RANGE and
    /// FRA_GOTO (each when set; the ranges are native-endian start and end).
    /// </summary>
    internal static void WriteRule(ref NetlinkMessageWriter w, VirtualRule rule)
    {
        byte family = rule.Family == VrrpAddressFamily.IPv4 ? Nl.AF_INET : Nl.AF_INET6;
        byte table = rule.Action == VirtualRuleAction.Table && !rule.L3MasterDevice && rule.Table < 256 ? (byte)rule.Table : (byte)0;

        // fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action; flags.
        w.WriteRtMsg(family, (byte)(rule.To?.PrefixLength ?? 0), (byte)(rule.From?.PrefixLength ?? 0), rule.TypeOfService, table, 0, 0, (byte)rule.Action, rule.Invert ? Nl.FIB_RULE_INVERT : 0);
        Span<byte> bytes = stackalloc byte[16];
        if (rule.From is { } from)
        {
            w.AddAttribute(Nl.FRA_SRC, bytes[..from.Address.WriteTo(bytes)]);
        }

        if (rule.To is { } to)
        {
            w.AddAttribute(Nl.FRA_DST, bytes[..to.Address.WriteTo(bytes)]);
        }

        if (rule.InputInterface is { } iif)
        {
            w.AddString(Nl.FRA_IIFNAME, iif);
        }

        if (rule.OutputInterface is { } oif)
        {
            w.AddString(Nl.FRA_OIFNAME, oif);
        }

        if (rule.FirewallMark is { } mark)
        {
            w.AddUInt32(Nl.FRA_FWMARK, mark);
            if (rule.FirewallMask is { } mask)
            {
                w.AddUInt32(Nl.FRA_FWMASK, mask);
            }
        }

        if (rule.Priority is { } priority)
        {
            w.AddUInt32(Nl.FRA_PRIORITY, priority);
        }

        if (rule.Action == VirtualRuleAction.Table && !rule.L3MasterDevice)
        {
            w.AddUInt32(Nl.FRA_TABLE, rule.Table);
        }

        if (rule.L3MasterDevice)
        {
            w.AddAttribute(Nl.FRA_L3MDEV, [1]);
        }

        if (rule.SuppressPrefixLength is { } suppress)
        {
            w.AddUInt32(Nl.FRA_SUPPRESS_PREFIXLEN, (uint)suppress);
        }

        if (rule.UidRange is { } uids)
        {
            Span<byte> range = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(range, uids.Start);
            BinaryPrimitives.WriteUInt32LittleEndian(range[4..], uids.End);
            w.AddAttribute(Nl.FRA_UID_RANGE, range);
        }

        if (rule.RuleProtocol is { } protocol)
        {
            w.AddAttribute(Nl.FRA_PROTOCOL, [protocol]);
        }

        if (rule.IPProtocol is { } ipProtocol)
        {
            w.AddAttribute(Nl.FRA_IP_PROTO, [ipProtocol]);
        }

        WritePorts(ref w, Nl.FRA_SPORT_RANGE, rule.SourcePorts);
        WritePorts(ref w, Nl.FRA_DPORT_RANGE, rule.DestinationPorts);
        if (rule.Action == VirtualRuleAction.Goto && rule.GotoTarget is { } target)
        {
            w.AddUInt32(Nl.FRA_GOTO, target);
        }
    }

    private static void WritePorts(ref NetlinkMessageWriter w, ushort type, (ushort Start, ushort End)? ports)
    {
        if (ports is { } p)
        {
            Span<byte> range = stackalloc byte[4];
            BinaryPrimitives.WriteUInt16LittleEndian(range, p.Start);
            BinaryPrimitives.WriteUInt16LittleEndian(range[2..], p.End);
            w.AddAttribute(type, range);
        }
    }

    /// <summary>Reads IFLA_IFALIAS from an RTM_NEWLINK payload, or null.</summary>
    internal static string? ReadAlias(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Nl.IfInfoLength)
        {
            return null;
        }

        var attributes = new NetlinkAttributeReader(payload[Nl.IfInfoLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            if (type == Nl.IFLA_IFALIAS)
            {
                return NetlinkAttributeReader.ReadString(value);
            }
        }

        return null;
    }

    /// <summary>RTM_GETLINK dump of every interface with its alias (for adopting what a crashed run left).</summary>
    internal List<(LinkInfo Link, string? Alias)> GetLinksWithAliases()
    {
        var links = new List<(LinkInfo, string?)>();
        _socket.Dump(
            Nl.RTM_GETLINK,
            (ref NetlinkMessageWriter w) => w.WriteIfInfo(Nl.AF_UNSPEC, 0, 0, 0),
            "list interfaces" + Where,
            (in NetlinkMessage m) =>
            {
                if (ParseLink(m) is { } link)
                {
                    links.Add((link, ReadAlias(m.Payload)));
                }
            });
        return links;
    }

    /// <summary>The index of a device named by a route, or 0 when it names none.</summary>
    internal int DeviceIndex(string? device) => device is null ? 0 : GetLink(device).Index;
}
