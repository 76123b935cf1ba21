using Vrrp.Packets;

namespace Vrrp.Hosting;

/// <summary>
/// The one list of options that are read and validated but that the host does not apply yet. A configuration that
/// uses one is refused by the options validator (an instance would run without what it asks for, with the keepalived
/// keyword and what to use instead), unless <see cref="VrrpOptions.IgnoreUnsupported"/> is set: then the host logs
/// each one at start (event 1005) and runs without it. Whoever implements one of these at run time removes its entry.
/// </summary>
internal static class NotYetApplied
{
    /// <summary>An option of an instance that the host does not apply yet.</summary>
    /// <param name="Setting">The option, as the validator names it (with its keepalived keyword).</param>
    /// <param name="Instead">What to configure instead to get a working instance.</param>
    /// <param name="IsUsed">Whether an instance uses it.</param>
    internal sealed record Entry(string Setting, string Instead, Func<VrrpInstanceOptions, bool> IsUsed);

    /// <summary>The instance options not applied yet.</summary>
    public static IReadOnlyList<Entry> InstanceOptions { get; } =
    [
        new("UseVirtualMac (use_vmac)", "leave it out: the addresses then go on the interface itself, with its MAC address", static o => o.UseVirtualMac),
        new("StrictMode (strict_mode, vrrp_strict)", "leave it out: RFC-strict checks are then not enforced", static o => o.StrictMode),
        new("AuthenticationType (auth_type) AH", "auth_type PASS or no authentication, on every router of the group", static o => o.AuthenticationType == AuthenticationType.IPAuthenticationHeader),
    ];

    /// <summary>The entries an instance uses.</summary>
    public static IEnumerable<Entry> UsedBy(VrrpInstanceOptions instance) => InstanceOptions.Where(e => e.IsUsed(instance));
}
