using Vrrp.Election;

namespace Vrrp.Architecture.Tests;

/// <summary>
/// The protocol core (Vrrp.Election and Vrrp.Packets) must not touch sockets, tasks, threads, timers or the system
/// clock: checked on the compiled IL of every method, and on field and method signatures, of every type in those
/// namespaces (nested types included).
/// </summary>
public class NoIoInProtocolCoreTests
{
    private static readonly string[] ForbiddenNamespaces =
    [
        "System.Threading.Tasks",
        "System.Net.Sockets",
        "System.IO",
    ];

    private static readonly string[] ForbiddenTypes =
    [
        "System.Threading.Timer",
        "System.Threading.ITimer",
        "System.Threading.Thread",
        "System.Threading.ThreadPool",
        "System.Threading.Tasks.Task",
        "System.TimeProvider",
        "System.Diagnostics.Stopwatch",
        "System.Timers.Timer",
    ];

    private static readonly string[] ForbiddenMembers =
    [
        "System.DateTime::get_Now",
        "System.DateTime::get_UtcNow",
        "System.DateTime::get_Today",
        "System.DateTimeOffset::get_Now",
        "System.DateTimeOffset::get_UtcNow",
        "System.Environment::get_TickCount",
        "System.Environment::get_TickCount64",
    ];

    [Fact]
    public void Election_and_packets_reference_no_io_threads_timers_or_clock()
    {
        var violations = IlScanner.Scan(typeof(VirtualRouter).Assembly.Location, ns => ns is "Vrrp.Election" or "Vrrp.Packets", IsForbidden, out int types);
        Assert.True(types >= 10, $"only {types} types scanned");
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_scanner_finds_what_the_runtime_namespace_uses()
    {
        // The driver uses tasks and timers on purpose: the scanner must see them, or the test above proves nothing.
        var violations = IlScanner.Scan(typeof(VirtualRouter).Assembly.Location, ns => ns is "Vrrp.Runtime", IsForbidden, out _);
        Assert.Contains(violations, v => v.Contains("System.Threading.Tasks", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("System.TimeProvider", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("System.Threading.ITimer", StringComparison.Ordinal));
    }

    private static bool IsForbidden(string referenced)
    {
        foreach (var ns in ForbiddenNamespaces)
        {
            if (referenced.Contains(ns + ".", StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var type in ForbiddenTypes)
        {
            int at = referenced.IndexOf(type, StringComparison.Ordinal);
            if (at >= 0 && (at + type.Length == referenced.Length || !char.IsLetterOrDigit(referenced[at + type.Length])))
            {
                return true;
            }
        }

        return ForbiddenMembers.Any(m => referenced.Contains(m, StringComparison.Ordinal));
    }
}
