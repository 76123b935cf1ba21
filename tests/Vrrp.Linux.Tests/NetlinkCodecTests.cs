using System.Buffers.Binary;
using Vrrp.Linux.Netlink;
using Vrrp.Linux.Sockets;

namespace Vrrp.Linux.Tests;

/// <summary>
/// The netlink and ancillary-data codecs on golden bytes (layouts from linux/netlink.h, linux/rtnetlink.h,
/// linux/if_addr.h, bits/socket.h), and malformed input that must never throw. No privileges needed.
/// </summary>
public sealed class NetlinkCodecTests
{
    [Fact]
    public void Writes_an_rtm_newaddr_request_with_aligned_attributes()
    {
        byte[] buffer = new byte[256];
        var w = new NetlinkMessageWriter(buffer, Nl.RTM_NEWADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, 7);
        w.WriteIfAddr(Nl.AF_INET, 32, 0, 0, 2);
        w.AddAttribute(Nl.IFA_LOCAL, [192, 0, 2, 100]);
        w.AddAttribute(Nl.IFA_ADDRESS, [192, 0, 2, 100]);
        w.AddString(Nl.IFA_LABEL, "eth0:vip");
        string hex = Convert.ToHexString(w.Finish()).ToLowerInvariant();
        Assert.Equal(
            "38000000" + "1400" + "0506" + "07000000" + "00000000" // nlmsghdr: len 56, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE, seq 7, pid 0
            + "02200000" + "02000000"                              // ifaddrmsg: AF_INET, /32, flags 0, scope 0, index 2
            + "08000200" + "c0000264"                              // IFA_LOCAL
            + "08000100" + "c0000264"                              // IFA_ADDRESS
            + "0d000300" + "657468303a76697000" + "000000",        // IFA_LABEL "eth0:vip\0" + 3 bytes of padding
            hex);
    }

    [Fact]
    public void Writes_an_address_with_peer_lifetime_and_flags_as_keepalived_does()
    {
        byte[] buffer = new byte[256];
        var w = new NetlinkMessageWriter(buffer, Nl.RTM_NEWADDR, Nl.NLM_F_REQUEST, 9);
        var address = VirtualAddress.Parse("fd00::10 peer fd00::1 noprefixroute preferred_lft 0");
        RouteNetlink.WriteAddress(ref w, 3, address, withLabel: true);
        string hex = Convert.ToHexString(w.Finish()).ToLowerInvariant();
        Assert.Equal(
            "5c000000" + "1400" + "0100" + "09000000" + "00000000"                     // nlmsghdr: len 92, RTM_NEWADDR
            + "0a800000" + "03000000"                                                 // ifaddrmsg: AF_INET6, /128, scope 0, index 3
            + "14000200" + "fd000000000000000000000000000010"                         // IFA_LOCAL: the address
            + "14000100" + "fd000000000000000000000000000001"                         // IFA_ADDRESS: its peer
            + "14000600" + "00000000" + "ffffffff" + "00000000" + "00000000"          // IFA_CACHEINFO: preferred 0, valid forever
            + "08000800" + "02020000",                                                // IFA_FLAGS: NOPREFIXROUTE | NODAD
            hex);

        // An IPv4 point-to-point address is deleted by its peer (the kernel matches IFA_ADDRESS against it).
        w = new NetlinkMessageWriter(buffer, Nl.RTM_DELADDR, Nl.NLM_F_REQUEST, 10);
        RouteNetlink.WriteAddress(ref w, 3, VirtualAddress.Parse("192.0.2.10 peer 192.0.2.1 home"), withLabel: false);
        Assert.EndsWith("08000200c000020a" + "08000100c0000201", Convert.ToHexString(w.Finish()).ToLowerInvariant(), StringComparison.Ordinal);

        // -nodad: IPv6 duplicate address detection stays on (no IFA_F_NODAD); no flags, no IFA_FLAGS.
        Assert.Equal(0u, RouteNetlink.FlagsOf(VirtualAddress.Parse("fd00::10/64 -nodad")));
        Assert.Equal(Nl.IFA_F_NODAD, RouteNetlink.FlagsOf(VirtualAddress.Parse("fd00::10/64")));
        Assert.Equal(Nl.IFA_F_HOMEADDRESS | Nl.IFA_F_MANAGETEMPADDR | Nl.IFA_F_MCAUTOJOIN, RouteNetlink.FlagsOf(VirtualAddress.Parse("192.0.2.1 home mngtmpaddr autojoin")));
    }

    [Fact]
    public void Writes_nested_linkinfo_for_a_macvlan()
    {
        byte[] buffer = new byte[256];
        var w = new NetlinkMessageWriter(buffer, Nl.RTM_NEWLINK, Nl.NLM_F_REQUEST, 1);
        w.WriteIfInfo(Nl.AF_UNSPEC, 0, Nl.IFF_UP, Nl.IFF_UP);
        int info = w.BeginNested(Nl.IFLA_LINKINFO);
        w.AddString(Nl.IFLA_INFO_KIND, "macvlan");
        int data = w.BeginNested(Nl.IFLA_INFO_DATA);
        w.AddUInt32(Nl.IFLA_MACVLAN_MODE, Nl.MACVLAN_MODE_BRIDGE);
        w.EndNested(data);
        w.EndNested(info);
        var message = w.Finish();
        string hex = Convert.ToHexString(message[32..]).ToLowerInvariant();
        Assert.Equal(
            "1c001280"                     // IFLA_LINKINFO | NLA_F_NESTED, length 28
            + "0c000100" + "6d6163766c616e00" // IFLA_INFO_KIND "macvlan\0"
            + "0c000280" + "08000100" + "04000000", // IFLA_INFO_DATA { IFLA_MACVLAN_MODE = BRIDGE (4) }
            hex);
        Assert.Equal(60, message.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_the_errno_and_extended_ack_message_of_an_error(bool capped)
    {
        byte[] original = new byte[capped ? 16 : 24];
        BinaryPrimitives.WriteUInt32LittleEndian(original, (uint)original.Length);
        byte[] text = "ipv4: Invalid prefix length\0"u8.ToArray();
        int tlv = 4 + text.Length;
        var payload = new List<byte>();
        payload.AddRange(BitConverter.GetBytes(-22));
        payload.AddRange(original);
        payload.AddRange(BitConverter.GetBytes((ushort)tlv));
        payload.AddRange(BitConverter.GetBytes(Nl.NLMSGERR_ATTR_MSG));
        payload.AddRange(text);
        while (payload.Count % 4 != 0)
        {
            payload.Add(0);
        }

        byte[] datagram = new byte[16 + payload.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(datagram, (uint)datagram.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(4), Nl.NLMSG_ERROR);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(6), (ushort)(Nl.NLM_F_ACK_TLVS | (capped ? Nl.NLM_F_CAPPED : 0)));
        BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(8), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(12), 4242);
        payload.ToArray().CopyTo(datagram, 16);

        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out var message));
        Assert.Equal((Nl.NLMSG_ERROR, 7u, 4242u), (message.Type, message.Sequence, message.PortId));
        Assert.Equal(22, NetlinkSocket.ReadError(message, out string? kernelText));
        Assert.Equal("ipv4: Invalid prefix length", kernelText);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void An_error_whose_echoed_request_length_is_absurd_still_gives_its_errno()
    {
        // Found by the noisy-input test (seed 1273296040): an uncapped ack whose echoed length points far past the end.
        byte[] datagram = Convert.FromHexString("33000000140000BE00000000000000000218800002000081080001000A00000108000200646464640900030065746830000000");
        var reader = new NetlinkMessageReader(datagram);
        Assert.True(reader.TryRead(out var message));
        _ = NetlinkSocket.ReadError(message, out string? text);
        Assert.Null(text);

        byte[] error = Convert.FromHexString("24000000" + "0200" + "0002" + "01000000" + "00000000" + "eaffffff" + "ffffff7f" + "0000000000000000000000000000");
        reader = new NetlinkMessageReader(error);
        Assert.True(reader.TryRead(out message));
        Assert.Equal(22, NetlinkSocket.ReadError(message, out text));
        Assert.Null(text);
    }

    [Fact]
    public void Parses_address_messages_of_both_families()
    {
        // IPv4: IFA_LOCAL is the address (IFA_ADDRESS would be the peer on point-to-point links), with a label and secondary flag.
        byte[] v4 = Convert.FromHexString("0218010002000000" + "080001000a000001" + "0800020064646464" + "0900030065746830000000");
        Assert.True(RouteNetlink.TryParseAddress(v4, out int index, out var a));
        Assert.Equal(2, index);
        Assert.Equal(new InterfaceAddress(IPAddressValue.Parse("100.100.100.100"), 24, "eth0", true, 0), a);

        // IPv6: only IFA_ADDRESS; IFA_FLAGS (u32) overrides the 8-bit flags.
        byte[] v6 = Convert.FromHexString("0a4000fd03000000" + "14000100fe800000000000000000000000000001" + "0800080000000000");
        Assert.True(RouteNetlink.TryParseAddress(v6, out index, out a));
        Assert.Equal(3, index);
        Assert.Equal(IPAddressValue.Parse("fe80::1"), a.Address);
        Assert.Equal(64, a.PrefixLength);
        Assert.False(a.IsSecondary);
        Assert.Equal(253, a.Scope);

        // Another family, no address, too short: rejected without throwing.
        Assert.False(RouteNetlink.TryParseAddress(Convert.FromHexString("1120000002000000"), out _, out _));
        Assert.False(RouteNetlink.TryParseAddress(Convert.FromHexString("0220000002000000"), out _, out _));
        Assert.False(RouteNetlink.TryParseAddress(v4.AsSpan(0, 7), out _, out _));
    }

    [Fact]
    public void Every_truncated_or_corrupted_datagram_is_read_without_throwing()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        byte[] address = Convert.FromHexString("0218800002000000" + "080001000a000001" + "0800020064646464" + "0900030065746830000000");
        byte[] datagram = new byte[16 + address.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(datagram, (uint)datagram.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(4), Nl.RTM_NEWADDR);
        address.CopyTo(datagram, 16);
        var links = new Dictionary<int, (string Name, bool Up)> { [2] = ("eth0", true) };
        var events = new List<LinkEvent>();
        NetlinkLinkMonitor.Decode(datagram, links, events);
        Assert.Equal([new LinkEvent("eth0", LinkEventKind.AddressAdded, IPAddressValue.Parse("100.100.100.100"))], events);

        for (int i = 0; i < datagram.Length; i++)
        {
            events.Clear();
            NetlinkLinkMonitor.Decode(datagram.AsSpan(0, i), links, events);
            Assert.Empty(events);
        }

        for (int i = 0; i < 20_000; i++)
        {
            byte[] noisy;
            if (i % 2 == 0)
            {
                noisy = (byte[])datagram.Clone();
                noisy[random.Next(noisy.Length)] = (byte)random.Next(256);
                noisy[random.Next(noisy.Length)] = (byte)random.Next(256);
            }
            else
            {
                // Random messages with a plausible header: any type (errors included), flags, and payload.
                noisy = new byte[random.Next(16, 96)];
                random.NextBytes(noisy);
                BinaryPrimitives.WriteUInt32LittleEndian(noisy, (uint)random.Next(16, noisy.Length + 1));
                BinaryPrimitives.WriteUInt16LittleEndian(noisy.AsSpan(4), (ushort)random.Next(0, 24));
            }

            try
            {
                NetlinkLinkMonitor.Decode(noisy, links, []);
                var reader = new NetlinkMessageReader(noisy);
                while (reader.TryRead(out var m))
                {
                    _ = NetlinkSocket.ReadError(m, out _);
                    _ = RouteNetlink.ParseLink(m);
                }
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, input {Convert.ToHexString(noisy)}: {ex}");
            }
        }
    }

    [Fact]
    public void Link_events_are_reported_on_change_only()
    {
        static byte[] NewLink(int index, string name, uint flags)
        {
            byte[] buffer = new byte[128];
            var w = new NetlinkMessageWriter(buffer, Nl.RTM_NEWLINK, 0, 0);
            w.WriteIfInfo(Nl.AF_UNSPEC, index, flags, 0);
            w.AddString(Nl.IFLA_IFNAME, name);
            return w.Finish().ToArray();
        }

        const uint Up = Nl.IFF_UP | Nl.IFF_RUNNING | Nl.IFF_LOWER_UP;
        var links = new Dictionary<int, (string Name, bool Up)> { [2] = ("eth0", true) };
        var events = new List<LinkEvent>();
        NetlinkLinkMonitor.Decode(NewLink(2, "eth0", Up), links, events);        // no change
        NetlinkLinkMonitor.Decode(NewLink(2, "eth0", Nl.IFF_UP), links, events); // carrier lost
        NetlinkLinkMonitor.Decode(NewLink(2, "eth0", Nl.IFF_UP), links, events); // repeated
        NetlinkLinkMonitor.Decode(NewLink(2, "eth0", Up), links, events);        // back
        NetlinkLinkMonitor.Decode(NewLink(5, "x0", 0), links, events);           // new, down
        Assert.Equal([new("eth0", LinkEventKind.Down), new("eth0", LinkEventKind.Up), new("x0", LinkEventKind.Down)], events);
    }

    [Trait("Rfc", "9568-5.1.2.3-b")]
    [Fact]
    public void Reads_hop_limit_and_destination_from_ancillary_data()
    {
        // struct cmsghdr { size_t len; int level; int type; } + data, each record 8-byte aligned.
        byte[] control = Convert.FromHexString(
            "2400000000000000" + "29000000" + "32000000" + "ff020000000000000000000000000012" + "02000000" + "00000000" // IPV6_PKTINFO (36 + 4 pad)
            + "1400000000000000" + "29000000" + "34000000" + "ff000000" + "00000000");                                    // IPV6_HOPLIMIT 255
        IPAddressValue destination = default;
        int hopLimit = -1;
        RawVrrpSocketPair.ReadCmsgs(control, ref destination, ref hopLimit);
        Assert.Equal(IPAddressValue.Parse("ff02::12"), destination);
        Assert.Equal(255, hopLimit);

        for (int i = 0; i < control.Length; i++)
        {
            destination = default;
            hopLimit = -1;
            RawVrrpSocketPair.ReadCmsgs(control.AsSpan(0, i), ref destination, ref hopLimit); // never throws, never reads past the end
            Assert.True(hopLimit is -1 or 255);
        }
    }

    [Fact]
    public void Describes_ipv4_packets_and_short_ones()
    {
        byte[] packet = Convert.FromHexString("45c0002800010000ff70d0550a32000be00000122109c80101010668ac1001193131313100000000");
        var d = RawVrrpSocketPair.DescribeIPv4(packet);
        Assert.Equal((packet.Length, true, IPAddressValue.Parse("10.50.0.11"), IPAddressValue.Parse("224.0.0.18"), 255), (d.Length, d.IncludesIPv4Header, d.Source, d.Destination, d.HopLimit));
        Assert.Equal(-1, RawVrrpSocketPair.DescribeIPv4(packet.AsSpan(0, 19)).HopLimit);
    }
}
