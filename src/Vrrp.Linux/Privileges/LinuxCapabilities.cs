using System.Globalization;
using System.Runtime.InteropServices;
using Vrrp.Linux.Interop;

namespace Vrrp.Linux;

/// <summary>Checks the calling thread's effective capabilities before the data plane changes anything.</summary>
public static class LinuxCapabilities
{
    /// <summary>The capabilities every part of the data plane needs.</summary>
    public static IReadOnlyList<LinuxCapability> Required { get; } = [LinuxCapability.NetRaw, LinuxCapability.NetAdmin];

    /// <summary>Reads the effective capability set of the calling thread (capget(2)).</summary>
    /// <returns>The set as a bit mask (bit N = capability N).</returns>
    /// <exception cref="InvalidOperationException">capget failed.</exception>
    public static unsafe ulong GetEffective()
    {
        Libc.CapabilityHeader header = new() { Version = Libc.LinuxCapabilityVersion3, Pid = 0 };
        Libc.CapabilityData* data = stackalloc Libc.CapabilityData[2];
        if (Libc.CapGet(&header, data) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException($"capget failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}).");
        }

        return data[0].Effective | ((ulong)data[1].Effective << 32);
    }

    /// <summary>Reads the <c>CapEff:</c> line of a <c>/proc/PID/status</c> text.</summary>
    /// <param name="statusText">The file's contents.</param>
    /// <returns>The effective set as a bit mask.</returns>
    /// <exception cref="FormatException">There is no well-formed <c>CapEff:</c> line.</exception>
    public static ulong ParseEffectiveFromStatus(string statusText)
    {
        ArgumentNullException.ThrowIfNull(statusText);
        foreach (var line in statusText.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                var hex = line["CapEff:".Length..].Trim();
                if (hex.Length is > 0 and <= 16 && ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong mask))
                {
                    return mask;
                }

                break;
            }
        }

        throw new FormatException("The status text has no well-formed 'CapEff:' line (expected up to 16 hexadecimal digits).");
    }

    /// <summary>Lists which of <paramref name="required"/> are missing from <paramref name="effective"/>.</summary>
    /// <param name="effective">An effective set as a bit mask.</param>
    /// <param name="required">The capabilities to look for.</param>
    /// <returns>The missing ones, in the order given.</returns>
    public static IReadOnlyList<LinuxCapability> FindMissing(ulong effective, IReadOnlyList<LinuxCapability> required)
    {
        ArgumentNullException.ThrowIfNull(required);
        List<LinuxCapability>? missing = null;
        foreach (var capability in required)
        {
            if ((effective & (1UL << (int)capability)) == 0)
            {
                (missing ??= []).Add(capability);
            }
        }

        return missing is null ? [] : missing;
    }

    /// <summary>Throws a <see cref="MissingCapabilityException"/> unless the thread holds CAP_NET_RAW and CAP_NET_ADMIN.</summary>
    /// <exception cref="MissingCapabilityException">One or both are missing.</exception>
    public static void EnsureRequired()
    {
        var missing = FindMissing(GetEffective(), Required);
        if (missing.Count > 0)
        {
            throw new MissingCapabilityException(missing);
        }
    }
}
