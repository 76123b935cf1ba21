using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// keepalived 2.2.7's daemon-level global_defs keywords that vrrpd applies to itself (umask, startup_script,
/// shutdown_script and their timeouts, reload_check_config...), read as keepalived reads them and written back. The
/// oracle tests (KeepalivedOracleTests.Daemon) compare the same lines with keepalived -t and -d.
/// </summary>
public class DaemonKeywordTests
{
    private const string Instance = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 1
            virtual_ipaddress {
                192.0.2.1
            }
        }

        """;

    internal static KeepalivedConfigResult Read(string globals) =>
        KeepalivedConfigReader.ReadText("global_defs {\n" + globals + "\n}\n" + Instance);

    private static VrrpOptions ReadAndRoundTrip(string globals)
    {
        var result = Read(globals);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        var again = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(result.Options));
        Assert.Empty(again.Errors);
        Assert.Equal(OptionsText.Of(result.Options), OptionsText.Of(again.Options));
        return result.Options;
    }

    /// <summary>umask lines keepalived 2.2.7 takes, with the mask it sets (the oracle test runs the same list).</summary>
    internal static readonly (string Line, int Mask)[] GoodUmasks =
    [
        ("umask 022", 0x12),
        ("umask 0x1f", 0x1F),
        ("umask 18", 18),
        ("umask 0", 0),
        ("umask 0777", 0x1FF),
        ("umask IWGRP|IWOTH", 0x12),
        ("umask IWGRP | IWOTH", 0x12),
        ("umask IWGRP |IROTH|IWOTH", 0x16),
        ("umask IRUSR|IWUSR|IXUSR|IRGRP|IWGRP|IXGRP|IROTH|IWOTH|IXOTH", 0x1FF),
    ];

    /// <summary>umask lines keepalived 2.2.7 reports as configuration errors (and does not apply).</summary>
    internal static readonly string[] BadUmasks =
    [
        "umask 0778",
        "umask 01000",
        "umask 022 033",
        "umask IWGRP|",
        "umask IWGRPIWOTH",
        "umask IFOO",
        "umask iwgrp",
        "umask 0x",
    ];

    [Fact]
    public void Umask_is_read_as_keepalived_reads_it_numbers_and_bit_names()
    {
        foreach (var (line, mask) in GoodUmasks)
        {
            var options = ReadAndRoundTrip(line);
            Assert.True(options.Process.Umask == mask, $"{line}: read {options.Process.Umask}, expected {mask}");
        }

        foreach (string line in BadUmasks)
        {
            var result = Read(line);
            Assert.True(result.HasErrors, $"{line}: accepted as {result.Options.Process.Umask}");
            Assert.Null(result.Options.Process.Umask);
        }

        Assert.Null(ReadAndRoundTrip("").Process.Umask);
    }

    /// <summary>startup/shutdown script settings keepalived 2.2.7 takes (the oracle test runs them through keepalived -t).</summary>
    internal static readonly string[] GoodDaemonScripts =
    [
        "startup_script /bin/true",
        "startup_script \"/bin/echo started now\" root\n    startup_script_timeout 3",
        "shutdown_script_timeout 1000\n    shutdown_script \"/bin/echo bye\" root root",
        "startup_script /bin/true\n    shutdown_script /bin/true\n    startup_script_timeout 1\n    shutdown_script_timeout 7",
    ];

    /// <summary>What keepalived 2.2.7 reports as a configuration error.</summary>
    internal static readonly string[] BadDaemonScripts =
    [
        "startup_script /bin/true\n    startup_script /bin/false",
        "shutdown_script",
        "startup_script /bin/true\n    startup_script_timeout 0",
        "startup_script /bin/true\n    startup_script_timeout 1001",
        "shutdown_script /bin/true\n    shutdown_script_timeout 2.5",
        "shutdown_script /bin/true\n    shutdown_script_timeout ten",
    ];

    [Fact]
    public void Startup_and_shutdown_scripts_are_read_with_their_users_and_timeouts_in_either_order()
    {
        var o = ReadAndRoundTrip("startup_script \"/bin/echo started now\" root\n    startup_script_timeout 3\n    shutdown_script_timeout 1000\n    shutdown_script \"/bin/echo bye\" root root");
        Assert.Equal("/bin/echo started now", o.StartupScript!.Command);
        Assert.Equal(("root", null), (o.StartupScript.User, o.StartupScript.Group));
        Assert.Equal(TimeSpan.FromSeconds(3), o.StartupScript.Timeout);
        Assert.Equal("/bin/echo bye", o.ShutdownScript!.Command);
        Assert.Equal(("root", "root"), (o.ShutdownScript.User, o.ShutdownScript.Group));
        Assert.Equal(TimeSpan.FromSeconds(1000), o.ShutdownScript.Timeout);

        var defaults = ReadAndRoundTrip("startup_script /bin/true");
        Assert.Equal(TimeSpan.FromSeconds(10), defaults.StartupScript!.Timeout); // keepalived's default
        Assert.Null(defaults.ShutdownScript);

        foreach (string good in GoodDaemonScripts)
        {
            ReadAndRoundTrip(good);
        }

        foreach (string bad in BadDaemonScripts)
        {
            Assert.True(Read(bad).HasErrors, bad);
        }
    }

    internal static readonly string[] GoodSeeds = ["random_seed 42", "random_seed 0", "random_seed 4294967295"];

    internal static readonly string[] BadSeeds = ["random_seed 4294967296", "random_seed -1", "random_seed abc", "random_seed 1.5", "random_seed"];

    [Fact]
    public void Random_seed_is_accepted_as_keepalived_accepts_it()
    {
        foreach (string good in GoodSeeds)
        {
            Assert.Empty(Read(good).Diagnostics);
        }

        foreach (string bad in BadSeeds)
        {
            Assert.True(Read(bad).HasErrors, bad);
        }
    }

    [Fact]
    public void Reload_check_config_and_reload_file_take_keepalived_s_defaults_without_a_path()
    {
        var bare = ReadAndRoundTrip("reload_check_config\n    reload_file");
        Assert.Equal("/dev/null", bare.Process.ReloadCheckLog);
        Assert.Equal("/run/keepalived.reload", bare.Process.ReloadFile);

        // With a network namespace keepalived keeps its files in its pid directory.
        var inNamespace = Read("reload_file\n    net_namespace blue").Options;
        Assert.Equal("/run/keepalived/keepalived.reload", inNamespace.Process.ReloadFile);

        var named = ReadAndRoundTrip("reload_check_config /var/log/check.log\n    reload_file /run/r.reload");
        Assert.Equal(("/var/log/check.log", "/run/r.reload"), (named.Process.ReloadCheckLog, named.Process.ReloadFile));
        Assert.Equal((null, null), (ReadAndRoundTrip("").Process.ReloadCheckLog, ReadAndRoundTrip("").Process.ReloadFile));
    }

    [Fact]
    public void Instance_and_data_use_instance_are_read_and_name_the_default_reload_file()
    {
        var result = KeepalivedConfigReader.ReadText("instance lab1\nglobal_defs {\n    data_use_instance\n    reload_file\n}\n" + Instance);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        var o = result.Options;
        Assert.Equal(("lab1", true), (o.Process.InstanceName, o.Process.DataUseInstance));
        Assert.Equal("/run/keepalived/keepalived_lab1.reload", o.Process.ReloadFile);
        var again = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(o));
        Assert.Empty(again.Errors);
        Assert.Equal(OptionsText.Of(o), OptionsText.Of(again.Options));

        Assert.False(ReadAndRoundTrip("data_use_instance false").Process.DataUseInstance);
        Assert.True(KeepalivedConfigReader.ReadText("instance a\ninstance b\n" + Instance).HasErrors); // keepalived: duplicate instance definition
    }

    [Fact]
    public void Reload_time_file_and_reload_repeat_are_read_and_written_back()
    {
        var o = ReadAndRoundTrip("reload_time_file /run/reload-at\n    reload_repeat");
        Assert.Equal(("/run/reload-at", true), (o.Process.ReloadTimeFile, o.Process.ReloadRepeat));
        Assert.True(Read("reload_time_file").HasErrors); // keepalived: reload_time_file invalid
        Assert.True(Read("reload_time_file a b").HasErrors);
    }

    internal static readonly string[] GoodTmpConfigDirectories = ["tmp_config_directory /tmp"];

    internal static readonly string[] BadTmpConfigDirectories = ["tmp_config_directory", "tmp_config_directory /tmp\n    tmp_config_directory /var/tmp"];

    [Fact]
    public void Tmp_config_directory_is_checked_as_keepalived_checks_it()
    {
        Assert.All(GoodTmpConfigDirectories, static line => Assert.Empty(Read(line).Diagnostics));
        Assert.All(BadTmpConfigDirectories, static line => Assert.True(Read(line).HasErrors, line));
    }

    [Fact]
    public void Config_save_dir_is_read_without_its_trailing_slash()
    {
        Assert.Equal("/var/lib/kv", ReadAndRoundTrip("config_save_dir /var/lib/kv/").Process.ConfigSaveDirectory);
        Assert.True(Read("config_save_dir").HasErrors);
    }
}
