using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vrrpd;

/// <summary>
/// systemd's notification protocol (sd_notify(3)) for <c>Type=notify</c>: one datagram per message on the unix socket
/// named by <c>NOTIFY_SOCKET</c> (a path, or <c>@name</c> in the abstract namespace): <c>READY=1</c> once the instances
/// run, <c>RELOADING=1</c> with <c>MONOTONIC_USEC</c> on SIGHUP and <c>READY=1</c> when the reload is done,
/// <c>STOPPING=1</c>, <c>STATUS=</c> lines, and <c>WATCHDOG=1</c> every half <c>WATCHDOG_USEC</c> when the unit sets
/// <c>WatchdogSec=</c>. Without <c>NOTIFY_SOCKET</c> it does nothing.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Hosting.Systemd is not used: it sends READY and STOPPING only, has no RELOADING or watchdog,
/// replaces the console formatter, and stays silent unless the parent process is systemd itself, so a test that hands
/// vrrpd its own <c>NOTIFY_SOCKET</c> would receive nothing.
/// </remarks>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Lock _gate = new();
    private Timer? _watchdog;

    public SystemdNotifier()
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path) || !(path[0] is '/' or '@'))
        {
            return;
        }

        _endPoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>True when vrrpd runs under a service manager that listens.</summary>
    public bool IsEnabled => _socket is not null;

    /// <summary>The watchdog period the unit asked for (<c>WATCHDOG_USEC</c>, when <c>WATCHDOG_PID</c> is absent or ours), or null.</summary>
    public static TimeSpan? WatchdogPeriod()
    {
        string? usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out long microseconds) || microseconds <= 0 ||
            (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(microseconds);
    }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    /// <summary>RELOADING=1 with the time of the reload on CLOCK_MONOTONIC (what <c>Type=notify-reload</c> needs).</summary>
    public void Reloading() =>
        Send(string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000)}\nSTATUS=Reloading"));

    public void Stopping() => Send("STOPPING=1\nSTATUS=Stopping");

    public void Status(string status) => Send("STATUS=" + status);

    /// <summary>Sends WATCHDOG=1 at half the period while <paramref name="alive"/> says the daemon works.</summary>
    public void StartWatchdog(TimeSpan period, Func<bool> alive)
    {
        var half = period / 2;
        _watchdog = new Timer(_ =>
        {
            if (alive())
            {
                Send("WATCHDOG=1");
            }
        }, null, TimeSpan.Zero, half);
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        _socket?.Dispose();
    }

    private void Send(string message)
    {
        if (_socket is null)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                _socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, _endPoint!);
            }
            catch (SocketException)
            {
                // The manager went away: nothing to tell.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
