namespace Vrrp.Samples.Tests;

/// <summary>Where the tests find vrrpd: the framework-dependent apphost built next to them (the ProjectReference).</summary>
internal static class VrrpdProcess
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "vrrpd");

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        SampleProcess.RunAsync(Path, arguments, TimeSpan.FromSeconds(30));

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
