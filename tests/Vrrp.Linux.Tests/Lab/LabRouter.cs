using System.Net;
using System.Net.Sockets;
using System.Text;
using Vrrp.Election;
using Vrrp.Linux.Namespaces;
using Vrrp.Runtime;

namespace Vrrp.Linux.Tests.Lab;

/// <summary>One of our routers in a lab host: the Linux platform of its namespace, a driver and one instance.</summary>
public sealed class LabRouter : IAsyncDisposable
{
    private LabRouter(LabHost host, LinuxVrrpPlatform platform, VrrpDriver driver, string name)
    {
        Host = host;
        Platform = platform;
        Driver = driver;
        Name = name;
    }

    public LabHost Host { get; }

    public LinuxVrrpPlatform Platform { get; }

    public VrrpDriver Driver { get; }

    public string Name { get; }

    public VrrpState State => Driver.GetState(Name);

    public VrrpInstanceStatus Status() => Driver.TryGetStatus(Name, out var status) ? status : throw new InvalidOperationException(Name);

    /// <summary>
    /// Creates (does not start) a router for <paramref name="configuration"/> in <paramref name="host"/>: the Linux
    /// driver (the epoll loop), or with <paramref name="asyncDriver"/> the generic <see cref="AsyncVrrpDriver"/> over
    /// the same platform's parts.
    /// </summary>
    public static LabRouter Create(LabHost host, VirtualRouterConfiguration configuration, LinuxInstanceOptions? options = null, Microsoft.Extensions.Logging.ILoggerFactory? logs = null, bool asyncDriver = false)
    {
        var platform = LinuxVrrpPlatform.Create(host.Namespace);
        var driver = asyncDriver
            ? new AsyncVrrpDriver(platform.Transport, platform.Addresses, platform.Announcer, platform.LinkMonitor, loggerFactory: logs)
            : platform.CreateDriver(logs);
        if (options is null)
        {
            driver.AddRouter(configuration);
        }
        else
        {
            driver.AddRouter(configuration, platform.CreateResources(options, logs?.CreateLogger("Vrrp.Linux")));
        }

        return new LabRouter(host, platform, driver, configuration.Name);
    }

    public Task StartAsync() => Driver.StartAsync(TestContext.Current.CancellationToken);

    /// <summary>Waits (bounded) for a state.</summary>
    public async Task<bool> WaitForStateAsync(VrrpState state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (State == state)
            {
                return true;
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        return State == state;
    }

    /// <summary>True when the address is on the host's eth0 (asked through <c>ip</c>, not through our own code).</summary>
    public bool HoldsAddress(string address) => Host.Exec("ip", "-br", "addr", "show").Contains(address, StringComparison.Ordinal);

    /// <summary>Waits (bounded) until the address is present (or absent): address changes run after the state change.</summary>
    public async Task<bool> WaitForAddressAsync(string address, bool present = true, int timeoutMs = 2000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            if (HoldsAddress(address) == present)
            {
                return true;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        return HoldsAddress(address) == present;
    }

    public async ValueTask DisposeAsync()
    {
        await Driver.DisposeAsync();
        Platform.Dispose();
    }
}

/// <summary>A TCP service in a host namespace that answers every connection with the host's name (the client's view of who holds the VIP).</summary>
public sealed class LabTcpService : IDisposable
{
    private readonly Socket _listener;

    public LabTcpService(LabHost host, int port = 8080)
    {
        _listener = NetworkNamespace.Run(host.Namespace, () =>
        {
            var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            s.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            s.Listen(16);
            return s;
        });
        byte[] name = Encoding.ASCII.GetBytes(host.Name);
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync();
                }
                catch (Exception)
                {
                    return;
                }

                using (client)
                {
                    try
                    {
                        await client.SendAsync(name);
                        client.Shutdown(SocketShutdown.Both);
                    }
                    catch (SocketException)
                    {
                    }
                }
            }
        });
    }

    /// <summary>Connects from <paramref name="client"/> to address:port and returns who answered, or null.</summary>
    public static async Task<string?> AskAsync(LabHost client, string address, int port = 8080, int timeoutMs = 500)
    {
        var ip = IPAddress.Parse(address);
        using var socket = NetworkNamespace.Run(client.Namespace, () => new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(ip, port), cts.Token);
            byte[] buffer = new byte[64];
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Asks repeatedly (bounded) until <paramref name="expected"/> answers.</summary>
    public static async Task<string?> AskUntilAsync(LabHost client, string address, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await AskAsync(client, address);
            if (last == expected)
            {
                return last;
            }

            await Task.Delay(50);
        }

        return last;
    }

    public void Dispose() => _listener.Dispose();
}
