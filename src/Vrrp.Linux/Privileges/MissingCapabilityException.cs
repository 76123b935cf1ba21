namespace Vrrp.Linux;

/// <summary>
/// The process lacks a capability the Linux data plane needs. Thrown before any state is changed (no socket opened,
/// no address touched).
/// </summary>
public sealed class MissingCapabilityException : InvalidOperationException
{
    /// <summary>Creates the exception for the missing capabilities.</summary>
    /// <param name="missing">The capabilities that are not in the effective set.</param>
    public MissingCapabilityException(IReadOnlyList<LinuxCapability> missing)
        : base(Describe(missing))
    {
        Missing = missing;
    }

    /// <summary>The capabilities that are not in the effective set.</summary>
    public IReadOnlyList<LinuxCapability> Missing { get; }

    internal static string NameOf(LinuxCapability capability) => capability switch
    {
        LinuxCapability.NetAdmin => "CAP_NET_ADMIN",
        LinuxCapability.NetRaw => "CAP_NET_RAW",
        _ => "CAP_" + capability.ToString().ToUpperInvariant(),
    };

    private static string Describe(IReadOnlyList<LinuxCapability> missing)
    {
        ArgumentNullException.ThrowIfNull(missing);
        string names = string.Join(" and ", missing.Select(NameOf));
        return $"VRRP on Linux needs {names} (raw sockets for protocol 112 and ARP, rtnetlink to add virtual addresses), " +
            "and this process does not have it. Grant it by running as root, or with " +
            "`setcap cap_net_raw,cap_net_admin+ep <executable>`, or in a systemd unit with " +
            "`AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN` (and `CapabilityBoundingSet=` including both).";
    }
}
