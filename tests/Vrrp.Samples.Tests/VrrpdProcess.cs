using System.Text.Json;

namespace Vrrp.Samples.Tests;

/// <summary>Where the tests find vrrpd: the framework-dependent apphost built next to them (the ProjectReference).</summary>
internal static class VrrpdProcess
{
    private static readonly UnixFileMode Public = (UnixFileMode)Convert.ToInt32("755", 8);

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "vrrpd");

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        SampleProcess.RunAsync(Path, arguments, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Copies vrrpd (the apphost, its dll, deps.json, runtimeconfig.json and every assembly its deps.json names) into
    /// <paramref name="directory"/>/vrrpd-bin and makes the path readable and traversable by everyone; returns the
    /// copy's apphost. An unprivileged child (setpriv --reuid=nobody) cannot run vrrpd where the tests built it when
    /// the clone lives in a private directory (root's home is 0700): the apphost then fails with "Failed to resolve
    /// full path of the current executable". <paramref name="directory"/> must be one the test removes afterwards.
    /// </summary>
    public static string CopyForUnprivilegedUser(string directory)
    {
        string source = AppContext.BaseDirectory;
        string target = System.IO.Path.Combine(directory, "vrrpd-bin");
        Directory.CreateDirectory(target);
        var files = new HashSet<string>(StringComparer.Ordinal) { "vrrpd", "vrrpd.dll", "vrrpd.deps.json", "vrrpd.runtimeconfig.json" };
        using (var deps = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(source, "vrrpd.deps.json"))))
        {
            foreach (var framework in deps.RootElement.GetProperty("targets").EnumerateObject())
            {
                foreach (var library in framework.Value.EnumerateObject())
                {
                    if (library.Value.TryGetProperty("runtime", out var runtime))
                    {
                        foreach (var file in runtime.EnumerateObject())
                        {
                            files.Add(System.IO.Path.GetFileName(file.Name));
                        }
                    }
                }
            }
        }

        foreach (string file in files)
        {
            File.Copy(System.IO.Path.Combine(source, file), System.IO.Path.Combine(target, file), overwrite: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, Public);
            File.SetUnixFileMode(target, Public);
            File.SetUnixFileMode(System.IO.Path.Combine(target, "vrrpd"), Public);
        }

        return System.IO.Path.Combine(target, "vrrpd");
    }

    /// <summary>A temporary folder for configuration files, removed on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder() => System.IO.Directory.CreateDirectory(Directory);

        public string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vrrpd-test-" + Guid.NewGuid().ToString("N")[..8]);

        public string Write(string name, string text)
        {
            string file = System.IO.Path.Combine(Directory, name);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
