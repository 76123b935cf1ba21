namespace Vrrp.Docs.Tests;

/// <summary>Finds files of the repository (README.md, docs/) from the test's output folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Vrrp.sln")) && Directory.Exists(System.IO.Path.Combine(dir.FullName, "docs")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Vrrp.sln with a docs folder above {AppContext.BaseDirectory}.");
    }
}
