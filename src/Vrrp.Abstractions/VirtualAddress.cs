namespace Vrrp;

/// <summary>The scope of an address (keepalived's and <c>ip address</c>'s <c>scope</c>; the numbers are Linux's).</summary>
public enum VirtualAddressScope : byte
{
    /// <summary>Valid everywhere (the default).</summary>
    Global = 0,

    /// <summary>Valid within the site (IPv6 only, deprecated).</summary>
    Site = 200,

    /// <summary>Valid on this link only.</summary>
    Link = 253,

    /// <summary>Valid inside this host only.</summary>
    Host = 254,

    /// <summary>Reserved: no destination.</summary>
    Nowhere = 255,
}

/// <summary>The address flags keepalived's <c>virtual_ipaddress</c> entries take (<c>ip address</c>'s words; Linux's IFA_F_* flags).</summary>
[Flags]
public enum VirtualAddressFlags
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>A Mobile IPv6 home address (<c>home</c>, IFA_F_HOMEADDRESS).</summary>
    HomeAddress = 1,

    /// <summary>Make temporary (privacy) addresses from this prefix (<c>mngtmpaddr</c>, IFA_F_MANAGETEMPADDR; IPv6).</summary>
    ManageTemporaryAddresses = 2,

    /// <summary>Add no prefix route for the address's network (<c>noprefixroute</c>, IFA_F_NOPREFIXROUTE).</summary>
    NoPrefixRoute = 4,

    /// <summary>Join the multicast group of a multicast address (<c>autojoin</c>, IFA_F_MCAUTOJOIN).</summary>
    AutoJoin = 8,

    /// <summary>
    /// Let the kernel run duplicate address detection on an IPv6 address (keepalived's <c>-nodad</c>). Without it the
    /// address is added with IFA_F_NODAD, usable at once, as keepalived does.
    /// </summary>
    DuplicateAddressDetection = 16,
}

/// <summary>
/// A virtual IP address that the master of a virtual router holds (keepalived's <c>virtual_ipaddress</c> entry), with
/// the attributes keepalived takes: the device it goes on, its scope, IPv4 label and broadcast address, a peer, address
/// flags, an IPv6 preferred lifetime, and <c>no_track</c>. In JSON it is <c>{"address":"192.0.2.100","prefixLength":24}</c> (<see cref="VirtualAddressJsonConverter"/>;
/// the attributes are not part of it).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(VirtualAddressJsonConverter))]
public sealed record VirtualAddress
{
    /// <summary>Creates a virtual address.</summary>
    /// <param name="address">The address.</param>
    /// <param name="prefixLength">The prefix length; defaults to a host route (/32 or /128) as keepalived does.</param>
    /// <param name="label">An optional IPv4 label (for example <c>eth0:vip</c>).</param>
    /// <param name="device">An optional interface other than the instance's own (keepalived <c>dev</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">The prefix length is out of range for the family.</exception>
    public VirtualAddress(IPAddressValue address, int? prefixLength = null, string? label = null, string? device = null)
    {
        int max = address.Family == VrrpAddressFamily.IPv4 ? 32 : 128;
        int prefix = prefixLength ?? max;
        if (prefix < 0 || prefix > max)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefix, $"The prefix length of {address} must be 0..{max}.");
        }

        Address = address;
        PrefixLength = prefix;
        Label = label;
        Device = device;
    }

    /// <summary>The address.</summary>
    public IPAddressValue Address { get; }

    /// <summary>The prefix length (0..32 or 0..128).</summary>
    public int PrefixLength { get; }

    /// <summary>An optional IPv4 address label (keepalived <c>label</c>), or null.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// The interface that carries the address when it is not the instance's own (keepalived <c>dev</c>), or null. Unless
    /// <see cref="NoTrack"/>, the instance tracks it: the interface going down puts the instance in Fault, as keepalived.
    /// </summary>
    public string? Device { get; init; }

    /// <summary>The address's scope (keepalived <c>scope</c>); global by default.</summary>
    public VirtualAddressScope Scope { get; init; }

    /// <summary>The IPv4 broadcast address (keepalived <c>brd</c>), or null for none.</summary>
    public IPAddressValue? Broadcast { get; init; }

    /// <summary>
    /// The other end of a point-to-point address (keepalived's <c>peer ADDR</c>; rtnetlink IFA_ADDRESS, the address
    /// itself going in IFA_LOCAL), or null. An address with a peer has a host prefix length (/32, /128) and no broadcast.
    /// </summary>
    public IPAddressValue? Peer { get; init; }

    /// <summary>The address flags (<c>home</c>, <c>mngtmpaddr</c>, <c>noprefixroute</c>, <c>autojoin</c>, <c>-nodad</c>).</summary>
    public VirtualAddressFlags Flags { get; init; }

    /// <summary>
    /// The preferred lifetime of an IPv6 address in seconds (keepalived's <c>preferred_lft</c>; its valid lifetime stays
    /// forever), or null for forever. 0 adds the address deprecated: it answers but is not chosen as a source address.
    /// keepalived's default for an IPv6 /128 without <c>preferred_lft</c> is 0 (the options apply it); IPv4 addresses
    /// have none.
    /// </summary>
    public uint? PreferredLifetime { get; init; }

    /// <summary>
    /// keepalived's <c>no_track</c>: the address's <see cref="Device"/> is not tracked, and a master does not put the address
    /// back when it is removed behind its back (it is added again at the next takeover).
    /// </summary>
    public bool NoTrack { get; init; }

    /// <summary>The address family.</summary>
    public VrrpAddressFamily Family => Address.Family;

    /// <summary>
    /// Parses keepalived's form <c>ADDR[/LEN] [dev IF] [scope global|site|link|host|nowhere|N] [label LABEL] [brd ADDR|+]
    /// [peer ADDR] [home] [mngtmpaddr] [noprefixroute] [autojoin] [-nodad] [preferred_lft N|forever] [no_track]</c> (the
    /// options' string form of a virtual address).
    /// </summary>
    /// <param name="text">For example <c>172.16.1.25</c>, <c>fd00::10/64</c> or <c>192.0.2.10/24 dev eth1 label eth1:vip</c>.</param>
    /// <returns>The virtual address.</returns>
    /// <exception cref="FormatException">The text is not an address with an optional prefix length, or an attribute is not understood (the message names it).</exception>
    public static VirtualAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new FormatException("An empty virtual address (expected ADDR or ADDR/LEN).");
        }

        var address = ParseAddress(words[0]);
        return words.Length == 1 ? address : WithAttributes(address, words, text);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";

    /// <summary>The address in keepalived's form with its attributes (what <see cref="Parse"/> reads).</summary>
    /// <returns>For example <c>192.0.2.10/24 dev eth1 label eth1:vip</c>.</returns>
    public string ToConfigurationString()
    {
        var text = new System.Text.StringBuilder(ToString());
        if (Broadcast is { } broadcast)
        {
            text.Append(" brd ").Append(broadcast);
        }

        if (Device is not null)
        {
            text.Append(" dev ").Append(Device);
        }

        if (Scope != VirtualAddressScope.Global)
        {
            text.Append(" scope ").Append(ScopeName(Scope));
        }

        if (Label is not null)
        {
            text.Append(" label ").Append(Label);
        }

        if (Peer is { } peer)
        {
            text.Append(" peer ").Append(peer);
        }

        foreach (var (flag, word) in s_flagWords)
        {
            if ((Flags & flag) != 0)
            {
                text.Append(' ').Append(word);
            }
        }

        if (PreferredLifetime is { } lifetime)
        {
            text.Append(" preferred_lft ").Append(lifetime.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (NoTrack)
        {
            text.Append(" no_track");
        }

        return text.ToString();
    }

    private static readonly (VirtualAddressFlags Flag, string Word)[] s_flagWords =
    [
        (VirtualAddressFlags.HomeAddress, "home"), (VirtualAddressFlags.DuplicateAddressDetection, "-nodad"),
        (VirtualAddressFlags.ManageTemporaryAddresses, "mngtmpaddr"), (VirtualAddressFlags.NoPrefixRoute, "noprefixroute"),
        (VirtualAddressFlags.AutoJoin, "autojoin"),
    ];

    private static VirtualAddress WithAttributes(VirtualAddress address, string[] words, string text)
    {
        string? device = null, label = null;
        var scope = VirtualAddressScope.Global;
        IPAddressValue? broadcast = null, peer = null;
        var flags = VirtualAddressFlags.None;
        uint? preferred = null;
        bool noTrack = false;
        for (int i = 1; i < words.Length; i++)
        {
            string word = words[i];
            string Value() => ++i < words.Length ? words[i] : throw new FormatException($"'{text}': '{word}' needs a value.");
            switch (word)
            {
                case "dev":
                    device = Value();
                    break;
                case "label":
                    label = Value();
                    break;
                case "scope":
                    string name = Value();
                    scope = name switch
                    {
                        "global" or "universe" => VirtualAddressScope.Global,
                        "site" => VirtualAddressScope.Site,
                        "link" => VirtualAddressScope.Link,
                        "host" => VirtualAddressScope.Host,
                        "nowhere" => VirtualAddressScope.Nowhere,
                        _ when byte.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out byte number) => (VirtualAddressScope)number,
                        _ => throw new FormatException($"'{text}': scope '{name}' is not global, site, link, host, nowhere or a number 0..255."),
                    };
                    break;
                case "brd" or "broadcast":
                    string value = Value();
                    broadcast = value == "+" ? HighestOf(address) : IPAddressValue.TryParse(value, out var b) && b.Family == address.Family
                        ? b
                        : throw new FormatException($"'{text}': brd '{value}' is not an address of the same family (or +).");
                    break;
                case "no_track":
                    noTrack = true;
                    break;
                case "peer":
                    string peerText = Value();
                    peer = IPAddressValue.TryParse(peerText, out var p) && p.Family == address.Family
                        ? p
                        : throw new FormatException($"'{text}': peer '{peerText}' is not an address of the same family.");
                    break;
                case "preferred_lft":
                    string lifetime = Value();
                    preferred = lifetime == "forever" ? null
                        : uint.TryParse(lifetime, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint seconds) ? seconds
                        : throw new FormatException($"'{text}': preferred_lft '{lifetime}' is not seconds or forever.");
                    break;
                case "nodad":
                    // IPv6 virtual addresses are added without duplicate address detection unless -nodad (keepalived's sense).
                    break;
                default:
                    int known = Array.FindIndex(s_flagWords, f => f.Word == word);
                    flags |= known >= 0
                        ? s_flagWords[known].Flag
                        : throw new FormatException($"'{text}': '{word}' is not supported (supported: dev, scope, label, brd, peer, home, -nodad, mngtmpaddr, noprefixroute, autojoin, preferred_lft, no_track).");
                    break;
            }
        }

        if (label is not null && address.Family != VrrpAddressFamily.IPv4)
        {
            throw new FormatException($"'{text}': a label is for IPv4 addresses only.");
        }

        if (broadcast is not null && address.Family != VrrpAddressFamily.IPv4)
        {
            throw new FormatException($"'{text}': a broadcast address is for IPv4 addresses only.");
        }

        return new VirtualAddress(address.Address, peer is null ? address.PrefixLength : null, label, device)
        {
            Scope = scope, Broadcast = peer is null ? broadcast : null, NoTrack = noTrack, Peer = peer, Flags = flags, PreferredLifetime = preferred,
        };
    }

    // brd +: the prefix with every host bit set.
    private static IPAddressValue HighestOf(VirtualAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        int n = address.Address.WriteTo(bytes);
        for (int bit = address.PrefixLength; bit < n * 8; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return IPAddressValue.Read(address.Family, bytes[..n]);
    }

    private static string ScopeName(VirtualAddressScope scope) => scope switch
    {
        VirtualAddressScope.Site => "site",
        VirtualAddressScope.Link => "link",
        VirtualAddressScope.Host => "host",
        VirtualAddressScope.Nowhere => "nowhere",
        VirtualAddressScope.Global => "global",
        _ => ((byte)scope).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static VirtualAddress ParseAddress(string text)
    {
        int slash = text.IndexOf('/');
        var addressText = slash < 0 ? text.AsSpan() : text.AsSpan(0, slash);
        if (!IPAddressValue.TryParse(addressText, out var address))
        {
            throw new FormatException($"'{text}' is not an IP address (expected ADDR or ADDR/LEN).");
        }

        if (slash < 0)
        {
            return new VirtualAddress(address);
        }

        int max = address.Family == VrrpAddressFamily.IPv4 ? 32 : 128;
        if (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int prefix) || prefix > max)
        {
            throw new FormatException($"'{text}' has an invalid prefix length (expected 0..{max}).");
        }

        return new VirtualAddress(address, prefix);
    }
}
