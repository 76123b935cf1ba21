namespace Vrrp.Linux.Netlink;

/// <summary>Numbers from linux/netlink.h, linux/rtnetlink.h, linux/if_addr.h, linux/if_link.h (nf_tables: <c>Nft</c>).</summary>
internal static class Nl
{
    // nlmsghdr: u32 len, u16 type, u16 flags, u32 seq, u32 pid.
    internal const int HeaderLength = 16;

    internal const ushort NLMSG_NOOP = 1;
    internal const ushort NLMSG_ERROR = 2;
    internal const ushort NLMSG_DONE = 3;
    internal const ushort NLMSG_OVERRUN = 4;

    internal const ushort NLM_F_REQUEST = 0x01;
    internal const ushort NLM_F_MULTI = 0x02;
    internal const ushort NLM_F_ACK = 0x04;
    internal const ushort NLM_F_ROOT = 0x100;
    internal const ushort NLM_F_MATCH = 0x200;
    internal const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    internal const ushort NLM_F_REPLACE = 0x100;
    internal const ushort NLM_F_EXCL = 0x200;
    internal const ushort NLM_F_CREATE = 0x400;
    internal const ushort NLM_F_APPEND = 0x800;

    // Flags on NLMSG_ERROR acknowledgements.
    internal const ushort NLM_F_CAPPED = 0x100;
    internal const ushort NLM_F_ACK_TLVS = 0x200;
    internal const ushort NLMSGERR_ATTR_MSG = 1;
    internal const ushort NLMSGERR_ATTR_OFFS = 2;

    internal const int SOL_NETLINK = 270;
    internal const int NETLINK_ADD_MEMBERSHIP = 1;
    internal const int NETLINK_CAP_ACK = 10;
    internal const int NETLINK_EXT_ACK = 11;
    internal const int NETLINK_ROUTE = 0;
    internal const int NETLINK_NETFILTER = 12;

    internal const ushort RTM_NEWLINK = 16;
    internal const ushort RTM_DELLINK = 17;
    internal const ushort RTM_GETLINK = 18;
    internal const ushort RTM_NEWADDR = 20;
    internal const ushort RTM_DELADDR = 21;
    internal const ushort RTM_GETADDR = 22;

    internal const uint RTNLGRP_LINK = 1;
    internal const uint RTNLGRP_IPV4_IFADDR = 5;
    internal const uint RTNLGRP_IPV6_IFADDR = 9;

    internal const byte AF_UNSPEC = 0;
    internal const byte AF_INET = 2;
    internal const byte AF_INET6 = 10;

    // ifinfomsg: u8 family, u8 pad, u16 type, s32 index, u32 flags, u32 change.
    internal const int IfInfoLength = 16;
    // ifaddrmsg: u8 family, u8 prefixlen, u8 flags, u8 scope, u32 index.
    internal const int IfAddrLength = 8;

    internal const ushort IFLA_ADDRESS = 1;
    internal const ushort IFLA_IFNAME = 3;
    internal const ushort IFLA_MTU = 4;
    internal const ushort IFLA_LINK = 5;
    internal const ushort IFLA_LINKINFO = 18;
    internal const ushort IFLA_INFO_KIND = 1;
    internal const ushort IFLA_INFO_DATA = 2;
    internal const ushort IFLA_MACVLAN_MODE = 1;
    internal const uint MACVLAN_MODE_BRIDGE = 4;
    internal const ushort IFLA_IPVLAN_MODE = 1;
    internal const ushort IFLA_IPVLAN_FLAGS = 2;
    internal const ushort IPVLAN_MODE_L2 = 0;
    internal const ushort NLA_F_NESTED = 0x8000;
    internal const ushort IFLA_AF_SPEC = 26;
    internal const ushort IFLA_INET6_ADDR_GEN_MODE = 8;
    internal const byte IN6_ADDR_GEN_MODE_NONE = 1;

    internal const ushort IFA_ADDRESS = 1;
    internal const ushort IFA_LOCAL = 2;
    internal const ushort IFA_LABEL = 3;
    internal const ushort IFA_FLAGS = 8;
    internal const uint IFA_F_SECONDARY = 0x01;
    internal const uint IFA_F_NODAD = 0x02;
    internal const uint IFA_F_DADFAILED = 0x08;
    internal const uint IFA_F_HOMEADDRESS = 0x10;
    internal const uint IFA_F_TENTATIVE = 0x40;
    internal const uint IFA_F_MANAGETEMPADDR = 0x100;
    internal const uint IFA_F_NOPREFIXROUTE = 0x200;
    internal const uint IFA_F_MCAUTOJOIN = 0x400;
    internal const ushort IFA_CACHEINFO = 6;
    internal const uint INFINITY_LIFE_TIME = 0xFFFFFFFF;

    internal const uint IFF_UP = 0x1;
    internal const uint IFF_RUNNING = 0x40;
    internal const uint IFF_LOWER_UP = 0x10000;

    // Routes and rules (linux/rtnetlink.h, linux/fib_rules.h).
    internal const ushort RTM_NEWROUTE = 24;
    internal const ushort RTM_DELROUTE = 25;
    internal const ushort RTM_GETROUTE = 26;
    internal const ushort RTM_NEWRULE = 32;
    internal const ushort RTM_DELRULE = 33;
    internal const ushort RTM_GETRULE = 34;

    // rtmsg: u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags. fib_rule_hdr has the same size.
    internal const int RtMsgLength = 12;
    internal const ushort RTA_DST = 1;
    internal const ushort RTA_SRC = 2;
    internal const ushort RTA_METRICS = 8;
    internal const ushort RTAX_LOCK = 1;
    internal const ushort RTAX_CC_ALGO = 16;
    internal const ushort RTA_OIF = 4;
    internal const ushort RTA_GATEWAY = 5;
    internal const ushort RTA_PRIORITY = 6;
    internal const ushort RTA_PREFSRC = 7;
    internal const ushort RTA_MULTIPATH = 9;
    internal const ushort RTA_FLOW = 11;
    internal const ushort RTA_TABLE = 15;
    internal const ushort RTA_PREF = 20;
    internal const ushort RTA_ENCAP_TYPE = 21;
    internal const ushort RTA_ENCAP = 22;
    internal const ushort LWTUNNEL_ENCAP_IP = 2;
    internal const ushort LWTUNNEL_ENCAP_IP6 = 4;

    // LWTUNNEL_IP_* and LWTUNNEL_IP6_* (linux/lwtunnel.h) share the numbers; 4 and 5 are TTL and TOS for ip, HOPLIMIT and TC for ip6.
    internal const ushort LWTUNNEL_IP_ID = 1;
    internal const ushort LWTUNNEL_IP_DST = 2;
    internal const ushort LWTUNNEL_IP_SRC = 3;
    internal const ushort LWTUNNEL_IP_TTL = 4;
    internal const ushort LWTUNNEL_IP_TOS = 5;
    internal const ushort LWTUNNEL_IP_FLAGS = 6;
    internal const ushort RTA_EXPIRES = 23;
    internal const byte RT_SCOPE_NOWHERE = 255;
    internal const uint RTNH_F_ONLINK = 4;

    internal const ushort FRA_DST = 1;
    internal const ushort FRA_SRC = 2;
    internal const ushort FRA_IIFNAME = 3;
    internal const ushort FRA_PRIORITY = 6;
    internal const ushort FRA_FWMARK = 10;
    internal const ushort FRA_TABLE = 15;
    internal const ushort FRA_FWMASK = 16;
    internal const ushort FRA_OIFNAME = 17;
    internal const ushort FRA_PROTOCOL = 21;
    internal const ushort FRA_GOTO = 4;
    internal const ushort FRA_L3MDEV = 19;
    internal const ushort FRA_SUPPRESS_PREFIXLEN = 14;
    internal const ushort FRA_UID_RANGE = 20;
    internal const ushort FRA_IP_PROTO = 22;
    internal const ushort FRA_SPORT_RANGE = 23;
    internal const ushort FRA_DPORT_RANGE = 24;
    internal const uint FIB_RULE_INVERT = 0x2;

    internal const ushort IFLA_IFALIAS = 20;
    internal const ushort IFA_BROADCAST = 4;

    internal static int Align(int length) => (length + 3) & ~3;
}
