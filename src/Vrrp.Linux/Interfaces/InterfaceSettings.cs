using Vrrp.Linux.Namespaces;

namespace Vrrp.Linux.Interfaces;

/// <summary>
/// Per-interface IPv4 settings under <c>/proc/sys/net/ipv4/conf/IF/</c>, read and written from inside the right
/// network namespace (the files show the namespace of the thread that opens them).
/// </summary>
internal static class InterfaceSettings
{
    internal static string? Read(string? networkNamespace, string interfaceName, string setting) =>
        NetworkNamespace.Run(networkNamespace, () =>
        {
            string path = PathOf(interfaceName, setting);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        });

    internal static void Write(string? networkNamespace, string interfaceName, string setting, string value) =>
        NetworkNamespace.Run(networkNamespace, () =>
        {
            File.WriteAllText(PathOf(interfaceName, setting), value);
            return true;
        });

    /// <summary>Reads a per-interface IPv6 setting under <c>/proc/sys/net/ipv6/conf/IF/</c>, or null when it does not exist.</summary>
    internal static string? ReadIPv6(string? networkNamespace, string interfaceName, string setting) =>
        NetworkNamespace.Run(networkNamespace, () =>
        {
            string path = PathOf(interfaceName, setting, "ipv6");
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        });

    /// <summary>Writes a per-interface IPv6 setting under <c>/proc/sys/net/ipv6/conf/IF/</c>.</summary>
    internal static void WriteIPv6(string? networkNamespace, string interfaceName, string setting, string value) =>
        NetworkNamespace.Run(networkNamespace, () =>
        {
            File.WriteAllText(PathOf(interfaceName, setting, "ipv6"), value);
            return true;
        });

    private static string PathOf(string interfaceName, string setting, string family = "ipv4")
    {
        if (interfaceName.Contains('/') || interfaceName is "." or "..")
        {
            throw new ArgumentException($"'{interfaceName}' is not an interface name.", nameof(interfaceName));
        }

        return $"/proc/sys/net/{family}/conf/{interfaceName}/{setting}";
    }
}
