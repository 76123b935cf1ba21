using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Vrrp.Hosting;

/// <summary>
/// One entry of <see cref="VrrpInstanceOptions.VirtualAddresses"/> or <see cref="VrrpInstanceOptions.ExcludedVirtualAddresses"/>
/// in keepalived's syntax: <c>ADDR[/LEN] [dev IF] [scope SCOPE] [brd ADDR|+|-] [label LABEL] [peer ADDR] [no_track]
/// [home] [-nodad] [mngtmpaddr] [noprefixroute] [autojoin] [preferred_lft SECONDS|forever] [use_vmac]</c>, parsed.
/// </summary>
/// <remarks>
/// The words mean what they mean to <c>ip address add</c>; <c>no_track</c> keeps the address's interface going down
/// from putting the instance in Fault; <c>use_vmac</c> puts the address on a virtual-MAC interface of its own.
/// Adjustments keepalived makes while reading (a scope or label on an IPv6 address is dropped, <c>brd +</c> on a /31
/// or longer prefix is dropped) are made too and listed in <see cref="Warnings"/>.
/// </remarks>
public sealed class VirtualAddressSpec
{
    private VirtualAddressSpec(VirtualAddress address) => Address = address;

    /// <summary>The address and prefix length.</summary>
    public VirtualAddress Address { get; private set; }

    /// <summary>The interface the address goes on (<c>dev</c>), or null for the instance's.</summary>
    public string? Device { get; private set; }

    /// <summary>The scope (<c>scope</c>: global, site, link, host, nowhere or a number), or null for global.</summary>
    public string? Scope { get; private set; }

    /// <summary>The IPv4 broadcast address (<c>brd</c>; <c>+</c> and <c>-</c> are resolved), or null.</summary>
    public IPAddressValue? Broadcast { get; private set; }

    /// <summary>The IPv4 address label (<c>label</c>, at most 15 characters), or null.</summary>
    public string? Label { get; private set; }

    /// <summary>The peer of a point-to-point address (<c>peer ADDR</c>; keepalived 2.2.7 reads no prefix length there), or null.</summary>
    public IPAddressValue? Peer { get; private set; }

    /// <summary>The address's interface going down does not put the instance in Fault (<c>no_track</c>).</summary>
    public bool NoTrack { get; private set; }

    /// <summary>The address flags of <c>ip address</c>: <c>home</c>, <c>-nodad</c>, <c>mngtmpaddr</c>, <c>noprefixroute</c>, <c>autojoin</c>, in that order.</summary>
    public IReadOnlyList<string> Flags { get; private set; } = [];

    /// <summary>The IPv6 preferred lifetime in seconds (<c>preferred_lft</c>; <see cref="uint.MaxValue"/> is forever), or null for keepalived's default.</summary>
    public uint? PreferredLifetime { get; private set; }

    /// <summary>
    /// The static track group whose instances track the address's interface (<c>track_group NAME</c>; for
    /// <see cref="VrrpOptions.StaticAddresses"/> only, as keepalived), or null.
    /// </summary>
    public string? TrackGroup { get; private set; }

    /// <summary>The address goes on a virtual-MAC interface of its own (<c>use_vmac</c>).</summary>
    public bool UseVirtualMac { get; private set; }

    /// <summary>What was adjusted while reading, in keepalived's terms.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>True when the entry says more than the address (what the host applies beyond the address itself).</summary>
    public bool HasAttributes => Device is not null || Scope is not null || Broadcast is not null || Label is not null || Peer is not null ||
        NoTrack || Flags.Count > 0 || PreferredLifetime is not null || UseVirtualMac;

    /// <summary>Parses an entry.</summary>
    /// <param name="text">For example <c>192.0.2.10/24 dev eth1 label eth1:vip</c>.</param>
    /// <param name="value">The entry, when it is valid.</param>
    /// <param name="error">What is wrong otherwise.</param>
    /// <returns>True when the entry is valid.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out VirtualAddressSpec? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var r = new WordReader(text);
        if (r.AtEnd)
        {
            error = "expected an address";
            return false;
        }

        if (!RoutingWords.TryParsePrefix(r.Take(), out var address, out error))
        {
            return false;
        }

        var spec = new VirtualAddressSpec(address);
        bool ipv6 = address.Family == VrrpAddressFamily.IPv6;
        string? broadcast = null;
        var flags = new List<string>();
        while (!r.AtEnd && r.Error is null)
        {
            string word = r.Take();
            switch (word)
            {
                case "dev" when r.TryValue(word, out string device):
                    if (spec.Device is not null || !RoutingWords.IsInterfaceName(device))
                    {
                        r.Fail(spec.Device is not null ? "'dev' is given twice" : $"dev '{device}' is not an interface name");
                    }

                    spec.Device = device;
                    break;
                case "scope" when r.TryValue(word, out string scope):
                    if (!RoutingWords.TryParseScope(scope, out string name))
                    {
                        r.Fail($"scope '{scope}': expected global, site, link, host, nowhere or a number 0..255");
                    }

                    spec.Scope = name;
                    break;
                case "brd" or "broadcast" when r.TryValue(word, out string brd):
                    if (ipv6)
                    {
                        r.Fail($"{word} {brd}: IPv6 addresses have no broadcast address");
                    }
                    else if (brd is not ("+" or "-") && !RoutingWords.TryParseAddress(brd, out _))
                    {
                        r.Fail($"{word} '{brd}' is not an IPv4 address, + or -");
                    }

                    broadcast = brd;
                    break;
                case "label" when r.TryValue(word, out string label):
                    if (label.Length > 15)
                    {
                        r.Fail($"label '{label}' is longer than 15 characters");
                    }

                    spec.Label = label;
                    break;
                case "peer" when r.TryValue(word, out string peerText):
                    if (spec.Peer is not null)
                    {
                        r.Fail("'peer' is given twice");
                    }
                    else if (!RoutingWords.TryParseAddress(peerText, out var peer))
                    {
                        r.Fail($"peer '{peerText}' is not an IPv4 or IPv6 address (keepalived 2.2.7 takes no prefix length there)");
                    }
                    else if (peer.Family != address.Family)
                    {
                        r.Fail($"peer {peerText} is not of the address's family");
                    }
                    else
                    {
                        spec.Peer = peer;
                    }

                    break;
                case "no_track":
                    spec.NoTrack = true;
                    break;
                case "home" or "-nodad" or "mngtmpaddr" or "noprefixroute" or "autojoin":
                    if (!flags.Contains(word))
                    {
                        flags.Add(word);
                    }

                    break;
                case "preferred_lft" when r.TryValue(word, out string lifetime):
                    if (lifetime == "forever")
                    {
                        spec.PreferredLifetime = uint.MaxValue;
                    }
                    else if (uint.TryParse(lifetime, NumberStyles.None, CultureInfo.InvariantCulture, out uint seconds))
                    {
                        spec.PreferredLifetime = seconds;
                    }
                    else
                    {
                        r.Fail($"preferred_lft '{lifetime}': expected seconds or forever");
                    }

                    break;
                case "use_vmac":
                    spec.UseVirtualMac = true;
                    break;
                case "track_group" when r.TryValue(word, out string group):
                    if (spec.TrackGroup is not null)
                    {
                        r.Fail("'track_group' is given twice");
                    }

                    spec.TrackGroup = group;
                    break;
                default:
                    r.Fail($"'{word}' is not an address option (dev, scope, brd, label, peer, no_track, home, -nodad, mngtmpaddr, noprefixroute, autojoin, preferred_lft, use_vmac, track_group)");
                    break;
            }
        }

        if (r.Error is not null)
        {
            error = r.Error;
            return false;
        }

        // keepalived's adjustments, with its reasons.
        int hostLength = ipv6 ? 128 : 32;
        if (spec.Peer is not null && address.PrefixLength != hostLength)
        {
            r.Warnings.Add($"/{address.PrefixLength}: an address with a peer takes no prefix length; /{hostLength} is used (as keepalived does)");
            spec.Address = new VirtualAddress(address.Address, hostLength);
        }

        if (ipv6 && spec.Scope is not null)
        {
            r.Warnings.Add($"scope {spec.Scope}: IPv6 addresses take no scope; ignored (as keepalived does)");
            spec.Scope = null;
        }

        if (ipv6 && spec.Label is not null)
        {
            r.Warnings.Add($"label {spec.Label}: IPv6 addresses take no label; ignored (as keepalived does)");
            spec.Label = null;
        }

        if (broadcast is not null)
        {
            if (spec.Peer is not null)
            {
                r.Warnings.Add("brd: an address with a peer takes no broadcast address; ignored (as keepalived does)");
            }
            else if (broadcast is "+" or "-" && address.PrefixLength > 30)
            {
                r.Warnings.Add($"brd {broadcast}: the prefix length {address.PrefixLength} is too long for a broadcast address; ignored (as keepalived does)");
            }
            else if (broadcast is "+" or "-")
            {
                Span<byte> bytes = stackalloc byte[4];
                address.Address.WriteTo(bytes);
                uint value32 = (uint)((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]);
                uint host = address.PrefixLength == 0 ? uint.MaxValue : uint.MaxValue >> address.PrefixLength;
                value32 = broadcast == "+" ? value32 | host : value32 & ~host;
                spec.Broadcast = IPAddressValue.FromIPv4([(byte)(value32 >> 24), (byte)(value32 >> 16), (byte)(value32 >> 8), (byte)value32]);
            }
            else
            {
                spec.Broadcast = IPAddressValue.Parse(broadcast);
            }
        }

        if (spec.Broadcast is { } b && b.IsUnspecified)
        {
            spec.Broadcast = null; // keepalived keeps 0.0.0.0 as "no broadcast address"
        }

        spec.Flags = [.. new[] { "home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin" }.Where(flags.Contains)]; // keepalived's order
        spec.Warnings = r.Warnings;
        value = spec;
        error = null;
        return true;
    }

    /// <summary>The interface of a static address without <c>dev</c>: eth0, keepalived's default interface.</summary>
    public const string DefaultStaticInterface = "eth0";

    /// <summary>
    /// The address with every option the host applies: <c>dev</c>, <c>scope</c> (by name or number), <c>brd</c>,
    /// <c>label</c>, <c>peer</c>, the flags, <c>no_track</c>, and for IPv6 the preferred lifetime with keepalived's
    /// defaults (without <c>preferred_lft</c> a /128 is deprecated, a shorter prefix preferred forever).
    /// </summary>
    /// <returns>The address.</returns>
    public VirtualAddress ToVirtualAddress()
    {
        var flags = VirtualAddressFlags.None;
        foreach (string flag in Flags)
        {
            flags |= flag switch
            {
                "home" => VirtualAddressFlags.HomeAddress,
                "-nodad" => VirtualAddressFlags.DuplicateAddressDetection,
                "mngtmpaddr" => VirtualAddressFlags.ManageTemporaryAddresses,
                "noprefixroute" => VirtualAddressFlags.NoPrefixRoute,
                "autojoin" => VirtualAddressFlags.AutoJoin,
                _ => VirtualAddressFlags.None,
            };
        }

        bool ipv6 = Address.Family == VrrpAddressFamily.IPv6;
        return Address with
        {
            Device = Device,
            Label = Label,
            Scope = Scope switch
            {
                null or "global" or "universe" => VirtualAddressScope.Global,
                "site" => VirtualAddressScope.Site,
                "link" => VirtualAddressScope.Link,
                "host" => VirtualAddressScope.Host,
                "nowhere" => VirtualAddressScope.Nowhere,
                _ => (VirtualAddressScope)byte.Parse(Scope, CultureInfo.InvariantCulture), // a number 0..255 (the parser checked it)
            },
            Broadcast = Broadcast,
            NoTrack = NoTrack,
            Peer = Peer,
            Flags = flags,
            PreferredLifetime = !ipv6 ? null
                : PreferredLifetime is { } seconds ? (seconds == uint.MaxValue ? null : seconds)
                : Address.PrefixLength == 128 ? 0u : null,
        };
    }

    /// <summary>Parses an entry.</summary>
    /// <param name="text">For example <c>192.0.2.10/24 dev eth1</c>.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="FormatException">The entry is not valid; the message says why.</exception>
    public static VirtualAddressSpec Parse(string text) =>
        TryParse(text, out var value, out string? error) ? value : throw new FormatException($"'{text}': {error}");

    /// <summary>The entry in keepalived's syntax, with the address first and each option once.</summary>
    /// <returns>For example <c>192.0.2.10/24 dev eth1 label eth1:vip</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Address.ToString());
        Append("dev", Device);
        Append("scope", Scope);
        Append("brd", Broadcast?.ToString());
        Append("label", Label);
        Append("peer", Peer?.ToString());
        if (NoTrack)
        {
            text.Append(" no_track");
        }

        foreach (string flag in Flags)
        {
            text.Append(' ').Append(flag);
        }

        Append("preferred_lft", PreferredLifetime switch { null => null, uint.MaxValue => "forever", uint s => s.ToString(CultureInfo.InvariantCulture) });
        if (UseVirtualMac)
        {
            text.Append(" use_vmac");
        }

        Append("track_group", TrackGroup);
        return text.ToString();

        void Append(string option, string? value)
        {
            if (value is not null)
            {
                text.Append(' ').Append(option).Append(' ').Append(value);
            }
        }
    }
}
