using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Vrrp.Hosting;
using Vrrpd;
using Vrrpd.Metrics;

namespace Vrrp.Samples.Tests;

/// <summary>
/// vrrpd's own Prometheus endpoint (issue 16): the renderer gives the series the OpenTelemetry exporter gave (its
/// output is kept in Vectors/opentelemetry-prometheus-1.20.1), and the HTTP server answers only GET /metrics and
/// survives bad clients. No root, no namespaces: a loopback port chosen by the kernel.
/// </summary>
public sealed class VrrpdMetricsTests
{
    private static readonly KeyValuePair<string, object?> Vi1 = new(VrrpInstrumentNames.InstanceTag, "VI_1");
    private static readonly KeyValuePair<string, object?> Vi2 = new(VrrpInstrumentNames.InstanceTag, "VI_2");

    [Fact]
    public void The_renderer_gives_the_series_the_OpenTelemetry_exporter_gave()
    {
        // The instruments of Vrrp.Hosting's VrrpMetrics (names, units, descriptions, registration order), with the
        // values of the scrape recorded from vrrpd 0.1.0 with OpenTelemetry.Exporter.Prometheus.HttpListener 1.20.1.
        using var meter = new Meter(VrrpInstrumentNames.MeterName);
        var transitions = meter.CreateCounter<long>(VrrpInstrumentNames.Transitions, "{transition}", "State changes of the virtual routers.");
        meter.CreateObservableCounter(VrrpInstrumentNames.AdvertisementsSent, () => new Measurement<long>[] { new(3, Vi1), new(2, Vi2) }, "{advertisement}", "Advertisements sent.");
        meter.CreateObservableCounter(VrrpInstrumentNames.AdvertisementsReceived, () => new Measurement<long>[] { new(0, Vi1), new(0, Vi2) }, "{advertisement}", "Valid advertisements received.");
        meter.CreateObservableCounter(VrrpInstrumentNames.Drops, () => Array.Empty<Measurement<long>>(), "{packet}", "Received packets dropped, by reason.");
        meter.CreateObservableGauge(VrrpInstrumentNames.State, () => new Measurement<int>[] { new(2, Vi1), new(2, Vi2) }, "{state}", "Current state (0 Initialize, 1 Backup, 2 Master, 3 Fault, 4 Stopped).");
        meter.CreateObservableGauge(VrrpInstrumentNames.StateCurrent, StateSet, "{state}", "1 for the state the instance is in, 0 for the others (tag vrrp.state).");
        meter.CreateObservableGauge(VrrpInstrumentNames.VirtualAddressesHeld, () => new Measurement<int>[] { new(1, Vi1), new(1, Vi2) }, "{instance}", "1 while this node holds the virtual addresses.");
        meter.CreateObservableGauge(VrrpInstrumentNames.VersionMismatch, () => new Measurement<int>[] { new(0, Vi1), new(0, Vi2) }, "{instance}", "1 while a peer on the same VRID speaks the other VRRP version.");
        meter.CreateObservableGauge(VrrpInstrumentNames.Drained, () => new Measurement<int>[] { new(0, Vi1), new(0, Vi2) }, "{instance}", "1 while an operator has drained the instance.");
        meter.CreateObservableGauge(VrrpInstrumentNames.EffectivePriority, () => new Measurement<int>[] { new(150, Vi1), new(100, Vi2) }, "{priority}", "Effective priority.");
        meter.CreateObservableCounter(VrrpInstrumentNames.MasterTime, () => new Measurement<double>[] { new(2.1730356, Vi1), new(1.9796837, Vi2) }, "s", "Time spent as master.");
        using var collector = new MetricsCollector(m => ReferenceEquals(m, meter),
            [new("service.name", "vrrpd"), new("service.version", "0.1.0"), new("service.instance.id", "401aca9a-2a88-4646-a94f-2366756882a4")]);
        transitions.Add(1, Vi1, new(VrrpInstrumentNames.StateTag, "Backup"));
        transitions.Add(1, Vi2, new(VrrpInstrumentNames.StateTag, "Backup"));
        transitions.Add(1, Vi1, new(VrrpInstrumentNames.StateTag, "Master"));
        transitions.Add(1, Vi2, new(VrrpInstrumentNames.StateTag, "Master"));

        string reference = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "opentelemetry-prometheus-1.20.1", "vrrpd-metrics.txt"));
        // The one difference: target_info no longer names an OpenTelemetry SDK (there is none in vrrpd now).
        string expected = reference.Replace(",telemetry_sdk_name=\"opentelemetry\",telemetry_sdk_language=\"dotnet\",telemetry_sdk_version=\"1.20.1\"", "", StringComparison.Ordinal);
        Assert.NotEqual(reference, expected);
        Assert.Equal(expected, collector.Scrape());

        static IEnumerable<Measurement<int>> StateSet()
        {
            foreach (var instance in new[] { Vi1, Vi2 })
            {
                foreach (string state in new[] { "Initialize", "Backup", "Master", "Fault", "Stopped" })
                {
                    yield return new(state == "Master" ? 1 : 0, instance, new(VrrpInstrumentNames.StateTag, state));
                }
            }
        }
    }

    [Theory]
    [InlineData("vrrp.instance.master.time", "s", "Counter", "vrrp_instance_master_time_seconds_total")]
    [InlineData("vrrp.packets.dropped", "{packet}", "Counter", "vrrp_packets_dropped_total")]
    [InlineData("vrrp.instance.state", "{state}", "Gauge", "vrrp_instance_state")]
    [InlineData("requests_total", "", "Counter", "requests_total")]
    [InlineData("heap.size", "By", "Gauge", "heap_size_bytes")]
    [InlineData("link.rate", "By/s", "Gauge", "link_rate_bytes_per_second")]
    [InlineData("cpu.utilization", "1", "Gauge", "cpu_utilization_ratio")]
    [InlineData("latency_seconds", "s", "Histogram", "latency_seconds")]
    [InlineData("odd-name..with spaces", null, "Gauge", "odd_name_with_spaces")]
    [InlineData("9lives", "ms", "Gauge", "_9lives_milliseconds")]
    public void Names_get_their_unit_suffix_and_total_as_the_exporter_made_them(string instrument, string? unit, string kind, string expected) =>
        Assert.Equal(expected, PrometheusText.MetricName(instrument, unit, Enum.Parse<MetricsCollector.Kind>(kind)));

    [Fact]
    public void Label_values_and_help_are_escaped_and_tags_sorted_after_the_scope()
    {
        using var meter = new Meter("Vrrp");
        var gauge = meter.CreateGauge<double>("g", null, "line one\nback\\slash");
        using var collector = new MetricsCollector(m => ReferenceEquals(m, meter), []);
        gauge.Record(0.5, new KeyValuePair<string, object?>("z.tag", "a\"b\\c\nd"), new KeyValuePair<string, object?>("a.tag", true));
        Assert.Equal("""
            # TYPE g gauge
            # HELP g line one\nback\\slash
            g{otel_scope_name="Vrrp",a_tag="true",z_tag="a\"b\\c\nd"} 0.5

            """.ReplaceLineEndings("\n"), collector.Scrape());
    }

    [Fact]
    public void The_UTF8_answer_is_the_text_encoded_and_label_sets_stay_apart()
    {
        using var meter = new Meter("Vrrp");
        var counter = meter.CreateCounter<long>("c");
        using var collector = new MetricsCollector(m => ReferenceEquals(m, meter), [new("service.name", "vrrpd")]);
        // Same values under other keys, other orders, and a fourth tag (not cached) are other series or the same one.
        counter.Add(1, new KeyValuePair<string, object?>("a", "é"), new KeyValuePair<string, object?>("b", 1));
        counter.Add(2, new KeyValuePair<string, object?>("b", 1), new KeyValuePair<string, object?>("a", "é"));
        counter.Add(4, new KeyValuePair<string, object?>("a", 1), new KeyValuePair<string, object?>("b", "é"));
        counter.Add(8, new("a", "é"), new("b", 1), new("c", null), new("d", 2.5));
        string text = collector.Scrape();
        Assert.Contains("c_total{otel_scope_name=\"Vrrp\",a=\"é\",b=\"1\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("c_total{otel_scope_name=\"Vrrp\",a=\"1\",b=\"é\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("c_total{otel_scope_name=\"Vrrp\",a=\"é\",b=\"1\",c=\"\",d=\"2.5\"} 8\n", text, StringComparison.Ordinal);
        var (rented, length) = collector.ScrapeUtf8();
        Assert.Equal(Encoding.UTF8.GetBytes(text), rented.AsSpan(0, length).ToArray());
        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
    }

    [Fact]
    public void Counters_keep_a_running_total_gauges_their_last_value_and_observables_only_what_they_report_now()
    {
        using var meter = new Meter("Vrrp");
        var counter = meter.CreateCounter<long>("c", "{event}");
        var upDown = meter.CreateUpDownCounter<int>("u");
        var gauge = meter.CreateGauge<long>("g");
        bool report = true;
        meter.CreateObservableGauge("o", () => report ? [new Measurement<long>(7)] : Array.Empty<Measurement<long>>());
        using var collector = new MetricsCollector(m => ReferenceEquals(m, meter), []);
        counter.Add(2);
        counter.Add(3);
        upDown.Add(5);
        upDown.Add(-7);
        gauge.Record(9);
        gauge.Record(4);
        string first = collector.Scrape();
        Assert.Contains("\nc_total{otel_scope_name=\"Vrrp\"} 5\n", first, StringComparison.Ordinal);
        Assert.Contains("# TYPE c_total counter\n", first, StringComparison.Ordinal);
        Assert.Contains("\nu{otel_scope_name=\"Vrrp\"} -2\n", first, StringComparison.Ordinal);
        Assert.Contains("# TYPE u gauge\n", first, StringComparison.Ordinal);
        Assert.Contains("\ng{otel_scope_name=\"Vrrp\"} 4\n", first, StringComparison.Ordinal);
        Assert.Contains("\no{otel_scope_name=\"Vrrp\"} 7\n", first, StringComparison.Ordinal);

        report = false;
        counter.Add(1);
        string second = collector.Scrape();
        Assert.Contains("\nc_total{otel_scope_name=\"Vrrp\"} 6\n", second, StringComparison.Ordinal);
        Assert.DoesNotContain("o{", second, StringComparison.Ordinal);
        Assert.DoesNotContain("# TYPE o ", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Histograms_have_cumulative_buckets_with_le_then_sum_and_count()
    {
        using var meter = new Meter("Vrrp");
        var advised = meter.CreateHistogram<double>("vrrp.test.delay", "s", "Delays.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var plain = meter.CreateHistogram<long>("sizes", "By");
        using var collector = new MetricsCollector(m => ReferenceEquals(m, meter), []);
        foreach (double v in new[] { 0.05, 0.5, 0.75, 3 })
        {
            advised.Record(v, Vi1);
        }

        plain.Record(7);
        string text = collector.Scrape();
        Assert.Contains("""
            # TYPE vrrp_test_delay_seconds histogram
            # HELP vrrp_test_delay_seconds Delays.
            vrrp_test_delay_seconds_bucket{otel_scope_name="Vrrp",vrrp_instance="VI_1",le="0.1"} 1
            vrrp_test_delay_seconds_bucket{otel_scope_name="Vrrp",vrrp_instance="VI_1",le="1"} 3
            vrrp_test_delay_seconds_bucket{otel_scope_name="Vrrp",vrrp_instance="VI_1",le="+Inf"} 4
            vrrp_test_delay_seconds_sum{otel_scope_name="Vrrp",vrrp_instance="VI_1"} 4.3
            vrrp_test_delay_seconds_count{otel_scope_name="Vrrp",vrrp_instance="VI_1"} 4

            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
        // Without advice: OpenTelemetry's default boundaries (0, 5, 10, ... 10000); 7 falls in (5, 10].
        Assert.Contains("sizes_bytes_bucket{otel_scope_name=\"Vrrp\",le=\"5\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("sizes_bytes_bucket{otel_scope_name=\"Vrrp\",le=\"10\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("sizes_bytes_bucket{otel_scope_name=\"Vrrp\",le=\"10000\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("sizes_bytes_sum{otel_scope_name=\"Vrrp\"} 7\nsizes_bytes_count{otel_scope_name=\"Vrrp\"} 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, false, "+Inf")]
    [InlineData(double.NegativeInfinity, false, "-Inf")]
    [InlineData(double.NaN, false, "NaN")]
    [InlineData(0.1, false, "0.1")]
    [InlineData(1e21, false, "1E+21")]
    [InlineData(42.0, true, "42")]
    public void Numbers_are_written_as_Prometheus_reads_them(double value, bool integral, string expected) =>
        Assert.Equal(expected, PrometheusText.Number(value, integral));

    [Fact]
    public async Task GET_metrics_answers_the_exposition_and_closes_the_connection()
    {
        await using var server = StartServer(TimeSpan.FromSeconds(5));
        string answer = await ExchangeAsync(server, "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 7\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nup_x 1\n", answer, StringComparison.Ordinal);

        Assert.EndsWith("\r\n\r\nup_x 1\n", await ExchangeAsync(server, "GET /metrics?name[]=up HTTP/1.0\n\n"), StringComparison.Ordinal);
        string head = await ExchangeAsync(server, "HEAD /metrics HTTP/1.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.EndsWith("Connection: close\r\n\r\n", head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", "404 Not Found")]
    [InlineData("GET /metrics/x HTTP/1.1\r\n\r\n", "404 Not Found")]
    [InlineData("GET /metricsx HTTP/1.1\r\n\r\n", "404 Not Found")]
    [InlineData("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "405 Method Not Allowed")]
    [InlineData("garbage\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /metrics\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /metrics HTTP/2.0\r\n\r\n", "400 Bad Request")]
    [InlineData("get /metrics HTTP/1.1\r\n\r\n", "400 Bad Request")]
    [InlineData("GET metrics HTTP/1.1\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /metr\u0001ics HTTP/1.1\r\n\r\n", "400 Bad Request")]
    [InlineData("GET  /metrics HTTP/1.1\r\n\r\n", "400 Bad Request")]
    [InlineData("\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /metrics HTTP/1.1\r\n", "400 Bad Request")] // the client half-closes before the empty line
    public async Task Other_requests_get_an_error_status_and_the_server_goes_on(string request, string status)
    {
        await using var server = StartServer(TimeSpan.FromSeconds(5));
        string answer = await ExchangeAsync(server, request);
        Assert.StartsWith($"HTTP/1.1 {status}\r\n", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("up_x", answer, StringComparison.Ordinal);
        Assert.EndsWith("up_x 1\n", await ExchangeAsync(server, "GET /metrics HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_request_is_refused_with_431_without_reading_it_all()
    {
        await using var server = StartServer(TimeSpan.FromSeconds(5));
        string request = "GET /metrics HTTP/1.1\r\nX-Filler: " + new string('a', 4 * MetricsHttpServer.MaxRequestBytes) + "\r\n\r\n";
        string answer = await ExchangeAsync(server, request);
        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", answer, StringComparison.Ordinal);

        // A head that never ends is cut off the same way.
        using var client = await ConnectAsync(server);
        await client.SendAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nX: " + new string('b', MetricsHttpServer.MaxRequestBytes + 10)));
        Assert.StartsWith("HTTP/1.1 431 ", await ReceiveAllAsync(client), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_sends_nothing_or_stops_halfway_is_dropped_after_the_timeout()
    {
        var timeout = TimeSpan.FromMilliseconds(300);
        await using var server = StartServer(timeout);
        using var silent = await ConnectAsync(server);
        using var halfway = await ConnectAsync(server);
        await halfway.SendAsync("GET /metr"u8.ToArray());
        var started = DateTime.UtcNow;

        // Closed without an answer (the read ends), well before the test's own bound.
        Assert.Equal("", await ReceiveAllAsync(silent));
        Assert.Equal("", await ReceiveAllAsync(halfway));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.EndsWith("up_x 1\n", await ExchangeAsync(server, "GET /metrics HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_idle_clients_than_it_serves_at_once_do_not_stop_it()
    {
        await using var server = StartServer(TimeSpan.FromMilliseconds(300));
        var idle = new List<Socket>();
        try
        {
            for (int i = 0; i < 3 * MetricsHttpServer.MaxConnections; i++)
            {
                idle.Add(await ConnectAsync(server));
            }

            // The extra ones are closed at once, the rest at their timeout; then it answers again.
            foreach (var socket in idle)
            {
                Assert.Equal("", await ReceiveAllAsync(socket));
            }

            Assert.EndsWith("up_x 1\n", await ExchangeAsync(server, "GET /metrics HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_scrape_that_throws_is_a_500_not_a_crash()
    {
        await using var server = new MetricsHttpServer(() => throw new InvalidOperationException("callback broke"), MetricsEndpoint.Path, TimeSpan.FromSeconds(5));
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        string answer = await ExchangeAsync(server, "GET /metrics HTTP/1.1\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 500 Internal Server Error\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("callback broke", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_a_socket_error_at_start()
    {
        await using var first = StartServer(TimeSpan.FromSeconds(5));
        await using var second = new MetricsHttpServer(() => Body(""), MetricsEndpoint.Path, TimeSpan.FromSeconds(5));
        var error = Assert.Throws<SocketException>(() => second.Start(first.LocalEndPoint!));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    [Theory]
    [InlineData(":9650", "*", "[::]:9650")]
    [InlineData("127.0.0.1:9650", "127.0.0.1", "127.0.0.1:9650")]
    [InlineData("[::1]:9651", "[::1]", "[::1]:9651")]
    public void The_listen_syntax_gives_the_end_point_to_bind(string text, string host, string endPoint)
    {
        Assert.True(MetricsEndpoint.TryParse(text, out var endpoint, out string? error), error);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(endPoint, endpoint.EndPoint.ToString());
    }

    private static MetricsHttpServer StartServer(TimeSpan timeout)
    {
        var server = new MetricsHttpServer(() => Body("up_x 1\n"), MetricsEndpoint.Path, timeout);
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return server;
    }

    private static (byte[] Rented, int Length) Body(string text)
    {
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text) + 1);
        return (rented, Encoding.UTF8.GetBytes(text, rented));
    }

    private static async Task<Socket> ConnectAsync(MetricsHttpServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndPoint!, TestContext.Current.CancellationToken);
        return socket;
    }

    /// <summary>Sends the request, half-closes, and reads the answer until the server closes (bounded).</summary>
    private static async Task<string> ExchangeAsync(MetricsHttpServer server, string request)
    {
        using var socket = await ConnectAsync(server);
        await socket.SendAsync(Encoding.Latin1.GetBytes(request));
        socket.Shutdown(SocketShutdown.Send);
        return await ReceiveAllAsync(socket);
    }

    private static async Task<string> ReceiveAllAsync(Socket socket)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        var answer = new MemoryStream();
        byte[] buffer = new byte[4096];
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            answer.Write(buffer, 0, n);
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }
}
