using Vrrp.Linux.Netlink;

namespace Vrrp.Linux.Nftables;

/// <summary>
/// Writes the expressions of a rule (NFTA_RULE_EXPRESSIONS): each an NFTA_LIST_ELEM holding NFTA_EXPR_NAME and a
/// nested NFTA_EXPR_DATA with the expression's own attributes, u32 values in network order.
/// </summary>
internal static class NfTablesExpressions
{
    /// <summary><c>[ meta load KEY => reg R ]</c>.</summary>
    internal static void Meta(ref NetlinkMessageWriter w, uint key, uint register)
    {
        var (element, data) = Begin(ref w, "meta");
        w.AddUInt32BigEndian(Nft.NFTA_META_KEY, key);
        w.AddUInt32BigEndian(Nft.NFTA_META_DREG, register);
        End(ref w, element, data);
    }

    /// <summary><c>[ payload load LENb @ BASE header + OFFSET => reg R ]</c>.</summary>
    internal static void Payload(ref NetlinkMessageWriter w, uint @base, uint offset, uint length, uint register)
    {
        var (element, data) = Begin(ref w, "payload");
        w.AddUInt32BigEndian(Nft.NFTA_PAYLOAD_DREG, register);
        w.AddUInt32BigEndian(Nft.NFTA_PAYLOAD_BASE, @base);
        w.AddUInt32BigEndian(Nft.NFTA_PAYLOAD_OFFSET, offset);
        w.AddUInt32BigEndian(Nft.NFTA_PAYLOAD_LEN, length);
        End(ref w, element, data);
    }

    /// <summary><c>[ cmp OP reg R VALUE ]</c>: compares as many bytes of the register as the value has.</summary>
    internal static void Compare(ref NetlinkMessageWriter w, uint operation, uint register, scoped ReadOnlySpan<byte> value)
    {
        var (element, data) = Begin(ref w, "cmp");
        w.AddUInt32BigEndian(Nft.NFTA_CMP_SREG, register);
        w.AddUInt32BigEndian(Nft.NFTA_CMP_OP, operation);
        int cmpData = w.BeginNested(Nft.NFTA_CMP_DATA);
        w.AddAttribute(Nft.NFTA_DATA_VALUE, value);
        w.EndNested(cmpData);
        End(ref w, element, data);
    }

    /// <summary>
    /// <c>[ lookup reg R set NAME ]</c>: the key is read from register R on (the set's key length). The set is found by
    /// name; its id names it too when it is created in the same transaction (nft sends both).
    /// </summary>
    internal static void Lookup(ref NetlinkMessageWriter w, string set, uint setId, uint register)
    {
        var (element, data) = Begin(ref w, "lookup");
        w.AddUInt32BigEndian(Nft.NFTA_LOOKUP_SREG, register);
        w.AddString(Nft.NFTA_LOOKUP_SET, set);
        w.AddUInt32BigEndian(Nft.NFTA_LOOKUP_SET_ID, setId);
        End(ref w, element, data);
    }

    /// <summary><c>[ counter pkts 0 bytes 0 ]</c>: an empty NFTA_EXPR_DATA, as nft sends it.</summary>
    internal static void Counter(ref NetlinkMessageWriter w)
    {
        var (element, data) = Begin(ref w, "counter");
        End(ref w, element, data);
    }

    /// <summary><c>[ immediate reg 0 VERDICT ]</c>: NF_DROP or NF_ACCEPT into the verdict register.</summary>
    internal static void Verdict(ref NetlinkMessageWriter w, uint verdict)
    {
        var (element, data) = Begin(ref w, "immediate");
        w.AddUInt32BigEndian(Nft.NFTA_IMMEDIATE_DREG, Nft.NFT_REG_VERDICT);
        int immediate = w.BeginNested(Nft.NFTA_IMMEDIATE_DATA);
        int verdictData = w.BeginNested(Nft.NFTA_DATA_VERDICT);
        w.AddUInt32BigEndian(Nft.NFTA_VERDICT_CODE, verdict);
        w.EndNested(verdictData);
        w.EndNested(immediate);
        End(ref w, element, data);
    }

    private static (int Element, int Data) Begin(ref NetlinkMessageWriter w, string name)
    {
        int element = w.BeginNested(Nft.NFTA_LIST_ELEM);
        w.AddString(Nft.NFTA_EXPR_NAME, name);
        return (element, w.BeginNested(Nft.NFTA_EXPR_DATA));
    }

    private static void End(ref NetlinkMessageWriter w, int element, int data)
    {
        w.EndNested(data);
        w.EndNested(element);
    }
}
