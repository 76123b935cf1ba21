using System.Text;
using Vrrp.Linux.Processes;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>keepalived's matching rules: process name (comm) or argv[0], and param_match exact / partial / initial.</summary>
public sealed class ProcessMatcherTests
{
    [Theory]
    [InlineData("nginx", "nginx", true)]
    [InlineData("nginx", "nginx:", false)]          // exact, not a prefix (pgrep '^nginx$')
    [InlineData("ssh", "sshd", false)]
    [InlineData("sshd", "ssh", false)]
    [InlineData("Nginx", "nginx", false)]           // bytes, case-sensitive
    [InlineData("kworker/0:1", "kworker/0:1", true)]
    public void The_process_name_is_compared_exactly(string process, string comm, bool expected)
    {
        var matcher = new ProcessMatcher(Definition(process));
        Assert.False(matcher.MatchesCommandLine);
        Assert.Equal(0, matcher.CommandLineBytesNeeded);
        Assert.Equal(expected, matcher.Matches(Encoding.UTF8.GetBytes(comm), CommandLine(comm, "ignored")));
    }

    [Fact]
    public void A_name_longer_than_15_bytes_never_matches_the_kernels_name()
    {
        var definition = Definition("haproxy-frontend-1");
        Assert.True(definition.IsLongerThanProcessNames);
        var matcher = new ProcessMatcher(definition);
        Assert.False(matcher.Matches("haproxy-fronten"u8, CommandLine("haproxy-frontend-1")));
        Assert.False(new TrackedProcessDefinition { Name = "t", Process = "haproxy-frontend-1", FullCommand = true }.IsLongerThanProcessNames);
        Assert.False(Definition("haproxy-fronten").IsLongerThanProcessNames);
    }

    [Fact]
    public void Full_command_compares_argv0_and_ignores_the_parameters()
    {
        var matcher = new ProcessMatcher(new TrackedProcessDefinition { Name = "t", Process = "/usr/sbin/nginx", FullCommand = true });
        Assert.True(matcher.MatchesCommandLine);
        Assert.Equal(ProcessParameterMatch.None, matcher.Match);
        Assert.True(matcher.Matches("nginx"u8, CommandLine("/usr/sbin/nginx", "-g", "daemon off;")));
        Assert.True(matcher.Matches("anything"u8, CommandLine("/usr/sbin/nginx")));
        Assert.False(matcher.Matches("nginx"u8, CommandLine("nginx")));           // argv[0] as started, not the path
        Assert.False(matcher.Matches("nginx"u8, CommandLine("/usr/sbin/nginx2")));
        Assert.False(matcher.Matches("nginx"u8, []));                              // kernel threads, exiting processes
    }

    [Fact]
    public void A_rewritten_command_line_without_NULs_is_all_argv0()
    {
        var matcher = new ProcessMatcher(new TrackedProcessDefinition { Name = "t", Process = "nginx: master process /usr/sbin/nginx", FullCommand = true });
        Assert.True(matcher.Matches("nginx"u8, "nginx: master process /usr/sbin/nginx"u8));
        Assert.True(matcher.Matches("nginx"u8, "nginx: master process /usr/sbin/nginx\0"u8));
        var exact = new ProcessMatcher(new TrackedProcessDefinition { Name = "t", Process = "nginx: worker", ParameterMatch = ProcessParameterMatch.Exact });
        Assert.True(exact.Matches("nginx"u8, "nginx: worker"u8)); // no parameters at all
    }

    [Theory]
    // Listing parameters means an exact match of all of them.
    [InlineData("", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf" }, true)]
    [InlineData("", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf", "-d" }, false)]
    [InlineData("", new[] { "-f", "a.conf" }, new[] { "-f" }, false)]
    [InlineData("", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf2" }, false)]
    [InlineData("", new[] { "-f", "a.conf" }, new[] { "-f a.conf" }, false)]
    // param_match alone without parameters: the process must have none.
    [InlineData("exact", new string[0], new string[0], true)]
    [InlineData("exact", new string[0], new[] { "x" }, false)]
    // partial: the first parameters are these, more may follow.
    [InlineData("partial", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf", "-d" }, true)]
    [InlineData("partial", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf" }, true)]
    [InlineData("partial", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf2" }, false)]
    [InlineData("partial", new[] { "-f", "a.conf" }, new[] { "-f" }, false)]
    [InlineData("partial", new string[0], new[] { "anything" }, true)]
    [InlineData("partial", new string[0], new string[0], true)]
    // initial: as partial, but the last listed parameter need only begin the actual one.
    [InlineData("initial", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf2" }, true)]
    [InlineData("initial", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf" }, true)]
    [InlineData("initial", new[] { "-f", "a.conf" }, new[] { "-f", "a.conf", "-d" }, true)]
    [InlineData("initial", new[] { "-f", "a.conf" }, new[] { "-f", "a.con" }, false)]
    [InlineData("initial", new[] { "-f", "a.conf" }, new[] { "-fx", "a.conf" }, false)] // only the last may be longer
    [InlineData("initial", new[] { "10" }, new[] { "100" }, true)]
    [InlineData("initial", new[] { "10" }, new[] { "1" }, false)]
    [InlineData("initial", new[] { "" }, new[] { "x" }, true)]
    public void Parameters_are_compared_as_param_match_says(string paramMatch, string[] configured, string[] actual, bool expected)
    {
        var match = paramMatch.Length == 0 ? ProcessParameterMatch.None : Enum.Parse<ProcessParameterMatch>(paramMatch, ignoreCase: true);
        var definition = new TrackedProcessDefinition { Name = "t", Process = "/usr/bin/app", Parameters = configured, ParameterMatch = match };
        Assert.True(definition.MatchesCommandLine);
        var matcher = new ProcessMatcher(definition);
        Assert.Equal(expected, matcher.Matches("app"u8, CommandLine("/usr/bin/app", actual)));
        Assert.False(matcher.Matches("app"u8, CommandLine("/usr/bin/other", actual)));
    }

    [Fact]
    public void A_command_line_cut_after_the_bytes_needed_still_tells_longer_ones()
    {
        var table = new ProcessTable([
            new TrackedProcessDefinition { Name = "a", Process = "/bin/app", Parameters = ["-x"] },
            new TrackedProcessDefinition { Name = "b", Process = "app" },
        ]);

        // "/bin/app\0-x\0" is 12 bytes: one more tells an exact match from a longer command line.
        Assert.Equal(13, table.CommandLineLimit);
        var matcher = new ProcessMatcher(table.Definitions[0]);
        byte[] longer = CommandLine("/bin/app", "-x", "-y");
        Assert.True(matcher.Matches("app"u8, CommandLine("/bin/app", "-x")));
        Assert.False(matcher.Matches("app"u8, longer.AsSpan(0, table.CommandLineLimit)));
        Assert.Equal(0, new ProcessTable([Definition("app")]).CommandLineLimit); // names only: cmdline never read
    }

    [Fact]
    public void Invalid_definitions_are_the_callers_mistake()
    {
        Assert.Throws<ArgumentException>(() => new ProcessTable([new TrackedProcessDefinition { Name = "t", Process = "" }]));
        Assert.Throws<ArgumentException>(() => new ProcessTable([new TrackedProcessDefinition { Name = "", Process = "x" }]));
        Assert.Throws<ArgumentException>(() => new ProcessTable([new TrackedProcessDefinition { Name = "t", Process = "x", Quorum = 3, QuorumMax = 2 }]));
        Assert.Throws<ArgumentException>(() => new ProcessTable([new TrackedProcessDefinition { Name = "t", Process = "x", Quorum = -1 }]));
        Assert.Throws<ArgumentException>(() => new ProcessTable([new TrackedProcessDefinition { Name = "t", Process = "x", TerminateDelay = TimeSpan.FromSeconds(-1) }]));
        Assert.Throws<ArgumentException>(() => new ProcessTable([new TrackedProcessDefinition { Name = "t", Process = "x", Parameters = ["a\0b"] }]));
        Assert.Throws<ArgumentException>(() => new ProcessTable([Definition("x"), Definition("x")]));
        _ = new ProcessTable([new TrackedProcessDefinition { Name = "t", Process = "x", Quorum = 0, QuorumMax = 0 }]);
    }

    internal static TrackedProcessDefinition Definition(string process, string? name = null) => new() { Name = name ?? process, Process = process };

    /// <summary>A /proc/PID/cmdline: each word followed by a NUL.</summary>
    internal static byte[] CommandLine(params string[] words) =>
        [.. words.SelectMany(w => Encoding.UTF8.GetBytes(w).Append((byte)0))];

    internal static byte[] CommandLine(string argv0, string[] parameters) => CommandLine([argv0, .. parameters]);
}
