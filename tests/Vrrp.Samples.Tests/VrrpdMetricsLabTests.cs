using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// vrrpd's Prometheus endpoint checked by the real thing (issue 17): <c>promtool check metrics</c> accepts the
/// exposition, and a Prometheus server on the LAN scrapes two vrrpd and sees the backup become master on failover.
/// </summary>
[SupportedOSPlatform("linux")] // a lab test: skipped elsewhere
public partial class VrrpdMetricsLabTests
{
    private const int Port = 9650;

    [Fact]
    public async Task Prometheus_scrapes_vrrpd_in_a_namespace_promtool_accepts_the_exposition_and_the_failover_shows()
    {
        LabProcess.RequireRootAnd("ip", "prometheus", "promtool", "python3");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        var r2 = lab.AddHost("r2", "192.0.2.12/24");
        var monitoring = lab.AddHost("prom", "192.0.2.50/24");
        string metrics = $"--metrics-listen=:{Port}";
        var vrrpd1 = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-f",
            lab.WriteFile("r1.conf", VrrpdControlLabTests.Config(150)), metrics, "--control-socket=none"]));
        var vrrpd2 = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r2.Namespace, VrrpdProcess.Path, "-f",
            lab.WriteFile("r2.conf", VrrpdControlLabTests.Config(100)), metrics, "--control-socket=none"]));
        string prometheusConfig = lab.WriteFile("prometheus.yml", $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: vrrpd
                static_configs:
                  - targets: ['192.0.2.11:{Port}', '192.0.2.12:{Port}']
            """);
        BackgroundProcess? prometheus = null;
        try
        {
            Assert.True(vrrpd1.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), vrrpd1.Output);
            Assert.True(vrrpd2.WaitForOutput("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(10)), vrrpd2.Output);
            Assert.Contains($"Serving Prometheus metrics on http://0.0.0.0:{Port}/metrics", vrrpd1.Output, StringComparison.Ordinal);

            // The exposition as a scraper on the LAN gets it, checked by promtool (format and lint).
            string exposition = Fetch(monitoring, $"http://192.0.2.11:{Port}/metrics");
            TestContext.Current.TestOutputHelper?.WriteLine(exposition);
            string check = monitoring.Exec("sh", "-c", $"python3 -c \"{FetchScript($"http://192.0.2.11:{Port}/metrics")}\" | promtool check metrics 2>&1; echo exit=$?");
            Assert.True(check.TrimEnd().EndsWith("exit=0", StringComparison.Ordinal), check);
            Assert.Contains("# TYPE vrrp_instance_state gauge", exposition, StringComparison.Ordinal);
            Assert.Matches(@"vrrp_instance_state\{[^}]*vrrp_instance=""VI_1""[^}]*\} 2", exposition);
            Assert.Matches(@"vrrp_instance_state_current\{[^}]*vrrp_instance=""VI_1"",vrrp_state=""Master""\} 1", exposition);
            Assert.Matches(@"vrrp_instance_vips_held\{[^}]*\} 1", exposition);
            Assert.Matches(@"vrrp_advertisements_sent_total\{[^}]*\} [1-9]", exposition);
            Assert.Contains("service_name=\"vrrpd\"", exposition, StringComparison.Ordinal);

            // A Prometheus server in its own namespace on the LAN.
            prometheus = lab.Track(new BackgroundProcess("ip", ["netns", "exec", monitoring.Namespace, "prometheus",
                $"--config.file={prometheusConfig}", $"--storage.tsdb.path={Path.Combine(lab.Directory, "tsdb")}",
                "--web.listen-address=127.0.0.1:9090", "--log.level=warn"]));
            Assert.True(await WaitForValueAsync(monitoring, "vrrp_instance_state{instance=\"192.0.2.11:9650\"}", 2, TimeSpan.FromSeconds(30)), prometheus.Output);
            Assert.True(await WaitForValueAsync(monitoring, "vrrp_instance_state{instance=\"192.0.2.12:9650\"}", 1, TimeSpan.FromSeconds(10)), prometheus.Output);
            Assert.True(await WaitForValueAsync(monitoring, "sum(vrrp_instance_vips_held)", 1, TimeSpan.FromSeconds(10)), prometheus.Output);

            // Failover: the master stops (priority 0); Prometheus sees r2 become master and hold the VIP, r1 go away.
            // (r2 may have been master for a moment at start, on a loaded machine: its count goes up by one from here.)
            const string r2BecameMaster = "vrrp_instance_transitions_total{instance=\"192.0.2.12:9650\",vrrp_state=\"Master\"}";
            double before = Query(monitoring, r2BecameMaster) ?? 0;
            vrrpd1.Signal("TERM");
            Assert.True(vrrpd2.WaitForOutput("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)), vrrpd2.Output);
            Assert.True(await WaitForValueAsync(monitoring, "vrrp_instance_state{instance=\"192.0.2.12:9650\"}", 2, TimeSpan.FromSeconds(10)), prometheus.Output);
            Assert.True(await WaitForValueAsync(monitoring, "vrrp_instance_state_current{instance=\"192.0.2.12:9650\",vrrp_state=\"Master\"}", 1, TimeSpan.FromSeconds(5)), prometheus.Output);
            Assert.True(await WaitForValueAsync(monitoring, "vrrp_instance_vips_held{instance=\"192.0.2.12:9650\"}", 1, TimeSpan.FromSeconds(5)), prometheus.Output);
            Assert.True(await WaitForValueAsync(monitoring, "up{instance=\"192.0.2.11:9650\"}", 0, TimeSpan.FromSeconds(10)), prometheus.Output);
            Assert.True(await WaitForValueAsync(monitoring, r2BecameMaster, before + 1, TimeSpan.FromSeconds(5)), prometheus.Output);
        }
        finally
        {
            prometheus?.Dispose();
            vrrpd1.Signal("TERM");
            vrrpd2.Signal("TERM");
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd1.Output);
            TestContext.Current.TestOutputHelper?.WriteLine(vrrpd2.Output);
            TestContext.Current.TestOutputHelper?.WriteLine(prometheus?.Output ?? "");
        }

        Assert.Equal(0, vrrpd1.ExitCode);
        Assert.Equal(0, vrrpd2.ExitCode);
    }

    [Fact]
    public async Task A_metrics_port_already_in_use_is_a_clear_error_at_start()
    {
        LabProcess.RequireRootAnd("ip", "python3");
        using var lab = new NetworkLab();
        var r1 = lab.AddHost("r1", "192.0.2.11/24");
        using var squatter = lab.Track(new BackgroundProcess("ip", ["netns", "exec", r1.Namespace, "python3", "-c",
            $"import socket,time; s=socket.socket(); s.bind(('127.0.0.1',{Port})); s.listen(); print('listening', flush=True); time.sleep(60)"]));
        Assert.True(squatter.WaitForOutput("listening", TimeSpan.FromSeconds(5)), squatter.Output);
        var (code, output) = await SampleProcess.RunAsync("ip", ["netns", "exec", r1.Namespace, VrrpdProcess.Path, "-f",
            lab.WriteFile("r1.conf", VrrpdControlLabTests.Config(150)), $"--metrics-listen=127.0.0.1:{Port}", "--control-socket=none"], TimeSpan.FromSeconds(30));
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(1, code);
        Assert.Contains($"ERROR: Could not start: the metrics listener on http://127.0.0.1:{Port}/metrics", output, StringComparison.Ordinal);
    }

    private static string FetchScript(string url) =>
        $"import sys,urllib.request; sys.stdout.write(urllib.request.urlopen('{url}', timeout=5).read().decode())";

    private static string Fetch(LabHost host, string url) => host.Exec("python3", "-c", FetchScript(url));

    /// <summary>The expression's value now, or null when Prometheus has no such series.</summary>
    private static double? Query(LabHost host, string expression) =>
        host.TryExec(out string answer, "promtool", "query", "instant", "http://127.0.0.1:9090", expression) && Value().Match(answer) is { Success: true } m
            ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    /// <summary>Polls the Prometheus server (promtool query instant) until the expression has the value, bounded.</summary>
    private static async Task<bool> WaitForValueAsync(LabHost host, string expression, double value, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (host.TryExec(out last, "promtool", "query", "instant", "http://127.0.0.1:9090", expression))
            {
                var m = Value().Match(last);
                if (m.Success && double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) == value)
                {
                    TestContext.Current.TestOutputHelper?.WriteLine($"{expression}: {last.Trim()}");
                    return true;
                }
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{expression}: never {value}; last answer: {last.Trim()}");
        return false;
    }

    [GeneratedRegex(@"=> (\S+) @")]
    private static partial Regex Value();
}
