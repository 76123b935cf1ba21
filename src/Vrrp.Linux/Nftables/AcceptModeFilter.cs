using System.Text;
using Vrrp.Linux.Interop;
using Vrrp.Linux.Netlink;
using static Vrrp.Linux.Nftables.NfTablesExpressions;

namespace Vrrp.Linux.Nftables;

/// <summary>
/// The kernel side of VRRP Accept_Mode False (RFC 9568 section 6.4.3; keepalived <c>no_accept</c>, implied by
/// <c>vrrp_strict</c>): a master that is not the address owner must not accept packets addressed to the virtual
/// addresses. One nf_tables table of our own (family inet) holds a set of IPv4 and a set of IPv6 virtual addresses, and
/// chains on the input and output hooks drop what is addressed to them (and what would leave from them), as keepalived's
/// own table does.
/// </summary>
/// <remarks>
/// <para>What still passes, and why:</para>
/// <list type="bullet">
/// <item>ARP is not IP: the master keeps answering ARP for its virtual addresses, so clients can resolve them (and
/// get no answer above that).</item>
/// <item>IPv6 neighbour solicitations and advertisements (ICMPv6 135 and 136) are accepted first, in and out: the
/// kernel must keep answering for the address (unicast reachability probes are addressed to it), or the address would
/// look unreachable and a client would not find it again when Accept_Mode changes or the owner takes over.</item>
/// <item>VRRP adverts are addressed to 224.0.0.18 / ff02::12 (or a peer's own address in unicast) and leave from the
/// interface's own address: never from or to a virtual address.</item>
/// </list>
/// <para>
/// An IPv6 link-local virtual address is matched with its interface, since the same link-local address may be another
/// interface's own: by name (<c>ip6 daddr . iifname</c>), or, in a filter opened with <c>linkLocalIndex</c>, by
/// interface index (<c>ip6 daddr . iif</c>) for the elements that carry one, as keepalived's nftables table matches
/// them unless the instance has <c>dont_track_primary</c>. The rules count what they drop only when opened with
/// <c>counters</c> (keepalived's <c>nftables_counters</c>). Elements are idempotent: adding twice or removing what is not
/// there are no-ops. The filter remembers its addresses, so that a table removed under it (someone's
/// <c>nft flush ruleset</c>) is put back whole on the next <see cref="Add"/> or <see cref="EnsureInstalled"/>.
/// </para>
/// <para>Thread-safe: calls are serialised.</para>
/// </remarks>
internal sealed class AcceptModeFilter : IDisposable
{
    /// <summary>The table's default name (keepalived's is <c>keepalived</c>: ours never collides with it).</summary>
    internal const string DefaultTableName = "vrrp";

    /// <summary>The chains' default priority: just before the usual filter chains (priority 0), as keepalived's default.</summary>
    internal const int DefaultChainPriority = -1;

    internal const string IPv4Set = "vips4";
    internal const string IPv6Set = "vips6";
    internal const string IPv6LinkLocalSet = "vips6_link_local";
    internal const string IPv6LinkLocalIndexSet = "vips6_link_local_index";
    internal const string InputChain = "input";
    internal const string OutputChain = "output";

    // The sets' ids within the install transaction (NFTA_SET_ID, required; rules name their set by both).
    private const uint IPv4SetId = 1;
    private const uint IPv6SetId = 2;
    private const uint IPv6LinkLocalSetId = 3;
    private const uint IPv6LinkLocalIndexSetId = 4;

    /// <summary>Elements per NEWSETELEM: well within the u16 length of the nested element list.</summary>
    internal const int ElementsPerMessage = 256;

    /// <summary>The most one element takes: list element, key, value headers and a 32-byte key.</summary>
    private const int ElementSize = 4 + 4 + 4 + 16 + Nft.InterfaceNameSize;

    private readonly NfTablesClient _client;
    private readonly HashSet<FilteredAddress> _addresses = [];
    private readonly Lock _lock = new();
    private bool _installed;
    private bool _disposed;

    /// <summary>Creates the filter over a client (a real socket, or a test's fake kernel). Nothing is sent yet.</summary>
    /// <exception cref="ArgumentException">The table name is not a valid nft identifier.</exception>
    internal AcceptModeFilter(NfTablesClient client, string tableName = DefaultTableName, int chainPriority = DefaultChainPriority, bool counters = true, bool linkLocalIndex = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ValidateTableName(tableName);
        _client = client;
        TableName = tableName;
        ChainPriority = chainPriority;
        Counters = counters;
        LinkLocalIndex = linkLocalIndex;
    }

    /// <summary>The table's name (family inet).</summary>
    internal string TableName { get; }

    /// <summary>The hook priority of both chains.</summary>
    internal int ChainPriority { get; }

    /// <summary>Whether the drop rules count packets and bytes (keepalived <c>nftables_counters</c>).</summary>
    internal bool Counters { get; }

    /// <summary>Whether the table has the set of IPv6 link-local addresses matched with an interface index.</summary>
    internal bool LinkLocalIndex { get; }

    /// <summary>Whether this filter has installed its table (and not removed it since).</summary>
    internal bool IsInstalled
    {
        get
        {
            lock (_lock)
            {
                return _installed;
            }
        }
    }

    /// <summary>The addresses being filtered, in no particular order.</summary>
    internal IReadOnlyList<FilteredAddress> Addresses
    {
        get
        {
            lock (_lock)
            {
                return [.. _addresses];
            }
        }
    }

    /// <summary>Opens a filter on a NETLINK_NETFILTER socket in a network namespace (null: the current one). Nothing is sent yet.</summary>
    /// <exception cref="PlatformNotSupportedException">The kernel has no netfilter netlink.</exception>
    /// <exception cref="ArgumentException">The table name is invalid, or the namespace does not exist.</exception>
    internal static AcceptModeFilter Open(string? networkNamespace, string tableName = DefaultTableName, int chainPriority = DefaultChainPriority, bool counters = true, bool linkLocalIndex = false)
    {
        ValidateTableName(tableName);
        var client = NfTablesClient.Open(networkNamespace);
        return new AcceptModeFilter(client, tableName, chainPriority, counters, linkLocalIndex);
    }

    /// <summary>
    /// Replaces any table of this name (a leftover of a run that crashed, or did not stop cleanly) with a fresh one that
    /// holds this filter's addresses, in one transaction: there is no moment without the table.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The kernel has no nf_tables, or no inet family.</exception>
    /// <exception cref="NetlinkException">The kernel refused the table.</exception>
    internal void Install()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            _client.Commit(BuildInstall(TableName, ChainPriority, _addresses, Counters, LinkLocalIndex));
            _installed = true;
        }
    }

    /// <summary>
    /// Makes sure the table is there: the first call (of this filter) installs it afresh as <see cref="Install"/> does;
    /// later calls ask the kernel and install again only when it is missing. Idempotent.
    /// </summary>
    /// <returns>True when the table was (re)created by this call.</returns>
    /// <exception cref="PlatformNotSupportedException">The kernel has no nf_tables, or no inet family.</exception>
    /// <exception cref="NetlinkException">The kernel refused the table.</exception>
    internal bool EnsureInstalled()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (_installed && _client.TableExists(Nft.NFPROTO_INET, TableName))
            {
                return false;
            }

            Install();
            return true;
        }
    }

    /// <summary>
    /// Starts dropping traffic to (and from) <paramref name="address"/>; installs the table first when needed.
    /// Idempotent. Call it before the address is put on the interface, so that no packet is accepted in between.
    /// </summary>
    /// <param name="address">A virtual address.</param>
    /// <param name="interfaceName">The interface that carries it: needed for an IPv6 link-local address, ignored otherwise.</param>
    /// <param name="interfaceIndex">
    /// The interface's index, to match an IPv6 link-local address by index rather than by name (a filter opened with
    /// <c>linkLocalIndex</c> only); 0 matches by name. Ignored for other addresses.
    /// </param>
    /// <returns>True when the address was not filtered before.</returns>
    /// <exception cref="ArgumentException">A link-local address without an interface, or an invalid interface name.</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel has no nf_tables, or no inet family.</exception>
    /// <exception cref="NetlinkException">The kernel refused the element.</exception>
    internal bool Add(IPAddressValue address, string? interfaceName = null, int interfaceIndex = 0)
    {
        var element = CreateElement(address, interfaceName, interfaceIndex);
        lock (_lock)
        {
            ThrowIfDisposed();
            bool added = _addresses.Add(element);
            try
            {
                if (!_installed)
                {
                    Install(); // carries the new element
                    return added;
                }

                var batch = new NfTablesBatch();
                AddElement(batch, Nft.NFT_MSG_NEWSETELEM, TableName, element);
                if (_client.Commit(batch, Libc.ENOENT) == Libc.ENOENT)
                {
                    Install(); // the table went away under us: put it back whole, with this element
                }
            }
            catch
            {
                if (added)
                {
                    _addresses.Remove(element);
                }

                throw;
            }

            return added;
        }
    }

    /// <summary>
    /// Stops filtering <paramref name="address"/>. Idempotent (an element or a table that is not there is fine). Call it
    /// after the address is taken off the interface.
    /// </summary>
    /// <param name="address">A virtual address.</param>
    /// <param name="interfaceName">As given to <see cref="Add"/>.</param>
    /// <param name="interfaceIndex">As given to <see cref="Add"/>.</param>
    /// <returns>True when the address was filtered.</returns>
    /// <exception cref="ArgumentException">A link-local address without an interface, or an invalid interface name.</exception>
    /// <exception cref="NetlinkException">The kernel refused the removal.</exception>
    internal bool Remove(IPAddressValue address, string? interfaceName = null, int interfaceIndex = 0)
    {
        var element = CreateElement(address, interfaceName, interfaceIndex);
        lock (_lock)
        {
            ThrowIfDisposed();
            bool removed = _addresses.Remove(element);
            if (_installed)
            {
                var batch = new NfTablesBatch();
                AddElement(batch, Nft.NFT_MSG_DELSETELEM, TableName, element);
                _client.Commit(batch, Libc.ENOENT);
            }

            return removed;
        }
    }

    private FilteredAddress CreateElement(IPAddressValue address, string? interfaceName, int interfaceIndex)
    {
        if (interfaceIndex != 0 && !LinkLocalIndex)
        {
            throw new ArgumentException("This filter matches link-local addresses by interface name: it was not opened with linkLocalIndex.", nameof(interfaceIndex));
        }

        return FilteredAddress.Create(address, interfaceName, interfaceIndex);
    }

    /// <summary>Deletes the table (the sets, chains and rules with it). Idempotent. The addresses are forgotten.</summary>
    /// <returns>True when a table was deleted.</returns>
    /// <exception cref="NetlinkException">The kernel refused the deletion.</exception>
    internal bool RemoveTable()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            var batch = new NfTablesBatch();
            batch.Add(Nft.NFT_MSG_DELTABLE, 0, Nft.NFPROTO_INET, (ref NetlinkMessageWriter w) => w.AddString(Nft.NFTA_TABLE_NAME, TableName), $"delete table inet {TableName}");
            int errno = _client.Commit(batch, Libc.ENOENT);
            _installed = false;
            _addresses.Clear();
            return errno == 0;
        }
    }

    /// <summary>Removes the table when this filter installed it (best effort: errors are swallowed; call <see cref="RemoveTable"/> to see them) and closes the socket.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_installed)
            {
                try
                {
                    RemoveTable();
                }
                catch (Exception ex) when (ex is NetlinkException or PlatformNotSupportedException)
                {
                    // The table stays; the next start replaces it.
                }
            }

            _disposed = true;
            _client.Dispose();
        }
    }

    /// <summary>
    /// The transaction that replaces the table: create it (so that the delete cannot fail), delete it with whatever a
    /// former run left in it, create it again with its sets, chains and rules, and the elements.
    /// </summary>
    internal static NfTablesBatch BuildInstall(string table, int priority, IEnumerable<FilteredAddress> addresses, bool counters = true, bool linkLocalIndex = false)
    {
        var batch = new NfTablesBatch();
        NetlinkSocket.RequestBuilder newTable = (ref NetlinkMessageWriter w) =>
        {
            w.AddString(Nft.NFTA_TABLE_NAME, table);
            w.AddUInt32BigEndian(Nft.NFTA_TABLE_FLAGS, 0);
        };
        batch.Add(Nft.NFT_MSG_NEWTABLE, Nl.NLM_F_CREATE, Nft.NFPROTO_INET, newTable, $"create table inet {table} (or find a leftover)");
        batch.Add(Nft.NFT_MSG_DELTABLE, 0, Nft.NFPROTO_INET, (ref NetlinkMessageWriter w) => w.AddString(Nft.NFTA_TABLE_NAME, table), $"delete table inet {table} (with what an earlier run left in it)");
        batch.Add(Nft.NFT_MSG_NEWTABLE, Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, Nft.NFPROTO_INET, newTable, $"create table inet {table}");

        AddSet(batch, table, IPv4Set, IPv4SetId, Nft.TYPE_IPADDR, 4, "ipv4_addr");
        AddSet(batch, table, IPv6Set, IPv6SetId, Nft.TYPE_IP6ADDR, 16, "ipv6_addr");
        AddSet(batch, table, IPv6LinkLocalSet, IPv6LinkLocalSetId, (Nft.TYPE_IP6ADDR << Nft.TypeBits) | Nft.TYPE_IFNAME, 16 + Nft.InterfaceNameSize, "ipv6_addr . ifname");
        if (linkLocalIndex)
        {
            AddSet(batch, table, IPv6LinkLocalIndexSet, IPv6LinkLocalIndexSetId, (Nft.TYPE_IP6ADDR << Nft.TypeBits) | Nft.TYPE_IFINDEX, 16 + 4, "ipv6_addr . iface_index");
        }

        foreach (var (chain, hook) in (ReadOnlySpan<(string, uint)>)[(InputChain, Nft.NF_INET_LOCAL_IN), (OutputChain, Nft.NF_INET_LOCAL_OUT)])
        {
            batch.Add(
                Nft.NFT_MSG_NEWCHAIN,
                Nl.NLM_F_CREATE,
                Nft.NFPROTO_INET,
                (ref NetlinkMessageWriter w) =>
                {
                    w.AddString(Nft.NFTA_CHAIN_TABLE, table);
                    w.AddString(Nft.NFTA_CHAIN_NAME, chain);
                    w.AddString(Nft.NFTA_CHAIN_TYPE, "filter");
                    w.AddUInt32BigEndian(Nft.NFTA_CHAIN_POLICY, Nft.NF_ACCEPT);
                    int hookAttribute = w.BeginNested(Nft.NFTA_CHAIN_HOOK);
                    w.AddUInt32BigEndian(Nft.NFTA_HOOK_HOOKNUM, hook);
                    w.AddUInt32BigEndian(Nft.NFTA_HOOK_PRIORITY, unchecked((uint)priority));
                    w.EndNested(hookAttribute);
                },
                $"add chain inet {table} {chain} {{ type filter hook {chain} priority {priority}; policy accept; }}");
        }

        foreach (var rule in RulesFor(counters, linkLocalIndex))
        {
            batch.Add(
                Nft.NFT_MSG_NEWRULE,
                Nl.NLM_F_CREATE | Nl.NLM_F_APPEND,
                Nft.NFPROTO_INET,
                (ref NetlinkMessageWriter w) =>
                {
                    w.AddString(Nft.NFTA_RULE_TABLE, table);
                    w.AddString(Nft.NFTA_RULE_CHAIN, rule.Chain);
                    int expressions = w.BeginNested(Nft.NFTA_RULE_EXPRESSIONS);
                    WriteRule(ref w, rule);
                    w.EndNested(expressions);
                },
                $"add rule inet {table} {rule.Chain} {rule.Text}");
        }

        // The elements, one message per set (and per ElementsPerMessage): a few acknowledgements for any number of
        // addresses, as nft does, so that the answers never overflow the socket's receive buffer.
        foreach (var group in addresses.GroupBy(a => a.SetName))
        {
            foreach (var chunk in group.Chunk(ElementsPerMessage))
            {
                AddElements(batch, Nft.NFT_MSG_NEWSETELEM, table, chunk);
            }
        }

        return batch;
    }

    /// <summary>The rules with counters and without the index set, chain by chain, in order, with their nft text.</summary>
    internal static IReadOnlyList<FilterRule> Rules { get; } = RulesFor(counters: true, linkLocalIndex: false);

    /// <summary>The rules, chain by chain, in order, with their nft text (<c>nft list</c> prints them so, counters' values aside).</summary>
    internal static IReadOnlyList<FilterRule> RulesFor(bool counters, bool linkLocalIndex)
    {
        string drop = counters ? "counter drop" : "drop";
        var rules = new List<FilterRule>();
        foreach (var (chain, direction, address, device) in (ReadOnlySpan<(string, string, string, string)>)[(InputChain, "daddr", "iifname", "iif"), (OutputChain, "saddr", "oifname", "oif")])
        {
            rules.Add(new(chain, FilterRuleKind.NeighbourDiscovery, "icmpv6 type 135-136 accept", counters));
            rules.Add(new(chain, FilterRuleKind.IPv4, $"ip {direction} @{IPv4Set} {drop}", counters));
            rules.Add(new(chain, FilterRuleKind.IPv6, $"ip6 {direction} @{IPv6Set} {drop}", counters));
            rules.Add(new(chain, FilterRuleKind.IPv6LinkLocal, $"ip6 {direction} . {address} @{IPv6LinkLocalSet} {drop}", counters));
            if (linkLocalIndex)
            {
                rules.Add(new(chain, FilterRuleKind.IPv6LinkLocalIndex, $"ip6 {direction} . {device} @{IPv6LinkLocalIndexSet} {drop}", counters));
            }
        }

        return rules;
    }

    private static void WriteRule(ref NetlinkMessageWriter w, FilterRule rule)
    {
        bool input = rule.Chain == InputChain;
        if (rule.Kind == FilterRuleKind.NeighbourDiscovery)
        {
            // meta nfproto ipv6, meta l4proto ipv6-icmp, icmpv6 type 135..136 (as nft writes "icmpv6 type 135-136").
            Meta(ref w, Nft.NFT_META_NFPROTO, Nft.NFT_REG_1);
            Compare(ref w, Nft.NFT_CMP_EQ, Nft.NFT_REG_1, [Nft.NFPROTO_IPV6]);
            Meta(ref w, Nft.NFT_META_L4PROTO, Nft.NFT_REG_1);
            Compare(ref w, Nft.NFT_CMP_EQ, Nft.NFT_REG_1, [Nft.IPPROTO_ICMPV6]);
            Payload(ref w, Nft.NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, Nft.NFT_REG_1);
            Compare(ref w, Nft.NFT_CMP_GTE, Nft.NFT_REG_1, [Nft.ND_NEIGHBOR_SOLICIT]);
            Compare(ref w, Nft.NFT_CMP_LTE, Nft.NFT_REG_1, [Nft.ND_NEIGHBOR_ADVERT]);
            Verdict(ref w, Nft.NF_ACCEPT);
            return;
        }

        bool v4 = rule.Kind == FilterRuleKind.IPv4;
        Meta(ref w, Nft.NFT_META_NFPROTO, Nft.NFT_REG_1);
        Compare(ref w, Nft.NFT_CMP_EQ, Nft.NFT_REG_1, [v4 ? Nft.NFPROTO_IPV4 : Nft.NFPROTO_IPV6]);

        // RFC 791 section 3.1: source at 12, destination at 16; RFC 8200 section 3: source at 8, destination at 24.
        uint offset = v4 ? (input ? 16u : 12u) : (input ? 24u : 8u);
        Payload(ref w, Nft.NFT_PAYLOAD_NETWORK_HEADER, offset, v4 ? 4u : 16u, Nft.NFT_REG_1);
        if (rule.Kind == FilterRuleKind.IPv6LinkLocal)
        {
            Meta(ref w, input ? Nft.NFT_META_IIFNAME : Nft.NFT_META_OIFNAME, Nft.NFT_REG_2);
        }
        else if (rule.Kind == FilterRuleKind.IPv6LinkLocalIndex)
        {
            // The index is 4 bytes in host order, right after the address (register 2 follows register 1).
            Meta(ref w, input ? Nft.NFT_META_IIF : Nft.NFT_META_OIF, Nft.NFT_REG_2);
        }

        var (set, setId) = rule.Kind switch
        {
            FilterRuleKind.IPv4 => (IPv4Set, IPv4SetId),
            FilterRuleKind.IPv6 => (IPv6Set, IPv6SetId),
            FilterRuleKind.IPv6LinkLocalIndex => (IPv6LinkLocalIndexSet, IPv6LinkLocalIndexSetId),
            _ => (IPv6LinkLocalSet, IPv6LinkLocalSetId),
        };
        Lookup(ref w, set, setId, Nft.NFT_REG_1);
        if (rule.Counted)
        {
            Counter(ref w);
        }

        Verdict(ref w, Nft.NF_DROP);
    }

    /// <summary>NEWSET of a plain hash set; the id (required) names the set within the transaction.</summary>
    private static void AddSet(NfTablesBatch batch, string table, string set, uint id, uint keyType, uint keyLength, string typeName) =>
        batch.Add(
            Nft.NFT_MSG_NEWSET,
            Nl.NLM_F_CREATE,
            Nft.NFPROTO_INET,
            (ref NetlinkMessageWriter w) =>
            {
                w.AddString(Nft.NFTA_SET_TABLE, table);
                w.AddString(Nft.NFTA_SET_NAME, set);
                w.AddUInt32BigEndian(Nft.NFTA_SET_FLAGS, 0);
                w.AddUInt32BigEndian(Nft.NFTA_SET_KEY_TYPE, keyType);
                w.AddUInt32BigEndian(Nft.NFTA_SET_KEY_LEN, keyLength);
                w.AddUInt32BigEndian(Nft.NFTA_SET_ID, id);
            },
            $"add set inet {table} {set} {{ type {typeName}; }}");

    /// <summary>One NEWSETELEM / DELSETELEM carrying one element: its set follows from the address.</summary>
    internal static void AddElement(NfTablesBatch batch, byte message, string table, FilteredAddress address) =>
        AddElements(batch, message, table, [address]);

    /// <summary>One NEWSETELEM / DELSETELEM carrying elements of one set (at most <see cref="ElementsPerMessage"/>).</summary>
    internal static void AddElements(NfTablesBatch batch, byte message, string table, IReadOnlyList<FilteredAddress> addresses)
    {
        string set = addresses[0].SetName;
        if (addresses.Count > ElementsPerMessage || addresses.Any(a => a.SetName != set))
        {
            throw new ArgumentException($"At most {ElementsPerMessage} elements of one set go in one message.", nameof(addresses));
        }

        string verb = message == Nft.NFT_MSG_NEWSETELEM ? "add" : "delete";
        batch.Add(
            message,
            message == Nft.NFT_MSG_NEWSETELEM ? Nl.NLM_F_CREATE : (ushort)0,
            Nft.NFPROTO_INET,
            (ref NetlinkMessageWriter w) =>
            {
                Span<byte> key = stackalloc byte[16 + Nft.InterfaceNameSize];
                w.AddString(Nft.NFTA_SET_ELEM_LIST_TABLE, table);
                w.AddString(Nft.NFTA_SET_ELEM_LIST_SET, set);
                int elements = w.BeginNested(Nft.NFTA_SET_ELEM_LIST_ELEMENTS);
                foreach (var address in addresses)
                {
                    int length = address.WriteKey(key);
                    int element = w.BeginNested(Nft.NFTA_LIST_ELEM);
                    int keyAttribute = w.BeginNested(Nft.NFTA_SET_ELEM_KEY);
                    w.AddAttribute(Nft.NFTA_DATA_VALUE, key[..length]);
                    w.EndNested(keyAttribute);
                    w.EndNested(element);
                }

                w.EndNested(elements);
            },
            addresses.Count == 1
                ? $"{verb} element inet {table} {set} {{ {addresses[0]} }}"
                : $"{verb} {addresses.Count} elements inet {table} {set} {{ {addresses[0]}, ... }}",
            sizeHint: 64 + (2 * table.Length) + (addresses.Count * ElementSize));
    }

    /// <summary>Checks a table name: an nft identifier (a letter, then letters, digits, '_', '-', '.'), at most 255 bytes.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    internal static void ValidateTableName(string tableName)
    {
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        bool valid = tableName.Length <= Nft.MaxNameLength && char.IsAsciiLetter(tableName[0]);
        foreach (char c in tableName)
        {
            valid &= char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
        }

        if (!valid)
        {
            throw new ArgumentException(
                $"'{tableName}' is not a valid nftables table name: a letter, then letters, digits, '_', '-' or '.', at most {Nft.MaxNameLength} characters.",
                nameof(tableName));
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}

/// <summary>Which addresses a rule of the filter matches.</summary>
internal enum FilterRuleKind
{
    /// <summary>ICMPv6 neighbour solicitations and advertisements: accepted.</summary>
    NeighbourDiscovery,

    /// <summary>IPv4 virtual addresses: dropped.</summary>
    IPv4,

    /// <summary>IPv6 virtual addresses other than link-local: dropped.</summary>
    IPv6,

    /// <summary>IPv6 link-local virtual addresses, on their interface by name: dropped.</summary>
    IPv6LinkLocal,

    /// <summary>IPv6 link-local virtual addresses, on their interface by index: dropped.</summary>
    IPv6LinkLocalIndex,
}

/// <summary>A rule of the filter: its chain, what it matches, its text in nft syntax, and whether its drop is counted.</summary>
internal readonly record struct FilterRule(string Chain, FilterRuleKind Kind, string Text, bool Counted = true);

/// <summary>An address in the filter's sets: the interface is kept for IPv6 link-local addresses only.</summary>
internal readonly record struct FilteredAddress
{
    private FilteredAddress(IPAddressValue address, string? interfaceName, int interfaceIndex)
    {
        Address = address;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
    }

    /// <summary>The address.</summary>
    internal IPAddressValue Address { get; }

    /// <summary>The interface of an IPv6 link-local address; null otherwise.</summary>
    internal string? InterfaceName { get; }

    /// <summary>The interface index an IPv6 link-local address is matched with; 0 when matched by name (or not link-local).</summary>
    internal int InterfaceIndex { get; }

    /// <summary>The set the address goes to.</summary>
    internal string SetName => Address.Family == VrrpAddressFamily.IPv4
        ? AcceptModeFilter.IPv4Set
        : InterfaceName is null ? AcceptModeFilter.IPv6Set
        : InterfaceIndex != 0 ? AcceptModeFilter.IPv6LinkLocalIndexSet : AcceptModeFilter.IPv6LinkLocalSet;

    /// <summary>Normalises and checks an address and its interface.</summary>
    /// <exception cref="ArgumentException">A link-local address without an interface, or an invalid interface name.</exception>
    internal static FilteredAddress Create(IPAddressValue address, string? interfaceName, int interfaceIndex = 0)
    {
        if (!address.IsIPv6LinkLocal)
        {
            return new FilteredAddress(address, null, 0);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(interfaceIndex);

        if (string.IsNullOrEmpty(interfaceName))
        {
            throw new ArgumentException($"The IPv6 link-local address {address} needs its interface: the same address may be another link's.", nameof(interfaceName));
        }

        if (Encoding.UTF8.GetByteCount(interfaceName) >= Nft.InterfaceNameSize || interfaceName.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{interfaceName}' is not an interface name (at most {Nft.InterfaceNameSize - 1} bytes, no NUL).", nameof(interfaceName));
        }

        return new FilteredAddress(address, interfaceName, interfaceIndex);
    }

    /// <summary>
    /// Writes the set key: the address in network order, then for link-local the interface name NUL-padded to IFNAMSIZ
    /// (the concatenation <c>ipv6_addr . ifname</c>, as <c>meta iifname</c> loads it into the next register).
    /// </summary>
    /// <returns>The key's length: 4, 16 or 32.</returns>
    internal int WriteKey(Span<byte> destination)
    {
        int length = Address.WriteTo(destination);
        if (InterfaceName is null)
        {
            return length;
        }

        if (InterfaceIndex != 0)
        {
            // meta iif loads the index in host order.
            System.Runtime.InteropServices.MemoryMarshal.Write(destination.Slice(length, 4), InterfaceIndex);
            return length + 4;
        }

        var name = destination.Slice(length, Nft.InterfaceNameSize);
        name.Clear();
        Encoding.UTF8.GetBytes(InterfaceName, name);
        return length + Nft.InterfaceNameSize;
    }

    /// <inheritdoc />
    public override string ToString() => InterfaceName is null ? Address.ToString()
        : InterfaceIndex != 0 ? $"{Address} . {InterfaceIndex} ({InterfaceName})" : $"{Address} . \"{InterfaceName}\"";
}
