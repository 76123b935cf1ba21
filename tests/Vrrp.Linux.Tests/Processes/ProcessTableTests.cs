using System.Text;
using Vrrp.Linux.Processes;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>The process table: counts, quorum and the fork/terminate delays, driven by hand with a virtual clock.</summary>
public sealed class ProcessTableTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Load_reports_every_definitions_first_state_once()
    {
        var table = new ProcessTable([Name("nginx"), Name("haproxy"), new() { Name = "two", Process = "worker", Quorum = 2 }]);
        table.Load([Entry(10, "nginx"), Entry(11, "nginx"), Entry(12, "worker"), Entry(13, "bash")]);
        Assert.Equal([("nginx", true, 2), ("haproxy", false, 0), ("two", false, 1)], Drain(table));
        Assert.Equal(3, table.TrackedProcessCount);
        Assert.Null(table.NextTimeout);
    }

    [Fact]
    public void Without_delays_exits_execs_and_forks_are_reported_at_once()
    {
        var table = Loaded([Name("nginx")], Entry(10, "nginx"), Entry(20, "bash"));
        table.HandleExit(10, 0);
        Assert.Equal([("nginx", false, 0)], Drain(table));

        table.HandleExec(20, Entry(20, "nginx"), Ms);              // bash ran nginx
        Assert.Equal([("nginx", true, 1)], Drain(table));
        table.HandleFork(20, 21, 2 * Ms);                          // a worker: counted, still up
        Assert.Empty(Drain(table));
        Assert.Equal(2, table.CountOf(0));
        table.HandleExit(20, 3 * Ms);
        Assert.Empty(Drain(table));
        table.HandleExec(21, Entry(21, "sleep"), 4 * Ms);          // the child became something else
        Assert.Equal([("nginx", false, 0)], Drain(table));
        Assert.Equal(0, table.TrackedProcessCount);
    }

    [Fact]
    public void Terminate_delay_waits_and_a_restart_within_it_reports_nothing()
    {
        var table = Loaded([Name("nginx") with { TerminateDelay = TimeSpan.FromMilliseconds(500) }], Entry(10, "nginx"), Entry(30, "sh"));

        table.HandleExit(10, 1000 * Ms);
        Assert.Empty(Drain(table));
        Assert.Equal(1500 * Ms, table.NextTimeout);
        table.HandleExec(30, Entry(30, "nginx"), 1200 * Ms);       // restarted (the shell exec'd it) within the delay
        Assert.Empty(Drain(table));
        Assert.Null(table.NextTimeout);
        table.HandleTimeout(1500 * Ms);                            // spurious: harmless
        Assert.Empty(Drain(table));

        table.HandleExit(30, 2000 * Ms);
        table.HandleTimeout(2499 * Ms);
        Assert.Empty(Drain(table));
        table.HandleTimeout(2500 * Ms);
        Assert.Equal([("nginx", false, 0)], Drain(table));
        Assert.Null(table.NextTimeout);
    }

    [Fact]
    public void Fork_delay_hides_a_fork_whose_child_execs_something_else()
    {
        // quorum_max 1: a second copy is a failure, but a fork/exec of another program is not.
        var definition = Name("bash") with { QuorumMax = 1, ForkDelay = TimeSpan.FromMilliseconds(100) };
        var table = Loaded([definition], Entry(10, "bash"));
        table.HandleFork(10, 11, 0);
        Assert.Equal(2, table.CountOf(0));
        Assert.Equal(100 * Ms, table.NextTimeout);
        table.HandleExec(11, Entry(11, "ls"), 1 * Ms);
        Assert.Null(table.NextTimeout);
        Assert.Empty(Drain(table));

        // A fork that stays a second bash goes down when the delay ends.
        table.HandleFork(10, 12, 200 * Ms);
        table.HandleTimeout(300 * Ms);
        Assert.Equal([("bash", false, 2)], Drain(table));

        // And without a fork delay, the same fork is reported at once.
        var eager = Loaded([Name("bash") with { QuorumMax = 1 }], Entry(10, "bash"));
        eager.HandleFork(10, 11, 0);
        Assert.Equal([("bash", false, 2)], Drain(eager));
    }

    [Fact]
    public void A_delay_running_towards_a_state_is_not_cut_short_by_an_exec()
    {
        var table = Loaded([Name("app", "a") with { Quorum = 2, TerminateDelay = TimeSpan.FromSeconds(1) }], Entry(1, "app"), Entry(2, "app"));
        table.HandleExit(1, 0);
        table.HandleExec(2, Entry(2, "other"), 10 * Ms);           // down further, but the grace period stands
        Assert.Empty(Drain(table));
        table.HandleTimeout(1000 * Ms);
        Assert.Equal([("a", false, 0)], Drain(table));
    }

    [Fact]
    public void Quorum_two_with_two_processes_then_one()
    {
        var table = Loaded([Name("app", "pair") with { Quorum = 2 }], Entry(1, "app"), Entry(2, "app"));
        Assert.True(table.IsUp(0));
        table.HandleExit(2, 0);
        Assert.Equal([("pair", false, 1)], Drain(table));
        table.HandleFork(1, 3, Ms);
        Assert.Equal([("pair", true, 2)], Drain(table));
    }

    [Fact]
    public void Quorum_max_zero_is_up_while_no_such_process_runs()
    {
        var table = Loaded([Name("telnetd") with { Quorum = 0, QuorumMax = 0 }], Entry(5, "bash"));
        Assert.True(table.IsUp(0));
        table.HandleExec(5, Entry(5, "telnetd"), 0);
        Assert.Equal([("telnetd", false, 1)], Drain(table));
        table.HandleExit(5, Ms);
        Assert.Equal([("telnetd", true, 0)], Drain(table));
    }

    [Fact]
    public void Renames_count_for_name_matches_only()
    {
        var table = Loaded(
            [Name("Web Content", "tabs"), new() { Name = "cmd", Process = "/usr/lib/firefox/firefox", FullCommand = true }],
            Entry(40, "firefox", "/usr/lib/firefox/firefox", "-contentproc"));
        Assert.Equal(1, table.CountOf(1));
        table.HandleCommChange(40, "Web Content"u8, 0);
        Assert.Equal([("tabs", true, 1)], Drain(table));
        Assert.Equal(1, table.CountOf(1));                         // the command line did not change
        table.HandleCommChange(40, "Isolated Web Co"u8, Ms);
        Assert.Equal([("tabs", false, 0)], Drain(table));
        Assert.Equal(1, table.CountOf(1));
    }

    [Fact]
    public void Events_that_repeat_the_listing_count_once()
    {
        // The listing is read after subscribing, so early events may describe what it already shows.
        var table = Loaded([Name("app")], Entry(1, "app"), Entry(2, "app"));
        table.HandleFork(1, 2, 0);
        table.HandleExec(2, Entry(2, "app"), 0);
        table.HandleExec(1, Entry(1, "app"), 0);
        Assert.Equal(2, table.CountOf(0));
        table.HandleExit(3, 0);                                    // never seen
        table.HandleExec(4, null, 0);                              // gone before /proc was read: its exit follows
        table.HandleFork(99, 100, 0);                              // an untracked parent
        Assert.Equal(2, table.CountOf(0));
        Assert.Equal(2, table.TrackedProcessCount);
        Assert.Empty(Drain(table));
    }

    [Fact]
    public void A_rescan_replaces_the_counts_and_waits_the_delays()
    {
        var table = Loaded(
            [Name("a") with { TerminateDelay = TimeSpan.FromSeconds(2) }, Name("b") with { ForkDelay = TimeSpan.FromSeconds(1) }, Name("c")],
            Entry(1, "a"), Entry(3, "c"));
        table.Rescan([Entry(2, "b"), Entry(4, "c")], 0);           // a gone, b appeared, c replaced by another pid
        Assert.Empty(Drain(table));
        Assert.Equal((0, 1, 1), (table.CountOf(0), table.CountOf(1), table.CountOf(2)));
        table.HandleTimeout(1000 * Ms);
        Assert.Equal([("b", true, 1)], Drain(table));
        table.HandleTimeout(2000 * Ms);
        Assert.Equal([("a", false, 0)], Drain(table));
        Assert.False(table.IsMember(1, 0));
        Assert.True(table.IsMember(4, 2));
    }

    [Fact]
    public void Counts_always_equal_a_recount_of_the_processes()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        string[] names = ["app", "bash", "sleep", "Web Content"];
        string[][] commandLines = [["/bin/app", "-f", "a.conf"], ["/bin/app", "-f", "b.conf"], ["/bin/app"], ["app", "-f", "a.conf", "-d"], ["/bin/sleep", "10"]];
        TrackedProcessDefinition[] definitions =
        [
            Name("app"),
            Name("bash") with { Quorum = 2, QuorumMax = 3 },
            Name("Web Content"),
            new() { Name = "exact", Process = "/bin/app", Parameters = ["-f", "a.conf"] },
            new() { Name = "partial", Process = "/bin/app", Parameters = ["-f"], ParameterMatch = ProcessParameterMatch.Partial },
            new() { Name = "initial", Process = "/bin/app", Parameters = ["-f", "a."], ParameterMatch = ProcessParameterMatch.Initial },
            new() { Name = "full", Process = "/bin/sleep", FullCommand = true },
        ];
        var matchers = definitions.Select(d => new ProcessMatcher(d)).ToArray();
        var table = new ProcessTable(definitions);
        var processes = new Dictionary<int, (string Comm, string[] Argv)>();
        for (int pid = 1; pid <= 5; pid++)
        {
            processes[pid] = (names[random.Next(names.Length)], commandLines[random.Next(commandLines.Length)]);
        }

        table.Load(processes.Select(p => Entry(p.Key, p.Value.Comm, p.Value.Argv)));
        int nextPid = 6;
        for (int step = 0; step < 5_000; step++)
        {
            int[] pids = [.. processes.Keys];
            int pid = pids.Length > 0 ? pids[random.Next(pids.Length)] : 0;
            string what;
            switch (pids.Length == 0 ? 0 : random.Next(4))
            {
                case 0:
                    int parent = pid;
                    int child = nextPid++;
                    processes[child] = parent != 0 ? processes[parent] : (names[0], commandLines[0]);
                    if (parent != 0)
                    {
                        table.HandleFork(parent, child, step);
                    }
                    else
                    {
                        table.HandleExec(child, Entry(child, processes[child].Comm, processes[child].Argv), step);
                    }

                    what = $"fork {parent}->{child}";
                    break;
                case 1:
                    processes[pid] = (names[random.Next(names.Length)], commandLines[random.Next(commandLines.Length)]);
                    table.HandleExec(pid, Entry(pid, processes[pid].Comm, processes[pid].Argv), step);
                    what = $"exec {pid} {processes[pid].Comm} [{string.Join(' ', processes[pid].Argv)}]";
                    break;
                case 2:
                    processes[pid] = (names[random.Next(names.Length)], processes[pid].Argv);
                    table.HandleCommChange(pid, Encoding.UTF8.GetBytes(processes[pid].Comm), step);
                    what = $"comm {pid} {processes[pid].Comm}";
                    break;
                default:
                    processes.Remove(pid);
                    table.HandleExit(pid, step);
                    what = $"exit {pid}";
                    break;
            }

            for (int i = 0; i < definitions.Length; i++)
            {
                int recount = processes.Count(p => matchers[i].Matches(Encoding.UTF8.GetBytes(p.Value.Comm), ProcessMatcherTests.CommandLine(p.Value.Argv)));
                Assert.True(recount == table.CountOf(i), $"seed {seed}, step {step} ({what}): {definitions[i].Name} counted {table.CountOf(i)}, recount {recount}");
                bool inQuorum = recount >= definitions[i].Quorum && recount <= definitions[i].QuorumMax;
                Assert.True(inQuorum == table.IsUp(i), $"seed {seed}, step {step} ({what}): {definitions[i].Name} up {table.IsUp(i)}");
            }

            while (table.TryPollChange(out _))
            {
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}: 5000 random events, counts equal to a recount throughout");
    }

    internal static TrackedProcessDefinition Name(string process, string? name = null) => new() { Name = name ?? process, Process = process };

    internal static ProcessEntry Entry(int pid, string comm, params string[] argv) =>
        new(pid, Encoding.UTF8.GetBytes(comm), ProcessMatcherTests.CommandLine(argv.Length == 0 ? [comm] : argv));

    private static ProcessTable Loaded(TrackedProcessDefinition[] definitions, params ProcessEntry[] processes)
    {
        var table = new ProcessTable(definitions);
        table.Load(processes);
        Drain(table);
        return table;
    }

    private static List<(string, bool, int)> Drain(ProcessTable table)
    {
        var changes = new List<(string, bool, int)>();
        while (table.TryPollChange(out var change))
        {
            changes.Add((change.Name, change.Up, change.Count));
        }

        return changes;
    }
}
