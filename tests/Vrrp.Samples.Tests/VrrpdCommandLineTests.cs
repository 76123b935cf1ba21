using Vrrpd;

namespace Vrrp.Samples.Tests;

/// <summary>vrrpd's command line: keepalived's (so an existing unit works) and its own.</summary>
public class VrrpdCommandLineTests
{
    [Fact]
    public void Keepalived_units_command_line_runs_the_given_file()
    {
        // Debian's keepalived.service: keepalived --dont-fork $DAEMON_ARGS; and the lab's short form.
        var debian = DaemonCommandLine.Parse(["--dont-fork", "--log-console", "--log-detail", "--vrrp", "--use-file=/etc/k.conf", "--pid", "/run/k.pid", "--vrrp_pid=/run/v.pid"]);
        Assert.Equal(DaemonMode.Run, debian.Mode);
        Assert.Equal("/etc/k.conf", debian.ConfigFile);
        Assert.Equal("/run/k.pid", debian.PidFile);

        var lab = DaemonCommandLine.Parse(["-n", "-l", "-D", "--vrrp", "-f", "r1.conf", "-p", "r1.pid", "-r", "r1.vrrp.pid", "-c", "r1.chk.pid", "-i", "r1", "-G", "-P", "-S", "7"]);
        Assert.Equal(DaemonMode.Run, lab.Mode);
        Assert.Equal("r1.conf", lab.ConfigFile);
        Assert.Equal("r1", lab.ConfigId);
        Assert.Equal("r1.pid", lab.PidFile);
        Assert.Contains("-r r1.vrrp.pid", lab.Ignored);
    }

    [Fact]
    public void Short_options_bundle_and_take_attached_values_as_getopt_does()
    {
        var c = DaemonCommandLine.Parse(["-nlDt", "-fmy.conf", "-iX"]);
        Assert.Equal(DaemonMode.Check, c.Mode);
        Assert.Equal("my.conf", c.ConfigFile);
        Assert.Equal("X", c.ConfigId);
        Assert.Equal(["-n", "-l", "-D"], c.Ignored);

        // -f inside a bundle takes the next argument.
        Assert.Equal("next.conf", DaemonCommandLine.Parse(["-nf", "next.conf"]).ConfigFile);
    }

    [Theory]
    [InlineData(new string[0], "Run", DaemonCommandLine.DefaultConfigFile)]
    [InlineData(new[] { "--check", "-f", "a.conf" }, "Check", "a.conf")]
    [InlineData(new[] { "-t", "--use-file", "b.json" }, "Check", "b.json")]
    [InlineData(new[] { "--config-test" }, "Check", DaemonCommandLine.DefaultConfigFile)]
    [InlineData(new[] { "-f", "a.conf", "--help" }, "Help", "a.conf")]
    [InlineData(new[] { "-t", "-h" }, "Help", DaemonCommandLine.DefaultConfigFile)]
    [InlineData(new[] { "-v" }, "Version", DaemonCommandLine.DefaultConfigFile)]
    public void Mode_and_file(string[] args, string mode, string file)
    {
        var c = DaemonCommandLine.Parse(args);
        Assert.Equal(mode, c.Mode.ToString());
        Assert.Equal(file, c.ConfigFile);
    }

    [Fact]
    public void Umask_is_a_number_read_as_keepalived_reads_its_u_option()
    {
        Assert.Equal(0x12, DaemonCommandLine.Parse(["-u", "022"]).Umask);
        Assert.Equal(0x12, DaemonCommandLine.Parse(["-u0x12"]).Umask);
        Assert.Equal(18, DaemonCommandLine.Parse(["--umask=18"]).Umask);
        Assert.Null(DaemonCommandLine.Parse([]).Umask);
    }

    [Fact]
    public void All_config_is_keepalived_s_e_option()
    {
        Assert.True(DaemonCommandLine.Parse(["-e"]).AllConfig);
        Assert.True(DaemonCommandLine.Parse(["-ne", "-f", "x.conf"]).AllConfig);
        Assert.True(DaemonCommandLine.Parse(["--all-config"]).AllConfig);
        Assert.False(DaemonCommandLine.Parse([]).AllConfig);
    }

    [Theory]
    [InlineData(new[] { "-x" }, "unknown option '-x'")]
    [InlineData(new[] { "-C" }, "unknown option '-C'")]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "-f" }, "option '-f' needs a value")]
    [InlineData(new[] { "--use-file" }, "option '--use-file' needs a value")]
    [InlineData(new[] { "--help=yes" }, "option '--help' takes no value")]
    [InlineData(new[] { "keepalived.conf" }, "unexpected argument 'keepalived.conf'")]
    [InlineData(new[] { "-f", "" }, "the configuration file name is empty")]
    [InlineData(new[] { "-u", "0778" }, "Invalid --umask option 0778")]
    [InlineData(new[] { "--umask=01000" }, "Invalid --umask option 01000")]
    public void Bad_command_lines_say_what_is_wrong(string[] args, string message)
    {
        var error = Assert.Throws<FormatException>(() => DaemonCommandLine.Parse(args));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_copy_carries_every_setting()
    {
        // vrrpd hands the loaded options to AddVrrp by copying them: a setting added to VrrpOptions later must be copied too.
        var properties = typeof(Vrrp.Hosting.VrrpOptions).GetProperties().Where(p => p.CanWrite).ToList();
        var from = new Vrrp.Hosting.VrrpOptions
        {
            RouterId = "lb1",
            DefaultInterface = "eth7",
            DynamicInterfaces = true,
            AllowInterfaceChanges = true,
            NetworkNamespace = "ns1",
            StartupDelay = TimeSpan.FromSeconds(3),
            Instances = [new() { Name = "VI_9" }],
            SyncGroups = [new() { Name = "G" }],
            Scripts = [new() { Name = "S" }],
            TrackFiles = [new() { Name = "F" }],
            CallbackTimeout = TimeSpan.FromSeconds(7),
            IgnoreUnsupported = true,
            MulticastGroup4 = "224.0.0.19",
            MulticastGroup6 = "ff02::13",
            NotifyFifo = new() { Path = "/run/a" },
            VrrpNotifyFifo = new() { Path = "/run/b" },
            EnableScriptSecurity = true,
            ScriptUser = "nobody",
            ScriptGroup = "nogroup",
            GarpInterval = TimeSpan.FromMilliseconds(1),
            GnaInterval = TimeSpan.FromMilliseconds(2),
            VirtualMacPrefix = "vm",
            VirtualMacAddressPrefix = "va",
            TrackProcesses = [new() { Name = "P" }],
            ReleaseOnStop = false,
            FifoWriteStatesOnReload = true,
            InterfaceDelays = [new() { Interface = "eth0", Down = TimeSpan.FromSeconds(1) }],
            StaticAddresses = ["192.0.2.150/24 dev eth1"],
            StaticRoutes = ["10.80.0.0/24 dev eth1"],
            StaticRules = ["from 10.82.0.0/24 priority 900 table 100"],
            StaticTrackGroups = [new() { Name = "TG", Instances = ["VI_1"] }],
            Process = new() { Priority = -5, CpuAffinity = [0] },
            Firewall = new() { TableName = "keepalived" },
            ReceiveBuffers = new() { NetlinkCommand = 300000 },
            LogUnknownVirtualRouterIds = true,
            DisableLocalIgmp = true,
            StartupScript = new() { Command = "/bin/true" },
            ShutdownScript = new() { Command = "/bin/false" },
        };
        var defaults = new Vrrp.Hosting.VrrpOptions();
        Assert.All(properties, p => Assert.False(Equals(p.GetValue(from), p.GetValue(defaults)), $"the test does not set VrrpOptions.{p.Name}: add it here and to DaemonConfiguration.CopyTo"));

        var to = new Vrrp.Hosting.VrrpOptions();
        DaemonConfiguration.CopyTo(from, to);
        Assert.All(properties, p => Assert.Equal(p.GetValue(from), p.GetValue(to)));
    }
}
