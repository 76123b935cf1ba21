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

/// <summary>
/// A virtual IP address that the master of a virtual router holds (keepalived's <c>virtual_ipaddress</c> entry), with
/// the attributes keepalived takes: the device it goes on, its scope, IPv4 label and broadcast address, and
/// <c>no_track</c>. In JSON it is <c>{"address":"192.0.2.100","prefixLength":24}</c> (<see cref="VirtualAddressJsonConverter"/>;
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
    /// keepalived's <c>no_track</c>: the address's <see cref="Device"/> is not tracked, and a master does not put the address
    /// back when it is removed behind its back (it is added again at the next takeover).
    /// </summary>
    public bool NoTrack { get; init; }

    /// <summary>The address family.</summary>
    public VrrpAddressFamily Family => Address.Family;

    /// <summary>
    /// Parses keepalived's form <c>ADDR[/LEN] [dev IF] [scope global|site|link|host|nowhere] [label LABEL] [brd ADDR|+]
    /// [no_track]</c> (the options' string form of a virtual address).
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

        if (NoTrack)
        {
            text.Append(" no_track");
        }

        return text.ToString();
    }

    private static VirtualAddress WithAttributes(VirtualAddress address, string[] words, string text)
    {
        string? device = null, label = null;
        var scope = VirtualAddressScope.Global;
        IPAddressValue? broadcast = null;
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
                        _ => throw new FormatException($"'{text}': scope '{name}' is not global, site, link, host or nowhere."),
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
                case "-nodad" or "nodad":
                    // IPv6 virtual addresses are always added without duplicate address detection (they move between routers).
                    break;
                default:
                    throw new FormatException($"'{text}': '{word}' is not supported (supported: dev, scope, label, brd, no_track, -nodad).");
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

        return new VirtualAddress(address.Address, address.PrefixLength, label, device) { Scope = scope, Broadcast = broadcast, NoTrack = noTrack };
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
        _ => "global",
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
