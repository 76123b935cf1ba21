using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

/// <summary>keepalived 2.2.7's <c>init_file [VALUE] [overwrite]</c> (track_file.c, <c>track_file_end_handler</c>).</summary>
public class TrackFileInitTests
{
    [Fact]
    public void A_missing_file_is_created_with_the_value_and_an_existing_one_is_overwritten_only_at_start_with_overwrite()
    {
        string folder = Directory.CreateTempSubdirectory("vrrp-init-file-").FullName;
        try
        {
            string path = Path.Combine(folder, "weight");
            var file = new VrrpTrackFileOptions { Name = "tf", Path = path, InitialValue = -7 };

            // Missing: created, at start and at a reload alike.
            Assert.Null(TrackFileInitializer.Initialize(file, reload: false));
            Assert.Equal("-7\n", File.ReadAllText(path));
            File.Delete(path);
            Assert.Null(TrackFileInitializer.Initialize(file, reload: true));
            Assert.Equal("-7\n", File.ReadAllText(path));

            // Existing: kept without overwrite.
            File.WriteAllText(path, "12\n");
            Assert.Null(TrackFileInitializer.Initialize(file, reload: false));
            Assert.Equal("12\n", File.ReadAllText(path));

            // overwrite: at start only.
            file.InitialOverwrite = true;
            Assert.Null(TrackFileInitializer.Initialize(file, reload: true));
            Assert.Equal("12\n", File.ReadAllText(path));
            Assert.Null(TrackFileInitializer.Initialize(file, reload: false));
            Assert.Equal("-7\n", File.ReadAllText(path));

            // No init_file: nothing is created.
            string other = Path.Combine(folder, "other");
            Assert.Null(TrackFileInitializer.Initialize(new VrrpTrackFileOptions { Name = "o", Path = other }, reload: false));
            Assert.False(File.Exists(other));

            // Not a regular file: refused with keepalived's message.
            if (!OperatingSystem.IsWindows())
            {
                string directory = Path.Combine(folder, "dir");
                Directory.CreateDirectory(directory);
                Assert.Equal("Cannot initialise track file d - it is not a regular file",
                    TrackFileInitializer.Initialize(new VrrpTrackFileOptions { Name = "d", Path = directory, InitialValue = 1, InitialOverwrite = true }, reload: false));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
