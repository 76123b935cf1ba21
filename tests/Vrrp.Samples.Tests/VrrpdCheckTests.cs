using System.Text.RegularExpressions;

namespace Vrrp.Samples.Tests;

/// <summary><c>vrrpd --check</c> (keepalived's <c>-t</c>): 0 for a valid file, 1 listing every problem with file and line.</summary>
public class VrrpdCheckTests
{
    private static string Seed(string name) => Path.Combine(AppContext.BaseDirectory, "NginxFailover", name);

    [Theory]
    [InlineData("keepalived-master.conf")]
    [InlineData("keepalived-backup.conf")]
    public async Task Check_accepts_the_seed_configurations(string name)
    {
        var (code, output) = await VrrpdProcess.RunAsync("--check", "-f", Seed(name));
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(0, code);
        Assert.Contains($"{Seed(name)}: configuration valid: 1 instance(s), 0 warning(s)", output);
    }

    [Fact]
    public async Task A_missing_include_is_said_and_run_without_e_and_an_error_with_e_as_keepalived_takes_it()
    {
        using var temp = new VrrpdProcess.TempFolder();
        string file = temp.Write("keepalived.conf", """
            vrrp_instance VI_1 {
              interface eth0
              virtual_router_id 51
              virtual_ipaddress {
                192.0.2.100
              }
            }
            include conf.d/missing.conf
            """);

        var (code, output) = await VrrpdProcess.RunAsync("--check", "-f", file);
        Assert.True(code == 0, output);
        Assert.Contains($"{file}:8: warning: include 'conf.d/missing.conf': file not found", output);

        (code, output) = await VrrpdProcess.RunAsync("--check", "-e", "-f", file);
        Assert.True(code == 1, output);
        Assert.Contains($"{file}:8: error: include 'conf.d/missing.conf': file not found", output);
        Assert.Equal(code, (await VrrpdProcess.RunAsync("--check", "--all-config", "-f", file)).ExitCode);
    }

    [Fact]
    public async Task Check_lists_every_problem_of_a_malformed_keepalived_conf_with_file_and_line()
    {
        using var temp = new VrrpdProcess.TempFolder();
        string include = temp.Write("vi3.conf", """
            vrrp_instance VI_3 {
              interface eth0
              virtual_router_id 53
              advert_int fast
              virtual_ipaddress {
                192.0.2.103
              }
            }
            """);
        string file = temp.Write("keepalived.conf", $$"""
            global_defs {
              router_id lb1
              no_such_global yes
            }

            vrrp_instance VI_1 {
              state MASTER
              interface eth0
              virtual_router_id 51
              priority 400
              virtual_ipaddress {
                192.0.2.100
              }
            }

            vrrp_instance VI_2 {
              interface eth0
              virtual_router_id 51
              virtual_ipaddress {
                192.0.2.101
              }
            }
            include {{include}}
            """);

        var (code, output) = await VrrpdProcess.RunAsync("-t", "-f", file);
        TestContext.Current.TestOutputHelper?.WriteLine(output);

        Assert.Equal(1, code);
        Assert.Contains($"{file}:3: warning: global_defs: 'no_such_global' is not supported", output);
        Assert.Contains($"{file}:10: error: priority '400': expected a number 1..255", output);
        Assert.Matches($@"{Regex.Escape(include)}:4: error: advert_int 'fast'", output);
        // The validator's cross-instance rule, placed at the instance's block.
        Assert.Contains($"{file}:16: error: Instance 'VI_2': VirtualRouterId (virtual_router_id) 51 is already used by instance 'VI_1'", output);
        Assert.Contains($"{file}: configuration invalid: 3 error(s), 1 warning(s)", output);
    }

    [Fact]
    public async Task Check_reports_a_missing_file_and_a_file_without_instances()
    {
        using var temp = new VrrpdProcess.TempFolder();
        string missing = Path.Combine(temp.Directory, "nope.conf");
        var (code, output) = await VrrpdProcess.RunAsync("--check", "-f", missing);
        Assert.Equal(1, code);
        Assert.Contains($"{missing}: error: the configuration file does not exist", output);

        string empty = temp.Write("empty.conf", "global_defs {\n  router_id lb1\n}\n");
        (code, output) = await VrrpdProcess.RunAsync("--check", "-f", empty);
        Assert.Equal(1, code);
        Assert.Contains($"{empty}: error: no vrrp_instance is configured", output);
    }

    [Fact]
    public async Task Check_validates_a_json_options_file()
    {
        using var temp = new VrrpdProcess.TempFolder();
        string good = temp.Write("vrrp.json", """
            { "Vrrp": { "Instances": [ { "Name": "VI_1", "Interface": "eth0", "VirtualRouterId": 9, "Priority": 101,
                                         "AdvertisementInterval": "00:00:00.5", "VirtualAddresses": [ "192.0.2.25/24" ] } ] } }
            """);
        var (code, output) = await VrrpdProcess.RunAsync("--check", "-f", good);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(0, code);
        Assert.Contains($"{good}: configuration valid: 1 instance(s), 0 warning(s)", output);

        string broken = temp.Write("broken.json", "{\n  \"Vrrp\": {\n    \"Instances\": [ { \"Name\": \"VI_1\",, } ]\n  }\n}\n");
        (code, output) = await VrrpdProcess.RunAsync("--check", "-f", broken);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(1, code);
        Assert.Contains($"{broken}:3: error: not valid JSON", output);

        string invalid = temp.Write("invalid.json", """
            { "Vrrp": { "Instances": [ { "Name": "VI_1", "Interface": "eth0", "VirtualRouterId": 0, "Priorty": 101,
                                         "VirtualAddresses": [ "192.0.2.25/24", "2001:db8::1" ] } ] } }
            """);
        (code, output) = await VrrpdProcess.RunAsync("--check", "-f", invalid);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(1, code);
        Assert.Contains($"{invalid}: warning: unknown setting(s) 'Priorty' in VrrpInstanceOptions (ignored)", output);
        Assert.Contains($"{invalid}: error: Instance 'VI_1': VirtualRouterId (virtual_router_id) must be between 1 and 255, got 0.", output);
        Assert.Matches($@"{Regex.Escape(invalid)}: error: Instance 'VI_1': .*famil", output);
    }

    [Fact]
    public async Task Run_refuses_an_invalid_configuration_and_says_why_in_the_log()
    {
        using var temp = new VrrpdProcess.TempFolder();
        string file = temp.Write("keepalived.conf", "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 0\n}\n");
        var (code, output) = await VrrpdProcess.RunAsync("-n", "-l", "-f", file);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(1, code);
        Assert.Matches($@"ERROR: {Regex.Escape(file)}:3: error: virtual_router_id '0'", output);
        Assert.Contains("configuration invalid; not starting", output);
    }

    [Fact]
    public async Task Help_and_bad_options()
    {
        var (code, output) = await VrrpdProcess.RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage: vrrpd [OPTION...]", output);
        Assert.Contains("--check", output);

        (code, output) = await VrrpdProcess.RunAsync("--frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("vrrpd: unknown option '--frobnicate'", output);
    }
}
