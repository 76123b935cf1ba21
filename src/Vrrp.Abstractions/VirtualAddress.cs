namespace Vrrp;

/// <summary>
/// A virtual IP address that the master of a virtual router holds (keepalived's <c>virtual_ipaddress</c> entry). In
/// JSON it is <c>{"address":"192.0.2.100","prefixLength":24}</c> (<see cref="VirtualAddressJsonConverter"/>).
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

    /// <summary>An optional IPv4 address label, or null.</summary>
    public string? Label { get; }

    /// <summary>The interface that carries the address when it is not the instance's own, or null.</summary>
    public string? Device { get; }

    /// <summary>The address family.</summary>
    public VrrpAddressFamily Family => Address.Family;

    /// <summary>Parses keepalived's form <c>ADDR[/LEN]</c>.</summary>
    /// <param name="text">For example <c>172.16.1.25</c> or <c>fd00::10/64</c>.</param>
    /// <returns>The virtual address.</returns>
    /// <exception cref="FormatException">The text is not an address with an optional prefix length.</exception>
    public static VirtualAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
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

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}
