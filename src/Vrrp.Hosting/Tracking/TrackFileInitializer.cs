using System.Globalization;

namespace Vrrp.Hosting;

/// <summary>
/// keepalived 2.2.7's <c>init_file [VALUE] [overwrite]</c> of a <c>vrrp_track_file</c> (<c>track_file_end_handler</c>):
/// at start and at a reload, a missing file is created holding VALUE (0 when not given) and a newline; with
/// <c>overwrite</c>, an existing regular file is written too, but only at start (a reload never overwrites).
/// </summary>
internal static class TrackFileInitializer
{
    /// <summary>Creates or overwrites the file as keepalived would; returns keepalived's message when it cannot, else null.</summary>
    public static string? Initialize(VrrpTrackFileOptions file, bool reload)
    {
        if (file.InitialValue is not { } value || string.IsNullOrEmpty(file.Path))
        {
            return null;
        }

        if (OperatingSystem.IsWindows() ? File.Exists(file.Path) : ScriptSecurity.Stat(file.Path, follow: true) is not null)
        {
            if (!file.InitialOverwrite)
            {
                return null; // it exists
            }

            if (!OperatingSystem.IsWindows() && (ScriptSecurity.Stat(file.Path, follow: true)!.Value.Mode & 0xF000) != 0x8000)
            {
                return $"Cannot initialise track file {file.Name} - it is not a regular file";
            }

            if (reload)
            {
                return null;
            }
        }

        try
        {
            File.WriteAllText(file.Path, value.ToString(CultureInfo.InvariantCulture) + "\n");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"Unable to initialise track file {file.Name} ({ex.Message})";
        }
    }
}
