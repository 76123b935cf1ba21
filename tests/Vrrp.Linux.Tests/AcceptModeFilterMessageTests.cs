using System.Buffers.Binary;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Nftables;

namespace Vrrp.Linux.Tests;

/// <summary>
/// The accept-mode filter's nf_tables messages on golden bytes, with no privileges: what nft 1.0.6 itself sends for the
/// same ruleset (<c>Vectors/nft-1.0.6-accept-mode.txt</c>, from <c>nft --debug=mnl</c>) is the oracle.
/// </summary>
public sealed class AcceptModeFilterMessageTests
{
    // Attributes nft sends that the filter does not (linux/netfilter/nf_tables.h).
    private const ushort NFTA_SET_USERDATA = 13;
    private const ushort NFTA_SET_ELEM_LIST_SET_ID = 4;

    private static readonly Dictionary<string, List<string>> Vectors = LoadVectors();

    [Fact]
    public void Install_sends_what_nft_sends_for_the_same_ruleset()
    {
        var ours = Split(AcceptModeFilter.BuildInstall("vrrp", -1, []).Seal(0));
        var nft = Vectors["install"];
        Assert.Equal(18, ours.Count);  // begin, table, delete, table, 3 sets, 2 chains, 8 rules, end
        Assert.Equal(16, nft.Count);   // begin, table, 2 chains, 3 sets, 8 rules, end

        Assert.Equal(nft[0], ours[0]);  // NFNL_MSG_BATCH_BEGIN, res_id NFNL_SUBSYS_NFTABLES
        Assert.Equal(nft[1], ours[1]);  // NEWTABLE inet vrrp
        Assert.Equal(Vectors["delete-table"][0], ours[2]);
        Assert.Equal(nft[1], ours[3]);
        for (int i = 0; i < 3; i++)
        {
            // nft also stores its own key byte order for listing (NFTA_SET_USERDATA); the kernel ignores it and nft
            // lists our sets the same without it (the lab test compares the listing).
            Assert.Equal(WithoutAttribute(nft[4 + i], NFTA_SET_USERDATA), ours[4 + i]);
        }

        Assert.Equal(nft[2], ours[7]);  // chain input { type filter hook input priority filter - 1; policy accept; }
        Assert.Equal(nft[3], ours[8]);  // chain output
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(nft[7 + i], ours[9 + i]);  // the rules, byte for byte, in order
        }

        Assert.Equal(nft[15], ours[17]);  // NFNL_MSG_BATCH_END
    }

    [Theory]
    [InlineData("192.0.2.100", null, 0)]
    [InlineData("2001:db8:50::100", null, 1)]
    [InlineData("fe80::100", "eth0", 2)]
    public void Element_messages_are_what_nft_sends(string address, string? interfaceName, int vector)
    {
        var element = FilteredAddress.Create(IPAddressValue.Parse(address), interfaceName);
        var add = new NfTablesBatch();
        AcceptModeFilter.AddElement(add, Nft.NFT_MSG_NEWSETELEM, "vrrp", element);
        var remove = new NfTablesBatch();
        AcceptModeFilter.AddElement(remove, Nft.NFT_MSG_DELSETELEM, "vrrp", element);

        // nft names the set by its id as well when adding (NFTA_SET_ELEM_LIST_SET_ID); the name is enough for a set
        // that exists, and nft itself sends no id when deleting.
        Assert.Equal(WithoutAttribute(Vectors["add-element"][vector], NFTA_SET_ELEM_LIST_SET_ID), Split(add.Seal(0))[1]);
        Assert.Equal(Vectors["delete-element"][vector], Split(remove.Seal(0))[1]);
    }

    [Fact]
    public void An_ipv4_element_message_has_this_layout()
    {
        var batch = new NfTablesBatch();
        AcceptModeFilter.AddElement(batch, Nft.NFT_MSG_NEWSETELEM, "vrrp", FilteredAddress.Create(IPAddressValue.Parse("192.0.2.100"), null));
        byte[] datagram = batch.Seal(41).ToArray();
        Assert.Equal(
            "14000000" + "1000" + "0100" + "29000000" + "00000000" + "0000000a"  // BATCH_BEGIN, REQUEST, seq 41; AF_UNSPEC, v0, res_id 10 (BE)
            + "40000000" + "0c0a" + "0504" + "2a000000" + "00000000" + "01000000" // NEWSETELEM (10 << 8 | 12), REQUEST|ACK|CREATE, seq 42; NFPROTO_INET
            + "09000100" + "7672727000000000"                                    // NFTA_SET_ELEM_LIST_TABLE "vrrp"
            + "0a000200" + "7669707334000000"                                    // NFTA_SET_ELEM_LIST_SET "vips4"
            + "14000380" + "10000180" + "0c000180" + "08000100" + "c0000264"     // ELEMENTS { ELEM { KEY { DATA_VALUE 192.0.2.100 } } }
            + "14000000" + "1100" + "0100" + "2b000000" + "00000000" + "0000000a", // BATCH_END, seq 43
            Convert.ToHexString(datagram).ToLowerInvariant());
    }

    [Fact]
    public void Every_message_asks_for_an_ack_and_the_sequence_numbers_follow_each_other()
    {
        var batch = AcceptModeFilter.BuildInstall("vrrp", -1, [FilteredAddress.Create(IPAddressValue.Parse("192.0.2.100"), null)]);
        var messages = FakeNetfilterKernel.Parse(batch.Seal(uint.MaxValue - 3).ToArray());
        Assert.Equal(batch.Count + 2, messages.Count);
        Assert.Equal((Nft.NFNL_MSG_BATCH_BEGIN, Nl.NLM_F_REQUEST, uint.MaxValue - 3), (messages[0].Type, messages[0].Flags, messages[0].Sequence));
        Assert.Equal((Nft.NFNL_MSG_BATCH_END, Nl.NLM_F_REQUEST), (messages[^1].Type, messages[^1].Flags));
        for (int i = 1; i < messages.Count; i++)
        {
            Assert.Equal(unchecked(uint.MaxValue - 3 + (uint)i), messages[i].Sequence); // wraps around
        }

        const ushort RA = Nl.NLM_F_REQUEST | Nl.NLM_F_ACK;
        ushort[] expected =
        [
            RA | Nl.NLM_F_CREATE, RA, RA | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL,   // table, delete, table
            RA | Nl.NLM_F_CREATE, RA | Nl.NLM_F_CREATE, RA | Nl.NLM_F_CREATE, // sets
            RA | Nl.NLM_F_CREATE, RA | Nl.NLM_F_CREATE,                       // chains
            .. Enumerable.Repeat((ushort)(RA | Nl.NLM_F_CREATE | Nl.NLM_F_APPEND), 8),
            RA | Nl.NLM_F_CREATE,                                             // the element
        ];
        Assert.Equal(expected, messages.Skip(1).SkipLast(1).Select(m => m.Flags));
        Assert.Contains("192.0.2.100", batch[batch.Count - 1].Operation);
    }

    [Fact]
    public void A_chain_priority_and_a_table_name_of_ones_own_are_written_as_given()
    {
        var messages = FakeNetfilterKernel.Parse(AcceptModeFilter.BuildInstall("vrrp_test-2.a", 100, []).Seal(0).ToArray());
        Assert.All(messages.Skip(1).SkipLast(1), m => Assert.Equal("vrrp_test-2.a", m.String(1)));
        var chain = messages.First(m => m.NfType == Nft.NFT_MSG_NEWCHAIN);
        Assert.Contains("0800020000000064", Convert.ToHexString(chain.Attributes).ToLowerInvariant()); // NFTA_HOOK_PRIORITY 100 (BE)
    }

    [Theory]
    [InlineData("")]
    [InlineData("1vrrp")]
    [InlineData("vr rp")]
    [InlineData("vrrp;flush")]
    [InlineData("vrrp\0")]
    public void A_table_name_that_is_not_an_nft_identifier_is_refused(string name)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new AcceptModeFilter(new NfTablesClient(new FakeNetfilterKernel()), name));
        Assert.Equal("tableName", ex.ParamName);
        Assert.ThrowsAny<ArgumentException>(() => AcceptModeFilter.ValidateTableName(new string('a', 256)));
        AcceptModeFilter.ValidateTableName(new string('a', 255));
    }

    [Fact]
    public void A_link_local_address_needs_its_interface_and_others_ignore_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => FilteredAddress.Create(IPAddressValue.Parse("fe80::1"), null));
        Assert.Contains("fe80::1", ex.Message);
        Assert.Throws<ArgumentException>(() => FilteredAddress.Create(IPAddressValue.Parse("fe80::1"), "sixteen-bytes-xx"));
        Assert.Equal(AcceptModeFilter.IPv6LinkLocalSet, FilteredAddress.Create(IPAddressValue.Parse("fe80::1"), "fifteen-bytes-x").SetName);
        Assert.Equal(FilteredAddress.Create(IPAddressValue.Parse("192.0.2.1"), null), FilteredAddress.Create(IPAddressValue.Parse("192.0.2.1"), "eth0"));
        Assert.Equal(AcceptModeFilter.IPv6Set, FilteredAddress.Create(IPAddressValue.Parse("2001:db8::1"), "eth0").SetName);
    }

    /// <summary>The vectors: name → hex lines, in file order.</summary>
    private static Dictionary<string, List<string>> LoadVectors()
    {
        var vectors = new Dictionary<string, List<string>>();
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Vectors", "nft-1.0.6-accept-mode.txt")))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            string[] parts = line.Split(' ');
            if (!vectors.TryGetValue(parts[0], out var list))
            {
                vectors[parts[0]] = list = [];
            }

            list.Add(parts[1]);
        }

        return vectors;
    }

    /// <summary>The messages of a datagram as hex, with the flags and sequence numbers zeroed (as in the vectors).</summary>
    private static List<string> Split(ReadOnlySpan<byte> datagram)
    {
        var list = new List<string>();
        while (datagram.Length >= 16)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            byte[] message = datagram[..length].ToArray();
            message.AsSpan(6, 6).Clear();
            list.Add(Convert.ToHexString(message).ToLowerInvariant());
            datagram = datagram[Math.Min(Nl.Align(length), datagram.Length)..];
        }

        return list;
    }

    /// <summary>A message (hex) without one of its top-level attributes, its length patched.</summary>
    private static string WithoutAttribute(string hex, ushort attribute)
    {
        byte[] message = Convert.FromHexString(hex);
        var kept = new List<byte>(message[..20]);
        int offset = 20;
        while (offset + 4 <= message.Length)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(offset));
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(offset + 2)) & 0x3fff);
            int padded = Math.Min(Nl.Align(length), message.Length - offset);
            if (type != attribute)
            {
                kept.AddRange(message.AsSpan(offset, padded).ToArray());
            }

            offset += padded;
        }

        byte[] result = [.. kept];
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)result.Length);
        return Convert.ToHexString(result).ToLowerInvariant();
    }
}
