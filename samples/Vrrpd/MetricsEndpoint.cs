using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Vrrp.Hosting;
using Vrrpd.Metrics;

namespace Vrrpd;

/// <summary>
/// Where vrrpd serves its Prometheus metrics (<c>--metrics-listen=[ADDRESS]:PORT</c>): the library's meter <c>Vrrp</c>
/// collected by a <see cref="System.Diagnostics.Metrics.MeterListener"/> and served in the Prometheus text format by a small HTTP server at
/// <c>http://ADDRESS:PORT/metrics</c> (<see cref="MetricsExporter"/>). Off unless asked for.
/// </summary>
/// <param name="Host">The address to listen on (<c>127.0.0.1</c>, <c>[::1]</c>, <c>*</c> for all).</param>
/// <param name="Port">The TCP port.</param>
internal sealed record MetricsEndpoint(string Host, int Port)
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>The URL, for the log line at start.</summary>
    public string Url => $"http://{(Host == "*" ? "0.0.0.0" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}{Path}";

    /// <summary>Parses <c>ADDRESS:PORT</c>, <c>[IPV6]:PORT</c>, <c>:PORT</c> or <c>*:PORT</c> (every address).</summary>
    public static bool TryParse(string text, out MetricsEndpoint endpoint, out string? error)
    {
        endpoint = null!;
        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"'{text}' is not ADDRESS:PORT (for example 127.0.0.1:9650, [::1]:9650 or :9650 for every address)";
            return false;
        }

        string address = text[..colon];
        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"the port '{portText}' is not a number from 1 to 65535";
            return false;
        }

        if (address is "" or "*" or "0.0.0.0" or "[::]")
        {
            endpoint = new MetricsEndpoint("*", port);
            error = null;
            return true;
        }

        string bare = address.StartsWith('[') && address.EndsWith(']') ? address[1..^1] : address;
        if (!IPAddress.TryParse(bare, out var ip) || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) != address.StartsWith('['))
        {
            error = $"'{address}' is not an IPv4 address or an IPv6 address in brackets ([::1])";
            return false;
        }

        endpoint = new MetricsEndpoint(address, port);
        error = null;
        return true;
    }

    /// <summary>How long a scraper has to send its request and read the answer.</summary>
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Registers the collector of the Vrrp meter and the HTTP server (<see cref="MetricsExporter"/>); nothing listens
    /// or collects until <see cref="Start"/>.
    /// </summary>
    public void AddTo(IServiceCollection services, string version) =>
        services.AddSingleton(_ => new MetricsExporter(this, version));

    /// <summary>
    /// Starts the collector and binds the listener now, so that a port in use is an error naming the endpoint at
    /// start. Returns the problem, or null when it listens.
    /// </summary>
    public string? Start(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<MetricsExporter>().Start();
            return null;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return $"the metrics listener on {Url}: {ex.Message}";
        }
    }

    /// <summary>The IP end point to bind: every address (IPv6 and IPv4) for <c>*</c>.</summary>
    internal IPEndPoint EndPoint =>
        new(Host == "*" ? IPAddress.IPv6Any : IPAddress.Parse(Host.StartsWith('[') ? Host[1..^1] : Host), Port);
}

/// <summary>
/// vrrpd's Prometheus endpoint at run time: a <see cref="MetricsCollector"/> on the meter <c>Vrrp</c> (with
/// <c>target_info</c> naming the service) served by a <see cref="MetricsHttpServer"/>.
/// </summary>
internal sealed class MetricsExporter(MetricsEndpoint endpoint, string version) : IDisposable
{
    private MetricsCollector? _collector;
    private MetricsHttpServer? _server;

    /// <summary>Starts collecting and listening.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public void Start()
    {
        _collector = new MetricsCollector(static meter => meter.Name == VrrpInstrumentNames.MeterName,
        [
            new("service.name", "vrrpd"),
            new("service.version", version),
            new("service.instance.id", Guid.NewGuid().ToString()),
        ]);
        _server = new MetricsHttpServer(_collector.ScrapeUtf8, MetricsEndpoint.Path, MetricsEndpoint.ClientTimeout);
        _server.Start(endpoint.EndPoint);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _collector?.Dispose();
    }
}
