using System.Globalization;
using System.Text;

namespace Vrrp.Linux.Tests.Processes;

/// <summary>A folder laid out as /proc (PID/stat and PID/cmdline), removed on Dispose.</summary>
internal sealed class FakeProc : IDisposable
{
    public FakeProc()
    {
        Root = Path.Combine(Path.GetTempPath(), "fakeproc-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Adds (or replaces) a process; <paramref name="argv"/> becomes its NUL-separated command line.</summary>
    public void Add(int pid, string comm, char state = 'S', params string[] argv)
    {
        string folder = Folder(pid);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "stat"), $"{pid} ({comm}) {state} 1 {pid} {pid} 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 123 1000 10\n");
        File.WriteAllBytes(Path.Combine(folder, "cmdline"), ProcessMatcherTests.CommandLine(argv));
    }

    public void WriteRaw(int pid, string file, byte[] bytes)
    {
        Directory.CreateDirectory(Folder(pid));
        File.WriteAllBytes(Path.Combine(Folder(pid), file), bytes);
    }

    public void Remove(int pid) => Directory.Delete(Folder(pid), recursive: true);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string Folder(int pid) => Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture));

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
