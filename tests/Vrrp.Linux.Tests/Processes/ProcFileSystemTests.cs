using Vrrp.Linux.Processes;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>Reading processes from a /proc-shaped folder: names, zombies, command lines, vanished processes.</summary>
public sealed class ProcFileSystemTests
{
    [Fact]
    public void Lists_live_processes_with_their_names_and_command_lines()
    {
        using var proc = new FakeProc();
        proc.Add(1, "systemd", 'S', "/sbin/init");
        proc.Add(200, "nginx", 'S', "nginx: master process /usr/sbin/nginx");
        proc.Add(201, "a) b (c", 'R', "weird");                    // a name with parentheses and spaces
        proc.Add(300, "nginx", 'Z');                               // a zombie: exited, not reaped
        proc.Add(301, "gone", 'X');
        Directory.CreateDirectory(Path.Combine(proc.Root, "self"));
        Directory.CreateDirectory(Path.Combine(proc.Root, "0123"));   // not a pid
        Directory.CreateDirectory(Path.Combine(proc.Root, "400"));    // vanished: the folder without its files
        File.WriteAllText(Path.Combine(proc.Root, "500"), "a file, not a process");

        var entries = new ProcFileSystem(proc.Root).Scan(commandLineLimit: 64).OrderBy(e => e.Pid).ToList();

        Assert.Equal([1, 200, 201], entries.Select(e => e.Pid));
        Assert.Equal("nginx"u8.ToArray(), entries[1].Comm);
        Assert.Equal("nginx: master process /usr/sbin/nginx\0"u8.ToArray(), entries[1].CommandLine);
        Assert.Equal("a) b (c"u8.ToArray(), entries[2].Comm);
    }

    [Fact]
    public void Reads_command_lines_only_when_asked_and_only_as_far_as_asked()
    {
        using var proc = new FakeProc();
        proc.Add(7, "sleep", 'S', "/bin/sleep", "1000");
        var fs = new ProcFileSystem(proc.Root);
        Assert.True(fs.TryRead(7, 0, out var nameOnly));
        Assert.Empty(nameOnly.CommandLine);
        Assert.True(fs.TryRead(7, 5, out var cut));
        Assert.Equal("/bin/"u8.ToArray(), cut.CommandLine);
        Assert.True(fs.TryRead(7, 1000, out var whole));
        Assert.Equal("/bin/sleep\u00001000\0"u8.ToArray(), whole.CommandLine);
    }

    [Fact]
    public void A_process_that_vanished_or_is_unreadable_is_skipped()
    {
        using var proc = new FakeProc();
        var fs = new ProcFileSystem(proc.Root);
        Assert.False(fs.TryRead(42, 100, out _));                  // no folder

        proc.WriteRaw(43, "stat", FakeProc.Bytes("43 (half"));     // cut before the ')'
        Assert.False(fs.TryRead(43, 0, out _));
        proc.WriteRaw(44, "stat", FakeProc.Bytes("44 (x)"));       // no state
        Assert.False(fs.TryRead(44, 0, out _));
        proc.WriteRaw(45, "stat", []);
        Assert.False(fs.TryRead(45, 0, out _));

        proc.Add(46, "sleep", 'S', "sleep");
        File.Delete(Path.Combine(proc.Root, "46", "cmdline"));     // gone between the two reads
        Assert.True(fs.TryRead(46, 0, out _));
        Assert.False(fs.TryRead(46, 100, out _));
    }

    [Theory]
    [InlineData("1 (init) S 0", "init", 'S')]
    [InlineData("77 (a)(b)) R 1 2", "a)(b)", 'R')]
    [InlineData("77 () D 1", "", 'D')]
    public void The_name_is_between_the_first_open_and_the_last_close_parenthesis(string stat, string comm, char state)
    {
        Assert.True(ProcFileSystem.TryParseStat(FakeProc.Bytes(stat), out var name, out byte s));
        Assert.Equal(FakeProc.Bytes(comm), name.ToArray());
        Assert.Equal((byte)state, s);
    }

    [Fact]
    public void Reads_this_machines_proc()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("Linux only.");
        }

        var fs = new ProcFileSystem();
        Assert.True(fs.TryRead(Environment.ProcessId, 4096, out var self));
        Assert.Equal(File.ReadAllText("/proc/self/comm").TrimEnd('\n'), System.Text.Encoding.UTF8.GetString(self.Comm));
        Assert.NotEmpty(self.CommandLine);
        var all = fs.Scan(0);
        Assert.Contains(all, e => e.Pid == Environment.ProcessId);
        Assert.True(all.Count > 1);
    }
}
