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

    private static string PathOf(string interfaceName, string setting)
    {
        if (interfaceName.Contains('/') || interfaceName is "." or "..")
        {
            throw new ArgumentException($"'{interfaceName}' is not an interface name.", nameof(interfaceName));
        }

        return $"/proc/sys/net/ipv4/conf/{interfaceName}/{setting}";
    }
}
