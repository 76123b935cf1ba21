namespace Vrrp.Linux.Nftables;

/// <summary>
/// Numbers from linux/netfilter/nfnetlink.h, linux/netfilter/nf_tables.h and linux/netfilter.h, and the set key
/// types of the nft tool (its datatype ids, which the kernel keeps opaque and <c>nft list</c> reads back).
/// </summary>
internal static class Nft
{
    // nfnetlink: message types are (subsystem << 8) | message; batches are delimited by two control messages.
    internal const ushort NFNL_SUBSYS_NFTABLES = 10;
    internal const ushort NFNL_MSG_BATCH_BEGIN = 16;
    internal const ushort NFNL_MSG_BATCH_END = 17;

    // enum nf_tables_msg_types.
    internal const byte NFT_MSG_NEWTABLE = 0;
    internal const byte NFT_MSG_GETTABLE = 1;
    internal const byte NFT_MSG_DELTABLE = 2;
    internal const byte NFT_MSG_NEWCHAIN = 3;
    internal const byte NFT_MSG_NEWRULE = 6;
    internal const byte NFT_MSG_NEWSET = 9;
    internal const byte NFT_MSG_NEWSETELEM = 12;
    internal const byte NFT_MSG_DELSETELEM = 14;

    // Protocol families of tables (NFPROTO_*).
    internal const byte NFPROTO_UNSPEC = 0;
    internal const byte NFPROTO_INET = 1;
    internal const byte NFPROTO_IPV4 = 2;
    internal const byte NFPROTO_IPV6 = 10;

    // Hooks of the inet family (enum nf_inet_hooks) and verdicts (NF_DROP, NF_ACCEPT).
    internal const uint NF_INET_LOCAL_IN = 1;
    internal const uint NF_INET_LOCAL_OUT = 3;
    internal const uint NF_DROP = 0;
    internal const uint NF_ACCEPT = 1;

    internal const ushort NFTA_LIST_ELEM = 1;

    internal const ushort NFTA_TABLE_NAME = 1;
    internal const ushort NFTA_TABLE_FLAGS = 2;

    internal const ushort NFTA_CHAIN_TABLE = 1;
    internal const ushort NFTA_CHAIN_NAME = 3;
    internal const ushort NFTA_CHAIN_HOOK = 4;
    internal const ushort NFTA_CHAIN_POLICY = 5;
    internal const ushort NFTA_CHAIN_TYPE = 7;
    internal const ushort NFTA_HOOK_HOOKNUM = 1;
    internal const ushort NFTA_HOOK_PRIORITY = 2;

    internal const ushort NFTA_RULE_TABLE = 1;
    internal const ushort NFTA_RULE_CHAIN = 2;
    internal const ushort NFTA_RULE_EXPRESSIONS = 4;

    internal const ushort NFTA_SET_TABLE = 1;
    internal const ushort NFTA_SET_NAME = 2;
    internal const ushort NFTA_SET_FLAGS = 3;
    internal const ushort NFTA_SET_KEY_TYPE = 4;
    internal const ushort NFTA_SET_KEY_LEN = 5;
    internal const ushort NFTA_SET_ID = 10;

    internal const ushort NFTA_SET_ELEM_LIST_TABLE = 1;
    internal const ushort NFTA_SET_ELEM_LIST_SET = 2;
    internal const ushort NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    internal const ushort NFTA_SET_ELEM_KEY = 1;

    internal const ushort NFTA_DATA_VALUE = 1;
    internal const ushort NFTA_DATA_VERDICT = 2;
    internal const ushort NFTA_VERDICT_CODE = 1;

    internal const ushort NFTA_EXPR_NAME = 1;
    internal const ushort NFTA_EXPR_DATA = 2;

    internal const ushort NFTA_IMMEDIATE_DREG = 1;
    internal const ushort NFTA_IMMEDIATE_DATA = 2;

    internal const ushort NFTA_CMP_SREG = 1;
    internal const ushort NFTA_CMP_OP = 2;
    internal const ushort NFTA_CMP_DATA = 3;
    internal const uint NFT_CMP_EQ = 0;
    internal const uint NFT_CMP_LTE = 3;
    internal const uint NFT_CMP_GTE = 5;

    internal const ushort NFTA_LOOKUP_SET = 1;
    internal const ushort NFTA_LOOKUP_SREG = 2;
    internal const ushort NFTA_LOOKUP_SET_ID = 4;

    internal const ushort NFTA_PAYLOAD_DREG = 1;
    internal const ushort NFTA_PAYLOAD_BASE = 2;
    internal const ushort NFTA_PAYLOAD_OFFSET = 3;
    internal const ushort NFTA_PAYLOAD_LEN = 4;
    internal const uint NFT_PAYLOAD_NETWORK_HEADER = 1;
    internal const uint NFT_PAYLOAD_TRANSPORT_HEADER = 2;

    internal const ushort NFTA_META_DREG = 1;
    internal const ushort NFTA_META_KEY = 2;
    internal const uint NFT_META_IIF = 4;
    internal const uint NFT_META_OIF = 5;
    internal const uint NFT_META_IIFNAME = 6;
    internal const uint NFT_META_OIFNAME = 7;
    internal const uint NFT_META_NFPROTO = 15;
    internal const uint NFT_META_L4PROTO = 16;

    // Registers: 0 is the verdict; 1..4 are the 16-byte registers (an IPv6 address and an interface name fill one each,
    // and a lookup of a 32-byte key starting at register 1 reads registers 1 and 2).
    internal const uint NFT_REG_VERDICT = 0;
    internal const uint NFT_REG_1 = 1;
    internal const uint NFT_REG_2 = 2;

    // nft's datatype ids (src/datatype.h of nftables); a concatenation is (first << 6) | second.
    internal const uint TYPE_IPADDR = 7;
    internal const uint TYPE_IP6ADDR = 8;
    internal const uint TYPE_IFINDEX = 20;
    internal const uint TYPE_IFNAME = 41;
    internal const int TypeBits = 6;

    /// <summary>IFNAMSIZ: an interface name in a register or a set key, NUL-padded.</summary>
    internal const int InterfaceNameSize = 16;

    /// <summary>Table, chain and set names are at most 255 bytes plus the NUL (NFT_NAME_MAXLEN).</summary>
    internal const int MaxNameLength = 255;

    internal const byte IPPROTO_ICMPV6 = 58;
    internal const byte ND_NEIGHBOR_SOLICIT = 135;
    internal const byte ND_NEIGHBOR_ADVERT = 136;

    /// <summary>The netlink message type of an nf_tables message.</summary>
    internal static ushort MessageType(byte message) => (ushort)((NFNL_SUBSYS_NFTABLES << 8) | message);
}
