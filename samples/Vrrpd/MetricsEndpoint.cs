using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Vrrpd;

/// <summary>
/// Where vrrpd serves its Prometheus metrics (<c>--metrics-listen=[ADDRESS]:PORT</c>): the library's meter <c>Vrrp</c>
/// through the OpenTelemetry SDK and its Prometheus exporter, on an <see cref="HttpListener"/> at
/// <c>http://ADDRESS:PORT/metrics</c>. Off unless asked for.
/// </summary>
/// <param name="Host">The address to listen on as HttpListener takes it (<c>127.0.0.1</c>, <c>[::1]</c>, <c>*</c> for all).</param>
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

    /// <summary>Registers the OpenTelemetry meter provider with the Vrrp meter and the Prometheus listener.</summary>
    public void AddTo(IServiceCollection services, string version)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .ConfigureResource(r => r.AddService("vrrpd", serviceVersion: version))
            .AddVrrpInstrumentation()
            .AddPrometheusHttpListener(o =>
            {
                // The exporter makes a URI of Host, which refuses HttpListener's wildcard; the prefix it adds is
                // replaced below with the one vrrpd serves (HttpListener takes '*' for every address).
                o.Host = Host == "*" ? "localhost" : Host;
                o.Port = Port;
                o.ScrapeEndpointPath = Path;
                o.ConfigureHttpListener = (_, listener) =>
                {
                    listener.Prefixes.Clear();
                    listener.Prefixes.Add(Prefix);
                };
                // Each scrape sees the state of that moment (the default caches the answer for 300 ms).
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
    }

    /// <summary>The HttpListener prefix: <c>http://HOST:PORT/metrics/</c>.</summary>
    internal string Prefix => $"http://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}{Path}/";

    /// <summary>
    /// Starts the listener now (building the meter provider does), so that a port in use is an error naming the
    /// endpoint rather than the exporter's words at host start. Returns the problem, or null when it listens.
    /// </summary>
    public string? Start(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<MeterProvider>();
            return null;
        }
        catch (Exception ex)
        {
            var innermost = ex;
            while (innermost.InnerException is not null)
            {
                innermost = innermost.InnerException;
            }

            return $"the metrics listener on {Url}: {innermost.Message}";
        }
    }
}
