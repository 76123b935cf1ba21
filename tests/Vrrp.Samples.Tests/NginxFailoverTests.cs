using System.Globalization;
using System.Text.RegularExpressions;
using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests;

/// <summary>
/// The seed scenario end to end with our daemon (root): samples/NginxFailover/run.sh with the seed's two keepalived.conf
/// files unchanged, two nginx proxies, a web backend, a client every 20 ms, the master's link cut and healed.
/// Runs alone (no other test of this assembly in parallel) so that the measured outage is the protocol's, not the CPU's.
/// </summary>
[Collection(Name)]
public class NginxFailoverTests
{
    public const string Name = "NginxFailover";

    [Fact]
    public async Task Seed_scenario_with_vrrpd_fails_over_within_4_s_and_preempts_back_to_one_holder()
    {
        LabProcess.RequireRootAnd("ip", "nginx", "python3");
        string script = Path.Combine(AppContext.BaseDirectory, "NginxFailover", "run.sh");

        // The framework-dependent vrrpd built with the tests (run.sh would publish the native one otherwise).
        var (code, output) = await SampleProcess.RunAsync("bash", [script, "--daemon", "vrrpd"], TimeSpan.FromSeconds(90),
            new Dictionary<string, string> { ["VRRPD"] = VrrpdProcess.Path });
        TestContext.Current.TestOutputHelper?.WriteLine(output);

        var result = Regex.Match(output, @"^RESULT (?<fields>.*)$", RegexOptions.Multiline);
        Assert.True(result.Success, "run.sh printed no RESULT line");
        var fields = result.Groups["fields"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .ToDictionary(f => f[0], f => f[1]);

        Assert.Equal("r1", fields["before"]);                    // the VIP answers via r1 (priority 101) first
        double outage = double.Parse(fields["outage_s"], CultureInfo.InvariantCulture);
        Assert.True(outage <= 4.0, $"service came back via r2 {outage:F3} s after the cut (more than 4 s)");
        Assert.False(double.IsNaN(outage), "the VIP never answered via r2 after the cut");
        Assert.Equal("r1", fields["after_heal"]);                // r1 preempts after healing
        Assert.Equal("r1", fields["holders"]);                   // exactly one node holds the VIP at the end
        Assert.Equal("1", fields["ok"]);
        Assert.Equal(0, code);
    }
}

[CollectionDefinition(NginxFailoverTests.Name, DisableParallelization = true)]
public sealed class NginxFailoverCollection;
